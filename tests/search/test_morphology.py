from __future__ import annotations

from pathlib import Path

import pytest

from askbrief.config import Settings
from askbrief.search.analysis import analyze
from askbrief.search.morphology import (
    alternatives,
    normalise_terms,
    respell,
    spellings,
    split_compounds,
)
from askbrief.session import Session
from conftest import write_corpus


def _session(tmp_path: Path, pages: dict[str, str]) -> Session:
    """A session over a corpus of ``pages``, its index under ``tmp_path``."""
    corpus = write_corpus(tmp_path / "corpus", pages)
    settings = Settings.model_validate({"index": {"cache_dir": str(tmp_path / "cache")}})
    return Session(settings, corpus)


EVERYWHERE = lambda term: 1  # noqa: E731 - every form is in the corpus
NOWHERE = lambda term: 0  # noqa: E731


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("How much larger is it?", {"larger": ("larg",)}),
        ("the biggest city", {"biggest": ("bigg", "big")}),
        ("an easier way", {"easier": ("easi",)}),
        ("What does enumerate return?", {}),  # not a comparative
        ("a faster computer", {"faster": ("fast",)}),  # "computer" is stemmed: not one
    ],
)
def test_comparatives_count_as_their_base_adjective(
    question: str, expected: dict[str, tuple[str, ...]]
) -> None:
    assert dict(alternatives(question, EVERYWHERE)) == expected


def test_a_plural_snowball_stems_apart_from_its_singular_counts_as_it() -> None:
    """Snowball stems "aliases" to "alias" but "alias" to "alia", so "What does :blackhole: do in
    an aliases file?" missed the Exim manual's "the alias item :blackhole: can be used"."""
    corpus = {"alia", "alias", "gas", "gase", "process"}
    df = lambda term: int(term in corpus)  # noqa: E731
    assert dict(alternatives("What does :blackhole: do in an aliases file?", df)) == {
        "alias": ("alia",)
    }
    assert dict(alternatives("Can an alias point to a pipe?", df)) == {"alia": ("alias",)}
    assert dict(alternatives("Which gases?", df)) == {"gase": ("gas",)}
    # stemmed alike already ("processes" / "process"), or no such other form in the corpus
    assert dict(alternatives("How many processes?", df)) == {}
    assert dict(alternatives("Any news?", df)) == {}
    # a plural in "s" is left alone, and "US" is not the singular of "uses"
    assert dict(alternatives("Which files get kicked off US exchanges?", lambda t: 1)) == {}


def test_forms_the_corpus_lacks_are_not_offered() -> None:
    assert alternatives("How much larger is it?", NOWHERE) == {}


def test_an_irregular_verb_form_no_passage_holds_is_searched_as_its_verb() -> None:
    df = {"drive": 3}.get
    assert normalise_terms(["drove", "export"], lambda t: df(t, 0)) == ("drive", "export")
    assert normalise_terms(["drove"], lambda t: 1) == ("drove",)  # the corpus has "drove" itself


def test_a_comparative_question_finds_the_base_form_in_the_seeds(seeds_session) -> None:  # type: ignore[no-untyped-def]
    answer = seeds_session.ask("How much larger is China's economy than Russia's?")
    assert any("10 times as large" in c.quote for c in answer.citations[:3])


def test_a_camel_case_name_no_passage_holds_is_searched_as_its_parts() -> None:
    """The asker writes "AddressSanitizer" as the code does; the manual writes "Address
    Sanitizer"."""
    question = "How do I build Wireshark with AddressSanitizer?"
    terms = ("build", "wireshark", "addresssanit")
    corpus = {"build", "wireshark", "address", "sanit"}
    df = lambda term: int(term in corpus)  # noqa: E731
    assert split_compounds(question, terms, df, lambda words: True) == (
        "build",
        "wireshark",
        "address",
        "sanit",
    )
    # the documents hold "address" and "sanitizer", but never in a row: not the tool's name
    assert split_compounds(question, terms, df, lambda words: False) == terms


