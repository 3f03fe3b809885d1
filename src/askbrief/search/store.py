"""Save and load an Index on disk, atomically and without pickle.

Layout under the index folder: ``CURRENT`` names the generation in use; each generation is a
folder holding ``manifest.json`` and one sub-folder per segment (``.npy`` arrays, the sorted
vocabulary and the passage texts as raw UTF-8, ``docs.json``, and that generation's tombstones).
A segment's files never change once written, so a refresh hard-links the unchanged segments into
the new generation and writes only the new segment and the tombstones. A writer fills a fresh
generation folder, marks it complete, then swaps ``CURRENT`` with ``os.replace``; a reader follows
``CURRENT``. A process killed mid-write leaves an unreferenced folder (cleaned later) and the old
index intact; two writers at once each finish their own generation and the last swap wins.
Everything is memory-mapped on load, so loading costs the same at any corpus size.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import time
import uuid
import zlib
from pathlib import Path
from typing import Any

import numpy as np

from .index import DocRecord, Index, Segment, Tombstones

__all__ = ["FORMAT_VERSION", "IndexMismatch", "load_index", "save_index"]

# 2: segments with sorted, memory-mapped vocabularies and tombstones (1 was one JSON vocabulary).
FORMAT_VERSION = 3
_COMPLETE = "COMPLETE"
_STALE_SECONDS = 3600.0
_DATA = (*(f"{n}.npy" for n in Segment.ARRAYS), "terms.bin", "texts.bin", "docs.json")
_CHECKSUMS = "checksums.json"
_IMMUTABLE = (*_DATA, _CHECKSUMS)
# Files up to this size are checked against their CRC-32 when loaded (about 30 ms per 32 MB);
# larger ones only against their size, so that a million-passage index still loads in a second.
_VERIFY_BYTES = 32 * 1024 * 1024
_TOMBS = ("tomb_docs", "tomb_terms", "tomb_df")


class IndexMismatch(Exception):
    """The saved index is unreadable, corrupt or made for other settings; the text says why."""


def _fsync_write(path: Path, data: bytes) -> None:
    with open(path, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())


def _save_array(path: Path, array: Any) -> None:
    with open(path, "wb") as f:
        np.save(f, np.ascontiguousarray(array), allow_pickle=False)
        f.flush()
        os.fsync(f.fileno())


def _write_segment(folder: Path, seg: Segment) -> None:
    folder.mkdir()
    if seg.origin is not None:
        try:
            for name in _IMMUTABLE:
                os.link(Path(seg.origin) / name, folder / name)
            return
        except OSError:  # no hard links here (or the old files are gone): write them again
            for name in _IMMUTABLE:
                with contextlib.suppress(FileNotFoundError):
                    (folder / name).unlink()
    for name in Segment.ARRAYS:
        _save_array(folder / f"{name}.npy", getattr(seg, name))
    _fsync_write(folder / "terms.bin", bytes(seg.term_blob))
    _fsync_write(folder / "texts.bin", bytes(seg.text_blob))
    _fsync_write(
        folder / "docs.json",
        json.dumps([d.as_json() for d in seg.docs], ensure_ascii=False).encode(),
    )
    sums = {name: [(folder / name).stat().st_size, _crc(folder / name)] for name in _DATA}
    _fsync_write(folder / _CHECKSUMS, json.dumps(sums).encode())


def _crc(path: Path) -> int:
    crc = 0
    with open(path, "rb") as f:
        while block := f.read(1 << 20):
            crc = zlib.crc32(block, crc)
    return crc


def _verify(folder: Path) -> None:
    """Sizes of every segment file, and CRC-32s of the smaller ones, as they were written."""
    sums = json.loads((folder / _CHECKSUMS).read_text("utf-8"))
    for name in _DATA:
        size, crc = sums[name]
        path = folder / name
        if path.stat().st_size != size or (size <= _VERIFY_BYTES and _crc(path) != crc):
            raise IndexMismatch(f"the saved index is damaged ({name} changed)")


def save_index(folder: Path, index: Index, meta: dict[str, Any]) -> Path:
    """Write ``index`` as a new generation under ``folder`` and make it current."""
    folder.mkdir(parents=True, exist_ok=True)
    gen = folder / f"gen-{time.time_ns()}-{uuid.uuid4().hex[:8]}"
    gen.mkdir()
    try:
        names = []
        for s, (seg, tomb) in enumerate(zip(index.segments, index.tombstones, strict=True)):
            name = f"seg-{s:03d}"
            _write_segment(gen / name, seg)
            for fname, array in zip(_TOMBS, (tomb.docs, tomb.term_ids, tomb.df), strict=True):
                _save_array(gen / name / f"{fname}.npy", array)
            names.append(name)
        manifest = {
            "format": FORMAT_VERSION,
            **meta,
            "n_passages": index.n_passages,
            "segments": names,
        }
        _fsync_write(gen / "manifest.json", json.dumps(manifest, ensure_ascii=False).encode())
        _fsync_write(gen / _COMPLETE, b"")
        pointer = folder / f"CURRENT.{uuid.uuid4().hex}.tmp"
        _fsync_write(pointer, gen.name.encode())
        os.replace(pointer, folder / "CURRENT")
    except BaseException:
        shutil.rmtree(gen, ignore_errors=True)
        raise
    for s, seg in enumerate(index.segments):
        seg.origin = str(gen / names[s])  # the saved copy is what a later refresh links to
    _clean_old_generations(folder, keep=gen.name)
    return gen


def _clean_old_generations(folder: Path, keep: str) -> None:
    """Remove superseded generations, and abandoned half-written ones after an hour."""
    now = time.time()
    for entry in folder.iterdir():
        if entry.name == keep:
            continue
        with contextlib.suppress(OSError):
            age = now - entry.stat().st_mtime
            if entry.name.startswith("CURRENT.") and age > 60:
                entry.unlink()
            elif entry.name.startswith("gen-") and entry.is_dir():
                complete = (entry / _COMPLETE).exists()
                if (complete and age > 30) or age > _STALE_SECONDS:
                    shutil.rmtree(entry, ignore_errors=True)


def _load_segment(folder: Path) -> tuple[Segment, Tombstones]:
    _verify(folder)
    arrays = {
        n: np.load(folder / f"{n}.npy", mmap_mode="r", allow_pickle=False) for n in Segment.ARRAYS
    }
    blobs = {}
    for name in ("terms", "texts"):
        path = folder / f"{name}.bin"
        blobs[name] = np.memmap(path, dtype=np.uint8, mode="r") if path.stat().st_size else b""
    docs = [DocRecord.from_json(d) for d in json.loads((folder / "docs.json").read_text("utf-8"))]
    seg = Segment(
        term_blob=blobs["terms"], text_blob=blobs["texts"], docs=docs, origin=str(folder), **arrays
    )
    tomb = Tombstones(*(np.load(folder / f"{n}.npy", allow_pickle=False) for n in _TOMBS))
    _check(seg, tomb, len(blobs["terms"]), len(blobs["texts"]))
    return seg, tomb


def load_index(folder: Path, expect: dict[str, Any]) -> tuple[Index, dict[str, Any]] | None:
    """The current saved index, or None if there is none. Raises IndexMismatch when one exists
    but cannot be used (corrupt, truncated, another format or other settings)."""
    pointer = folder / "CURRENT"
    try:
        name = pointer.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise IndexMismatch(f"unreadable index pointer ({exc.__class__.__name__})") from None
    gen = folder / name
    if not name.startswith("gen-") or "/" in name or not (gen / _COMPLETE).exists():
        raise IndexMismatch("the saved index is incomplete")
    try:
        manifest = json.loads((gen / "manifest.json").read_text(encoding="utf-8"))
        if manifest.get("format") != FORMAT_VERSION:
            raise IndexMismatch(f"saved index has format {manifest.get('format')!r}")
        for key, value in expect.items():
            if manifest.get(key) != value:
                raise IndexMismatch(f"saved index was built with another {key}")
        names = [str(n) for n in manifest["segments"]]
        if any(not n.startswith("seg-") or "/" in n for n in names):
            raise IndexMismatch("the saved index is damaged (bad segment name)")
        loaded = [_load_segment(gen / n) for n in names]
        index = Index([s for s, _ in loaded], [t for _, t in loaded])
        if index.n_passages != manifest["n_passages"]:
            raise IndexMismatch("the saved index is damaged (inconsistent sizes)")
    except IndexMismatch:
        raise
    except (
        OSError,
        EOFError,
        ValueError,
        KeyError,
        TypeError,
        IndexError,
        UnicodeDecodeError,
        json.JSONDecodeError,
    ) as exc:
        raise IndexMismatch(f"the saved index is damaged ({exc.__class__.__name__})") from None
    return index, manifest


def _check(seg: Segment, tomb: Tombstones, terms_len: int, blob_len: int) -> None:
    """Cheap structural checks so a damaged file is caught here, not as a wrong answer later."""
    n = seg.n_passages
    ok = (
        len(seg.indptr) == len(seg.term_offsets) == seg.n_terms + 1
        and int(seg.indptr[-1]) == len(seg.pids) == len(seg.tfs)
        and int(seg.term_offsets[-1]) == terms_len
        and all(
            len(getattr(seg, a)) == n for a in ("p_doc", "p_start", "p_end", "p_line", "p_page")
        )
        and len(seg.text_offsets) == n + 1
        and int(seg.text_offsets[-1]) == blob_len
        and (len(seg.pids) == 0 or int(seg.pids.max()) < n)
        and (n == 0 or int(seg.p_doc.max()) < len(seg.docs))
        and sum(d.n_passages for d in seg.docs) == n
        and len(tomb.term_ids) == len(tomb.df)
        and (len(tomb.docs) == 0 or int(tomb.docs.max()) < len(seg.docs))
    )
    if not ok:
        raise IndexMismatch("the saved index is damaged (inconsistent sizes)")
