"""askbrief against the plain BM25 peers, at corpus sizes from 10k to 1M passages.

    python bench/run.py [--sizes 10k,100k,1M] [--json out.json] [--smoke]

Each engine builds, loads and answers in a fresh subprocess of this script (``--worker``), so that
peak memory (``ru_maxrss``) belongs to that engine alone. Everything runs in one process tree and
one run, on the same passages and the same tokens (askbrief's analyzer), because these machines
are noisy: the ratios between engines in one run are the figures that count. Corpora are cached
under bench/results/cache (see bench/corpora.py for what text they hold).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
sys.path.insert(0, str(HERE))

# Queries per engine and size: rank-bm25 takes seconds per query at 1M passages.
RANK_BM25_QUERIES = {10_000: 100, 100_000: 20, 1_000_000: 3}
QUERIES = 200
_TEMPLATES = ("What does it say about {}?", "How do {} work together?", "{}?", "Explain {}.")


# -- helpers shared by the workers -----------------------------------------------------------


def _rss_mb() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def _peak_mb() -> float:
    """Peak RSS of this process since exec (VmHWM; ru_maxrss would include the parent's peak)."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    s = sorted(values)
    return s[min(len(s) - 1, int(round(q * (len(s) - 1))))]


def _du_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6


def _settings(cache: str) -> Any:
    from askbrief.config import Settings

    return Settings.model_validate({"index": {"cache_dir": cache}})


def _read_tokens(folder: Path) -> tuple[list[list[str]], list[str]]:
    import numpy as np

    vocab = (folder / "vocab.txt").read_text(encoding="utf-8").split("\n")
    ids = np.load(folder / "ids.npy")
    offsets = np.load(folder / "offsets.npy")
    words = np.array(vocab, dtype=object)[ids].tolist()
    bounds = offsets.tolist()
    return [words[bounds[i] : bounds[i + 1]] for i in range(len(bounds) - 1)], vocab


# -- workers (each runs in its own subprocess) -----------------------------------------------


def worker_askbrief_build(a: dict[str, Any]) -> dict[str, Any]:
    from askbrief.search.library import open_index

    t0 = time.perf_counter()
    index, report = open_index(Path(a["corpus"]), _settings(a["cache"]), force=True)
    seconds = time.perf_counter() - t0
    gc.collect()
    return {
        "build_s": seconds,
        "passages": index.n_passages,
        "files": report.files_total,
        "peak_mb": _peak_mb(),
        "retained_mb": _rss_mb(),
        "disk_mb": _du_mb(Path(a["cache"])),
    }


def bm25_top10(session: Any, question: str) -> None:
    """The BM25 stage alone, top 10, as the peers are timed; reranking is in the full answer."""
    from askbrief.search.followup import search

    search(session.planning_index, session.plan(question), 10)


def time_session(session: Any, questions: list[str]) -> dict[str, float]:
    """Per-question timings of an open session, the same for every engine: the BM25 stage alone
    (as the peers are timed), then the full answer."""
    retrieve, answer = [], []
    for q in questions:
        t0 = time.perf_counter()
        bm25_top10(session, q)
        retrieve.append((time.perf_counter() - t0) * 1000)
    for q in questions:
        t0 = time.perf_counter()
        session.ask(q)
        answer.append((time.perf_counter() - t0) * 1000)
    return {
        "retrieve_p50_ms": _pct(retrieve, 0.5),
        "retrieve_p95_ms": _pct(retrieve, 0.95),
        "answer_p50_ms": _pct(answer, 0.5),
        "answer_p95_ms": _pct(answer, 0.95),
        "serve_rss_mb": _rss_mb(),
        "serve_peak_mb": _peak_mb(),
    }


def worker_askbrief_serve(a: dict[str, Any]) -> dict[str, Any]:
    from askbrief.session import Session

    base = _rss_mb()
    t0 = time.perf_counter()
    session = Session(_settings(a["cache"]), Path(a["corpus"]))
    report = session.open()
    load_s = time.perf_counter() - t0
    questions = a["questions"]
    t0 = time.perf_counter()
    bm25_top10(session, questions[0])
    first_ms = (time.perf_counter() - t0) * 1000
    return {
        "load_s": load_s,
        "load_status": report.status,
        "first_query_ms": first_ms,
        **time_session(session, questions),
        "python_baseline_mb": base,
    }


def worker_askbrief_refresh(a: dict[str, Any]) -> dict[str, Any]:
    from askbrief.search.library import open_index

    settings = _settings(a["cache"])
    corpus = Path(a["corpus"])
    open_index(corpus, settings)
    victim = next(p for p in sorted(corpus.rglob("*.txt")))
    original = victim.read_text(encoding="utf-8")
    try:
        victim.write_text(
            original + "\n\nA refreshed paragraph about benchmark tortoises.\n", encoding="utf-8"
        )
        t0 = time.perf_counter()
        index, report = open_index(corpus, settings)
        seconds = time.perf_counter() - t0
        found = bool(index.search(["tortois"], 1))
    finally:
        victim.write_text(original, encoding="utf-8")
    return {
        "refresh_s": seconds,
        "status": report.status,
        "found_new_text": found,
        "disk_mb_after": _du_mb(Path(a["cache"])),
    }


def worker_tokens(a: dict[str, Any]) -> dict[str, Any]:
    """askbrief's passages and tokens, written for the peers (the tokenizing is timed)."""
    import numpy as np

    from askbrief.search.index import passage_terms
    from askbrief.search.library import open_index

    index, _ = open_index(Path(a["corpus"]), _settings(a["cache"]))
    passages = [index.passage(p) for p in range(index.n_passages)]
    t0 = time.perf_counter()
    tokens = [passage_terms(p) for p in passages]
    seconds = time.perf_counter() - t0
    out = Path(a["out"])
    out.mkdir(parents=True, exist_ok=True)
    vocab: dict[str, int] = {}
    ids = np.fromiter((vocab.setdefault(t, len(vocab)) for doc in tokens for t in doc), np.int32)
    offsets = np.zeros(len(tokens) + 1, np.int64)
    np.cumsum([len(t) for t in tokens], out=offsets[1:])
    np.save(out / "ids.npy", ids)
    np.save(out / "offsets.npy", offsets)
    (out / "vocab.txt").write_text("\n".join(vocab), encoding="utf-8")
    (out / "texts.txt").write_text("\x00".join(p.text for p in passages), encoding="utf-8")
    return {
        "tokenize_s": seconds,
        "passages": len(tokens),
        "tokens": int(offsets[-1]),
        "terms": len(vocab),
    }


def worker_rank_bm25(a: dict[str, Any]) -> dict[str, Any]:
    import numpy as np
    from rank_bm25 import BM25Okapi

    tokens, _ = _read_tokens(Path(a["tokens"]))
    gc.collect()
    t0 = time.perf_counter()
    engine = BM25Okapi(tokens)
    build = time.perf_counter() - t0
    del tokens
    gc.collect()
    times = []
    for q in a["queries"][: a["n_queries"]]:
        t0 = time.perf_counter()
        scores = engine.get_scores(q)
        top = np.argpartition(-scores, 9)[:10]
        top[np.argsort(-scores[top])]
        times.append((time.perf_counter() - t0) * 1000)
    return {
        "index_s": build,
        "peak_mb": _peak_mb(),
        "retained_mb": _rss_mb(),
        "retrieve_p50_ms": _pct(times, 0.5),
        "retrieve_p95_ms": _pct(times, 0.95),
        "queries": len(times),
    }


def worker_bm25s(a: dict[str, Any]) -> dict[str, Any]:
    import bm25s
    import numpy as np

    tokens, _ = _read_tokens(Path(a["tokens"]))
    gc.collect()
    t0 = time.perf_counter()
    engine = bm25s.BM25()
    engine.index(tokens, show_progress=False)
    build = time.perf_counter() - t0
    del tokens
    gc.collect()
    retained = _rss_mb()
    folder = Path(a["scratch"]) / "bm25s-index"
    engine.save(str(folder))
    disk = _du_mb(folder)
    t0 = time.perf_counter()
    bm25s.BM25.load(str(folder), mmap=True)
    load = time.perf_counter() - t0
    known = engine.vocab_dict
    queries = [[t for t in q if t in known] for q in a["queries"]]
    default, argp = [], []
    for q in queries:
        if not q:
            continue
        t0 = time.perf_counter()
        engine.retrieve([q], k=10, show_progress=False, n_threads=1)
        default.append((time.perf_counter() - t0) * 1000)
        t0 = time.perf_counter()
        scores = engine.get_scores(q)
        cand = np.flatnonzero(scores)
        if len(cand) > 10:
            cand = cand[np.argpartition(-scores[cand], 9)[:10]]
        cand[np.argsort(-scores[cand])]
        argp.append((time.perf_counter() - t0) * 1000)
    shutil.rmtree(folder, ignore_errors=True)
    return {
        "index_s": build,
        "peak_mb": _peak_mb(),
        "retained_mb": retained,
        "disk_mb": disk,
        "load_s": load,
        "retrieve_p50_ms": _pct(default, 0.5),
        "retrieve_p95_ms": _pct(default, 0.95),
        "argpartition_p50_ms": _pct(argp, 0.5),
        "argpartition_p95_ms": _pct(argp, 0.95),
    }


def worker_bm25s_native(a: dict[str, Any]) -> dict[str, Any]:
    """bm25s with its own tokenizer and stemmer, from the passage texts: its natural build."""
    import bm25s
    import Stemmer

    texts = Path(a["tokens"], "texts.txt").read_text(encoding="utf-8").split("\x00")
    gc.collect()
    t0 = time.perf_counter()
    ids = bm25s.tokenize(
        texts, stopwords="en", stemmer=Stemmer.Stemmer("english"), show_progress=False
    )
    engine = bm25s.BM25()
    engine.index(ids, show_progress=False)
    return {"build_s": time.perf_counter() - t0, "peak_mb": _peak_mb()}


def worker_xapian_build(a: dict[str, Any]) -> dict[str, Any]:
    from xapian_bench import worker_xapian_build as build

    return build(a)


def worker_xapian_serve(a: dict[str, Any]) -> dict[str, Any]:
    from xapian_bench import worker_xapian_serve as serve

    return serve(a)


def worker_answer_speed(a: dict[str, Any]) -> dict[str, Any]:
    from answer_speed import worker

    return worker(a)


WORKERS = {
    name[len("worker_") :]: fn for name, fn in globals().items() if name.startswith("worker_")
}


def _run_worker(
    name: str, args: dict[str, Any], timeout: float = 7200, env: dict[str, str] | None = None
) -> dict[str, Any]:
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(args, f)
    try:
        proc = subprocess.run(
            [sys.executable, __file__, "--worker", name, f.name],
            capture_output=True,
            text=True,
            timeout=timeout,
            env=env,
        )
    finally:
        os.unlink(f.name)
    if proc.returncode != 0:
        return {"error": (proc.stderr.strip().splitlines() or [f"exit {proc.returncode}"])[-1]}
    return json.loads(proc.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


# -- questions, seeds, TUI -------------------------------------------------------------------


def make_questions(docs: list[tuple[str, str, int]], n: int, seed: int = 5) -> list[str]:
    """Questions of 3–6 content words taken in order from sentences of the corpus."""
    from askbrief.search.analysis import STOP_WORDS

    rng = random.Random(seed)
    out: list[str] = []
    while len(out) < n:
        _, text, _ = rng.choice(docs)
        sentences = [s for s in re.split(r"(?<=[.?!])\s+", text) if len(s) > 40]
        if not sentences:
            continue
        words = [
            w
            for w in re.findall(r"[A-Za-z][A-Za-z_]{2,}", rng.choice(sentences))
            if w.lower() not in STOP_WORDS
        ]
        if len(words) < 3:
            continue
        k = rng.randint(3, min(6, len(words)))
        start = rng.randrange(len(words) - k + 1)
        out.append(rng.choice(_TEMPLATES).format(" ".join(words[start : start + k])))
    return out


def _askbrief_exe() -> str:
    exe = Path(sys.executable).with_name("askbrief")
    return str(exe) if exe.exists() else "askbrief"


def measure_seeds_ask(runs: int = 7) -> dict[str, Any]:
    """Whole-process time of ``askbrief ask --json`` on the bundled seeds, index already saved."""
    home = Path(tempfile.mkdtemp(prefix="askbrief-bench-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASKBRIEF_")}
    env.update(
        XDG_CACHE_HOME=str(home / "cache"),
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_DATA_HOME=str(home / "data"),
        XDG_STATE_HOME=str(home / "state"),
    )
    cmd = [_askbrief_exe(), "ask", "--json", "What did Li Zhanshu tell Volodin about sanctions?"]
    try:
        first = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
        if first.returncode != 0:
            return {"error": (first.stderr.strip().splitlines() or ["failed"])[-1]}
        times = []
        for _ in range(runs):
            t0 = time.perf_counter()
            subprocess.run(cmd, env=env, capture_output=True, check=True, timeout=60)
            times.append(time.perf_counter() - t0)
        return {"median_s": statistics.median(times), "min_s": min(times), "runs": runs}
    finally:
        shutil.rmtree(home, ignore_errors=True)


def measure_tui() -> dict[str, Any]:
    """Seconds until the app shows a screen under tmux, if the app exists and tmux is installed."""
    import importlib.util

    if importlib.util.find_spec("askbrief.tui") is None:
        return {"skipped": "src/askbrief/tui does not exist yet"}
    if shutil.which("tmux") is None:
        return {"skipped": "tmux is not installed"}
    name = f"askbrief-bench-{os.getpid()}"
    home = Path(tempfile.mkdtemp(prefix="askbrief-tui-"))
    env_cmd = (
        f"XDG_CACHE_HOME={home}/cache XDG_CONFIG_HOME={home}/config "
        f"XDG_DATA_HOME={home}/data XDG_STATE_HOME={home}/state {_askbrief_exe()}"
    )
    try:
        # Build the seeds index first so the figure is the screen, not the first build.
        subprocess.run(f"{env_cmd} index", shell=True, capture_output=True, timeout=300)
        t0 = time.perf_counter()
        subprocess.run(
            ["tmux", "new-session", "-d", "-s", name, "-x", "120", "-y", "40", env_cmd], check=True
        )
        while time.perf_counter() - t0 < 20:
            pane = subprocess.run(
                ["tmux", "capture-pane", "-p", "-t", name], capture_output=True, text=True
            ).stdout
            if re.search(r"[Aa]sk|[Qq]uestion", pane):
                return {"first_screen_s": time.perf_counter() - t0}
            time.sleep(0.02)
        return {"error": "no screen within 20 s"}
    finally:
        subprocess.run(["tmux", "kill-session", "-t", name], capture_output=True)
        shutil.rmtree(home, ignore_errors=True)


# -- the run ---------------------------------------------------------------------------------


def _size(label: str) -> int:
    label = label.strip().lower()
    mult = {"k": 1_000, "m": 1_000_000}.get(label[-1], 1)
    return int(float(label.rstrip("km")) * mult)


def _label(n: int) -> str:
    return (
        f"{n // 1_000_000}M" if n % 1_000_000 == 0 else f"{n // 1000}k" if n % 1000 == 0 else str(n)
    )


def run_size(
    n: int,
    docs: list[tuple[str, str, int]],
    questions: list[str],
    work: Path,
    cache: Path,
    say: Any,
    peers: bool = True,
) -> dict[str, Any]:
    from corpora import make_corpus

    from askbrief.search.analysis import analyze_question

    corpus = cache / f"corpus-{_label(n)}"
    t0 = time.perf_counter()
    info = make_corpus(n, corpus, cache)
    say(f"[{_label(n)}] corpus ready in {time.perf_counter() - t0:.0f} s: {info['files']} files")
    idx = work / f"askbrief-{_label(n)}"
    common = {"corpus": str(corpus), "cache": str(idx)}
    out: dict[str, Any] = {"corpus": info}
    out["askbrief"] = _run_worker("askbrief_build", common)
    say(f"[{_label(n)}] askbrief build: {out['askbrief']}")
    out["askbrief"].update(_run_worker("askbrief_serve", {**common, "questions": questions}))
    out["askbrief"].update(_run_worker("askbrief_refresh", common))
    say(f"[{_label(n)}] askbrief serve/refresh done")
    tok_dir = work / f"tokens-{_label(n)}"
    if not peers:
        out["tokens"] = out["bm25s"] = out["rank_bm25"] = out["bm25s_native"] = {}
        out["xapian"] = run_xapian_size(n, corpus, questions, work, say)
        shutil.rmtree(idx, ignore_errors=True)
        return out
    out["tokens"] = _run_worker("tokens", {**common, "out": str(tok_dir)})
    queries = [analyze_question(q) for q in questions]
    peer = {"tokens": str(tok_dir), "queries": queries, "scratch": str(work)}
    out["bm25s"] = _run_worker("bm25s", peer)
    say(f"[{_label(n)}] bm25s: {out['bm25s']}")
    out["bm25s_native"] = _run_worker("bm25s_native", peer)
    n_rank = RANK_BM25_QUERIES.get(n, 100 if n <= 10_000 else 20 if n <= 100_000 else 3)
    out["rank_bm25"] = _run_worker("rank_bm25", {**peer, "n_queries": n_rank})
    say(f"[{_label(n)}] rank-bm25: {out['rank_bm25']}")
    tok = out["tokens"].get("tokenize_s", float("nan"))
    for peer_name in ("bm25s", "rank_bm25"):
        if "index_s" in out[peer_name]:
            out[peer_name]["build_s"] = tok + out[peer_name]["index_s"]
    out["xapian"] = run_xapian_size(n, corpus, questions, work, say)
    shutil.rmtree(idx, ignore_errors=True)
    shutil.rmtree(tok_dir, ignore_errors=True)
    return out


def run_xapian_size(
    n: int, corpus: Path, questions: list[str], work: Path, say: Any
) -> dict[str, Any]:
    from xapian_bench import run_xapian

    return run_xapian(_label(n), corpus, questions, work, say, _run_worker)


def _f(v: Any, unit: str = "") -> str:
    if not isinstance(v, (int, float)) or v != v:
        return "—"
    if unit == "ms":
        return f"{v:.2f} ms" if v < 10 else f"{v:.1f} ms" if v < 100 else f"{v:,.0f} ms"
    if unit == "s":
        return f"{v:.2f} s" if v < 10 else f"{v:.1f} s"
    if unit == "MB":
        return f"{v:,.0f} MB"
    return f"{v}"


def _ratio(a: Any, b: Any) -> str:
    try:
        return f"{a / b:.2f}×" if a / b < 10 else f"{a / b:,.0f}×"
    except (TypeError, ZeroDivisionError):
        return "—"


def render(results: dict[str, Any]) -> str:
    lines = []
    for size, r in results["sizes"].items():
        a, s, rb, sn = r["askbrief"], r["bm25s"], r["rank_bm25"], r["bm25s_native"]
        lines.append(
            f"\n### {size} passages ({a.get('passages', '?')} indexed, "
            f"{r['corpus']['files']} files; tokens: {r['tokens'].get('tokens', '?')}; "
            f"distinct terms: {r['tokens'].get('terms', '?')})\n"
        )
        lines.append(
            "| metric | askbrief | bm25s | rank-bm25 | rank-bm25 ÷ askbrief | bm25s ÷ askbrief |"
        )
        lines.append("|---|---|---|---|---|---|")

        def row(name: str, av: Any, sv: Any, rv: Any, unit: str) -> None:
            lines.append(
                f"| {name} | {_f(av, unit)} | {_f(sv, unit)} | {_f(rv, unit)} | "
                f"{_ratio(rv, av)} | {_ratio(sv, av)} |"
            )

        row(
            "retrieve p50",
            a.get("retrieve_p50_ms"),
            s.get("retrieve_p50_ms"),
            rb.get("retrieve_p50_ms"),
            "ms",
        )
        row(
            "retrieve p95",
            a.get("retrieve_p95_ms"),
            s.get("retrieve_p95_ms"),
            rb.get("retrieve_p95_ms"),
            "ms",
        )
        row(
            "retrieve p50, bm25s top-k by argpartition on matches",
            a.get("retrieve_p50_ms"),
            s.get("argpartition_p50_ms"),
            None,
            "ms",
        )
        row("full answer p50 (BM25, rerank, compose)", a.get("answer_p50_ms"), None, None, "ms")
        row("full answer p95", a.get("answer_p95_ms"), None, None, "ms")
        row(
            "build (askbrief: files → saved index; peers: tokenize + index)",
            a.get("build_s"),
            s.get("build_s"),
            rb.get("build_s"),
            "s",
        )
        row("build, bm25s with its own tokenizer", a.get("build_s"), sn.get("build_s"), None, "s")
        row(
            "peak memory while building",
            a.get("peak_mb"),
            s.get("peak_mb"),
            rb.get("peak_mb"),
            "MB",
        )
        row(
            "memory retained after building",
            a.get("retained_mb"),
            s.get("retained_mb"),
            rb.get("retained_mb"),
            "MB",
        )
        row("memory while serving (RSS after the queries)", a.get("serve_rss_mb"), None, None, "MB")
        row("saved index on disk", a.get("disk_mb"), s.get("disk_mb"), None, "MB")
        row("load the saved index", a.get("load_s"), s.get("load_s"), None, "s")
        row("first query after loading", a.get("first_query_ms"), None, None, "ms")
        row("refresh after one file changes", a.get("refresh_s"), None, None, "s")
        errors = {k: v["error"] for k, v in r.items() if isinstance(v, dict) and "error" in v}
        if errors:
            lines.append(f"\nerrors: {errors}")
        if "xapian" in r:
            from xapian_bench import render_engines

            lines.extend(render_engines(size, a, r["xapian"], _f))
    seeds, tui = results["seeds_ask"], results["tui"]
    lines.append(
        f"\nseeds `askbrief ask --json`, whole process, saved index: "
        f"median {_f(seeds.get('median_s'), 's')} of {seeds.get('runs', '?')} runs"
        + (f" (error: {seeds['error']})" if "error" in seeds else "")
    )
    lines.append(
        "TUI first usable screen: "
        + (
            _f(tui["first_screen_s"], "s")
            if "first_screen_s" in tui
            else tui.get("skipped") or tui.get("error", "?")
        )
    )
    lines.append(f"corpus text: {results['source']}")
    lines.append(f"copies varied: {results.get('variation', '?')}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10k,100k,1M")
    parser.add_argument("--json", type=Path, default=RESULTS / "latest.json")
    parser.add_argument("--smoke", action="store_true", help="a tiny size, for CI")
    parser.add_argument("--cache", type=Path, default=RESULTS / "cache")
    parser.add_argument("--queries", type=int, default=QUERIES)
    parser.add_argument(
        "--no-peers", action="store_true", help="only askbrief's engines (local, xapian)"
    )
    parser.add_argument("--worker", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        name, path = args.worker
        print(json.dumps(WORKERS[name](json.loads(Path(path).read_text()))))
        return 0

    from corpora import VARIATION, base_documents

    sizes = [2000] if args.smoke else [_size(s) for s in args.sizes.split(",")]
    n_queries = 20 if args.smoke else args.queries

    def say(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    docs, source = base_documents(args.cache)
    say(f"corpus text: {source} ({len(docs)} documents)")
    questions = make_questions(docs, n_queries)
    results: dict[str, Any] = {
        "source": source,
        "variation": VARIATION,
        "questions": questions[:5],
        "sizes": {},
        "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]},
    }
    work = Path(tempfile.mkdtemp(prefix="askbrief-bench-"))
    try:
        for n in sizes:
            results["sizes"][_label(n)] = run_size(
                n, docs, questions, work, args.cache, say, peers=not args.no_peers
            )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    results["seeds_ask"] = measure_seeds_ask(3 if args.smoke else 7)
    results["tui"] = measure_tui()
    table = render(results)
    results["table"] = table
    print(table)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=2, ensure_ascii=False))
    say(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