def test_a_camel_case_name_stays_whole_when_the_corpus_holds_it_or_lacks_a_part() -> None:
    question = "How do I build Wireshark with AddressSanitizer?"
    terms = ("build", "wireshark", "addresssanit")
    assert split_compounds(question, terms, lambda t: 1, lambda words: True) == terms
    lacks_part = lambda term: int(term != "addresssanit" and term != "sanit")  # noqa: E731
    assert split_compounds(question, terms, lacks_part, lambda words: True) == terms


def test_a_question_naming_a_tool_in_camel_case_finds_the_manual_writing_it_apart(
    tmp_path: Path,
) -> None:
    pages = {
        "debug.txt": (
            "Debugging\n\nIf you are chasing memory safety bugs, build with Address Sanitizer "
            "so that the program alerts you to every detected issue.\n"
        ),
        "build.txt": "Building\n\nRun cmake and then ninja to build the program from source.\n",
        "vpn.txt": "Networking\n\nA wire carries the signal; a guard keeps the cable safe.\n",
    }
    session = _session(tmp_path, pages)
    answer = session.ask("How do I build the program with AddressSanitizer?")
    assert not answer.abstained
    assert "Address Sanitizer" in answer.citations[0].quote
    # "wire" and "guard" are in the corpus, but never in a row: WireGuard is not
    assert session.ask("How do I set up a WireGuard tunnel?").abstained


@pytest.mark.parametrize(
    ("word", "other"),
    [
        ("colour", "color"),
        ("behaviours", "behaviors"),
        ("greyed", "grayed"),
        ("initialise", "initialize"),
        ("serialization", "serialisation"),
        ("analysed", "analyzed"),
        ("centre", "center"),
        ("centred", "centered"),
        ("licence", "license"),
        ("catalogue", "catalog"),
        ("cancelled", "canceled"),
        ("labeling", "labelling"),
    ],
)
def test_a_word_has_its_other_spelling_british_or_american(word: str, other: str) -> None:
    assert other in spellings(word)
    assert word in spellings(other)


@pytest.mark.parametrize("word", ["four", "hour", "error", "user", "log", "sense", "program"])
def test_words_spelt_alike_on_both_sides_have_no_other_spelling(word: str) -> None:
    assert spellings(word) == []


def test_a_british_spelling_no_passage_holds_is_searched_as_the_corpus_spelling() -> None:
    (initialized,) = analyze("initialized")  # Snowball's stem, whatever it is
    (initialised,) = analyze("initialised")
    corpus = {"color", "prompt", initialized}
    df = lambda term: int(term in corpus)  # noqa: E731
    assert respell("How do I change the colour of the prompt?", ("colour", "prompt"), df) == (
        "color",
        "prompt",
    )
    assert respell("When is it initialised?", (initialised,), df) == (initialized,)
    # a word the corpus holds as asked keeps its spelling
    assert respell("the prompt colour", ("prompt", "colour"), lambda t: 1) == ("prompt", "colour")
    # and one it holds in neither spelling is left for the abstain rule to judge
    assert respell("What is a flavour?", ("flavour",), df) == ("flavour",)


def test_where_the_corpus_holds_both_spellings_each_counts_as_the_other() -> None:
    corpus = {"grey", "gray", "button"}
    df = lambda term: int(term in corpus)  # noqa: E731
    assert dict(alternatives("Why is the button greyed out?", df)) == {"grey": ("gray",)}


def test_a_british_question_is_answered_from_a_manual_in_american_spelling(
    tmp_path: Path,
) -> None:
    pages = {
        "prefs.txt": (
            "Preferences\n\nThe prompt color is set in the Appearance tab. If you are working "
            "with a database, the Save button is grayed out because changes are stored right "
            "away.\n"
        ),
        "other.txt": "Accounts\n\nEach account has a type, a name and a currency.\n",
    }
    session = _session(tmp_path, pages)
    answer = session.ask("Why is the Save button greyed out?")
    assert not answer.abstained
    assert "grayed out because changes are stored" in answer.citations[0].quote
    assert not session.ask("Where do I set the prompt colour?").abstained
