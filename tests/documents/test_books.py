"""Word (.docx) and EPUB files: their text, headings and titles as askbrief reads them, answers
with quotes cut verbatim from that text, and damaged or encrypted files skipped with a reason."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from askbrief.documents.corpus import load_document, read_document_text, scan_corpus
from askbrief.documents.passages import split_document
from askbrief.errors import SkipFile
from askbrief.types import Document, FileInfo
from book_files import make_docx, make_epub


def load(path: Path) -> Document:
    stat = path.stat()
    return load_document(path.parent, FileInfo(path.name, stat.st_size, stat.st_mtime_ns))


def skip_reason(path: Path) -> str:
    with pytest.raises(SkipFile) as caught:
        load(path)
    return str(caught.value)


REPORT = [
    ("Title", "Harbour Report"),
    ("Heading 1", "Findings"),
    ("Normal", "The harbour handled 4.2 million containers in 2024."),
    ("Normal", ""),
    [["Port", "Volume"], ["Rotterdam", "14.5 million"]],
    ("Heading 2", "Outlook"),
    ("Normal", "Growth is expected to slow next year."),
]

BOOK = [
    ("Chapter 1", "<h1>The Lighthouse</h1><p>The keeper lit the lamp at dusk.</p>"),
    ("Chapter 2", "<p>In the morning the keeper&#8217;s cat slept on the warm stones.</p>"),
    ("Chapter 3", "<h1>Storm</h1><h2>Night</h2><p>Waves rose &amp; fell all night long.</p>"),
]


def test_docx_paragraphs_come_in_order_with_headings_and_tables_as_rows(tmp_path: Path) -> None:
    doc = load(make_docx(tmp_path / "report.docx", REPORT))
    assert doc.text == (
        "Harbour Report\n\nFindings\n\n"
        "The harbour handled 4.2 million containers in 2024.\n\n"
        "Port | Volume\nRotterdam | 14.5 million\n\nOutlook\n\n"
        "Growth is expected to slow next year."
    )
    assert [label for _, label in doc.headings] == ["Harbour Report", "Findings", "Outlook"]
    assert all(doc.text[at : at + len(label)] == label for at, label in doc.headings)
    assert (doc.title, doc.encoding) == ("Harbour Report", "docx")


def test_docx_title_comes_from_its_properties_first(tmp_path: Path) -> None:
    path = make_docx(tmp_path / "r.docx", [("Normal", "Body text.")], title="Annual  Review")
    assert load(path).title == "Annual Review"


def test_docx_passages_carry_the_heading_and_line_of_the_extracted_text(tmp_path: Path) -> None:
    doc = load(make_docx(tmp_path / "report.docx", REPORT))
    passages = split_document(doc, 160)
    slow = next(p for p in passages if "slow" in p.text)
    assert slow.heading == "Outlook"
    assert slow.line == doc.text[: slow.start].count("\n") + 1
    assert doc.text[slow.start : slow.end] == slow.text


def test_epub_chapters_are_read_in_spine_order_not_zip_order(tmp_path: Path) -> None:
    doc = load(make_epub(tmp_path / "book.epub", BOOK, spine_order=[2, 0, 1]))
    assert doc.text.index("Waves rose & fell") < doc.text.index("lit the lamp")
    assert doc.text.index("lit the lamp") < doc.text.index("cat slept")
    assert "\u2019s cat" in doc.text  # character references decoded, as the HTML reader does
    assert (doc.title, doc.encoding) == ("A Test Book", "epub")


def test_epub_chapter_titles_are_headings(tmp_path: Path) -> None:
    doc = load(make_epub(tmp_path / "book.epub", BOOK))
    labels = [label for _, label in doc.headings]
    # Chapter 2 has no heading of its own: its <title> heads it.
    assert labels == ["The Lighthouse", "Chapter 2", "Storm", "Night"]
    assert all(
        doc.text[at:].startswith(label) or doc.text[at:].startswith("In the morning")
        for at, label in doc.headings
    )
    cat = next(p for p in split_document(doc, 160) if "cat slept" in p.text)
    assert cat.heading == "Chapter 2"


def test_read_document_text_gives_the_extracted_text_the_viewer_shows(tmp_path: Path) -> None:
    make_docx(tmp_path / "report.docx", REPORT)
    make_epub(tmp_path / "book.epub", BOOK)
    for name in ("report.docx", "book.epub"):
        assert read_document_text(tmp_path, name) == load(tmp_path / name).text


@pytest.mark.parametrize("name", ["broken.docx", "broken.epub"])
def test_a_file_that_is_not_a_zip_is_skipped_as_damaged(tmp_path: Path, name: str) -> None:
    (tmp_path / name).write_bytes(b"PK\x03\x04 this zip was cut short" + bytes(range(40)))
    kind = "Word document" if name.endswith("docx") else "EPUB"
    assert skip_reason(tmp_path / name) == f"damaged {kind}: not a valid zip file"


def test_a_truncated_docx_is_skipped(tmp_path: Path) -> None:
    data = make_docx(tmp_path / "full.docx", REPORT).read_bytes()
    (tmp_path / "cut.docx").write_bytes(data[: len(data) // 2])
    assert skip_reason(tmp_path / "cut.docx") == "damaged Word document: not a valid zip file"


def test_a_zip_that_is_not_a_word_document_is_skipped(tmp_path: Path) -> None:
    with zipfile.ZipFile(tmp_path / "notes.docx", "w") as archive:
        archive.writestr("hello.txt", "not a Word document")
    assert skip_reason(tmp_path / "notes.docx").startswith("unreadable Word document: ")


def test_a_docx_with_no_text_is_skipped(tmp_path: Path) -> None:
    path = make_docx(tmp_path / "blank.docx", [("Normal", ""), ("Normal", "   "), [["", ""]]])
    assert skip_reason(path) == "Word document has no text"


def test_a_password_protected_docx_is_skipped_as_encrypted(tmp_path: Path) -> None:
    # Office writes an encrypted document as an OLE compound file holding an EncryptionInfo stream.
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504 + "EncryptionInfo".encode("utf-16-le")
    (tmp_path / "locked.docx").write_bytes(ole + b"\0" * 512)
    assert skip_reason(tmp_path / "locked.docx") == "encrypted Word document (password-protected)"


@pytest.mark.parametrize("name", ["big.docx", "big.epub"])
def test_a_file_that_would_unpack_too_large_is_skipped(
    tmp_path: Path, name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if name.endswith("docx"):
        make_docx(tmp_path / name, REPORT)
    else:
        make_epub(tmp_path / name, BOOK)
    monkeypatch.setattr("askbrief.documents.archive.MAX_UNPACKED_BYTES", 1024 * 1024 // 1000)
    assert "unpacks to over" in skip_reason(tmp_path / name)


def test_a_drm_encrypted_epub_is_skipped(tmp_path: Path) -> None:
    path = make_epub(tmp_path / "drm.epub", BOOK, encrypt=[1])
    assert skip_reason(path) == "encrypted EPUB (DRM)"


@pytest.mark.parametrize(
    ("member", "content", "reason"),
    [
        ("META-INF/container.xml", None, "damaged EPUB: no META-INF/container.xml"),
        ("OEBPS/content.opf", "<package", "unreadable EPUB: "),
    ],
)
def test_an_epub_missing_its_package_is_skipped(
    tmp_path: Path, member: str, content: str | None, reason: str
) -> None:
    good = make_epub(tmp_path / "good.epub", BOOK)
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(tmp_path / "bad.epub", "w") as out:
        for info in source.infolist():
            if info.filename != member:
                out.writestr(info, source.read(info))
            elif content is not None:
                out.writestr(info, content)
    assert skip_reason(tmp_path / "bad.epub").startswith(reason)


LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE package [<!ENTITY a "ha">'
    + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(9))
    + ']><package xmlns="http://www.idpf.org/2007/opf"><metadata>&j;</metadata></package>'
)


def test_an_epub_whose_package_is_an_entity_bomb_is_skipped_quickly(tmp_path: Path) -> None:
    good = make_epub(tmp_path / "good.epub", BOOK)
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(tmp_path / "bomb.epub", "w") as out:
        for info in source.infolist():
            data = LAUGHS if info.filename == "OEBPS/content.opf" else source.read(info)
            out.writestr(info, data)
    assert skip_reason(tmp_path / "bomb.epub").startswith("unreadable EPUB: ")


def test_an_epub_whose_chapters_have_no_text_is_skipped(tmp_path: Path) -> None:
    path = make_epub(tmp_path / "empty.epub", [("One", "<div><img src='a.png'/></div>")])
    assert skip_reason(path) == "EPUB has no text"


def test_docx_and_epub_are_found_by_the_scan(tmp_path: Path) -> None:
    make_docx(tmp_path / "report.docx", REPORT)
    (tmp_path / "sub").mkdir()
    make_epub(tmp_path / "sub" / "book.epub", BOOK)
    files, skipped = scan_corpus(tmp_path, max_file_bytes=10**8)
    assert [f.source for f in files] == ["report.docx", "sub/book.epub"] and not skipped


def run_ask(corpus: Path, cache: Path, question: str) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-m", "askbrief.cli", "ask", "--json", "--corpus", str(corpus), question],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "ASKBRIEF_INDEX__CACHE_DIR": str(cache)},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    answer: dict[str, object] = json.loads(done.stdout)
    return answer


@pytest.mark.parametrize(
    ("question", "source", "expected", "where"),
    [
        ("How many containers did the harbour handle?", "report.docx", "4.2 million", "Findings"),
        ("What was the volume of Rotterdam?", "report.docx", "14.5 million", "Findings"),
        ("When did the keeper light the lamp?", "book.epub", "at dusk", "The Lighthouse"),
        ("Where did the keeper's cat sleep?", "book.epub", "warm stones", "Chapter 2"),
    ],
)
def test_docx_and_epub_answer_through_ask_json_with_faithful_quotes(
    tmp_path: Path, question: str, source: str, expected: str, where: str
) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    make_docx(corpus / "report.docx", REPORT)
    make_epub(corpus / "book.epub", BOOK)
    (corpus / "broken.docx").write_bytes(b"not a zip at all")
    answer = run_ask(corpus, tmp_path / "cache", question)
    assert not answer["abstained"]
    citations = answer["citations"]
    assert isinstance(citations, list) and citations
    first = citations[0]
    assert first["source"] == source and expected in first["quote"]
    for c in citations:
        text = read_document_text(corpus, c["source"])
        assert text[c["start"] : c["end"]] == c["quote"]
        assert c["line"] == text[: c["start"]].count("\n") + 1
    doc = load(corpus / source)
    heading = [label for at, label in doc.headings if at <= first["start"]][-1]
    assert first["heading"] == heading == where


def test_the_source_list_names_the_chapter_and_line(tmp_path: Path) -> None:
    make_epub(tmp_path / "book.epub", BOOK)
    done = subprocess.run(
        [sys.executable, "-m", "askbrief.cli", "ask", "--corpus", str(tmp_path)]
        + ["Did waves rise all night?"],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "ASKBRIEF_INDEX__CACHE_DIR": str(tmp_path / "cache")},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    line = load(tmp_path / "book.epub").text.split("\n").index("Waves rose & fell all night long.")
    assert f"[1] book.epub, “Night”, line {line + 1} — A Test Book" in done.stdout
