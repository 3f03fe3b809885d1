"""Find sentence spans in text, as character offsets, so quotes can be cut verbatim.

Rules, not a model: a sentence ends at ``.``, ``!``, ``?`` or ``…`` (with any closing quotes or
brackets) before white space and a capital, digit or opening quote, unless the word before is a
known abbreviation or an initial; a blank line always ends one, and so does a line break after a
line that looks finished (ends in punctuation, or is short like a heading or list item).
"""

from __future__ import annotations

import re

__all__ = ["paragraph_spans", "sentence_spans"]

_ABBREVIATIONS = frozenset(
    """mr mrs ms dr prof sr jr st mt gen col lt sgt capt cmdr adm gov sen rep pres rev hon
    jan feb mar apr jun jul aug sep sept oct nov dec mon tue wed thu fri sat sun
    inc corp co ltd llc plc bros dept univ assn est approx fig figs eq no nos vol vols ed eds
    pp p cf vs etc al e.g i.e u.s u.k u.n e.u a.m p.m ph.d d.c""".split()
)
# Possessive, and starting only where a run of marks starts: a long run of dots (a table of
# contents, a divider line) would otherwise be re-scanned from every dot in it, in quadratic time.
_END = re.compile(r"(?<![.!?…])[.!?…]++[\"'”’)\]]*+(?=\s++[\"'“‘(\[]?[A-Z0-9À-ÖØ-Þ\u0400-\u042f])")
_CJK_END = re.compile(r"[。！？]+[」』”’）]*")
_BLANK_LINE = re.compile(r"\n[ \t\f\v\r]*\n\s*")
_FINISHED_LINE = re.compile(r"[.!?…:;\"'”’)\]]\s*$")
_LIST_START = re.compile(r"^\s*(?:[-*•·–]\s|\d+[.)]\s|#)")


def paragraph_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Spans of the blocks between blank lines, trimmed of surrounding white space."""
    end = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    pos = start
    for m in _BLANK_LINE.finditer(text, start, end):
        spans.extend(_trim(text, pos, m.start()))
        pos = m.end()
    spans.extend(_trim(text, pos, end))
    return spans


def _trim(text: str, start: int, end: int) -> list[tuple[int, int]]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return [(start, end)] if start < end else []


def _line_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Split a paragraph at the line breaks that end a unit, joining soft-wrapped lines."""
    lines: list[tuple[int, int]] = []
    pos = start
    while pos < end:
        nl = text.find("\n", pos, end)
        stop = end if nl < 0 else nl
        lines.append((pos, stop))
        pos = stop + 1
    if len(lines) == 1:
        return _trim(text, start, end)
    longest = max(e - s for s, e in lines)
    units: list[tuple[int, int]] = []
    unit_start = lines[0][0]
    for (s, e), nxt in zip(lines, lines[1:] + [None], strict=True):
        if nxt is None:
            break
        line, following = text[s:e], text[nxt[0] : nxt[1]].lstrip()
        short = (e - s) < 0.6 * longest and not following[:1].islower()
        finished = bool(_FINISHED_LINE.search(line)) or short
        if finished or _LIST_START.match(following):
            units.extend(_trim(text, unit_start, e))
            unit_start = nxt[0]
    units.extend(_trim(text, unit_start, end))
    return units


def _is_abbreviation(text: str, dot: int) -> bool:
    """True when the period at ``dot`` closes an abbreviation or an initial, not a sentence."""
    word_start = dot
    while word_start > 0 and (text[word_start - 1].isalpha() or text[word_start - 1] == "."):
        word_start -= 1
    word = text[word_start:dot].lower()
    if not word:
        return False
    if len(word) == 1 and text[word_start].isupper():
        return True  # an initial: "J. Smith"
    return word in _ABBREVIATIONS


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Sentence spans of ``text[start:end]``, trimmed; together they cover every word once."""
    end = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    for p_start, p_end in paragraph_spans(text, start, end):
        for u_start, u_end in _line_spans(text, p_start, p_end):
            pos = u_start
            for m in _END.finditer(text, u_start, u_end):
                single_dot = text[m.start()] == "." and m.end() - m.start() == 1
                if single_dot and _is_abbreviation(text, m.start()):
                    continue
                spans.extend(_trim(text, pos, m.end()))
                pos = m.end()
            for m in _CJK_END.finditer(text, pos, u_end):
                spans.extend(_trim(text, pos, m.end()))
                pos = m.end()
            spans.extend(_trim(text, pos, u_end))
    return spans
