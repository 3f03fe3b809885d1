from __future__ import annotations

import pytest

from askbrief.search.morphology import alternatives, normalise_terms

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
