"""The extractive answer: pick the sentences that best answer a question, quote them, cite them.

The sentences of the top passages are scored in ``answers.quotes`` (coverage of the question's
IDF weight, passage rank, answer type, headings, meaning). Near-duplicates are dropped and the
best few are quoted, best first.

The abstain rule, measurable from the outside: askbrief answers only when some sentence (or pair of
adjacent sentences) of the top passages covers more than the question's threshold of its IDF weight
(``QuestionTerms.answer_threshold``: half, or a third for a long question whose every term the
corpus holds, four terms' worth past twelve), and abstains otherwise. The first quote always passes
the rule on its own. A question whose telling words are not in the corpus ("lemon meringue pie")
cannot pass it however common its other words are. A follow-up that points back at the conversation
("Where did he go to university?" after "Who is Hu Wei?") is answered only by a quote about its
subject: one that holds a term borrowed from the earlier questions, or carries on from a quote just
cited. And a question that asks for an amount, a date or a person ("How many hours did their
meeting in Rome last?") is answered only by a quote that holds one (``answer_type.demands_value``);
once some quote passes the rule, such a quote needs ``VALUE_SHARE`` of the threshold, the value
being what the question's words cannot name. An amount asked in a unit ("…in kilometres?") needs a
number in that measure (``answer_type.unit_asked``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import replace

from ..documents.sentences import sentence_spans
from ..search.followup import points_back
from ..search.terms import QuestionTerms
from ..types import Answer, Citation, Hit, Passage
from .answer_type import (
    LEAD_IN_TYPES,
    VALUE_TYPES,
    AnswerType,
    answer_type,
    asks_existence,
    continues_previous,
    demands_value,
    sentence_cues,
    unit_asked,
)
from .explain import RunBack, RunOn, quote_reasons
from .language import asks_in_english
from .quotes import (
    ENDS_SENTENCE,
    MAX_QUOTE_CHARS,
    NUMBER_LABEL,
    Candidate,
    Weights,
    candidates,
    code_like,
    ends_in_colon,
    hit_sentences,
    joined_text,
    quote_penalty,
)
from .twins import Searchable, text_twin

__all__ = [
    "FINISH_CHARS",
    "JOIN_CHARS",
    "MIN_COVERAGE",
    "SPARE_QUOTES",
    "answer_terms",
    "compose_answer",
    "markdown_escape",
]

MIN_COVERAGE = 0.5
# A piece of text reads as prose, not code, below this ``quote_penalty``: a sentence of words.
_PROSE = 0.1
# A quote holding the amount, date or person a question asks for needs this share of its
# threshold ("How many companies left?": "…7,800 companies, Blinken said…" never says "left").
VALUE_SHARE = 0.8
_MIN_RELATIVE = 0.55  # a quote must score at least this share of the best quote
# For "what did X say", the speaker's other words are the answer too, though they repeat fewer of
# the question's ("How did Robert Daly size up the agreement?": the sentence naming him matches,
# his "…the beginning of Cold War Two" scores 0.41 of it): the floor is lower.
_STATEMENT_RELATIVE = 0.35
_DUPLICATE_JACCARD = 0.6
_BLANK_LINE = re.compile(r"\n[^\S\n]*\n")
# A quote runs on to the end of its paragraph while the whole stays within this many characters
# (300, 400, 500 and 600 measured: +4, +5, +6 and +7 quote hits over the thirty-five sets, the
# last with one set down).
FINISH_CHARS = 500
# Two chosen quotes side by side are shown as one while the two stay within this many characters:
# each has read on within ``FINISH_CHARS``, and joining them adds no text (1,000 and 1,200
# measured: +4 quote hits over the fifty-three sets either way, none lost; 600 and 800: +1, +3).
JOIN_CHARS = 2 * FINISH_CHARS
# Quotes are chosen from this many candidates past the ones shown: a spare one that directly
# follows a shown quote, or that a shown quote holds once quotes read on, joins it rather than
# stand apart ("…neither the content nor the location of comments is stored." and then "Comments
# can be nested to arbitrary depth."), and a shown quote that joins another makes room for the
# next. Spares that join nothing are not shown. (1, 2, 3 and 4 measured: +3, +3, +4 and +5 quote
# hits over the fifty-three sets, none lost; 8, or every candidate above the floor: +6, with two
# sets down.)
SPARE_QUOTES = 4


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|~])")


def markdown_escape(text: str) -> str:
    """Text that Markdown shows as written: no emphasis, links, HTML or headings from documents,
    and no escape sequences or other control characters for a terminal to act on."""
    text = "".join(" " if unicodedata.category(ch) == "Cc" else ch for ch in text)
    return _MD_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def _same_text(a: Candidate, b: Candidate) -> bool:
    """The same words in another file (white space and case aside)."""
    return a.hit.passage.source != b.hit.passage.source and (
        " ".join(a.quote.split()).lower() == " ".join(b.quote.split()).lower()
    )


def _is_duplicate(c: Candidate, chosen: list[Candidate]) -> bool:
    for other in chosen:
        if (
            c.hit.passage.source == other.hit.passage.source
            and c.start < other.end
            and other.start < c.end
        ):
            return True
        union = c.terms | other.terms
        if union and len(c.terms & other.terms) / len(union) >= _DUPLICATE_JACCARD:
            return True
    return False


def compose_answer(
    question: str,
    hits: Sequence[Hit],
    terms: QuestionTerms,
    *,
    max_quotes: int = 4,
    next_passage: Callable[[Passage], Passage | None] | None = None,
    previous_passage: Callable[[Passage], Passage | None] | None = None,
    weights: Weights | None = None,
    explain: bool = False,
    twins: Searchable | None = None,
    recent: Sequence[tuple[str, int, int]] = (),
) -> Answer:
    """Quote the best sentences of ``hits`` for ``question``, or abstain. ``next_passage`` lets a
    quote run on into the passage that follows a hit, and ``previous_passage`` tells whether a
    hit's passage starts a paragraph; with ``twins`` (the index), a quote from a
    PDF, Word or EPUB file is cited from a text or HTML copy of it when there is one. ``recent``
    holds the quotes the conversation's last answer cited (source, start, end)."""
    kind = answer_type(question)
    terms = answer_terms(terms, kind)
    cands = candidates(
        hits,
        terms,
        next_passage,
        kind,
        weights,
        recent,
        cues=sentence_cues(question, kind),
        english=asks_in_english(question),
    )
    threshold = terms.answer_threshold
    best = max((c.coverage for c in cands), default=0.0)
    # A long question in the asker's own words gets a lower bar when nothing reaches the usual
    # one, unless it asks whether a feature exists (``asks_existence``); a question some quote
    # answers at the usual bar is answered exactly as before.
    lenient = terms.lenient_threshold
    if best <= threshold and lenient is not None and not asks_existence(question):
        threshold = lenient
    else:
        lenient = None
    if not cands or best <= threshold:
        return abstain(question, hits)
    # A question asking for an amount, a date or a person is answered only by a quote holding
    # one; the value is the part of the answer the question's words cannot name, so that quote
    # needs a share of the threshold, once some quote shows the documents cover the question.
    value = demands_value(question, kind)
    if value:
        threshold *= VALUE_SHARE
    unit = unit_asked(question, kind) if value else None
    # The first quote is the best one that passes the rule on its own; the rest support it.
    # A follow-up that points back ("Where did he go to university?") asks about the
    # conversation's subject: a quote about something else does not answer it.
    about = _about_the_conversation(question, terms)
    lead = next(
        (
            c
            for c in cands
            if c.coverage > threshold
            and (about is None or about(c))
            and (not value or c.features.typed > 0)
            and (unit is None or unit.search(c.quote))
        ),
        None,
    )
    if lead is None:
        return abstain(question, hits)
    floor = lead.score * (_STATEMENT_RELATIVE if kind is AnswerType.STATEMENT else _MIN_RELATIVE)
    chosen: list[Candidate] = [lead]
    # The same sentence in another file is not quoted twice; the quote says where else it is.
    elsewhere: dict[int, list[str]] = {}
    for c in cands:
        if c.score < floor:
            break
        twin = next((i for i, o in enumerate(chosen) if _same_text(c, o)), None)
        if twin is not None:
            sources = elsewhere.setdefault(twin, list(chosen[twin].hit.also_in))
            if c.hit.passage.source not in [chosen[twin].hit.passage.source, *sources]:
                sources.append(c.hit.passage.source)
        elif len(chosen) < max_quotes + SPARE_QUOTES and not _is_duplicate(c, chosen):
            chosen.append(c)
        elif (j := _runs_on_from(c, chosen)) is not None:
            # A quote that starts inside a chosen one and runs on past it: the chosen one runs on
            # with it rather than lose what it adds ("…some messages may permanently fail. …" and
            # then "If action.errorfile is specified, those messages are written to the file.").
            chosen[j] = _run_on(chosen[j], c)
            # What it runs on over is quoted once: a chosen quote inside it gives up its place.
            keep = [k for k, o in enumerate(chosen) if k == j or not _holds(chosen[j], o)]
            if len(keep) < len(chosen):
                elsewhere = {keep.index(k): v for k, v in elsewhere.items() if k in keep}
                chosen = [chosen[k] for k in keep]
    if twins is not None:
        chosen, elsewhere = _cite_text_copies(chosen, elsewhere, twins)
    # Each quote reads to the end of its paragraph when the rest is short: the sentence that
    # matches the question is often followed by the one that settles it ("…If this is 0, there
    # is no time out. The default value is 300 seconds (5 minutes).").
    # For a "how do I" or "which" question, a quote ending in a colon reads on instead into what
    # it leads into, the command or example ("…in front of the path name:" and then
    # `env.Program('prog', ['main.c', '#lib/foo1.c', 'foo2.c'])`).
    lead_in = kind in LEAD_IN_TYPES
    into = [lead_in and ends_in_colon(c.quote) for c in chosen]
    finished = [
        _into_example(c, next_passage, chosen)
        if example
        else _finish_paragraph(c, next_passage, chosen)
        for c, example in zip(chosen, into, strict=True)
    ]
    ran_on = [f.end - c.end for f, c in zip(finished, chosen, strict=True)]
    on_to = [RunOn.EXAMPLE if example else RunOn.PARAGRAPH for example in into]
    # A quote starts where its thought does: the sentence its opening leans on ("So, the result
    # of int32 (5) ./ int32 (8) is 1."), or its paragraph's first sentence, which often states
    # what the matching sentence follows from ("If this happens, … Valgrind will continue
    # running its translations of the old code" before "Valgrind will run much more slowly").
    opened = [_open_paragraph(c, finished, previous_passage) for c in finished]
    ran_back = [c.start - o.start for (o, _), c in zip(opened, finished, strict=True)]
    back_to = [how for _, how in opened]
    chosen = [o for o, _ in opened]
    # A quote that another one directly follows, in its paragraph or the next, reads on into it,
    # and that one gives up its place ("…set the size of the text block." and "The default is 79
    # by 24."). The two keep the better one's place.
    for j in range(len(chosen) - 1, -1, -1):
        before = _followed(chosen[j], chosen, lead_in)
        if before is None:
            continue
        place, drop = min(before, j), max(before, j)
        joined = _join_next(chosen[before], chosen[j])
        ran_on[place] = ran_on[before] + joined.end - chosen[before].end
        ran_back[place], back_to[place] = ran_back[before], back_to[before]
        on_to[place] = on_to[before]
        chosen[place] = joined
        del chosen[drop], ran_on[drop], ran_back[drop], back_to[drop], on_to[drop]
        elsewhere = {k - (k > drop): v for k, v in elsewhere.items() if k != drop}
    # Reading on and back can take a chosen quote inside another: its text is quoted once, in the
    # quote that holds it.
    while (inner := _inside(chosen)) is not None:
        del chosen[inner], ran_on[inner], ran_back[inner], back_to[inner], on_to[inner]
        elsewhere = {k - (k > inner): v for k, v in elsewhere.items() if k != inner}
    # The spare quotes that joined no shown one are not shown.
    del chosen[max_quotes:], ran_on[max_quotes:], ran_back[max_quotes:]
    del back_to[max_quotes:], on_to[max_quotes:]
    citations = tuple(
        Citation(
            n=n,
            source=c.hit.passage.source,
            title=c.hit.passage.title,
            quote=c.quote,
            start=c.start,
            end=c.end,
            line=c.hit.passage.line
            + c.hit.passage.text.count("\n", 0, c.start - c.hit.passage.start),
            page=c.hit.passage.page,
            score=c.score,
            also_in=tuple(elsewhere.get(n - 1, c.hit.also_in)),
            heading=c.hit.passage.heading,
        )
        for n, c in enumerate(chosen, start=1)
    )
    return Answer(
        question=question,
        markdown=render_markdown(citations),
        abstained=False,
        citations=citations,
        hits=tuple(hits),
        explanation=(
            {
                "quotes": quote_reasons(chosen, weights, ran_on, ran_back, back_to, on_to),
                "lenient": lenient is not None,
            }
            if explain
            else None
        ),
    )


