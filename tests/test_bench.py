"""The benchmark runs end to end at a tiny size (CI runs only this smoke size)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_benchmark_smoke_run_writes_a_table_and_json(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    proc = subprocess.run(
        [
            sys.executable,
            str(REPO / "bench" / "run.py"),
            "--smoke",
            "--json",
            str(out),
            "--cache",
            str(REPO / "bench" / "results" / "cache"),
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "| retrieve p50 |" in proc.stdout
    result = json.loads(out.read_text())
    size = result["sizes"]["2k"]
    assert size["askbrief"]["passages"] > 1000
    assert size["askbrief"]["found_new_text"] is True
    for engine in ("askbrief", "bm25s", "rank_bm25"):
        assert "error" not in size[engine], size[engine]
        assert size[engine]["retrieve_p50_ms"] > 0
