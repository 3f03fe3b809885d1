"""Open a corpus folder as a searchable index: reuse the saved one, refresh it, or build it.

This is where the corpus, the passage splitter, the index and the store meet. Change detection is
by (size, mtime) per file: unchanged files are not read again, their passages come from the saved
index; added or changed files are read and split; removed files drop out.
"""

from __future__ import annotations

import hashlib
import os
import re
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from ..config import Settings
from ..documents.corpus import READER_VERSION, documents_folder, load_document, scan_corpus
from ..documents.passages import split_document
from ..errors import SkipFile
from ..types import Document, FileInfo, Passage, Skipped
from .analysis import ANALYZER_VERSION
from .index import Index, Segment, SegmentPart, Tombstones, analyze_documents
from .store import IndexMismatch, load_index, save_index

__all__ = ["IndexReport", "cache_root", "index_folder", "open_index"]

# (files done, files to read, current file) — called from the indexing thread.
Progress = Callable[[int, int, str], None]

# A refresh appends a segment until there are this many, or this share of passages is dead;
# then it merges everything into one segment (re-analyzing saved passages, reading no file).
MAX_SEGMENTS = 8
MAX_DEAD_FRACTION = 0.25
# Below this much text to read, worker processes cost more than they save.
_PARALLEL_BYTES = 8 * 1024 * 1024
_TYPES_SHOWN = 8  # unsupported file types named in the summary; the rest are counted


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
    # Files of types askbrief does not read: (suffix, count), most common first.
    unsupported: tuple[tuple[str, int], ...] = ()

    @property
    def skipped_count(self) -> int:
        """Every file left out: those skipped with a reason and those of unsupported types."""
        return len(self.skipped) + sum(n for _, n in self.unsupported)

    def unsupported_line(self) -> str | None:
        """E.g. "skipped 3 files of unsupported types (.xlsx ×2, .png)"; None when there are
        none."""
        total = sum(n for _, n in self.unsupported)
        if not total:
            return None
        shown = [s if n == 1 else f"{s} ×{n}" for s, n in self.unsupported[:_TYPES_SHOWN]]
        if len(self.unsupported) > _TYPES_SHOWN:
            shown.append(f"{len(self.unsupported) - _TYPES_SHOWN} more types")
        what = "file of an unsupported type" if total == 1 else "files of unsupported types"
        return f"skipped {total} {what} ({', '.join(shown)})"


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
        "reader": READER_VERSION,
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
    unsupported: Counter[str] = Counter()
    files, skipped = scan_corpus(
        root,
        max_file_bytes=int(settings.corpus.max_file_mb * 1024 * 1024),
        unsupported=unsupported,
    )
    files_root = documents_folder(root)  # a one-file corpus reads from the file's folder
    other_types = tuple(sorted(unsupported.items(), key=lambda kv: (-kv[1], kv[0])))
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
        report = IndexReport(
            root,
            "reused",
            len(files),
            0,
            old.n_passages,
            time.perf_counter() - t0,
            tuple(skipped),
            _warnings(old),
            notice,
            changes,
            other_types,
        )
        return old, report

    reused = {info.source for info, reuse in plan if reuse}
    to_read = [info for info, reuse in plan if not reuse]
    max_tokens = settings.index.passage_tokens
    tombs = _removals(old, reused) if old is not None else None
    parts: list[SegmentPart] = []
    if old is not None and tombs is not None and _can_append(old, tombs):
        # Refresh: the changed and added files become one new segment; the rest stays on disk.
        new_parts, done = _read_files(
            files_root, to_read, max_tokens, progress, skipped, load_skips
        )
        segments, tombstones = list(old.segments), list(old.tombstones)
        for s, doc_nos in tombs.items():
            tombstones[s] = tombstones[s].with_removed(segments[s], doc_nos)
        if any(p.lengths for p in new_parts):
            segments.append(Segment.from_parts(new_parts))
            tombstones.append(Tombstones())
        index = Index(segments, tombstones)
    else:
        # Build (or merge everything into one segment): unchanged files keep their passages.
        entries: list[tuple[Document, list[Passage]]] = []
        if old is not None:
            entries = [(d.document(), old.doc_passages(d)) for d in old.docs if d.source in reused]
        new_parts, done = _read_files(
            files_root, to_read, max_tokens, progress, skipped, load_skips
        )
        if entries:
            parts = [analyze_documents(entries, max_tokens)]
        # One segment in source order, as a fresh build numbers its passages.
        merged = sorted(
            (
                (d.source, i, j)
                for i, p in enumerate([*parts, *new_parts])
                for j, d in enumerate(p.docs)
            )
        )
        index = Index([Segment.from_parts(_reorder([*parts, *new_parts], merged))])
    if progress is not None:
        progress(done, len(to_read), "")

    try:
        save_index(folder, index, {**expect, "load_skips": load_skips})
    except OSError as exc:
        notice = f"could not save the index ({exc.strerror or exc}); answering from memory"
    status = "built" if old is None else "refreshed"
    report = IndexReport(
        root,
        status,
        len(files),
        len(to_read),
        index.n_passages,
        time.perf_counter() - t0,
        tuple(sorted(skipped, key=lambda s: s.source)),
        _warnings(index),
        notice,
        changes,
        other_types,
    )
    return index, report


