"""Titles and headings of plain text, Markdown and reStructuredText, and title clean-up.

A text file has no markup for its title, so it is the front matter's ``title:``, else the first
Markdown or reStructuredText heading, else the first line. Headings label the passages under them
(and are ranked with each), so they are kept to a label's size; so are titles, whose site names
("Story - Site - menu…") are cut to their first part.
"""

from __future__ import annotations

import re

__all__ = [
    "MARKDOWN",
    "clip_title",
    "first_line",
    "front_matter_end",
    "site_title",
    "text_title_and_headings",
]

MARKDOWN = (".md", ".markdown")  # the suffixes read as Markdown
_TITLE_CHARS = 200
# Only the opening hashes: the closing ones are stripped by hand in _atx_heading, because a
# lazy regex for "text, then optional closing hashes" is quadratic on long runs of blanks.
_ATX_OPEN = re.compile(r" {0,3}(#{1,6})(?=[ \t]|$)")
_CLOSING_HASHES = re.compile(r"[ \t]#+\Z")
_SETEXT = re.compile(r" {0,3}(=+|-+)[ \t]*")
_FENCE = re.compile(r" {0,3}(```|~~~)")
_LIST_ITEM = re.compile(r"\s*(?:[-*+]|\d+[.)])\s")
_ADORNMENT = re.compile(r"""([=\-`:'"~^_*+#<>.])\1{2,}\s*""")


def text_title_and_headings(suffix: str, text: str) -> tuple[str, tuple[tuple[int, str], ...]]:
    """The title and the (offset, heading) list of a text file, read by its suffix's syntax."""
    if suffix in MARKDOWN:
        found = _markdown_headings(text)
        title = _front_matter_title(text) or next((t for _, t, level in found if level == 1), "")
        headings = tuple((offset, label) for offset, label, _ in found)
    elif suffix == ".rst":
        headings = _rst_headings(text)
        title = headings[0][1] if headings else ""
    else:
        title, headings = "", ()
    return title or first_line(text, skip_adornments=suffix != ".txt"), headings


def first_line(text: str, *, skip_adornments: bool = False) -> str:
    for line in text.split("\n"):
        line = line.strip()
        if line and not (skip_adornments and _ADORNMENT.fullmatch(line)):
            return " ".join(line.split())
    return ""


# Tried only where a run of white space starts, and possessive: a title of a long blank run
# (a Markdown heading padded with spaces) would otherwise be re-scanned from every blank in it.
_TITLE_SEPARATORS = re.compile(r"(?<!\s)\s++[-|—–·:]{1,2}\s")
_LONG_TITLE = 80


def site_title(title: str) -> str:
    """A long title made of parts ("Story - News Archive - Site - Menu words ...") keeps its first
    part: the rest is a site's name and navigation, which would rank every passage of the page."""
    if len(title) <= _LONG_TITLE:
        return title
    first = _TITLE_SEPARATORS.split(title, maxsplit=1)[0].strip()
    return first if len(first) >= 10 else title


def clip_title(title: str) -> str:
    """At most _TITLE_CHARS, cut at a word boundary when there is one."""
    if len(title) <= _TITLE_CHARS:
        return title
    cut = title[:_TITLE_CHARS]
    space = cut.rfind(" ")
    return (cut[:space] if space > _TITLE_CHARS // 2 else cut).rstrip()


def front_matter_end(text: str) -> int:
    """Where a Markdown file's YAML front matter ("---" … "---") ends, or 0 when it has none."""
    if not text.startswith("---\n"):
        return 0
    offset = 4
    for line in text[4:].split("\n"):
        offset += len(line) + 1
        if line.strip() in ("---", "..."):
            return min(offset, len(text))
    return 0


def _front_matter_title(text: str) -> str:
    for line in text[4 : front_matter_end(text)].split("\n"):
        key, _, value = line.partition(":")
        if key.strip().lower() == "title" and value.strip():
            return value.strip().strip("'\"").strip()
    return ""


def _markdown_headings(text: str) -> list[tuple[int, str, int]]:
    """(offset of the heading line, text, level) for ATX and one-line setext headings."""
    found: list[tuple[int, str, int]] = []
    offset, fence, front = 0, "", text.startswith("---\n")
    above = ("", 0, False)  # (line above, its offset, was the line above that one blank?)
    for index, line in enumerate(text.split("\n")):
        start, offset = offset, offset + len(line) + 1
        candidate = ""  # this line, when a setext underline below it could make it a heading
        if front:  # YAML front matter is neither a heading nor the line above one
            front = index == 0 or line.strip() not in ("---", "...")
        elif fence:
            fence = "" if line.strip().startswith(fence) else fence
        elif fence_match := _FENCE.match(line):
            fence = fence_match.group(1)
        elif atx := _atx_heading(line):
            found.append((start, atx[1], atx[0]))
        elif (setext := _SETEXT.fullmatch(line)) and above[0].strip() and above[2]:
            found.append((above[1], above[0].strip(), 1 if setext.group(1)[0] == "=" else 2))
        elif not _LIST_ITEM.match(line):
            candidate = line
        above = (candidate, start, not above[0].strip())
    return found


def _atx_heading(line: str) -> tuple[int, str] | None:
    """(level, text) when ``line`` is an ATX heading (``## Text ##``) with some text."""
    opening = _ATX_OPEN.match(line)
    if opening is None:
        return None
    text = line[opening.end() :].strip(" \t")
    closing = _CLOSING_HASHES.search(text)
    if closing is not None:
        text = text[: closing.start()].rstrip(" \t")
    text = text.strip()
    return (len(opening.group(1)), text) if text else None


def _rst_headings(text: str) -> tuple[tuple[int, str], ...]:
    """(offset, text) for each reStructuredText section title (a line underlined)."""
    found: list[tuple[int, str]] = []
    lines = text.split("\n")
    offset = 0
    for index, line in enumerate(lines[:-1]):
        title, below = line.strip(), lines[index + 1].strip()
        if (
            title
            and not _ADORNMENT.fullmatch(title)
            and _ADORNMENT.fullmatch(below)
            and len(below) >= len(title)
            and not line[:1].isspace()
        ):
            found.append((offset, title))
        offset += len(line) + 1
    return tuple(found)
