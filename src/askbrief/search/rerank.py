"""Reranking BM25's candidates: one copy of each text, then BM25 fused with meaning.

BM25 finds the candidates (the top ``candidates`` passages of the engine); this module reorders
them and hands the best ``k`` to the composer:

1. **Duplicates collapse.** Documentation often ships a page twice (``git-rebase.html`` and
   ``git-rebase.txt``), and a folder may hold many copies of one report. Passages whose words are
   the same, or nearly (Jaccard of their word sets ≥ ``NEAR_DUPLICATE``, lengths alike), keep the
   best-ranked copy, which remembers where else its text appears ("also in git-rebase.txt").
2. **Fusion.** Each candidate's BM25 score, min-max normalised over the candidates, is averaged
   with the cosine between the question's and the passage's static embeddings
   (``search.semantic``). BM25 keeps its say on exact terms; the cosine lifts passages whose
   words differ from the question's but mean the same. Measured on every public set, fusion
   raised passage hit@3 and lost no question (README, "How it answers").

The BM25 score stays on each hit; the explanation (ranks, cosine, fused score) rides along in
``Ranked`` so ``ask --explain`` can show why a passage was chosen.
"""

from __future__ import annotations

import math
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
from numpy.typing import NDArray

from ..config import SearchSettings
from ..types import Hit, Passage
from .semantic import StaticEmbedder
from .terms import QuestionTerms, heading_terms, title_terms

__all__ = [
    "NEAR_DUPLICATE",
    "SIGNALS",
    "Ranked",
    "collapse_duplicates",
    "fuse",
    "fusion_weights",
    "rerank",
    "signals",
]

NEAR_DUPLICATE = 0.8
# A "what is X" question is answered where X is the heading: its heading weight is this many times.
FOCUS_HEADING = 3.0
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Ranked:
    """A candidate after reranking, with what decided its place."""

    hit: Hit
    bm25_rank: int  # 1-based, among the candidates before reranking
    fused_rank: int = 0  # 1-based, after reranking
    cosine: float | None = None  # question · passage, when the semantic signal is on
    fused: float | None = None
    also_in: tuple[str, ...] = field(default_factory=tuple)  # other sources with the same text
    added: str = ""  # why it joined from outside BM25's candidates ("its page's one-line summary")


def _words(text: str) -> frozenset[str]:
    return frozenset(map(str.lower, _WORD.findall(text)))


def _near_duplicates(a: frozenset[str], b: frozenset[str]) -> bool:
    """Whether the word sets ``a`` and ``b`` overlap by ``NEAR_DUPLICATE`` (Jaccard) or more.
    The union's size is counted from the sizes, so only the intersection is built: fifty
    candidates make over a thousand pairs a question."""
    small, large = min(len(a), len(b)), max(len(a), len(b))
    if large == 0 or small / large < NEAR_DUPLICATE:
        return False
    shared = len(a & b)
    return shared / (len(a) + len(b) - shared) >= NEAR_DUPLICATE


def collapse_duplicates(
    hits: Sequence[Hit], is_link: Callable[[str], bool] | None = None
) -> list[Ranked]:
    """``hits`` (best first) with later identical or near-identical passages folded into the
    first copy, which lists their sources in ``also_in``. With ``is_link``, a copy in a file that
    is a link gives its place to the same text in a file that is not: the Apache manual's
    untranslated pages are links into its English folder, and a quote is cited from
    ``en/mod/core.html`` rather than ``da/mod/core.html``."""
    kept: list[tuple[Ranked, frozenset[str], list[str]]] = []
    for rank, hit in enumerate(hits, start=1):
        words = _words(hit.passage.text)
        twin = next(
            (i for i, (_, other, _) in enumerate(kept) if _near_duplicates(words, other)), None
        )
        if twin is None:
            kept.append((Ranked(hit, rank), words, []))
            continue
        first, _, sources = kept[twin]
        if (
            is_link is not None
            and words == kept[twin][1]
            and math.isclose(hit.score, first.hit.score, rel_tol=1e-9)
            and is_link(first.hit.passage.source)
            and not is_link(hit.passage.source)
        ):
            # The same words at the same score: the file itself takes the link's place.
            kept[twin] = (Ranked(hit, first.bm25_rank), words, sources)
            hit = first.hit
        if hit.passage.source != kept[twin][0].hit.passage.source and (
            hit.passage.source not in sources
        ):
            sources.append(hit.passage.source)
    return [
        Ranked(r.hit, r.bm25_rank, also_in=tuple(sources)) if sources else r
        for r, _, sources in kept
    ]


