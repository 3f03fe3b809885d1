"""The BM25 index of a corpus: build it, save it, load it, refresh it, search it.

Postings are kept term-major in three flat arrays (CSR: ``indptr``, passage ids, term counts) so a
query touches only the postings of its own terms, and scores are summed in numpy. Passage texts
are one UTF-8 blob with byte offsets. On disk each array is a ``.npy`` file, loaded memory-mapped
with ``allow_pickle=False``, plus JSON for the vocabulary and document records: nothing in a saved
index can run code when loaded.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from .analysis import analyze
from .passages import split_document
from .scoring import K1, idf, length_norm
from .types import Document, Hit, Passage

__all__ = ["DocRecord", "Index", "build_postings"]

Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class DocRecord:
    """What the index remembers of a document: enough to cite it and to notice it changed."""

    source: str
    title: str
    size: int
    mtime_ns: int
    encoding: str
    first_passage: int
    n_passages: int
    headings: tuple[tuple[int, str], ...] = ()
    warnings: tuple[str, ...] = ()
    page_starts: tuple[int, ...] | None = None

    def as_json(self) -> dict[str, object]:
        return {
            "source": self.source,
            "title": self.title,
            "size": self.size,
            "mtime_ns": self.mtime_ns,
            "encoding": self.encoding,
            "first_passage": self.first_passage,
            "n_passages": self.n_passages,
            "headings": [list(h) for h in self.headings],
            "warnings": list(self.warnings),
            "page_starts": list(self.page_starts) if self.page_starts is not None else None,
        }

    @classmethod
    def from_json(cls, data: dict[str, object]) -> DocRecord:
        pages = data.get("page_starts")
        return cls(
            source=str(data["source"]),
            title=str(data["title"]),
            size=int(data["size"]),  # type: ignore[call-overload]
            mtime_ns=int(data["mtime_ns"]),  # type: ignore[call-overload]
            encoding=str(data["encoding"]),
            first_passage=int(data["first_passage"]),  # type: ignore[call-overload]
            n_passages=int(data["n_passages"]),  # type: ignore[call-overload]
            headings=tuple((int(o), str(h)) for o, h in data.get("headings") or ()),  # type: ignore[attr-defined]
            warnings=tuple(str(w) for w in data.get("warnings") or ()),  # type: ignore[attr-defined]
            page_starts=tuple(int(p) for p in pages) if pages is not None else None,  # type: ignore[attr-defined]
        )


def passage_terms(passage: Passage) -> list[str]:
    """The terms a passage is indexed under: its text, plus its title and heading so they rank."""
    terms = analyze(passage.text)
    terms += analyze(passage.title)
    if passage.heading and passage.heading not in passage.text:
        terms += analyze(passage.heading)
    return terms


@dataclass
class _Builder:
    """Accumulates passages and their terms; turns them into an Index."""

    vocab: dict[str, int] = field(default_factory=dict)
    term_ids: list[NDArray[np.int32]] = field(default_factory=list)
    texts: list[bytes] = field(default_factory=list)
    meta: list[tuple[int, int, int, int, int]] = field(default_factory=list)
    docs: list[DocRecord] = field(default_factory=list)

    def add(self, doc: Document, passages: Sequence[Passage]) -> None:
        doc_no = len(self.docs)
        self.docs.append(
            DocRecord(
                source=doc.source,
                title=doc.title,
                size=doc.size,
                mtime_ns=doc.mtime_ns,
                encoding=doc.encoding,
                first_passage=len(self.meta),
                n_passages=len(passages),
                headings=doc.headings,
                warnings=doc.warnings,
                page_starts=doc.page_starts,
            )
        )
        vocab = self.vocab
        for p in passages:
            ids = [vocab.setdefault(t, len(vocab)) for t in passage_terms(p)]
            self.term_ids.append(np.asarray(ids, dtype=np.int32))
            self.texts.append(p.text.encode("utf-8"))
            self.meta.append((doc_no, p.start, p.end, p.line, p.page if p.page is not None else -1))

    def finish(self) -> Index:
        terms = [""] * len(self.vocab)
        for term, i in self.vocab.items():
            terms[i] = term
        indptr, pids, tfs, doc_len = build_postings(self.term_ids, len(terms))
        offsets = np.zeros(len(self.texts) + 1, dtype=np.int64)
        np.cumsum([len(t) for t in self.texts], out=offsets[1:])
        meta = np.asarray(self.meta, dtype=np.int64).reshape(-1, 5)
        return Index(
            terms=terms,
            indptr=indptr,
            pids=pids,
            tfs=tfs,
            doc_len=doc_len,
            p_doc=meta[:, 0].astype(np.int32),
            p_start=meta[:, 1],
            p_end=meta[:, 2],
            p_line=meta[:, 3].astype(np.int32),
            p_page=meta[:, 4].astype(np.int32),
            text_offsets=offsets,
            text_blob=b"".join(self.texts),
            docs=self.docs,
        )


def build_postings(
    term_ids: Sequence[NDArray[np.int32]], n_terms: int
) -> tuple[NDArray[np.int64], NDArray[np.int32], NDArray[np.float32], NDArray[np.float32]]:
    """Term-major postings from each passage's term ids: (indptr, passage ids, tf, passage lengths)."""
    lengths = np.fromiter((len(t) for t in term_ids), dtype=np.int64, count=len(term_ids))
    if lengths.sum() == 0:
        return (np.zeros(n_terms + 1, np.int64), np.zeros(0, np.int32), np.zeros(0, np.float32),
                lengths.astype(np.float32))
    terms = np.concatenate(term_ids).astype(np.int64)
    pids = np.repeat(np.arange(len(term_ids), dtype=np.int64), lengths)
    # One key per (term, passage): sorting groups postings by term, then passage, and counts tf.
    keys = terms * len(term_ids) + pids
    uniq, tf = np.unique(keys, return_counts=True)
    post_terms = uniq // len(term_ids)
    post_pids = (uniq % len(term_ids)).astype(np.int32)
    indptr = np.zeros(n_terms + 1, dtype=np.int64)
    np.cumsum(np.bincount(post_terms, minlength=n_terms), out=indptr[1:])
    return indptr, post_pids, tf.astype(np.float32), lengths.astype(np.float32)


