from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from askbrief.documents.sentences import paragraph_spans, sentence_spans


def sentences(text: str) -> list[str]:
    return [text[s:e] for s, e in sentence_spans(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("One. Two! Three?", ["One.", "Two!", "Three?"]),
        (
            "Mr. Smith met Dr. Jones. Then they left.",
            ["Mr. Smith met Dr. Jones.", "Then they left."],
        ),
        (
            "Trade hit $18.9 billion in 2021. It rose.",
            ["Trade hit $18.9 billion in 2021.", "It rose."],
        ),
        ("He said “stop.” She left.", ["He said “stop.”", "She left."]),
        ("J. R. R. Tolkien wrote it. Good.", ["J. R. R. Tolkien wrote it.", "Good."]),
        ("The U.S. and China met. Talks ended.", ["The U.S. and China met.", "Talks ended."]),
        ("A heading\n\nBody text here.", ["A heading", "Body text here."]),
        ("a soft\nwrapped line. Next one.", ["a soft\nwrapped line.", "Next one."]),
        ("北京是首都。上海很大。", ["北京是首都。", "上海很大。"]),
    ],
)
def test_splits_text_into_sentences(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected


def test_paragraphs_are_separated_by_blank_lines() -> None:
    text = "First para\nstill first.\n\n  \nSecond para."
    assert [text[s:e] for s, e in paragraph_spans(text)] == [
        "First para\nstill first.",
        "Second para.",
    ]


@given(st.text(alphabet=st.sampled_from("ab .!?\n\t“”A1:"), max_size=200))
def test_sentences_are_ordered_trimmed_and_cover_every_word(text: str) -> None:
    spans = sentence_spans(text)
    covered = [False] * len(text)
    last = 0
    for s, e in spans:
        assert last <= s < e <= len(text)
        assert not text[s].isspace() and not text[e - 1].isspace()
        for i in range(s, e):
            covered[i] = True
        last = e
    assert all(covered[i] for i, ch in enumerate(text) if not ch.isspace())


def test_a_mark_that_names_a_shell_variable_ends_no_sentence() -> None:
    text = "($?) Expands to the exit status of the last pipeline. Was it zero? Then it succeeded."
    assert [text[s:e] for s, e in sentence_spans(text)] == [
        "($?) Expands to the exit status of the last pipeline.",
        "Was it zero?",
        "Then it succeeded.",
    ]


@pytest.mark.parametrize(
    "link", ["[host name spoofing][]", "[host name spoofing][spoof]", "[spoofing](#spoofing)"]
)
def test_a_markdown_link_at_a_line_end_does_not_cut_its_sentence_in_two(link: str) -> None:
    text = (
        "It is prone to security issues such as " + link + "\n"
        "and incorrect handling of passwords. Do not use with untrusted\ninput."
    )
    assert sentences(text) == [
        "It is prone to security issues such as " + link + "\nand incorrect handling of passwords.",
        "Do not use with untrusted\ninput.",
    ]


def test_a_line_of_code_ending_in_a_bracket_still_ends_at_the_line() -> None:
    text = "Signatures of min:\n\nmin(iterable, *, key=None)\nmin(arg1, arg2)"
    assert sentences(text)[-2:] == ["min(iterable, *, key=None)", "min(arg1, arg2)"]
