"""Plain-text rendering of an answer for terminals and pipes (the CLI and the REPL)."""

from __future__ import annotations

import textwrap
from typing import TextIO

from ..types import Answer

__all__ = ["StreamEcho", "plain_answer", "safe_text"]


# Bidirectional overrides, embeddings and isolates: printed raw, they make a terminal show a
# quote's characters in another order than the document has them ("Trojan Source").
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def safe_text(text: str) -> str:
    """Document text made safe to print: no escape sequences, other control characters or
    bidirectional overrides."""
    return "".join(
        ch
        if ch in "\n\t"
        or (ch >= " " and ch != "\x7f" and not 0x80 <= ord(ch) < 0xA0 and ch not in _BIDI_CONTROLS)
        else "�"
        for ch in text
    )


class StreamEcho:
    """Prints an LLM answer's text as it streams (made safe for a terminal), so ``plain_answer``
    can then print only what was not shown yet."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.shown = False

    def __call__(self, chunk: str) -> None:
        self.out.write(safe_text(chunk))
        self.out.flush()
        self.shown = True

    def finish(self, answer: Answer) -> str:
        """The rest of ``answer`` to print after the streamed text."""
        if not self.shown:
            return plain_answer(answer)
        if answer.backend == "extractive":  # the backend failed mid-stream: the fallback follows
            return "\n\n" + plain_answer(answer)
        return "\n\n" + plain_answer(answer, body=False)


def plain_answer(answer: Answer, width: int = 88, *, body: bool = True) -> str:
    """Quotes, each with its [n], then the sources; or the abstention and the closest passages.
    ``body=False`` leaves out an LLM answer's text (already shown as it streamed)."""
    out: list[str] = []
    for notice in answer.notices:
        out.append(f"note: {safe_text(notice)}")
    if answer.abstained:
        out.append(safe_text(answer.markdown))
        for i, hit in enumerate(answer.hits[:3], start=1):
            p = hit.passage
            where = f"{safe_text(p.source)}, line {p.line}"
            if p.heading and p.heading != p.title:
                where = f"{safe_text(p.source)}, “{safe_text(p.heading)}”, line {p.line}"
            out.append(f"  closest {i}: {where} — {safe_text(p.title)}")
        return "\n".join(out) + "\n"
    if answer.backend != "extractive":
        if body:
            out.append(safe_text(answer.markdown))
            out.append("")
    else:
        for c in answer.citations:
            quote = " ".join(safe_text(c.quote).split())
            out.append(textwrap.fill(f"“{quote}” [{c.n}]", width=width, subsequent_indent="  "))
            out.append("")
    out.append("Sources:")
    for c in answer.citations:
        where = f"page {c.page}, line {c.line}" if c.page is not None else f"line {c.line}"
        if c.heading and c.heading != c.title:
            where = f"“{safe_text(c.heading)}”, {where}"
        flag = "" if c.verified else "  [NOT VERIFIED]"
        out.append(f"  [{c.n}] {safe_text(c.source)}, {where} — {safe_text(c.title)}{flag}")
    return "\n".join(out) + "\n"