def _shown_length(text: str) -> int:
    """The length of ``text`` as a quote shows it, each run of white space one space: a
    signature block indented to line up its options reads as short as it is."""
    return len(" ".join(text.split()))


def _quoted_elsewhere(c: Candidate, others: Sequence[Candidate], start: int, end: int) -> bool:
    """Whether another of ``others`` quotes some of ``c``'s file between ``start`` and ``end``."""
    source = c.hit.passage.source
    return any(
        o is not c and o.hit.passage.source == source and o.start < end and start < o.end
        for o in others
    )


def _finish_paragraph(
    c: Candidate,
    next_passage: Callable[[Passage], Passage | None] | None,
    others: Sequence[Candidate] = (),
) -> Candidate:
    """``c`` run on, sentence by sentence, to the end of its paragraph, as long as the whole stays
    within ``FINISH_CHARS`` as shown, each added sentence ends as a sentence ends (no heading
    line), and none of it is quoted by another of ``others`` (no text is quoted twice)."""
    if not ENDS_SENTENCE.search(c.quote):
        return c
    p = c.hit.passage
    following = next_passage(p) if next_passage is not None else None
    text = joined_text(p, following)
    end = c.end
    for s, e in hit_sentences(c.hit, following):
        if s < end:
            continue
        between = text[end - p.start : s - p.start]
        piece = text[s - p.start : e - p.start]
        if (
            "\n\n" in between
            or _shown_length(text[c.start - p.start : e - p.start]) > FINISH_CHARS
            or not ENDS_SENTENCE.search(piece)
        ):
            break
        if _quoted_elsewhere(c, others, s, e):
            break
        end = e
    return _read_to(c, text, end)


