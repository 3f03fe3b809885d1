"""Measure tokenizer and IDF choices on retrieval, on the seeds and on a second, real corpus.

For each question with a gold answer, the rank of the first passage that holds a gold string (in
a gold document) is found under each variant; the table reports recall@5, recall@12 and MRR.
Scoring uses rank-bm25's own classes on each variant's tokens, so the figures are what rank-bm25
would rank. Usage:

    python bench/tokenizer_choice.py [CORPUS QUESTIONS.jsonl] ...

With no arguments: the seeds with ../shared/eval/dev_questions.jsonl and
bench/seeds_extra_questions.jsonl, and the Python docs (Debian's python3.11-doc, when installed)
with bench/pydocs_questions.jsonl.
"""

from __future__ import annotations

import json
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from rank_bm25 import BM25L, BM25Okapi, BM25Plus

from askbrief.config import Settings
from askbrief.documents.corpus import load_document, scan_corpus
from askbrief.documents.passages import split_document
from askbrief.errors import SkipFile
from askbrief.search.analysis import STOP_WORDS, analyze
from askbrief.search.index import passage_terms
from askbrief.search.scoring import LuceneIdfBM25
from askbrief.types import Passage

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
_WORDS = re.compile(r"\w+")


def plain(text: str) -> list[str]:
    return _WORDS.findall(text.lower())


def plain_stop(text: str) -> list[str]:
    return [t for t in plain(text) if t not in STOP_WORDS]


ANALYZERS: dict[str, Callable[[str], list[str]]] = {
    "words": plain,
    "words-stop": plain_stop,
    "askbrief (stop+stem+numbers)": analyze,
}
SCORERS = {
    "BM25Okapi": BM25Okapi,
    "Okapi+LuceneIDF": LuceneIdfBM25,
    "BM25Plus": BM25Plus,
    "BM25L": BM25L,
}


def load_passages(root: Path) -> list[Passage]:
    settings = Settings()
    files, _ = scan_corpus(root, max_file_bytes=50 * 1024 * 1024)
    passages: list[Passage] = []
    for info in files:
        try:
            doc = load_document(root, info)
        except SkipFile:
            continue
        passages += split_document(doc, settings.index.passage_tokens, first_id=len(passages))
    return passages


def gold_rank(scores: np.ndarray, passages: list[Passage], row: dict) -> int | None:
    sources = row["source"] if isinstance(row["source"], list) else [row["source"]]
    alts = set(sources) | {
        "_sources/" + s[:-5] + ".rst.txt" for s in sources if s.endswith(".html")
    }
    order = np.argsort(-scores, kind="stable")[:50]
    for rank, pid in enumerate(order):
        p = passages[int(pid)]
        if (
            scores[pid] > 0
            and p.source in alts
            and any(g.lower() in p.text.lower() for g in row["gold"])
        ):
            return rank
    return None


def measure(root: Path, qfile: Path) -> None:
    t0 = time.perf_counter()
    passages = load_passages(root)
    rows = [json.loads(line) for line in qfile.open() if line.strip()]
    rows = [r for r in rows if not r.get("abstain")]
    print(
        f"\n{root} — {len(passages)} passages, {len(rows)} questions ({qfile.name}), "
        f"loaded in {time.perf_counter() - t0:.1f} s"
    )
    print(f"{'analyzer':32} {'scoring':16} {'R@5':>6} {'R@12':>6} {'MRR':>6}")
    for a_name, analyzer in ANALYZERS.items():
        if analyzer is analyze:
            tokens = [passage_terms(p) for p in passages]
        else:
            tokens = [analyzer(p.text) + analyzer(p.title) for p in passages]
        for s_name, cls in SCORERS.items():
            model = cls(tokens)
            ranks = []
            for r in rows:
                q = analyzer(r["q"])
                ranks.append(gold_rank(np.asarray(model.get_scores(q)), passages, r))
            r5 = sum(1 for x in ranks if x is not None and x < 5) / len(ranks)
            r12 = sum(1 for x in ranks if x is not None and x < 12) / len(ranks)
            mrr = sum(1 / (x + 1) for x in ranks if x is not None) / len(ranks)
            print(f"{a_name:32} {s_name:16} {r5:6.2f} {r12:6.2f} {mrr:6.3f}")


def main(argv: list[str]) -> int:
    pairs = list(zip(argv[::2], argv[1::2], strict=False))
    if not pairs:
        seeds = REPO / "seeds"
        pairs = [
            (str(seeds), str(REPO.parent / "shared/eval/dev_questions.jsonl")),
            (str(seeds), str(HERE / "seeds_extra_questions.jsonl")),
        ]
        pydocs = Path("/usr/share/doc/python3.11/html")
        if pydocs.is_dir():
            pairs.append((str(pydocs), str(HERE / "pydocs_questions.jsonl")))
            pairs.append((str(pydocs), str(HERE / "pydocs_questions_2.jsonl")))
        else:
            print("(the Python docs are not installed: apt-get install python3.11-doc)")
    for root, qfile in pairs:
        measure(Path(root), Path(qfile))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
