"""``askbrief index --watch DIR``: the index follows the folder until Ctrl+C, which ends it
cleanly (exit 0, no traceback)."""

from __future__ import annotations

import contextlib
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import IO

from conftest import write_corpus

WAIT_S = 60.0  # generous for a loaded machine; every wait ends as soon as it can


def lines_of(stream: IO[str]) -> queue.Queue[str]:
    """The stream's lines as they come, read in a thread so a wait can time out."""
    lines: queue.Queue[str] = queue.Queue()

    def pump() -> None:
        for line in stream:
            lines.put(line)

    threading.Thread(target=pump, daemon=True).start()
    return lines


def wait_for_line(lines: queue.Queue[str], text: str, seen: list[str]) -> str:
    deadline = time.monotonic() + WAIT_S
    while True:
        remaining = deadline - time.monotonic()
        assert remaining > 0, f"no line with {text!r} in {seen}"
        try:
            line = lines.get(timeout=remaining)
        except queue.Empty:
            continue
        seen.append(line)
        if text in line:
            return line


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_index_watch_refreshes_on_a_new_file_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "c", {"a.txt": "Otters crack shellfish with stones."})
    proc = subprocess.Popen(
        [sys.executable, "-m", "askbrief.cli", "index", "--watch", str(corpus)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "ASKBRIEF_INDEX__CACHE_DIR": str(tmp_path / "cache")},
        # Ctrl+C as a terminal sends it: a runner started in the background without job control
        # ignores SIGINT, and a child inherits that, so it is put back to its default here.
        preexec_fn=_default_sigint,
    )
    try:
        assert proc.stdout is not None and proc.stderr is not None
        out, err = lines_of(proc.stdout), lines_of(proc.stderr)
        out_seen: list[str] = []
        err_seen: list[str] = []
        wait_for_line(out, "built index", out_seen)
        wait_for_line(err, "watching", err_seen)
        # The line comes just before the watch is in place: write until a refresh is seen.
        deadline = time.monotonic() + WAIT_S
        n = 0
        while not any("index refreshed" in line for line in out_seen):
            assert time.monotonic() < deadline, out_seen
            n += 1
            (corpus / f"new{n}.md").write_text(f"# New {n}\n\nNarwhals migrate to Baffin Bay.\n")
            with contextlib.suppress(queue.Empty):
                out_seen.append(out.get(timeout=2.0))
        assert any("added), index refreshed" in line for line in out_seen), out_seen
        (corpus / "broken.docx").write_bytes(b"not a zip")
        wait_for_line(out, "skipped 'broken.docx': damaged Word document", out_seen)
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=WAIT_S) == 0
        wait_for_line(err, "stopped watching", err_seen)
        while not err.empty():
            err_seen.append(err.get())
        assert "Traceback" not in "".join(err_seen)
    finally:
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
    # The refreshed index was saved: a plain index run reuses it and knows the new files.
    again = subprocess.run(
        [sys.executable, "-m", "askbrief.cli", "index", str(corpus)],
        capture_output=True,
        text=True,
        env={**os.environ, "ASKBRIEF_INDEX__CACHE_DIR": str(tmp_path / "cache")},
        timeout=WAIT_S,
        check=False,
    )
    assert again.stdout.startswith("reused index") and f"{n + 2} files" in again.stdout
