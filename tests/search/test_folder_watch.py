"""Watching a corpus folder: debounced batches of the changes that matter to the index, a stop
that ends the watch, and the one-line notice a refresh gives."""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from askbrief.config import Settings
from askbrief.search.library import IndexReport, open_index
from askbrief.search.watch import refresh_notice, watch_corpus
from conftest import write_corpus

WAIT_S = 60.0  # generous for a loaded machine; every wait ends as soon as it can


class Watching:
    """watch_corpus running in a thread, its batches in a queue."""

    def __init__(self, root: Path, ignore: tuple[Path, ...] = ()) -> None:
        self.stop = threading.Event()
        self.batches: queue.Queue[set[str]] = queue.Queue()
        self.ready = threading.Event()
        self.thread = threading.Thread(target=self._run, args=(root, ignore), daemon=True)
        self.thread.start()
        assert self.ready.wait(WAIT_S), "the watch never started"

    def _run(self, root: Path, ignore: tuple[Path, ...]) -> None:
        for batch in watch_corpus(root, self.stop, ready=self.ready, ignore=ignore, quiet_ms=200):
            self.batches.put(batch)

    def changed(self) -> set[str]:
        """Everything reported until a quiet second passes (the first batch waited for)."""
        seen = self.batches.get(timeout=WAIT_S)
        while True:
            try:
                seen |= self.batches.get(timeout=1.0)
            except queue.Empty:
                return seen


@pytest.fixture
def watching(tmp_path: Path) -> Iterator[tuple[Path, Watching]]:
    root = tmp_path / "corpus"
    root.mkdir()
    cache = root / "cache-inside"
    cache.mkdir()
    watcher = Watching(root, ignore=(cache,))
    yield root, watcher
    watcher.stop.set()
    watcher.thread.join(timeout=WAIT_S)
    assert not watcher.thread.is_alive()


def test_added_changed_and_removed_documents_are_reported_relative_to_the_folder(
    watching: tuple[Path, Watching],
) -> None:
    root, watcher = watching
    (root / "notes").mkdir()
    (root / "notes" / "a.md").write_text("# A\n\ntext\n")
    (root / "b.txt").write_text("b")
    (root / "README").write_text("read me, named by convention")
    changed = watcher.changed()
    # A file made at once in a new folder may come before the folder is watched: then the
    # folder itself is reported, and a refresh's scan finds the file in it.
    assert "b.txt" in changed and ("notes/a.md" in changed or "notes" in changed)
    assert "README" in changed
    (root / "b.txt").unlink()
    assert "b.txt" in watcher.changed()


def test_hidden_files_unsupported_types_and_the_cache_are_not_changes(
    watching: tuple[Path, Watching],
) -> None:
    root, watcher = watching
    (root / "photo.png").write_bytes(b"\x89PNG")
    (root / "Makefile").write_text("all:\n")
    (root / ".draft.txt").write_text("hidden")
    (root / ".git").mkdir()
    (root / ".git" / "x.txt").write_text("git's own")
    (root / "cache-inside" / "index.txt").write_text("the index cache")
    (root / "marker.txt").write_text("this one counts")
    assert watcher.changed() == {"marker.txt"}


def test_setting_the_stop_event_ends_the_watch(tmp_path: Path) -> None:
    watcher = Watching(tmp_path)
    watcher.stop.set()
    watcher.thread.join(timeout=WAIT_S)
    assert not watcher.thread.is_alive()


def report(status: str, **changes: int) -> IndexReport:
    return IndexReport(Path("."), status, 3, 0, 10, 0.1, changes=changes)


@pytest.mark.parametrize(
    ("status", "changes", "notice"),
    [
        ("reused", {"added": 0, "changed": 0, "removed": 0}, None),
        ("refreshed", {"added": 0, "changed": 1, "removed": 0}, "1 file changed (1 changed)"),
        (
            "refreshed",
            {"added": 2, "changed": 0, "removed": 1},
            "3 files changed (2 added, 1 removed)",
        ),
    ],
)
def test_a_refresh_is_told_in_one_line(
    status: str, changes: dict[str, int], notice: str | None
) -> None:
    expected = f"{notice}, index refreshed" if notice else None
    assert refresh_notice(report(status, **changes)) == expected


def test_the_notice_of_a_real_refresh_counts_the_files(tmp_path: Path, settings: Settings) -> None:
    corpus = write_corpus(tmp_path / "c", {"a.txt": "Alpha.", "b.txt": "Beta.", "c.txt": "Gamma."})
    open_index(corpus, settings)
    (corpus / "a.txt").write_text("Alpha, longer now.")
    (corpus / "b.txt").unlink()
    (corpus / "d.txt").write_text("Delta.")
    _, refreshed = open_index(corpus, settings)
    assert refresh_notice(refreshed) == "3 files changed (1 added, 1 changed, 1 removed), " + (
        "index refreshed"
    )
