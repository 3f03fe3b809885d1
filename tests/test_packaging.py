"""The built wheel carries the samples, the prompts and the tiktoken file, and runs offline."""

from __future__ import annotations

import json
import os
import site
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

from conftest import REPO


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(out),
            str(REPO),
        ],
        check=True,
        timeout=300,
        env={**os.environ, "PIP_NO_INDEX": "1"},
    )
    return next(out.glob("askbrief-*.whl"))


def test_wheel_contains_seeds_prompts_and_encoding(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    seeds = {p.name for p in (REPO / "seeds").iterdir()}
    assert {f"askbrief/seeds/{n}" for n in seeds} <= names
    assert any(n.startswith("askbrief/prompts/") for n in names)
    assert "askbrief/data/cl100k_base.tiktoken" in names


def test_installed_wheel_answers_from_another_directory_offline(
    wheel: Path, tmp_path: Path
) -> None:
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    py = env_dir / "bin" / "python"
    # Dependencies come from this environment; askbrief itself only from the wheel.
    purelib = subprocess.run(
        [str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "-q",
            "--target",
            purelib,
            str(wheel),
        ],
        check=True,
        timeout=300,
    )
    deps = [p for p in site.getsitepackages() if "site-packages" in p]
    Path(purelib, "deps.pth").write_text("\n".join(deps) + "\n")
    work = tmp_path / "elsewhere"
    work.mkdir()
    env = {
        **os.environ,
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "TIKTOKEN_CACHE_DIR": "",
        "HTTPS_PROXY": "http://127.0.0.1:9",
        "HTTP_PROXY": "http://127.0.0.1:9",
    }
    p = subprocess.run(
        [str(py), "-m", "askbrief.cli", "ask", "--json", "Who is Yun Sun?"],
        capture_output=True,
        text=True,
        cwd=work,
        env=env,
        timeout=120,
    )
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    assert out["citations"]
    where = subprocess.run(
        [str(py), "-c", "import askbrief; print(askbrief.__file__)"],
        capture_output=True,
        text=True,
        cwd=work,
        env=env,
    ).stdout
    assert where.startswith(str(env_dir))
