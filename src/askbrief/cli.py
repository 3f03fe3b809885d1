"""The ``askbrief`` command: argument parsing and printing only; the work is in Session.

``askbrief`` alone opens the app; ``ask``, ``index``, ``chat``, ``history`` and ``config`` are
sub-commands. Errors are one line on stderr (a traceback only with ``--debug``); exit codes are
0 for an answer or an abstention, 2 for a usage error and 1 for any other failure.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from . import __version__
from .errors import AskbriefError, QuestionError

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--config", type=Path, metavar="FILE", help="settings file (TOML)")
    common.add_argument("--corpus", type=Path, metavar="DIR",
                        help="folder of documents (default: the configured one, else the samples)")
    common.add_argument("--debug", action="store_true", help="show tracebacks on errors")

    parser = argparse.ArgumentParser(
        prog="askbrief",
        parents=[common],
        description="Ask questions about a folder of documents; get quoted, cited answers. "
        "With no command, opens the chat app.",
    )
    parser.add_argument("--version", action="version", version=f"askbrief {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    ask = sub.add_parser("ask", parents=[common], help="answer one question and exit")
    ask.add_argument("question", nargs="+", help="the question (quote it, or not)")
    ask.add_argument("-k", type=int, metavar="N", help="passages to compose the answer from")
    ask.add_argument("--json", action="store_true", help="print the answer as JSON")

    index = sub.add_parser("index", parents=[common], help="build or refresh the saved index")
    index.add_argument("dir", nargs="?", type=Path, metavar="DIR", help="corpus folder")
    index.add_argument("--rebuild", action="store_true", help="ignore the saved index")
    return parser


def _settings(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from .config import load_settings

    return load_settings(args.config)


def _session(args: argparse.Namespace, corpus: Path | None = None):  # type: ignore[no-untyped-def]
    from .session import Session

    return Session(_settings(args), corpus or args.corpus)


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
        report = session.open(progress=bar, force=args.rebuild)
    finally:
        bar.close()
    if report.notice:
        print(f"askbrief: {report.notice}", file=sys.stderr)
    changes = ", ".join(f"{n} {what}" for what, n in report.changes.items() if n)
    print(
        f"{report.status} index of {report.corpus}: {report.files_total} files "
        f"({report.files_read} read{', ' + changes if changes else ''}), "
        f"{report.passages} passages, {len(report.skipped)} skipped, {report.seconds:.2f} s"
    )
    for skip in report.skipped:
        print(f"  skipped {skip.source!r}: {skip.reason}")
    for source, warning in report.warnings:
        print(f"  warning {source!r}: {warning}")
    return 0


def _print_answer(answer, stream: TextIO) -> None:  # type: ignore[no-untyped-def]
    from .render import plain_answer

    stream.write(plain_answer(answer))


def _cmd_ask(args: argparse.Namespace) -> int:
    question = " ".join(args.question)
    session = _session(args)
    t0 = time.perf_counter()
    report = session.open()
    if report.notice:
        print(f"askbrief: {report.notice}", file=sys.stderr)
    answer = session.ask(question, k=args.k)
    if answer.timings.load_ms == 0:
        from dataclasses import replace

        answer = replace(answer, timings=replace(answer.timings, load_ms=(time.perf_counter() - t0) * 1000
                                                 - answer.timings.retrieve_ms - answer.timings.compose_ms))
    if args.json:
        json.dump(answer.as_json(), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        _print_answer(answer, sys.stdout)
    return 0


def _cmd_app(args: argparse.Namespace) -> int:
    from .tui.app import run_app

    return run_app(_settings(args), args.corpus)


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    commands = {"ask": _cmd_ask, "index": _cmd_index, None: _cmd_app}
    try:
        return commands[args.command](args)
    except QuestionError as exc:
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
    except Exception as exc:  # the last resort: one line, not a traceback
        if args.debug:
            raise
        print(f"askbrief: unexpected error: {exc.__class__.__name__}: {exc} "
              "(run with --debug for details)", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
