"""Citation checks: every [n] maps to a source that was sent, and every quote is really there."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from askbrief.answers.verify import check_citations, find_quote, verify_citations
from askbrief.backends import Source
from askbrief.types import Passage

DOC = (
    "Preface line.\n"
    "The committee met on  Tuesday\nand approved the budget.\n"
    "It’s the largest budget in a decade.\n"
    "Costs rose by 4% [2] in the north.\n"
)


def passage(pid: int, start: int, end: int, line: int = 1) -> Passage:
    return Passage(pid, "minutes.md", "Minutes", start, end, line, None, "", DOC[start:end])


P1 = passage(1, 14, 106, line=2)  # "The committee ... decade.\n"
P2 = passage(2, 106, len(DOC), line=5)  # "Costs rose ..."
SOURCES = (Source(1, P1, 2.5), Source(2, P2, 1.5))


def test_a_quote_found_in_its_source_is_verified_with_document_offsets() -> None:
    (c,) = check_citations('They "approved the budget" [1].', SOURCES)
    assert c.verified and c.n == 1 and c.source == "minutes.md"
    assert c.quote == "approved the budget"
    assert DOC[c.start : c.end] == c.quote
    assert c.line == 3
    assert c.score == 2.5


def test_a_quote_not_in_its_source_is_flagged() -> None:
    checked = verify_citations('They "rejected the budget" [1].', SOURCES)
    (c,) = checked.citations
    assert not c.verified
    assert c.quote == "" and c.source == "minutes.md"
    assert checked.notices == ('[1]: the quote "rejected the budget" is not in source 1',)


def test_a_quote_cited_to_the_wrong_source_says_where_it_is() -> None:
    checked = verify_citations('Costs "rose by 4%" [1].', SOURCES)
    assert not checked.citations[0].verified
    assert checked.notices[0].endswith("; it is in source 2")


def test_a_marker_for_a_source_not_sent_is_flagged() -> None:
    checked = verify_citations("As shown [3].", SOURCES)
    (c,) = checked.citations
    assert (c.n, c.verified, c.source, c.quote) == (3, False, "", "")
    assert checked.notices == ("[3] cites a source that was not sent (sources sent: 1-2)",)


@pytest.mark.parametrize(
    "quote",
    [
        "The committee met on Tuesday and approved the budget.",  # whitespace runs and a newline
        "The  committee\tmet on Tuesday\n\nand approved",
        "It's the largest budget",  # straight apostrophe for the document's curly one
        "…the largest budget in a decade...",  # elision marks at the ends only
    ],
)
def test_matching_ignores_whitespace_quote_style_and_end_marks(quote: str) -> None:
    (c,) = check_citations(f"“{quote}” [1]", SOURCES)
    assert c.verified
    assert DOC[c.start : c.end] == c.quote


@pytest.mark.parametrize(
    "quote",
    [
        "the committee met",  # case matters
        "The committee ... the budget",  # an elided quote is not verbatim
        "approved the budgets",
    ],
)
def test_matching_stays_strict_about_words(quote: str) -> None:
    assert [c.verified for c in check_citations(f'"{quote}" [1]', SOURCES)] == [False]


def test_a_citation_without_a_quote_points_at_the_whole_passage() -> None:
    (c,) = check_citations("The budget was approved [1].", SOURCES)
    assert c.verified
    assert (c.quote, c.start, c.end) == (P1.text, P1.start, P1.end)


def test_multiple_markers_come_back_in_order_of_appearance() -> None:
    text = 'They "approved the budget" [1], and "Costs rose by 4%" [2]. Also [2][1] and [1, 2].'
    cited = check_citations(text, SOURCES)
    assert [c.n for c in cited] == [1, 2, 2, 1, 1, 2]
    assert all(c.verified for c in cited)
    assert cited[0].quote == "approved the budget"
    assert cited[1].quote == "Costs rose by 4%"


def test_a_grouped_citation_accepts_a_quote_from_any_source_in_the_group() -> None:
    cited = check_citations('"Costs rose by 4%" [1][2]', SOURCES)
    assert [(c.n, c.verified) for c in cited] == [(1, True), (2, True)]
    assert cited[1].quote == "Costs rose by 4%"
    assert cited[0].quote == P1.text


def test_a_quote_in_an_earlier_sentence_belongs_to_no_later_marker() -> None:
    cited = check_citations('He said "nothing like this". The budget passed [1].', SOURCES)
    assert cited[0].verified and cited[0].quote == P1.text


def test_a_bracketed_number_inside_a_quote_is_not_a_marker() -> None:
    cited = check_citations('"Costs rose by 4% [2] in the north" [2]', SOURCES)
    assert [(c.n, c.verified) for c in cited] == [(2, True)]
    assert cited[0].quote == "Costs rose by 4% [2] in the north"


def test_find_quote_returns_offsets_into_the_text() -> None:
    assert find_quote("met on Tuesday and", P1.text) == (14, 33)
    assert find_quote("absent", P1.text) is None


@given(
    text=st.text(alphabet=st.characters(blacklist_characters='"“”'), min_size=1, max_size=200),
    data=st.data(),
)
def test_a_verbatim_quote_always_verifies_at_its_document_offsets(
    text: str, data: st.DataObject
) -> None:
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    quote = text[start:end]
    if not quote.strip():
        return
    doc = "# head\n" + text
    p = Passage(1, "d.md", "D", 7, len(doc), 2, None, "", doc[7:])
    (c,) = check_citations(f'x "{" ".join(quote.split())}" [1]', [Source(1, p)])
    assert c.verified
    assert doc[c.start : c.end] == c.quote
