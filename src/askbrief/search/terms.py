"""The question's terms and their weights: what a sentence must cover to answer it.

Retrieval weights terms by IDF to rank passages, and the composer and the abstain rule use the
same weights to judge sentences, so they live here, beside the index that gives the IDF.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from .analysis import analyze

__all__ = ["QuestionTerms", "question_focus"]


# "What is X?", "Who was X?", "What does X do/mean/return?": X is what the answer is about, and a
# sentence that starts with it ("X is ...", "X, the ...") is usually the answer.
_FOCUS = (
    re.compile(
        r"^\s*(?:what|who)\s+(?:is|are|was|were)\s+(?:an?\s+|the\s+)?(?P<x>.+?)\s*\??\s*$", re.I
    ),
    re.compile(
        r"^\s*what\s+(?:does|do|did)\s+(?:an?\s+|the\s+)?(?P<x>.+?)\s+"
        r"(?:do|mean|return|stand\s+for|contain)\s*\??\s*$",
        re.I,
    ),
)


_COPULAS = frozenset(
    ["is", "are", "was", "were", "means", "refers", "does", "do", "returns", "describes", "denotes"]
)
_APPOSITION = re.compile(r"[,(:;—–]")


def question_focus(question: str) -> tuple[frozenset[str], int]:
    """The terms of the thing a definition question asks about, and how many words it takes."""
    for pattern in _FOCUS:
        m = pattern.match(question)
        if m:
            return frozenset(analyze(m.group("x"))), len(m.group("x").split())
    return frozenset(), 0


def _defines(quote: str, focus: frozenset[str], focus_words: int) -> bool:
    """True when ``quote`` opens with the focus as its subject ("X is ...", "X, the ...")."""
    words = quote.split()[: focus_words + 4]
    for j in range(1, min(len(words), focus_words + 2) + 1):
        if focus <= set(analyze(" ".join(words[:j]))):
            after = words[j].lower() if j < len(words) else ""
            return (
                bool(_APPOSITION.search(words[j - 1])) or after in _COPULAS or after[:1] in "(—–-"
            )
    return False


@dataclass(frozen=True)
class QuestionTerms:
    """The question's distinct terms and the IDF weight of each (a missing term gets the most)."""

    weights: dict[str, float]
    focus: frozenset[str] = frozenset()
    focus_words: int = 0
    # term → other forms that count as the term ("larg" for "larger"; see search.morphology)
    alternatives: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @classmethod
    def of(
        cls,
        terms: Sequence[str],
        idf: Callable[[str], float],
        question: str = "",
        alternatives: Mapping[str, tuple[str, ...]] | None = None,
    ) -> QuestionTerms:
        focus, words = question_focus(question)
        return cls(
            {t: idf(t) for t in dict.fromkeys(terms)}, focus, words, dict(alternatives or {})
        )

    def opens_with_focus(self, quote: str) -> bool:
        """True when the quote defines the question's focus (see ``_defines``)."""
        return bool(self.focus) and _defines(quote, self.focus, self.focus_words)

    @property
    def total(self) -> float:
        return sum(self.weights.values())

    def coverage(self, terms: set[str]) -> float:
        total = self.total
        if total <= 0:
            return 0.0
        return (
            sum(
                w
                for t, w in self.weights.items()
                if t in terms or any(a in terms for a in self.alternatives.get(t, ()))
            )
            / total
        )
