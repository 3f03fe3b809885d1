"""Why each quote was chosen: what ``ask --explain`` prints and ``--json --explain`` carries.

Users trust what they can inspect. The explanation names the question's terms with their IDF
weights (and which were borrowed from the conversation or are missing from the corpus, and the
other forms and related words each is searched as), the
answer type the question asks for, the coverage the abstain rule wants, and for each quote its
passage's BM25 and fused ranks, the cosine of passage and question when the semantic signal is
on, and the features its score was made of (``answers.quotes``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import fields
from enum import StrEnum
from typing import Any

from ..search.rerank import Ranked
from ..search.terms import QuestionTerms
from .answer_type import answer_type, demands_value
from .quotes import Candidate, Features, Weights

__all__ = ["RunBack", "RunOn", "explanation", "quote_reasons", "render_explanation"]


class RunBack(StrEnum):
    """Where a quote ran back to, as ``--explain`` says it."""

    LEANS = "the sentence its opening leans on"
    PARAGRAPH = "the start of its paragraph"
    EXPLAINED = "the paragraph that introduces its code"


class RunOn(StrEnum):
    """Where a quote ran on to, as ``--explain`` says it."""

    PARAGRAPH = "the end of its paragraph"
    EXAMPLE = "the example its colon leads into"


def quote_reasons(
    chosen: Sequence[Candidate],
    weights: Weights | None = None,
    ran_on: Sequence[int] = (),
    ran_back: Sequence[int] = (),
    back_to: Sequence[RunBack | None] = (),
    on_to: Sequence[RunOn | None] = (),
) -> list[dict[str, Any]]:
    """For each chosen quote (in citation order): its passage, coverage, score, the features
    that counted (those with a weight), how many characters it ran on (``ran_on``) to where
    ``on_to`` says and back (``ran_back``) to where ``back_to`` says, in the same order."""
    weights = weights or Weights()
    added = list(ran_on) + [0] * (len(chosen) - len(ran_on))
    before = list(ran_back) + [0] * (len(chosen) - len(ran_back))
    to = list(back_to) + [None] * (len(chosen) - len(back_to))
    onto = list(on_to) + [None] * (len(chosen) - len(on_to))
    return [
        {
            "n": n,
            "passage": c.hit.passage.id,
            "coverage": round(c.coverage, 3),
            "score": round(c.score, 3),
            "features": {
                f.name: round(getattr(c.features, f.name), 3)
                for f in fields(Features)
                if getattr(c.features, f.name) and getattr(weights, f.name) and f.name != "coverage"
            },
            "ran_on": added[n - 1],
            "ran_on_to": str(onto[n - 1] or RunOn.PARAGRAPH) if added[n - 1] else None,
            "ran_back": before[n - 1],
            "ran_back_to": str(to[n - 1]) if before[n - 1] and to[n - 1] else None,
        }
        for n, c in enumerate(chosen, start=1)
    ]


def explanation(
    question: str,
    terms: QuestionTerms,
    ranked: Sequence[Ranked],
    context_terms: Sequence[str],
    quotes: Sequence[Mapping[str, Any]],
    unmentioned: Sequence[str] = (),
    lenient: bool = False,
) -> dict[str, Any]:
    """The whole explanation as plain JSON-ready data; ``unmentioned`` names the code-like names
    the documents never hold, for which askbrief abstained (``search.mentions``); ``lenient``
    says the answer passed the lower bar of a long question (``lenient_threshold``)."""
    by_passage = {r.hit.passage.id: r for r in ranked}
    borrowed = set(context_terms)
    reasons = []
    for q in quotes:
        r = by_passage.get(q["passage"])
        reasons.append(
            {
                **q,
                "bm25_rank": r.bm25_rank if r else None,
                "fused_rank": r.fused_rank if r else None,
                "cosine": round(r.cosine, 3) if r and r.cosine is not None else None,
                "added": r.added if r else "",
                "also_in": list(r.also_in) if r else list(q.get("also_in", [])),
            }
        )
    return {
        "terms": [
            {
                "term": t,
                "weight": round(w, 3),
                "borrowed": t in borrowed,
                "missing": t in terms.missing,
                "everyday": t in terms.everyday,
                "also": list(terms.alternatives.get(t, ())),
            }
            for t, w in sorted(terms.weights.items(), key=lambda kv: -kv[1])
        ],
        "answer_type": answer_type(question).value,
        "focus": sorted(terms.focus),
        "phrases": sorted(terms.phrases),
        "defines": sorted(terms.defines),
        "threshold": round(
            (terms.lenient_threshold if lenient else None) or terms.answer_threshold, 3
        ),
        "lenient": lenient,
        "needs_value": demands_value(question, answer_type(question)),
        "unmentioned": list(unmentioned),
        "quotes": reasons,
    }


# What a question asking for a value needs its first quote to hold (``demands_value``).
_VALUES = {"quantity": "an amount", "time": "a date or a condition", "person": "a person"}


def _term(t: Mapping[str, Any]) -> str:
    mark = " (borrowed)" if t["borrowed"] else " (not in the corpus)" if t["missing"] else ""
    if t.get("everyday"):
        mark = " (not in the corpus; an everyday word, read as an aside)"
    also = f" (also as {' / '.join(t['also'])})" if t.get("also") else ""
    return f"{t['term']} {t['weight']:.2f}{mark}{also}"


def render_explanation(expl: Mapping[str, Any]) -> str:
    """The explanation as plain text, a few lines per quote."""
    lines = [
        "Why these quotes",
        "  question terms (IDF weight): " + ", ".join(_term(t) for t in expl["terms"]),
        f"  answer type: {expl['answer_type']}"
        + (f" (about: {', '.join(expl['focus'])})" if expl["focus"] else ""),
        f"  to answer, a quote must cover more than {expl['threshold']:.0%} of the question's"
        " weight"
        + (f" and hold {_VALUES[expl['answer_type']]}" if expl.get("needs_value") else "")
        + (
            " (the lower bar of a long question in the asker's own words: no quote reached the"
            " usual one)"
            if expl.get("lenient")
            else ""
        ),
    ]
    if expl.get("phrases"):
        lines.insert(
            2, "  keyword phrases, searched in titles and headings: " + ", ".join(expl["phrases"])
        )
    if expl.get("defines"):
        lines.insert(
            2,
            "  searched for passages that open by defining it: " + ", ".join(expl["defines"]),
        )
    for q in expl["quotes"]:
        cos = f", cosine {q['cosine']:.2f}" if q["cosine"] is not None else ""
        if q.get("added"):
            where = f"passage added as {q['added']}"
        elif q["bm25_rank"] is None:
            where = "passage holding the same text as a ranked one"
        else:
            where = f"passage ranked {q['bm25_rank']} by BM25, {q['fused_rank']} after reranking"
        lines.append(
            f"  [{q['n']}] {where}{cos}; the quote covers {q['coverage']:.0%}, "
            f"score {q['score']:.2f}"
        )
        feats = ", ".join(f"{k} {v:g}" for k, v in q["features"].items())
        if feats:
            lines.append(f"      {feats}")
        if q.get("ran_on"):
            on_to = q.get("ran_on_to") or RunOn.PARAGRAPH
            lines.append(f"      run on {q['ran_on']} characters to {on_to}")
        if q.get("ran_back"):
            to = q.get("ran_back_to") or RunBack.LEANS
            lines.append(f"      run back {q['ran_back']} characters to {to}")
        if q["also_in"]:
            lines.append(f"      same text also in {', '.join(q['also_in'])}")
    if expl.get("unmentioned"):
        names = ", ".join(f"“{n}”" for n in expl["unmentioned"])
        lines.append(f"  askbrief abstained: the documents never mention {names}")
    elif not expl["quotes"]:
        lines.append("  no quote passed the rule: askbrief abstained")
    return "\n".join(lines) + "\n"
