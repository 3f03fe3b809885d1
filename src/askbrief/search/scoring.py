"""BM25 as askbrief scores it: rank-bm25's BM25Okapi formula with an always-positive IDF.

rank-bm25's BM25Okapi floors the IDF of every term found in more than half of the passages at
``epsilon × mean IDF``; on a topical corpus that makes the most common words ("china", "russia"
in the seeds) weigh far more than terms found in slightly fewer passages. Lucene's IDF,
``log(1 + (N - df + 0.5) / (df + 0.5))``, is positive and monotone in ``df`` instead. The choice
was measured (``bench/tokenizer_choice.py``) and is explained in the README. ``LuceneIdfBM25`` is
the rank-bm25 class with that one change, used by the tests as the reference the fast engine must
match.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import NDArray
from rank_bm25 import BM25Okapi

__all__ = ["B", "K1", "LuceneIdfBM25", "idf", "length_norm"]

K1 = 1.5
B = 0.75


def idf(df: NDArray[np.int64], n_passages: int) -> NDArray[np.float64]:
    """Lucene's BM25 IDF for each document frequency in ``df``."""
    dff = df.astype(np.float64)
    return np.log1p((n_passages - dff + 0.5) / (dff + 0.5))


def length_norm(doc_len: NDArray[np.float32]) -> NDArray[np.float64]:
    """``k1 * (1 - b + b * dl / avgdl)``: the per-passage part of BM25's denominator."""
    dl = doc_len.astype(np.float64)
    avgdl = float(dl.mean()) if len(dl) else 1.0
    return K1 * (1.0 - B + B * dl / (avgdl or 1.0))


class LuceneIdfBM25(BM25Okapi):  # type: ignore[misc]
    """rank-bm25's BM25Okapi with Lucene's IDF in place of the floored Okapi IDF."""

    def _calc_idf(self, nd: dict[str, int]) -> None:
        self.idf = {
            word: math.log1p((self.corpus_size - freq + 0.5) / (freq + 0.5))
            for word, freq in nd.items()
        }


def term_scores(
    pids: NDArray[np.integer[Any]],
    tfs: NDArray[np.float32],
    norm: NDArray[np.float64],
    weight: float,
) -> NDArray[np.float64]:
    """One term's BM25 contribution to each passage of its postings (``weight`` includes IDF)."""
    tf = tfs.astype(np.float64)
    out: NDArray[np.float64] = weight * (tf * (K1 + 1.0)) / (tf + norm[pids])
    return out


def pruned_candidates(
    pids: NDArray[np.int32],
    tfs: NDArray[np.float32],
    norm: NDArray[np.float64],
    ranges: list[tuple[float, int, int]],
    k: int,
    dead: NDArray[np.bool_] | None,
    buf: NDArray[np.float64],
    mark: NDArray[np.bool_],
    peaks: dict[int, float],
) -> tuple[NDArray[np.int64], NDArray[np.float64]] | None:
    """A superset of the ``k`` best passages of one segment with their exact scores, found
    without reading the longest postings lists whole (MaxScore); None when that cannot pay.

    ``ranges`` holds each query term's (weight × IDF, start, end) in ``pids``/``tfs``, in query
    order, all weights positive. A term adds less than ``weight × (k1 + 1)`` to any passage, so
    once the k-th best score among passages holding a rare ("essential") term beats the summed
    bounds of the other terms, no passage holding only those others can reach the top ``k``
    (nor tie with it). Scores are summed over the terms in query order, as a full scan sums
    them, so they are equal to the last bit. ``buf`` (zeros) and ``mark`` (False), one slot per
    passage, are scratch space and are left as they were found. ``peaks`` caches, per long
    postings list (by its start), the most its term adds per unit of weight: a tighter bound."""
    lengths = [hi - lo for _, lo, hi in ranges]
    total = sum(lengths)
    by_length = sorted(range(len(ranges)), key=lambda j: lengths[j])
    bound = [w * _peak(pids, tfs, norm, lo, hi, peaks) for w, lo, hi in ranges]
    # rest[n]: the most the terms outside the n rarest can add to a passage.
    rest = [sum(bound[j] for j in by_length[n:]) for n in range(len(ranges) + 1)]
    n_essential, floor = 1, None
    while n_essential < len(ranges):
        essential = by_length[:n_essential]
        if 4 * sum(lengths[j] for j in essential) > total:
            return None  # the essential lists are most of the work: a full scan is as cheap
        found = _essential_scores(pids, tfs, norm, ranges, essential, dead, buf, mark)
        if found is not None and len(found[0]) >= k:
            cand, scores = found
            theta = np.partition(scores, len(scores) - k)[len(scores) - k]
            if rest[n_essential] < theta:
                return cand, scores
            # More essential terms only raise the k-th best: jump to the fewest that this
            # k-th best already proves enough.
            floor = theta if floor is None else max(floor, theta)
            n_essential = next(
                (n for n in range(n_essential + 1, len(ranges)) if rest[n] < floor), len(ranges)
            )
        else:
            n_essential += 1
    return None


def _peak(
    pids: NDArray[np.int32],
    tfs: NDArray[np.float32],
    norm: NDArray[np.float64],
    lo: int,
    hi: int,
    peaks: dict[int, float],
) -> float:
    """The most one postings list's term adds to a passage, per unit of weight (for long lists,
    measured once and cached, with a margin for rounding; short ones get the k1 + 1 bound)."""
    if hi - lo < 20_000:
        return K1 + 1.0
    peak = peaks.get(lo)
    if peak is None:
        peak = float(term_scores(pids[lo:hi], tfs[lo:hi], norm, 1.0).max()) * (1 + 1e-9)
        peaks[lo] = peak
    return peak


def _essential_scores(
    pids: NDArray[np.int32],
    tfs: NDArray[np.float32],
    norm: NDArray[np.float64],
    ranges: list[tuple[float, int, int]],
    essential: list[int],
    dead: NDArray[np.bool_] | None,
    buf: NDArray[np.float64],
    mark: NDArray[np.bool_],
) -> tuple[NDArray[np.int64], NDArray[np.float64]] | None:
    """The live passages holding an ``essential`` term, with their full scores."""
    for j in essential:
        mark[pids[ranges[j][1] : ranges[j][2]]] = True
    cand = np.flatnonzero(mark)
    mark[cand] = False
    if dead is not None:
        cand = cand[~dead[cand]]
    if len(cand) == 0:
        return None
    scanned = []
    try:
        for w, lo, hi in ranges:  # in query order: each passage sums its terms as a scan does
            plist = pids[lo:hi]
            if hi - lo <= 4 * len(cand):  # short enough to add in whole
                buf[plist] += term_scores(plist, tfs[lo:hi], norm, w)
                scanned.append(plist)
                continue
            at = np.searchsorted(plist, cand)
            at[at == len(plist)] = 0
            hit = np.flatnonzero(plist[at] == cand)
            buf[cand[hit]] += term_scores(cand[hit], tfs[lo:hi][at[hit]], norm, w)
        return cand, buf[cand]
    finally:
        for plist in scanned:
            buf[plist] = 0.0
        buf[cand] = 0.0
