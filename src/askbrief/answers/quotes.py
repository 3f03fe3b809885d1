"""Candidate quotes: every sentence, and some pairs of sentences, of the top passages, scored.

A quote's score is a weighted sum of named features, so that ``ask --explain`` can show why a quote
won and ``bench/answer_quality.py`` can weigh the features on every public set at once:

- ``coverage``: the share of the question's IDF weight the quote holds (a term the corpus lacks
  counts as missing), the one feature the abstain rule reads;
- ``rank``: the passage's place in the reranked list (halving every ``RANK_HALF`` places);
- ``neighbour``: the best coverage of the sentences either side. It counts against a sentence
  (measured on every public set): when the next sentence also answers, the quote that holds both
  (the pair, the run) says more, and a heading line alone ("The pass statement¶") gives way to the
  sentence it heads;
- ``typed``: the quote holds what the question's type asks for (``answers.answer_type``);
- ``focus``: it opens by defining what a "what is X" question asks about;
- ``heading`` / ``title``: the passage's heading or page title names what the question asks
  about (``QuestionTerms.names``);
- ``summary``: the passage is its page's one-line summary ("git-blame - Show what revision and
  author last modified each line of a file") and the question asks how to do something or which
  thing does it (``search.summaries``);
- ``opener``: the quote is the first sentence under such a heading, where a reference page
  says what the thing is ("zip(*iterables)¶" — "Iterate over several iterables in parallel."),
  or the first sentence of a section when it defines what is asked ("DESCRIPTION" — "A submodule
  is a repository embedded inside another repository.");
- ``continues``: in a follow-up, the quote carries on from one the last answer cited, where a
  conversation's next answer often is ("And what about imports going the other way?" after
  the exports: the next sentence);
- penalties for what reads badly alone: code and fragments (``prose``), an introduction ending
  in a colon, a sentence that leans on the one before (``dangling``), very long quotes, pairs;
- ``release_notes``: a penalty for a page of release notes or a changelog (``releases/1.10.html``,
  ``whatsnew/3.8.html``, ``CHANGELOG_V19.md``), unless the question asks about releases or
  versions: such a page announces every feature in the words of its reference page ("Two new
  settings help mitigate denial-of-service attacks…"), but the reference page answers;
- ``default``: for a question about what holds when nothing is set ("…if I don't specify one?",
  "…by default?"), a quote that says so ("If not specified the test will be run with…", "This
  value defaults to 3 if unspecified"): the sentence naming the option matches such a question
  as well, but only this one answers it;
- ``advice``: for a question asking whether a thing is wise ("Should I use AUTOINCREMENT…?", "Is
  it safe to run url.parse() on URLs submitted by users?"), a quote that recommends or warns
  ("…should be avoided if not strictly needed", "Do not use with untrusted input"). Such a
  sentence rarely repeats the question's words, so it counts more (0.5); the first quote must
  still cover enough of the question to answer;
- ``limit``: for a question why something does not happen ("Why doesn't HAProxy just write its
  access log to a file?", "…but it still renders. Why?"), a quote that states a limit ("only",
  "not", "never", "must", "ignored"; not the granting words a yes/no answer may have, "possible",
  "allows"): "This option is implemented only by Makefile Generators and Ninja Generators."
  answers such a "why" without a "because".
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, fields, replace

from ..documents.sentences import sentence_spans
from ..search.analysis import analyze
from ..search.summaries import is_summary
from ..search.terms import QuestionTerms, heading_terms, title_terms
from ..types import Hit, Passage
from .answer_type import (
    LEAD_IN_TYPES,
    SUMMARY_TYPES,
    VALUE_TYPES,
    AnswerType,
    continues_previous,
    holds_answer,
)
from .language import is_foreign

__all__ = [
    "Candidate",
    "Features",
    "Weights",
    "candidates",
    "carries_on",
    "code_like",
    "ends_in_colon",
    "hit_sentences",
    "joined_text",
    "leads_in",
    "quote_penalty",
]

RANK_HALF = 4.0
# A follow-up's answer is often the next sentence or two after a quote just cited ("So what would
# Beijing be more comfortable sending?" after Drew Thompson's view on arms sales): this far.
CONTINUE_WINDOW = 400
MAX_QUOTE_CHARS = 600
HEADING_WORDS = 8
# The terms of section headings that name no subject of their own.
GENERIC_HEADINGS = frozenset(
    analyze("description overview introduction summary synopsis abstract definition purpose about")
)
_CODE_PENALTY = 0.4
# The code part of ``quote_penalty`` from which a text is code (a quarter of its words not words).
CODE_LIKE = 0.1
_FRAGMENT_PENALTY = 0.25
_SHORT_PENALTY = 0.15

_WORD = re.compile(r"^[\"'“‘(\[]*[^\W\d_][^\W\d_'’-]*[,.;:!?\"'”’)\]]*$")
ENDS_SENTENCE = re.compile(r"[.!?…。！？][\"'”’)\]]*$")
# Chrome that reads as no answer: a line that is only an API signature, with or without its
# permalink mark ("create(env_dir)¶", "class venv.EnvBuilder(...)"), or a pointer elsewhere
# ("See git-config(1).", "For details, see …"). A term's heading with its mark ("global
# interpreter lock¶") is no chrome: it names what the definition under it defines, nor is a word
# with a note in brackets after a space ("warning (operation reached its normal end…)").
_SIGNATURE_LINE = re.compile(
    r"^[ \t]*(?:(?:class|async|def|function|method|static|exception)[ \t]+)?[A-Za-z_][\w.]*"
    r"\([^\n]*\)[ \t]*(?:(?:->|→)[^\n]*)?[¶§]?[ \t]*$",
    re.M,
)
# Release notes and changelogs, by their file or folder name: releases/1.10.html,
# whatsnew/3.8.html, release-15-4.html, releaselog/3_39_2.html, changelogs/CHANGELOG_V19.md, NEWS.
_RELEASE_NOTES = re.compile(
    r"(?:^|/)(?:releases?|release-notes|relnotes|whatsnew|changelogs?|releaselog)/|"
    r"(?:^|/)(?:news|changelog|changes|history|release-notes|relnotes|release-\d[\w.-]*)"
    r"(?:\.[a-z]+)*$|(?:^|/)(?:NEWS|CHANGELOG|CHANGES|HISTORY)[^/]*$",
    re.I,
)
# A question about releases or versions is answered by release notes too.
_ABOUT_RELEASES = frozenset(analyze("release version changelog whatsnew"))
# Sphinx's versionadded / versionchanged / deprecated line with nothing after it ("New in version
# 3.20."): it answers nothing alone, nor under its heading.
_VERSION_NOTE = re.compile(
    r"^\W*(?:new|added|changed|deprecated|removed)\s+(?:in|since)\s+version\s+[\w.]+[.:]?\s*$",
    re.I,
)
# A section or list number that the sentence splitter left on its own ("3.1.3.1." before
# "To import QIF files:"): the label of a heading, never the value a question asks for.
NUMBER_LABEL = re.compile(r"(?:\d{1,3}|[A-Z])(?:\.\d{1,3})*\.")
_STUB = re.compile(
    r"^\W*(?:see(?:\s+also)?|cf\.?|refer\s+to|(?:for|with)\s+(?:more\s+)?(?:details|information|"
    r"an\s+example|examples)[^.]{0,40}?,\s*see)\b",
    re.I,
)


@dataclass(frozen=True)
class Features:
    """What a candidate quote is scored on; each is 0 to 1 unless said otherwise."""

    coverage: float = 0.0
    rank: float = 0.0
    neighbour: float = 0.0
    typed: float = 0.0
    focus: float = 0.0
    heading: float = 0.0
    title: float = 0.0
    opener: float = 0.0  # the first sentence under a heading that names what is asked
    summary: float = 0.0  # its page's one-line summary, for a "how do I" or "which" question
    prose: float = 0.0  # quote_penalty: 0 for a clean sentence, more for code and fragments
    unfinished: float = 0.0
    dangling: float = 0.0
    long: float = 0.0
    pair: float = 0.0
    chrome: float = 0.0
    continues: float = 0.0  # in a follow-up, it carries on from a quote just cited
    release_notes: float = 0.0  # its page is release notes or a changelog
    default: float = 0.0  # it says what holds by default, for a question that asks
    advice: float = 0.0  # it recommends or warns, for a question asking whether to do a thing
    limit: float = 0.0  # it states a limit, for a question asking why something does not happen
    foreign: float = 0.0  # its passage is in another language than the question


@dataclass(frozen=True)
class Weights:
    """How much each feature counts; penalties are subtracted."""

    coverage: float = 1.0
    rank: float = 0.2
    neighbour: float = -0.2
    typed: float = 0.2
    focus: float = 0.3
    heading: float = 0.3
    title: float = 0.2
    opener: float = 0.2
    summary: float = 0.6
    prose: float = -1.0
    unfinished: float = -0.1
    dangling: float = -0.05
    long: float = -0.1
    pair: float = -0.05
    chrome: float = -0.2
    continues: float = 0.3
    release_notes: float = -0.2
    default: float = 0.2
    advice: float = 0.5
    limit: float = 0.4
    foreign: float = -0.5

    def score(self, f: Features) -> float:
        return float(sum(getattr(self, k.name) * getattr(f, k.name) for k in fields(Features)))


@dataclass(frozen=True)
class Candidate:
    hit: Hit
    start: int  # offsets into the document text
    end: int
    quote: str
    terms: frozenset[str]
    features: Features
    score: float = 0.0

    @property
    def coverage(self) -> float:
        return self.features.coverage


def quote_penalty(quote: str, lead_in: bool = False) -> float:
    """How far ``quote`` is from a readable sentence: code, headings, fragments and very short
    lines are real text but rarely an answer, so they lose to prose covering as much. With
    ``lead_in`` (the question asks how to do something or which thing does it), a quote that
    leads into what follows it is no fragment (``leads_in``)."""
    words = quote.split()
    if not words:
        return 1.0
    penalty = _code_penalty(words)
    # A label ("Example:") leads into nothing a reader could act on: a lead-in is a sentence.
    if not ENDS_SENTENCE.search(quote) and not (lead_in and len(words) >= 4 and leads_in(quote)):
        penalty += _FRAGMENT_PENALTY
    if len(words) < 4:
        penalty += _SHORT_PENALTY
    return penalty


def code_like(text: str) -> bool:
    """Whether ``text`` reads as code: so many of its words are not words (``name(arg)``,
    ``x = 1``, ``"user_id"``) that that alone would mark it down as ``quote_penalty`` does;
    a heading or a short line of words is no code."""
    words = text.split()
    return bool(words) and _code_penalty(words) >= CODE_LIKE


def _code_penalty(words: Sequence[str]) -> float:
    """The part of ``quote_penalty`` for the share of ``words`` (at least one) that are no words."""
    prose = sum(1 for w in words if _WORD.match(w)) / len(words)
    return _CODE_PENALTY * (1.0 - prose)


def ends_in_colon(quote: str) -> bool:
    """Whether ``quote`` ends with a colon, white space aside: it introduces what follows."""
    return quote.rstrip().endswith(":")


def leads_in(quote: str) -> bool:
    """Whether ``quote`` introduces what comes after a colon: it ends with one ("…by prepending a
    # (hash mark) in front of the path name:"), or a line of it does and the command or example
    follows. For a "how do I" or "which" question that is the answer, not a fragment of one."""
    return ends_in_colon(quote) or ":\n" in quote


def _chrome(quote: str) -> float:
    chrome = _SIGNATURE_LINE.search(quote) or _STUB.match(quote)
    return 1.0 if chrome else 0.0


def joined_text(p: Passage, following: Passage | None) -> str:
    """``p``'s text, with the next passage's after it when the two are contiguous: a quote may
    run on into the passage that follows its own."""
    return p.text + (following.text if following is not None and following.start == p.end else "")


def hit_sentences(
    hit: Hit, following: Passage | None, from_next: int | None = 2
) -> list[tuple[int, int]]:
    """Sentence spans (document offsets) of a hit's passage, then the first ``from_next`` of the
    next one (None: all of them)."""
    p = hit.passage
    spans = [(p.start + s, p.start + e) for s, e in sentence_spans(p.text)]
    if following is not None and following.start == p.end:
        spans += [
            (following.start + s, following.start + e)
            for s, e in sentence_spans(following.text)[:from_next]
        ]
    return spans


def _opener(p: Passage, spans: Sequence[tuple[int, int]]) -> int | None:
    """The index of the first body sentence when ``p`` opens with its heading, else None."""
    heading = p.heading.strip()
    if not heading or not p.text.lstrip().startswith(heading):
        return None
    after = p.start + p.text.index(heading) + len(heading)
    for i, (s, e) in enumerate(spans):
        line = p.text[max(0, s - p.start) : e - p.start].strip().rstrip("¶§").strip()
        # A subheading right under the heading ("Rowid Tables", then "1.0 Definition") is not
        # the body: a short line that does not end as a sentence ends does.
        if e > after and line != heading and not _heading_like(line):
            return i
    return None


def _heading_like(line: str) -> bool:
    """A short line that does not end as a sentence ends; one ending in a colon introduces what
    follows ("A variant of here documents, the format is:") and is body."""
    return (
        len(line.split()) <= HEADING_WORDS
        and not ENDS_SENTENCE.search(line)
        and not line.endswith(":")
    )


def _pairs_with_next(
    first: str, second: str, covs: tuple[float, float], cov: float, kind: AnswerType
) -> bool:
    """Whether a sentence should also be offered joined to the next one: the two cover more; the
    first cannot stand alone (it introduces what follows, or is a heading or signature line); the
    next leans on it ("It is expected to…"); or only the next holds what the question asks for."""
    return (
        cov > max(covs)
        or first.endswith(":")
        or not ENDS_SENTENCE.search(first)
        or (covs[0] > 0 and continues_previous(second))
        or (
            covs[0] > 0
            and kind is not AnswerType.OTHER
            and holds_answer(kind, second)
            and not holds_answer(kind, first)
        )
    )


# Three newlines in a page's text mark where the reader left text out (a contents list between
# a heading and its first paragraph): the text either side is not adjacent on the page.
_GAP = "\n\n\n"


def _gap_between(text: str, offset: int, end: int, start: int) -> bool:
    """Whether the text between one sentence's ``end`` and the next one's ``start`` (document
    offsets; ``text`` begins at ``offset``) holds a gap."""
    return _GAP in text[end - offset : start - offset]


def _introduced_paragraph_end(
    text: str, offset: int, spans: Sequence[tuple[int, int]], i: int
) -> int | None:
    """The index of the last sentence of the paragraph that sentence ``i`` introduces (with a
    colon), when that paragraph has two sentences or more and the run stays within
    ``MAX_QUOTE_CHARS`` and crosses no gap; else None (a pair says a one-sentence paragraph)."""
    if i + 2 >= len(spans) or _gap_between(text, offset, spans[i][1], spans[i + 1][0]):
        return None
    last = i + 1
    while (
        last + 1 < len(spans)
        and "\n\n" not in text[spans[last][1] - offset : spans[last + 1][0] - offset]
        and spans[last + 1][1] - spans[i][0] <= MAX_QUOTE_CHARS
    ):
        last += 1
    return last if last >= i + 2 else None


def candidates(
    hits: Sequence[Hit],
    question: QuestionTerms,
    next_passage: Callable[[Passage], Passage | None] | None,
    kind: AnswerType = AnswerType.OTHER,
    weights: Weights | None = None,
    recent: Sequence[tuple[str, int, int]] = (),
    cues: Mapping[str, Callable[[str], bool]] | None = None,
    english: bool = False,
) -> list[Candidate]:
    """Every sentence, and every pair worth offering, of the hits, scored, best first.
    ``recent`` holds the quotes the last answer of a conversation cited (source, start, end);
    ``cues`` the features the question asks for beyond its type, each with the test a quote
    passes to hold it (``answer_type.sentence_cues``: "default", "advice", "limit").

    A "what is X" or "what does X do" question leans on the opener twice as much: the first
    sentence under the heading that names X is where a reference page answers it. A question
    that asks for a value leans on ``typed`` twice as much."""
    weights = weights or Weights()
    if question.focus:
        weights = replace(weights, opener=2 * weights.opener)
    if kind in VALUE_TYPES:
        # A quote without the amount, date or name asked for does not answer, however well it
        # matches ("The credential's password…" for "How long does the cache remember it?").
        weights = replace(weights, typed=2 * weights.typed)
    lead_in = kind in LEAD_IN_TYPES
    out: list[Candidate] = []
    for place, hit in enumerate(hits):
        p = hit.passage
        following = next_passage(p) if next_passage is not None else None
        text = joined_text(p, following)
        spans = hit_sentences(hit, following)
        own = sum(1 for s, _ in spans if s < p.end)
        term_sets = [set(analyze(text[s - p.start : e - p.start])) for s, e in spans]
        under = heading_terms(p.heading)
        # The first sentence of the body, when the passage opens its section with the heading:
        # it is read as what the heading names ("zip(*iterables)¶" — "Iterate over…"), so the
        # heading's terms count in full for it, and at half for the sentences after it.
        opener_at = _opener(p, spans)
        covs = [
            question.coverage(ts | under if i == opener_at else ts, under)
            for i, ts in enumerate(term_sets)
        ]
        # The reranked order decides, not the raw BM25 score: fusion may have moved a passage up.
        shared = {
            "rank": 1.0 / (1.0 + place / RANK_HALF),
            "heading": question.names(under),
            "title": question.names(title_terms(p.title)),
        }
        if kind in SUMMARY_TYPES and is_summary(p):
            shared["summary"] = 1.0
        if _RELEASE_NOTES.search(p.source) and not _ABOUT_RELEASES & question.weights.keys():
            shared["release_notes"] = 1.0
        if english and is_foreign(p.text):
            shared["foreign"] = 1.0
        # Under a heading that names no subject ("Description", "Overview"), the first sentence
        # says what the page is about: it opens for the page's title.
        opens_for = shared["title"] if under and under <= GENERIC_HEADINGS else shared["heading"]

        def quote_features(
            quote: str, shared: dict[str, float] = shared, **more: float
        ) -> Features:
            return Features(
                typed=float(kind is not AnswerType.OTHER and holds_answer(kind, quote)),
                **{name: float(holds(quote)) for name, holds in (cues or {}).items()},
                focus=float(question.opens_with_focus(quote)),
                long=float(len(quote) > MAX_QUOTE_CHARS),
                prose=quote_penalty(quote, lead_in),
                chrome=_chrome(quote),
                **shared,
                **more,
            )

        for i in range(own):
            s, e = spans[i]
            quote = text[s - p.start : e - p.start]
            opener = opens_for if i == opener_at else 0.0
            if i == opener_at and question.opens_with_focus(quote):
                # The section opens by defining what is asked ("DESCRIPTION": "A submodule is a
                # repository…"): that is the opener, whatever the heading and title name.
                opener = 1.0
            if covs[i] > 0 and not _VERSION_NOTE.match(quote):
                # The heading line above the opener is its label, not a sentence that answers.
                neighbour = max(
                    covs[i - 1] if 0 < i != opener_at else 0.0,
                    covs[i + 1] if i + 1 < len(covs) else 0.0,
                )
                f = quote_features(
                    quote,
                    opener=opener,
                    coverage=covs[i],
                    neighbour=neighbour,
                    # It ends in a colon, or the next sentence goes on from it ("These can
                    # include…"): alone it promises more than it says, unless what the colon
                    # leads into is what a "how do I" or "which" question asks for.
                    unfinished=float(
                        (quote.endswith(":") and not lead_in)
                        or (
                            i + 1 < len(spans)
                            and continues_previous(
                                text[spans[i + 1][0] - p.start : spans[i + 1][1] - p.start]
                            )
                        )
                    ),
                    dangling=float(i > 0 and continues_previous(quote)),
                )
                out.append(Candidate(hit, s, e, quote, frozenset(term_sets[i]), f))
            # "…was typically pugnacious towards the United States:" and then what she said, the
            # paragraph it introduces, whole: for a "what did X say" question, all of it is, and
            # the colon's sentence with only the first of it would cut her short.
            said_to = (
                _introduced_paragraph_end(text, p.start, spans, i)
                if kind is AnswerType.STATEMENT and covs[i] > 0 and ends_in_colon(quote)
                else None
            )
            if said_to is not None:
                said = set().union(*term_sets[i : said_to + 1])
                run = text[s - p.start : spans[said_to][1] - p.start]
                f = quote_features(
                    run, coverage=question.coverage(said, under), pair=1.0, opener=opener
                )
                out.append(Candidate(hit, s, spans[said_to][1], run, frozenset(said), f))
            elif i + 1 < len(spans) and not _gap_between(text, p.start, e, spans[i + 1][0]):
                s2, e2 = spans[i + 1]
                union = term_sets[i] | term_sets[i + 1]
                cov = question.coverage(union, under)
                second = text[s2 - p.start : e2 - p.start]
                if (
                    cov > 0
                    and _pairs_with_next(quote, second, (covs[i], covs[i + 1]), cov, kind)
                    and not (i + 1 == opener_at and _VERSION_NOTE.match(second))
                    and not NUMBER_LABEL.fullmatch(second)
                ):
                    pair = text[s - p.start : e2 - p.start]
                    # A heading line with the sentence it heads reads as one unit, the defined
                    # term with its definition; the sentence alone still wins a tie, since the
                    # citation names its heading.
                    heads = i + 1 == opener_at
                    f = quote_features(
                        pair,
                        coverage=max(cov, covs[i + 1]) if heads else cov,
                        pair=0.5 if heads else 1.0,
                        opener=opens_for if heads else opener,
                    )
                    out.append(Candidate(hit, s, e2, pair, frozenset(union), f))
            # "…git gc --auto will pack them. Some commands use it. The default value is 6700.":
            # the sentence that names the subject, run on to the one that holds the number.
            # Only for a value: looser cues (a "not" for yes/no) would let a run reach anything.
            if i + 2 < len(spans) and covs[i] > 0 and kind in VALUE_TYPES:
                s3, e3 = spans[i + 2]
                third = text[s3 - p.start : e3 - p.start]
                middle = text[spans[i + 1][0] - p.start : spans[i + 1][1] - p.start]
                if (
                    e3 - s <= MAX_QUOTE_CHARS
                    and not _gap_between(text, p.start, e, s3)
                    and ENDS_SENTENCE.search(quote)  # sentences, not headings
                    and ENDS_SENTENCE.search(middle)
                    and holds_answer(kind, third)
                    # the subject is named before the value, not by the value's own sentence
                    and covs[i + 2] < covs[i]
                    and not holds_answer(kind, quote)
                    and not holds_answer(kind, middle)
                ):
                    union = term_sets[i] | term_sets[i + 1] | term_sets[i + 2]
                    run = text[s - p.start : e3 - p.start]
                    f = quote_features(
                        run, coverage=question.coverage(union, under), pair=2.0, opener=opener
                    )
                    out.append(Candidate(hit, s, e3, run, frozenset(union), f))
    if recent and question.borrowed:
        out = [
            replace(c, features=replace(c.features, continues=1.0))
            if carries_on(c.hit.passage.source, c.start, c.end, recent)
            else c
            for c in out
        ]
    return rescore(out, weights)


def carries_on(source: str, start: int, end: int, recent: Sequence[tuple[str, int, int]]) -> bool:
    """Whether the quote ``source[start:end]`` carries on from one of the ``recent`` quotes
    (source, start, end): it starts inside one or within ``CONTINUE_WINDOW`` characters after it,
    and says more than it did."""
    return any(
        source == cited and cited_start <= start <= cited_end + CONTINUE_WINDOW and end > cited_end
        for cited, cited_start, cited_end in recent
    )


def rescore(cands: Sequence[Candidate], weights: Weights) -> list[Candidate]:
    """``cands`` scored by ``weights``, best first (ties: earlier passage, earlier offset)."""
    scored = [
        Candidate(c.hit, c.start, c.end, c.quote, c.terms, c.features, weights.score(c.features))
        for c in cands
    ]
    scored.sort(key=lambda c: (-c.score, c.hit.passage.id, c.start))
    return scored
