"""Text of a PDF, page by page, with pypdf (imported only when a PDF is read, to start fast)."""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..errors import SkipFile

if TYPE_CHECKING:
    from pypdf import PdfReader

__all__ = ["PAGE_SEPARATOR", "PdfText", "extract_pdf"]

PAGE_SEPARATOR = "\n\n"


@dataclass(frozen=True)
class PdfText:
    """Pages joined by PAGE_SEPARATOR; ``page_starts[i]`` is where page i+1 begins."""

    text: str
    page_starts: tuple[int, ...]
    title: str  # from the PDF's metadata, "" when it has none


def extract_pdf(data: bytes) -> PdfText:
    """Read a PDF; raise SkipFile when it is encrypted, has no text layer, or pypdf fails."""
    from pypdf import PdfReader
    from pypdf.errors import DependencyError

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                if not reader.decrypt(""):
                    raise SkipFile("encrypted PDF")
            except DependencyError as exc:
                raise SkipFile("encrypted PDF (needs the cryptography package)") from exc
        pages = [_clean(page.extract_text() or "") for page in reader.pages]
        title = _metadata_title(reader)
    except SkipFile:
        raise
    except Exception as exc:  # pypdf raises many types on damaged files; none may escape
        raise SkipFile(f"unreadable PDF: {_short(exc)}") from exc
    if not any(pages):
        raise SkipFile("PDF has no text layer (scanned?)")
    starts: list[int] = []
    offset = 0
    for page in pages:
        starts.append(offset)
        offset += len(page) + len(PAGE_SEPARATOR)
    return PdfText(PAGE_SEPARATOR.join(pages), tuple(starts), title)


def _clean(page_text: str) -> str:
    # Only whitespace changes: quotes are compared with pypdf's own text, whitespace aside.
    return page_text.replace("\r\n", "\n").replace("\r", "\n").strip(" \t\n\f\v")


def _metadata_title(reader: PdfReader) -> str:
    try:
        metadata = reader.metadata
        title = metadata.title if metadata is not None else None
    except Exception:  # broken metadata is not worth losing the document over
        return ""
    return " ".join(str(title).split()) if title else ""


def _short(exc: Exception) -> str:
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return (first[:80] or type(exc).__name__).rstrip()
