"""The dev questions, scored exactly as the project is judged (../shared/eval/score.py)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO

EVAL = REPO.parent / "shared" / "eval"


@pytest.mark.skipif(not (EVAL / "score.py").exists(), reason="shared/eval is not beside the repo")
def test_dev_questions_hit_13_of_14_and_abstain_on_the_unanswerable() -> None:
    exe = shutil.which("askbrief", path=str(Path(sys.executable).parent))
    assert exe, "askbrief is not installed in this environment"
    p = subprocess.run(
        [
            sys.executable,
            str(EVAL / "score.py"),
            exe,
            str(REPO / "seeds"),
            str(EVAL / "dev_questions.jsonl"),
            str(13 / 14),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    print(p.stdout)
    assert p.returncode == 0, p.stdout + p.stderr
