"""Indexing a folder into Xapian shards, file by file, committing per batch.

Each file goes to the shard picked by a stable hash of its relative path (SHA-256, not Python's
salted ``hash()``), written to the shard's primary: a local database folder (created if need be)
or a ``xapian-tcpsrv --writable``. A file that changed or went away is deleted by its path term
and re-added. Each shard's document records (``DOCS_KEY``) are written in the same commit as its
passages, so a killed indexer leaves every shard at its last commit, consistent, and the next run
reads only what is missing.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
import time
from collections import Counter
from pathlib import Path
from typing import Any

import xapian

from ...config import EngineSettings, Settings
from ...documents.corpus import READER_VERSION, load_document, scan_corpus
from ...documents.passages import split_document
from ...errors import EngineError, SkipFile
from ...types import Document, Skipped
from ..analysis import ANALYZER_VERSION
from ..library import IndexReport, Progress
from ..segments import passage_terms
from .xapian import DOCS_KEY, META_KEY
from .xapian_shards import shard_label

__all__ = ["BATCH_FILES", "index_into_shards", "path_term", "shard_of"]

BATCH_FILES = 200  # commit every shard after this many files read...
BATCH_PASSAGES = 20_000  # ...or this many passages, whichever comes first
DOC_PREFIX = "askbrief.doc."  # + a document's path term: its record, written after its passages
PENDING_KEY = "askbrief.pending"  # "1" while a batch is being written
_MAX_TERM = 245  # Xapian's limit on a term's length in bytes
_TCP = re.compile(r"tcp://(?P<host>[^\s:/]+):(?P<port>\d{1,5})")


def shard_of(source: str, n_shards: int) -> int:
    """The shard of a relative path: the same on every machine and in every run."""
    digest = hashlib.sha256(source.encode("utf-8", "surrogateescape")).digest()
    return int.from_bytes(digest[:8], "big") % n_shards


def path_term(source: str) -> str:
    """The boolean term every passage of ``source`` carries (for delete and replace)."""
    return "P" + hashlib.sha1(source.encode("utf-8", "surrogateescape")).hexdigest()


def _xapian_term(term: str) -> str:
    """An analysed term as a Xapian term; one too long for Xapian becomes a hash of itself (no
    question can name it, and the passage keeps its length)."""
    if len(term.encode("utf-8", "surrogatepass")) <= _MAX_TERM:
        return term
    return "X" + hashlib.sha1(term.encode("utf-8", "surrogatepass")).hexdigest()


def open_writable(number: int, address: str, timeout_ms: int) -> xapian.WritableDatabase:
    label = shard_label(number, address)
    try:
        match = _TCP.fullmatch(address)
        if match is None:
            Path(address).expanduser().mkdir(parents=True, exist_ok=True)
            return xapian.WritableDatabase(
                str(Path(address).expanduser()), xapian.DB_CREATE_OR_OPEN
            )
        return xapian.remote_open_writable(
            match["host"], int(match["port"]), timeout_ms, timeout_ms
        )
    except xapian.DatabaseLockError:
        raise EngineError(f"{label} is being written by another indexer") from None
    except (xapian.Error, OSError) as exc:
        raise EngineError(f"cannot write to {label}: {' '.join(str(exc).split())}") from None


class _Shard:
    """One shard's writable primary and its document records."""

    def __init__(self, number: int, address: str, timeout_ms: int) -> None:
        self.number, self.address = number, address
        self.db = open_writable(number, address, timeout_ms)
        # A batch is a transaction: a local shard's unfinished batch is discarded with the
        # process. A remote shard's server commits what it received when the connection drops,
        # so each document's record is also written after its passages, under its own key, and
        # PENDING marks a batch in flight: the next run then checks the shard document by
        # document (``_reconcile``).
        self.db.begin_transaction()
        blob = self.db.get_metadata(DOCS_KEY).decode()
        self.records: dict[str, dict[str, Any]] = json.loads(blob) if blob else {}
        self.dirty = False
        self.recovered = self.db.get_metadata(PENDING_KEY) == b"1"
        if self.recovered:
            self._reconcile()

    def _mark(self) -> None:
        if not self.dirty:
            self.db.set_metadata(PENDING_KEY, "1")
            self.dirty = True

    def _reconcile(self) -> None:
        """After a cut batch: keep the documents whose record and passages are all there,
        remove every other passage."""
        records = {}
        for key in self.db.metadata_keys(DOC_PREFIX.encode()):
            value = self.db.get_metadata(key).decode()
            if value:
                rec = json.loads(value)
                records[rec["source"]] = rec
        whole = {path_term(s): r["n"] for s, r in records.items()}
        present = [(t.term.decode(), t.termfreq) for t in self.db.allterms(b"P")]
        for term, passages in present:
            if whole.get(term) != passages:
                self.db.delete_document(term)
        self.records = {s: r for s, r in records.items() if whole.get(path_term(s)) is not None}
        for source, rec in list(self.records.items()):
            if self.db.get_termfreq(path_term(source)) != rec["n"]:
                self.remove(source)
        self._mark()

    def wipe(self) -> None:
        for term in [t.term for t in self.db.allterms(b"P")]:
            self.db.delete_document(term)
        for key in list(self.db.metadata_keys(DOC_PREFIX.encode())):
            self.db.set_metadata(key, b"")
        self.records = {}
        self._mark()

    def remove(self, source: str) -> None:
        self._mark()
        self.db.delete_document(path_term(source))
        self.db.set_metadata(DOC_PREFIX + path_term(source), "")
        self.records.pop(source, None)

    def add(self, doc: Document, max_tokens: int) -> int:
        """Replace ``doc``'s passages; how many were written."""
        passages = split_document(doc, max_tokens)
        if not passages:
            raise SkipFile("no text")
        self.remove(doc.source)
        digest = hashlib.sha256(doc.text.encode("utf-8", "surrogatepass")).hexdigest()[:32]
        key = path_term(doc.source)
        first = 0
        for i, p in enumerate(passages):
            xdoc = xapian.Document()
            for term, count in Counter(passage_terms(p)).items():
                xdoc.add_term(_xapian_term(term), count)
            xdoc.add_boolean_term(key)
            data = {
                "s": p.source,
                "t": p.title,
                "h": p.heading,
                "a": p.start,
                "b": p.end,
                "l": p.line,
                "p": p.page,
                "x": p.text,
                "size": doc.size,
                "mtime_ns": doc.mtime_ns,
                "hash": digest,
            }
            xdoc.set_data(json.dumps(data, ensure_ascii=False).encode("utf-8", "surrogatepass"))
            docid = self.db.add_document(xdoc)
            if i == 0:
                first = docid
            elif docid != first + i:  # another writer: ids would not be consecutive
                raise EngineError(
                    f"{shard_label(self.number, self.address)} is being written by another indexer"
                )
        record = {
            "source": doc.source,
            "title": doc.title,
            "size": doc.size,
            "mtime_ns": doc.mtime_ns,
            "encoding": doc.encoding,
            "first": first,
            "n": len(passages),
            "hash": digest,
            "warnings": list(doc.warnings),
        }
        self.db.set_metadata(DOC_PREFIX + key, json.dumps(record, ensure_ascii=False))
        self.records[doc.source] = record
        return len(passages)

    def commit(self, meta: dict[str, object]) -> None:
        if self.dirty:
            self.db.set_metadata(META_KEY, json.dumps(meta))
            self.db.set_metadata(DOCS_KEY, json.dumps(self.records, ensure_ascii=False))
            self.db.set_metadata(PENDING_KEY, "")
            self.db.commit_transaction()
            self.db.begin_transaction()
            self.dirty = False


