"""The engine ranks exactly as rank-bm25 does with the same scoring on the same tokens."""

from __future__ import annotations

import random

import numpy as np
import pytest

from askbrief.search.analysis import analyze
from askbrief.search.index import Index, passage_terms
from askbrief.search.scoring import LuceneIdfBM25
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
        docs.append(
            Document(
                source=f"d{d}.txt", title=f"Title {d} {rng.choice(vocab)}", text="\n\n".join(paras)
            )
        )
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


def _full_scan_top(
    index: Index, query: list[str], k: int, weights: list[float] | None = None
) -> list[tuple[int, float]]:
    cand, scores = index.scores_for(query, weights)
    order = np.lexsort((index._rank[cand], -scores))[:k]
    return [(int(cand[j]), float(scores[j])) for j in order]


@pytest.mark.parametrize("k", [1, 3, 10, 50])
def test_pruned_top_k_equals_a_full_scan_to_the_bit(
    sample: tuple[Index, list[list[str]]], k: int
) -> None:
    index, tokens = sample
    rng = random.Random(k)
    vocab = sorted({t for doc in tokens for t in doc})
    common = ["w0", "w1", "w2", "w3", "w5", "china"]
    for _ in range(150):
        query = rng.sample(vocab, rng.randint(1, 4)) + rng.sample(common, rng.randint(0, 3))
        weights = [rng.choice([1.0, 0.5, 0.25]) for _ in query]
        assert index.search(query, k) == _full_scan_top(index, query, k)
        assert index.search(query, k, weights) == _full_scan_top(index, query, k, weights)


def test_pruning_skips_dead_passages_after_a_refresh() -> None:
    docs = _sample_corpus(3, 300)
    old = Index.build(((d, None) for d in docs), max_tokens=60)
    from askbrief.search.index import Segment, Tombstones, analyze_documents

    changed = [
        Document(source=d.source, title=d.title, text=d.text + " Extra w1 w2 china.")
        for d in docs[:40]
    ]
    tomb = Tombstones().with_removed(old.segments[0], list(range(40)))
    index = Index(
        [
            old.segments[0],
            Segment.from_parts([analyze_documents(((d, None) for d in changed), 60)]),
        ],
        [tomb, Tombstones()],
    )
    rng = random.Random(5)
    for _ in range(100):
        query = [f"w{rng.randrange(40)}" for _ in range(rng.randint(2, 5))]
        assert index.search(query, 10) == _full_scan_top(index, query, 10)


def test_maxscore_bounds_hold_on_long_postings_lists() -> None:
    """Lists past the length where per-term peaks are measured: exact against brute force."""
    from askbrief.search.scoring import idf, pruned_candidates, term_scores

    rng = np.random.default_rng(0)
    n = 60_000
    norm = 1.5 * (0.25 + 0.75 * rng.integers(1, 120, n) / 60.0)
    lists = [
        np.sort(rng.choice(n, size, replace=False)).astype(np.int32)
        for size in (40, 900, 25_000, 45_000)
    ]
    pids = np.concatenate(lists)
    tfs = rng.integers(1, 6, len(pids)).astype(np.float32)
    bounds = np.cumsum([0] + [len(x) for x in lists])
    ranges = [
        (float(idf(np.asarray([len(x)]), n)[0]), int(bounds[i]), int(bounds[i + 1]))
        for i, x in enumerate(lists)
    ]
    full = np.zeros(n)
    for w, lo, hi in ranges:
        full[pids[lo:hi]] += term_scores(pids[lo:hi], tfs[lo:hi], norm, w)
    for order in ([0, 1, 2, 3], [3, 2, 1, 0], [2, 0, 3, 1]):
        rs = [ranges[i] for i in order]
        want = np.zeros(n)
        for w, lo, hi in rs:
            want[pids[lo:hi]] += term_scores(pids[lo:hi], tfs[lo:hi], norm, w)
        found = pruned_candidates(pids, tfs, norm, rs, 10, None, np.zeros(n), np.zeros(n, bool), {})
        assert found is not None
        cand, scores = found
        assert np.array_equal(scores, want[cand])
        top = set(np.argsort(-want, kind="stable")[:10].tolist())
        assert top <= set(cand.tolist())


def test_a_terms_idf_is_lucenes_over_the_live_passages_each_time_it_is_asked() -> None:
    docs = _sample_corpus(4, 200)
    old = Index.build(((d, None) for d in docs), max_tokens=60)
    from askbrief.search.index import Segment, Tombstones, analyze_documents

    def lucene(index: Index, term: str) -> float:
        held = sum(term in passage_terms(p) for doc in index.docs for p in index.doc_passages(doc))
        n = index.n_passages
        return float(np.log1p((n - held + 0.5) / (held + 0.5)))

    for _ in range(2):  # the second time from what the index keeps
        assert old.term_idf("china") == pytest.approx(lucene(old, "china"))
    added = [Document(source=f"new{i}.txt", title="New", text="China. China.") for i in range(30)]
    tomb = Tombstones().with_removed(old.segments[0], list(range(100)))
    refreshed = Index(
        [old.segments[0], Segment.from_parts([analyze_documents(((d, None) for d in added), 60)])],
        [tomb, Tombstones()],
    )
    assert refreshed.term_idf("china") == pytest.approx(lucene(refreshed, "china"))
    assert refreshed.term_idf("china") != pytest.approx(old.term_idf("china"))
