"""Shared fixtures: the bundled seeds, settings that keep every file under tmp_path."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from askbrief.config import Settings
from askbrief.resources import bundled_dir
from askbrief.session import Session

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def _isolated_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No test reads or writes the real user's config, cache or data folders."""
    home = tmp_path_factory.mktemp("home")
    for var in ("XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME"):
        monkeypatch.setenv(var, str(home / var.lower()))
    for key in list(os.environ):
        if key.startswith("ASKBRIEF_"):
            monkeypatch.delenv(key)


@pytest.fixture
def seeds_dir() -> Path:
    return bundled_dir("seeds")


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings.model_validate({"index": {"cache_dir": str(tmp_path / "cache")}})


@pytest.fixture
def seeds_session(settings: Settings, seeds_dir: Path) -> Session:
    session = Session(settings, seeds_dir)
    session.open()
    return session


def write_corpus(root: Path, files: dict[str, str]) -> Path:
    """Write ``files`` (relative path → text) under ``root`` and return it."""
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def run_cli(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """``askbrief ARGS`` in a subprocess (the user folders are the test's, from the environment)."""
    return subprocess.run(
        [sys.executable, "-m", "askbrief.cli", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
        env=env,
    )


@pytest.fixture
def pool() -> Iterator[Any]:
    """Real xapian-tcpsrv servers on 127.0.0.1 for one test, all stopped by PID after it."""
    from xapian_servers import ServerPool

    servers = ServerPool()
    try:
        yield servers
    finally:
        servers.stop_all()
