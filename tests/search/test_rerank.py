"""Reranking BM25's candidates: one copy of each text, then BM25 fused with meaning."""

from __future__ import annotations

from pathlib import Path

from askbrief.config import SearchSettings, Settings
from askbrief.search.rerank import collapse_duplicates, fusion_weights, semantic_on
from askbrief.search.terms import QuestionTerms, heading_terms
from askbrief.session import Session
from askbrief.types import Hit, Passage
from conftest import write_corpus

REPORT = "\n\n".join(
    [
        "Quarterly report",
        "Revenue grew by 12 percent in the third quarter, driven by exports to Asia. The board "
        "expects growth to slow next year as demand cools in its largest markets.",
        "Operating costs increased by 4 percent because of higher energy prices. The company "
        "also hired 300 engineers for its new battery plant near the northern harbour.",
        "The dividend stays at 1.20 euros per share, payable in May to every shareholder.",
    ]
    + [
        f"Appendix {i}: the plant in region {i} produced cells for electric buses."
        for i in range(12)
    ]
)
OTHER = {
    f"other/memo-{i:02d}.txt": f"Memo {i}\n\nThe canteen menu for week {i} lists soup and bread."
    for i in range(40)
}


def _hit(pid: int, source: str, text: str, score: float) -> Hit:
    passage = Passage(pid, source, "t", 0, len(text), 1, None, "", text)
    return Hit(passage, score)


def test_identical_and_near_identical_passages_collapse_into_the_best_copy() -> None:
    html = "Rebasing rewrites history, so others who built on the branch must fix theirs."
    txt = "Rebasing rewrites history, so others who built on the branch must fix theirs"
    hits = [
        _hit(1, "git-rebase.html", html, 9.0),
        _hit(2, "notes.txt", "Something else entirely about merge strategies.", 8.0),
        _hit(3, "git-rebase.txt", txt, 7.5),
    ]
    ranked = collapse_duplicates(hits)
    assert [r.hit.passage.source for r in ranked] == ["git-rebase.html", "notes.txt"]
    assert ranked[0].also_in == ("git-rebase.txt",)
    assert [r.bm25_rank for r in ranked] == [1, 2]


def test_a_copy_in_a_linked_file_gives_its_place_to_the_file_itself() -> None:
    text = "KeepAliveTimeout sets how long the server waits for the next request."
    hits = [
        _hit(1, "da/mod/core.html", text, 5.0),
        _hit(2, "de/mod/core.html", text, 5.0),
        _hit(3, "en/mod/core.html", text, 5.0),
        _hit(4, "en/mod/other.html", "Something else about timeouts entirely.", 4.0),
    ]
    links = {"da/mod/core.html", "de/mod/core.html"}
    ranked = collapse_duplicates(hits, is_link=links.__contains__)
    assert [r.hit.passage.source for r in ranked] == ["en/mod/core.html", "en/mod/other.html"]
    assert sorted(ranked[0].also_in) == ["da/mod/core.html", "de/mod/core.html"]
    assert [r.bm25_rank for r in ranked] == [1, 4]
    # without knowing the links, the first copy stays
    assert collapse_duplicates(hits)[0].hit.passage.source == "da/mod/core.html"


def test_asking_a_folder_of_linked_pages_cites_the_real_file(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "manual", {"en/core.html": _page(), **OTHER})
    (corpus / "da").mkdir()
    (corpus / "da" / "core.html").symlink_to(Path("../en/core.html"))
    settings = Settings.model_validate({"index": {"cache_dir": str(tmp_path / "cache")}})
    answer = Session(settings, corpus).ask("How long does the server wait for the next request?")
    assert answer.citations and answer.citations[0].source == "en/core.html"
    assert "da/core.html" in answer.citations[0].also_in


def _page() -> str:
    return (
        "<html><head><title>Core</title></head><body><h1>KeepAliveTimeout</h1><p>The number "
        "of seconds the server waits for the next request on a persistent connection before "
        "closing it. It waits 5 seconds by default.</p></body></html>"
    )


def test_passages_that_merely_share_words_are_kept_apart() -> None:
    a = "The bridge links Blagoveshchensk and Heihe across the Amur river."
    b = "The bridge across the Amur river cost 19 billion roubles to build in four years."
    ranked = collapse_duplicates([_hit(1, "a.txt", a, 2.0), _hit(2, "b.txt", b, 1.0)])
    assert len(ranked) == 2


