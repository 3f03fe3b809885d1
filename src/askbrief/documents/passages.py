"""Split a document into passages: runs of whole sentences, bounded in tiktoken tokens.

Passages never cross a paragraph boundary unless paragraphs are short enough to share one, and
never split a sentence unless that one sentence is longer than the bound (then it is cut at word
boundaries). Each passage is a contiguous span of the document text, so offsets stay exact.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator

from ..types import Document, Passage
from .sentences import has_cjk_sentence_end, paragraph_sentence_spans, paragraph_spans
from .titles import MARKDOWN, front_matter_end
from .tokens import encoding

__all__ = ["LineIndex", "count_tokens_fast", "passage_body", "split_document"]

_WORD_BREAK = re.compile(r"\s+")

# cl100k_base's pre-tokenizer (tokens.py) restated for ASCII text, which Python's ``re`` can run:
# \p{L} is [A-Za-z] and \p{N} is [0-9] there, ``re.ASCII``'s \s is Rust's White_Space restricted
# to ASCII, and Rust's ``$`` (end of text) is ``\Z``. tiktoken runs BPE on each piece on its own,
# so a text's token count is the sum of its pieces' counts, and each distinct piece is encoded
# once per process. Checked against tiktoken by tests/test_passages.py.
_ASCII_PIECES = re.compile(
    r"""'(?i:[sdmt]|ll|ve|re)|[^\r\nA-Za-z0-9]?+[A-Za-z]++|[0-9]{1,3}+| ?[^\sA-Za-z0-9]++[\r\n]*+"""
    r"""|\s++\Z|\s*[\r\n]|\s+(?!\S)|\s""",
    re.ASCII,
)


class _PieceCounts(dict[str, int]):
    """Token count of each pre-tokenized piece, filled on first sight."""

    def __missing__(self, piece: str) -> int:
        if len(self) > 1_000_000:
            self.clear()
        n = len(encoding()._encode_single_piece(piece.encode("ascii")))
        self[piece] = n
        return n


_PIECE_COUNTS = _PieceCounts()


def count_tokens_fast(text: str) -> int:
    """``len(encoding().encode_ordinary(text))``, without tiktoken's regex for ASCII text."""
    if text.isascii():
        return sum(map(_PIECE_COUNTS.__getitem__, _ASCII_PIECES.findall(text)))
    return len(encoding().encode_ordinary(text))


class LineIndex:
    """Map character offsets to 1-based line numbers (and PDF pages) in one pass over the text."""

    def __init__(self, text: str, page_starts: tuple[int, ...] | None = None) -> None:
        self._newlines = [m.start() for m in re.finditer("\n", text)]
        self._pages = page_starts

    def line(self, offset: int) -> int:
        return bisect.bisect_left(self._newlines, offset) + 1

    def page(self, offset: int) -> int | None:
        if not self._pages:
            return None
        return bisect.bisect_right(self._pages, offset)


def passage_body(passage: Passage) -> str:
    """The passage's text without the heading line it opens with (a section's first passage
    starts with its heading), stripped."""
    text = passage.text
    if passage.heading and text.startswith(passage.heading + "\n"):
        text = text[len(passage.heading) :]
    return text.strip()


def heading_at(doc: Document, offset: int, starts: list[int] | None = None) -> str:
    """The nearest heading at or before ``offset``, or "" if none. ``starts`` (the headings'
    offsets) saves rebuilding that list for every passage of a document with many headings."""
    if not doc.headings:
        return ""
    if starts is None:
        starts = [h[0] for h in doc.headings]
    i = bisect.bisect_right(starts, offset) - 1
    return doc.headings[i][1] if i >= 0 else ""


