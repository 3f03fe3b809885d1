"""The xapian engine: askbrief's passages in shared, sharded Xapian databases.

Each passage is a Xapian document whose terms are askbrief's own analysed terms (the same
``passage_terms`` the local index uses) with their counts as wdf, plus a path term; its data
holds the passage (text, source, title, heading, offsets, line, page) and its document's size,
mtime and content hash. Scores are askbrief's: Xapian's BM25 (k1 = 1.5, b = 0.75, like the local
engine) differs only in IDF, so each query term's weight is scaled by Lucene IDF ÷ Xapian IDF
(``idf_ratio``), which makes the scores equal the local engine's up to rounding. Ties go to the
earlier (source, offset), as in a fresh local build. Passage ids are ``shard << 40 | docid``, so
one document's passages have consecutive ids, as follow-up planning expects.
"""

from __future__ import annotations

import json
import math
import time
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import xapian
from numpy.typing import NDArray

from ...config import EngineSettings, Settings
from ...types import Hit, Passage
from ..library import IndexReport, Progress
from ..scoring import K1, B, idf
from ..segments import DocRecord
from .base import ShardStatus
from .xapian_shards import RECOVERABLE, ShardSet, open_replica

__all__ = ["DOCS_KEY", "PID_SHIFT", "XapianEngine", "XapianIndex", "idf_ratio", "xapian_idf"]

PID_SHIFT = 40
_DOCID_MASK = (1 << PID_SHIFT) - 1
DOCS_KEY = "askbrief.docs"  # shard metadata: source -> its document record (JSON)
META_KEY = "askbrief.meta"  # shard metadata: how and where the shard was built
# Follow-up boosts rescore the matches of a query; on this engine, the best this many.
FOLLOWUP_MATCHES = 10_000
_CACHE = 4096


def xapian_idf(df: int, n: int) -> float:
    """Xapian 1.4's BM25 IDF (bm25weight.cc): log(r), with r replaced by r/2 + 1 below 2."""
    r = (n - df + 0.5) / (df + 0.5)
    if r < 2:
        r = r * 0.5 + 1
    return math.log(r)


def idf_ratio(df: int, n: int) -> float:
    """The factor that turns Xapian's IDF into the Lucene IDF askbrief scores with."""
    return float(idf(np.asarray([df]), n)[0]) / xapian_idf(df, n)


def passage_of(data: bytes, pid: int) -> Passage:
    d = json.loads(data)
    return Passage(pid, d["s"], d["t"], d["a"], d["b"], d["l"], d["p"], d["h"], d["x"])


def doc_records(number: int, blob: str) -> list[DocRecord]:
    """A shard's document records, with ids in the engine's passage-id space."""
    out = []
    for source, r in (json.loads(blob) if blob else {}).items():
        out.append(
            DocRecord(
                source=source,
                title=r["title"],
                size=r["size"],
                mtime_ns=r["mtime_ns"],
                encoding=r.get("encoding", "utf-8"),
                first_passage=(number << PID_SHIFT) | r["first"],
                n_passages=r["n"],
                warnings=tuple(r.get("warnings", ())),
            )
        )
    return out


