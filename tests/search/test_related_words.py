"""A question word the corpus almost never uses is also searched as the corpus's words for it."""

from __future__ import annotations

from pathlib import Path

import pytest

from askbrief.config import SearchSettings, Settings
from askbrief.conversations import Conversation, Turn
from askbrief.search.analysis import analyze
from askbrief.search.related_words import RARE_PASSAGES, related_words
from askbrief.search.semantic import StaticEmbedder, embedder, semantic_available
from askbrief.session import Session
from conftest import write_corpus

pytestmark = pytest.mark.skipif(not semantic_available(), reason="wordllama not installed")

# A shell manual in its own words: "directory", never "folder".
MANUAL = {
    "options.html": (
        "<html><head><title>Options</title></head><body><h1>Changing Directories</h1>"
        "<p>AUTO_CD: If a command is issued that cannot be executed as a normal command, and "
        "the command is the name of a directory, perform the cd command to that directory.</p>"
        "<p>CDABLE_VARS: If the argument to a cd command is not a directory, try to expand the "
        "expression as if it were preceded by a tilde.</p></body></html>"
    ),
    "history.html": (
        "<html><head><title>History</title></head><body><h1>History</h1>"
        "<p>HIST_IGNORE_SPACE: Remove command lines from the history list when the first "
        "character on the line is a space.</p>"
        "<p>SHARE_HISTORY: Imports new commands from the history file, and also causes typed "
        "commands to be appended to the history file.</p></body></html>"
    ),
}
QUESTION = "Can I type the name of a folder to change into it?"


@pytest.fixture(scope="module")
def model() -> StaticEmbedder:
    loaded = embedder()
    assert loaded is not None
    return loaded


def _df(counts: dict[str, int]):  # type: ignore[no-untyped-def]
    return lambda term: counts.get(term, 0)


def test_close_words_come_from_the_centred_vectors(model: StaticEmbedder) -> None:
    near = [w for w, _ in model.similar_words("folder", 8, 0.5)]
    assert "directory" in near
    # without centring, number words sit close to everything
    assert "eight" not in near and "six" not in near
    assert model.similar_words("chop", 8, 0.0) == []  # two word pieces, not one word


def test_a_word_the_corpus_rarely_uses_gets_the_corpus_words_for_it(
    model: StaticEmbedder,
) -> None:
    df = _df({"folder": 1, "directori": 40, "name": 30, "type": 20, "chang": 10})
    related = related_words(QUESTION, df, model)
    assert "directori" in related["folder"]
    # "name", "type" and "change" are the corpus's own words: left alone
    assert set(related) == {"folder"}


def test_a_word_the_corpus_uses_often_is_left_alone(model: StaticEmbedder) -> None:
    df = _df({"folder": RARE_PASSAGES + 1, "directori": 40})
    assert "folder" not in related_words(QUESTION, df, model)


def test_words_the_corpus_lacks_are_not_offered(model: StaticEmbedder) -> None:
    assert related_words(QUESTION, _df({}), model) == {}


def test_the_question_in_the_askers_words_is_answered_from_the_documents_words(
    tmp_path: Path,
) -> None:
    manual = write_corpus(tmp_path / "manual", MANUAL)
    on = Session(Settings(search=SearchSettings(semantic=True)), manual)
    answer = on.ask(QUESTION, explain=True)
    assert not answer.abstained
    assert "name of a directory, perform the cd command" in answer.citations[0].quote
    assert answer.explanation is not None
    folder = next(t for t in answer.explanation["terms"] if t["term"] == "folder")
    assert "directori" in folder["also"]
    # with the semantic signal off, "folder" is only itself, and the documents never say it
    off = Session(Settings(search=SearchSettings(semantic=False)), manual).ask(QUESTION)
    assert off.abstained


def test_on_a_small_folder_only_a_follow_up_searches_the_documents_words(tmp_path: Path) -> None:
    """ "auto" leaves the signal off for a small folder, where loading the model costs more than
    it pays; but a follow-up says little of its own, and often in the asker's words."""
    manual = write_corpus(tmp_path / "manual", MANUAL)
    session = Session(Settings(), manual)
    assert session.ask(QUESTION).abstained
    conversation = Conversation("20250101-000000-abcdef", str(manual.resolve()), "")
    first = "What does AUTO_CD do?"
    conversation.turns.append(Turn(first, session.ask(first).as_json()))
    answer = session.ask(QUESTION, conversation=conversation, explain=True)
    assert answer.explanation is not None
    folder = next(t for t in answer.explanation["terms"] if t["term"] == "folder")
    assert "directori" in folder["also"]
    assert "name of a directory, perform the cd command" in answer.citations[0].quote


def test_a_question_full_of_rare_words_looks_up_only_the_first_few(model: StaticEmbedder) -> None:
    from askbrief.search.related_words import MAX_WORDS

    words = "folder lag timestamp duplicates remember delay slow fix eat rename ages cheap".split()
    looked_up: list[str] = []

    class Counting:
        def similar_words(self, word: str, k: int, min_cosine: float) -> list[tuple[str, float]]:
            looked_up.append(word)
            return model.similar_words(word, k, min_cosine)

    rare = {t for w in words for t in analyze(w)}
    related = related_words(
        " ".join(words) + "?",
        lambda t: 1 if t in rare else 40,
        Counting(),  # type: ignore[arg-type]
    )
    assert len(words) > MAX_WORDS
    assert looked_up == words[:MAX_WORDS]
    assert "directori" in related["folder"]


def test_with_the_semantic_signal_on_an_everyday_word_the_corpus_lacks_is_told_from_a_name(
    tmp_path: Path,
) -> None:
    manual = write_corpus(tmp_path / "manual", MANUAL)
    on = Session(Settings(search=SearchSettings(semantic=True)), manual)
    question = "Can I type the name of a directory at the office to change into it?"
    _, terms = on.rank(question)
    assert terms.missing == {"offic"} and terms.everyday == {"offic"}
    explanation = on.ask(question, explain=True).explanation
    assert explanation is not None
    office = next(t for t in explanation["terms"] if t["term"] == "offic")
    assert office["missing"] and office["everyday"]
    _, terms = on.rank("Can I type the name of a directory at the Office to change into it?")
    assert terms.everyday == frozenset()
    off = Session(Settings(search=SearchSettings(semantic=False)), manual)
    _, terms = off.rank("Can I type the name of a directory at the office to change into it?")
    assert terms.missing == {"offic"} and terms.everyday == frozenset()
