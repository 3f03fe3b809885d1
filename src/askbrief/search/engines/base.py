"""The engine protocol: what the answer path needs from an index, and nothing more.

``SearchIndex`` is the part of ``askbrief.search.index.Index`` that follow-up planning, the
session and the composer use (term statistics, the top hits with their passages, a passage's
neighbour, the document records); an engine's ``open`` returns one. ``Engine`` opens it, indexes
a folder into it and reports on its shards.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, runtime_checkable

import numpy as np
from numpy.typing import NDArray

from ...types import Hit, Passage

if TYPE_CHECKING:
    from ...config import Settings
    from ..library import IndexReport, Progress
    from ..segments import DocRecord

__all__ = ["Engine", "SearchIndex", "ShardStatus", "indexed_text"]


@runtime_checkable
class SearchIndex(Protocol):
    """A searchable set of passages with BM25 statistics over all of them."""

    @property
    def n_passages(self) -> int: ...

    @property
    def docs(self) -> Sequence[DocRecord]:
        """Every live document, sorted by source; a document's passages have consecutive ids
        from ``first_passage``."""
        ...

    def document_frequency(self, term: str) -> int: ...

    def term_idf(self, term: str) -> float:
        """Lucene's BM25 IDF of ``term`` over all passages (what the composer weighs)."""
        ...

    def search(
        self, terms: Sequence[str], k: int, weights: Sequence[float] | None = None
    ) -> list[tuple[int, float]]: ...

    def hits(
        self, terms: Sequence[str], k: int, weights: Sequence[float] | None = None
    ) -> list[Hit]: ...

    def scores_for(
        self, terms: Sequence[str], weights: Sequence[float] | None = None, k: int | None = None
    ) -> tuple[NDArray[np.int64], NDArray[np.float64]]: ...

    def passage(self, pid: int) -> Passage: ...

    def next_passage(self, passage: Passage) -> Passage | None: ...

    def previous_passage(self, passage: Passage) -> Passage | None: ...

    def opening(self, passage: Passage, chars: int = 600) -> str:
        """The first ``chars`` characters of ``passage``'s document (what reranking compares
        with the question as page evidence)."""
        ...


@dataclass(frozen=True)
class ShardStatus:
    """One address of one shard, as ``askbrief engine status`` shows it."""

    shard: int  # 1-based
    address: str
    reachable: bool
    passages: int | None = None
    documents: int | None = None
    serving: bool = False  # this replica answers for its shard
    error: str | None = None


class Engine(Protocol):
    """Opens a ``SearchIndex``, indexes folders into it, reports on its shards."""

    name: str
    # True when the engine is the corpus (a shared index): no local folder is needed to ask.
    shared: bool

    def open(
        self, root: Path, settings: Settings, *, progress: Progress | None, force: bool
    ) -> tuple[SearchIndex, IndexReport]: ...

    def index_folder(
        self, root: Path, settings: Settings, *, progress: Progress | None, force: bool
    ) -> IndexReport:
        """Add, refresh and remove ``root``'s files in the engine's index."""
        ...

    def status(self) -> list[ShardStatus]: ...

    def take_notices(self) -> tuple[tuple[str, ...], bool]:
        """Notices since the last call (a failover, a shard left out), and whether the last
        search left a shard out (the answer is partial)."""
        ...


def indexed_text(index: SearchIndex, source: str, around: int, span: int = 200) -> str | None:
    """The stored text of ``source`` as far as its indexed passages go, at its own offsets:
    ``text[c.start:c.end] == c.quote`` holds for a citation of it. Only the ``span`` passages
    either side of the one holding offset ``around`` are fetched; gaps are blank. None when
    ``source`` is not indexed."""
    doc = next((d for d in index.docs if d.source == source), None)
    if doc is None or doc.n_passages == 0:
        return None
    ids = range(doc.first_passage, doc.first_passage + doc.n_passages)
    at = bisect.bisect_right(ids, around, key=lambda pid: index.passage(pid).start) - 1
    lo, hi = max(at - span, 0), min(at + span + 1, len(ids))
    parts: list[str] = []
    end, line = 0, 1
    for pid in ids[lo:hi]:
        p = index.passage(pid)
        gap = p.start - end
        newlines = min(max(p.line - line, 0), gap)
        parts.append("\n" * newlines + " " * (gap - newlines))
        parts.append(p.text)
        end, line = p.end, p.line + p.text.count("\n")
    return "".join(parts)
