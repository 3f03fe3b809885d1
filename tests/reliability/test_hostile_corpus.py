"""A hostile folder: askbrief indexes it and answers from it, names what it skipped and why,
and never prints a traceback or lets document text drive the terminal.

The corpus (tests/hostile.py) is built and indexed once per module, through the real command.
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from hostile import (
    FACTS,
    NEVER_QUOTED,
    Fact,
    build_hostile_corpus,
    expected_skips,
    run_askbrief,
    running_as_root,
    write_big_text,
)

MAX_FILE_MB = 6


@dataclass(frozen=True)
class Hostile:
    corpus: Path
    home: Path  # the XDG folders of every askbrief run on this corpus
    config: Path
    first_ask: subprocess.CompletedProcess[str]  # built the index
    index: subprocess.CompletedProcess[str]  # reused it and printed the summary

    def ask(self, *args: str) -> subprocess.CompletedProcess[str]:
        return run_askbrief(
            "ask", "--config", self.config, "--corpus", self.corpus, *args, home=self.home
        )


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Hostile:
    base = tmp_path_factory.mktemp("hostile")
    corpus = build_hostile_corpus(base / "corpus")
    config = base / "config.toml"
    config.write_text(f"[corpus]\nmax_file_mb = {MAX_FILE_MB}\n", encoding="utf-8")
    home = base / "home"
    first = run_askbrief(
        "ask",
        "--config",
        config,
        "--corpus",
        corpus,
        "--json",
        "What does the windmill grind?",
        home=home,
        timeout=300,
    )
    index = run_askbrief("index", "--config", config, corpus, home=home)
    return Hostile(corpus, home, config, first, index)


def assert_clean(p: subprocess.CompletedProcess[str]) -> None:
    assert p.returncode == 0, p.stderr
    assert "Traceback" not in p.stdout + p.stderr


def cited(p: subprocess.CompletedProcess[str]) -> list[dict[str, object]]:
    assert_clean(p)
    return list(json.loads(p.stdout)["citations"])


def test_the_first_ask_builds_the_index_and_answers_with_exit_0(hostile: Hostile) -> None:
    assert any("barley" in str(c["quote"]) for c in cited(hostile.first_ask))


def test_index_finishes_with_exit_0_and_no_traceback(hostile: Hostile) -> None:
    assert_clean(hostile.index)
    assert hostile.index.stdout.startswith("reused index")


def test_the_summary_names_every_skipped_file_with_its_reason(hostile: Hostile) -> None:
    lines = hostile.index.stdout.splitlines()
    missing = {
        source: reason
        for source, reason in expected_skips().items()
        if not any(line.startswith(f"  skipped {source!r}: {reason}") for line in lines)
    }
    assert not missing, hostile.index.stdout


def test_the_summary_warns_about_guessed_encodings(hostile: Hostile) -> None:
    out = hostile.index.stdout
    assert "  warning 'utf16-no-bom.txt': decoded as utf-16-le (no byte-order mark)" in out
    assert "  warning 'latin1.txt': decoded as cp1252 (not valid UTF-8)" in out


def test_files_that_are_not_documents_are_neither_indexed_nor_listed(hostile: Hostile) -> None:
    for name in ("image.png", "archive.zip", "program"):
        assert repr(name) not in hostile.index.stdout


@pytest.mark.parametrize("fact", FACTS, ids=[f.source[-24:] for f in FACTS])
def test_every_readable_hostile_file_still_answers(hostile: Hostile, fact: Fact) -> None:
    citations = cited(hostile.ask("--json", fact.question))
    assert any(c["source"] == fact.source and fact.quote in str(c["quote"]) for c in citations), (
        citations
    )


def test_quotes_match_the_document_text_as_read(hostile: Hostile) -> None:
    from askbrief.documents.corpus import read_document_text

    for fact in FACTS[:4]:
        for c in cited(hostile.ask("--json", fact.question)):
            text = read_document_text(hostile.corpus, str(c["source"]))
            assert text[int(str(c["start"])) : int(str(c["end"]))] == c["quote"]


def test_words_only_skipped_or_invisible_bytes_hold_are_never_quoted(hostile: Hostile) -> None:
    p = hostile.ask("--json", f"Where is the {NEVER_QUOTED}?")
    assert not [c for c in cited(p) if NEVER_QUOTED in str(c["quote"]).lower()]
    assert json.loads(p.stdout)["abstained"] is True


@pytest.mark.parametrize(
    "question",
    [
        "What is the vault combination?",
        "What is the alarm colour?",
        "What colour is the signal flag above the quay?",
        "What is the refund owed?",
    ],
)
def test_printed_answers_cannot_drive_the_terminal(hostile: Hostile, question: str) -> None:
    p = hostile.ask(question)
    assert_clean(p)
    assert "[1]" in p.stdout
    assert not {"\x1b", "\x07", "\x9b", "\u202e"} & set(p.stdout), repr(p.stdout)


def test_markup_in_a_document_is_printed_as_the_literal_text(hostile: Hostile) -> None:
    p = hostile.ask("What is the vault combination?")
    assert_clean(p)
    assert "[bold]42-17-9[/bold] [@click=app.quit]press here[/]" in p.stdout


def test_prompt_injection_in_a_document_is_quoted_as_data(hostile: Hostile) -> None:
    citations = cited(hostile.ask("--json", "What do the previous instructions say to reveal?"))
    injected = [c for c in citations if "Ignore previous instructions" in str(c["quote"])]
    assert injected and injected[0]["source"] == "markup.md"


@pytest.mark.skipif(
    running_as_root(),
    reason="running as root: root reads a chmod 000 file, so an unreadable file cannot be made",
)
def test_an_unreadable_file_is_skipped_and_the_rest_still_answers(tmp_path: Path) -> None:
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "open.txt").write_text("The pantry holds plum jam.\n")
    locked = tmp_path / "c" / "locked.txt"
    locked.write_text("The locked pantry holds quince jam.\n")
    locked.chmod(0)
    try:
        index = run_askbrief("index", tmp_path / "c", home=tmp_path)
        ask = run_askbrief(
            "ask", "--json", "--corpus", tmp_path / "c", "What does the pantry hold?", home=tmp_path
        )
    finally:
        locked.chmod(0o600)
    assert_clean(index)
    assert "  skipped 'locked.txt': unreadable: permission denied" in index.stdout
    assert any("plum jam" in str(c["quote"]) for c in cited(ask))


# -- 50 MB: one big file is read, split and answered within the default size limit ----------

NEEDLE = "The lighthouse keeper's cat is named Bartholomew."


@pytest.fixture(scope="session")
def big_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    corpus = tmp_path_factory.mktemp("big") / "corpus"
    corpus.mkdir()
    write_big_text(corpus / "big.txt", 50_000_000, NEEDLE)
    return corpus


@pytest.mark.slow
def test_a_50_mb_text_file_is_indexed_and_answers(big_corpus: Path, tmp_path: Path) -> None:
    assert (big_corpus / "big.txt").stat().st_size == 50_000_000
    index = run_askbrief("index", big_corpus, home=tmp_path, timeout=300)
    assert_clean(index)
    assert "1 files" in index.stdout and "0 skipped" in index.stdout
    ask = run_askbrief(
        "ask",
        "--json",
        "--corpus",
        big_corpus,
        "What is the lighthouse keeper's cat named?",
        home=tmp_path,
    )
    assert any("Bartholomew" in str(c["quote"]) for c in cited(ask))
