"""Invariants over arbitrary input (hypothesis): passages tile their document; every citation is
the document's text at its offsets; answers quote only the corpus; the loader turns any bytes
into a document or a SkipFile, never another exception.
"""

from __future__ import annotations

import codecs
import tempfile
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from askbrief.config import Settings
from askbrief.documents.corpus import SUPPORTED_SUFFIXES, decode_text, load_document
from askbrief.documents.passages import split_document
from askbrief.errors import CorpusError, SkipFile
from askbrief.session import Session
from askbrief.types import Document, FileInfo

WORDS = [
    "otter",
    "river",
    "Falcon",
    "purple",
    "code",
    "1911",
    "$250",
    "18.9",
    "Zoë",
    "風車",
    "мельница",
    "الطاحونة",
    "the",
    "of",
    "is",
    "Dr.",
    "e.g.",
    "U.S.",
    "🦦",
]
SEPARATORS = [
    " ",
    " ",
    " ",
    "\n",
    "\n\n",
    ". ",
    "! ",
    "? ",
    "… ",
    "\t",
    ", ",
    "。",
    "\r\n",
    " \n \n",
    "\u00a0",
    "\u2028",
    "\x0c",
    "...",
    "—",
    "“",
    "”",
    "# ",
    "\n- ",
    "\x00",
]

# Prose-like text (words, sentence ends, paragraphs, odd white space) and, sometimes, anything.
prose = st.lists(
    st.one_of(st.sampled_from(WORDS), st.sampled_from(SEPARATORS), st.text(max_size=6)),
    max_size=120,
).map("".join)
any_text = st.one_of(prose, st.text(max_size=400))


def _first_and_last_non_space(text: str) -> tuple[int, int] | None:
    stripped = [i for i, ch in enumerate(text) if not ch.isspace()]
    return (stripped[0], stripped[-1] + 1) if stripped else None


@settings(max_examples=300, deadline=None)
@given(text=any_text, max_tokens=st.sampled_from([32, 48, 160]))
def test_passages_tile_their_document_from_first_to_last_word(text: str, max_tokens: int) -> None:
    doc = Document(source="d.txt", title="d", text=text)
    passages = split_document(doc, max_tokens)
    bounds = _first_and_last_non_space(text)
    if bounds is None:
        assert passages == []
        return
    assert passages, repr(text)
    assert passages[0].start == bounds[0] and passages[-1].end == bounds[1]
    for before, after in zip(passages, passages[1:], strict=False):
        assert before.end == after.start  # no gap, no overlap
    for n, p in enumerate(passages):
        assert p.id == n and p.start < p.end
        assert p.text == text[p.start : p.end]
        assert p.line == text.count("\n", 0, p.start) + 1
        assert not p.text[0].isspace()


@settings(max_examples=100, deadline=None)
@given(text=prose)
def test_passages_numbered_from_first_id_keep_their_offsets(text: str) -> None:
    doc = Document(source="d.txt", title="d", text=text)
    plain = split_document(doc, 32)
    shifted = split_document(doc, 32, first_id=1000)
    assert [(p.start, p.end) for p in plain] == [(p.start, p.end) for p in shifted]
    assert [p.id for p in shifted] == list(range(1000, 1000 + len(plain)))


# -- answers ---------------------------------------------------------------------------------