class XapianIndex:
    """The ``SearchIndex`` of a set of Xapian shards (see the module docstring)."""

    def __init__(self, shards: ShardSet, exact: bool) -> None:
        self.shards = shards
        self.exact = exact
        self._generation = -1
        self._n = 0
        self._df: dict[str, int] = {}
        self._docs: list[DocRecord] | None = None
        self._passages: OrderedDict[int, Passage] = OrderedDict()
        self._by_source: tuple[list[DocRecord], dict[str, DocRecord]] | None = None

    def _fresh(self, db: xapian.Database) -> None:
        """Drop what was cached from an earlier connection."""
        if self._generation != self.shards.generation:
            self._generation = self.shards.generation
            self._n = db.get_doccount()
            self._df, self._docs = {}, None
            self._passages.clear()

    def _df_of(self, db: xapian.Database, term: str) -> int:
        self._fresh(db)
        if term not in self._df:
            if len(self._df) > 100_000:
                self._df.clear()
            self._df[term] = db.get_termfreq(term) if term else 0
        return self._df[term]

    # -- statistics ----------------------------------------------------------------------------

    @property
    def n_passages(self) -> int:
        def count(db: xapian.Database) -> int:
            self._fresh(db)
            return self._n

        return self.shards.call(count)

    @property
    def docs(self) -> list[DocRecord]:
        def load(db: xapian.Database) -> list[DocRecord]:
            self._fresh(db)
            if self._docs is None:
                docs = []
                for number in self.shards.active:
                    shard = self.shards.shard_db(number)
                    assert shard is not None
                    docs += doc_records(number, shard.get_metadata(DOCS_KEY).decode())
                self._docs = sorted(docs, key=lambda d: d.source)
            return self._docs

        return self.shards.call(load)

    def document_frequency(self, term: str) -> int:
        return self.shards.call(lambda db: self._df_of(db, term))

    def term_idf(self, term: str) -> float:
        df = self.document_frequency(term)
        return float(idf(np.asarray([df]), self._n)[0])

    # -- search --------------------------------------------------------------------------------

    def _query(
        self, db: xapian.Database, terms: Sequence[str], weights: Sequence[float] | None
    ) -> xapian.Query | None:
        """OR of the terms, each scaled by its weight and by Lucene IDF ÷ Xapian IDF."""
        counts: dict[str, float] = {}
        for j, term in enumerate(terms):
            counts[term] = counts.get(term, 0.0) + (1.0 if weights is None else float(weights[j]))
        subs = []
        for term, weight in counts.items():
            df = self._df_of(db, term)
            if df <= 0 or weight <= 0 or len(term.encode("utf-8", "surrogatepass")) > 245:
                continue
            factor = weight * idf_ratio(df, self._n)
            subs.append(xapian.Query(xapian.Query.OP_SCALE_WEIGHT, xapian.Query(term), factor))
        return xapian.Query(xapian.Query.OP_OR, subs) if subs else None

    def _ranked(
        self, terms: Sequence[str], k: int, weights: Sequence[float] | None, fetch: bool
    ) -> list[tuple[int, float, Passage | None]]:
        """The ``k`` best (pid, score, passage), with every passage tied with the k-th looked
        at, so that ties break by (source, offset) as in the local engine."""

        def run(db: xapian.Database) -> list[tuple[int, float, Passage | None]]:
            self._fresh(db)
            query = self._query(db, terms, weights)
            if query is None or k <= 0:
                return []
            enquire = xapian.Enquire(db)
            enquire.set_query(query)
            enquire.set_weighting_scheme(xapian.BM25Weight(K1, 0, 0, B, 0))
            check = self._n if self.exact else 0
            size = k + 8
            while True:
                mset = enquire.get_mset(0, size, check)
                if (
                    mset.size() < size
                    or mset.get_hit(size - 1).weight < mset.get_hit(min(k, mset.size()) - 1).weight
                ):
                    break
                size *= 4
            if mset.empty():
                return []
            kth = mset.get_hit(min(k, mset.size()) - 1).weight
            if not fetch:
                return [(self._pid(m.docid), float(m.weight), None) for m in mset]
            top = [(m.docid, float(m.weight)) for m in mset if m.weight >= kth]
            mset.fetch()
            rows = []
            for docid, weight in top:
                passage = passage_of(db.get_document(docid).get_data(), self._pid(docid))
                self._remember(passage.id, passage)
                rows.append((passage.id, weight, passage))
            # Ties go to the earlier (source, offset), as a fresh local build numbers them.
            rows.sort(key=lambda r: (-round(r[1], 9), r[2].source, r[2].start))
            return [(pid, weight, p) for pid, weight, p in rows[:k]]

        return self.shards.call(run)

    def _pid(self, combined: int) -> int:
        number, docid = self.shards.split_docid(combined)
        return (number << PID_SHIFT) | docid

    def search(
        self, terms: Sequence[str], k: int, weights: Sequence[float] | None = None
    ) -> list[tuple[int, float]]:
        return [(pid, score) for pid, score, _ in self._ranked(terms, k, weights, True)]

    def hits(
        self, terms: Sequence[str], k: int, weights: Sequence[float] | None = None
    ) -> list[Hit]:
        return [Hit(p, score) for _, score, p in self._ranked(terms, k, weights, True) if p]

    def scores_for(
        self, terms: Sequence[str], weights: Sequence[float] | None = None, k: int | None = None
    ) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
        """Scores of the best matches: the best ``k`` (ties included), or for follow-up boosts
        the best ``FOLLOWUP_MATCHES`` (not every match, as the local engine gives)."""
        rows = self._ranked(terms, k or FOLLOWUP_MATCHES, weights, k is not None)
        return (
            np.asarray([r[0] for r in rows], np.int64),
            np.asarray([r[1] for r in rows], np.float64),
        )

    # -- passages ------------------------------------------------------------------------------

    def _remember(self, pid: int, passage: Passage) -> None:
        self._passages[pid] = passage
        if len(self._passages) > _CACHE:
            self._passages.popitem(last=False)

    def _lookup(self, pid: int) -> Passage | None:
        def get(db: xapian.Database) -> Passage | None:
            self._fresh(db)
            if pid in self._passages:
                return self._passages[pid]
            combined = self.shards.combined_docid(pid >> PID_SHIFT, pid & _DOCID_MASK)
            if combined is None or pid & _DOCID_MASK == 0:
                return None
            try:
                data = db.get_document(combined).get_data()
            except xapian.DocNotFoundError:
                return None
            passage = passage_of(data, pid)
            self._remember(pid, passage)
            return passage

        return self.shards.call(get)

    def passage(self, pid: int) -> Passage:
        passage = self._lookup(pid)
        if passage is None:
            raise KeyError(f"passage {pid} is not in the index")
        return passage

    def passage_text(self, pid: int) -> str:
        return self.passage(pid).text

    def next_passage(self, passage: Passage) -> Passage | None:
        """The passage after ``passage`` in the same document, if any."""
        after = self._lookup(passage.id + 1)
        return after if after is not None and after.source == passage.source else None

    def previous_passage(self, passage: Passage) -> Passage | None:
        """The passage before ``passage`` in the same document, if any."""
        before = self._lookup(passage.id - 1) if passage.id > 0 else None
        return before if before is not None and before.source == passage.source else None

    def opening(self, passage: Passage, chars: int = 600) -> str:
        """The first ``chars`` characters of ``passage``'s document, from its first passages."""
        doc = self._docs_by_source().get(passage.source)
        if doc is None:
            return passage.text[:chars]
        parts: list[str] = []
        size = 0
        for pid in range(doc.first_passage, doc.first_passage + doc.n_passages):
            if size >= chars:
                break
            found = self._lookup(pid)
            if found is None:
                break
            parts.append(found.text)
            size += len(found.text)
        return "".join(parts)[:chars]

    def _docs_by_source(self) -> dict[str, DocRecord]:
        docs = self.docs  # reloaded after a reconnection
        if self._by_source is None or self._by_source[0] is not docs:
            self._by_source = (docs, {d.source: d for d in docs})
        return self._by_source[1]


