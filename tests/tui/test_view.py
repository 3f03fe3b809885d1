"""The plain display helpers behind the app (no Textual needed)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from askbrief.tui.view import (
    answer_from_saved,
    citation_where,
    display_text,
    link_citations,
    offset_to_location,
)
from askbrief.types import Answer, Citation


@pytest.mark.parametrize(
    ("markdown", "linked"),
    [
        ("A quote. [1]", "A quote. [\\[1\\]](cite:1)"),
        ("Both [1, 2].", "Both [\\[1\\]](cite:1) [\\[2\\]](cite:2)."),
        ("Escaped document text \\[3\\] stays", "Escaped document text \\[3\\] stays"),
        ("[a link](https://x) and [4](cite:4)", "[a link](https://x) and [4](cite:4)"),
        ("no markers", "no markers"),
    ],
)
def test_link_citations_turns_markers_into_cite_links(markdown: str, linked: str) -> None:
    assert link_citations(markdown) == linked


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=200), st.data())
def test_display_text_keeps_offsets_and_lines(text: str, data: st.DataObject) -> None:
    shown = display_text(text)
    assert len(shown) == len(text)
    assert "\x1b" not in shown
    offset = data.draw(st.integers(0, len(shown)))
    row, col = offset_to_location(shown, offset)
    lines = shown.split("\n")
    assert sum(len(line) + 1 for line in lines[:row]) + col == offset
    # A TextArea splits with str.splitlines(): it must see the same lines as the offsets do.
    assert shown.splitlines() == (lines[:-1] if lines[-1] == "" else lines)


def test_saved_answers_come_back_with_their_citations() -> None:
    c = Citation(1, "a.txt", "A", "quote", 3, 8, 1, None, 0.5, verified=False)
    answer = Answer("q?", "> quote [1]", False, (c,), notices=("n",))
    again = answer_from_saved("q?", answer.as_json())
    assert again.citations == (c,) and again.markdown == answer.markdown
    assert again.notices == ("n",)


@pytest.mark.parametrize(
    ("heading", "page", "where"),
    [
        ("", None, "line 7"),
        ("Outlook", None, "“Outlook”, line 7"),
        ("Chapter 2", 3, "“Chapter 2”, page 3, line 7"),
        ("Report", None, "line 7"),  # the heading that is the title says nothing more
    ],
)
def test_a_citation_says_its_section_page_and_line(
    heading: str, page: int | None, where: str
) -> None:
    c = Citation(1, "r.docx", "Report", "q", 0, 1, 7, page, 1.0, heading=heading)
    assert citation_where(c) == where


def test_a_saved_citation_keeps_its_heading() -> None:
    saved = {"citations": [{"n": 1, "source": "b.epub", "quote": "q", "heading": "Storm"}]}
    assert answer_from_saved("q?", saved).citations[0].heading == "Storm"