def _read_to(c: Candidate, text: str, end: int) -> Candidate:
    """``c`` read on to document offset ``end``; ``text`` is its passage's text (and the next
    one's) from the passage's start."""
    if end == c.end:
        return c
    start = c.hit.passage.start
    return replace(c, end=end, quote=c.quote + text[c.end - start : end - start])


def _into_example(
    c: Candidate,
    next_passage: Callable[[Passage], Passage | None] | None,
    others: Sequence[Candidate] = (),
) -> Candidate:
    """``c``, which ends with a colon, run on into the block it leads into (the command or
    example after it), when the whole block fits within ``FINISH_CHARS`` as shown and no other
    of ``others`` quotes any of it; else ``c`` as it was. Only white space lies between the
    colon and the block, however many lines: a page reader often sets a ``<pre>`` block three
    lines down. The block ends where a blank line is followed by prose, a new section or the
    document's end; code after a blank line may still be the block's, so a block whose end is not
    in sight is not quoted in part ("import time" alone). It never reads into the next section:
    a colon that ends one leads into nothing shown under its heading."""
    p = c.hit.passage
    following = next_passage(p) if next_passage is not None else None
    text = joined_text(p, following)
    end = c.end
    for s, e in hit_sentences(c.hit, following, from_next=None):
        if s < c.end:
            continue
        if end > c.end and "\n\n" in text[end - p.start : s - p.start]:
            if quote_penalty(text[s - p.start : e - p.start]) >= _PROSE:
                return c
            break
        if following is not None and s >= following.start and following.heading != p.heading:
            break
        if _shown_length(text[c.start - p.start : e - p.start]) > FINISH_CHARS:
            return c
        if _quoted_elsewhere(c, others, s, e):
            return c
        end = e
    else:
        if following is not None:
            return c
    return _read_to(c, text, end)


