"""``askbrief engine status``: each shard of the configured engine, reachable or not.

Parsing and printing only; the engine (``askbrief.search.engines``) does the probing.
"""

from __future__ import annotations

import argparse
from typing import Any

__all__ = ["add_engine_parser", "run_engine"]


def add_engine_parser(sub: Any, common: argparse.ArgumentParser) -> None:
    engine = sub.add_parser(
        "engine",
        help="the search engine's shards: reachable, size, which replica serves",
        description="The configured search engine ([engine] in the settings).",
    )
    verbs = engine.add_subparsers(dest="verb", metavar="VERB", required=True)
    verbs.add_parser(
        "status",
        parents=[common],
        help="list each shard and replica: reachable or not, passages, documents, serving",
    )


def run_engine(args: argparse.Namespace) -> int:
    """Print one line per shard address; exit 1 when some shard has no live replica."""
    from ..config import load_settings
    from ..search.engines import load_engine

    settings = load_settings(args.config)
    engine = load_engine(settings.engine)
    if engine.shared:
        n = len(settings.engine.shards)
        print(f"engine {engine.name}: {n} shard{'s' if n != 1 else ''}")
        rows = engine.status()
    else:
        from ..session import Session

        session = Session(settings, args.corpus)
        session.open()
        print(f"engine {engine.name}: the saved index of {session.corpus_dir}")
        rows = engine.status()
    shards_up: dict[int, bool] = {}
    for row in rows:
        shards_up[row.shard] = shards_up.get(row.shard, False) or row.reachable
        if row.reachable:
            docs = f", {row.documents:,} documents" if row.documents is not None else ""
            state = f"reachable, {row.passages:,} passages{docs}"
            state += ", serving" if row.serving else ", standby"
        else:
            state = f"UNREACHABLE ({row.error})"
        print(f"  shard {row.shard}  {row.address}  {state}")
    down = sorted(s for s, up in shards_up.items() if not up)
    if down:
        print(f"shards with no live replica: {', '.join(map(str, down))}")
        return 1
    return 0
