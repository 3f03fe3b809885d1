"""A reference page's one-line summary answers "how do I…" and "which…" questions."""

from __future__ import annotations

from pathlib import Path

import pytest

from askbrief.config import Settings
from askbrief.search.summaries import is_summary, summary_hits
from askbrief.session import Session
from askbrief.types import Passage
from conftest import write_corpus


def _passage(title: str, heading: str, text: str) -> Passage:
    return Passage(1, "page.html", title, 0, len(text), 1, None, heading, text)


@pytest.mark.parametrize(
    ("title", "heading", "text", "summary"),
    [
        (
            "git-blame(1)",
            "NAME",
            "NAME\n\ngit-blame - Show what revision last modified each line",
            True,
        ),
        ("REINDEX", "REINDEX", "REINDEX\n\nREINDEX — rebuild indexes\n\n", True),
        ("pg_dump", "pg_dump", "pg_dump — extract a PostgreSQL database into a script file", True),
        # the name is not the page's: a dash in a sentence of another page
        ("git-push(1)", "NOTES", "NOTES\n\nrebase - the usual way to rewrite history", False),
        # more than one line, or too long, is a section, not a summary
        ("git-blame(1)", "NAME", "NAME\n\ngit-blame - Show what\nrevision and author", False),
        ("git-blame(1)", "NAME", "NAME\n\ngit-blame - " + "very long " * 30, False),
        (
            "git-blame(1)",
            "NAME",
            "NAME\n\ngit-blame shows what revision last modified a line",
            False,
        ),
    ],
)
def test_a_summary_is_one_short_line_naming_the_page_then_what_it_does(
    title: str, heading: str, text: str, summary: bool
) -> None:
    assert is_summary(_passage(title, heading, text)) is summary


def _manual_page(name: str, summary: str, body: str) -> str:
    return (
        f"<html><head><title>{name}(1)</title></head><body><h2>NAME</h2><p>{name} - {summary}</p>"
        f"<h2>DESCRIPTION</h2><p>{body}</p></body></html>"
    )


MANUAL = {
    "git-blame.html": _manual_page(
        "git-blame",
        "Show what revision and author last modified each line of a file",
        "Annotates each line in the given file with information from the revision which last "
        "modified the line. Optionally, start annotating from the given revision.",
    ),
    "git-log.html": _manual_page(
        "git-log",
        "Show commit logs",
        "Shows the commit logs. The author of a commit is responsible for it. "
        + " ".join(
            f"The --author option {i} finds commits whose author line names a responsible "
            "person, and the file option limits the commits to a file."
            for i in range(6)
        ),
    ),
    **{
        f"git-tool-{i}.html": _manual_page(
            f"git-tool-{i}",
            f"Do task {i} with a repository",
            f"Find out which commit is responsible for task {i}: each line of the file names "
            f"its author, and the author is responsible for the commit of line {i}.",
        )
        for i in range(20)
    },
}


def _session(tmp_path: Path) -> Session:
    settings = Settings.model_validate({"index": {"cache_dir": str(tmp_path / "cache")}})
    session = Session(settings, write_corpus(tmp_path / "corpus", MANUAL))
    session.open()
    return session


QUESTION = "How can I find out which commit and author are responsible for each line of a file?"


def test_a_how_do_i_question_quotes_the_summary_of_the_command_that_does_it(
    tmp_path: Path,
) -> None:
    """BM25 prefers the long passages that repeat "responsible", "author" and "line"; the
    summary of git-blame joins the candidates and is quoted."""
    session = _session(tmp_path)
    ranked, _ = session.rank(QUESTION, 3)
    added = [r for r in ranked if r.added]
    assert [r.hit.passage.source for r in added][:1] == ["git-blame.html"]
    answer = session.ask(QUESTION, k=3, explain=True)
    quotes = [c.quote for c in answer.citations[:3]]
    assert "git-blame - Show what revision and author last modified each line of a file" in quotes
    assert answer.explanation is not None
    assert any(q.get("added") for q in answer.explanation["quotes"])


def test_summaries_join_only_how_and_which_questions_and_only_when_they_match(
    tmp_path: Path,
) -> None:
    session = _session(tmp_path)
    ranked, _ = session.rank("Why is each line of a file responsible to its author?", 4)
    assert not any(r.added for r in ranked)  # a "why" question
    index = session.planning_index
    assert summary_hits(index, {"garden": 5.0, "water": 4.0}, set()) == []
    found = summary_hits(index, {"annot": 1.0, "revis": 3.0, "author": 2.0}, set())
    assert [h.passage.source for h in found] == ["git-blame.html"]
    assert summary_hits(index, {"revis": 3.0, "author": 2.0}, {found[0].passage.id}) == []
