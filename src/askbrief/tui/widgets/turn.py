"""One question and its answer in the conversation: the question, the answer as Markdown with
clickable ``[n]`` markers, notices, and the sources (or the closest passages) as focusable items.

Document text only ever goes in as ``rich.text.Text`` or Markdown source: never as markup.
"""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Markdown, Static

from ...answers.render import safe_text
from ...types import Answer, Citation
from ..view import answer_body, citation_where, closest_citations, link_citations

__all__ = ["AnswerMarkdown", "QuestionLine", "SourceItem", "TurnView"]


class QuestionLine(Static):
    """The user's question."""


class AnswerMarkdown(Markdown):
    """The answer text; links are ``cite:n`` markers, handled by the turn, never opened."""


class Notice(Static):
    """A one-line note: a fallback, an unverified citation, cancelled, an error."""


class SourceItem(Static, can_focus=True):
    """A citation (or a closest passage): file, title, line/page, score; flagged if unverified."""

    BINDINGS = [
        Binding("enter,space", "choose", "Open source", show=False),
        Binding("w", "why", "Why this quote"),
    ]

    class Chosen(Message):
        """The user wants to see this citation in its document."""

        def __init__(self, turn: TurnView, index: int) -> None:
            super().__init__()
            self.turn = turn
            self.index = index

    class Why(Chosen):
        """The user wants to know why this quote was chosen."""

    def __init__(self, turn: TurnView, index: int, citation: Citation) -> None:
        super().__init__(self._label(citation))
        self.turn = turn
        self.index = index
        self.citation = citation
        self.set_class(not citation.verified, "-unverified")

    @staticmethod
    def _label(c: Citation) -> Text:
        label = Text()
        label.append(f"[{c.n}] ", style="bold")
        label.append(safe_text(c.source) or "(no such source)")
        label.append(f" · {citation_where(c)} · score {c.score:.2f}", style="dim")
        if c.title:
            label.append(" — " + safe_text(c.title))
        if not c.verified:
            label.append("  ⚠ not verified", style="bold")
        preview = " ".join(safe_text(c.quote[:400]).split())
        if preview:
            label.append("\n    “" + preview + "”", style="italic dim")
        return label

    def action_choose(self) -> None:
        self.post_message(self.Chosen(self.turn, self.index))

    def action_why(self) -> None:
        self.post_message(self.Why(self.turn, self.index))

    def on_click(self) -> None:
        self.action_choose()


class TurnView(Vertical):
    """A question and, once it comes, its answer."""

    def __init__(self, question: str, corpus: Path) -> None:
        super().__init__()
        self.question = question
        self.corpus = corpus  # the folder the citations' sources are relative to
        self.answer: Answer | None = None
        self.citations: tuple[Citation, ...] = ()

    def compose(self) -> ComposeResult:
        yield QuestionLine(Text("› " + safe_text(self.question)))
        yield AnswerMarkdown("", open_links=False)
        yield Notice(Text("answering…"), classes="-working")
        yield Vertical(classes="sources")

    @property
    def markdown(self) -> AnswerMarkdown:
        return self.query_one(AnswerMarkdown)

    def _set_notice(self, text: str, cls: str = "") -> None:
        notice = self.query_one(Notice)
        notice.set_classes(cls)
        notice.update(Text(text))
        notice.display = bool(text)

    def stream(self, chunk: str) -> None:
        """More text from a streaming backend; replaced by the checked answer when it is done."""
        self.markdown.append(safe_text(chunk))

    async def show_answer(self, answer: Answer) -> None:
        self.answer = answer
        if answer.abstained:
            self.citations = answer.citations or closest_citations(answer.hits)
        else:
            self.citations = answer.citations
        await self.markdown.update(link_citations(safe_text(answer_body(answer))))
        self._set_notice("\n".join(f"note: {safe_text(n)}" for n in answer.notices), "-note")
        sources = self.query_one(".sources", Vertical)
        await sources.remove_children()
        if not self.citations:
            return
        heading = "Closest passages, to look at:" if answer.abstained else "Sources:"
        items: list[Static] = [Static(Text(heading, style="bold"), classes="sources-heading")]
        items += [SourceItem(self, i, c) for i, c in enumerate(self.citations)]
        await sources.mount_all(items)

    def show_cancelled(self) -> None:
        self._set_notice("cancelled", "-cancelled")

    def show_error(self, message: str) -> None:
        self._set_notice(f"error: {safe_text(message)}", "-error")

    def index_of(self, n: int) -> int | None:
        """The position of the first citation numbered ``n``."""
        return next((i for i, c in enumerate(self.citations) if c.n == n), None)

    @on(Markdown.LinkClicked)
    def _cite_clicked(self, event: Markdown.LinkClicked) -> None:
        event.stop()
        href = event.href
        if href.startswith("cite:") and href[5:].isdigit():
            index = self.index_of(int(href[5:]))
            if index is not None:
                self.post_message(SourceItem.Chosen(self, index))
