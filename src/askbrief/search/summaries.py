"""A reference page's one-line summary, searched for "how do I…" and "which…" questions.

Manual pages and SQL references open with a line naming the command and what it does:
"git-blame - Show what revision and author last modified each line of a file", "REINDEX —
rebuild indexes". For "How can I find out which commit and author are responsible for each
line?" that line is the answer, but it is a dozen words among thousands of passages that repeat
the question's words at greater length, and BM25 ranks it far down (24th for that question).

So a passage that is such a line is indexed under ``SUMMARY_TERM`` too. A question that asks how
to do something or which thing does it weighs every summary by the share of its terms' weight
the summary holds (the summaries are few, one per page, and read once per index); the best few
that hold enough join the candidates, and the composer counts a quote from one
(``answers.quotes``).
"""

from __future__ import annotations

import contextlib
import re
import threading
import weakref
from dataclasses import replace
from typing import TYPE_CHECKING

from ..documents.passages import passage_body
from ..types import Hit, Passage
from .analysis import analyze

if TYPE_CHECKING:  # the engines import the index, whose segments import this module
    from .engines.base import SearchIndex

__all__ = ["MAX_SUMMARY_CHARS", "SUMMARY_TERM", "is_summary", "summary_hits"]

SUMMARY_TERM = "=summary"  # no text token holds "="
MAX_SUMMARY_CHARS = 200
# "name - what it does", "name — what it does": a name of at most a few words, a dash between
# spaces, then the summary.
_SUMMARY = re.compile(r"(?P<name>\S[^\n]{0,60}?)\s[—–-]{1,2}\s+\w[^\n]*")
_NAME_TOKEN = re.compile(r"[\w.+-]+")
SUMMARIES = 3  # how many summaries may join the candidates
MIN_COVERAGE = 0.3  # the share of the question's weight a summary must hold to join them
MAX_SUMMARIES = 2000  # more than this, and the corpus is not a set of reference pages
# per open index, dropped with it
_CACHE: weakref.WeakKeyDictionary[SearchIndex, list[tuple[Hit, frozenset[str]]]] = (
    weakref.WeakKeyDictionary()
)
_LOCK = threading.Lock()


def is_summary(passage: Passage) -> bool:
    """Whether ``passage`` is its page's one-line summary: a single short line "name — what it
    does" whose name is the page title's first word ("git-blame" of "git-blame(1)")."""
    body = passage_body(passage)
    if not body or len(body) > MAX_SUMMARY_CHARS or "\n" in body:
        return False
    m = _SUMMARY.fullmatch(body)
    if m is None:
        return False
    name = _NAME_TOKEN.match(m.group("name"))
    title = _NAME_TOKEN.match(passage.title.strip())
    return bool(name and title and name.group().lower() == title.group().lower())


def _summaries(index: SearchIndex) -> list[tuple[Hit, frozenset[str]]]:
    """Every summary passage of ``index`` with its terms, read once per index (they are few: one
    per reference page), or none when there are more than ``MAX_SUMMARIES``."""
    with _LOCK:
        try:
            return _CACHE[index]
        except (KeyError, TypeError):  # TypeError: an index that takes no weak reference
            pass
    pids, _ = index.scores_for([SUMMARY_TERM])
    found = []
    if 0 < len(pids) <= MAX_SUMMARIES:
        for pid in sorted(int(p) for p in pids):
            p = index.passage(pid)
            if is_summary(p):
                found.append((Hit(p, 0.0), frozenset(analyze(passage_body(p)))))
    with _LOCK, contextlib.suppress(TypeError):
        _CACHE[index] = found
    return found


def summary_hits(index: SearchIndex, weights: dict[str, float], seen: set[int]) -> list[Hit]:
    """The page summaries that hold most of a question whose terms weigh ``weights``: at most
    ``SUMMARIES``, each holding ``MIN_COVERAGE`` of the weight, none of the passages ``seen``."""
    total = sum(weights.values())
    if total <= 0 or index.document_frequency(SUMMARY_TERM) == 0:
        return []
    scored = []
    for hit, held in _summaries(index):
        share = sum(w for t, w in weights.items() if t in held) / total
        if share >= MIN_COVERAGE and hit.passage.id not in seen:
            scored.append((share, hit))
    scored.sort(key=lambda x: (-x[0], x[1].passage.id))
    return [replace(hit, score=share) for share, hit in scored[:SUMMARIES]]