def _embedding_text(hit: Hit) -> str:
    p = hit.passage
    return f"{p.heading}\n{p.text}" if p.heading and p.heading not in p.text else p.text


SIGNALS = ("bm25", "cosine", "page", "heading", "title", "opening")


def signals(
    question: str,
    ranked: Sequence[Ranked],
    embedder: StaticEmbedder | None,
    opening: Callable[[Passage], str] | None = None,
    terms: QuestionTerms | None = None,
) -> dict[str, NDArray[np.float64]]:
    """Each candidate's evidence, one array per signal, each 0 to 1 (cosines: -1 to 1):

    - ``bm25``: its BM25 score, min-max normalised over the candidates;
    - ``cosine``: question · passage, by static embeddings;
    - ``page``: how much of the candidates' BM25 its page gathers, relative to the best page (a
      page that many strong candidates come from is about the question);
    - ``heading`` / ``title``: how squarely the passage's heading or its page's title names
      what the question asks about ("pull.rebase", "git-credential-cache(1)");
    - ``opening``: question · the page's opening (title, name line, first lines).
    """
    n = len(ranked)
    zeros = np.zeros(n)
    bm25 = np.array([r.hit.score for r in ranked], dtype=np.float64)
    spread = bm25.max() - bm25.min() if n else 0.0
    norm = (bm25 - bm25.min()) / spread if spread > 0 else np.ones(n)
    per_page: dict[str, float] = {}
    for r, s in zip(ranked, norm, strict=True):
        per_page[r.hit.passage.source] = per_page.get(r.hit.passage.source, 0.0) + float(s)
    top = max(per_page.values(), default=1.0) or 1.0
    out = {
        "bm25": norm,
        "cosine": zeros,
        "page": np.array([per_page[r.hit.passage.source] / top for r in ranked]),
        "heading": zeros,
        "title": zeros,
        "opening": zeros,
    }
    if terms is not None:
        out["heading"] = np.array(
            [terms.names(heading_terms(r.hit.passage.heading)) for r in ranked]
        )
        out["title"] = np.array([terms.names(title_terms(r.hit.passage.title)) for r in ranked])
    if embedder is not None and n:
        vectors = embedder.embed([question] + [_embedding_text(r.hit) for r in ranked])
        out["cosine"] = (vectors[1:] @ vectors[0]).astype(np.float64)
        if opening is not None:
            first = {r.hit.passage.source: r.hit.passage for r in reversed(ranked)}
            texts = {s: opening(p) for s, p in first.items()}
            vecs = _opening_vectors(embedder, list(texts.values()))
            page_cos = {s: float(v @ vectors[0]) for s, v in zip(texts, vecs, strict=True)}
            out["opening"] = np.array([page_cos[r.hit.passage.source] for r in ranked])
    return out


def semantic_on(settings: SearchSettings, n_passages: int, followup: bool = False) -> bool:
    """Whether the semantic signal is on for a corpus of ``n_passages``; with "auto", for a
    follow-up whatever the corpus's size. A follow-up says little of its own, and what it says is
    often the asker's word for the documents' ("How did Moscow respond to that?" for "In
    response, the Kremlin blamed…"): the corpus's words for a rare question word find it."""
    if settings.semantic == "auto":
        return n_passages >= settings.semantic_min_passages or followup
    return bool(settings.semantic)


