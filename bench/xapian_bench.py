"""The xapian engine in the benchmark: one database, and three shards over loopback.

Builds index the corpus with ``askbrief index`` into Xapian (one process, as a team's indexer
would), then a fresh client process answers the same questions as the local engine: from one
database opened in-process, and from three ``xapian-tcpsrv`` shards on 127.0.0.1 (each started
in its own session and stopped by process group id). The client's RSS is what a team member's
machine holds: the shards' servers are other processes (their RSS is reported apart).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

__all__ = ["TCPSRV", "render_engines", "run_xapian", "worker_xapian_build", "worker_xapian_serve"]

TCPSRV = shutil.which("xapian-tcpsrv")


def _settings(cache: str, shards: list[list[str]], exact: bool = False) -> Any:
    from askbrief.config import Settings

    return Settings.model_validate(
        {
            "index": {"cache_dir": cache},
            "engine": {"name": "xapian", "shards": shards, "exact": exact, "timeout": 30_000},
        }
    )


def worker_xapian_build(a: dict[str, Any]) -> dict[str, Any]:
    from run import _du_mb, _peak_mb

    from askbrief.session import Session

    shards = [[f] for f in a["shards"]]
    t0 = time.perf_counter()
    report = Session(_settings(a["cache"], shards), Path(a["corpus"])).build(force=True)
    return {
        "build_s": time.perf_counter() - t0,
        "passages": report.passages,
        "files": report.files_total,
        "peak_mb": _peak_mb(),
        "disk_mb": sum(_du_mb(Path(f)) for f in a["shards"]),
    }


def worker_xapian_serve(a: dict[str, Any]) -> dict[str, Any]:
    from run import _rss_mb, time_session

    from askbrief.session import Session

    base = _rss_mb()
    t0 = time.perf_counter()
    session = Session(_settings(a["cache"], a["shards"], a.get("exact", False)))
    report = session.open()
    load_s = time.perf_counter() - t0
    return {
        "load_s": load_s,
        "passages": report.passages,
        **time_session(session, a["questions"]),
        "python_baseline_mb": base,
    }


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def served(folders: list[Path]) -> Iterator[list[tuple[str, subprocess.Popen[bytes]]]]:
    """One ``xapian-tcpsrv`` per folder on 127.0.0.1, each in its own session."""
    assert TCPSRV is not None
    servers: list[tuple[str, subprocess.Popen[bytes]]] = []
    try:
        for folder in folders:
            port = _free_port()
            proc = subprocess.Popen(
                [TCPSRV, "--interface", "127.0.0.1", "--port", str(port), "--quiet", str(folder)],
                start_new_session=True,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            servers.append((f"tcp://127.0.0.1:{port}", proc))
            for _ in range(500):
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                    break
                except OSError:
                    time.sleep(0.02)
        yield servers
    finally:
        for _, proc in servers:
            with suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)


def _servers_rss_mb(servers: list[tuple[str, subprocess.Popen[bytes]]]) -> float:
    """RSS of the shard servers and the children serving the client's connections."""
    total = 0.0
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        if int(stat[2]) in {p.pid for _, p in servers}:  # process group
            for line in status.splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) / 1024
    return total


def run_xapian(
    label: str, corpus: Path, questions: list[str], work: Path, say: Any, run_worker: Any
) -> dict[str, Any]:
    """Build and serve the xapian engine both ways; a dict per way, or why it was skipped."""
    if TCPSRV is None:
        return {"skipped": "xapian-tcpsrv is not installed (apt-get install xapian-tools)"}
    try:
        import xapian  # noqa: F401
    except ImportError:
        return {
            "skipped": "the xapian module is not installed (pip install xapian-bindings-binary)"
        }
    out: dict[str, Any] = {}
    cache = str(work / "xapian-cache")
    one = [work / f"xapian-{label}-one"]
    three = [work / f"xapian-{label}-shard{i}" for i in range(3)]
    try:
        out["one"] = run_worker(
            "xapian_build", {"corpus": str(corpus), "cache": cache, "shards": [str(f) for f in one]}
        )
        say(f"[{label}] xapian build, one database: {out['one']}")
        serve = {"cache": cache, "questions": questions}
        out["one"].update(run_worker("xapian_serve", {**serve, "shards": [[str(one[0])]]}))
        shutil.rmtree(one[0], ignore_errors=True)
        out["three"] = run_worker(
            "xapian_build",
            {"corpus": str(corpus), "cache": cache, "shards": [str(f) for f in three]},
        )
        say(f"[{label}] xapian build, 3 shards: {out['three']}")
        with served(three) as servers:
            shards = [[address] for address, _ in servers]
            out["three"].update(run_worker("xapian_serve", {**serve, "shards": shards}))
            out["three"]["servers_rss_mb"] = _servers_rss_mb(servers)
            exact = run_worker("xapian_serve", {**serve, "shards": shards, "exact": True})
            out["three"]["exact_retrieve_p50_ms"] = exact.get("retrieve_p50_ms")
            out["three"]["exact_answer_p50_ms"] = exact.get("answer_p50_ms")
        say(f"[{label}] xapian serve: {out['three']}")
    finally:
        for f in [*one, *three]:
            shutil.rmtree(f, ignore_errors=True)
    return out


def render_engines(size: str, local: dict[str, Any], xap: dict[str, Any], fmt: Any) -> list[str]:
    """The local engine next to xapian (one database; 3 shards over loopback)."""
    if "skipped" in xap:
        return [f"\nxapian engine at {size}: skipped ({xap['skipped']})"]
    one, three = xap.get("one", {}), xap.get("three", {})
    lines = [
        f"\n#### {size}: engines (xapian with exact = false, its default; client RSS)\n",
        "| metric | local | xapian, one database | xapian, 3 shards over loopback |",
        "|---|---|---|---|",
    ]
    for name, key, unit in [
        ("retrieve p50", "retrieve_p50_ms", "ms"),
        ("retrieve p95", "retrieve_p95_ms", "ms"),
        ("full answer p50", "answer_p50_ms", "ms"),
        ("full answer p95", "answer_p95_ms", "ms"),
        ("build (files → index)", "build_s", "s"),
        ("size on disk", "disk_mb", "MB"),
        ("client RSS after the queries", "serve_rss_mb", "MB"),
        ("peak memory while building", "peak_mb", "MB"),
    ]:
        lines.append(
            f"| {name} | {fmt(local.get(key), unit)} | {fmt(one.get(key), unit)} | "
            f"{fmt(three.get(key), unit)} |"
        )
    lines.append(
        f"\n3 shards, exact = true: retrieve p50 {fmt(three.get('exact_retrieve_p50_ms'), 'ms')}"
        f", full answer p50 {fmt(three.get('exact_answer_p50_ms'), 'ms')}; the shard servers'"
        f" RSS: {fmt(three.get('servers_rss_mb'), 'MB')}"
    )
    errors = {k: v["error"] for k, v in xap.items() if isinstance(v, dict) and "error" in v}
    if errors:
        lines.append(f"errors: {errors}")
    return lines
