"""The corpus's words for a word of the question that the corpus almost never uses.

People ask in their own words: "Can I type the name of a folder and have zsh go into it?" The
Zsh manual says "directory" everywhere and "folder" almost nowhere, so BM25 finds the passages
that happen to say "folder" and misses AUTO_CD ("if the command is the name of a directory,
perform the cd command to that directory"); and since "folder" is rare, it weighs so much that no
sentence covers enough of the question and askbrief abstains.

So a question word that at most ``RARE_PASSAGES`` passages hold gets the corpus's words closest to
it in the static embedding (``StaticEmbedder.similar_words``: "folder" → "directory"), up to
``PER_WORD`` of them with a cosine of at least ``MIN_COSINE``. They join the question's other
forms (``search.morphology``): searched at half weight, and a sentence holding one holds the
word. A word the corpus uses more often is its own vocabulary and is left alone, so this changes
nothing for questions asked in the documents' words. It runs only where the semantic signal is
on (see ``search.rerank.semantic_on``).

Measured with ``bench/answer_quality.py`` over fifteen sets: the Zsh manual 1 → 4 of 16, no set
lower, every unanswerable question still refused. Expanding more common words too (up to 60
passages) cost the git docs one; a cosine of 0.45 answered an unanswerable question.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from .analysis import analyze
from .semantic import StaticEmbedder

__all__ = ["MAX_WORDS", "MIN_COSINE", "PER_WORD", "RARE_PASSAGES", "related_words"]

RARE_PASSAGES = 10
MIN_COSINE = 0.55
PER_WORD = 3
# Rare words looked up at most, the first ones: each costs a dozen document-frequency lookups (a
# round trip each to remote shards), and a question pasted full of odd words must stay fast.
MAX_WORDS = 8
_NEAREST = 12  # neighbours looked at per word, before those the corpus lacks are dropped
_WORD = re.compile(r"[a-z]+")


def related_words(
    question: str, df: Callable[[str], int], model: StaticEmbedder
) -> Mapping[str, tuple[str, ...]]:
    """For each term of ``question`` that at most ``RARE_PASSAGES`` passages hold (the first
    ``MAX_WORDS`` such terms), the terms of the corpus's words closest to it in meaning (often
    none)."""
    out: dict[str, tuple[str, ...]] = {}
    looked_up: set[str] = set()
    for word in dict.fromkeys(_WORD.findall(question.lower())):
        terms = analyze(word)
        if len(terms) != 1 or terms[0] in looked_up or df(terms[0]) > RARE_PASSAGES:
            continue
        if len(looked_up) == MAX_WORDS:
            break
        term = terms[0]
        looked_up.add(term)
        found: list[str] = []
        for near, _ in model.similar_words(word, _NEAREST, MIN_COSINE):
            near_terms = analyze(near)
            if len(near_terms) != 1 or near_terms[0] in (term, *found) or not df(near_terms[0]):
                continue
            found.append(near_terms[0])
            if len(found) == PER_WORD:
                break
        if found:
            out[term] = tuple(found)
    return out
