"""``askbrief chat``: a plain REPL that works through a pipe, saves every turn, and never traps."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

from askbrief.api import Corpus
from askbrief.cli.repl import Repl, passage_context
from askbrief.conversations import ConversationStore
from askbrief.session import Session


def chat(stdin: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "askbrief.cli", "chat", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_session_through_a_pipe(tmp_path: Path) -> None:
    export = tmp_path / "talk.md"
    p = chat(
        "Tell me about the new cross-border bridge between Russia and China.\n"
        "When did construction begin?\n"
        "/sources\n"
        "/open 1\n"
        f"/export {export}\n"
        "/quit\n"
        "This line is never read.\n"
    )
    assert p.returncode == 0, p.stderr
    out = p.stdout
    assert "Its construction began in 2016" in out
    assert out.count("Sources:") == 2
    assert "[1] 004_531a37376edcf6a7.txt, line" in out  # /sources
    assert "»Its construction began in 2016" in out and "«" in out  # /open 1
    assert "\x1b" not in out  # no colour codes into a pipe
    assert "never read" not in out
    md = export.read_text()
    assert "## Tell me about the new cross-border bridge" in md
    assert "## When did construction begin?" in md and "2016" in md
    saved = ConversationStore().load(ConversationStore().ids()[0])
    assert [t.question for t in saved.turns] == [
        "Tell me about the new cross-border bridge between Russia and China.",
        "When did construction begin?",
    ]
    assert saved.turns[1].answer["context_terms"]


def test_the_end_of_the_pipe_ends_the_session_cleanly() -> None:
    p = chat("Who is Yun Sun?\n")
    assert p.returncode == 0 and "co-director" in p.stdout and "Traceback" not in p.stderr


def test_mistakes_get_one_line_on_stderr_and_the_session_goes_on() -> None:
    p = chat("/open 1\n/frobnicate\n\n   \nWho is Yun Sun?\n/open x\n/open 9\n")
    assert p.returncode == 0
    assert "ask a question first" in p.stderr
    assert "unknown command /frobnicate" in p.stderr
    assert "usage: /open N" in p.stderr
    assert "no source [9]" in p.stderr
    assert "co-director" in p.stdout


def test_new_starts_a_fresh_conversation_and_continue_resumes_one() -> None:
    chat("Who is Yun Sun?\n/new\nWhat does the Quad stand for?\n")
    store = ConversationStore()
    assert len(store.ids()) == 2
    chat("Where does she work?\n", "--continue")
    assert len(store.ids()) == 2
    resumed = store.load(store.ids()[0])
    assert [t.question for t in resumed.turns] == [
        "What does the Quad stand for?",
        "Where does she work?",
    ]


def test_export_to_json_when_the_file_says_so(tmp_path: Path, seeds_session: Session) -> None:
    out = io.StringIO()
    repl = Repl(Corpus(seeds_session), ConversationStore(tmp_path / "store"), out=out, err=out)
    target = tmp_path / "talk.json"
    repl.run(io.StringIO(f"Who is Yun Sun?\n/export {target}\n"))
    data = json.loads(target.read_text())
    assert data["turns"][0]["question"] == "Who is Yun Sun?"


def test_open_marks_exactly_the_cited_quote(seeds_session: Session) -> None:
    for q in [
        "Who is Yun Sun?",
        "When was the China-Russia cross-border bridge completed?",
        "Why has China excluded Russian wheat in the past?",
    ]:
        for c in seeds_session.ask(q).as_json()["citations"]:  # type: ignore[union-attr]
            shown = passage_context(Corpus(seeds_session), c)
            assert shown is not None
            text, start, end = shown
            assert text[start:end] == c["quote"]
            assert len(text) - (end - start) <= 2 * 500 + 4
