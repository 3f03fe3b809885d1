"""The BM25 index of a corpus: build it, refresh it, search it.

An index is a list of immutable *segments*, each a run of whole documents with its own sorted
vocabulary and term-major postings (CSR: ``indptr``, passage ids, term counts), plus per-segment
*tombstones* (documents removed or changed since the segment was written, and the document
frequencies of their terms). A refresh writes only a small new segment for the files that changed,
so it costs what the change costs, not what the corpus costs. Global statistics (N, df, avgdl) are
summed over live passages at query time, so a refreshed index scores exactly as a fresh build of
the same files; ties are broken by the order a fresh build would number the passages in.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from numpy.typing import NDArray

from .analysis import analyze
from .passages import split_document
from .scoring import K1, B, idf, pruned_candidates, term_scores
from .types import Document, Hit, Passage

__all__ = ["DocRecord", "Index", "Segment", "SegmentPart", "analyze_documents", "passage_terms"]


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
    """A title's or heading's terms: the same few labels recur on every passage of a document."""
    return tuple(analyze(label))


def passage_terms(passage: Passage) -> list[str]:
    """The terms a passage is indexed under: its text, plus its title and heading so they rank."""
    terms = analyze(passage.text)
    terms += _label_terms(passage.title)
    if passage.heading:
        terms += _label_terms(passage.heading)
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
                docs.append(_shift(d, n + d.first_passage))
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


def _shift(doc: DocRecord, first: int) -> DocRecord:
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
                for t in set(passage_terms(_segment_passage(seg, rec, pid, pid))):
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


def _segment_passage(seg: Segment, doc: DocRecord, local: int, pid: int) -> Passage:
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


class Index:
    """Segments plus tombstones, searched as one BM25 index over the live passages."""

    def __init__(
        self, segments: Sequence[Segment], tombstones: Sequence[Tombstones] | None = None
    ) -> None:
        self.segments = list(segments)
        self.tombstones = (
            list(tombstones) if tombstones is not None else [Tombstones() for _ in segments]
        )
        self.base = np.zeros(len(self.segments) + 1, np.int64)
        np.cumsum([s.n_passages for s in self.segments], out=self.base[1:])
        self.dead: list[NDArray[np.bool_] | None] = []
        live_len, live_n = 0.0, 0
        docs: list[tuple[str, int, int]] = []  # (source, segment, doc number)
        for s, (seg, tomb) in enumerate(zip(self.segments, self.tombstones, strict=True)):
            dead_docs = np.zeros(len(seg.docs), bool)
            dead_docs[tomb.docs] = True
            dead = dead_docs[seg.p_doc] if len(tomb.docs) else None
            self.dead.append(dead)
            lengths = seg.doc_len if dead is None else seg.doc_len[~dead]
            # Passage lengths are whole numbers, so this float sum is exact in any order.
            live_len += float(lengths.astype(np.float64).sum())
            live_n += len(lengths)
            docs.extend((d.source, s, j) for j, d in enumerate(seg.docs) if not dead_docs[j])
        docs.sort()
        self._n = live_n
        self._norms: list[NDArray[np.float64] | None] = [None] * len(self.segments)
        self._peaks: list[dict[int, float]] = [{} for _ in self.segments]  # see pruned_candidates
        self._buffers: list[list[tuple[NDArray[np.float64], NDArray[np.bool_]]]] = [
            [] for _ in self.segments
        ]
        self._avgdl = (live_len / live_n if live_n else 1.0) or 1.0
        # Where a fresh build of the same files would put each passage: ties go to the earlier.
        self._rank = np.full(int(self.base[-1]), np.iinfo(np.int64).max, np.int64)
        self.docs: list[DocRecord] = []
        at = 0
        for _, s, j in docs:
            d = self.segments[s].docs[j]
            first = int(self.base[s]) + d.first_passage
            self._rank[first : first + d.n_passages] = np.arange(at, at + d.n_passages)
            self.docs.append(_shift(d, first))
            at += d.n_passages

    @classmethod
    def build(
        cls, documents: Iterable[tuple[Document, Sequence[Passage] | None]], max_tokens: int
    ) -> Index:
        """Index documents in one segment; passages already split are reused as given."""
        return cls([Segment.from_parts([analyze_documents(documents, max_tokens)])])

    # -- sizes and lookups ---------------------------------------------------------------------

    @property
    def n_passages(self) -> int:
        """Live passages (removed documents' passages keep their ids until the next merge)."""
        return self._n

    @property
    def dead_passages(self) -> int:
        return int(self.base[-1]) - self._n

    def _locate(self, pid: int) -> tuple[int, int]:
        s = int(np.searchsorted(self.base, pid, side="right")) - 1
        return s, pid - int(self.base[s])

    def document_frequency(self, term: str) -> int:
        df = 0
        for seg, tomb in zip(self.segments, self.tombstones, strict=True):
            i = seg.term_id(term)
            if i is not None:
                df += seg.df(i) - tomb.removed_df(i)
        return df

    def term_idf(self, term: str) -> float:
        """IDF of a term; a term found nowhere gets the IDF of a term found in no passage."""
        return float(idf(np.asarray([self.document_frequency(term)]), self._n)[0])

    def passage_text(self, pid: int) -> str:
        s, local = self._locate(pid)
        return self.segments[s].passage_text(local)

    def passage(self, pid: int) -> Passage:
        s, local = self._locate(pid)
        seg = self.segments[s]
        return _segment_passage(seg, seg.docs[int(seg.p_doc[local])], local, pid)

    def next_passage(self, passage: Passage) -> Passage | None:
        """The passage after ``passage`` in the same document, if any."""
        s, local = self._locate(passage.id)
        seg = self.segments[s]
        if local + 1 >= seg.n_passages or seg.p_doc[local + 1] != seg.p_doc[local]:
            return None
        return self.passage(passage.id + 1)

    def doc_passages(self, doc: DocRecord) -> list[Passage]:
        return [
            self.passage(p) for p in range(doc.first_passage, doc.first_passage + doc.n_passages)
        ]

    # -- search --------------------------------------------------------------------------------

    def scores_for(
        self, terms: Sequence[str], weights: Sequence[float] | None = None, k: int | None = None
    ) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
        """BM25 scores of the live passages that contain any of ``terms`` (repeats count, as in
        rank-bm25), as (passage ids, scores). ``weights`` scales each term's contribution.
        With ``k``, only a superset of the ``k`` best (ties included) is promised."""
        counts: dict[str, float] = {}
        for j, term in enumerate(terms):
            counts[term] = counts.get(term, 0.0) + (1.0 if weights is None else float(weights[j]))
        # Per segment, the postings ranges of each query term; df summed over live passages.
        ranges: list[list[tuple[float, int, int]]] = [[] for _ in self.segments]
        for term, weight in counts.items():
            df, found = 0, []
            for s, (seg, tomb) in enumerate(zip(self.segments, self.tombstones, strict=True)):
                i = seg.term_id(term)
                if i is not None:
                    df += seg.df(i) - tomb.removed_df(i)
                    found.append((s, int(seg.indptr[i]), int(seg.indptr[i + 1])))
            if df <= 0:
                continue
            w = weight * float(idf(np.asarray([df]), self._n)[0])
            for s, lo, hi in found:
                ranges[s].append((w, lo, hi))
        all_c, all_s = [], []
        positive = all(w > 0 for seg_ranges in ranges for w, _, _ in seg_ranges)
        for s, seg_ranges in enumerate(ranges):
            if not seg_ranges:
                continue
            dead = self.dead[s]
            if k is not None and positive and len(seg_ranges) > 1:
                seg = self.segments[s]
                buf, mark = self._scratch(s)
                try:
                    pruned = pruned_candidates(
                        np.asarray(seg.pids),
                        np.asarray(seg.tfs),
                        self._length_norm(s),
                        seg_ranges,
                        k,
                        dead,
                        buf,
                        mark,
                        self._peaks[s],
                    )
                except BaseException:  # the scratch may be dirty: give back clean ones
                    buf, mark = np.zeros_like(buf), np.zeros_like(mark)
                    raise
                finally:
                    self._buffers[s].append((buf, mark))
                if pruned is not None:
                    all_c.append(pruned[0] + int(self.base[s]))
                    all_s.append(pruned[1])
                    continue
            cand, scores = self._segment_scores(s, seg_ranges, positive)
            if dead is not None:
                keep = ~dead[cand]
                cand, scores = cand[keep], scores[keep]
            all_c.append(cand + int(self.base[s]))
            all_s.append(scores)
        if not all_c:
            return np.zeros(0, np.int64), np.zeros(0, np.float64)
        if len(all_c) == 1:
            return all_c[0], all_s[0]
        return np.concatenate(all_c), np.concatenate(all_s)

    def _length_norm(self, s: int) -> NDArray[np.float64]:
        """``k1 * (1 - b + b * dl / avgdl)`` per passage of segment ``s``, computed once per
        Index (avgdl is global, so a refresh, which makes a new Index, makes new ones)."""
        norm = self._norms[s]
        if norm is None:
            dl = self.segments[s].doc_len.astype(np.float64)
            norm = K1 * (1.0 - B + B * dl / self._avgdl)
            self._norms[s] = norm
        return norm

    def _scratch(self, s: int) -> tuple[NDArray[np.float64], NDArray[np.bool_]]:
        """Zeroed per-passage scratch arrays of segment ``s``, one pair per concurrent search
        (``list.pop`` is atomic); the caller gives them back zeroed."""
        try:
            return self._buffers[s].pop()
        except IndexError:
            n = self.segments[s].n_passages
            return np.zeros(n, np.float64), np.zeros(n, np.bool_)

    def _segment_scores(
        self, s: int, seg_ranges: list[tuple[float, int, int]], positive: bool
    ) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
        """(passage ids, scores) in segment ``s`` of the postings ranges ``(weight, lo, hi)``.

        Scores accumulate in a dense buffer that is zeroed again only where the query touched
        it, so a query costs its postings, not the segment's size. Each passage sums its terms
        in query order, as rank-bm25 does."""
        seg = self.segments[s]
        norm = self._length_norm(s)

        all_pids, all_tfs = np.asarray(seg.pids), np.asarray(seg.tfs)

        def contribution(
            w: float, lo: int, hi: int
        ) -> tuple[NDArray[np.int32], NDArray[np.float64]]:
            pids = all_pids[lo:hi]
            return pids, term_scores(pids, all_tfs[lo:hi], norm, w)

        if len(seg_ranges) == 1:
            pids, scores = contribution(*seg_ranges[0])
            return pids.astype(np.int64), scores
        buf, mark = self._scratch(s)
        fresh: list[NDArray[np.int32]] = []
        try:
            for w, lo, hi in seg_ranges:
                pids, add = contribution(w, lo, hi)
                before = buf[pids]
                fresh.append(pids[before == 0.0])  # passages this query has not touched yet
                buf[pids] = before + add  # a term's postings hold each passage once
            cand = np.concatenate(fresh).astype(np.int64)
            if not positive:
                # Contributions may cancel to zero and a passage be counted fresh twice.
                cand = np.unique(cand)
            scores = buf[cand]
            buf[cand] = 0.0
        except BaseException:
            buf = np.zeros_like(buf)
            raise
        finally:
            self._buffers[s].append((buf, mark))
        if not positive:
            keep = scores != 0.0
            cand, scores = cand[keep], scores[keep]
        return cand, scores

    def search(
        self, terms: Sequence[str], k: int, weights: Sequence[float] | None = None
    ) -> list[tuple[int, float]]:
        """The ``k`` best (passage id, score) pairs, best first; ties go to the passage a fresh
        build would number first."""
        if k <= 0:
            return []
        cand, scores = self.scores_for(terms, weights, k)
        if len(cand) == 0:
            return []
        if len(cand) > 64 * k and len(cand) > 20_000:
            # The k-th best of a sample is at most the k-th best of all: a safe, cheap cut.
            sample = scores[:: len(scores) // max(4096, 64 * k)]
            floor = np.partition(sample, len(sample) - k)[len(sample) - k]
            keep = scores >= floor
            cand, scores = cand[keep], scores[keep]
        if len(cand) > k:
            kth = np.partition(scores, len(scores) - k)[len(scores) - k]
            keep = scores >= kth  # every passage tied with the k-th, so ties break the same way
            cand, scores = cand[keep], scores[keep]
        order = np.lexsort((self._rank[cand], -scores))[:k]
        return [(int(cand[j]), float(scores[j])) for j in order]

    def hits(
        self, terms: Sequence[str], k: int, weights: Sequence[float] | None = None
    ) -> list[Hit]:
        return [Hit(self.passage(pid), score) for pid, score in self.search(terms, k, weights)]