def _opens_paragraph(
    p: Passage, previous_passage: Callable[[Passage], Passage | None] | None
) -> bool:
    """Whether ``p`` starts a paragraph: its document's first passage, or one that a blank line
    separates from the last words of the passage before it. Only white space lies between the
    two, partly at the end of that passage's text and partly between the passages, so its
    newlines are counted from the passages' lines."""
    if p.start == 0:
        return True
    before = previous_passage(p) if previous_passage is not None else None
    if before is None:
        return False
    trailing = before.text[len(before.text.rstrip()) :].count("\n")
    between = p.line - (before.line + before.text.count("\n"))
    return trailing + between >= 2


def _open_paragraph(
    c: Candidate,
    others: Sequence[Candidate] = (),
    previous_passage: Callable[[Passage], Passage | None] | None = None,
) -> tuple[Candidate, RunBack | None]:
    """``c`` run back, and how far: within its passage and ``MAX_QUOTE_CHARS`` as shown, each
    added sentence ending as a sentence ends and quoted by none of ``others``, never over a blank
    line (a heading stands apart) or a lone section number. A quote whose first sentence leans on
    the one before (``continues_previous``: "So,", "This", "It") runs back sentence by sentence
    to the sentence it leans on; any other starts where its paragraph does when all of the
    paragraph before it fits and its start is known (a blank line or a lone section number
    before it, or the passage's start when ``previous_passage`` shows that it starts a
    paragraph), or stays as it is."""
    if not _in_passage(c):
        return c, None
    if code_like(c.quote):
        explained = _with_its_explanation(c, others, previous_passage)
        if explained is not None:
            return explained, RunBack.EXPLAINED
    leaning = continues_previous(c.quote)
    p = c.hit.passage
    spans = [(p.start + s, p.start + e) for s, e in sentence_spans(p.text)]
    at = next((i for i, (s, _) in enumerate(spans) if s == c.start), None)
    if at is None:
        return c, None
    start = c.start
    for s, e in reversed(spans[:at]):
        piece = p.text[s - p.start : e - p.start]
        if _BLANK_LINE.search(p.text, e - p.start, start - p.start) or NUMBER_LABEL.fullmatch(
            piece.strip()
        ):
            break  # the paragraph starts at ``start``
        if (
            _shown_length(p.text[s - p.start : c.start - p.start] + c.quote) > MAX_QUOTE_CHARS
            or not ENDS_SENTENCE.search(piece)
            or _quoted_elsewhere(c, others, s, e)
        ):
            if leaning:
                break
            return c, None  # not the whole paragraph: the quote stays as it is
        start = s
        if leaning and not continues_previous(piece):
            break
    else:
        # A passage may start inside a long paragraph, split at a sentence: its start is then
        # not the paragraph's.
        if not leaning and not _opens_paragraph(p, previous_passage):
            return c, None
    if start == c.start:
        return c, None
    quote = p.text[start - p.start : c.start - p.start] + c.quote
    how = RunBack.LEANS if leaning else RunBack.PARAGRAPH
    return replace(c, start=start, quote=quote), how


