"""Save and load an Index on disk, atomically and without pickle.

Layout under the index folder: ``CURRENT`` names the generation in use; each generation is a
folder of ``.npy`` arrays plus ``manifest.json``. A writer fills a fresh generation folder, marks
it complete, then swaps ``CURRENT`` with ``os.replace``; a reader follows ``CURRENT``. A process
killed mid-write leaves an unreferenced folder (cleaned later) and the old index intact; two
writers at once each finish their own generation and the last swap wins.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import time
import uuid
from pathlib import Path
from typing import Any

import numpy as np

from .index import DocRecord, Index

__all__ = ["FORMAT_VERSION", "IndexMismatch", "load_index", "save_index"]

FORMAT_VERSION = 1
_ARRAYS = ("indptr", "pids", "tfs", "doc_len", "p_doc", "p_start", "p_end", "p_line", "p_page",
           "text_offsets")
_COMPLETE = "COMPLETE"
_STALE_SECONDS = 3600.0


class IndexMismatch(Exception):
    """The saved index is unreadable, corrupt or made for other settings; the text says why."""


def _fsync_write(path: Path, data: bytes) -> None:
    with open(path, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())


def save_index(folder: Path, index: Index, meta: dict[str, Any]) -> Path:
    """Write ``index`` as a new generation under ``folder`` and make it current."""
    folder.mkdir(parents=True, exist_ok=True)
    gen = folder / f"gen-{time.time_ns()}-{uuid.uuid4().hex[:8]}"
    gen.mkdir()
    try:
        for name in _ARRAYS:
            with open(gen / f"{name}.npy", "wb") as f:
                np.save(f, np.ascontiguousarray(getattr(index, name)), allow_pickle=False)
                f.flush()
                os.fsync(f.fileno())
        _fsync_write(gen / "texts.bin", bytes(index.text_blob))
        manifest = {
            "format": FORMAT_VERSION,
            **meta,
            "n_passages": index.n_passages,
            "terms": index.terms,
            "docs": [d.as_json() for d in index.docs],
        }
        _fsync_write(gen / "manifest.json", json.dumps(manifest, ensure_ascii=False).encode())
        _fsync_write(gen / _COMPLETE, b"")
        pointer = folder / f"CURRENT.{uuid.uuid4().hex}.tmp"
        _fsync_write(pointer, gen.name.encode())
        os.replace(pointer, folder / "CURRENT")
    except BaseException:
        shutil.rmtree(gen, ignore_errors=True)
        raise
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
        arrays = {n: np.load(gen / f"{n}.npy", mmap_mode="r", allow_pickle=False) for n in _ARRAYS}
        blob_path = gen / "texts.bin"
        blob = np.memmap(blob_path, dtype=np.uint8, mode="r") if blob_path.stat().st_size else b""
        index = Index(
            terms=list(manifest["terms"]),
            docs=[DocRecord.from_json(d) for d in manifest["docs"]],
            text_blob=blob,
            **arrays,
        )
        _check(index, manifest, len(blob))
    except IndexMismatch:
        raise
    except (OSError, ValueError, KeyError, TypeError, json.JSONDecodeError) as exc:
        raise IndexMismatch(f"the saved index is damaged ({exc.__class__.__name__})") from None
    return index, manifest


def _check(index: Index, manifest: dict[str, Any], blob_len: int) -> None:
    """Cheap structural checks so a damaged file is caught here, not as a wrong answer later."""
    n = index.n_passages
    ok = (
        n == manifest["n_passages"]
        and len(index.indptr) == len(index.terms) + 1
        and int(index.indptr[-1]) == len(index.pids) == len(index.tfs)
        and all(len(getattr(index, a)) == n for a in ("p_doc", "p_start", "p_end", "p_line", "p_page"))
        and len(index.text_offsets) == n + 1
        and int(index.text_offsets[-1]) == blob_len
        and (len(index.pids) == 0 or int(index.pids.max()) < n)
        and (n == 0 or int(index.p_doc.max()) < len(index.docs))
        and bool(np.all(np.diff(index.indptr) >= 0))
    )
    if not ok:
        raise IndexMismatch("the saved index is damaged (inconsistent sizes)")
