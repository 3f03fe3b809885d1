"""Open a corpus folder as a searchable index: reuse the saved one, refresh it, or build it.

This is where the corpus, the passage splitter, the index and the store meet. Change detection is
by (size, mtime) per file: unchanged files are not read again, their passages come from the saved
index; added or changed files are read and split; removed files drop out.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .analysis import ANALYZER_VERSION
from .config import Settings
from .corpus import load_document, scan_corpus
from .errors import SkipFile
from .index import Index
from .passages import split_document
from .store import IndexMismatch, load_index, save_index
from .types import Document, FileInfo, Skipped

__all__ = ["IndexReport", "cache_root", "index_folder", "open_index"]

# (files done, files to read, current file) — called from the indexing thread.
Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class IndexReport:
    """What opening a corpus did, for the summary line and the app's header."""

    corpus: Path
    status: str  # "reused", "refreshed" or "built"
    files_total: int
    files_read: int
    passages: int
    seconds: float
    skipped: tuple[Skipped, ...] = ()
    warnings: tuple[tuple[str, str], ...] = ()
    notice: str | None = None  # e.g. why a saved index was rebuilt
    changes: dict[str, int] = field(default_factory=dict)  # added / changed / removed counts


def cache_root(settings: Settings) -> Path:
    if settings.index.cache_dir is not None:
        return settings.index.cache_dir
    from platformdirs import user_cache_path

    return user_cache_path("askbrief")


def index_folder(root: Path, settings: Settings) -> Path:
    """One folder per corpus, named after it and keyed by its absolute path."""
    resolved = str(root.resolve())
    slug = re.sub(r"[^A-Za-z0-9_.-]+", "_", root.resolve().name)[:40] or "corpus"
    digest = hashlib.sha256(resolved.encode("utf-8", "surrogateescape")).hexdigest()[:16]
    return cache_root(settings) / "indexes" / f"{slug}-{digest}"


def _expected_meta(root: Path, settings: Settings) -> dict[str, object]:
    return {
        "corpus": str(root.resolve()),
        "analyzer": ANALYZER_VERSION,
        "passage_tokens": settings.index.passage_tokens,
        "max_file_mb": settings.corpus.max_file_mb,
    }


def open_index(
    root: Path,
    settings: Settings,
    *,
    progress: Progress | None = None,
    force: bool = False,
) -> tuple[Index, IndexReport]:
    """The index of ``root``, brought up to date with the folder, and what it took."""
    t0 = time.perf_counter()
    files, skipped = scan_corpus(root, max_file_bytes=int(settings.corpus.max_file_mb * 1024 * 1024))
    folder = index_folder(root, settings)
    expect = _expected_meta(root, settings)
    notice = None
    old: Index | None = None
    old_skips: dict[str, dict[str, object]] = {}
    if not force:
        try:
            loaded = load_index(folder, expect)
        except IndexMismatch as exc:
            notice = f"{exc}; rebuilding it"
            loaded = None
        if loaded is not None:
            old, manifest = loaded
            old_skips = dict(manifest.get("load_skips") or {})

    old_docs = {d.source: d for d in old.docs} if old is not None else {}
    current = {f.source for f in files}
    plan: list[tuple[FileInfo, bool]] = []  # (file, reuse saved passages)
    load_skips: dict[str, dict[str, object]] = {}
    changes = {"added": 0, "changed": 0, "removed": 0}
    for info in files:
        saved = old_docs.get(info.source)
        prior_skip = old_skips.get(info.source)
        if saved is not None and (saved.size, saved.mtime_ns) == (info.size, info.mtime_ns):
            plan.append((info, True))
        elif prior_skip is not None and (prior_skip["size"], prior_skip["mtime_ns"]) == (
            info.size,
            info.mtime_ns,
        ):
            load_skips[info.source] = prior_skip
            skipped.append(Skipped(info.source, str(prior_skip["reason"])))
        else:
            changes["changed" if (saved or prior_skip) else "added"] += 1
            plan.append((info, False))
    changes["removed"] = sum(1 for s in old_docs if s not in current) + sum(
        1 for s in old_skips if s not in current
    )

    if old is not None and not any(changes.values()):
        report = IndexReport(root, "reused", len(files), 0, old.n_passages,
                             time.perf_counter() - t0, tuple(skipped), _warnings(old), notice, changes)
        return old, report

    to_read = sum(1 for _, reuse in plan if not reuse)
    done = 0
    entries: list[tuple[Document, list | None]] = []  # type: ignore[type-arg]
    max_tokens = settings.index.passage_tokens
    for info, reuse in plan:
        if reuse and old is not None:
            rec = old_docs[info.source]
            doc = Document(source=rec.source, title=rec.title, text="", size=rec.size,
                           mtime_ns=rec.mtime_ns, encoding=rec.encoding,
                           page_starts=rec.page_starts, headings=rec.headings, warnings=rec.warnings)
            entries.append((doc, old.doc_passages(rec)))
            continue
        if progress is not None:
            progress(done, to_read, info.source)
        try:
            doc = load_document(root, info)
            passages = split_document(doc, max_tokens)
            if not passages:
                raise SkipFile("no text")
        except SkipFile as exc:
            skipped.append(Skipped(info.source, str(exc)))
            load_skips[info.source] = {"size": info.size, "mtime_ns": info.mtime_ns,
                                       "reason": str(exc)}
        else:
            entries.append((doc, passages))
        done += 1
    if progress is not None:
        progress(done, to_read, "")

    index = Index.build(entries, max_tokens)
    try:
        save_index(folder, index, {**expect, "load_skips": load_skips})
    except OSError as exc:
        notice = f"could not save the index ({exc.strerror or exc}); answering from memory"
    status = "built" if old is None else "refreshed"
    report = IndexReport(root, status, len(files), to_read, index.n_passages,
                         time.perf_counter() - t0, tuple(sorted(skipped, key=lambda s: s.source)),
                         _warnings(index), notice, changes)
    return index, report


def _warnings(index: Index) -> tuple[tuple[str, str], ...]:
    return tuple((d.source, w) for d in index.docs for w in d.warnings)
