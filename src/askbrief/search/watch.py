"""Keep a corpus fresh: watch its folder and say, a debounced batch at a time, what changed.

Built on watchfiles (the Rust ``notify`` crate: inotify, FSEvents or ReadDirectoryChangesW, with
polling where none works). The faces refresh the index on each batch with ``Session.open``,
which re-reads only the files whose size or modification time changed, and show
``refresh_notice`` of the report it returns.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path, PurePosixPath

from ..documents.corpus import reads_file
from .library import IndexReport

__all__ = ["DEBOUNCE_MS", "QUIET_MS", "refresh_notice", "watch_corpus"]

# A batch ends after QUIET_MS with no new change, or DEBOUNCE_MS after it began: an editor's
# save (write a temporary file, rename it over the old one) or a copied folder is one batch.
QUIET_MS = 300
DEBOUNCE_MS = 2000
# How long the watcher waits in Rust before looking at the stop event again.
_WAKE_MS = 500


def watch_corpus(
    root: Path,
    stop: threading.Event | None = None,
    *,
    ready: threading.Event | None = None,
    ignore: Sequence[Path] = (),
    quiet_ms: int = QUIET_MS,
    debounce_ms: int = DEBOUNCE_MS,
) -> Iterator[set[str]]:
    """Yield, for each batch of changes under ``root`` that may matter to the index, the changed
    paths relative to it; return once ``stop`` is set. Hidden files, files of types askbrief
    does not read, and anything under ``ignore`` (the index cache) are not changes worth a
    refresh. ``ready`` is set once the watch is in place (changes before that may be missed).
    Ctrl+C raises KeyboardInterrupt, as anywhere else."""
    from watchfiles import Change, DefaultFilter, watch

    base = Path(os.path.realpath(root))
    skipped = tuple(os.path.realpath(p) for p in ignore)
    default = DefaultFilter()

    def matters(change: Change, path: str) -> bool:
        if not default(change, path) or path.startswith(skipped):
            return False
        try:
            relative = PurePosixPath(Path(path).relative_to(base).as_posix())
        except ValueError:
            return False
        if any(part.startswith(".") for part in relative.parts):
            return False  # hidden files and folders are not indexed
        # A folder (added, renamed or removed) may hold documents; a removed path may have been
        # one. Only a file that is there now, of a type askbrief does not read, is sure not to.
        return reads_file(relative.name) or not os.path.isfile(path)

    for changes in watch(
        base,
        watch_filter=matters,
        debounce=debounce_ms,
        step=quiet_ms,
        stop_event=stop,
        rust_timeout=_WAKE_MS,
        yield_on_timeout=True,  # an empty batch: the watch is in place, and nothing changed
        ignore_permission_denied=True,
    ):
        if ready is not None:
            ready.set()
        if changes:
            yield {Path(path).relative_to(base).as_posix() for _, path in changes}


def refresh_notice(report: IndexReport) -> str | None:
    """One line for a refresh that changed the index, e.g. "3 files changed (2 added, 1 removed),
    index refreshed"; None when nothing askbrief reads changed."""
    changed = {what: n for what, n in report.changes.items() if n}
    if report.status == "reused" or not changed:
        return None
    total = sum(changed.values())
    detail = ", ".join(f"{n} {what}" for what, n in changed.items())
    files = "1 file" if total == 1 else f"{total} files"
    return f"{files} changed ({detail}), index refreshed"