# Page openings recur from question to question (the same pages keep coming up), so their
# vectors are kept: a few thousand 256-float vectors, keyed by the opening's text.
_OPENINGS: OrderedDict[str, NDArray[np.float32]] = OrderedDict()
_OPENINGS_MAX = 4096
_OPENINGS_LOCK = threading.Lock()


def _opening_vectors(embedder: StaticEmbedder, texts: list[str]) -> list[NDArray[np.float32]]:
    with _OPENINGS_LOCK:
        known = {t: _OPENINGS[t] for t in texts if t in _OPENINGS}
    missing = [t for t in dict.fromkeys(texts) if t not in known]
    if missing:
        known.update(zip(missing, embedder.embed(missing), strict=True))
    with _OPENINGS_LOCK:
        for text in dict.fromkeys(texts):
            _OPENINGS[text] = known[text]
            _OPENINGS.move_to_end(text)
        while len(_OPENINGS) > _OPENINGS_MAX:
            _OPENINGS.popitem(last=False)
    return [known[t] for t in texts]


def fusion_weights(
    settings: SearchSettings, terms: QuestionTerms | None, semantic: bool = True
) -> dict[str, float]:
    """Each signal's weight. Without the semantic signal, BM25 has the cosine's share too. A "what
    is X" question leans on headings ``FOCUS_HEADING`` times as much: it is answered where X is the
    heading."""
    share = settings.semantic_weight if semantic else 0.0
    heading = settings.heading_weight * (
        FOCUS_HEADING if terms is not None and terms.focus else 1.0
    )
    return {
        "bm25": 1.0 - share,
        "cosine": share,
        "page": settings.page_weight,
        "heading": heading,
        "title": settings.title_weight,
        "opening": settings.opening_weight if semantic else 0.0,
    }


def fuse(
    ranked: Sequence[Ranked],
    evidence: Mapping[str, NDArray[np.float64]],
    weights: Mapping[str, float],
    semantic: bool,
) -> list[Ranked]:
    """``ranked`` reordered by the weighted sum of its signals."""
    n = len(ranked)
    fused = np.zeros(n)
    for name, w in weights.items():
        if w:
            fused += w * evidence[name]
    order = sorted(range(n), key=lambda i: (-fused[i], ranked[i].bm25_rank))
    return [
        Ranked(
            ranked[i].hit,
            ranked[i].bm25_rank,
            fused_rank=place,
            cosine=float(evidence["cosine"][i]) if semantic else None,
            fused=float(fused[i]),
            also_in=ranked[i].also_in,
        )
        for place, i in enumerate(order, start=1)
    ]


def rerank(
    question: str,
    hits: Sequence[Hit],
    settings: SearchSettings,
    k: int,
    opening: Callable[[Passage], str] | None = None,
    terms: QuestionTerms | None = None,
    *,
    model: StaticEmbedder | None = None,
    is_link: Callable[[str], bool] | None = None,
) -> list[Ranked]:
    """The best ``k`` of BM25's ``hits`` after the steps ``settings`` turn on; each hit carries
    the sources of its collapsed duplicates. ``opening`` gives a passage's page opening; ``model``
    is the static embedder where the semantic signal is on (``semantic_on``), else None."""
    if settings.collapse_duplicates:
        ranked = collapse_duplicates(hits, is_link)
    else:
        ranked = [Ranked(h, i) for i, h in enumerate(hits, start=1)]
    if ranked:
        evidence = signals(question, ranked, model, opening, terms)
        weights = fusion_weights(settings, terms, model is not None)
        ranked = fuse(ranked, evidence, weights, model is not None)
    out = []
    for place, r in enumerate(ranked[:k], start=1):
        hit = replace(r.hit, also_in=r.also_in) if r.also_in else r.hit
        out.append(replace(r, hit=hit, fused_rank=r.fused_rank or place))
    return out