def _with_its_explanation(
    c: Candidate,
    others: Sequence[Candidate],
    previous_passage: Callable[[Passage], Passage | None] | None,
) -> Candidate | None:
    """A quote of code (``client.session_transaction()…``) run back over the code block's
    earlier lines and blank lines (what is no readable prose: ``quote_penalty``) to the prose
    paragraph that introduces it ("…use the client's session_transaction() method in a with
    statement. It returns a session object…"), never past the section's heading, when that
    paragraph lies within the passage (its start known, as for ``_open_paragraph``), is quoted by
    none of ``others``, and the whole fits in ``MAX_QUOTE_CHARS`` as shown; None otherwise.
    Documentation shows code after the sentence that says what it does, and code alone answers
    no one."""
    p = c.hit.passage
    before = p.text[: c.start - p.start]
    breaks = list(_BLANK_LINE.finditer(before))
    starts = [0] + [m.end() for m in breaks]
    ends = [m.start() for m in breaks] + [len(before)]
    # The quote's own paragraph is the code block's, unless prose leads into it there ("So, the
    # result of int32 (5) ./ int32 (8) is 1." ends a paragraph of prose): then it is no code
    # block, and the quote runs back as any other does. Before it, the paragraphs back to prose.
    own = before[starts[-1] :]
    if own.strip() and quote_penalty(own.strip()) < _PROSE:
        return None
    for i in range(len(starts) - 2, -1, -1):
        para = before[starts[i] : ends[i]]
        if p.heading and para.strip() == p.heading.strip():
            return None  # the section's heading: nothing before it explains this code
        if not para.strip() or quote_penalty(para.strip()) >= _PROSE:
            continue  # the code block's lines, or a label such as ".. code-block:: python"
        if starts[i] == 0 and not _opens_paragraph(p, previous_passage):
            return None
        start = p.start + starts[i] + len(para) - len(para.lstrip())
        if _shown_length(p.text[start - p.start : c.start - p.start] + c.quote) > MAX_QUOTE_CHARS:
            return None
        if _quoted_elsewhere(c, others, start, c.start):
            return None
        return replace(c, start=start, quote=p.text[start - p.start : c.start - p.start] + c.quote)
    return None


