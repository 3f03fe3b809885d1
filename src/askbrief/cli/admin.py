"""``askbrief history`` and ``askbrief config``: looking after saved conversations and settings.

Parsing and printing only, split from ``cli.py`` to keep that file about asking questions. The
work is in ``history`` (the conversation store) and ``config`` (settings, the example file).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ..errors import AskbriefError, ConfigError

__all__ = ["add_config_parser", "add_history_parser", "run_admin"]


def add_history_parser(sub: Any, common: argparse.ArgumentParser) -> None:
    history = sub.add_parser(
        "history",
        help="list, show, export or remove saved conversations",
        description="Saved conversations (every 'askbrief ask' and chat turn is saved). An ID "
        "may be shortened to any unique start of it, or given as 'latest'.",
    )
    verbs = history.add_subparsers(dest="verb", metavar="VERB", required=True)
    verbs.add_parser("list", parents=[common], help="conversations, most recently used first")
    show = verbs.add_parser("show", parents=[common], help="print a conversation")
    show.add_argument("id", metavar="ID")
    export = verbs.add_parser("export", parents=[common], help="write a conversation out")
    export.add_argument("id", metavar="ID")
    export.add_argument(
        "--format",
        choices=("md", "json"),
        default="md",
        help="Markdown (default) or JSON (each turn's --json answer)",
    )
    export.add_argument(
        "-o", "--output", type=Path, metavar="FILE", help="write to FILE instead of standard output"
    )
    rm = verbs.add_parser("rm", parents=[common], help="delete a conversation")
    rm.add_argument("id", metavar="ID")


def add_config_parser(sub: Any, common: argparse.ArgumentParser) -> None:
    config = sub.add_parser(
        "config",
        help="where the settings file is, what is in effect, or write an example",
        description="Settings come from a TOML file (the default path, or --config FILE) and "
        "ASKBRIEF_SECTION__KEY environment variables.",
    )
    verbs = config.add_subparsers(dest="verb", metavar="VERB", required=True)
    verbs.add_parser("path", parents=[common], help="print the settings file's path")
    verbs.add_parser("show", parents=[common], help="print the settings in effect (secrets masked)")
    init = verbs.add_parser(
        "init", parents=[common], help="write a commented example settings file"
    )
    init.add_argument("--force", action="store_true", help="overwrite an existing file")


def run_admin(args: argparse.Namespace) -> int:
    if args.command == "history":
        return _history(args)
    return _config(args)


# -- history -----------------------------------------------------------------------------------


def _history(args: argparse.Namespace) -> int:
    from ..answers.render import safe_text
    from ..conversations import ConversationStore, export_json, export_markdown

    store = ConversationStore()
    if args.verb == "list":
        ids = store.ids()
        if not ids:
            print(f"no saved conversations (in {store.root})", file=sys.stderr)
        for conv_id in ids:
            conv = store.load(conv_id)
            when = conv.turns[-1].time if conv.turns else conv.created
            name = Path(conv.corpus).name or conv.corpus
            title = " ".join(safe_text(conv.title).split())
            if len(title) > 60:
                title = title[:59] + "…"
            print(
                f"{conv.id}  {when[:16].replace('T', ' ')}  {len(conv.turns):>3} turns  "
                f"{safe_text(name)}  {title}"
            )
        return 0

    conv = store.load(store.resolve(args.id))
    if args.verb == "rm":
        store.delete(conv.id)
        print(f"removed conversation {conv.id}")
    elif args.verb == "show":
        print(f"conversation {conv.id} · corpus {safe_text(conv.corpus)} · started {conv.created}")
        for i, turn in enumerate(conv.turns, start=1):
            print(f"\n[{i}] {safe_text(turn.question)}\n")
            print(safe_text(turn.markdown))
    else:
        text = export_json(conv) if args.format == "json" else export_markdown(conv) + "\n"
        if args.output is None:
            sys.stdout.write(text)
        else:
            try:
                args.output.expanduser().write_text(text, encoding="utf-8")
            except OSError as exc:
                raise AskbriefError(f"cannot write {args.output}: {exc.strerror or exc}") from None
            print(f"exported conversation {conv.id} to {args.output}", file=sys.stderr)
    return 0


# -- config ------------------------------------------------------------------------------------


def _config(args: argparse.Namespace) -> int:
    from ..config import EXAMPLE_CONFIG, default_config_path, load_settings, render_settings

    path: Path = args.config.expanduser() if args.config is not None else default_config_path()
    if args.verb == "path":
        print(path)
    elif args.verb == "show":
        sys.stdout.write(render_settings(load_settings(args.config)))
    else:
        if path.exists() and not args.force:
            raise ConfigError(f"{path} already exists; use --force to overwrite it")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(EXAMPLE_CONFIG, encoding="utf-8")
        except OSError as exc:
            raise ConfigError(f"cannot write {path}: {exc.strerror or exc}") from None
        print(f"wrote an example config to {path}")
    return 0
