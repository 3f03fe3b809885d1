"""Find and read the documents in a corpus folder: the only module that opens user files.

A problem with one file never stops the rest: scanning lists it as ``Skipped`` and loading
raises ``SkipFile``, each with a reason the user can act on. Only an unusable corpus folder
raises ``CorpusError``.
"""

from __future__ import annotations

import codecs
import errno
import os
import re
import stat
import unicodedata
from collections import Counter, deque
from pathlib import Path, PurePosixPath

from ..errors import CorpusError, SkipFile
from ..types import Document, FileInfo, Skipped
from .titles import clip_title, first_line, site_title, text_title_and_headings

# Bump when what load_document makes of a file changes: saved indexes are then rebuilt.
READER_VERSION = "22"

__all__ = [
    "NO_SUFFIX",
    "READER_VERSION",
    "SUPPORTED_SUFFIXES",
    "documents_folder",
    "is_named_text",
    "reads_file",
    "load_document",
    "read_document_text",
    "scan_corpus",
]

SUPPORTED_SUFFIXES: frozenset[str] = frozenset(
    {".txt", ".md", ".markdown", ".rst", ".html", ".htm", ".pdf", ".docx", ".epub"}
)
NO_SUFFIX = "(no extension)"
# Text files named by convention rather than by type, as software and Debian's /usr/share/doc ship
# them: README, NEWS, INSTALL, FAQ, AUTHORS, COPYING, Debian's copyright, README.Debian,
# README.source. An upper-case name with no suffix, or with one that starts in upper case or is
# "source"; "Makefile", "bcalc" (a script) and "README.gz" are not.
_NAMED_TEXT = re.compile(r"(?:[A-Z][A-Z0-9_-]*|copyright)(?:\.(?:[A-Z][\w-]*|source))?")
_HTML = frozenset({".html", ".htm"})
_SNIFF = 8192  # bytes looked at to tell text from binary
# UTF-32 first: its little-endian BOM starts with UTF-16's.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_TEXT_CONTROLS = frozenset("\t\n\r\f\v\x1b")
_CONTROL_BYTES = frozenset(range(32)) - frozenset(b"\t\n\r\f\v\x1b") | {0x7F}


# -- scanning --------------------------------------------------------------------------------


def is_named_text(name: str) -> bool:
    """Whether a file named ``name`` (no folder) is read as plain text for its name alone."""
    return _NAMED_TEXT.fullmatch(name) is not None


def reads_file(name: str) -> bool:
    """Whether askbrief reads a file named ``name`` (no folder): by its suffix, or by a
    conventional name (``is_named_text``). The scan and the folder watcher ask the same."""
    return PurePosixPath(name).suffix.lower() in SUPPORTED_SUFFIXES or is_named_text(name)


def documents_folder(root: Path) -> Path:
    """The folder sources are relative to: the corpus folder itself, or, for a corpus that is
    one file, the folder holding it (its one source is the file's name)."""
    return root.parent if root.is_file() else root


def scan_corpus(
    root: Path, *, max_file_bytes: int, unsupported: Counter[str] | None = None
) -> tuple[list[FileInfo], list[Skipped]]:
    """Walk root recursively; return candidate files (sorted by source) and skipped files with
    reasons. Reads no file contents (only stat). A root that is one file is a corpus of it.
    Files of types askbrief does not read are counted by suffix in ``unsupported``
    (``NO_SUFFIX`` for none), not listed one by one."""
    try:
        root_stat = os.stat(root)
    except (FileNotFoundError, NotADirectoryError) as exc:
        raise CorpusError(f"corpus folder not found: {root}") from exc
    except OSError as exc:
        raise CorpusError(f"cannot read corpus folder {root}: {_why(exc)}") from exc
    if stat.S_ISREG(root_stat.st_mode):
        return _scan_one_file(root, root_stat, max_file_bytes)
    if not stat.S_ISDIR(root_stat.st_mode):
        raise CorpusError(f"corpus path is not a folder or a file: {root}")
    files: list[FileInfo] = []
    skipped: list[Skipped] = []
    seen: dict[tuple[int, int], str] = {}  # (device, inode) of each folder walked -> its source
    # Real folders are walked before symlinked ones, so a link into the corpus is the duplicate.
    folders: list[tuple[str, str]] = [(os.fspath(root), "")]
    links: deque[tuple[str, str, str]] = deque()  # (link path, source, folder holding it)
    seen[(root_stat.st_dev, root_stat.st_ino)] = "."
    while folders or links:
        if not folders:
            path, source, parent = links.popleft()
            reason = _link_problem(path, source, parent, seen)
            if reason:
                skipped.append(Skipped(source + "/", reason))
            else:
                folders.append((path, source + "/"))
            continue
        folder, prefix = folders.pop()
        try:
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=lambda entry: entry.name)
        except OSError as exc:
            if not prefix:
                raise CorpusError(f"cannot read corpus folder {root}: {_why(exc)}") from exc
            skipped.append(Skipped(prefix, f"unreadable folder: {_why(exc)}"))
            continue
        for entry in entries:
            if entry.name.startswith("."):
                continue  # hidden files and folders are private by convention
            source = prefix + entry.name
            suffix = PurePosixPath(entry.name).suffix.lower()
            reportable = reads_file(entry.name) or not suffix
            if not _utf8_name(entry.name):
                # Sources travel as UTF-8 (JSON, the saved index); such a name cannot.
                if reportable or entry.is_dir():
                    printable = source.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
                    skipped.append(Skipped(printable, "file name is not valid UTF-8"))
                continue
            try:
                info = entry.stat()  # follows symlinks
            except OSError as exc:
                if reportable:
                    skipped.append(Skipped(source, _stat_problem(entry, exc)))
                continue
            if stat.S_ISDIR(info.st_mode):
                if entry.is_symlink():
                    links.append((entry.path, source, folder))
                elif (info.st_dev, info.st_ino) not in seen:
                    seen[(info.st_dev, info.st_ino)] = source + "/"
                    folders.append((entry.path, source + "/"))
            elif reads_file(entry.name):
                if not stat.S_ISREG(info.st_mode):
                    skipped.append(Skipped(source, "not a regular file"))
                elif info.st_size > max_file_bytes:
                    skipped.append(Skipped(source, f"larger than {_mb(max_file_bytes)} MB limit"))
                else:
                    files.append(FileInfo(source, info.st_size, info.st_mtime_ns))
            elif unsupported is not None and stat.S_ISREG(info.st_mode):
                unsupported[suffix or NO_SUFFIX] += 1
    files.sort(key=lambda f: f.source)
    skipped.sort(key=lambda s: s.source)
    return files, skipped


