"""Text of a Word (.docx) document with python-docx: paragraphs in order, headings, tables.

python-docx is imported only when a .docx is read, to start fast. The text is laid out the way
the HTML reader lays out a page: a blank line between paragraphs, a table as one block with a
line per row and its cells joined by " | ", so quotes are cut from this text like any other.
"""

from __future__ import annotations

import io

from ..errors import SkipFile
from .archive import PackageText, open_zip, short_error

__all__ = ["CELL_SEPARATOR", "extract_docx"]

CELL_SEPARATOR = " | "
_BLOCK_SEPARATOR = "\n\n"
# An encrypted Office file is an OLE compound file, not a zip: this is its signature.
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTION_STREAM = "EncryptionInfo".encode("utf-16-le")


def extract_docx(data: bytes) -> PackageText:
    """Read a .docx; raise SkipFile when it is encrypted, damaged, or holds no text."""
    if data.startswith(_OLE_MAGIC):
        if _ENCRYPTION_STREAM in data:
            raise SkipFile("encrypted Word document (password-protected)")
        raise SkipFile("not a .docx file (an old binary .doc renamed?)")
    open_zip(data, "Word document")
    import docx
    from docx.table import Table

    try:
        document = docx.Document(io.BytesIO(data))
        blocks: list[tuple[str, bool]] = []  # (text, is a heading)
        for item in document.iter_inner_content():
            if isinstance(item, Table):
                blocks.append((_table_text(item), False))
            else:
                style = item.style.name if item.style is not None else ""
                blocks.append((item.text.strip(), _is_heading(style or "")))
        title = " ".join((document.core_properties.title or "").split())
    except Exception as exc:  # python-docx and lxml raise many types on damaged files
        raise SkipFile(f"unreadable Word document: {short_error(exc)}") from exc
    parts: list[str] = []
    headings: list[tuple[int, str]] = []
    offset = 0
    for text, heading in blocks:
        if not text.strip():
            continue
        if parts:
            offset += len(_BLOCK_SEPARATOR)
        if heading:
            headings.append((offset, " ".join(text.split())))
        parts.append(text)
        offset += len(text)
    if not parts:
        raise SkipFile("Word document has no text")
    return PackageText(_BLOCK_SEPARATOR.join(parts), tuple(headings), title)


def _is_heading(style: str) -> bool:
    # Word's built-in names, which python-docx reports in English whatever the UI language.
    return style == "Title" or style.startswith("Heading")


def _table_text(table: object) -> str:
    """One line per row, cells joined by CELL_SEPARATOR; a merged cell is written once."""
    from docx.table import Table

    assert isinstance(table, Table)
    lines = []
    for row in table.rows:
        cells: list[str] = []
        seen: set[int] = set()
        for cell in row.cells:
            if id(cell._tc) in seen:
                continue  # python-docx repeats a horizontally merged cell for each column
            seen.add(id(cell._tc))
            cells.append(" ".join(cell.text.split()))
        if any(cells):
            lines.append(CELL_SEPARATOR.join(cells))
    return "\n".join(lines)
