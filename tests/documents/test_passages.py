"""Passage splitting's fast token count is tiktoken's count, exactly."""

from __future__ import annotations

import random
from pathlib import Path

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


def test_a_markdown_files_front_matter_is_in_no_passage_but_names_its_title(tmp_path: Path) -> None:
    from askbrief.documents.corpus import load_document, scan_corpus
    from askbrief.documents.passages import split_document

    text = (
        "---\ntitle: Installing Widget\nweight: 20\n---\n\n# Installing Widget\n\n"
        "Widget runs on Linux, macOS and Windows.\n"
    )
    (tmp_path / "install.md").write_text(text)
    (tmp_path / "notes.txt").write_text("---\nnot front matter in a text file\n---\n")
    files, _ = scan_corpus(tmp_path, max_file_bytes=1 << 20)
    docs = {f.source: load_document(tmp_path, f) for f in files}
    md = split_document(docs["install.md"], 160)
    assert docs["install.md"].title == "Installing Widget"
    assert md[0].text.startswith("# Installing Widget")
    assert all("weight: 20" not in p.text for p in md)
    assert split_document(docs["notes.txt"], 160)[0].text.startswith("---")