def _scan_one_file(
    path: Path, info: os.stat_result, max_file_bytes: int
) -> tuple[list[FileInfo], list[Skipped]]:
    """A corpus of one file, named by the user: a type askbrief does not read is an error."""
    suffix = path.suffix.lower()
    if not reads_file(path.name):
        kinds = ", ".join(sorted(SUPPORTED_SUFFIXES))
        raise CorpusError(
            f"cannot read {path}: {suffix or 'a file without an extension'} is not a type "
            f"askbrief reads ({kinds}, or a folder of them)"
        )
    if info.st_size > max_file_bytes:
        return [], [Skipped(path.name, f"larger than {_mb(max_file_bytes)} MB limit")]
    return [FileInfo(path.name, info.st_size, info.st_mtime_ns)], []


def _utf8_name(name: str) -> bool:
    """False for a name whose bytes are not UTF-8 (Python holds them as lone surrogates)."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _link_problem(path: str, source: str, parent: str, seen: dict[tuple[int, int], str]) -> str:
    """Why a symlinked folder is not walked ("" when it should be), recording it if walked."""
    try:
        info = os.stat(path)
    except OSError as exc:
        return f"unreadable folder: {_why(exc)}"
    target, here = os.path.realpath(path), os.path.realpath(parent)
    if here == target or here.startswith(target.rstrip(os.sep) + os.sep):
        return "symlink loop"  # it points at a folder that holds the link itself
    key = (info.st_dev, info.st_ino)
    if key in seen:
        return f"same folder as {seen[key]}"
    seen[key] = source + "/"
    return ""


def _stat_problem(entry: os.DirEntry[str], exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return "symlink loop"
    if isinstance(exc, FileNotFoundError):
        return "dangling symlink" if entry.is_symlink() else "file vanished while indexing"
    return f"unreadable: {_why(exc)}"


def _why(exc: OSError) -> str:
    return (exc.strerror or type(exc).__name__).lower()


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.3g}"


# -- loading ---------------------------------------------------------------------------------


def load_document(root: Path, info: FileInfo) -> Document:
    """Read and decode one file; raise SkipFile(reason) when it must be left out."""
    path = root / info.source
    try:
        data = _read_bytes(path, info.size)
        return _parse(path, info, data)
    except SkipFile:
        raise
    except FileNotFoundError as exc:
        raise SkipFile("file vanished while indexing") from exc
    except PermissionError as exc:
        raise SkipFile("unreadable: permission denied") from exc
    except OSError as exc:
        raise SkipFile(f"unreadable: {_why(exc)}") from exc
    except Exception as exc:  # one odd file must never stop indexing
        raise SkipFile(f"unreadable: {type(exc).__name__}") from exc


def read_document_text(root: Path, source: str) -> str:
    """The text of one source as indexing would read it now (to re-check quotes at display)."""
    parts = PurePosixPath(source).parts
    if not parts or PurePosixPath(source).is_absolute() or ".." in parts:
        raise SkipFile("not inside the corpus folder")
    root = documents_folder(root)
    try:
        info = os.stat(root / source)
    except FileNotFoundError as exc:
        raise SkipFile("file not found") from exc
    except OSError as exc:
        raise SkipFile(f"unreadable: {_why(exc)}") from exc
    return load_document(root, FileInfo(source, info.st_size, info.st_mtime_ns)).text


def _read_bytes(path: Path, expected: int) -> bytes:
    # O_NONBLOCK: opening a FIFO that replaced the file must not hang indexing.
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise SkipFile("not a regular file")
        data = handle.read(expected + 1)  # never more than the scan allowed, plus one to notice
    if len(data) != expected:
        raise SkipFile("file changed while indexing")
    return data


def _parse(path: Path, info: FileInfo, data: bytes) -> Document:
    if not data:
        raise SkipFile("empty file")
    suffix = path.suffix.lower()
    page_starts: tuple[int, ...] | None = None
    headings: tuple[tuple[int, str], ...] = ()
    warnings: tuple[str, ...] = ()
    # Each reader is imported where it is needed: an `ask` whose index is up to date reads no
    # document, and need not pay for the parsers (tens of ms at start-up).
    if suffix == ".pdf":
        from .pdf import extract_pdf

        pdf = extract_pdf(data)
        text, encoding, page_starts = pdf.text, "pdf", pdf.page_starts
        title = pdf.title or first_line(text)
    elif suffix in (".docx", ".epub"):
        from .docx import extract_docx
        from .epub import extract_epub

        book = extract_docx(data) if suffix == ".docx" else extract_epub(data)
        text, encoding, headings = book.text, suffix[1:], book.headings
        title = book.title or (headings[0][1] if headings else first_line(text))
    elif suffix in _HTML:
        if not _starts_with_bom(data) and b"\0" in data[:_SNIFF]:
            raise SkipFile("binary file")
        from .html import decode_html, extract_html

        source_html, encoding, warnings = decode_html(data)
        page = extract_html(source_html)
        text, headings, title = page.text, page.headings, page.title or page.h1
    else:
        text, encoding, warnings = decode_text(data)
        title, headings = text_title_and_headings(suffix, text)
    if not text.replace("\ufeff", "").strip():
        raise SkipFile("no text")
    # A heading labels every passage under it (and is ranked with each): keep it a label's size.
    headings = tuple((offset, clip_title(" ".join(label.split()))) for offset, label in headings)
    return Document(
        source=info.source,
        title=clip_title(site_title(title.replace("\ufeff", "").strip())) or path.stem,
        text=text,
        size=info.size,
        mtime_ns=info.mtime_ns,
        encoding=encoding,
        page_starts=page_starts,
        headings=headings,
        warnings=warnings,
    )


# -- decoding --------------------------------------------------------------------------------


def decode_text(data: bytes) -> tuple[str, str, tuple[str, ...]]:
    """Bytes of a text file to (text, encoding, warnings), with newlines as ``open()`` gives.

    Raises SkipFile("binary file") for data that is not text in any encoding we try.
    """
    for bom, name in _BOMS:
        if data.startswith(bom):
            # A UTF-8 BOM stays in the text as U+FEFF, as open(encoding="utf-8") reads it, so
            # offsets agree with any tool that reads the file that way.
            codec = "utf-8" if name == "utf-8-sig" else name
            try:
                return _universal(data.decode(codec)), name, ()
            except UnicodeDecodeError:
                text = data.decode(name, errors="replace")
                return _universal(text), name, (f"some bytes were not valid {name}",)
    sample = data[:_SNIFF]
    guessed = _bomless_utf16(sample)
    if guessed is not None:
        try:
            text = data.decode(guessed)
        except UnicodeDecodeError:
            text = ""
        if text and _mostly_text(text[:_SNIFF]):
            return _universal(text), guessed, (f"decoded as {guessed} (no byte-order mark)",)
    if b"\0" in sample:
        raise SkipFile("binary file")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        if not _mostly_text(text[:_SNIFF]):
            raise SkipFile("binary file")
        return _universal(text), "utf-8", ()
    if sum(byte in _CONTROL_BYTES for byte in sample) > len(sample) / 10:
        raise SkipFile("binary file")
    for legacy in ("cp1252", "latin-1"):
        try:
            text = data.decode(legacy)
        except UnicodeDecodeError:
            continue
        return _universal(text), legacy, (f"decoded as {legacy} (not valid UTF-8)",)
    raise AssertionError("latin-1 decodes any bytes")  # pragma: no cover


def _universal(text: str) -> str:
    # Exactly what open(..., newline=None) does, so offsets match the file as Python reads it.
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _starts_with_bom(data: bytes) -> bool:
    return any(data.startswith(bom) for bom, _ in _BOMS)


def _bomless_utf16(sample: bytes) -> str | None:
    """UTF-16 text in ASCII-heavy languages has a NUL in every other byte; binary rarely does."""
    half = len(sample) // 2
    if half < 8 or len(sample) % 2:
        return None  # too little to tell, or an odd number of bytes: not UTF-16
    even, odd = sample[0 : half * 2 : 2].count(0), sample[1 : half * 2 : 2].count(0)
    if odd > 0.4 * half and even < 0.05 * half:
        return "utf-16-le"
    if even > 0.4 * half and odd < 0.05 * half:
        return "utf-16-be"
    return None


def _mostly_text(text: str) -> bool:
    controls = sum(
        1 for ch in text if ch not in _TEXT_CONTROLS and unicodedata.category(ch) == "Cc"
    )
    return controls <= len(text) / 10
