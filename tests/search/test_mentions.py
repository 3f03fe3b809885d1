"""A question about a name the documents never write is refused by name, not answered from
passages that share its parts."""

from __future__ import annotations

from pathlib import Path

import pytest

from askbrief.config import BackendSettings, Settings
from askbrief.search.mentions import askers_own_terms, code_names, unmentioned
from askbrief.session import Session
from conftest import write_corpus
from llm_servers import LLMServer, openai_stream

MANUAL = {
    "vacuum.html": (
        "<html><head><title>Routine Vacuuming</title></head><body><h1>Routine Vacuuming</h1>"
        "<p>PostgreSQL databases require periodic maintenance known as vacuuming. A nightly "
        "cron job can run VACUUM on every table of the database.</p>"
        "<p>The autovacuum daemon runs VACUUM and ANALYZE on tables that need it.</p>"
        "</body></html>"
    ),
    "notes/dev_workflow.md": "# How to help\n\nOpen an issue before a pull request.\n",
    # a typesetter's en dash for "--"
    "options.html": "<html><body><h1>Options</h1><p>Use –track-origins=yes to find where "
    "uninitialised values come from.</p></body></html>",
    "markers.html": "<html><body><h1>Markers</h1><p>Use pytest.mark.skip to skip a test, and "
    "register custom marks to avoid warnings.</p></body></html>",
    "guests.html": "<html><body><h1>Guests</h1><p>Memory can be given to the guest while it "
    "runs. Swap space is set up inside the VM.</p></body></html>",
    "connections.html": (
        "<html><head><title>Connection Settings</title></head><body><h1>max_connections</h1>"
        "<p>max_connections determines the maximum number of concurrent connections to the "
        "database server. The default is typically 100 connections.</p></body></html>"
    ),
}


@pytest.mark.parametrize(
    ("question", "names"),
    [
        ("How do I schedule VACUUM with the pg_cron extension?", ["pg_cron"]),
        ("What does os.path.join do?", ["os.path.join"]),
        ("Is SQLITE_MAX_COLUMN a compile-time limit?", ["SQLITE_MAX_COLUMN"]),
        ("What does pull.rebase do, and max_connections?", ["max_connections", "pull.rebase"]),
        ("Which option kills the program, like --timeout=60?", ["--timeout"]),
        (
            "What is the default of maxRedirects and CacheMaxEntries?",
            ["maxRedirects", "CacheMaxEntries"],
        ),
        # prose, abbreviations, versions and a missing space after a full stop are no names,
        # nor a product's two-hump name or a short option
        ("How do I publish JavaScript on GitHub? What does set -e do?", []),
        ("What is VACUUM for, e.g. on a busy table?", []),
        ("Does Python 3.11 ship it? I use git.Also bash.", []),
        ("How do I run a cron job nightly?", []),
        # a file name is the asker's own file, not a name the documents would write
        ("How do I chop the extension off a file name, e.g. report.txt -> report?", []),
        ("Why does gcc warn about main.c but not util.h?", []),
        ("Which setting is core.autocrlf in config.toml?", ["core.autocrlf"]),
    ],
)
def test_names_written_as_code_are_found_in_the_question(question: str, names: list[str]) -> None:
    assert code_names(question) == names


