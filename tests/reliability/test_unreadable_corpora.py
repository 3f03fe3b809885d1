"""Corpora with nothing to answer from, through the Python API: a clear CorpusError every time,
never a crash, and never stuck once a readable file arrives."""

from __future__ import annotations

from pathlib import Path

import pytest

import askbrief
from askbrief.config import Settings
from conftest import write_corpus


def test_a_corpus_emptied_after_indexing_has_no_readable_documents(
    tmp_path: Path, settings: Settings
) -> None:
    root = write_corpus(tmp_path / "c", {"a.txt": "Otters hold hands while they sleep."})
    docs = askbrief.open(root, config=settings)
    assert docs.ask("What do otters hold?").citations
    (root / "a.txt").unlink()
    with pytest.raises(askbrief.CorpusError, match="no readable documents.*holds no files"):
        askbrief.open(root, config=settings).ask("What do otters hold?")


def test_hidden_and_unsupported_files_alone_are_no_readable_documents(
    tmp_path: Path, settings: Settings
) -> None:
    root = write_corpus(tmp_path / "c", {".secret.txt": "hidden", "notes/.draft.md": "hidden"})
    (root / "photo.png").write_bytes(b"\x89PNG\r\n")
    with pytest.raises(askbrief.CorpusError, match="no readable documents"):
        askbrief.open(root, config=settings).index()


def test_a_readable_file_added_later_is_answered_from(tmp_path: Path, settings: Settings) -> None:
    root = tmp_path / "c"
    root.mkdir()
    (root / "blob.txt").write_bytes(b"\x00" * 64)
    with pytest.raises(askbrief.CorpusError, match=r"blob\.txt \(binary file\)"):
        askbrief.open(root, config=settings).index()
    write_corpus(root, {"a.md": "# Otters\n\nOtters hold hands while they sleep."})
    docs = askbrief.open(root, config=settings)
    report = docs.index()
    assert report.status == "refreshed" and [s.source for s in report.skipped] == ["blob.txt"]
    assert docs.ask("What do otters hold?").citations[0].source == "a.md"


def test_many_skipped_files_are_counted_and_the_first_named(
    tmp_path: Path, settings: Settings
) -> None:
    root = tmp_path / "c"
    root.mkdir()
    for i in range(20):
        (root / f"empty{i:02}.txt").write_bytes(b"")
    with pytest.raises(askbrief.CorpusError) as caught:
        askbrief.open(root, config=settings).index()
    message = str(caught.value)
    assert "\n" not in message and "skipped 20 files" in message
    assert "empty00.txt (empty file)" in message and message.endswith("and 12 more")


@pytest.mark.parametrize("k", [0, -5, True, 2.5])
def test_k_that_is_not_a_positive_whole_number_is_a_usage_error(
    seeds_dir: Path, settings: Settings, k: object
) -> None:
    docs = askbrief.open(seeds_dir, config=settings)
    with pytest.raises(askbrief.UsageError, match="1 or more"):
        docs.ask("Who is Yun Sun?", k=k)  # type: ignore[arg-type]
    with pytest.raises(askbrief.UsageError, match="1 or more"):
        docs.search("Yun Sun", k=k)  # type: ignore[arg-type]
