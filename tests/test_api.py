"""The Python API, askbrief.open() -> Corpus: the same answers the CLI prints, ranked passages,
the text behind a citation, and one-line errors for what a caller gets wrong."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import askbrief
from askbrief.config import Settings
from conftest import write_corpus

TRADE = "What annual trade target did Xi and Putin agree on?"


@pytest.fixture
def docs(seeds_dir: Path, settings: Settings) -> askbrief.Corpus:
    return askbrief.open(seeds_dir, config=settings)


def test_importing_askbrief_loads_no_index_machinery() -> None:
    code = "import sys, askbrief; assert not {'numpy', 'askbrief.session'} & set(sys.modules)"
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


def test_to_json_is_what_ask_json_prints(docs: askbrief.Corpus) -> None:
    cli = subprocess.run(
        [sys.executable, "-m", "askbrief.cli", "ask", "--json", TRADE],
        capture_output=True,
        text=True,
        timeout=120,
    )
    printed = json.loads(cli.stdout)
    mine = json.loads(docs.ask(TRADE).to_json())
    for volatile in ("timings", "conversation"):
        printed.pop(volatile), mine.pop(volatile)
    assert mine == printed
    assert "$250 billion" in mine["citations"][0]["quote"]


def test_search_ranks_passages_that_are_document_text(
    docs: askbrief.Corpus, seeds_dir: Path
) -> None:
    found = docs.search("bilateral trade target", k=4)
    assert [r.rank for r in found] == [1, 2, 3, 4]
    assert [r.score for r in found] == sorted((r.score for r in found), reverse=True)
    for r in found:
        text = (seeds_dir / r.source).read_text(encoding="utf-8")
        assert text[r.start : r.end] == r.text
        assert text.count("\n", 0, r.start) + 1 == r.line


def test_read_source_gives_the_cited_text_and_its_surroundings(
    docs: askbrief.Corpus, seeds_dir: Path
) -> None:
    c = docs.ask(TRADE).citations[0]
    span = docs.read_source(c.source, c.start, c.end, context_chars=25)
    assert span.text == c.quote and span.line == c.line and not span.changed
    assert len(span.before) == len(span.after) == 25
    top = docs.read_source(c.source, 0, 0, context_chars=50)
    text = (seeds_dir / c.source).read_text(encoding="utf-8")
    assert (top.before, top.text, top.after) == ("", "", text[:50]) and top.length == len(text)


@pytest.mark.parametrize(
    ("source", "start", "end", "message"),
    [
        ("../secret.txt", 0, 1, "outside the corpus"),
        ("/etc/passwd", 0, 1, "outside the corpus"),
        ("a/../../b.txt", 0, 1, "outside the corpus"),
        ("", 0, 1, "the source is empty"),
        ("nope.txt", 0, 1, "unknown source 'nope.txt'"),
        ("a.txt", 0, 999, "out of range"),
        ("a.txt", 5, 2, "out of range"),
        ("a.txt", -1, 2, "start must be"),
    ],
)
def test_read_source_refuses_what_is_not_in_the_corpus(
    tmp_path: Path, settings: Settings, source: str, start: int, end: int, message: str
) -> None:
    corpus = write_corpus(tmp_path / "c", {"a.txt": "Otters hold hands while they sleep."})
    write_corpus(tmp_path, {"secret.txt": "the key"})
    with pytest.raises(askbrief.UsageError, match=message):
        askbrief.open(corpus, config=settings).read_source(source, start, end)


def test_read_source_notices_a_file_changed_since_indexing(
    tmp_path: Path, settings: Settings
) -> None:
    corpus = write_corpus(tmp_path / "c", {"a.txt": "Otters hold hands while they sleep."})
    docs = askbrief.open(corpus, config=settings)
    docs.index()
    (corpus / "a.txt").write_text("Otters now sleep alone, holding nothing at all.")
    assert docs.read_source("a.txt", 0, 6).changed


def test_a_conversation_makes_the_next_question_a_follow_up(docs: askbrief.Corpus) -> None:
    conv = docs.conversation()
    first = docs.ask("Which province is the Tianwan nuclear plant in?", conversation=conv)
    conv.add(first)
    follow = docs.ask("When did construction begin?", conversation=conv)
    assert follow.context_terms and "tianwan" in follow.context_terms
    assert not docs.ask("When did construction begin?").context_terms


def test_index_reports_what_it_did(tmp_path: Path, settings: Settings) -> None:
    corpus = write_corpus(tmp_path / "c", {"a.txt": "Otters hold hands.", "b.txt": ""})
    calls: list[tuple[int, int, str]] = []
    report = askbrief.open(corpus, config=settings).index(
        progress=lambda done, total, f: calls.append((done, total, f))
    )
    assert report.status == "built" and report.passages == 1
    assert [(s.source, s.reason) for s in report.skipped] == [("b.txt", "empty file")]
    assert calls and calls[-1][:2] == (2, 2)
    again = askbrief.open(corpus, config=settings)
    assert again.index().status == "reused" and again.documents == 1