def index_into_shards(
    root: Path,
    settings: Settings,
    engine: EngineSettings,
    *,
    progress: Progress | None = None,
    force: bool = False,
) -> IndexReport:
    """Bring the shards up to date with ``root``: add, replace and remove files."""
    if not engine.shards:
        raise EngineError("engine.shards is empty: list the shards in the [engine] section")
    t0 = time.perf_counter()
    files, skipped = scan_corpus(
        root, max_file_bytes=int(settings.corpus.max_file_mb * 1024 * 1024)
    )
    n = len(engine.shards)
    expect = {
        "analyzer": ANALYZER_VERSION,
        "reader": READER_VERSION,
        "shards": n,
        "passage_tokens": settings.index.passage_tokens,
        "max_file_mb": settings.corpus.max_file_mb,
    }
    shards: list[_Shard] = []
    notice = None
    try:
        for number, addresses in enumerate(engine.shards):
            shard = _Shard(number, addresses[0], engine.timeout)
            shards.append(shard)
            saved = shard.db.get_metadata(META_KEY).decode()
            made = {k: v for k, v in json.loads(saved).items() if k in expect} if saved else None
            if force or (made is not None and made != expect) or (saved == "" and shard.records):
                if not force:
                    notice = "the shards were made by another version or other settings; rebuilding"
                shard.wipe()
        current = {f.source for f in files}
        changes = {"added": 0, "changed": 0, "removed": 0}
        for shard in shards:
            for source in [s for s in shard.records if s not in current]:
                shard.remove(source)
                changes["removed"] += 1
        to_read = []
        for info in files:
            rec = shards[shard_of(info.source, n)].records.get(info.source)
            if rec is None:
                changes["added"] += 1
            elif (rec["size"], rec["mtime_ns"]) != (info.size, info.mtime_ns):
                changes["changed"] += 1
            else:
                continue
            to_read.append(info)
        meta = {**expect, "root": str(root.resolve())}
        pending_files = pending_passages = 0
        for done, info in enumerate(to_read):
            if progress is not None:
                progress(done, len(to_read), info.source)
            shard = shards[shard_of(info.source, n)]
            try:
                pending_passages += shard.add(
                    load_document(root, info), settings.index.passage_tokens
                )
            except SkipFile as exc:
                skipped.append(Skipped(info.source, str(exc)))
                if info.source in shard.records:
                    shard.remove(info.source)
            pending_files += 1
            if pending_files >= BATCH_FILES or pending_passages >= BATCH_PASSAGES:
                for s in shards:
                    s.commit(meta)
                pending_files = pending_passages = 0
        for s in shards:
            if not s.db.get_metadata(META_KEY):
                s._mark()
            s.commit(meta)
        if progress is not None:
            progress(len(to_read), len(to_read), "")
        passages = sum(s.db.get_doccount() for s in shards)
        records = [(src, r) for s in shards for src, r in s.records.items()]
    except xapian.Error as exc:
        raise EngineError(
            f"indexing into the shards failed: {' '.join(str(exc).split())}"
        ) from None
    finally:
        for s in shards:
            with contextlib.suppress(xapian.Error):
                s.db.close()
    status = (
        "built"
        if changes["added"] == len(files) and files
        else ("refreshed" if any(changes.values()) else "reused")
    )
    return IndexReport(
        root,
        status,
        len(files),
        len(to_read),
        passages,
        time.perf_counter() - t0,
        tuple(sorted(skipped, key=lambda s: s.source)),
        tuple((src, w) for src, r in sorted(records) for w in r.get("warnings", ())),
        notice,
        changes,
    )