def _removals(old: Index, reused: set[str]) -> dict[int, list[int]]:
    """Per segment, the documents that are no longer there as they were (changed or removed)."""
    out: dict[int, list[int]] = {}
    for s, (seg, tomb) in enumerate(zip(old.segments, old.tombstones, strict=True)):
        gone = set(tomb.docs.tolist())
        doc_nos = [j for j, d in enumerate(seg.docs) if j not in gone and d.source not in reused]
        if doc_nos:
            out[s] = doc_nos
    return out


def _can_append(old: Index, tombs: dict[int, list[int]]) -> bool:
    """Whether a refresh may add a segment, or should merge: too many segments slow queries and
    dead passages waste space, so past these limits everything is merged into one segment."""
    total = int(old.base[-1])
    dead = old.dead_passages + sum(
        old.segments[s].docs[j].n_passages for s, js in tombs.items() for j in js
    )
    return len(old.segments) < MAX_SEGMENTS and dead <= total * MAX_DEAD_FRACTION


def _reorder(parts: list[SegmentPart], order: list[tuple[str, int, int]]) -> list[SegmentPart]:
    """The parts' documents as parts in ``order`` (a no-op for parts already in order)."""
    if all(order[i][1:] <= order[i + 1][1:] for i in range(len(order) - 1)):
        return parts
    out = []
    for _, i, j in order:
        part, doc = parts[i], parts[i].docs[j]
        lo, hi = doc.first_passage, doc.first_passage + doc.n_passages
        one = SegmentPart(terms=part.terms)
        ids = np.asarray(part.ids)
        bounds = np.zeros(len(part.lengths) + 1, np.int64)
        np.cumsum(part.lengths, out=bounds[1:])
        one.docs = [replace(doc, first_passage=0)]
        one.ids = ids[bounds[lo] : bounds[hi]]  # type: ignore[assignment]
        one.lengths = part.lengths[lo:hi]
        one.texts = part.texts[lo:hi]
        one.meta = part.meta[lo:hi]
        out.append(one)
    return out


def _read_chunk(
    root: Path, infos: list[FileInfo], max_tokens: int
) -> tuple[SegmentPart, list[tuple[FileInfo, str]]]:
    """Load, split and analyze some files (in a worker process for large builds)."""
    part = SegmentPart()
    failed = []
    for info in infos:
        try:
            doc = load_document(root, info)
            passages = split_document(doc, max_tokens)
            if not passages:
                raise SkipFile("no text")
        except SkipFile as exc:
            failed.append((info, str(exc)))
        else:
            part.add(doc, passages)
    part.ids = np.asarray(part.ids, dtype=np.int32)  # type: ignore[assignment]  # cheap to send
    return part, failed


def _read_files(
    root: Path,
    infos: list[FileInfo],
    max_tokens: int,
    progress: Progress | None,
    skipped: list[Skipped],
    load_skips: dict[str, dict[str, object]],
) -> tuple[list[SegmentPart], int]:
    """The files as analyzed parts in order, over all cores when there is enough to read."""
    if not infos:
        return [], 0
    workers = min(os.cpu_count() or 1, 8)
    size = sum(i.size for i in infos)
    n_chunks = 1 if workers < 2 or size < _PARALLEL_BYTES else min(len(infos), workers * 8)
    step = -(-len(infos) // max(n_chunks, 1))
    chunks = [infos[i : i + step] for i in range(0, len(infos), step)]
    results: list[tuple[SegmentPart, list[tuple[FileInfo, str]]]] = []
    done = 0
    if len(chunks) <= 1:
        for info in infos:  # one at a time, so that progress names each file
            if progress is not None:
                progress(done, len(infos), info.source)
            results.append(_read_chunk(root, [info], max_tokens))
            done += 1
    else:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        # forkserver: safe to start from a thread (the app indexes in a worker thread).
        ctx = multiprocessing.get_context("forkserver")
        with ProcessPoolExecutor(
            workers, mp_context=ctx, initializer=_die_with_parent, initargs=(os.getpid(),)
        ) as pool:
            futures = [pool.submit(_read_chunk, root, c, max_tokens) for c in chunks]
            for chunk, fut in zip(chunks, futures, strict=True):
                if progress is not None:
                    progress(done, len(infos), chunk[0].source)
                results.append(fut.result())
                done += len(chunk)
    parts = []
    for part, failed in results:
        for info, reason in failed:
            skipped.append(Skipped(info.source, reason))
            load_skips[info.source] = {
                "size": info.size,
                "mtime_ns": info.mtime_ns,
                "reason": reason,
            }
        parts.append(part)
    return parts, done


def _die_with_parent(parent: int) -> None:
    """In a build worker: exit when the indexing process is gone (killed mid-build), rather than
    linger with the forkserver."""
    import threading

    def watch() -> None:
        while True:
            time.sleep(0.5)
            try:
                os.kill(parent, 0)
            except ProcessLookupError:
                os._exit(1)
            except PermissionError:
                pass

    threading.Thread(target=watch, daemon=True).start()


def _warnings(index: Index) -> tuple[tuple[str, str], ...]:
    return tuple((d.source, w) for d in index.docs for w in d.warnings)
