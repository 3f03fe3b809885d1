"""Segments: immutable runs of whole documents with their own vocabulary and postings.

A segment holds, for its passages, term-major postings (CSR: ``indptr``, passage ids, term
counts), a sorted on-disk vocabulary, passage metadata and texts; ``Tombstones`` record the
documents removed or changed since it was written. ``askbrief.search.index`` searches a list
of them.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from numpy.typing import NDArray

from ..documents.passages import passage_body, split_document
from ..types import Document, Passage
from .analysis import analyze, defined_terms, label_phrases
from .summaries import SUMMARY_TERM, is_summary

__all__ = [
    "DocRecord",
    "Segment",
    "SegmentPart",
    "Tombstones",
    "analyze_documents",
    "passage_terms",
    "segment_passage",
    "shift_doc",
]


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

    def document(self) -> Document:
        """The document without its text: what a reused document needs to be indexed again."""
        return Document(
            source=self.source,
            title=self.title,
            text="",
            size=self.size,
            mtime_ns=self.mtime_ns,
            encoding=self.encoding,
            page_starts=self.page_starts,
            headings=self.headings,
            warnings=self.warnings,
        )


@lru_cache(maxsize=8192)
def _label_terms(label: str) -> tuple[str, ...]:
    """A title's or heading's terms, with the keyword phrase it opens with ("here_string"): the
    same few labels recur on every passage of a document."""
    return tuple(analyze(label) + label_phrases(label))


def passage_terms(passage: Passage) -> list[str]:
    """The terms a passage is indexed under: its text, plus its title and heading so they rank."""
    terms = analyze(passage.text)
    terms += _label_terms(passage.title)
    if passage.heading:
        terms += _label_terms(passage.heading)
    terms += defined_terms(passage_body(passage))
    if is_summary(passage):
        terms.append(SUMMARY_TERM)
    return terms


@dataclass
class SegmentPart:
    """Analyzed passages of some documents, with a local vocabulary: what a build worker returns."""

    docs: list[DocRecord] = field(default_factory=list)
    terms: dict[str, int] = field(default_factory=dict)
    ids: list[int] = field(default_factory=list)
    lengths: list[int] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    meta: list[tuple[int, int, int, int]] = field(default_factory=list)  # start, end, line, page

    def add(self, doc: Document, passages: Sequence[Passage]) -> None:
        self.docs.append(
            DocRecord(
                source=doc.source,
                title=doc.title,
                size=doc.size,
                mtime_ns=doc.mtime_ns,
                encoding=doc.encoding,
                first_passage=len(self.lengths),
                n_passages=len(passages),
                headings=doc.headings,
                warnings=doc.warnings,
                page_starts=doc.page_starts,
            )
        )
        vocab, ids = self.terms, self.ids
        for p in passages:
            terms = passage_terms(p)
            ids.extend([vocab.setdefault(t, len(vocab)) for t in terms])
            self.lengths.append(len(terms))
            self.texts.append(p.text)
            self.meta.append((p.start, p.end, p.line, p.page if p.page is not None else -1))


def analyze_documents(
    documents: Iterable[tuple[Document, Sequence[Passage] | None]], max_tokens: int
) -> SegmentPart:
    """Split (when not split already) and analyze documents into one SegmentPart."""
    part = SegmentPart()
    for doc, passages in documents:
        part.add(doc, passages if passages is not None else split_document(doc, max_tokens))
    return part


@dataclass
class Segment:
    """An immutable run of whole documents: sorted vocabulary, postings, passages, texts."""

    term_blob: NDArray[np.uint8] | bytes  # the terms, sorted by UTF-8 bytes, concatenated
    term_offsets: NDArray[np.int64]
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
    text_blob: NDArray[np.uint8] | bytes
    docs: list[DocRecord]
    origin: str | None = None  # the folder it was loaded from: a later save links, not rewrites

    def __post_init__(self) -> None:
        self._lookup: tuple[bytes, list[int]] | None = None

    ARRAYS = (
        "term_offsets",
        "indptr",
        "pids",
        "tfs",
        "doc_len",
        "p_doc",
        "p_start",
        "p_end",
        "p_line",
        "p_page",
        "text_offsets",
    )

    @property
    def n_terms(self) -> int:
        return len(self.term_offsets) - 1

    @property
    def n_passages(self) -> int:
        return len(self.doc_len)

    def term_id(self, term: str) -> int | None:
        """Binary search of the sorted vocabulary; the arrays become Python objects on first use
        (a one-off cost of the first query, rather than of loading)."""
        if self._lookup is None:
            self._lookup = (bytes(self.term_blob), self.term_offsets.tolist())
        blob, offsets = self._lookup
        key = term.encode("utf-8")
        lo, hi = 0, len(offsets) - 1
        while lo < hi:
            mid = (lo + hi) // 2
            if blob[offsets[mid] : offsets[mid + 1]] < key:
                lo = mid + 1
            else:
                hi = mid
        if lo < len(offsets) - 1 and blob[offsets[lo] : offsets[lo + 1]] == key:
            return lo
        return None

    def terms(self) -> list[str]:
        blob = bytes(self.term_blob)
        offs = self.term_offsets.tolist()
        return [blob[offs[i] : offs[i + 1]].decode("utf-8") for i in range(len(offs) - 1)]

    def df(self, i: int) -> int:
        return int(self.indptr[i + 1] - self.indptr[i])

    def passage_text(self, pid: int) -> str:
        lo, hi = int(self.text_offsets[pid]), int(self.text_offsets[pid + 1])
        return bytes(self.text_blob[lo:hi]).decode("utf-8")

    @classmethod
    def from_parts(cls, parts: Sequence[SegmentPart]) -> Segment:
        """Merge analyzed parts (in document order) into one segment."""
        import scipy.sparse as sp  # imported here: only building needs it

        vocab: dict[str, int] = {}
        for part in parts:
            for t in part.terms:
                vocab.setdefault(t, len(vocab))
        ordered = sorted(vocab, key=lambda t: t.encode("utf-8"))
        rank = np.empty(len(ordered), np.int64)
        rank[np.fromiter((vocab[t] for t in ordered), np.int64, len(ordered))] = np.arange(
            len(ordered)
        )
        ids_list: list[NDArray[np.int64]] = []
        docs: list[DocRecord] = []
        texts: list[str] = []
        meta: list[tuple[int, int, int, int]] = []
        p_doc: list[int] = []
        lengths: list[int] = []
        n = 0
        for part in parts:
            local = np.fromiter((vocab[t] for t in part.terms), np.int64, len(part.terms))
            ids_list.append(
                rank[local][np.asarray(part.ids, dtype=np.int64)]
                if len(part.ids)
                else np.zeros(0, np.int64)
            )
            for d in part.docs:
                p_doc.extend([len(docs)] * d.n_passages)
                docs.append(shift_doc(d, n + d.first_passage))
            n += len(part.lengths)
            texts.extend(part.texts)
            meta.extend(part.meta)
            lengths.extend(part.lengths)
        doc_len = np.asarray(lengths, dtype=np.int64)
        ids = np.concatenate(ids_list) if ids_list else np.zeros(0, np.int64)
        row_ptr = np.zeros(n + 1, np.int64)
        np.cumsum(doc_len, out=row_ptr[1:])
        # Passage-major counts transposed to term-major: scipy's counting sort, duplicates summed.
        csc = sp.csr_matrix(
            (np.ones(len(ids), np.float32), ids, row_ptr), shape=(n, len(ordered))
        ).tocsc()
        csc.sum_duplicates()
        encoded = [t.encode("utf-8") for t in ordered]
        term_offsets = np.zeros(len(encoded) + 1, np.int64)
        np.cumsum([len(t) for t in encoded], out=term_offsets[1:])
        blobs = [t.encode("utf-8") for t in texts]
        text_offsets = np.zeros(n + 1, np.int64)
        np.cumsum([len(t) for t in blobs], out=text_offsets[1:])
        m = np.asarray(meta, dtype=np.int64).reshape(-1, 4)
        return cls(
            term_blob=b"".join(encoded),
            term_offsets=term_offsets,
            indptr=csc.indptr.astype(np.int64),
            pids=csc.indices.astype(np.int32),
            tfs=csc.data.astype(np.float32),
            doc_len=doc_len.astype(np.float32),
            p_doc=np.asarray(p_doc, dtype=np.int32),
            p_start=m[:, 0],
            p_end=m[:, 1],
            p_line=m[:, 2].astype(np.int32),
            p_page=m[:, 3].astype(np.int32),
            text_offsets=text_offsets,
            text_blob=b"".join(blobs),
            docs=docs,
        )


def shift_doc(doc: DocRecord, first: int) -> DocRecord:
    from dataclasses import replace

    return replace(doc, first_passage=first)


@dataclass
class Tombstones:
    """Documents of a segment that are gone, and how many passages of each term they held."""

    docs: NDArray[np.int32] = field(default_factory=lambda: np.zeros(0, np.int32))
    term_ids: NDArray[np.int64] = field(default_factory=lambda: np.zeros(0, np.int64))  # sorted
    df: NDArray[np.int64] = field(default_factory=lambda: np.zeros(0, np.int64))

    def removed_df(self, term_id: int) -> int:
        j = int(np.searchsorted(self.term_ids, term_id))
        return int(self.df[j]) if j < len(self.term_ids) and self.term_ids[j] == term_id else 0

    def with_removed(self, seg: Segment, doc_nos: Sequence[int]) -> Tombstones:
        """These tombstones plus documents ``doc_nos`` (their terms counted again from the text)."""
        counts: dict[int, int] = {}
        for d in doc_nos:
            rec = seg.docs[d]
            for pid in range(rec.first_passage, rec.first_passage + rec.n_passages):
                for t in set(passage_terms(segment_passage(seg, rec, pid, pid))):
                    i = seg.term_id(t)
                    if i is not None:
                        counts[i] = counts.get(i, 0) + 1
        for i, c in zip(self.term_ids.tolist(), self.df.tolist(), strict=True):
            counts[i] = counts.get(i, 0) + c
        keys = np.asarray(sorted(counts), dtype=np.int64)
        return Tombstones(
            docs=np.union1d(self.docs, np.asarray(doc_nos, np.int32)).astype(np.int32),
            term_ids=keys,
            df=np.asarray([counts[k] for k in keys.tolist()], dtype=np.int64),
        )


def segment_passage(seg: Segment, doc: DocRecord, local: int, pid: int) -> Passage:
    start = int(seg.p_start[local])
    page = int(seg.p_page[local])
    heading = ""
    if doc.headings:
        i = bisect.bisect_right(doc.headings, (start, "\U0010ffff")) - 1
        heading = doc.headings[i][1] if i >= 0 else ""
    return Passage(
        id=pid,
        source=doc.source,
        title=doc.title,
        start=start,
        end=int(seg.p_end[local]),
        line=int(seg.p_line[local]),
        page=page if page >= 0 else None,
        heading=heading,
        text=seg.passage_text(local),
    )
