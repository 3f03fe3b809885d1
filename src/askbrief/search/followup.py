"""Follow-up questions: retrieval that leans on the conversation so far.

"What was it worth in 2021?" or "When did construction begin?" mean little on their own. When a
question continues a conversation, the search adds *context terms*, the terms of the recent
turns' questions (less framing words such as "tell" or "say"), each weighted below the question's
own terms and halved for every turn further back; and it boosts the passages just cited, their
neighbours and their documents. The question's own terms keep full weight, and the context as a
whole never outweighs them, unless they are too few to name a subject ("Who said that?"), when it
may weigh as much as two telling words would. The composer weighs context terms at half that, so
they choose among sentences that answer the question without making one that does abstain.

(The terms of the quotes just cited were tried as context too, and made answers worse: they pull
the follow-up back to the sentences already quoted. The boosts carry that signal instead.)

A question that clearly starts a new topic is left alone. The rule, measurable from outside:
- it names enough on its own: its terms' IDF weight is at least ``MIN_TOPIC_WEIGHT`` times the
  IDF of a term found nowhere (about two telling words);
- it points back at nothing: no pronoun or demonstrative ("it", "he", "that", "there"...) and no
  opening that carries a question on ("And ...", "What about ...");
- it shares (almost) nothing with the recent questions: the terms it shares with them carry less
  than ``SHARED_MAX`` of its IDF weight;
- it retrieves confidently on its own: one of its three best passages holds at least
  ``CONFIDENT_COVERAGE`` of its IDF weight.
Then no context is used, and ``context_terms`` is empty.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Protocol, TypeVar

import numpy as np

from ..conversations import Turn
from ..types import Hit
from .analysis import analyze, analyze_question, question_phrases
from .index import DocRecord, Index, passage_terms
from .mentions import writes_in_a_row
from .morphology import alternatives, normalise_terms, respell, split_compounds
from .related_words import related_words
from .semantic import StaticEmbedder
from .terms import QuestionTerms, definition_terms

__all__ = [
    "CONFIDENT_COVERAGE",
    "SHARED_MAX",
    "FollowupQuery",
    "find_document",
    "locate_passage",
    "plan_query",
    "points_back",
    "search",
]

MAX_TURNS = 3  # how many recent turns lend their terms
TURN_DECAY = 0.5  # each turn further back weighs this much of the one after it
QUESTION_WEIGHT = 0.5  # a recent question's terms, relative to the new question's own
CONTEXT_CAP = 1.0  # context IDF weight, at most this share of the question's own
PASSAGE_BOOST = 0.6  # score multiplier bonus for a passage just cited...
NEIGHBOUR_BOOST = 0.3  # ...for the passages either side of it...
DOCUMENT_BOOST = 0.15  # ...and for any passage of a document just cited
# The composer weighs context terms at this share of their search weight: enough to choose, among
# sentences that answer the question, the one about the conversation's subject, but not so much
# that a sentence answering the question alone falls under the abstain threshold.
COMPOSE_CONTEXT = 0.5
ALTERNATIVE_WEIGHT = 0.5  # another form of an own term ("large" for "larger"), relative to it
DEFINITION_WEIGHT = 1.0  # a "what is X" question's definition term, relative to its own terms
FRAME_WEIGHT = 0.25  # a follow-up's framing words ("say", "tell"), relative to its other terms
CONFIDENT_COVERAGE = 0.6
MIN_TOPIC_WEIGHT = 1.0  # in units of the IDF of a term found nowhere: about two telling words
SHARED_MAX = 0.15

# Words that point back at something said before, and openings that carry a question on ("And
# the imports?", "What about Japan?"): a question using one is never a new topic.
_ANAPHORA = re.compile(
    r"^\W*(?:and|but|so|also|then|what about|how about)\b|"
    r"\b(?:it|its|itself|he|him|his|she|her|hers|they|them|their|theirs|that|this|these|those|"
    r"there|then|such|one|ones|the same|former|latter)\b",
    re.IGNORECASE,
)
# Words that frame a question rather than name its subject ("tell me about", "what did X say"):
# borrowed as context they would pull in every passage that mentions telling or saying.
_FRAME_TERMS = frozenset(
    analyze(
        "tell say said says explain describe happen happened mean know think talk list "
        "give summary summarize summarise"
    )
)


@dataclass(frozen=True)
class FollowupQuery:
    """How to search for one question of a conversation: terms, their weights and boosts."""

    own: tuple[str, ...]  # the question's own terms, repeats kept (BM25 counts them)
    context: Mapping[str, float] = field(default_factory=dict)  # borrowed term → weight (< 1)
    boosts: Mapping[int, float] = field(default_factory=dict)  # passage id → score multiplier
    new_topic: bool = False
    framing: frozenset[str] = frozenset()  # own terms that only frame the question: FRAME_WEIGHT
    # own term → other forms of it that the corpus holds ("larger" → "larg", from "large")
    alternatives: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # keyword phrases the question names that some heading or title opens with ("here_string")
    phrases: tuple[str, ...] = ()
    # the definition terms a "what is X" question searches ("=submodul"; see terms.definition_terms)
    defines: tuple[str, ...] = ()

    def own_weight(self, term: str) -> float:
        return FRAME_WEIGHT if term in self.framing else 1.0

    @property
    def _alternative_terms(self) -> tuple[str, ...]:
        return tuple(a for t in dict.fromkeys(self.own) for a in self.alternatives.get(t, ()))

    @property
    def terms(self) -> tuple[str, ...]:
        return (
            self.own + tuple(self.context) + self._alternative_terms + self.phrases + self.defines
        )

    @property
    def weights(self) -> tuple[float, ...]:
        return (
            tuple(self.own_weight(t) for t in self.own)
            + tuple(self.context.values())
            + (ALTERNATIVE_WEIGHT,) * len(self._alternative_terms)
            + (1.0,) * len(self.phrases)
            + (DEFINITION_WEIGHT,) * len(self.defines)
        )

    @property
    def context_terms(self) -> tuple[str, ...]:
        """The borrowed terms, heaviest first (what ``--json`` reports)."""
        return tuple(sorted(self.context, key=lambda t: (-self.context[t], t)))

    def question_terms(
        self, index: Index, question: str, is_word: Callable[[str], bool] | None = None
    ) -> QuestionTerms:
        """What the composer weighs: own terms at their IDF, context terms at a share of it.
        ``is_word`` tells an everyday word from a name (``QuestionTerms.answer_threshold``)."""
        own = QuestionTerms.of(
            self.own,
            index.term_idf,
            question,
            self.alternatives,
            found=lambda t: index.document_frequency(t) > 0,
            phrases=self.phrases,
            defines=self.defines,
            is_word=is_word,
        )
        if not self.context:
            return own
        weights = {t: w * self.own_weight(t) for t, w in own.weights.items()}
        for t, w in self.context.items():
            weights[t] = index.term_idf(t) * w * COMPOSE_CONTEXT
        return replace(own, weights=weights, borrowed=frozenset(self.context) - own.weights.keys())


class _Sourced(Protocol):
    @property
    def source(self) -> str: ...


_Doc = TypeVar("_Doc", bound=_Sourced)
_DocOut = TypeVar("_DocOut", bound=_Sourced, covariant=True)


class _HasDocs(Protocol[_DocOut]):
    @property
    def docs(self) -> Sequence[_DocOut]: ...


def find_document(index: _HasDocs[_Doc], source: str) -> _Doc | None:
    """The live document ``source`` of ``index``, if it is indexed (a binary search: an index's
    documents are sorted by source)."""
    docs = index.docs
    i = bisect.bisect_left(docs, source, key=lambda d: d.source)
    return docs[i] if i < len(docs) and docs[i].source == source else None


def locate_passage(
    index: Index, source: str, offset: int, doc: DocRecord | None = None
) -> int | None:
    """The id of the passage of ``source`` that holds character ``offset``, if it is indexed.

    A document's passages have consecutive ids in text order, so this is a binary search.
    """
    doc = doc if doc is not None else find_document(index, source)
    if doc is None or doc.n_passages == 0:
        return None
    lo, hi = doc.first_passage, doc.first_passage + doc.n_passages
    i = bisect.bisect_right(range(lo, hi), offset, key=lambda pid: index.passage(pid).start) - 1
    return lo + max(i, 0)


def _own_coverage(index: Index, own: Sequence[str], idf: Mapping[str, float]) -> float:
    """The share of the question's IDF weight held by its best passage (of the top three)."""
    total = sum(idf.values())
    if total <= 0:
        return 0.0
    best = 0.0
    for pid, _ in index.search(own, 3):
        present = set(passage_terms(index.passage(pid)))
        best = max(best, sum(w for t, w in idf.items() if t in present) / total)
    return best


