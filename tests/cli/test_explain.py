"""`askbrief ask --explain` says why each quote was chosen."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

QUESTION = "What annual trade target did Xi and Putin agree on?"


def _ask(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
    }
    return subprocess.run(
        [sys.executable, "-m", "askbrief.cli", "ask", *args, QUESTION],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )


def test_explain_names_terms_type_ranks_and_coverage(tmp_path: Path) -> None:
    out = _ask(tmp_path, "--explain")
    assert out.returncode == 0, out.stderr
    text = out.stdout
    assert "$250 billion" in text
    why = text[text.index("Why these quotes") :]
    assert "question terms (IDF weight): " in why
    assert "trade" in why and "annual" in why
    assert "answer type: named thing" in why
    assert "[1] passage ranked " in why and "by BM25" in why and "after reranking" in why
    assert "the quote covers " in why


def test_explain_in_json_is_structured_and_matches_the_citations(tmp_path: Path) -> None:
    out = _ask(tmp_path, "--json", "--explain")
    assert out.returncode == 0, out.stderr
    answer = json.loads(out.stdout)
    expl = answer["explain"]
    assert {t["term"] for t in expl["terms"]} >= {"annual", "trade", "target"}
    assert all(t["weight"] > 0 for t in expl["terms"])
    assert expl["answer_type"] == "named thing"
    assert [q["n"] for q in expl["quotes"]] == [c["n"] for c in answer["citations"]]
    first = expl["quotes"][0]
    assert first["bm25_rank"] >= 1 and first["fused_rank"] >= 1
    assert 0 < first["coverage"] <= 1 and first["coverage"] > expl["threshold"]


def test_without_explain_the_json_contract_is_unchanged(tmp_path: Path) -> None:
    answer = json.loads(_ask(tmp_path, "--json").stdout)
    assert "explain" not in answer