def test_passages_sharing_four_fifths_of_their_words_collapse_and_fewer_do_not() -> None:
    # eight words each: seven shared of nine in all (0.78) stay apart; four of five (0.8) fold
    base = "alpha beta gamma delta epsilon zeta eta theta"
    apart = collapse_duplicates(
        [_hit(1, "a.txt", base, 2.0), _hit(2, "b.txt", base.replace("theta", "iota"), 1.0)]
    )
    assert len(apart) == 2
    folded = collapse_duplicates(
        [
            _hit(1, "a.txt", "alpha beta gamma delta", 2.0),
            _hit(2, "b.txt", "alpha beta gamma delta epsilon", 1.0),
        ]
    )
    assert [r.hit.passage.source for r in folded] == ["a.txt"]
    assert folded[0].also_in == ("b.txt",)


def test_four_hundred_copies_answer_from_several_passages_and_say_where_else(
    tmp_path: Path,
) -> None:
    files = {**OTHER, **{f"copies/report-{i:03d}.txt": REPORT for i in range(400)}}
    settings = Settings.model_validate({"index": {"cache_dir": str(tmp_path / "cache")}})
    session = Session(settings, write_corpus(tmp_path / "corpus", files))
    session.open()
    answer = session.ask("Why did operating costs increase?")
    first = answer.citations[0]
    assert "higher energy prices" in first.quote
    # every other copy among the BM25 candidates is named
    assert len(first.also_in) == settings.search.candidates - 1
    assert first.source not in first.also_in
    assert len({(c.start, c.end) for c in answer.citations}) == len(answer.citations)


def test_semantic_auto_is_on_only_for_corpora_big_enough_to_pay_for_it() -> None:
    auto = SearchSettings()
    assert not semantic_on(auto, 135)
    assert semantic_on(auto, 50_000)
    assert semantic_on(SearchSettings(semantic=True), 10)
    assert not semantic_on(SearchSettings(semantic=False), 10**6)


def test_a_definition_question_leans_on_headings_three_times_as_much() -> None:
    settings = SearchSettings()
    plain = QuestionTerms({"reflog": 4.0, "expir": 3.0})
    definition = QuestionTerms({"reflog": 4.0}, focus=frozenset({"reflog"}), focus_words=1)
    assert (
        fusion_weights(settings, definition)["heading"]
        == 3 * fusion_weights(settings, plain)["heading"]
    )
    off = fusion_weights(settings, plain, semantic=False)
    assert off["cosine"] == 0 and off["opening"] == 0 and off["bm25"] == 1.0


def test_a_heading_names_the_question_when_its_terms_are_the_questions() -> None:
    terms = QuestionTerms({"pull": 3.2, "rebas": 3.3, "alway": 3.7, "set": 2.1}, idf=lambda t: 5.0)
    assert terms.names({"pull", "rebas"}) == 1.0
    assert terms.names({"descript"}) == 0.0
    assert 0 < terms.names({"pull", "merg", "ff"}) < 0.5


def test_a_keyword_phrase_counts_in_a_heading_only_for_the_question_that_names_it() -> None:
    here = QuestionTerms({"string": 2.0}, idf=lambda t: 8.0, phrases=frozenset({"here_string"}))
    assert here.names({"string", "here_string"}) == 1.0
    assert here.names({"string"}) == 0.5  # "Strings", or "-n string", misses "here"
    manager = QuestionTerms({"context": 3.0, "manag": 3.0}, idf=lambda t: 8.0)
    with_statement = {"statement", "with_statement", "context", "manag"}
    assert manager.names(with_statement) == manager.names(with_statement - {"with_statement"})


def test_a_section_number_is_not_part_of_what_a_heading_names() -> None:
    assert heading_terms("5.1.3. List Comprehensions¶") == heading_terms("List Comprehensions")
    assert heading_terms("Chapter 4. Data Types") == heading_terms("Data Types")
    assert heading_terms("9.7.3 POSIX Regular Expressions") == heading_terms(
        "POSIX Regular Expressions"
    )
    assert heading_terms("zip(*iterables, strict=False)¶") == {"zip"}
    # a number that is the subject stays
    assert "2019" in heading_terms("2019 results")
