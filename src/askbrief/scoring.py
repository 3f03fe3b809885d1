"""BM25 as askbrief scores it: rank-bm25's BM25Okapi formula with an always-positive IDF.

rank-bm25's BM25Okapi floors the IDF of every term found in more than half of the passages at
``epsilon × mean IDF``; on a topical corpus that makes the most common words ("china", "russia"
in the seeds) weigh far more than terms found in slightly fewer passages. Lucene's IDF,
``log(1 + (N - df + 0.5) / (df + 0.5))``, is positive and monotone in ``df`` instead. The choice
was measured (``bench/tokenizers.py``) and is explained in the README. ``LuceneIdfBM25`` is the
rank-bm25 class with that one change, used by the tests as the reference the fast engine must
match.
"""

from __future__ import annotations

import math

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
