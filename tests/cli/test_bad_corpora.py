"""Corpora and arguments a new user tries: an empty folder, a folder of unreadable files, one file
as the corpus, ``-k 0``. Each gets a specific one-line answer and the right exit status."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from askbrief.resources import bundled_dir
from conftest import run_cli as run
from conftest import write_corpus

SEEDS_FILE = "003_5d636d802b44493d.txt"
TRADE = "What annual trade target did Xi and Putin agree on?"


def one_line_error(p: subprocess.CompletedProcess[str]) -> str:
    lines = p.stderr.splitlines()
    assert len(lines) == 1, p.stderr
    assert "unexpected" not in p.stderr and "Traceback" not in p.stderr
    return lines[0]


@pytest.fixture
def all_skipped(tmp_path: Path) -> Path:
    root = tmp_path / "junk"
    root.mkdir()
    (root / "empty.txt").write_bytes(b"")
    (root / "blob.txt").write_bytes(b"\x00\x01\x02binary")
    (root / "blank.md").write_text("   \n\n  ")
    return root


@pytest.mark.parametrize("command", ["ask", "index"])
def test_an_empty_folder_says_it_has_no_readable_documents(tmp_path: Path, command: str) -> None:
    (tmp_path / "empty").mkdir()
    args = ["ask", "--corpus", str(tmp_path / "empty"), "anything?"]
    p = run(*(args if command == "ask" else ["index", str(tmp_path / "empty")]))
    assert p.returncode == 1 and p.stdout == ""
    line = one_line_error(p)
    assert line.startswith(f"askbrief: no readable documents in {tmp_path / 'empty'}")
    assert ".txt" in line and ".pdf" in line  # what it would have read


@pytest.mark.parametrize("command", ["ask", "index"])
def test_a_folder_whose_files_are_all_skipped_lists_them_with_reasons(
    all_skipped: Path, command: str
) -> None:
    args = ["ask", "--corpus", str(all_skipped), "anything?"]
    p = run(*(args if command == "ask" else ["index", str(all_skipped)]))
    assert p.returncode == 1 and p.stdout == ""
    line = one_line_error(p)
    assert "no readable documents" in line and "skipped 3 files" in line
    for source, reason in [
        ("blank.md", "no text"),
        ("blob.txt", "binary file"),
        ("empty.txt", "empty file"),
    ]:
        assert f"{source} ({reason})" in line


def test_the_error_stays_when_asked_again_with_the_saved_index(all_skipped: Path) -> None:
    first, second = run("index", str(all_skipped)), run("index", str(all_skipped))
    assert first.returncode == second.returncode == 1
    assert one_line_error(first) == one_line_error(second)


def test_one_file_as_the_corpus_answers_from_that_file(tmp_path: Path) -> None:
    report = tmp_path / "report.txt"
    report.write_bytes((bundled_dir("seeds") / SEEDS_FILE).read_bytes())
    write_corpus(tmp_path, {"other.txt": "Xi and Putin agreed on an annual trade target of 7."})
    p = run("ask", "--json", "--corpus", str(report), TRADE)
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    assert {c["source"] for c in out["citations"]} == {"report.txt"}  # not its neighbour
    first = out["citations"][0]
    assert "$250 billion" in first["quote"]
    text = report.read_text(encoding="utf-8")
    assert text[first["start"] : first["end"]] == first["quote"]


def test_one_file_as_the_corpus_has_its_index_cached(tmp_path: Path) -> None:
    report = tmp_path / "report.txt"
    report.write_bytes((bundled_dir("seeds") / SEEDS_FILE).read_bytes())
    built, reused = run("index", str(report)), run("index", str(report))
    assert built.returncode == reused.returncode == 0, built.stderr
    assert built.stdout.startswith(f"built index of {report}: 1 files")
    assert reused.stdout.startswith(f"reused index of {report}: 1 files (0 read)")
    report.write_text("Now the report only says: the target is 300 billion yuan.\n")
    refreshed = run("index", str(report))
    assert refreshed.stdout.startswith(f"refreshed index of {report}: 1 files (1 read, 1 changed")


def test_one_file_of_a_type_askbrief_does_not_read_is_refused(tmp_path: Path) -> None:
    (tmp_path / "sheet.xlsx").write_bytes(b"PK\x03\x04 not really")
    p = run("ask", "--corpus", str(tmp_path / "sheet.xlsx"), "anything?")
    assert p.returncode == 1
    assert ".xlsx is not a type askbrief reads" in one_line_error(p)


@pytest.mark.parametrize("k", ["0", "-5"])
def test_k_below_one_is_a_usage_error(k: str) -> None:
    p = run("ask", "-k", k, TRADE)
    assert p.returncode == 2 and p.stdout == ""
    assert one_line_error(p) == f"askbrief: -k must be a number of passages, 1 or more (got {k})"


def test_k_of_one_still_answers() -> None:
    p = run("ask", "--json", "-k", "1", TRADE)
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["citations"]
