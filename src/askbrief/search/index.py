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

from collections.abc import Iterable, Sequence

import numpy as np
from numpy.typing import NDArray

from ..types import Document, Hit, Passage
from .scoring import K1, B, idf, pruned_candidates, term_scores
from .segments import (
    DocRecord,
    Segment,
    SegmentPart,
    Tombstones,
    analyze_documents,
    passage_terms,
    segment_passage,
    shift_doc,
)

# DocRecord, Segment and friends live in askbrief.search.segments; re-exported for the index's
# callers.
__all__ = [
    "DocRecord",
    "Index",
    "Segment",
    "SegmentPart",
    "Tombstones",
    "analyze_documents",
    "passage_terms",
]


# Terms whose IDF an open index keeps (a few megabytes at most).
_IDF_KEPT = 65536


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
        self._idf: dict[str, float] = {}
        # Where a fresh build of the same files would put each passage: ties go to the earlier.
        self._rank = np.full(int(self.base[-1]), np.iinfo(np.int64).max, np.int64)
        self.docs: list[DocRecord] = []
        at = 0
        for _, s, j in docs:
            d = self.segments[s].docs[j]
            first = int(self.base[s]) + d.first_passage
            self._rank[first : first + d.n_passages] = np.arange(at, at + d.n_passages)
            self.docs.append(shift_doc(d, first))
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
        """IDF of a term; a term found nowhere gets the IDF of a term found in no passage.
        Kept per term: a question weighs every heading and title of its candidates, and an
        index never changes once opened (a refresh opens a new one)."""
        known = self._idf.get(term)
        if known is None:
            if len(self._idf) >= _IDF_KEPT:
                self._idf.clear()
            known = self._idf[term] = float(
                idf(np.asarray([self.document_frequency(term)]), self._n)[0]
            )
        return known

    def passage_text(self, pid: int) -> str:
        s, local = self._locate(pid)
        return self.segments[s].passage_text(local)

    def passage(self, pid: int) -> Passage:
        s, local = self._locate(pid)
        seg = self.segments[s]
        return segment_passage(seg, seg.docs[int(seg.p_doc[local])], local, pid)

    def next_passage(self, passage: Passage) -> Passage | None:
        """The passage after ``passage`` in the same document, if any."""
        s, local = self._locate(passage.id)
        seg = self.segments[s]
        if local + 1 >= seg.n_passages or seg.p_doc[local + 1] != seg.p_doc[local]:
            return None
        return self.passage(passage.id + 1)

    def previous_passage(self, passage: Passage) -> Passage | None:
        """The passage before ``passage`` in the same document, if any."""
        s, local = self._locate(passage.id)
        seg = self.segments[s]
        if local == 0 or seg.p_doc[local - 1] != seg.p_doc[local]:
            return None
        return self.passage(passage.id - 1)

    def opening(self, passage: Passage, chars: int = 600) -> str:
        """The first ``chars`` characters of the document ``passage`` belongs to: its title and
        opening lines, which say what the whole page is about."""
        s, local = self._locate(passage.id)
        seg = self.segments[s]
        doc = seg.docs[int(seg.p_doc[local])]
        parts: list[str] = []
        size = 0
        for i in range(doc.first_passage, doc.first_passage + doc.n_passages):
            if size >= chars:
                break
            parts.append(seg.passage_text(i))
            size += len(parts[-1])
        return "".join(parts)[:chars]

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