@dataclass
class Index:
    """An in-memory (or memory-mapped) BM25 index over passages."""

    terms: list[str]
    indptr: NDArray[np.int64]
    pids: NDArray[np.int32]
    tfs: NDArray[np.float32]
    doc_len: NDArray[np.float32]
    p_doc: NDArray[np.int32]
    p_start: NDArray[np.int64]
    p_end: NDArray[np.int64]
    p_line: NDArray[np.int32]
    p_page: NDArray[np.int32]
    text_offsets: NDArray[np.int64]
    text_blob: bytes | memoryview | NDArray[np.uint8]
    docs: list[DocRecord]

    def __post_init__(self) -> None:
        self._vocab: dict[str, int] | None = None
        self._idf: NDArray[np.float64] | None = None
        self._norm: NDArray[np.float64] | None = None

    @classmethod
    def build(
        cls, documents: Iterable[tuple[Document, Sequence[Passage] | None]], max_tokens: int
    ) -> Index:
        """Index documents; passages already split (from a saved index) are reused as given."""
        builder = _Builder()
        for doc, passages in documents:
            if passages is None:
                passages = split_document(doc, max_tokens)
            builder.add(doc, passages)
        return builder.finish()

    # -- sizes and lookups ---------------------------------------------------------------------

    @property
    def n_passages(self) -> int:
        return len(self.doc_len)

    @property
    def vocab(self) -> dict[str, int]:
        if self._vocab is None:
            self._vocab = {t: i for i, t in enumerate(self.terms)}
        return self._vocab

    @property
    def idf(self) -> NDArray[np.float64]:
        if self._idf is None:
            self._idf = idf(np.diff(self.indptr), self.n_passages)
        return self._idf

    @property
    def norm(self) -> NDArray[np.float64]:
        if self._norm is None:
            self._norm = length_norm(self.doc_len)
        return self._norm

    def term_idf(self, term: str) -> float:
        """IDF of a term; a term found nowhere gets the IDF of a term found in no passage."""
        i = self.vocab.get(term)
        if i is None:
            return float(idf(np.zeros(1, np.int64), self.n_passages)[0])
        return float(self.idf[i])

    def document_frequency(self, term: str) -> int:
        i = self.vocab.get(term)
        return 0 if i is None else int(self.indptr[i + 1] - self.indptr[i])

    def passage_text(self, pid: int) -> str:
        lo, hi = int(self.text_offsets[pid]), int(self.text_offsets[pid + 1])
        return bytes(self.text_blob[lo:hi]).decode("utf-8")

    def passage(self, pid: int) -> Passage:
        doc = self.docs[int(self.p_doc[pid])]
        start = int(self.p_start[pid])
        page = int(self.p_page[pid])
        heading = ""
        if doc.headings:
            i = bisect.bisect_right([h[0] for h in doc.headings], start) - 1
            heading = doc.headings[i][1] if i >= 0 else ""
        return Passage(
            id=pid,
            source=doc.source,
            title=doc.title,
            start=start,
            end=int(self.p_end[pid]),
            line=int(self.p_line[pid]),
            page=page if page >= 0 else None,
            heading=heading,
            text=self.passage_text(pid),
        )

    def next_passage(self, passage: Passage) -> Passage | None:
        """The passage after ``passage`` in the same document, if any."""
        nxt = passage.id + 1
        if nxt >= self.n_passages or int(self.p_doc[nxt]) != int(self.p_doc[passage.id]):
            return None
        return self.passage(nxt)

    def doc_passages(self, doc: DocRecord) -> list[Passage]:
        return [self.passage(p) for p in range(doc.first_passage, doc.first_passage + doc.n_passages)]

    # -- search --------------------------------------------------------------------------------

    def scores_for(self, terms: Sequence[str], weights: Sequence[float] | None = None
                   ) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
        """BM25 scores of the passages that contain any of ``terms`` (repeats count, as in
        rank-bm25), as (passage ids, scores). ``weights`` scales each term's contribution."""
        counts: dict[int, float] = {}
        for j, term in enumerate(terms):
            i = self.vocab.get(term)
            if i is not None:
                counts[i] = counts.get(i, 0.0) + (1.0 if weights is None else float(weights[j]))
        if not counts or self.n_passages == 0:
            return np.zeros(0, np.int64), np.zeros(0, np.float64)
        scores = np.zeros(self.n_passages, dtype=np.float64)
        touched = 0
        for i, weight in counts.items():
            lo, hi = int(self.indptr[i]), int(self.indptr[i + 1])
            if hi == lo:
                continue
            pids = self.pids[lo:hi]
            tf = self.tfs[lo:hi].astype(np.float64)
            scores[pids] += (weight * self.idf[i]) * (tf * (K1 + 1.0)) / (tf + self.norm[pids])
            touched += hi - lo
        if touched == 0:
            return np.zeros(0, np.int64), np.zeros(0, np.float64)
        cand = np.flatnonzero(scores)
        return cand, scores[cand]

    def search(self, terms: Sequence[str], k: int, weights: Sequence[float] | None = None
               ) -> list[tuple[int, float]]:
        """The ``k`` best (passage id, score) pairs, best first; ties go to the earlier passage."""
        cand, scores = self.scores_for(terms, weights)
        if len(cand) == 0:
            return []
        if len(cand) > k:
            top = np.argpartition(-scores, k - 1)[:k]
            cand, scores = cand[top], scores[top]
        order = np.lexsort((cand, -scores))
        return [(int(cand[j]), float(scores[j])) for j in order[:k]]

    def hits(self, terms: Sequence[str], k: int, weights: Sequence[float] | None = None) -> list[Hit]:
        return [Hit(self.passage(pid), score) for pid, score in self.search(terms, k, weights)]
