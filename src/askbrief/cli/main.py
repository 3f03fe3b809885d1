"""The ``askbrief`` command: argument parsing and printing only; the work is in Session.

``askbrief`` alone opens the app; ``ask``, ``index``, ``chat``, ``history`` and ``config`` are
sub-commands. Errors are one line on stderr (a traceback only with ``--debug``); exit codes are
0 for an answer or an abstention, 2 for a usage error and 1 for any other failure.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from .. import __version__
from ..errors import AskbriefError, UsageError

if TYPE_CHECKING:
    from ..api import Corpus

__all__ = ["main"]


def _common_options(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    parser.add_argument("--config", type=Path, metavar="FILE", help="settings file (TOML)")
    parser.add_argument(
        "--corpus",
        type=Path,
        metavar="DIR",
        help="folder of documents, or one file (default: the configured one, else the samples)",
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks on errors")
    return parser


def _parser() -> argparse.ArgumentParser:
    # The options may come before the command or after it. After it they are parsed by the
    # sub-command, whose defaults must not undo what was given before it: hence SUPPRESS there.
    common = _common_options(
        argparse.ArgumentParser(add_help=False, argument_default=argparse.SUPPRESS)
    )

    parser = argparse.ArgumentParser(
        prog="askbrief",
        parents=[_common_options(argparse.ArgumentParser(add_help=False))],
        description="Ask questions about a folder of documents; get quoted, cited answers. "
        "With no command, opens the chat app.",
    )
    parser.add_argument("--version", action="version", version=f"askbrief {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    resume = argparse.ArgumentParser(add_help=False)
    which = resume.add_mutually_exclusive_group()
    which.add_argument(
        "-c",
        "--continue",
        dest="resume",
        action="store_true",
        help="continue the most recently used conversation; its corpus is used "
        "unless --corpus names another (then the answer comes from that one, the "
        "conversation still goes on, and a note says so)",
    )
    which.add_argument(
        "--conversation",
        metavar="ID",
        help="continue the conversation ID (see 'askbrief history list'; "
        "a unique start of an ID will do)",
    )

    ask = sub.add_parser(
        "ask",
        parents=[common, resume],
        help="answer one question and exit",
        description="Answer one question. Every question is saved as a conversation (a new one "
        "unless -c or --conversation continues one), in the store that 'askbrief history' and "
        "the app use.",
    )
    ask.add_argument("question", nargs="+", help="the question (quote it, or not)")
    ask.add_argument("-k", type=int, metavar="N", help="passages to compose the answer from")
    ask.add_argument("--json", action="store_true", help="print the answer as JSON")
    ask.add_argument("--explain", action="store_true", help="also show why each quote was chosen")

    sub.add_parser(
        "chat",
        parents=[common, resume],
        help="a plain line-by-line chat (pipes, screen readers)",
        description="A line-by-line chat with no full-screen UI: type a question per line; "
        "/help lists the commands (/sources, /open N, /new, /export FILE, /quit). Ctrl-D or the "
        "end of a pipe ends it.",
    )

    index = sub.add_parser("index", parents=[common], help="build or refresh the saved index")
    index.add_argument("dir", nargs="?", type=Path, metavar="DIR", help="corpus folder")
    index.add_argument("--rebuild", action="store_true", help="ignore the saved index")
    index.add_argument(
        "--watch",
        action="store_true",
        help="then keep watching the folder, refreshing the index when files change, until Ctrl+C",
    )

    sub.add_parser(
        "mcp",
        parents=[common],
        help="serve the corpus to agents over MCP (stdio)",
        description="Serve the corpus as a Model Context Protocol server on stdin/stdout, with "
        "three tools: ask (a cited answer), search (passages) and read_source (the text around "
        "a quote). Meant to be started by an MCP client such as Claude Desktop.",
    )

    from .admin import add_config_parser, add_history_parser
    from .engine import add_engine_parser

    add_history_parser(sub, common)
    add_config_parser(sub, common)
    add_engine_parser(sub, common)
    return parser


def _settings(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from ..config import load_settings

    return load_settings(args.config)


def _session(args: argparse.Namespace, corpus: Path | None = None) -> Corpus:
    """The corpus to work on, through the same Python API scripts use (``askbrief.open``)."""
    from ..api import open_corpus

    return open_corpus(corpus or args.corpus, config=_settings(args))


class _ProgressBar:
    """A one-line progress bar on a terminal; silent when stderr is not one."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.live = stream.isatty()
        self.shown = False

    def __call__(self, done: int, total: int, current: str) -> None:
        if not self.live or total == 0:
            return
        width = 28
        filled = int(width * done / total)
        name = current.replace("\n", " ")[-40:]
        self.stream.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} {name:<40}")
        self.stream.flush()
        self.shown = True

    def close(self) -> None:
        if self.shown:
            self.stream.write("\r" + " " * 80 + "\r")
            self.stream.flush()