sentence = st.lists(st.sampled_from(WORDS[:12]), min_size=1, max_size=12).map(
    lambda ws: " ".join(ws).capitalize() + "."
)
document = st.lists(
    st.one_of(sentence, st.sampled_from(["\n\n", "\n", " "]), prose), min_size=1, max_size=30
).map(" ".join)
question = st.one_of(
    st.lists(st.sampled_from(WORDS), min_size=1, max_size=6).map(lambda ws: " ".join(ws) + "?"),
    st.text(min_size=1, max_size=60),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    docs=st.lists(document, min_size=1, max_size=4),
    questions=st.lists(question, min_size=1, max_size=4),
)
def test_every_citation_is_the_document_text_at_its_offsets(
    docs: list[str], questions: list[str]
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "corpus"
        root.mkdir()
        for i, text in enumerate(docs):
            (root / f"doc{i}.md").write_text(text, encoding="utf-8", newline="")
        settings_ = Settings.model_validate(
            {"index": {"cache_dir": str(Path(tmp) / "cache"), "passage_tokens": 32}}
        )
        session = Session(settings_, root)
        try:
            session.open()
        except CorpusError as exc:  # every document is blank: a one-line error, nothing to ask
            assert "no readable documents" in str(exc) and "\n" not in str(exc)
            return
        loaded = {
            f"doc{i}.md": load_document(
                root, FileInfo(f"doc{i}.md", p.stat().st_size, p.stat().st_mtime_ns)
            ).text
            for i, p in enumerate(sorted(root.iterdir(), key=lambda p: int(p.stem[3:])))
            if _loadable(root, p)
        }
        for q in questions:
            try:
                answer = session.ask(q)
            except Exception as exc:  # only a refused question may raise
                assert type(exc).__name__ == "QuestionError", exc
                continue
            assert answer.abstained == (not answer.citations)
            for c in answer.citations:
                text = loaded[c.source]
                assert c.quote and text[c.start : c.end] == c.quote
                assert f"[{c.n}]" in answer.markdown
                assert c.line == text.count("\n", 0, c.start) + 1


def _loadable(root: Path, path: Path) -> bool:
    try:
        load_document(root, FileInfo(path.name, path.stat().st_size, path.stat().st_mtime_ns))
    except SkipFile:
        return False
    return True


# -- the loader ------------------------------------------------------------------------------

BOMS = [
    b"",
    codecs.BOM_UTF8,
    codecs.BOM_UTF16_LE,
    codecs.BOM_UTF16_BE,
    codecs.BOM_UTF32_LE,
    codecs.BOM_UTF32_BE,
]
PREFIXES = [
    b"",
    b"%PDF-1.4\n",
    b"<html><head><meta charset=",
    b"<!DOCTYPE html>",
    b"\x89PNG",
    b"PK\x03\x04",
    b"\x7fELF",
    b"# Title\n",
    b"---\ntitle: x\n---\n",
]
odd_bytes = st.one_of(
    st.binary(max_size=600),
    st.builds(
        lambda bom, prefix, body: bom + prefix + body,
        st.sampled_from(BOMS),
        st.sampled_from(PREFIXES),
        st.binary(max_size=400),
    ),
    st.builds(
        lambda text, enc: text.encode(enc, "replace"),
        any_text,
        st.sampled_from(
            [
                "utf-8",
                "utf-16",
                "utf-16-le",
                "utf-16-be",
                "utf-32",
                "latin-1",
                "cp1252",
                "shift_jis",
                "koi8-r",
            ]
        ),
    ),
)


@settings(max_examples=200, deadline=None)
@given(data=odd_bytes, suffix=st.sampled_from(sorted(SUPPORTED_SUFFIXES)))
def test_the_loader_turns_any_bytes_into_a_document_or_a_skip(data: bytes, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        path = root / f"file{suffix}"
        path.write_bytes(data)
        stat = path.stat()
        try:
            doc = load_document(root, FileInfo(path.name, stat.st_size, stat.st_mtime_ns))
        except SkipFile as exc:
            assert str(exc) and "\n" not in str(exc)
            return
    assert doc.text.strip() and "\r" not in doc.text
    assert doc.title and "\n" not in doc.title and len(doc.title) <= 200
    offsets = [offset for offset, _ in doc.headings]
    assert offsets == sorted(offsets) and all(0 <= o <= len(doc.text) for o in offsets)
    if doc.page_starts is not None:
        assert list(doc.page_starts) == sorted(doc.page_starts)
        assert all(0 <= s <= len(doc.text) for s in doc.page_starts)


@settings(max_examples=300, deadline=None)
@given(data=odd_bytes)
def test_decode_text_returns_text_or_raises_skipfile(data: bytes) -> None:
    try:
        text, encoding, warnings = decode_text(data)
    except SkipFile as exc:
        assert str(exc) == "binary file"
        return
    assert isinstance(text, str) and "\r" not in text
    assert codecs.lookup(encoding)
    assert all(isinstance(w, str) and "\n" not in w for w in warnings)


def _load_and_split_seconds(path: Path) -> float:
    stat = path.stat()
    started = time.perf_counter()
    try:
        doc = load_document(path.parent, FileInfo(path.name, stat.st_size, stat.st_mtime_ns))
        split_document(doc, 160)
    except SkipFile:
        pass
    return time.perf_counter() - started


@pytest.mark.parametrize("byte", [b".", b"a", b" ", b"\n", b"#", b"<", b"-", b"\xff", b"=\n-\n"])
@pytest.mark.parametrize("suffix", [".txt", ".md", ".rst", ".html"])
def test_half_a_megabyte_of_one_repeated_byte_is_read_or_skipped_in_linear_time(
    tmp_path: Path, suffix: str, byte: bytes
) -> None:
    path = tmp_path / f"f{suffix}"
    path.write_bytes(b"x " + byte * (500_000 // len(byte)))
    if suffix == ".md" and b"=" in byte:
        pytest.skip("every other line is a Markdown heading: see the many-headings test")
    assert _load_and_split_seconds(path) < 20  # quadratic would take hours


def test_a_document_with_thousands_of_headings_is_split_quickly(tmp_path: Path) -> None:
    path = tmp_path / "changelog.md"
    path.write_text("".join(f"## Version {i}\n\nFixed bug {i}.\n\n" for i in range(12_000)))
    assert _load_and_split_seconds(path) < 10  # a scan per heading would take minutes


def test_token_dense_text_without_sentence_ends_is_split_quickly(tmp_path: Path) -> None:
    path = tmp_path / "dense.txt"
    path.write_bytes(b"\t#" * 150_000)  # one token per character, no sentence end
    assert _load_and_split_seconds(path) < 20  # quadratic would take hours


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("padded.md", "# Signals" + " \t" * 250_000 + "#x\n\nThe semaphore has two arms.\n"),
        ("padded.rst", "Signals" + " \t" * 250_000 + "x\n=======\n\nTwo arms.\n"),
        (
            "padded.html",
            "<title>Signals"
            + " \t" * 250_000
            + "- x</title><h1>Signals"
            + " \t" * 250_000
            + "| x</h1><p>Two arms.</p>",
        ),
        ("padded.txt", "Signals" + " \t" * 250_000 + "— x\n\nTwo arms.\n"),
    ],
    ids=["md", "rst", "html", "txt"],
)
def test_titles_and_headings_padded_with_blanks_are_read_in_linear_time(
    tmp_path: Path, name: str, text: str
) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    assert _load_and_split_seconds(path) < 20  # quadratic would take hours
    stat = path.stat()
    doc = load_document(tmp_path, FileInfo(name, stat.st_size, stat.st_mtime_ns))
    assert len(doc.title) <= 200 and all(len(label) <= 200 for _, label in doc.headings)
