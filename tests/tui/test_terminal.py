"""End to end in a real terminal: ``askbrief --corpus seeds`` under tmux, a question typed with
send-keys, the answer read back with capture-pane. Also reports the start-up time (process
start to the input having focus) that the app logs with ASKBRIEF_STARTUP_PROBE=1."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

import askbrief
from askbrief.config import Settings
from askbrief.types import Answer

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")

TIMEOUT = 30.0


class Tmux:
    """A private tmux server (its own socket) running one 120x40 session."""

    def __init__(self, socket: str) -> None:
        self.socket = socket

    def run(self, *args: str) -> str:
        done = subprocess.run(
            ["tmux", "-L", self.socket, *args],
            check=True,
            capture_output=True,
            text=True,
            timeout=10,
        )
        return done.stdout

    def screen(self) -> str:
        return self.run("capture-pane", "-p", "-t", "app")

    def wait_for(self, found: Callable[[str], bool], what: str) -> str:
        deadline = time.monotonic() + TIMEOUT
        text = ""
        while time.monotonic() < deadline:
            text = self.screen()
            if found(text):
                return text
            time.sleep(0.2)
        raise AssertionError(f"timed out waiting for {what}; the screen shows:\n{text}")


def expected_answer(corpus: Path, tmp_path: Path, question: str) -> Answer:
    settings = Settings.model_validate({"index": {"cache_dir": str(tmp_path / "expected")}})
    return askbrief.open(corpus, config=settings).ask(question)


def test_asks_a_question_and_reads_the_cited_answer_in_tmux(
    tmp_path: Path, seeds_dir: Path
) -> None:
    exe = Path(sys.executable).parent / "askbrief"
    env = {
        f"XDG_{name}_HOME": str(tmp_path / name.lower())
        for name in ("CONFIG", "CACHE", "DATA", "STATE")
    }
    env["ASKBRIEF_STARTUP_PROBE"] = "1"
    settings = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
    command = (
        f"cd {shlex.quote(str(tmp_path))} && env {settings} "
        f"{shlex.quote(str(exe))} --corpus {shlex.quote(str(seeds_dir))}; "
        "echo EXITED $?; sleep 60"
    )
    tmux = Tmux(f"askbrief-test-{os.getpid()}")
    tmux.run("new-session", "-d", "-s", "app", "-x", "120", "-y", "40", command)
    tmux.run("resize-window", "-t", "app", "-x", "120", "-y", "40")  # some tmux versions ignore -x
    try:
        tmux.wait_for(lambda s: "135 passages" in s, "the corpus to open")
        tmux.run("send-keys", "-t", "app", "-l", "support from China")
        tmux.run("send-keys", "-t", "app", "Enter")
        screen = tmux.wait_for(lambda s: "Sources:" in s, "the answer")
        assert "[1]" in screen and "[2]" in screen
        # The last quote, verbatim, and its source line: the app shows what the library answers.
        last = expected_answer(seeds_dir, tmp_path, "support from China").citations[-1]
        assert " ".join(last.quote.split()[:6]) in " ".join(screen.split())
        assert f"{last.source} · line {last.line}" in screen
        tmux.run("send-keys", "-t", "app", "C-q")
        screen = tmux.wait_for(lambda s: "EXITED" in s, "the app to quit")
        assert "EXITED 0" in screen
        found = re.search(r"startup (\d+) ms", screen)
        assert found, screen
        print(f"\nstart-up (process start to input focus): {found.group(1)} ms")
    finally:
        subprocess.run(["tmux", "-L", tmux.socket, "kill-server"], capture_output=True, timeout=10)
