"""The engine ranks exactly as rank-bm25 does with the same scoring on the same tokens."""

from __future__ import annotations

import random

import numpy as np
import pytest

from askbrief.analysis import analyze
from askbrief.index import Index, passage_terms
from askbrief.scoring import LuceneIdfBM25
from askbrief.types import Document


def _sample_corpus(seed: int, n_docs: int) -> list[Document]:
    """Documents of words drawn from a Zipf-like vocabulary, with real sentence structure."""
    rng = random.Random(seed)
    vocab = [f"w{i}" for i in range(3000)] + ["china", "russia", "trade", "sanction", "bridge"]
    weights = [1.0 / (i + 1) for i in range(len(vocab))]
    docs = []
    for d in range(n_docs):
        paras = []
        for _ in range(rng.randint(1, 6)):
            sents = []
            for _ in range(rng.randint(1, 5)):
                words = rng.choices(vocab, weights=weights, k=rng.randint(3, 25))
                sents.append(" ".join(words).capitalize() + ".")
            paras.append(" ".join(sents))
        docs.append(Document(source=f"d{d}.txt", title=f"Title {d} {rng.choice(vocab)}",
                             text="\n\n".join(paras)))
    return docs


@pytest.fixture(scope="module")
def sample() -> tuple[Index, list[list[str]]]:
    index = Index.build(((d, None) for d in _sample_corpus(7, 700)), max_tokens=60)
    tokens = [passage_terms(index.passage(p)) for p in range(index.n_passages)]
    return index, tokens


def test_sample_has_thousands_of_passages(sample: tuple[Index, list[list[str]]]) -> None:
    assert sample[0].n_passages >= 2000


def test_top10_matches_rank_bm25_for_many_queries(sample: tuple[Index, list[list[str]]]) -> None:
    index, tokens = sample
    reference = LuceneIdfBM25(tokens)
    rng = random.Random(1)
    vocab = sorted({t for doc in tokens for t in doc})
    for _ in range(200):
        query = rng.sample(vocab, rng.randint(1, 5)) + (["china"] if rng.random() < 0.3 else [])
        expected = reference.get_scores(query)
        got = index.search(query, 10)
        top = np.argsort(-expected, kind="stable")[:10]
        want = [(int(p), float(expected[p])) for p in top if expected[p] > 0]
        assert len(got) == len(want)
        for (gp, gs), (wp, ws) in zip(got, want, strict=True):
            assert gs == pytest.approx(ws, rel=1e-9)
            if gp != wp:  # a tie: equal scores may come in either order
                assert float(expected[gp]) == pytest.approx(ws, rel=1e-9)


def test_repeated_query_terms_count_as_in_rank_bm25(sample: tuple[Index, list[list[str]]]) -> None:
    index, tokens = sample
    reference = LuceneIdfBM25(tokens)
    expected = reference.get_scores(["trade", "trade", "bridge"])
    pid, score = index.search(["trade", "trade", "bridge"], 1)[0]
    assert score == pytest.approx(float(expected.max()))
    assert expected[pid] == pytest.approx(float(expected.max()))


def test_unknown_terms_find_nothing(sample: tuple[Index, list[list[str]]]) -> None:
    assert sample[0].search(["nosuchterm"], 5) == []


def test_title_words_are_searchable() -> None:
    doc = Document(source="a.txt", title="Tianwan reactor", text="The plant was finished.")
    index = Index.build([(doc, None)], max_tokens=50)
    assert [p for p, _ in index.search(analyze("Tianwan"), 3)] == [0]
