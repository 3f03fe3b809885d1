"""Hostile questions: each gets a clear answer, a clear abstention or a clear one-line error;
never a crash, and never an answer made of noise. Asked in-process (Session) and through the CLI.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hostile import run_askbrief
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from askbrief.config import Settings
from askbrief.errors import QuestionError
from askbrief.session import MAX_QUESTION_CHARS, Session
from conftest import write_corpus

DOCS = {
    "mill.txt": "The windmill grinds barley on Tuesdays.\n\nThe miller sells flour in Lindenfeld.",
    "ru.txt": "Мельница мелет рожь по вторникам.\n",
    "zh.txt": "风车在星期二磨大麦。\n",
    "ar.txt": "تطحن الطاحونة الشعير يوم الثلاثاء.\n",
}
HUGE = "What does the windmill grind? " * (100_000 // 30 + 1)
NO_WORDS = "the question has no searchable words"

# (id, question, what should happen): "error:<text>" is a QuestionError (CLI exit 2) saying
# <text>; "abstain" / "abstain:<notice>" is an abstention; "any" is an answer or an abstention
# (markup words are words: they may outweigh the rest); anything else is a word the first quote
# holds.
CASES = [
    ("empty", "", "error:the question is empty"),
    ("whitespace", " \t\n\u3000 ", "error:the question is empty"),
    ("only control characters", "\x00\x1b\x07\x7f", "error:the question is empty"),
    ("100,000 characters", HUGE[:100_000], f"error:the limit is {MAX_QUESTION_CHARS:,}"),
    ("only stop words", "What is the and of it?", f"abstain:{NO_WORDS}"),
    ("only punctuation", "?!?... -- ***", f"abstain:{NO_WORDS}"),
    ("only emoji", "🦦🌾🦦?", f"abstain:{NO_WORDS}"),
    ("emoji around words", "🌾 What does the 🦦 windmill grind? 🌾", "barley"),
    ("control characters inside", "What\x00 does\x1b[31m the\x07 windmill\r grind?", "barley"),
    ("bidi override", "\u202eWhat does the windmill grind?\u202c", "barley"),
    ("Cyrillic", "Что мелет мельница?", "рожь"),
    ("Arabic", "ماذا تطحن الطاحونة؟", "الشعير"),
    ("a single huge number", "9" * 3000, "abstain"),
    ("a long number", "12345678901234567890123456789", "abstain"),
    ("markdown", "What does the **windmill** `grind`?", "barley"),
    ("markup tags", "What does the [b]windmill[/b] grind?", "barley"),
    ("html", "<i>What</i> does the <em>windmill</em> grind?", "barley"),
    ("heavy markup", "[@click=app.quit]What[/] <script>alert(1)</script> **mill** [x](y)", "any"),
    ("nothing matches", "What is the airspeed velocity of an unladen swallow?", "abstain"),
    ("other language, nothing matches", "Quel est le prix du pain?", "abstain"),
]
IDS = [case[0] for case in CASES]


@pytest.fixture
def session(tmp_path: Path, settings: Settings) -> Session:
    session = Session(settings, write_corpus(tmp_path / "corpus", DOCS))
    session.open()
    return session


@pytest.mark.parametrize(("question", "expect"), [c[1:] for c in CASES], ids=IDS)
def test_hostile_questions_in_process(session: Session, question: str, expect: str) -> None:
    kind, _, detail = expect.partition(":")
    if kind == "error":
        with pytest.raises(QuestionError, match=detail):
            session.ask(question)
        return
    answer = session.ask(question)
    if kind == "any":
        assert answer.abstained == (not answer.citations)
    elif kind == "abstain":
        assert answer.abstained and not answer.citations
        assert detail in " ".join(answer.notices)
    else:
        assert not answer.abstained
        assert expect in answer.citations[0].quote


@pytest.mark.parametrize(("question", "expect"), [c[1:] for c in CASES], ids=IDS)
def test_hostile_questions_through_the_cli(tmp_path: Path, question: str, expect: str) -> None:
    corpus = write_corpus(tmp_path / "corpus", DOCS)
    argv_safe = question.replace("\x00", "")  # a command line cannot hold NUL
    p = run_askbrief("ask", "--json", "--corpus", corpus, argv_safe, home=tmp_path)
    assert "Traceback" not in p.stderr + p.stdout
    kind, _, detail = expect.partition(":")
    if kind == "error":
        assert p.returncode == 2 and p.stdout == ""
        assert p.stderr.startswith("askbrief: ") and detail in p.stderr
        assert p.stderr.count("\n") == 1  # one line, however long the question was
        assert len(p.stderr) < 200
        return
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    if kind == "any":
        assert out["abstained"] == (not out["citations"])
    elif kind == "abstain":
        assert out["abstained"] is True and out["citations"] == []
        assert detail in " ".join(out["notices"])
    else:
        assert out["abstained"] is False and expect in out["citations"][0]["quote"]


def test_a_chinese_question_answers_from_a_chinese_document(session: Session) -> None:
    answer = session.ask("风车磨什么？")
    assert not answer.abstained and "大麦" in answer.citations[0].quote


def test_a_question_of_bytes_that_are_not_utf8_is_cleaned_not_crashed(tmp_path: Path) -> None:
    import subprocess
    import sys

    from hostile import askbrief_env

    corpus = write_corpus(tmp_path / "corpus", DOCS)
    p = subprocess.run(
        [
            sys.executable,
            "-m",
            "askbrief.cli",
            "ask",
            "--json",
            "--corpus",
            str(corpus),
            b"What does the windmill \xff\xfe grind?",
        ],
        capture_output=True,
        env=askbrief_env(tmp_path),
        timeout=60,
    )
    assert p.returncode == 0, p.stderr
    assert "barley" in json.loads(p.stdout)["citations"][0]["quote"]


def test_printed_answers_to_questions_with_escapes_hold_no_escapes(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "corpus", DOCS)
    for question in ("\x1b]0;pwned\x07What does the windmill grind?", "\x1b[2J\x1b[31m🦦"):
        p = run_askbrief("ask", "--corpus", corpus, question, home=tmp_path)
        assert p.returncode == 0, p.stderr
        assert "\x1b" not in p.stdout + p.stderr and "\x07" not in p.stdout + p.stderr


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(question=st.text(max_size=300))
def test_any_question_is_answered_abstained_or_refused(session: Session, question: str) -> None:
    try:
        answer = session.ask(question)
    except QuestionError as exc:
        assert str(exc) and "\n" not in str(exc)
        return
    assert answer.abstained == (not answer.citations)
    for c in answer.citations:
        assert c.quote and c.quote in DOCS[c.source]


# -- hostile invocations: options where a user puts them, output cut short ------------------


def test_options_before_the_command_are_obeyed(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "corpus", DOCS)
    (corpus / "big.txt").write_text("The big file mentions barley once. " * 100)
    config = tmp_path / "small.toml"
    config.write_text("[corpus]\nmax_file_mb = 0.001\n", encoding="utf-8")
    p = run_askbrief("--config", config, "index", corpus, home=tmp_path)
    assert p.returncode == 0, p.stderr
    assert "  skipped 'big.txt': larger than" in p.stdout  # the limit from --config


def test_a_reader_that_stops_early_gets_no_error(tmp_path: Path) -> None:
    import subprocess
    import sys

    from hostile import askbrief_env

    corpus = write_corpus(tmp_path / "corpus", {f"empty{i:04d}.txt": "" for i in range(3000)})
    proc = subprocess.Popen(
        [sys.executable, "-m", "askbrief.cli", "index", str(corpus)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=askbrief_env(tmp_path),
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.readline()
    proc.stdout.close()  # as `| head -1` does
    err = proc.stderr.read().decode()
    proc.wait(timeout=60)
    assert "Error" not in err and "Traceback" not in err, err
