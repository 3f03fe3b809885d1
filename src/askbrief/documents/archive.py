"""Opening the zip files that Word documents and EPUB books are, with the same refusals."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from ..errors import SkipFile

__all__ = ["MAX_UNPACKED_BYTES", "PackageText", "open_zip", "short_error"]

# A small file can unpack to gigabytes (a zip bomb); real documents stay far below this.
MAX_UNPACKED_BYTES = 512 * 1024 * 1024


@dataclass(frozen=True)
class PackageText:
    """What a Word document or an EPUB book says: its text, (offset, text) per heading or
    chapter, and its title ("" when none)."""

    text: str
    headings: tuple[tuple[int, str], ...]
    title: str


def open_zip(data: bytes, kind: str) -> zipfile.ZipFile:
    """The file as an open zip; SkipFile when it is not one or would unpack too large."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise SkipFile(f"damaged {kind}: not a valid zip file") from exc
    if unpacked > MAX_UNPACKED_BYTES:
        raise SkipFile(f"{kind} unpacks to over {MAX_UNPACKED_BYTES // (1024 * 1024)} MB")
    return archive


def short_error(exc: Exception) -> str:
    """The first line of an exception's message (its type when it has none), for a skip reason."""
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return (first[:80] or type(exc).__name__).rstrip()
