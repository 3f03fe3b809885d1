"""Full-answer time of this tree against another revision, on one saved index, in one run.

    python bench/answer_speed.py [--size 1M] [--against REV] [--rounds 2] [--queries 200]

A speed change is judged by what it does on the same machine in the same hour: these machines
are noisy, and ``bench/run.py`` runs a day apart differ by more than most changes. This builds
(or reuses) the bench corpus and one saved index of it, checks out ``--against`` (default HEAD)
into a temporary worktree, and then times the same questions with each tree in turn, each in a
fresh process that opens the index, answers a warm-up of 50 questions and then all of them. The
index format must be the same in both trees (an ``ANALYZER_VERSION`` bump makes this refuse).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

WARM_UP = 50


def worker(a: dict[str, Any]) -> dict[str, Any]:
    """Open the saved index with whichever askbrief is first on the path, and time answers."""
    from run import _pct, _settings

    from askbrief.session import Session

    session = Session(_settings(a["index"]), Path(a["corpus"]))
    report = session.open()
    if a.get("must_exist") and report.status != "reused":
        return {"error": f"the saved index was not reused ({report.status})"}
    for q in a["questions"][:WARM_UP]:
        session.ask(q)
    times = []
    for q in a["questions"]:
        t0 = time.perf_counter()
        session.ask(q)
        times.append((time.perf_counter() - t0) * 1000)
    return {"p50_ms": _pct(times, 0.5), "p95_ms": _pct(times, 0.95)}


def _run(src: Path, args: dict[str, Any]) -> dict[str, Any]:
    """``worker`` in a fresh process (``run.py``'s), with the askbrief of ``src`` first on the
    path."""
    from run import _run_worker

    env = {**os.environ, "PYTHONPATH": f"{src}{os.pathsep}{HERE}"}
    return _run_worker("answer_speed", args, timeout=3600, env=env)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="1M")
    parser.add_argument("--against", default="HEAD", help="the revision to compare with")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--cache", type=Path, default=HERE / "results" / "cache")
    args = parser.parse_args(argv)
    from corpora import base_documents, make_corpus
    from run import _label, _size, make_questions

    n = _size(args.size)
    docs, _ = base_documents(args.cache)
    questions = make_questions(docs, args.queries)
    corpus = args.cache / f"corpus-{_label(n)}"
    make_corpus(n, corpus, args.cache)
    work = Path(tempfile.mkdtemp(prefix="askbrief-speed-"))
    other = work / "other"
    subprocess.run(
        ["git", "-C", str(ROOT), "worktree", "add", "--detach", "-q", str(other), args.against],
        check=True,
    )
    try:
        common = {"corpus": str(corpus), "index": str(work / "index"), "questions": questions}
        built = _run(ROOT / "src", common)  # builds the index once, and warms the file cache
        print(f"index ready; this tree, first pass: {built}", file=sys.stderr, flush=True)
        trees = {args.against: other / "src", "this tree": ROOT / "src"}
        results: dict[str, list[dict[str, Any]]] = {name: [] for name in trees}
        for _ in range(args.rounds):
            for name, src in trees.items():
                results[name].append(_run(src, {**common, "must_exist": True}))
                print(f"{name}: {results[name][-1]}", file=sys.stderr, flush=True)
    finally:
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(other)], check=False
        )
        shutil.rmtree(work, ignore_errors=True)
    print(f"| {_label(n)}, {args.queries} questions | full answer p50 | p95 |")
    print("|---|---|---|")
    for name, runs in results.items():
        for r in runs:
            if "error" in r:
                print(f"| {name} | {r['error']} | |")
            else:
                print(f"| {name} | {r['p50_ms']:.1f} ms | {r['p95_ms']:.1f} ms |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