def _runs_on_from(c: Candidate, chosen: Sequence[Candidate]) -> int | None:
    """The index of the chosen quote that ``c`` starts inside and runs on past, the two within
    ``MAX_QUOTE_CHARS`` and each ending as a sentence ends (never on to a heading line); None
    when there is none."""
    if not ENDS_SENTENCE.search(c.quote):
        return None
    for j, o in enumerate(chosen):
        if (
            c.hit.passage.source == o.hit.passage.source
            and o.start <= c.start < o.end < c.end
            and c.end - o.start <= MAX_QUOTE_CHARS
            and ENDS_SENTENCE.search(o.quote)
        ):
            return j
    return None


def _gap(o: Candidate, c: Candidate) -> str | None:
    """The text between chosen quote ``o`` and ``c``, which starts after it in the same passage
    or in the next one of its section (a passage is a unit of search, not of the page: a long
    section runs on from one passage into the next); None when ``c`` does not."""
    p, q = o.hit.passage, c.hit.passage
    if c.start < o.end or not (_in_passage(o) and _in_passage(c)):
        return None
    if q.id == p.id:
        return p.text[o.end - p.start : c.start - p.start]
    if q.source == p.source and q.start == p.end and q.heading == p.heading:
        return p.text[o.end - p.start :] + q.text[: c.start - q.start]
    return None


def _in_passage(c: Candidate) -> bool:
    """Whether ``c``'s offsets are in its passage's text (a quote cited from a copy of its
    page, ``twins``, has the copy's)."""
    p = c.hit.passage
    return p.start <= c.start < p.end and c.quote.startswith(
        p.text[c.start - p.start : c.end - p.start]
    )


def _followed(c: Candidate, chosen: Sequence[Candidate], lead_in: bool = False) -> int | None:
    """The index of the other chosen quote that ``c`` directly follows in its section (``_gap``):
    only white space between, in the same paragraph or across one blank line into the next
    (never over a gap where the reader left text out, three newlines), the two ending as
    sentences end and within ``JOIN_CHARS`` together; None when there is none. Shown apart, the
    two read as separate places ("There are two ways of assigning labels…" and "Disks that are
    marked as <shared> will get a generic label…", the next paragraph, fourth); shown as one,
    the text that answers keeps the better one's place. With ``lead_in`` (a "how do I" or
    "which" question), ``c`` may end in a colon instead: it leads into the answer, and is one."""
    if not (ENDS_SENTENCE.search(c.quote) or (lead_in and ends_in_colon(c.quote))):
        return None
    for j, o in enumerate(chosen):
        gap = _gap(o, c) if o is not c else None
        if (
            gap
            and not gap.strip()
            and gap.count("\n") <= 2
            and ENDS_SENTENCE.search(o.quote)
            and _shown_length(o.quote + gap + c.quote) <= JOIN_CHARS
        ):
            return j
    return None


def _join_next(o: Candidate, c: Candidate) -> Candidate:
    """Quote ``o`` read on through ``c``, which directly follows it (``_followed``)."""
    gap = _gap(o, c) or ""
    return replace(o, end=c.end, quote=o.quote + gap + c.quote, terms=o.terms | c.terms)


def _holds(outer: Candidate, inner: Candidate) -> bool:
    """Whether ``inner`` quotes text that ``outer`` quotes whole: the same file, within its span."""
    return (
        outer.hit.passage.source == inner.hit.passage.source
        and outer.start <= inner.start
        and inner.end <= outer.end
    )