def _cmd_index(args: argparse.Namespace) -> int:
    session = _session(args, args.dir)
    bar = _ProgressBar(sys.stderr)
    try:
        report = session.build(progress=bar, rebuild=args.rebuild)
    finally:
        bar.close()
    if report.notice:
        print(f"askbrief: {report.notice}", file=sys.stderr)
    changes = ", ".join(f"{n} {what}" for what, n in report.changes.items() if n)
    print(
        f"{report.status} index of {report.corpus}: {report.files_total} files "
        f"({report.files_read} read{', ' + changes if changes else ''}), "
        f"{report.passages} passages, {report.skipped_count} skipped, {report.seconds:.2f} s"
    )
    if line := report.unsupported_line():
        print(f"  {line}")
    for skip in report.skipped:
        print(f"  skipped {skip.source!r}: {skip.reason}")
    for source, warning in report.warnings:
        print(f"  warning {source!r}: {warning}")
    return _watch(session) if args.watch else 0


def _watch(session: Corpus) -> int:
    """Refresh the index whenever files change, one line per refresh, until Ctrl+C (exit 0)."""
    from ..search.library import cache_root
    from ..search.watch import refresh_notice, watch_corpus

    print(
        f"askbrief: watching {session.path} for changes (Ctrl+C stops)",
        file=sys.stderr,
        flush=True,
    )
    try:
        for batch in watch_corpus(session.path, ignore=[cache_root(session.settings)]):
            report = session.index()
            notice = refresh_notice(report)
            if notice:
                print(f"{time.strftime('%H:%M:%S')} {notice}", flush=True)
            for skip in report.skipped:
                if skip.source in batch:
                    print(f"  skipped {skip.source!r}: {skip.reason}", flush=True)
    except KeyboardInterrupt:
        print("askbrief: stopped watching", file=sys.stderr)
    return 0


def _continued(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    """The conversation ``ask`` or ``chat`` continues, or None for a new one."""
    from ..conversations import ConversationStore

    store = ConversationStore()
    if args.conversation:
        return store, store.load(store.resolve(args.conversation))
    if args.resume:
        conv = store.latest()
        if conv is None:
            print(
                "askbrief: no earlier conversation to continue; starting a new one", file=sys.stderr
            )
        return store, conv
    return store, None


def _conversation_session(args: argparse.Namespace, conv):  # type: ignore[no-untyped-def]
    """The session for a question of ``conv``: on its corpus unless --corpus says otherwise."""
    corpus = args.corpus
    if corpus is None and conv is not None and conv.corpus and Path(conv.corpus).exists():
        corpus = Path(conv.corpus)
    session = _session(args, corpus)
    if conv is not None and conv.corpus and not session.is_corpus_of(conv):
        print(
            f"askbrief: note: conversation {conv.id} began on {conv.corpus}; "
            f"continuing it on {session.path}",
            file=sys.stderr,
        )
    return session


def _cmd_ask(args: argparse.Namespace) -> int:
    from dataclasses import replace

    question = " ".join(args.question)
    if args.k is not None and args.k < 1:
        raise UsageError(f"-k must be a number of passages, 1 or more (got {args.k})")
    store, conv = _continued(args)
    session = _conversation_session(args, conv)
    t0 = time.perf_counter()
    report = session.index()
    if report.notice:
        print(f"askbrief: {report.notice}", file=sys.stderr)
    from ..answers.render import StreamEcho

    echo = StreamEcho(sys.stdout)
    answer = session.ask(
        question,
        k=args.k,
        conversation=conv,
        on_text=None if args.json else echo,
        explain=args.explain,
    )
    if answer.timings.load_ms == 0:
        load_ms = (
            (time.perf_counter() - t0) * 1000
            - answer.timings.retrieve_ms
            - answer.timings.compose_ms
        )
        answer = replace(answer, timings=replace(answer.timings, load_ms=load_ms))
    try:
        if conv is None:
            conv = store.new(session.path.resolve())
        store.append(conv, answer)
        answer = replace(answer, conversation=conv.id)
    except OSError as exc:
        print(f"askbrief: could not save the conversation: {exc}", file=sys.stderr)
    if args.json:
        sys.stdout.write(answer.to_json() + "\n")
    else:
        sys.stdout.write(echo.finish(answer))
        if answer.explanation is not None:
            from ..answers.explain import render_explanation

            sys.stdout.write("\n" + render_explanation(answer.explanation))
    return 0


def _cmd_chat(args: argparse.Namespace) -> int:
    from .repl import run_chat

    store, conv = _continued(args)
    return run_chat(_conversation_session(args, conv), store, conv)


def _cmd_app(args: argparse.Namespace) -> int:
    from ..tui.app import run_app

    return run_app(_settings(args), args.corpus)


def _cmd_mcp(args: argparse.Namespace) -> int:
    from ..mcp import serve

    return serve(_session(args))


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    commands = {
        "ask": _cmd_ask,
        "chat": _cmd_chat,
        "index": _cmd_index,
        "mcp": _cmd_mcp,
        None: _cmd_app,
    }
    try:
        if args.command in ("history", "config"):
            from .admin import run_admin

            return run_admin(args)
        if args.command == "engine":
            from .engine import run_engine

            return run_engine(args)
        return commands[args.command](args)
    except UsageError as exc:  # an empty question, -k 0, ...
        print(f"askbrief: {exc}", file=sys.stderr)
        return 2
    except AskbriefError as exc:
        if args.debug:
            raise
        print(f"askbrief: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("askbrief: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (askbrief ... | head): stop quietly, as Python's docs advise.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141
    except Exception as exc:  # the last resort: one line, not a traceback
        if args.debug:
            raise
        print(
            f"askbrief: unexpected error: {exc.__class__.__name__}: {exc} "
            "(run with --debug for details)",
            file=sys.stderr,
        )
        return 1
