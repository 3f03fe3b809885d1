"""The extractive answer: pick the sentences that best answer a question, quote them, cite them.

Each sentence of the top passages is scored by
- how much of the question it covers, weighting each question term by its IDF (so rare, telling
  words count more than common ones, and a term the corpus lacks counts as missing);
- the BM25 rank of its passage, relative to the best passage;
- the coverage of its neighbours, a little, since an answer often follows the sentence that
  names the subject.
Near-duplicates are dropped and the best few are quoted, best first.

The abstain rule, measurable from the outside: askbrief answers only when some sentence (or pair
of adjacent sentences) of the top passages covers more than ``MIN_COVERAGE`` (half) of the
question's IDF weight, and abstains otherwise. A question whose telling words are not
in the corpus ("lemon meringue pie") cannot pass it however common its other words are.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ..documents.sentences import sentence_spans
from ..search.analysis import analyze
from ..search.terms import QuestionTerms
from ..types import Answer, Citation, Hit, Passage

__all__ = ["MIN_COVERAGE", "compose_answer", "markdown_escape"]

MIN_COVERAGE = 0.5
_RANK_WEIGHT = 0.25
_NEIGHBOUR_WEIGHT = 0.15
_MIN_RELATIVE = 0.55  # a quote must score at least this share of the best quote
_DUPLICATE_JACCARD = 0.6
_MAX_QUOTE_CHARS = 600
_LONG_PENALTY = 0.1
_PAIR_PENALTY = 0.05
_UNFINISHED_PENALTY = 0.1
_CODE_PENALTY = 0.4
_FRAGMENT_PENALTY = 0.25
_SHORT_PENALTY = 0.15
_FOCUS_BONUS = 0.15


@dataclass(frozen=True)
class _Candidate:
    hit: Hit
    start: int  # offsets into the document text
    end: int
    quote: str
    terms: frozenset[str]
    coverage: float
    score: float


_WORD = re.compile(r"^[\"'“‘(\[]*[^\W\d_][^\W\d_'’-]*[,.;:!?\"'”’)\]]*$")
_ENDS_SENTENCE = re.compile(r"[.!?…。！？][\"'”’)\]]*$")


def quote_penalty(quote: str) -> float:
    """How far ``quote`` is from a readable sentence: code, headings, fragments and very short
    lines are real text but rarely an answer, so they lose to prose covering as much."""
    words = quote.split()
    if not words:
        return 1.0
    prose = sum(1 for w in words if _WORD.match(w)) / len(words)
    penalty = _CODE_PENALTY * (1.0 - prose)
    if not _ENDS_SENTENCE.search(quote):
        penalty += _FRAGMENT_PENALTY
    if len(words) < 4:
        penalty += _SHORT_PENALTY
    return penalty


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|~])")


def markdown_escape(text: str) -> str:
    """Text that Markdown shows as written: no emphasis, links, HTML or headings from documents,
    and no escape sequences or other control characters for a terminal to act on."""
    text = "".join(" " if unicodedata.category(ch) == "Cc" else ch for ch in text)
    return _MD_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def _sentences(hit: Hit, following: Passage | None) -> list[tuple[int, int]]:
    """Sentence spans (document offsets) of a hit's passage, then the first two of the next one."""
    p = hit.passage
    spans = [(p.start + s, p.start + e) for s, e in sentence_spans(p.text)]
    if following is not None and following.start == p.end:
        spans += [
            (following.start + s, following.start + e)
            for s, e in sentence_spans(following.text)[:2]
        ]
    return spans


def _candidates(
    hits: Sequence[Hit],
    question: QuestionTerms,
    next_passage: Callable[[Passage], Passage | None] | None,
) -> list[_Candidate]:
    """Every sentence, and every pair of adjacent sentences, of the hits, scored."""
    if not hits:
        return []
    best = max(h.score for h in hits) or 1.0
    out: list[_Candidate] = []
    for hit in hits:
        p = hit.passage
        following = next_passage(p) if next_passage is not None else None
        text = p.text + (
            following.text if following is not None and following.start == p.end else ""
        )
        spans = _sentences(hit, following)
        own = sum(1 for s, _ in spans if s < p.end)
        term_sets = [set(analyze(text[s - p.start : e - p.start])) for s, e in spans]
        covs = [question.coverage(ts) for ts in term_sets]
        rank = _RANK_WEIGHT * hit.score / best
        for i in range(own):
            s, e = spans[i]
            if covs[i] > 0:
                neighbour = max(
                    covs[i - 1] if i > 0 else 0.0, covs[i + 1] if i + 1 < len(covs) else 0.0
                )
                quote = text[s - p.start : e - p.start]
                # A sentence that ends in a colon introduces what follows: alone it is unfinished.
                unfinished = _UNFINISHED_PENALTY if quote.endswith(":") else 0.0
                long = _LONG_PENALTY if e - s > _MAX_QUOTE_CHARS else 0.0
                focus = _FOCUS_BONUS if question.opens_with_focus(quote) else 0.0
                score = (
                    covs[i]
                    + rank
                    + _NEIGHBOUR_WEIGHT * neighbour
                    - unfinished
                    - long
                    - quote_penalty(quote)
                    + focus
                )
                out.append(_Candidate(hit, s, e, quote, frozenset(term_sets[i]), covs[i], score))
            if i + 1 < len(spans):
                s2, e2 = spans[i + 1]
                union = term_sets[i] | term_sets[i + 1]
                cov = question.coverage(union)
                # Pair a sentence with the next when that covers more, or when it cannot stand
                # alone: it introduces what follows (a colon) or is a heading or signature line.
                first = text[s - p.start : e - p.start]
                if (
                    cov > max(covs[i], covs[i + 1])
                    or first.endswith(":")
                    or not _ENDS_SENTENCE.search(first)
                ):
                    quote = text[s - p.start : e2 - p.start]
                    long = _LONG_PENALTY if e2 - s > _MAX_QUOTE_CHARS else 0.0
                    focus = _FOCUS_BONUS if question.opens_with_focus(quote) else 0.0
                    score = cov + rank - _PAIR_PENALTY - long - quote_penalty(quote) + focus
                    out.append(_Candidate(hit, s, e2, quote, frozenset(union), cov, score))
    out.sort(key=lambda c: (-c.score, c.hit.passage.id, c.start))
    return out


def _is_duplicate(c: _Candidate, chosen: list[_Candidate]) -> bool:
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
) -> Answer:
    """Quote the best sentences of ``hits`` for ``question``, or abstain. ``next_passage`` lets a
    quote run on into the passage that follows a hit."""
    candidates = _candidates(hits, terms, next_passage)
    if not candidates or max(c.coverage for c in candidates) <= MIN_COVERAGE:
        return abstain(question, hits)
    # The first quote is the best one that passes the rule on its own; the rest support it.
    lead = next(c for c in candidates if c.coverage > MIN_COVERAGE)
    floor = lead.score * _MIN_RELATIVE
    chosen: list[_Candidate] = [lead]
    for c in candidates:
        if len(chosen) >= max_quotes or c.score < floor:
            break
        if not _is_duplicate(c, chosen):
            chosen.append(c)
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
    )


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
