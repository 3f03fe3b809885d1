"""Connections to Xapian shards: one live replica per shard, failover, and partial answers.

Each shard is a list of addresses, its primary first: ``tcp://host:port`` (a ``xapian-tcpsrv``)
or a local database folder. A client opens one replica per shard and searches them as one
``xapian.Database``, which keeps BM25's statistics global. A dead or hung shard makes the next
call raise ``xapian.NetworkError`` (or its ``NetworkTimeoutError`` at ``timeout``), and that
database never recovers (``reopen`` does not help), so the whole set is reconnected: each shard
is retried once on a fresh connection, then on its next replicas. A shard with no live replica is
an ``EngineError``, or with ``allow_partial`` is left out and the answer marked partial.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import xapian

from ...config import EngineSettings
from ...errors import EngineError

__all__ = ["ShardSet", "open_replica", "shard_label"]

T = TypeVar("T")
_TCP = re.compile(r"tcp://(?P<host>[^\s:/]+):(?P<port>\d{1,5})")
# What a shard that is down, hung or replaced under us raises.
RECOVERABLE = (xapian.NetworkError, xapian.DatabaseError)


def shard_label(number: int, address: str) -> str:
    return f"shard {number + 1} ({address})"


def _reason(exc: BaseException) -> str:
    if isinstance(exc, xapian.NetworkTimeoutError):
        return "timed out"
    text = str(exc).strip() or type(exc).__name__
    return " ".join(text.split())[:160]


def open_replica(address: str, timeout_ms: int) -> xapian.Database:
    """One replica, opened read-only; raises ``xapian.Error`` when it cannot be reached."""
    match = _TCP.fullmatch(address)
    if match is None:
        path = Path(address).expanduser()
        if not path.is_dir():
            raise xapian.DatabaseOpeningError(f"no database folder at {path}")
        return xapian.Database(str(path))
    host, port = match["host"], int(match["port"])
    return xapian.remote_open(host, port, timeout_ms, timeout_ms)


@dataclass
class _Shard:
    number: int  # 0-based position in engine.shards
    addresses: list[str]
    serving: int = 0  # which address answered last
    db: xapian.Database | None = None
    error: str | None = None


class ShardSet:
    """The shards, one live replica each, searched as one database."""

    def __init__(self, settings: EngineSettings) -> None:
        if not settings.shards:
            raise EngineError(
                "engine.shards is empty: list the shards, e.g. "
                'shards = [["tcp://10.0.0.5:33333"]], in the [engine] section'
            )
        self.settings = settings
        self.shards = [_Shard(i, list(a)) for i, a in enumerate(settings.shards)]
        self.db: xapian.Database | None = None
        self.active: list[int] = []  # shard numbers in the combined database's order
        self.notices: list[str] = []
        self.partial = False
        self.down: list[str] = []  # one notice per shard left out, repeated with every answer
        self.generation = 0  # bumped on every reconnect, so caches know to drop

    # -- connecting ----------------------------------------------------------------------------

    def _connect_shard(self, shard: _Shard) -> None:
        """Open the serving replica on a fresh connection, else the next ones in order."""
        n = len(shard.addresses)
        order = [(shard.serving + i) % n for i in range(n)]
        errors = []
        for i in order:
            try:
                db = open_replica(shard.addresses[i], self.settings.timeout)
                db.get_doccount()
            except RECOVERABLE as exc:
                errors.append(f"{shard.addresses[i]}: {_reason(exc)}")
                continue
            if i != shard.serving:
                self.notices.append(
                    f"{shard_label(shard.number, shard.addresses[shard.serving])} is down "
                    f"({errors[0].split(': ', 1)[1]}); failed over to {shard.addresses[i]}"
                )
            shard.serving, shard.db, shard.error = i, db, None
            return
        shard.db, shard.error = None, "; ".join(errors)

    def connect(self) -> None:
        """(Re)open every shard and the combined database over the live ones."""
        for shard in self.shards:
            if shard.db is not None:
                with contextlib.suppress(xapian.Error):
                    shard.db.close()
            self._connect_shard(shard)
        down = [s for s in self.shards if s.db is None]
        self.partial = bool(down)
        self.down = []
        for s in down:
            label = shard_label(s.number, s.addresses[s.serving])
            if not self.settings.allow_partial or len(down) == len(self.shards):
                hint = (
                    "; set engine.allow_partial = true to answer from the other shards"
                    if len(down) < len(self.shards) and not self.settings.allow_partial
                    else ""
                )
                raise EngineError(f"{label} has no live replica ({s.error}){hint}")
            self.down.append(
                f"{label} has no live replica ({s.error}); partial answer from the other shards"
            )
        combined = xapian.Database()
        self.active = []
        for s in self.shards:
            if s.db is not None:
                combined.add_database(s.db)
                self.active.append(s.number)
        self.db = combined
        self.generation += 1

    def call(self, work: Callable[[xapian.Database], T]) -> T:
        """``work(db)``; on a network failure, reconnect (fresh connections, then replicas) and
        run it once more. A second failure is an ``EngineError``."""
        if self.db is None:
            self.connect()
        assert self.db is not None
        try:
            return work(self.db)
        except RECOVERABLE as first:
            self.connect()
            try:
                return work(self.db)
            except RECOVERABLE as exc:
                raise EngineError(
                    f"the shards failed twice: {_reason(exc)} (first: {_reason(first)})"
                ) from None

    # -- addressing ----------------------------------------------------------------------------

    def shard_db(self, number: int) -> xapian.Database | None:
        return self.shards[number].db

    def combined_docid(self, number: int, docid: int) -> int | None:
        """The combined database's id of ``docid`` in shard ``number`` (None if it is out)."""
        try:
            pos = self.active.index(number)
        except ValueError:
            return None
        return (docid - 1) * len(self.active) + pos + 1

    def split_docid(self, combined: int) -> tuple[int, int]:
        """(shard number, its own docid) of a combined docid."""
        n = len(self.active)
        return self.active[(combined - 1) % n], (combined - 1) // n + 1

    def take_notices(self) -> tuple[tuple[str, ...], bool]:
        out, self.notices = tuple(self.notices + self.down), []
        return out, self.partial

    def describe(self) -> list[dict[str, Any]]:
        return [{"shard": s.number + 1, "addresses": s.addresses} for s in self.shards]
