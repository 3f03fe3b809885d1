"""Values made in memory and passed between the layers. Frozen: nothing downstream edits them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "Answer",
    "Citation",
    "Document",
    "FileInfo",
    "Hit",
    "Passage",
    "SearchResult",
    "Skipped",
    "SourceText",
    "Timings",
]


@dataclass(frozen=True)
class FileInfo:
    """A candidate file found by scanning a corpus folder, before it is read."""

    source: str  # path relative to the corpus folder, with forward slashes
    size: int
    mtime_ns: int


@dataclass(frozen=True)
class Skipped:
    """A file left out of the corpus, and why (shown in the index summary)."""

    source: str
    reason: str


@dataclass(frozen=True)
class Document:
    """One file's text as askbrief reads it; every offset elsewhere points into ``text``."""

    source: str
    title: str
    text: str
    size: int = 0
    mtime_ns: int = 0
    encoding: str = "utf-8"
    # Character offset where each PDF page starts (page 1 first); None for non-paged formats.
    page_starts: tuple[int, ...] | None = None
    # (offset, heading text) for each heading found (Markdown #, HTML h1-h6), in order.
    headings: tuple[tuple[int, str], ...] = ()
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Passage:
    """A span of a document, the unit BM25 ranks. ``text == document.text[start:end]``."""

    id: int
    source: str
    title: str
    start: int
    end: int
    line: int  # 1-based line of ``start`` in the document text
    page: int | None
    heading: str
    text: str


@dataclass(frozen=True)
class Hit:
    """A passage with its retrieval score, best first."""

    passage: Passage
    score: float
    also_in: tuple[str, ...] = ()  # other sources holding the same text (duplicates collapsed)


@dataclass(frozen=True)
class Citation:
    """A quote in an answer: ``document.text[start:end] == quote``."""

    n: int
    source: str
    title: str
    quote: str
    start: int
    end: int
    line: int
    page: int | None
    score: float
    verified: bool = True
    also_in: tuple[str, ...] = ()  # other sources holding the same text
    heading: str = ""  # the section or chapter heading above the quote ("" when none)

    def as_json(self) -> dict[str, object]:
        return {
            "n": self.n,
            "source": self.source,
            "title": self.title,
            "heading": self.heading,
            "quote": self.quote,
            "start": self.start,
            "end": self.end,
            "line": self.line,
            "page": self.page,
            "score": round(self.score, 4),
            "verified": self.verified,
            "also_in": list(self.also_in),
        }


@dataclass(frozen=True)
class Timings:
    load_ms: float = 0.0
    retrieve_ms: float = 0.0
    compose_ms: float = 0.0


@dataclass(frozen=True)
class Answer:
    """What askbrief answers: Markdown with ``[n]`` markers, and the citations behind them."""

    question: str
    markdown: str
    abstained: bool
    citations: tuple[Citation, ...]
    backend: str = "extractive"
    hits: tuple[Hit, ...] = ()
    timings: Timings = field(default_factory=Timings)
    notices: tuple[str, ...] = ()  # one-line notes for the user (fallbacks, flagged citations)
    sent_passages: tuple[int, ...] = ()  # passage ids sent to an LLM backend
    context_terms: tuple[str, ...] = ()  # terms borrowed from earlier turns of a conversation
    conversation: str | None = None
    partial: bool = False  # a shard of a shared index was down: answered from the others
    # why each quote was chosen (answers.explain), when asked for
    explanation: dict[str, Any] | None = None

    def to_json(self, indent: int | None = 2) -> str:
        """The answer as ``askbrief ask --json`` prints it (``as_json()``: the same, as a dict)."""
        import json

        return json.dumps(self.as_json(), ensure_ascii=False, indent=indent)

    def as_json(self) -> dict[str, object]:
        out: dict[str, object] = {
            "question": self.question,
            "answer": self.markdown,
            "abstained": self.abstained,
            "backend": self.backend,
            "citations": [c.as_json() for c in self.citations],
            "timings": {
                "load_ms": round(self.timings.load_ms, 2),
                "retrieve_ms": round(self.timings.retrieve_ms, 2),
                "compose_ms": round(self.timings.compose_ms, 2),
            },
            "notices": list(self.notices),
            "sent_passages": list(self.sent_passages),
            "context_terms": list(self.context_terms),
            "conversation": self.conversation,
            "partial": self.partial,
        }
        if self.explanation is not None:
            out["explain"] = self.explanation
        return out


@dataclass(frozen=True)
class SearchResult:
    """A ranked passage as the API's ``search`` returns it: ``text`` is the document's
    ``text[start:end]``, best score first."""

    rank: int
    source: str
    title: str
    heading: str
    text: str
    start: int
    end: int
    line: int
    page: int | None
    score: float

    def as_json(self) -> dict[str, object]:
        return {
            "rank": self.rank,
            "source": self.source,
            "title": self.title,
            "heading": self.heading,
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "line": self.line,
            "page": self.page,
            "score": round(self.score, 4),
        }


@dataclass(frozen=True)
class SourceText:
    """A span of a document with the text around it, read from the file as indexing reads it,
    so that a caller can check a quote: ``text`` is the document's ``text[start:end]``."""

    source: str
    title: str
    start: int
    end: int
    text: str
    before: str  # the up to ``context_chars`` characters before ``start``
    after: str  # and after ``end``
    length: int  # of the whole document text
    line: int
    page: int | None
    changed: bool = False  # the file differs from what the index holds: offsets may not match

    def as_json(self) -> dict[str, object]:
        return {
            "source": self.source,
            "title": self.title,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "before": self.before,
            "after": self.after,
            "length": self.length,
            "line": self.line,
            "page": self.page,
            "changed": self.changed,
        }
