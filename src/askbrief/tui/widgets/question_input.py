"""The input line: a Textual Input with shell-like history on up/down."""

from __future__ import annotations

from textual.binding import Binding
from textual.widgets import Input

__all__ = ["QuestionInput"]


class QuestionInput(Input):
    """Up/down walk through the questions asked in this session; down past the newest restores
    what was being typed."""

    BINDINGS = [
        Binding("up", "history(-1)", "Previous question", show=False),
        Binding("down", "history(1)", "Next question", show=False),
    ]

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.cursor_blink = False  # steady cursor: calmer, and snapshots stay deterministic
        self.history: list[str] = []
        self._pos = 0
        self._draft = ""

    def remember(self, question: str) -> None:
        if question and (not self.history or self.history[-1] != question):
            self.history.append(question)
        self._pos = len(self.history)
        self._draft = ""

    def action_history(self, step: int) -> None:
        if not self.history:
            return
        if self._pos == len(self.history):
            self._draft = self.value
        self._pos = max(0, min(len(self.history), self._pos + step))
        self.value = self.history[self._pos] if self._pos < len(self.history) else self._draft
        self.cursor_position = len(self.value)
