"""corpus.py: which files a folder yields, and the exact text askbrief reads from each."""

from __future__ import annotations

import codecs
import io
import os
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from askbrief.documents.corpus import (
    SUPPORTED_SUFFIXES,
    is_named_text,
    load_document,
    read_document_text,
    scan_corpus,
)
from askbrief.errors import CorpusError, SkipFile
from askbrief.types import Document, FileInfo, Skipped
from book_files import make_pdf

MB = 1024 * 1024


def scan(root: Path, max_file_bytes: int = 50 * MB) -> tuple[list[FileInfo], list[Skipped]]:
    return scan_corpus(root, max_file_bytes=max_file_bytes)


def load(path: Path, root: Path | None = None) -> Document:
    root = root or path.parent
    stat = path.stat()
    source = path.relative_to(root).as_posix()
    return load_document(root, FileInfo(source, stat.st_size, stat.st_mtime_ns))


def skip_reason(path: Path) -> str:
    with pytest.raises(SkipFile) as caught:
        load(path)
    return str(caught.value)


# -- scanning --------------------------------------------------------------------------------


def test_missing_folder_is_a_corpus_error(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="not found"):
        scan(tmp_path / "nope")


def test_a_file_given_as_the_corpus_is_a_corpus_of_that_one_file(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("hi")
    (tmp_path / "b.txt").write_text("another file beside it")
    files, skipped = scan(tmp_path / "a.txt")
    assert [(f.source, f.size) for f in files] == [("a.txt", 2)] and skipped == []


def test_a_file_of_a_type_askbrief_does_not_read_is_a_corpus_error(tmp_path: Path) -> None:
    (tmp_path / "sheet.xlsx").write_bytes(b"PK\x03\x04")
    with pytest.raises(CorpusError, match=r"\.xlsx is not a type askbrief reads \(.*\.pdf"):
        scan(tmp_path / "sheet.xlsx")


def test_a_corpus_that_is_neither_folder_nor_file_is_a_corpus_error(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.txt")
    with pytest.raises(CorpusError, match="not a folder or a file"):
        scan(tmp_path / "pipe.txt")


def test_empty_folder_yields_nothing(tmp_path: Path) -> None:
    assert scan(tmp_path) == ([], [])


def test_scan_lists_supported_files_recursively_sorted_and_ignores_other_suffixes(
    tmp_path: Path,
) -> None:
    for name in ["b.md", "a.txt", "sub/c.HTML", "sub/deep/d.pdf", "e.rst", "f.markdown"]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    for name in ["README", "sub/README.Debian", "copyright"]:
        (tmp_path / name).write_text("x")
    for name in ["photo.png", "data.csv", "Makefile", "sub/notes.xlsx", "sub/old.CSV", "NEWS.gz"]:
        (tmp_path / name).write_text("x")
    (tmp_path / ".hidden.png").write_text("x")
    unsupported: Counter[str] = Counter()
    files, skipped = scan_corpus(tmp_path, max_file_bytes=50 * MB, unsupported=unsupported)
    assert [f.source for f in files] == [
        "README",
        "a.txt",
        "b.md",
        "copyright",
        "e.rst",
        "f.markdown",
        "sub/README.Debian",
        "sub/c.HTML",
        "sub/deep/d.pdf",
    ]
    assert skipped == []
    assert unsupported == {".png": 1, ".csv": 2, ".xlsx": 1, ".gz": 1, "(no extension)": 1}
    stat = (tmp_path / "a.txt").stat()
    assert files[1] == FileInfo("a.txt", stat.st_size, stat.st_mtime_ns)


def test_supported_suffixes_are_the_documented_ones() -> None:
    assert {
        ".txt",
        ".md",
        ".markdown",
        ".rst",
        ".html",
        ".htm",
        ".pdf",
        ".docx",
        ".epub",
    } == SUPPORTED_SUFFIXES


def test_hidden_files_and_folders_are_ignored_silently(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "notes.txt").write_text("secret")
    (tmp_path / ".draft.md").write_text("secret")
    (tmp_path / "seen.txt").write_text("hello")
    assert scan(tmp_path) == (
        [FileInfo("seen.txt", 5, (tmp_path / "seen.txt").stat().st_mtime_ns)],
        [],
    )


def test_files_over_the_size_limit_are_skipped_with_the_limit(tmp_path: Path) -> None:
    (tmp_path / "big.txt").write_bytes(b"a" * (MB + 1))
    (tmp_path / "ok.txt").write_bytes(b"a" * MB)
    files, skipped = scan(tmp_path, max_file_bytes=MB)
    assert [f.source for f in files] == ["ok.txt"]
    assert skipped == [Skipped("big.txt", "larger than 1 MB limit")]


@pytest.mark.parametrize(
    "name",
    ["with space.txt", "new\nline.txt", "café ünïcode.md", "日本語.txt", "semi;colon 'q'.txt"],
)
def test_odd_file_names_are_found_and_loaded(tmp_path: Path, name: str) -> None:
    (tmp_path / "dir with space").mkdir()
    (tmp_path / "dir with space" / name).write_text("Some words.\n", encoding="utf-8")
    files, skipped = scan(tmp_path)
    assert [f.source for f in files] == [f"dir with space/{name}"]
    assert load_document(tmp_path, files[0]).text == "Some words.\n"
    assert read_document_text(tmp_path, files[0].source) == "Some words.\n"


def test_symlink_loops_are_reported_and_the_scan_ends(tmp_path: Path) -> None:
    root = tmp_path / "root"
    (root / "a").mkdir(parents=True)
    (root / "a" / "doc.txt").write_text("hello")
    (root / "a" / "back").symlink_to(root, target_is_directory=True)
    (root / "up").symlink_to(tmp_path, target_is_directory=True)  # above the corpus folder
    (root / "self.txt").symlink_to(root / "self.txt")  # a link to itself: ELOOP
    files, skipped = scan(root)
    assert [f.source for f in files] == ["a/doc.txt"]
    assert skipped == [
        Skipped("a/back/", "symlink loop"),
        Skipped("self.txt", "symlink loop"),
        Skipped("up/", "symlink loop"),
    ]


def test_dangling_symlink_is_reported(tmp_path: Path) -> None:
    (tmp_path / "gone.md").symlink_to(tmp_path / "missing.md")
    (tmp_path / "gone.png").symlink_to(tmp_path / "missing.png")  # not ours: not reported
    assert scan(tmp_path) == ([], [Skipped("gone.md", "dangling symlink")])


def test_symlinks_to_files_and_folders_outside_are_followed(tmp_path: Path) -> None:
    outside, root = tmp_path / "outside", tmp_path / "root"
    (outside / "docs").mkdir(parents=True)
    (outside / "docs" / "in.txt").write_text("inside")
    (outside / "one.md").write_text("# One")
    root.mkdir()
    (root / "linked").symlink_to(outside / "docs", target_is_directory=True)
    (root / "one.md").symlink_to(outside / "one.md")
    files, skipped = scan(root)
    assert [f.source for f in files] == ["linked/in.txt", "one.md"]
    assert skipped == []
    assert read_document_text(root, "linked/in.txt") == "inside"


def test_a_symlink_to_a_folder_already_walked_is_not_indexed_twice(tmp_path: Path) -> None:
    (tmp_path / "z_real").mkdir()
    (tmp_path / "z_real" / "doc.txt").write_text("once")
    (tmp_path / "a_link").symlink_to(tmp_path / "z_real", target_is_directory=True)
    files, skipped = scan(tmp_path)
    assert [f.source for f in files] == ["z_real/doc.txt"]
    assert skipped == [Skipped("a_link/", "same folder as z_real/")]


def test_unreadable_folder_is_skipped_not_raised(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("running as root: chmod 000 does not stop root from reading")
    (tmp_path / "locked").mkdir()
    (tmp_path / "locked" / "a.txt").write_text("x")
    (tmp_path / "locked").chmod(0)
    try:
        files, skipped = scan(tmp_path)
    finally:
        (tmp_path / "locked").chmod(0o755)
    assert files == []
    assert skipped == [Skipped("locked/", "unreadable folder: permission denied")]


def test_a_fifo_with_a_supported_suffix_is_skipped_without_blocking(tmp_path: Path) -> None:
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs on this platform")
    os.mkfifo(tmp_path / "pipe.txt")
    assert scan(tmp_path) == ([], [Skipped("pipe.txt", "not a regular file")])


# -- decoding text ---------------------------------------------------------------------------

TEXT = "Größe: 1 ≤ 2 — ünïcode “quotes” and emoji 🙂.\nSecond line.\n"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (TEXT.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8-sig"),
        (codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"), "utf-16"),
        (codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"), "utf-16"),
        (codecs.BOM_UTF32_LE + TEXT.encode("utf-32-le"), "utf-32"),
        (codecs.BOM_UTF32_BE + TEXT.encode("utf-32-be"), "utf-32"),
    ],
    ids=["utf-8", "utf-8-bom", "utf-16-le-bom", "utf-16-be-bom", "utf-32-le-bom", "utf-32-be-bom"],
)
def test_unicode_files_decode_to_the_same_text(tmp_path: Path, data: bytes, encoding: str) -> None:
    (tmp_path / "doc.txt").write_bytes(data)
    doc = load(tmp_path / "doc.txt")
    # A UTF-8 BOM stays as U+FEFF, exactly as open(encoding="utf-8") reads it; the others go.
    expected = "\ufeff" + TEXT if encoding == "utf-8-sig" else TEXT
    assert (doc.text, doc.encoding, doc.warnings) == (expected, encoding, ())
    assert not doc.title.startswith("\ufeff")


def test_utf16_without_bom_is_decoded_with_a_warning(tmp_path: Path) -> None:
    (tmp_path / "doc.txt").write_bytes("Plain ASCII-ish notes, mostly.\n".encode("utf-16-le"))
    doc = load(tmp_path / "doc.txt")
    assert doc.text == "Plain ASCII-ish notes, mostly.\n"
    assert doc.encoding == "utf-16-le"
    assert doc.warnings == ("decoded as utf-16-le (no byte-order mark)",)


@pytest.mark.parametrize(
    ("data", "text", "encoding"),
    [
        (b"caf\xe9 \x93quoted\x94 \x80 5\n", "café “quoted” € 5\n", "cp1252"),
        (b"invalid \xff\xfe utf-8 \xc3(\n", "invalid ÿþ utf-8 Ã(\n", "cp1252"),
        (b"undefined in cp1252: \x81\x8d\n", "undefined in cp1252: \x81\x8d\n", "latin-1"),
    ],
)
def test_non_utf8_text_falls_back_to_a_legacy_encoding_with_a_warning(
    tmp_path: Path, data: bytes, text: str, encoding: str
) -> None:
    (tmp_path / "old.txt").write_bytes(data)
    doc = load(tmp_path / "old.txt")
    assert (doc.text, doc.encoding) == (text, encoding)
    assert doc.warnings == (f"decoded as {encoding} (not valid UTF-8)",)


@pytest.mark.parametrize(
    "data",
    [
        b"one\r\ntwo\r\n",
        b"one\rtwo\rthree",
        b"mixed\r\nold mac\runix\n\r\n\n\r",
        "crlf ünïcode\r\n\r\nend".encode(),
    ],
)
def test_utf8_text_equals_what_python_open_reads(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "doc.txt"
    path.write_bytes(data)
    with open(path, encoding="utf-8", newline=None) as handle:
        assert load(path).text == handle.read()


@settings(max_examples=60, deadline=None)
@given(
    st.text(
        alphabet=st.characters(codec="utf-8", exclude_characters="\x00"),
        min_size=1,
    )
)
def test_any_utf8_text_file_reads_like_python_open_or_is_skipped(text: str) -> None:
    # NUL bytes are excluded: they make a file binary (or BOM-less UTF-16) by design.
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "doc.txt"
        path.write_bytes(text.encode("utf-8"))
        try:
            loaded = load(path).text
        except SkipFile as skipped:
            # Only text a reader would call binary or blank is left out.
            assert str(skipped) in {"binary file", "no text"}
            return
        with open(path, encoding="utf-8", newline=None) as handle:
            assert loaded == handle.read()


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00\x00",
        b"PK\x03\x04\x14\x00\x00\x00\x08\x00\xa0\x8b\x5c\x58readme.txt\x00\x00",
        b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00>\x00\x01\x00\x00\x00",
        b"looks like text\x00but has a NUL\n",
        bytes(range(1, 32)) * 20,
    ],
    ids=["png", "zip", "elf", "nul-in-text", "control-bytes"],
)
def test_binary_files_are_skipped(tmp_path: Path, data: bytes) -> None:
    (tmp_path / "file.txt").write_bytes(data)
    assert skip_reason(tmp_path / "file.txt") == "binary file"


@pytest.mark.parametrize(
    ("data", "reason"),
    [(b"", "empty file"), (b" \n\t\r\n  ", "no text"), (codecs.BOM_UTF8, "no text")],
)
def test_empty_and_blank_files_are_skipped(tmp_path: Path, data: bytes, reason: str) -> None:
    (tmp_path / "blank.md").write_bytes(data)
    assert skip_reason(tmp_path / "blank.md") == reason


# -- loading: failures become SkipFile --------------------------------------------------------


def test_a_file_that_vanished_after_the_scan_is_skipped(tmp_path: Path) -> None:
    (tmp_path / "gone.txt").write_text("soon gone")
    [info], _ = scan(tmp_path)
    (tmp_path / "gone.txt").unlink()
    with pytest.raises(SkipFile, match="vanished"):
        load_document(tmp_path, info)


def test_a_file_that_changed_size_after_the_scan_is_skipped(tmp_path: Path) -> None:
    (tmp_path / "grows.txt").write_text("short")
    [info], _ = scan(tmp_path)
    (tmp_path / "grows.txt").write_text("much longer now")
    with pytest.raises(SkipFile, match="changed while indexing"):
        load_document(tmp_path, info)


def test_unreadable_file_is_skipped(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("running as root: chmod 000 does not stop root from reading")
    (tmp_path / "secret.txt").write_text("x")
    (tmp_path / "secret.txt").chmod(0)
    try:
        assert skip_reason(tmp_path / "secret.txt") == "unreadable: permission denied"
    finally:
        (tmp_path / "secret.txt").chmod(0o644)


def test_a_permission_error_while_reading_is_a_skip(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Works as root too, unlike chmod: the OS refusal is simulated at os.open.
    (tmp_path / "secret.txt").write_text("x")

    def refuse(*args: object, **kwargs: object) -> int:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "open", refuse)
    assert skip_reason(tmp_path / "secret.txt") == "unreadable: permission denied"


def test_an_unexpected_error_while_parsing_is_a_skip(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import askbrief.documents.corpus as corpus

    def explode(data: bytes) -> object:
        raise RecursionError("deep")

    (tmp_path / "doc.txt").write_text("fine")
    monkeypatch.setattr(corpus, "decode_text", explode)
    assert skip_reason(tmp_path / "doc.txt") == "unreadable: RecursionError"


@pytest.mark.parametrize("source", ["../outside.txt", "/etc/passwd", "a/../../b.txt", ""])
def test_read_document_text_refuses_sources_outside_the_folder(tmp_path: Path, source: str) -> None:
    with pytest.raises(SkipFile, match="not inside"):
        read_document_text(tmp_path, source)


def test_read_document_text_of_a_missing_source_is_a_skip(tmp_path: Path) -> None:
    with pytest.raises(SkipFile, match="not found"):
        read_document_text(tmp_path, "nope.txt")


def test_document_carries_size_and_mtime_from_the_scan(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("hello")
    [info], _ = scan(tmp_path)
    doc = load_document(tmp_path, info)
    assert (doc.source, doc.size, doc.mtime_ns) == ("a.txt", 5, info.mtime_ns)
    assert doc.page_starts is None


# -- titles and headings ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "text", "title"),
    [
        ("notes.txt", "\n\n   First real line  \nsecond\n", "First real line"),
        ("notes.txt", "x" * 300, "x" * 200),
        ("notes.txt", ("word " * 60).strip(), ("word " * 40).strip()),
        ("guide.md", "intro text\n\n## Sub\n\n# Main Title #\n", "Main Title"),
        ("guide.md", "plain first line\n\n## Only a level two\n", "plain first line"),
        ("guide.md", "---\ntitle: 'From Front Matter'\n---\n# Heading\n", "From Front Matter"),
        ("guide.md", "Setext Title\n============\n\nbody\n", "Setext Title"),
        ("page.rst", "=====\nTitle\n=====\n\nSection\n-------\n", "Title"),
        ("page.rst", "no sections here\n", "no sections here"),
    ],
)
def test_titles_come_from_the_document(tmp_path: Path, name: str, text: str, title: str) -> None:
    (tmp_path / name).write_text(text, encoding="utf-8")
    assert load(tmp_path / name).title == title


def test_markdown_headings_have_offsets_of_their_lines_and_skip_code(tmp_path: Path) -> None:
    text = (
        "# Title\n\nintro\n\n```\n# not a heading\n```\n\n## Setup ##\n\n"
        "Usage\n-----\n\n- item\n---\n\n#hashtag is not a heading\n"
    )
    (tmp_path / "a.md").write_text(text)
    doc = load(tmp_path / "a.md")
    assert [label for _, label in doc.headings] == ["Title", "Setup", "Usage"]
    assert [doc.text[offset : offset + 8] for offset, _ in doc.headings] == [
        "# Title\n",
        "## Setup",
        "Usage\n--",
    ]


def test_text_files_have_no_headings(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("# looks like markdown\n")
    assert load(tmp_path / "a.txt").headings == ()


# -- HTML files ------------------------------------------------------------------------------


def test_html_file_gives_visible_text_title_and_headings(tmp_path: Path) -> None:
    html = (
        "<html><head><title>The  Guide</title><style>p{color:red}</style></head><body>"
        "<nav>Home | About</nav><h1 id=x>Install<a class=headerlink href=#x>¶</a></h1>"
        "<p>Use &lt;pip&gt; &amp; <b>enjoy</b>.</p><script>alert('x')</script></body></html>"
    )
    (tmp_path / "page.html").write_text(html)
    doc = load(tmp_path / "page.html")
    assert doc.text == "Install¶\n\nUse <pip> & enjoy."
    assert doc.title == "The Guide"
    assert doc.headings == ((0, "Install"),)


@pytest.mark.parametrize(
    ("html", "title"),
    [
        ("<h2>Minor</h2><h1>Main  heading</h1><p>x</p>", "Main heading"),
        ("<p>no headings</p>", "page"),
    ],
)
def test_html_title_falls_back_to_h1_then_file_stem(tmp_path: Path, html: str, title: str) -> None:
    (tmp_path / "page.htm").write_text(html)
    assert load(tmp_path / "page.htm").title == title


@pytest.mark.parametrize(
    ("data", "encoding", "warnings"),
    [
        ('<meta charset="windows-1252"><p>caf\xe9</p>'.encode("cp1252"), "cp1252", ()),
        (
            b'<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1"><p>caf\xe9',
            "cp1252",
            (),
        ),
        (codecs.BOM_UTF16_LE + "<p>café</p>".encode("utf-16-le"), "utf-16", ()),
        ("<p>café</p>".encode(), "utf-8", ()),
        (b"<p>caf\xe9</p>", "cp1252", ("decoded as cp1252 (not valid UTF-8)",)),
    ],
    ids=["meta-charset", "http-equiv", "utf-16-bom", "utf-8", "cp1252-fallback"],
)
def test_html_encoding_is_found_from_bom_meta_or_content(
    tmp_path: Path, data: bytes, encoding: str, warnings: tuple[str, ...]
) -> None:
    (tmp_path / "p.html").write_bytes(data)
    doc = load(tmp_path / "p.html")
    assert (doc.text, doc.encoding, doc.warnings) == ("café", encoding, warnings)


@pytest.mark.parametrize(
    ("html", "reason"),
    [
        ("<html><script>only()</script><nav>menu</nav></html>", "no text"),
        ("\x00\x01binary<p>", "binary file"),
    ],
)
def test_html_without_visible_text_is_skipped(tmp_path: Path, html: str, reason: str) -> None:
    (tmp_path / "p.html").write_text(html)
    assert skip_reason(tmp_path / "p.html") == reason


# -- PDF files -------------------------------------------------------------------------------


def test_pdf_text_is_joined_by_page_with_page_starts(tmp_path: Path) -> None:
    (tmp_path / "r.pdf").write_bytes(
        make_pdf([["First page says hello."], ["Second page (two lines)", "and more."]])
    )
    doc = load(tmp_path / "r.pdf")
    assert doc.text == "First page says hello.\n\nSecond page (two lines)\nand more."
    assert doc.page_starts == (0, len("First page says hello.\n\n"))
    assert (doc.title, doc.encoding) == ("First page says hello.", "pdf")


def test_pdf_title_comes_from_metadata(tmp_path: Path) -> None:
    (tmp_path / "r.pdf").write_bytes(make_pdf([["Body text."]], title="Annual  Report"))
    assert load(tmp_path / "r.pdf").title == "Annual Report"


def test_pdf_with_a_blank_page_keeps_page_numbers(tmp_path: Path) -> None:
    (tmp_path / "r.pdf").write_bytes(make_pdf([["one"], [], ["three"]]))
    doc = load(tmp_path / "r.pdf")
    assert doc.page_starts is not None
    assert [doc.text[s:].split("\n\n")[0] for s in doc.page_starts] == ["one", "", "three"]


def test_pdf_without_a_text_layer_is_skipped(tmp_path: Path) -> None:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    buffer = io.BytesIO()
    writer.write(buffer)
    (tmp_path / "scan.pdf").write_bytes(buffer.getvalue())
    assert skip_reason(tmp_path / "scan.pdf") == "PDF has no text layer (scanned?)"


def _encrypted(data: bytes, user: str, owner: str) -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    # RC4 needs no optional dependency; AES would need the cryptography package.
    writer.encrypt(user_password=user, owner_password=owner, algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_pdf_with_a_user_password_is_skipped(tmp_path: Path) -> None:
    (tmp_path / "locked.pdf").write_bytes(_encrypted(make_pdf([["secret"]]), "pw", "owner"))
    assert skip_reason(tmp_path / "locked.pdf") == "encrypted PDF"


def test_pdf_encrypted_with_an_empty_user_password_is_read(tmp_path: Path) -> None:
    (tmp_path / "open.pdf").write_bytes(_encrypted(make_pdf([["readable"]]), "", "owner"))
    assert load(tmp_path / "open.pdf").text == "readable"


@pytest.mark.parametrize(
    "data", [b"%PDF-1.4\nthis is not really a pdf\n", b"plain text named .pdf"]
)
def test_broken_pdf_is_skipped_as_unreadable(tmp_path: Path, data: bytes) -> None:
    (tmp_path / "bad.pdf").write_bytes(data)
    assert skip_reason(tmp_path / "bad.pdf").startswith("unreadable PDF: ")


@pytest.mark.parametrize(
    ("first_line", "title"),
    [
        (
            "Story of the day - News Archive - Agency - Politics Economy Business Wire Oil Gas "
            "Chemical Industry Power",
            "Story of the day",
        ),
        ("A short title - Site", "A short title - Site"),
        ("Report: Beijing chafes at requests", "Report: Beijing chafes at requests"),
    ],
)
def test_a_long_title_of_parts_keeps_its_first_part(
    tmp_path: Path, first_line: str, title: str
) -> None:
    (tmp_path / "doc.txt").write_text(first_line + "\n\nBody text here.", encoding="utf-8")
    assert load(tmp_path / "doc.txt").title == title


@pytest.mark.parametrize(
    ("name", "read"),
    [
        ("README", True),
        ("NEWS", True),
        ("FAQ", True),
        ("COPYING", True),
        ("copyright", True),
        ("README.Debian", True),
        ("README.source", True),
        ("README.gz", False),
        ("NEWS.Debian.gz", False),
        ("Makefile", False),
        ("bcalc", False),
        ("INSTALL.sh", False),
    ],
)
def test_text_files_named_by_convention_are_read_without_a_suffix(name: str, read: bool) -> None:
    assert is_named_text(name) is read


def test_a_readme_is_answered_from_and_a_binary_one_is_skipped_with_its_reason(
    tmp_path: Path,
) -> None:
    (tmp_path / "README").write_text(
        "Frobnicator\n\nRun frobnicate --all to frobnicate every widget at once.\n"
    )
    (tmp_path / "CORE").write_bytes(b"\x7fELF\x00\x00binary" * 50)
    files, _ = scan_corpus(tmp_path, max_file_bytes=50 * MB)
    assert [f.source for f in files] == ["CORE", "README"]
    readme = load_document(tmp_path, files[1])
    assert readme.title == "Frobnicator"
    assert "frobnicate --all" in readme.text
    with pytest.raises(SkipFile, match="binary file"):
        load_document(tmp_path, files[0])
