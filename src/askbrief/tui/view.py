"""Plain helpers that shape core values for display: no Textual, no scoring, easy to test."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from ..answers.render import safe_text
from ..types import Answer, Citation, Hit

__all__ = [
    "answer_body",
    "answer_from_saved",
    "citation_where",
    "closest_citations",
    "display_text",
    "link_citations",
    "offset_to_location",
]

# A citation marker ``[1]`` or ``[1, 2]`` not escaped (document text in extractive answers is
# escaped as ``\[1\]``) and not already a link's text.
_MARKER = re.compile(r"(?<!\\)\[(\d+(?:\s*,\s*\d+)*)\](?!\()")
_SOURCES_HEADING = "\n\n**Sources**\n\n"
# Characters str.splitlines() breaks on besides "\n"; safe_text already replaces the controls.
_LINE_BREAKS = {0x2028: " ", 0x2029: " "}


def link_citations(markdown: str) -> str:
    """Markdown whose ``[n]`` markers are links to ``cite:n``, so the Markdown widget makes them
    clickable."""

    def link(match: re.Match[str]) -> str:
        numbers = [n.strip() for n in match.group(1).split(",")]
        return " ".join(f"[\\[{n}\\]](cite:{n})" for n in numbers)

    return _MARKER.sub(link, markdown)


def answer_body(answer: Answer) -> str:
    """The answer's Markdown without its own Sources block: the app lists sources as widgets."""
    return answer.markdown.split(_SOURCES_HEADING, 1)[0]


def citation_where(c: Citation) -> str:
    """Where the quote is: its section or chapter (when it has one), page and line."""
    where = f"page {c.page}, line {c.line}" if c.page is not None else f"line {c.line}"
    section = safe_text(c.heading)
    return f"“{section}”, {where}" if section and c.heading != c.title else where


def closest_citations(hits: Sequence[Hit], n: int = 3) -> tuple[Citation, ...]:
    """The closest passages of an abstention, shaped as citations so the viewer can show them."""
    return tuple(
        Citation(
            i,
            h.passage.source,
            h.passage.title,
            h.passage.text,
            h.passage.start,
            h.passage.end,
            h.passage.line,
            h.passage.page,
            h.score,
            heading=h.passage.heading,
        )
        for i, h in enumerate(hits[:n], start=1)
    )


def answer_from_saved(question: str, data: dict[str, Any]) -> Answer:
    """An Answer rebuilt from a saved turn (``Answer.as_json()``), for a reopened conversation."""
    citations = []
    for c in data.get("citations") or []:
        try:
            citations.append(
                Citation(
                    int(c["n"]),
                    str(c.get("source", "")),
                    str(c.get("title", "")),
                    str(c.get("quote", "")),
                    int(c.get("start", 0)),
                    int(c.get("end", 0)),
                    int(c.get("line", 0)),
                    c.get("page"),
                    float(c.get("score", 0.0)),
                    bool(c.get("verified", True)),
                    also_in=tuple(str(s) for s in c.get("also_in") or ()),
                    heading=str(c.get("heading") or ""),
                )
            )
        except (KeyError, TypeError, ValueError):
            continue  # a damaged citation: show the rest
    return Answer(
        question=question,
        markdown=str(data.get("answer", "")),
        abstained=bool(data.get("abstained", False)),
        citations=tuple(citations),
        backend=str(data.get("backend", "extractive")),
        notices=tuple(str(n) for n in data.get("notices") or ()),
        conversation=data.get("conversation"),
    )


def display_text(text: str) -> str:
    """Document text safe to show, with the same length, so offsets still point at the quote."""
    return safe_text(text).translate(_LINE_BREAKS)


def offset_to_location(text: str, offset: int) -> tuple[int, int]:
    """(row, column) of a character offset, as a TextArea counts them (text split on "\\n")."""
    offset = max(0, min(offset, len(text)))
    row = text.count("\n", 0, offset)
    return row, offset - (text.rfind("\n", 0, offset) + 1)
