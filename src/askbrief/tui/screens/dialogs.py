"""Small modal screens: switch corpus (a folder path), help, and the saved conversations list."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from ...answers.render import safe_text
from ...conversations import Conversation

__all__ = ["ConversationsScreen", "CorpusDialog", "HelpScreen", "WhyScreen"]

HELP = """\
askbrief answers from your documents with quotes, and cites each one as [n].

  Enter        ask the question in the input line (up/down: earlier questions)
  Tab          move to the sources under an answer; Enter opens one
  w            on a source: why that quote was chosen (terms, ranks, features)
  click [n]    open that citation in its document, the quote highlighted
  n / p        next / previous citation in the source viewer; Esc goes back
  Esc, ctrl+c  cancel the answer being written
  ctrl+n       new conversation          ctrl+l  saved conversations
  ctrl+y       copy the last answer with its sources
  ctrl+s       export the conversation as Markdown (quotes, sources, offsets)
  ctrl+o       open the last answer's sources
  ctrl+r       re-index the corpus       ctrl+f  switch corpus (a folder)
  ctrl+b       switch backend            ctrl+t  theme
  ctrl+p       command palette           ctrl+q  quit

Citations marked ⚠ were not found in the documents as written: read the source
before you trust them. Conversations are saved as you go; reopen them with ctrl+l.
"""


class _Dialog(ModalScreen[object]):
    BINDINGS = [Binding("escape", "dismiss_none", "Close")]

    def action_dismiss_none(self) -> None:
        self.dismiss(None)


class HelpScreen(_Dialog):
    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Text("Help", style="bold"), classes="dialog-title")
            yield Static(Text(HELP))
            yield Static(Text("Esc to close", style="dim"))


class WhyScreen(_Dialog):
    """Why a quote was chosen: the explanation ``ask --explain`` prints, as plain text."""

    def __init__(self, title: str, explanation: str) -> None:
        super().__init__()
        self._title = title
        self._explanation = explanation

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Text(self._title, style="bold"), classes="dialog-title")
            yield Static(Text(safe_text(self._explanation)))
            yield Static(Text("Esc to close", style="dim"))


class CorpusDialog(_Dialog):
    """Ask for a folder to open; dismisses with its Path, or None."""

    def __init__(self, current: Path) -> None:
        super().__init__()
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(
                Text("Switch corpus: a folder of documents", style="bold"), classes="dialog-title"
            )
            field = Input(value=str(self.current), id="corpus-path")
            field.cursor_blink = False
            yield field
            yield Static(Text("Enter to open · Esc to cancel", style="dim"), id="corpus-error")

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        path = Path(event.value.strip()).expanduser()
        if not path.is_dir():
            self.query_one("#corpus-error", Static).update(
                Text(f"not a folder: {safe_text(str(path))}", style="bold")
            )
            return
        self.dismiss(path)


class ConversationsScreen(_Dialog):
    """Saved conversations, newest first; dismisses with the chosen id, or None."""

    def __init__(self, conversations: list[Conversation]) -> None:
        super().__init__()
        self.conversations = conversations

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog -wide"):
            yield Static(Text("Saved conversations", style="bold"), classes="dialog-title")
            if not self.conversations:
                yield Static(Text("No saved conversations yet."))
            options = []
            for conv in self.conversations:
                label = Text()
                label.append(conv.created.replace("T", " ")[:16], style="dim")
                label.append(
                    f"  {len(conv.turns)} turn{'s' if len(conv.turns) != 1 else ''}  ", style="dim"
                )
                label.append(safe_text(conv.title))
                label.append(f"  ({safe_text(Path(conv.corpus).name)})", style="dim")
                options.append(Option(label, id=conv.id))
            yield OptionList(*options, id="conversations")
            yield Static(Text("Enter to reopen · Esc to close", style="dim"))

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)