def _inside(chosen: Sequence[Candidate]) -> int | None:
    """The index of a chosen quote that another chosen quote holds whole (``_holds``; of two
    the same, the later one), or None."""
    for j, c in enumerate(chosen):
        for k, o in enumerate(chosen):
            if k != j and _holds(o, c) and (k < j or (o.start, o.end) != (c.start, c.end)):
                return j
    return None


def _run_on(o: Candidate, c: Candidate) -> Candidate:
    """Quote ``o`` run on to the end of ``c``, which starts inside it: the same document text."""
    return replace(
        o, end=c.end, quote=o.quote[: c.start - o.start] + c.quote, terms=o.terms | c.terms
    )


def _cite_text_copies(
    chosen: Sequence[Candidate], elsewhere: dict[int, list[str]], index: Searchable
) -> tuple[list[Candidate], dict[int, list[str]]]:
    """``chosen`` with each extracted-document quote cited from its text copy (``twins``), and
    the other places of each quote's text; a copy already quoted is not quoted twice."""
    out: list[Candidate] = []
    places: dict[int, list[str]] = {}
    for i, c in enumerate(chosen):
        twin = text_twin(c, index)
        if twin is None:
            out.append(c)
            if i in elsewhere:
                places[len(out) - 1] = elsewhere[i]
            continue
        here = twin.hit.passage.source
        sources = [s for s in [*twin.hit.also_in, *elsewhere.get(i, [])] if s != here]
        at = (here, twin.start)
        same = next((j for j, o in enumerate(out) if (o.hit.passage.source, o.start) == at), None)
        if same is None:
            out.append(twin)
            same, sources = len(out) - 1, [c.hit.passage.source, *sources]
        merged = places.setdefault(same, list(out[same].hit.also_in))
        for s in sources:
            if s not in merged and s != out[same].hit.passage.source:
                merged.append(s)
    return out, places


def _about_the_conversation(
    question: str, terms: QuestionTerms
) -> Callable[[Candidate], bool] | None:
    """For a follow-up that points back at the conversation ("he", "it", "And what about…"), a
    test that a quote is about its subject: it holds a term borrowed from the earlier questions
    ("Hu Wei"), or carries on from a quote the last answer cited. None for any other question."""
    if not terms.borrowed or not points_back(question):
        return None
    borrowed = terms.borrowed
    return lambda c: bool(c.terms & borrowed) or c.features.continues > 0


def answer_terms(terms: QuestionTerms, kind: AnswerType) -> QuestionTerms:
    """ "When will it be finished?" after a question about a pipeline: the subject comes from
    the conversation, and a word of the question's own that the corpus lacks ("finished") is how
    the value is asked for, not what it is about. For a follow-up asking for a value, such a word
    weighs no more than the heaviest borrowed term, so the answer is not refused for it alone.
    Two or more such words ("Who designed its logo?", "How many vaccine doses did the city import
    from Germany?") name something the documents do not cover, and keep their weight."""
    if not terms.borrowed or len(terms.missing) != 1 or kind not in VALUE_TYPES:
        return terms
    cap = max(terms.weights[t] for t in terms.borrowed)
    weights = {t: min(w, cap) if t in terms.missing else w for t, w in terms.weights.items()}
    return replace(terms, weights=weights)


def abstain(question: str, hits: Sequence[Hit]) -> Answer:
    text = "The documents do not answer this question."
    if hits:
        text += " The closest passages are listed as sources you may want to read."
    return Answer(question=question, markdown=text, abstained=True, citations=(), hits=tuple(hits))


def render_markdown(citations: Sequence[Citation]) -> str:
    """Quotes, each followed by its marker, then the numbered source list."""
    quotes = [f"> {markdown_escape(c.quote)} [{c.n}]" for c in citations]
    sources = []
    for c in citations:
        where = f"page {c.page}, line {c.line}" if c.page is not None else f"line {c.line}"
        sources.append(f"[{c.n}] {markdown_escape(c.source)}, {where} — {markdown_escape(c.title)}")
    return "\n>\n".join(quotes) + "\n\n**Sources**\n\n" + "  \n".join(sources)