@pytest.fixture(scope="module")
def manual(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_corpus(tmp_path_factory.mktemp("manual"), MANUAL)


def test_a_name_no_passage_holds_is_unmentioned_though_its_parts_are(manual: Path) -> None:
    session = Session(Settings(), manual)
    # "pg" and "cron" are not the point: "cron" is in the manual, "pg_cron" is not
    assert unmentioned(session.index, "Can pg_cron run VACUUM nightly?") == ["pg_cron"]
    assert unmentioned(session.index, "What is the default for max_connections?") == []
    # an option typeset with an en dash is the same option
    assert unmentioned(session.index, "What does --track-origins cost?") == []
    assert unmentioned(session.index, "What does --track-fds do?") == ["--track-fds"]
    # a file's name counts, though its text never writes it
    assert unmentioned(session.index, "What does dev_workflow ask of me?") == []


def test_the_askers_own_names_are_not_refused(manual: Path) -> None:
    """A placeholder the asker made up, and a member of a namespace the documents write (a
    misspelt marker), are the asker's own: the question is still about what the manual covers.
    A dotted name whose namespace the documents never write is still unmentioned."""
    session = Session(Settings(), manual)
    assert unmentioned(session.index, "Why does pytest.mark.slwo only warn?") == []
    assert unmentioned(session.index, "Does VACUUM lock MY_TABLE or foo_bar?") == []
    assert unmentioned(session.index, "What does os.path.join return?") == ["os.path.join"]
    # the manual ends a sentence with "VM.", but writes no member of a "vm" namespace
    question = "How do I lower vm.swappiness so that the guest swaps less?"
    assert unmentioned(session.index, question) == ["vm.swappiness"]


def test_a_name_only_the_scene_holds_is_the_askers_own(manual: Path) -> None:
    """The tool the asker pipes from, named in the sentence that sets the scene, is not what the
    question asks about; named in the sentence that asks, it is."""
    session = Session(Settings(), manual)
    scene = "I dump with pg_dump every night. How do I run VACUUM on every table?"
    assert unmentioned(session.index, scene) == []
    asked = "How do I run VACUUM nightly with pg_cron? I dump with pg_dump every night."
    assert unmentioned(session.index, asked) == ["pg_cron"]


def test_the_parts_of_the_askers_own_name_are_no_word_the_corpus_lacks(manual: Path) -> None:
    """ "slwo", a misspelt marker's name, weighs nothing against the answer; a name the documents
    never write, and that is not the asker's own, keeps its missing parts."""
    session = Session(Settings(), manual)
    question = "Why does pytest.mark.slwo only warn?"
    assert askers_own_terms(session.index, question) == {"pytest", "mark", "slwo"}
    _, terms = session.retrieve(question)
    # only the part the corpus lacks is left out; "mark" still weighs
    assert "slwo" not in terms.weights and "slwo" not in terms.missing
    assert "mark" in terms.weights
    assert askers_own_terms(session.index, "Can pg_cron run VACUUM nightly?") == set()


def test_the_answer_abstains_and_names_what_the_documents_never_mention(manual: Path) -> None:
    session = Session(Settings(), manual)
    answer = session.ask("How do I schedule a nightly VACUUM job with the pg_cron extension?")
    assert answer.abstained
    assert answer.citations == ()
    assert answer.notices == ("the documents never mention “pg_cron”",)
    # the closest passages are still there to read
    assert any(h.passage.source == "vacuum.html" for h in answer.hits)


def test_the_explanation_says_the_name_is_why_it_abstained(manual: Path) -> None:
    from askbrief.answers.explain import render_explanation

    answer = Session(Settings(), manual).ask("Can pg_cron run VACUUM nightly?", explain=True)
    assert answer.explanation is not None
    assert answer.explanation["unmentioned"] == ["pg_cron"]
    text = render_explanation(answer.explanation)
    assert "askbrief abstained: the documents never mention “pg_cron”" in text
    assert "no quote passed the rule" not in text


def test_a_name_the_documents_hold_is_answered_as_usual(manual: Path) -> None:
    answer = Session(Settings(), manual).ask("What is the default value of max_connections?")
    assert not answer.abstained
    assert answer.notices == ()
    assert any("typically 100 connections" in c.quote for c in answer.citations)


def test_no_backend_is_asked_about_a_name_the_documents_never_mention(manual: Path) -> None:
    with LLMServer(openai_stream(["VACUUM with pg_cron: SELECT cron.schedule(...) [1]."])) as llm:
        backend = BackendSettings(name="openai", base_url=llm.url, model="test-model")
        session = Session(Settings(backend=backend), manual)
        answer = session.ask("How do I schedule a nightly VACUUM job with the pg_cron extension?")
        assert answer.abstained
        assert answer.notices == ("the documents never mention “pg_cron”",)
        assert llm.requests == []


def test_a_question_full_of_names_looks_up_only_the_first_few(manual: Path) -> None:
    from askbrief.search.mentions import MAX_NAMES

    session = Session(Settings(), manual)
    names = [f"name_{i}" for i in range(300)]
    searched: list[object] = []
    index = session.index
    real_hits = index.hits

    def counting(terms: object, k: int, weights: object = None) -> object:
        searched.append(terms)
        return real_hits(terms, k)  # type: ignore[arg-type]

    index.hits = counting  # type: ignore[method-assign]
    assert unmentioned(index, " ".join(names) + "?") == names[:MAX_NAMES]
    assert len(searched) == MAX_NAMES
