"""Text of an EPUB book: its XHTML chapters in spine order, each read by the HTML reader.

An EPUB is a zip: ``META-INF/container.xml`` names the package (OPF) file, whose manifest lists
the files and whose spine orders the chapters. Only the stdlib is used (zipfile, ElementTree,
and askbrief's own HTML reader), so quotes are cut from the same text a web page would give.
"""

from __future__ import annotations

import posixpath
import zipfile
from urllib.parse import unquote
from xml.etree import ElementTree

from ..errors import SkipFile
from .archive import PackageText, open_zip, short_error
from .html import decode_html, extract_html

__all__ = ["CHAPTER_SEPARATOR", "extract_epub"]

CHAPTER_SEPARATOR = "\n\n"
_CONTAINER = "META-INF/container.xml"
_ENCRYPTION = "META-INF/encryption.xml"
_CHAPTER_TYPES = frozenset({"application/xhtml+xml", "text/html", "application/xml"})
_NS = {
    "c": "urn:oasis:names:tc:opendocument:xmlns:container",
    "opf": "http://www.idpf.org/2007/opf",
    "dc": "http://purl.org/dc/elements/1.1/",
    "enc": "http://www.w3.org/2001/04/xmlenc#",
}


def extract_epub(data: bytes) -> PackageText:
    """Read an EPUB; raise SkipFile when it is damaged, DRM-encrypted, or holds no text."""
    archive = open_zip(data, "EPUB")
    try:
        opf_path = _package_path(archive)
        opf = _xml(archive, opf_path)
        chapters = _spine(opf, posixpath.dirname(opf_path))
        if _encrypted(archive) & set(chapters):
            raise SkipFile("encrypted EPUB (DRM)")
        title = " ".join((opf.findtext("opf:metadata/dc:title", "", _NS) or "").split())
        parts: list[str] = []
        headings: list[tuple[int, str]] = []
        offset = 0
        for name in chapters:
            try:
                raw = archive.read(name)
            except KeyError:
                continue  # a spine entry whose file is missing: keep the rest of the book
            source_html, _, _ = decode_html(raw)
            page = extract_html(source_html)
            if not page.text.strip():
                continue
            if parts:
                offset += len(CHAPTER_SEPARATOR)
            own = list(page.headings)
            label = page.title or page.h1
            if label and not (own and own[0][0] == 0):
                headings.append((offset, label))  # the chapter's title heads its start
            headings.extend((offset + at, text) for at, text in own)
            parts.append(page.text)
            offset += len(page.text)
    except SkipFile:
        raise
    except Exception as exc:  # zipfile and expat raise many types on damaged books
        raise SkipFile(f"unreadable EPUB: {short_error(exc)}") from exc
    if not parts:
        raise SkipFile("EPUB has no text")
    return PackageText(CHAPTER_SEPARATOR.join(parts), tuple(headings), title)


def _package_path(archive: zipfile.ZipFile) -> str:
    try:
        container = _xml(archive, _CONTAINER)
    except KeyError as exc:
        raise SkipFile("damaged EPUB: no META-INF/container.xml") from exc
    rootfile = container.find("c:rootfiles/c:rootfile", _NS)
    path = rootfile.get("full-path") if rootfile is not None else None
    if not path:
        raise SkipFile("damaged EPUB: container.xml names no package file")
    return path


def _spine(opf: ElementTree.Element, base: str) -> list[str]:
    """The chapters' paths inside the zip, in reading order."""
    manifest: dict[str, tuple[str, str]] = {}
    for item in opf.findall("opf:manifest/opf:item", _NS):
        item_id, href = item.get("id"), item.get("href")
        if item_id and href:
            manifest[item_id] = (_resolve(base, href), item.get("media-type", ""))
    chapters: list[str] = []
    for ref in opf.findall("opf:spine/opf:itemref", _NS):
        path, media = manifest.get(ref.get("idref") or "", ("", ""))
        if path and media in _CHAPTER_TYPES and path not in chapters:
            chapters.append(path)
    if not chapters:
        raise SkipFile("damaged EPUB: the spine lists no chapters")
    return chapters


def _encrypted(archive: zipfile.ZipFile) -> set[str]:
    """Files encrypted per META-INF/encryption.xml (fonts are often obfuscated: that is fine)."""
    try:
        root = _xml(archive, _ENCRYPTION)
    except KeyError:
        return set()
    return {
        _resolve("", uri)
        for ref in root.iter(f"{{{_NS['enc']}}}CipherReference")
        if (uri := ref.get("URI"))
    }


def _resolve(base: str, href: str) -> str:
    return posixpath.normpath(posixpath.join(base, unquote(href.split("#", 1)[0])))


def _xml(archive: zipfile.ZipFile, name: str) -> ElementTree.Element:
    return ElementTree.fromstring(archive.read(name))