class XapianEngine:
    """Opens the configured shards; indexes folders into them (``xapian_write``)."""

    name = "xapian"
    shared = True

    def __init__(self, settings: EngineSettings) -> None:
        self.settings = settings
        self.shards: ShardSet | None = None

    def open(
        self, root: Path, settings: Settings, *, progress: Progress | None, force: bool
    ) -> tuple[XapianIndex, IndexReport]:
        t0 = time.perf_counter()
        self.shards = ShardSet(self.settings)
        self.shards.connect()
        index = XapianIndex(self.shards, self.settings.exact)
        notices, _ = self.shards.take_notices()
        report = IndexReport(
            corpus=root,
            status="opened",
            files_total=len(index.docs),
            files_read=0,
            passages=index.n_passages,
            seconds=time.perf_counter() - t0,
            notice="; ".join(notices) or None,
        )
        return index, report

    def index_folder(
        self, root: Path, settings: Settings, *, progress: Progress | None, force: bool
    ) -> IndexReport:
        from .xapian_write import index_into_shards

        return index_into_shards(root, settings, self.settings, progress=progress, force=force)

    def status(self) -> list[ShardStatus]:
        """Each address of each shard: reachable or not, its counts, and who serves."""
        out = []
        for number, addresses in enumerate(self.settings.shards):
            serving_found = False
            for address in addresses:
                try:
                    db = open_replica(address, self.settings.timeout)
                    passages = db.get_doccount()
                    blob = db.get_metadata(DOCS_KEY).decode()
                    documents = len(json.loads(blob)) if blob else 0
                    db.close()
                except RECOVERABLE as exc:
                    out.append(ShardStatus(number + 1, address, False, error=_short(exc)))
                    continue
                out.append(
                    ShardStatus(
                        number + 1, address, True, passages, documents, serving=not serving_found
                    )
                )
                serving_found = True
        return out

    def take_notices(self) -> tuple[tuple[str, ...], bool]:
        if self.shards is None:
            return (), False
        return self.shards.take_notices()


def _short(exc: BaseException) -> str:
    if isinstance(exc, xapian.NetworkTimeoutError):
        return "timed out"
    return " ".join((str(exc) or type(exc).__name__).split())[:160]
