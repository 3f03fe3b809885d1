"""``askbrief chat``: a plain line-by-line chat, for pipes, screen readers and dumb terminals.

No full-screen UI and no colour codes unless the output is a terminal: one question per line in,
the same plain answers and sources as ``askbrief ask`` out. Lines starting with ``/`` are
commands (``/help`` lists them). Every turn is saved to the conversation store as it is answered,
so a killed session loses nothing already shown. End of input (ctrl-D, or the end of a pipe) ends
the session with exit status 0.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TextIO

from ..answers.render import StreamEcho, safe_text
from ..api import Corpus
from ..conversations import Conversation, ConversationStore, export_json, export_markdown
from ..errors import AskbriefError
from ..search.followup import find_document, locate_passage

__all__ = ["HELP", "Repl", "passage_context", "run_chat"]

HELP = """\
Type a question and press Enter; follow-up questions use the conversation so far.
  /sources        the sources of the last answer
  /open N         source N of the last answer, the quote marked with » «, in its context
  /new            start a new conversation
  /export FILE    save this conversation (Markdown, or JSON when FILE ends in .json)
  /help           this list
  /quit           leave (so does ctrl-D)"""

CONTEXT_CHARS = 500  # at most this much text either side of a quote shown by /open
_BOLD, _RESET = "\x1b[1m", "\x1b[0m"


def passage_context(corpus: Corpus, citation: dict[str, Any]) -> tuple[str, int, int] | None:
    """The text around a cited quote, from the index, and where the quote sits in it.

    Returns ``(text, quote_start, quote_end)``, or None when the source is no longer indexed as
    it was (the file changed since the answer).
    """
    index = corpus.session.planning_index
    source, start, end = (
        str(citation.get("source", "")),
        int(citation["start"]),
        int(citation["end"]),
    )
    doc = find_document(index, source)
    first = locate_passage(index, source, start, doc)
    last = locate_passage(index, source, max(start, end - 1), doc)
    if doc is None or first is None or last is None:
        return None
    lo = max(doc.first_passage, first - 1)
    hi = min(doc.first_passage + doc.n_passages - 1, last + 1)
    pieces: list[str] = []
    at = 0  # length of the text so far
    doc_end = None
    q_start = q_end = -1
    for pid in range(lo, hi + 1):
        p = index.passage(pid)
        if doc_end is not None and p.start > doc_end:
            pieces.append("\n\n")  # the white space between passages is not indexed
            at += 2
        if pid == first:
            q_start = at + start - p.start
        if pid == last:
            q_end = at + end - p.start
        pieces.append(p.text)
        at += len(p.text)
        doc_end = p.end
    text = "".join(pieces)
    if text[q_start:q_end] != citation.get("quote"):
        return None
    cut_lo = max(0, q_start - CONTEXT_CHARS)
    cut_hi = min(len(text), q_end + CONTEXT_CHARS)
    if cut_lo > 0:
        cut_lo = text.find(" ", cut_lo, q_start) + 1 or cut_lo
    if cut_hi < len(text):
        space = text.rfind(" ", q_end, cut_hi)
        cut_hi = space if space > 0 else cut_hi
    before = ("…" if cut_lo > 0 else "") + text[cut_lo:q_start]
    after = text[q_end:cut_hi] + ("…" if cut_hi < len(text) else "")
    shown = before + text[q_start:q_end] + after
    return shown, len(before), len(before) + q_end - q_start


class Repl:
    """One chat session: reads lines, answers questions, runs commands, saves every turn."""

    def __init__(
        self,
        corpus: Corpus,
        store: ConversationStore,
        conversation: Conversation | None = None,
        *,
        out: TextIO | None = None,
        err: TextIO | None = None,
    ) -> None:
        self.corpus = corpus
        self.store = store
        self.conversation = conversation
        self.out = out or sys.stdout
        self.err = err or sys.stderr
        self.styled = self.out.isatty()
        self.commands: dict[str, Callable[[str], bool]] = {
            "/sources": self._sources,
            "/open": self._open,
            "/new": self._new,
            "/export": self._export,
            "/help": self._help,
            "/quit": self._quit,
            "/exit": self._quit,
        }

    # -- the loop ------------------------------------------------------------------------------

    def run(self, stdin: TextIO | None = None) -> int:
        """Read and handle lines until /quit or end of input; returns the exit status."""
        stdin = stdin or sys.stdin
        interactive = stdin.isatty() and self.out.isatty()
        if interactive:
            self._enable_line_editing()
            self._say(
                f"askbrief chat over {self.corpus.path}. /help lists commands; ctrl-D leaves."
            )
        for line in self._lines(stdin, interactive):
            try:
                if not self.handle(line):
                    break
            except KeyboardInterrupt:
                self._say("(interrupted)")
        return 0

    def _lines(self, stdin: TextIO, interactive: bool) -> Iterator[str]:
        while True:
            try:
                if interactive:
                    line = input("askbrief> ")
                else:
                    line = stdin.readline()
                    if not line:
                        return  # the end of the pipe
            except EOFError:
                self.out.write("\n")  # ctrl-D leaves the cursor after the prompt
                return
            except KeyboardInterrupt:
                if not interactive:
                    return
                self._say("")  # ctrl-C drops the line being typed, as in a shell
                continue
            yield line

    @staticmethod
    def _enable_line_editing() -> None:
        """Arrow keys and history through readline, where the platform has it."""
        with contextlib.suppress(ImportError):
            import readline  # noqa: F401  (imported for its side effect on input())

    def handle(self, line: str) -> bool:
        """Answer one line or run one command; False when the session should end."""
        line = line.strip()
        if not line:
            return True
        if line.startswith("/"):
            name, _, arg = line.partition(" ")
            command = self.commands.get(name.lower())
            if command is None:
                self._say(f"unknown command {name}; /help lists the commands", error=True)
                return True
            return command(arg.strip())
        self.ask(line)
        return True

    def ask(self, question: str) -> None:
        echo = StreamEcho(self.out)
        try:
            answer = self.corpus.ask(question, conversation=self.conversation, on_text=echo)
        except AskbriefError as exc:  # an empty question, a misconfigured backend...
            self._say(f"askbrief: {exc}", error=True)
            return
        self.out.write(echo.finish(answer))
        self.out.write("\n")
        self.out.flush()
        try:
            if self.conversation is None:
                self.conversation = self.store.new(self.corpus.path.resolve())
            self.store.append(self.conversation, answer)
        except OSError as exc:
            self._say(f"askbrief: could not save this turn: {exc}", error=True)

    # -- commands ------------------------------------------------------------------------------

    def _last_citations(self) -> list[dict[str, Any]] | None:
        if self.conversation is None or not self.conversation.turns:
            self._say("no answer yet: ask a question first", error=True)
            return None
        return self.conversation.turns[-1].citations

    def _sources(self, _arg: str) -> bool:
        citations = self._last_citations()
        if citations is None:
            return True
        if not citations:
            self._say("the last answer cites no source")
        for c in citations:
            page = f"page {c.get('page')}, " if c.get("page") is not None else ""
            self._say(
                f"[{c.get('n')}] {safe_text(str(c.get('source')))}, {page}line {c.get('line')}"
                f" — {safe_text(str(c.get('title', '')))}"
            )
        return True

    def _open(self, arg: str) -> bool:
        citations = self._last_citations()
        if citations is None:
            return True
        try:
            n = int(arg.strip("[] "))
        except ValueError:
            self._say("usage: /open N, where N is a source number from /sources", error=True)
            return True
        found = [c for c in citations if c.get("n") == n]
        if not found:
            self._say(f"the last answer has no source [{n}]", error=True)
            return True
        c = found[0]
        self._say(
            f"[{n}] {safe_text(str(c.get('source')))}, line {c.get('line')} — "
            f"{safe_text(str(c.get('title', '')))}"
        )
        shown = passage_context(self.corpus, c)
        if shown is None:
            self._say("(the document changed since; the quote as cited:)")
            self._say(f"»{safe_text(str(c.get('quote', '')))}«")
            return True
        text, qs, qe = (safe_text(shown[0]), shown[1], shown[2])
        quote = text[qs:qe]
        if self.styled:
            quote = f"{_BOLD}{quote}{_RESET}"
        self._say(f"{text[:qs]}»{quote}«{text[qe:]}")
        return True

    def _new(self, _arg: str) -> bool:
        self.conversation = None
        self._say("new conversation: the next question starts afresh")
        return True

    def _export(self, arg: str) -> bool:
        if not arg:
            self._say("usage: /export FILE", error=True)
            return True
        if self.conversation is None or not self.conversation.turns:
            self._say("nothing to export yet: ask a question first", error=True)
            return True
        path = Path(arg).expanduser()
        text = (
            export_json(self.conversation)
            if path.suffix.lower() == ".json"
            else export_markdown(self.conversation)
        )
        try:
            path.write_text(text, encoding="utf-8")
        except OSError as exc:
            self._say(f"askbrief: could not write {path}: {exc.strerror or exc}", error=True)
            return True
        self._say(f"exported conversation {self.conversation.id} to {path}")
        return True

    def _help(self, _arg: str) -> bool:
        self._say(HELP)
        return True

    def _quit(self, _arg: str) -> bool:
        return False

    def _say(self, text: str, *, error: bool = False) -> None:
        stream = self.err if error else self.out
        stream.write(text + "\n")
        stream.flush()


def run_chat(
    corpus: Corpus, store: ConversationStore, conversation: Conversation | None = None
) -> int:
    """``askbrief chat``: open the index (notices on stderr), then converse on stdin/stdout."""
    report = corpus.index()
    if report.notice:
        print(f"askbrief: {report.notice}", file=sys.stderr)
    return Repl(corpus, store, conversation).run()
