"""The askbrief command: the --json contract, exit codes, one-line errors, index reuse."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import write_corpus

CONTRACT = {"question", "answer", "abstained", "backend", "citations", "timings"}
CITATION = {"n", "source", "title", "quote", "start", "end", "line", "page", "score"}


def run(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "askbrief.cli", *args], capture_output=True,
                          text=True, timeout=120, cwd=cwd, env={**os.environ, **(env or {})})


def test_ask_json_follows_the_contract() -> None:
    p = run("ask", "--json", "What annual trade target did Xi and Putin agree on?")
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    assert CONTRACT <= out.keys()
    assert out["backend"] == "extractive" and out["abstained"] is False
    assert set(out["timings"]) >= {"load_ms", "retrieve_ms", "compose_ms"}
    assert out["citations"] and all(CITATION <= c.keys() for c in out["citations"])
    assert "[1]" in out["answer"]


def test_ask_prints_quotes_with_markers_and_sources() -> None:
    p = run("ask", "Who is Yun Sun?")
    assert p.returncode == 0, p.stderr
    assert "[1]" in p.stdout and "Sources:" in p.stdout and "line " in p.stdout


def test_ask_on_any_folder(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "notes", {"a.md": "# Notes\n\nThe launch code is purple falcon."})
    p = run("ask", "--json", "--corpus", str(corpus), "What is the launch code?")
    out = json.loads(p.stdout)
    assert out["citations"][0]["source"] == "a.md"
    assert "purple falcon" in out["citations"][0]["quote"]


def test_second_run_on_an_unchanged_corpus_does_not_rebuild(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "c", {"a.txt": "Some text about otters and rivers."})
    first = run("index", str(corpus))
    second = run("index", str(corpus))
    assert first.stdout.startswith("built index")
    assert second.stdout.startswith("reused index") and "(0 read" in second.stdout


def test_index_summary_names_skipped_files_and_reasons(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "c", {"a.txt": "Readable text here."})
    (corpus / "b.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00binary")
    p = run("index", str(corpus))
    assert p.returncode == 0
    assert "skipped 'b.txt': binary" in p.stdout


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["ask", "   "], 2, "the question is empty"),
        (["ask", "--corpus", "/nonexistent/folder", "hi there"], 1, "/nonexistent/folder"),
        (["ask", "--config", "/nonexistent.toml", "hi"], 1, "config file not found"),
        (["frobnicate"], 2, "invalid choice"),
    ],
)
def test_errors_are_one_line_with_the_right_exit_code(args: list[str], code: int, message: str) -> None:
    p = run(*args)
    assert p.returncode == code
    assert message in p.stderr
    assert "Traceback" not in p.stderr


def test_version() -> None:
    p = run("--version")
    assert p.returncode == 0 and p.stdout.startswith("askbrief ")


def test_the_name_seeds_means_the_bundled_samples_anywhere(tmp_path: Path) -> None:
    p = run("ask", "--json", "--corpus", "seeds", "Who is Yun Sun?", cwd=tmp_path)
    assert json.loads(p.stdout)["citations"]
