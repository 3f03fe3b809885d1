"""Check a model's citations against the passages it was sent; used for every backend.

In the answer, ``[n]`` (also ``[1, 2]`` and ``[1][2]``) cites source n, and a quoted span
(``"..."`` or ``“...”``) belongs to the markers that follow it in the same sentence. Each marker
becomes a ``Citation``, in order of appearance:

- a quote found in source n: ``verified=True``, ``quote`` is the document's own text for it, so
  ``document.text[start:end] == quote`` holds;
- no quote (a plain citation), or quotes all found in the other sources of the same ``[1][2]``
  group: ``verified=True``, ``quote`` is the whole passage (the source exists and was sent);
- a quote found in none of the group's sources: ``verified=False``, ``quote=""`` at the passage
  start, and a notice naming the quote;
- n not sent: ``verified=False``, ``source=""``, ``quote=""``, and a notice.

Matching is case-sensitive and exact except that runs of whitespace count as one space, curly
and straight quotes/apostrophes are the same, and a leading/trailing ``...`` or a trailing
``.,;:!?`` on the quote may be left out of the document text (punctuation conventions, not
words). An elided quote (``a ... b``) is not verbatim and fails.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..backends.base import Source
from ..types import Citation

__all__ = ["CheckedCitations", "check_citations", "find_quote", "verify_citations"]

_QUOTE = re.compile(r"[“\"]([^“”\"]+)[”\"]")
_MARKER = re.compile(r"\[\s*(\d+(?:\s*[,;]\s*\d+)*)\s*\]")
_SENTENCE_END = re.compile(r"[.!?](?=\s)|\n")
_SAME_CHAR = str.maketrans({"‘": "'", "’": "'", "‛": "'", "“": '"', "”": '"', "„": '"'})
_SHORT_QUOTE = 60


@dataclass(frozen=True)
class CheckedCitations:
    """The citations in order of appearance, and one line per problem for the user."""

    citations: tuple[Citation, ...]
    notices: tuple[str, ...]


@dataclass(frozen=True)
class _Run:
    """Adjacent markers (``[1][2]`` or ``[1, 2]``) and the quotes they vouch for."""

    numbers: tuple[int, ...]
    quotes: tuple[str, ...]


def _normalise(text: str) -> tuple[str, list[int]]:
    """``text`` with whitespace runs as one space and quote marks unified, plus for each kept
    character its index in ``text``."""
    out: list[str] = []
    index: list[int] = []
    for i, ch in enumerate(text.translate(_SAME_CHAR)):
        if ch.isspace():
            if out and out[-1] == " ":
                continue
            ch = " "
        out.append(ch)
        index.append(i)
    return "".join(out), index


def _candidates(quote: str) -> list[str]:
    q = " ".join(quote.split())
    out = [q]
    trimmed = q.removeprefix("...").removeprefix("…").removesuffix("...").removesuffix("…")
    trimmed = trimmed.strip()
    out.append(trimmed)
    out.append(trimmed.rstrip(".,;:!?").strip())
    return [c for i, c in enumerate(out) if c and c not in out[:i]]


def find_quote(quote: str, text: str) -> tuple[int, int] | None:
    """Where ``quote`` occurs in ``text`` (offsets into ``text``), ignoring whitespace runs."""
    norm_text, index = _normalise(text)
    for candidate in _candidates(quote):
        norm_quote, _ = _normalise(candidate)
        at = norm_text.find(norm_quote)
        if at >= 0:
            return index[at], index[at + len(norm_quote) - 1] + 1
    return None


def _parse(answer: str) -> list[_Run]:
    """Marker runs in order, each with the quotes before it in its sentence."""
    quotes = [(m.start(), m.end(), m.group(1)) for m in _QUOTE.finditer(answer)]
    masked = list(answer)
    for start, end, _ in quotes:  # sentence ends and markers inside a quote don't count
        masked[start + 1 : end - 1] = "x" * (end - start - 2)
    flat = "".join(masked)

    markers = list(_MARKER.finditer(flat))
    runs: list[_Run] = []
    prev_end = 0
    i = 0
    while i < len(markers):
        j = i
        while j + 1 < len(markers) and not flat[markers[j].end() : markers[j + 1].start()].strip():
            j += 1
        begin, end = markers[i].start(), markers[j].end()
        sentence_start = max((m.end() for m in _SENTENCE_END.finditer(flat, 0, begin)), default=0)
        floor = max(prev_end, sentence_start)
        numbers = tuple(
            int(n) for m in markers[i : j + 1] for n in re.split(r"\s*[,;]\s*", m.group(1).strip())
        )
        mine = tuple(q for s, e, q in quotes if s >= floor and e <= begin and q.strip())
        runs.append(_Run(numbers, mine))
        prev_end = end
        i = j + 1
    return runs


def _short(quote: str) -> str:
    q = " ".join(quote.split())
    return q if len(q) <= _SHORT_QUOTE else q[: _SHORT_QUOTE - 1] + "…"


def _whole(source: Source, verified: bool = True) -> Citation:
    p = source.passage
    return Citation(
        n=source.n,
        source=p.source,
        title=p.title,
        quote=p.text if verified else "",
        start=p.start,
        end=p.end if verified else p.start,
        line=p.line,
        page=p.page,
        score=source.score,
        verified=verified,
        heading=p.heading,
    )


def _quoted(source: Source, at: tuple[int, int]) -> Citation:
    p = source.passage
    lo, hi = at
    return Citation(
        n=source.n,
        source=p.source,
        title=p.title,
        quote=p.text[lo:hi],
        start=p.start + lo,
        end=p.start + hi,
        line=p.line + p.text.count("\n", 0, lo),
        page=p.page,
        score=source.score,
        heading=p.heading,
    )


def _unsent(n: int) -> Citation:
    return Citation(n, "", "", "", 0, 0, 0, None, 0.0, verified=False)


def _names(numbers: Sequence[int]) -> str:
    if len(numbers) == 1:
        return f"source {numbers[0]}"
    return "sources " + ", ".join(str(n) for n in numbers)


def verify_citations(answer_text: str, sources: Sequence[Source]) -> CheckedCitations:
    """Every citation in ``answer_text`` checked against ``sources``; see the module docstring."""
    by_n = {s.n: s for s in sources}
    citations: list[Citation] = []
    notices: list[str] = []

    def note(line: str) -> None:
        if line not in notices:
            notices.append(line)

    for run in _parse(answer_text):
        label = "".join(f"[{n}]" for n in run.numbers)
        sent = [n for n in dict.fromkeys(run.numbers) if n in by_n]
        spans = {(q, n): find_quote(q, by_n[n].passage.text) for q in run.quotes for n in sent}
        missing = [q for q in run.quotes if not any(spans[q, n] for n in sent)]
        for q in missing:
            elsewhere = [s.n for s in sources if s.n not in sent and find_quote(q, s.passage.text)]
            hint = f"; it is in {_names(elsewhere)}" if elsewhere else ""
            where = _names(sent) if sent else "any source sent"
            note(f'{label}: the quote "{_short(q)}" is not in {where}{hint}')
        for n in run.numbers:
            source = by_n.get(n)
            if source is None:
                sent_range = f"1-{len(sources)}" if sources else "none"
                note(f"[{n}] cites a source that was not sent (sources sent: {sent_range})")
                citations.append(_unsent(n))
                continue
            if missing:
                citations.append(_whole(source, verified=False))
                continue
            found = next((spans[q, n] for q in run.quotes if spans[q, n]), None)
            citations.append(_quoted(source, found) if found else _whole(source))
    return CheckedCitations(tuple(citations), tuple(notices))


def check_citations(answer_text: str, sources: Sequence[Source]) -> list[Citation]:
    """The citations of ``verify_citations``, without the notices."""
    return list(verify_citations(answer_text, sources).citations)
