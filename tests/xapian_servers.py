"""Real ``xapian-tcpsrv`` servers on 127.0.0.1 for the xapian engine's tests.

Each server runs in its own session (``xapian-tcpsrv`` kills its whole process group on SIGTERM,
and serves each connection from a forked child), so a test can kill, stop or resume exactly one
shard with its children by process group id, and teardown stops it by that id.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest

__all__ = ["TCPSRV", "XapianServer", "free_port", "needs_tcpsrv"]

TCPSRV = shutil.which("xapian-tcpsrv")
needs_tcpsrv = pytest.mark.skipif(
    TCPSRV is None, reason="xapian-tcpsrv is not installed (apt-get install xapian-tools)"
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class XapianServer:
    """One ``xapian-tcpsrv`` serving ``db`` (read-only, or ``writable``)."""

    def __init__(self, db: Path, *, writable: bool = False, idle_ms: int | None = None) -> None:
        assert TCPSRV is not None
        self.db = db
        self.port = free_port()
        args = [TCPSRV, "--interface", "127.0.0.1", "--port", str(self.port), "--quiet"]
        if writable:
            db.mkdir(parents=True, exist_ok=True)
            args.append("--writable")
        if idle_ms is not None:
            args += ["--idle-timeout", str(idle_ms)]
        self.proc = subprocess.Popen(
            [*args, str(db)],
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.pgid = self.proc.pid  # its own session: the group id is its pid
        deadline = time.monotonic() + 10
        while True:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    break
            except OSError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(f"xapian-tcpsrv did not start on {self.port}") from None
                time.sleep(0.02)

    @property
    def address(self) -> str:
        return f"tcp://127.0.0.1:{self.port}"

    def signal(self, sig: signal.Signals) -> None:
        """Send ``sig`` to the server and the children serving its connections."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.pgid, sig)

    def kill(self) -> None:
        self.signal(signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self) -> None:
        """Stop it whatever state it is in (also resumes a SIGSTOPped one first)."""
        self.signal(signal.SIGCONT)
        self.signal(signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):  # the kernel owes us this
            self.proc.wait(timeout=10)

    def __enter__(self) -> XapianServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


class ServerPool:
    """Servers started by one test, all stopped by process group id at its end."""

    def __init__(self) -> None:
        self.started: list[XapianServer] = []

    def serve(self, db: Path, **options: object) -> XapianServer:
        server = XapianServer(db, **options)  # type: ignore[arg-type]
        self.started.append(server)
        return server

    def stop_all(self) -> None:
        for server in self.started:
            server.stop()


def xapian_settings(tmp: Path, shards: list[list[str]], **engine: object) -> object:
    """Settings for the xapian engine over ``shards``, every cache under ``tmp``."""
    from askbrief.config import Settings

    return Settings.model_validate(
        {
            "index": {"cache_dir": str(tmp / "cache")},
            "engine": {"name": "xapian", "shards": shards, "timeout": 2000, **engine},
        }
    )
