"""Find sentence spans in text, as character offsets, so quotes can be cut verbatim.

Rules, not a model: a sentence ends at ``.``, ``!``, ``?`` or ``…`` (with any closing quotes or
brackets) before white space and a capital, digit or opening quote, unless the word before is a
known abbreviation or an initial, or the mark names a shell variable ("($?) Expands to…"); a
blank line always ends one, and so does a line break after a line that looks finished (ends in
punctuation, or is short like a heading or list item).

Splitting runs on every sentence of every indexed document, so the loops below let ``re`` find
positions in C and keep the Python work to a few operations per sentence or line. Spans are the
same as a plain reading of the rules gives (checked by tests/test_split_equivalence.py).
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
# The check that no mark comes before the run is a look-behind after its first mark, so that the
# pattern starts with a character set, which ``re`` scans for in C (4x faster on the Python docs).
# Group 1 is the white space after the end, consumed so that the next sentence starts at m.end().
_END = re.compile(
    r"[.!?…](?<![.!?$…][.!?…])[.!?…]*+[\"'”’)\]]*+(\s++)(?=[\"'“‘(\[]?[A-Z0-9À-ÖØ-Þ\u0400-\u042f])"
)
_CJK_MARKS = "。！？"
_CJK_END = re.compile(r"[。！？]+[」』”’）]*")
_BLANK_LINE = re.compile(r"\n[ \t\f\v\r]*\n\s*")
_NEWLINE = re.compile(r"\n")
_SPACES = re.compile(r"\s*")
_LINE_SPACES = re.compile(r"[^\S\n]*")
_FINISHING = frozenset(".!?…:;\"'”’)]")
_CLOSERS = "\"'”’)]"
# The end of a Markdown link: "[text][]", "[text][ref]" or "[text](address)".
_LINK_END = re.compile(r"\[[^\]\n]+\](?:\[[^\]\n]*\]|\([^)\s]*\))[ \t]*$")
_MARKS = frozenset(".!?…:;")
# A list item, matched where the next line's text starts (so no leading white space here).
_LIST_ITEM = re.compile(r"[-*•·–][^\S\n]|\d+[.)][^\S\n]|#")


def paragraph_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Spans of the blocks between blank lines, trimmed of surrounding white space."""
    end = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    pos = start
    for m in _BLANK_LINE.finditer(text, start, end):
        _add_trimmed(spans, text, pos, m.start())
        pos = m.end()
    _add_trimmed(spans, text, pos, end)
    return spans


def _add_trimmed(spans: list[tuple[int, int]], text: str, start: int, end: int) -> None:
    """Append ``(start, end)`` less white space at either end, unless nothing is left."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start < end:
        spans.append((start, end))


def _line_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Split a trimmed paragraph at the line breaks that end a unit, joining soft-wrapped lines.

    A paragraph's lines rarely start or end in white space: those lines take the slow path.
    """
    newlines = [m.start() for m in _NEWLINE.finditer(text, start, end)]
    if not newlines:
        return [(start, end)]
    longest = end - newlines[-1] - 1  # the last line
    s = start
    for nl in newlines:
        if nl - s > longest:
            longest = nl - s
        s = nl + 1
    short_line = 0.6 * longest
    units: list[tuple[int, int]] = []
    is_item = _LIST_ITEM.match
    unit_start = s = start
    for nl in newlines:
        last = text[nl - 1] if nl > s else ""  # the line's last character, if any
        if last.isspace():
            last = text[s:nl].rstrip()[-1:]
        following = nl + 1  # where the next line's text starts (a paragraph ends in text)
        if text[following].isspace():
            following = _skip(_LINE_SPACES, text, following, end)
        lower_next = text[following : following + 1].islower()
        if last in "])" and lower_next and _LINK_END.search(text, s, nl):
            # A Markdown link closing mid-sentence ("such as [host name spoofing][]" / "and
            # incorrect handling…") finishes the line only after a sentence mark.
            finished = text[s:nl].rstrip().rstrip(_CLOSERS)[-1:] in _MARKS
        else:
            finished = last in _FINISHING
        if finished or ((nl - s) < short_line and not lower_next) or is_item(text, following, end):
            if text[unit_start].isspace() or text[nl - 1].isspace():
                _add_trimmed(units, text, unit_start, nl)
            else:
                units.append((unit_start, nl))
            unit_start = nl + 1
        s = nl + 1
    _add_trimmed(units, text, unit_start, end)
    return units


def _skip(spaces: re.Pattern[str], text: str, pos: int, end: int) -> int:
    """The end of the run of ``spaces`` at ``pos``."""
    m = spaces.match(text, pos, end)
    return m.end() if m else pos


def _is_abbreviation(text: str, dot: int) -> bool:
    """True when the period at ``dot`` closes an abbreviation or an initial, not a sentence."""
    word_start = dot
    while word_start > 0 and (text[word_start - 1].isalpha() or text[word_start - 1] == "."):
        word_start -= 1
    if word_start == dot:
        return False
    if dot - word_start == 1 and text[word_start].isupper():
        return True  # an initial: "J. Smith"
    return text[word_start:dot].lower() in _ABBREVIATIONS


def paragraph_sentence_spans(
    text: str, start: int, end: int, spans: list[tuple[int, int]], cjk: bool = True
) -> None:
    """Append the sentence spans of one paragraph, as found by ``paragraph_spans``, to ``spans``.

    ``cjk=False`` says the caller knows the text holds no CJK sentence end, to skip that search.
    """
    units = [(start, end)] if text.find("\n", start, end) < 0 else _line_spans(text, start, end)
    for u_start, u_end in units:
        # Units are trimmed, and each _END match is followed by white space then a non-space
        # character, which the match consumes: every span below is trimmed without a check.
        pos = u_start
        for m in _END.finditer(text, u_start, u_end):
            stop = m.start(1)
            dot = m.start()
            if stop - dot == 1 and text[dot] == "." and _is_abbreviation(text, dot):
                continue
            spans.append((pos, stop))
            pos = m.end()
        if cjk:
            for m in _CJK_END.finditer(text, pos, u_end):
                spans.append((_skip(_SPACES, text, pos, u_end), m.end()))
                pos = m.end()
            if pos < u_end:
                spans.append((_skip(_SPACES, text, pos, u_end), u_end))
        elif pos < u_end:
            spans.append((pos, u_end))


def has_cjk_sentence_end(text: str) -> bool:
    """Whether ``text`` holds a CJK sentence end (when not, a search for them can be skipped)."""
    return any(mark in text for mark in _CJK_MARKS)


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Sentence spans of ``text[start:end]``, trimmed; together they cover every word once."""
    end = len(text) if end is None else end
    cjk = any(text.find(mark, start, end) >= 0 for mark in _CJK_MARKS)
    spans: list[tuple[int, int]] = []
    for p_start, p_end in paragraph_spans(text, start, end):
        paragraph_sentence_spans(text, p_start, p_end, spans, cjk)
    return spans
