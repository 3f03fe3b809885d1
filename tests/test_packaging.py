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


@pytest.fixture(scope="module")
def installed(
    wheel: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, Path, dict[str, str]]:
    """A fresh venv with the wheel installed: (its python, a folder outside the repo, env)."""
    tmp_path = tmp_path_factory.mktemp("installed")
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
    return py, work, env


def test_installed_wheel_answers_from_another_directory_offline(
    installed: tuple[Path, Path, dict[str, str]],
) -> None:
    py, work, env = installed
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
    assert where.startswith(str(py.parents[1]))


def readme_api_example() -> str:
    """The README's Python example, the first ``python`` block under "Use it from Python"."""
    section = (REPO / "README.md").read_text().split("## Use it from Python", 1)[1]
    return section.split("```python\n", 1)[1].split("```", 1)[0]


def test_the_readme_api_example_runs_from_a_fresh_install(
    installed: tuple[Path, Path, dict[str, str]],
) -> None:
    py, work, env = installed
    p = subprocess.run(
        [str(py), "-c", readme_api_example()],
        capture_output=True,
        text=True,
        cwd=work,
        env=env,
        timeout=120,
    )
    assert p.returncode == 0, p.stderr
    assert "$250 billion" in p.stdout and "003_5d636d802b44493d.txt" in p.stdout


def test_a_script_uses_the_python_api_from_a_fresh_install(
    installed: tuple[Path, Path, dict[str, str]],
) -> None:
    py, work, env = installed
    script = """
import json, sys
import askbrief
assert "numpy" not in sys.modules  # importing askbrief is cheap; open() loads the engine
docs = askbrief.open()
answer = docs.ask("What annual trade target did Xi and Putin agree on?")
first = answer.citations[0]
span = docs.read_source(first.source, first.start, first.end)
hits = docs.search("bilateral trade", k=3)
print(json.dumps({
    "file": askbrief.__file__,
    "answer": json.loads(answer.to_json()),
    "span": span.text,
    "hits": [[h.rank, h.source, h.text] for h in hits],
}))
"""
    p = subprocess.run(
        [str(py), "-c", script], capture_output=True, text=True, cwd=work, env=env, timeout=120
    )
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    assert out["file"].startswith(str(py.parents[1]))
    first = out["answer"]["citations"][0]
    assert "$250 billion" in first["quote"] and out["span"] == first["quote"]
    assert [h[0] for h in out["hits"]] == [1, 2, 3]
    assert all("trade" in h[2].lower() for h in out["hits"])