def points_back(question: str) -> bool:
    """Whether ``question`` points back at something said before ("he", "it", "that deal", an
    opening "And…" or "What about…")."""
    return bool(_ANAPHORA.search(question))


def _starts_new_topic(
    question: str, own_idf: Mapping[str, float], asked: set[str], index: Index
) -> bool:
    """The new-topic rule of the module docstring."""
    own_mass = sum(own_idf.values())
    if own_mass < MIN_TOPIC_WEIGHT * index.term_idf("") or _ANAPHORA.search(question):
        return False
    if sum(w for t, w in own_idf.items() if t in asked) >= SHARED_MAX * own_mass:
        return False
    return _own_coverage(index, list(own_idf), own_idf) >= CONFIDENT_COVERAGE


def _question_terms(turn: Turn) -> list[str]:
    """What an earlier question lends: its terms, less the words that only frame it."""
    return [t for t in analyze_question(turn.question) if t not in _FRAME_TERMS]


def plan_query(
    question: str,
    turns: Sequence[Turn],
    index: Index,
    *,
    cited_here: bool = True,
    model: StaticEmbedder | None = None,
    followup_model: Callable[[], StaticEmbedder | None] | None = None,
) -> FollowupQuery:
    """The search for ``question`` after ``turns`` (oldest first). ``cited_here`` says whether
    the turns' citations point into this index (False when the conversation moved corpus). With
    ``model`` (the semantic signal is on), a word the corpus almost never uses is searched as the
    corpus's words for it too (``search.related_words``); without it, ``followup_model`` gives
    the model for a question that continues the conversation (``rerank.semantic_on``)."""
    own = normalise_terms(analyze_question(question), index.document_frequency)
    own = split_compounds(question, own, index.document_frequency, partial(writes_in_a_row, index))
    own = respell(question, own, index.document_frequency)
    alts = dict(alternatives(question, index.document_frequency))

    def relate(model: StaticEmbedder) -> None:
        for term, related in related_words(question, index.document_frequency, model).items():
            alts[term] = tuple(dict.fromkeys((*alts.get(term, ()), *related)))

    if model is not None:
        relate(model)
    phrases = tuple(p for p in question_phrases(question) if index.document_frequency(p) > 0)
    defines = tuple(
        d for d in definition_terms(question, index.term_idf) if index.document_frequency(d) > 0
    )
    recent = list(turns)[-MAX_TURNS:]
    if not recent:
        return FollowupQuery(own, alternatives=alts, phrases=phrases, defines=defines)
    own_idf = {t: index.term_idf(t) for t in own}
    own_mass = sum(own_idf.values())

    context: dict[str, float] = {}
    asked: set[str] = set()
    for back, turn in enumerate(reversed(recent)):
        decay = TURN_DECAY**back
        for t in _question_terms(turn):
            asked.add(t)
            context[t] = max(context.get(t, 0.0), QUESTION_WEIGHT * decay)

    if _starts_new_topic(question, own_idf, asked, index):
        return FollowupQuery(
            own, new_topic=True, alternatives=alts, phrases=phrases, defines=defines
        )

    if model is None and followup_model is not None and (late := followup_model()) is not None:
        relate(late)
    for t in own:
        context.pop(t, None)
    context = {t: w for t, w in context.items() if index.document_frequency(t) > 0}
    # A question of few, common words ("Who said that?") still lets the context weigh as much as
    # a question of two telling words would.
    cap = CONTEXT_CAP * max(own_mass, MIN_TOPIC_WEIGHT * index.term_idf(""))
    context_mass = sum(index.term_idf(t) * w for t, w in context.items())
    if own_mass > 0 and context_mass > cap:
        scale = cap / context_mass
        context = {t: w * scale for t, w in context.items()}
    boosts = _boosts(index, recent) if cited_here else {}
    # "What did he say about it?": with the subject borrowed, "say" would only pick passages
    # that happen to use that word, and documents mostly write "said" anyway.
    framing = frozenset(t for t in own if t in _FRAME_TERMS and len(set(own)) > 1)
    return FollowupQuery(
        own,
        context,
        boosts,
        framing=framing,
        alternatives=alts,
        phrases=phrases,
        defines=defines,
    )