def _units(doc: Document, max_tokens: int) -> Iterator[tuple[int, int, int, bool]]:
    """(start, end, tokens, starts_paragraph) for each sentence, long ones cut at word breaks."""
    text = doc.text
    breaks = frozenset(doc.page_starts or ())
    cjk = has_cjk_sentence_end(text)
    count = count_tokens_fast
    spans: list[tuple[int, int]] = []
    # A Markdown file's front matter is the site generator's settings ("weight: 20"), not text to
    # quote: its title is the document's title, and no passage holds it.
    start = front_matter_end(text) if doc.source.lower().endswith(MARKDOWN) else 0
    for p_start, p_end in paragraph_spans(text, start):
        spans.clear()
        paragraph_sentence_spans(text, p_start, p_end, spans, cjk)
        # One count per sentence: encode_ordinary_batch starts a thread pool per call, which cost
        # more than the encoding itself (measured: 90% of split time on the Python docs).
        first = True
        for s, e in spans:
            n = count(text[s:e])
            if n <= max_tokens:
                yield s, e, n, first or s in breaks
            else:
                yield from _cut_long(text, s, e, max_tokens, first)
            first = False


def _cut_long(
    text: str, start: int, end: int, max_tokens: int, first: bool
) -> Iterator[tuple[int, int, int, bool]]:
    """Cut one over-long sentence into pieces of at most ``max_tokens`` at white space.

    Each piece is found from one encoding of a generous window: the first ``max_tokens`` tokens
    give the furthest cut, and the last white space in the second half of that span is used when
    there is one. Cost stays linear in the text, however few characters a token holds.
    """
    enc = encoding()
    pos = start
    while pos < end:
        stop = min(end, pos + max_tokens * 8)
        piece = text[pos:stop]
        tokens = enc.encode_ordinary(piece)
        if len(tokens) > max_tokens:
            keep, prefix = max_tokens, ""
            while keep > 0:  # a token may end inside a multi-byte character: step back
                prefix = enc.decode(tokens[:keep])
                if prefix and piece.startswith(prefix):
                    break
                keep -= 1
            limit = pos + max(1, len(prefix))
            cut = None
            for m in _WORD_BREAK.finditer(text, pos + (limit - pos) // 2, limit):
                if m.start() > pos:
                    cut = m.start()
            stop = cut or limit
        n = len(enc.encode_ordinary(text[pos:stop]))
        while n > max_tokens and stop - pos > 1:  # rare: the cut text re-encodes longer
            stop = pos + max(1, int((stop - pos) * 0.9))
            n = len(enc.encode_ordinary(text[pos:stop]))
        yield pos, stop, n, first
        first = False
        pos = stop
        while pos < end and text[pos].isspace():
            pos += 1


def split_document(doc: Document, max_tokens: int, first_id: int = 0) -> list[Passage]:
    """The passages of ``doc``, numbered from ``first_id``; they cover every sentence once."""
    text = doc.text
    pages = sorted(set(doc.page_starts or ()))
    heading_starts = {h[0] for h in doc.headings}
    half = max_tokens // 2
    spans: list[tuple[int, int]] = []
    start = end = used = 0
    current = False  # whether the passage being filled holds a unit yet
    for u_start, u_end, n, new_paragraph in _units(doc, max_tokens):
        # A new paragraph may join the passage only while the passage is still short (half full).
        if current and (
            used + n > max_tokens
            or u_start in heading_starts
            or (new_paragraph and used > half)
            or (pages and bisect.bisect_right(pages, u_start) > bisect.bisect_right(pages, start))
        ):
            spans.append((start, end))
            current = False
        if not current:
            start, used, current = u_start, 0, True
        end = u_end
        used += n
    if current:
        spans.append((start, end))
    # Close the gaps: each passage runs up to the next one's start, so that neighbouring passages
    # joined end to end are the document text itself (answers may quote across the seam).
    heading_starts_list = [h[0] for h in doc.headings]
    passages: list[Passage] = []
    line, line_at = 1, 0
    for i, (start, end) in enumerate(spans):
        if i + 1 < len(spans):
            end = spans[i + 1][0]
        line += text.count("\n", line_at, start)  # starts increase: count each newline once
        line_at = start
        passages.append(
            Passage(
                id=first_id + i,
                source=doc.source,
                title=doc.title,
                start=start,
                end=end,
                line=line,
                page=bisect.bisect_right(doc.page_starts, start) if doc.page_starts else None,
                heading=heading_at(doc, start, heading_starts_list),
                text=text[start:end],
            )
        )
    return passages
