"""Passage splitting's fast token count is tiktoken's count, exactly."""

from __future__ import annotations

import random

import pytest

from askbrief.documents.passages import count_tokens_fast
from askbrief.documents.tokens import encoding


@pytest.mark.parametrize(
    "text",
    [
        "",
        " ",
        "Hello world.",
        "don't",
        "DON'T",
        "it'S",
        "we'll've",
        "  \n\n  ",
        "a\r\nb",
        "x\x0by\x0cz",
        "tab\tand\x1cfile sep\x1f",
        "1234567 89",
        "3.14159, 1,000",
        "end   ",
        "(parenthesis) [brackets] {braces}",
        "--- ***\n\n",
        "e-mail: a@b.co",
        "naïve café ’quote’",
        "日本語のテキスト",
        "emoji 🙂 here",
        "'s",
        " 's",
        "''ll",
        "x  \n y",
    ],
)
def test_fast_count_equals_tiktoken(text: str) -> None:
    assert count_tokens_fast(text) == len(encoding().encode_ordinary(text))


def test_fast_count_equals_tiktoken_on_random_ascii() -> None:
    rng = random.Random(0)
    alphabet = list("ab Z09'sdmtlvre.,;:!?-_()\"\n\r\t\x0b\x0c\x1c ") + ["'s", "'LL", "  ", "\r\n"]
    for _ in range(5000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
        assert count_tokens_fast(text) == len(encoding().encode_ordinary(text)), repr(text)