def _boosts(index: Index, turns: Sequence[Turn]) -> dict[int, float]:
    """Score multipliers for the passages just cited, their neighbours and their documents."""
    boosts: dict[int, float] = {}

    def bump(pid: int, bonus: float) -> None:
        boosts[pid] = max(boosts.get(pid, 1.0), 1.0 + bonus)

    for back, turn in enumerate(reversed(turns)):
        decay = TURN_DECAY**back
        for c in turn.citations:
            doc = find_document(index, str(c.get("source", "")))
            pid = locate_passage(index, "", int(c.get("start", 0) or 0), doc)
            if doc is None or pid is None:
                continue
            for other in range(doc.first_passage, doc.first_passage + doc.n_passages):
                bump(other, DOCUMENT_BOOST * decay)
            for other in (pid - 1, pid + 1):
                if doc.first_passage <= other < doc.first_passage + doc.n_passages:
                    bump(other, NEIGHBOUR_BOOST * decay)
            bump(pid, PASSAGE_BOOST * decay)
    return boosts


def search(index: Index, query: FollowupQuery, k: int) -> list[Hit]:
    """The ``k`` best passages for ``query``: weighted BM25, then the boosts; best first."""
    if not query.boosts:
        return index.hits(query.terms, k, query.weights)
    cand, scores = index.scores_for(query.terms, query.weights)
    if len(cand) == 0:
        return []
    factors = np.fromiter((query.boosts.get(int(p), 1.0) for p in cand), np.float64, len(cand))
    scores = scores * factors
    order = np.lexsort((cand, -scores))[:k]
    return [Hit(index.passage(int(cand[j])), float(scores[j])) for j in order]
