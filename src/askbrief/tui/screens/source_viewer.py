"""The source viewer: a citation's document, scrolled to the quote, with the quote selected.

The document is re-read from disk (a worker: PDFs can be slow) and checked: if the text at the
citation's offsets is no longer the quote, the viewer says the source changed and shows the
saved quote instead of highlighting something else. With a shared index the file may not be on
this machine: then the viewer shows the document's indexed passages, at their own offsets.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Header, Static, TextArea
from textual.widgets.text_area import Selection

from ...answers.render import safe_text
from ...errors import AskbriefError
from ...types import Citation
from ..view import citation_where, display_text, offset_to_location

__all__ = ["SourceViewer"]


class SourceInfo(Static):
    """Which citation this is, where, and whether it checks out."""


class SourceNotice(Static):
    """Why the quote is not highlighted (source changed, not verified, unreadable)."""


class SourceViewer(Screen[None]):
    """One answer's citations, one at a time, each in its document."""

    BINDINGS = [
        Binding("n,right_square_bracket", "step(1)", "Next citation", priority=True),
        Binding("p,left_square_bracket", "step(-1)", "Previous citation", priority=True),
        Binding("escape,q", "back", "Back to chat", priority=True),
    ]

    def __init__(
        self,
        citations: Sequence[Citation],
        index: int,
        corpus: Path,
        indexed: Callable[[str, int], str | None] | None = None,
    ) -> None:
        super().__init__()
        self.citations = tuple(citations)
        self.index = index
        self.corpus = corpus
        # (source, offset) -> the indexed text around it, when the file is not on this machine
        self.indexed = indexed
        self._texts: dict[str, str | AskbriefError] = {}
        self._from_index: set[str] = set()

    def compose(self) -> ComposeResult:
        yield Header()
        yield SourceInfo()
        yield SourceNotice()
        area = TextArea(
            read_only=True,
            soft_wrap=True,
            show_line_numbers=True,
            highlight_cursor_line=False,
            id="document",
        )
        area.cursor_blink = False
        yield area
        yield Footer(compact=True)

    @property
    def citation(self) -> Citation:
        return self.citations[self.index]

    @property
    def document(self) -> TextArea:
        return self.query_one("#document", TextArea)

    def on_mount(self) -> None:
        self.document.focus()
        self.show_citation()

    def action_step(self, step: int) -> None:
        if len(self.citations) > 1:
            self.index = (self.index + step) % len(self.citations)
            self.show_citation()

    def action_back(self) -> None:
        self.dismiss(None)

    def show_citation(self) -> None:
        c = self.citation
        info = Text()
        info.append(f"[{c.n}] ", style="bold")
        info.append(f"{safe_text(c.source) or '(no source)'} · {citation_where(c)}")
        if c.title:
            info.append(" — " + safe_text(c.title))
        info.append(
            f"   ({self.index + 1} of {len(self.citations)} · n/p next/previous · esc back)",
            style="dim",
        )
        self.query_one(SourceInfo).update(info)
        self.sub_title = safe_text(c.source)
        if not c.source:
            self._show(
                None,
                "⚠ not verified: this citation names a source the answer was not "
                "given, so there is nothing to show",
            )
        elif c.source in self._texts:
            self._show_loaded(c)
        else:
            self._show(None, "loading…")
            self._load(c.source)

    @work(thread=True, exclusive=True, group="source")
    def _load(self, source: str) -> None:
        from ...documents.corpus import read_document_text
        from ...errors import SkipFile

        try:
            text: str | AskbriefError = read_document_text(self.corpus, source)
        except SkipFile as exc:
            text = exc
            stored = self._indexed(source) if str(exc) == "file not found" else None
            if stored is not None:
                text = stored
                self._from_index.add(source)
        except AskbriefError as exc:
            text = exc
        except OSError as exc:
            text = AskbriefError(f"cannot read it: {exc.strerror or exc}")
        self.app.call_from_thread(self._loaded, source, text)

    def _indexed(self, source: str) -> str | None:
        if self.indexed is None:
            return None
        try:
            return self.indexed(source, self.citation.start)
        except AskbriefError:
            return None

    def _loaded(self, source: str, text: str | AskbriefError) -> None:
        self._texts[source] = text
        if self.citation.source == source:
            self._show_loaded(self.citation)

    def _show_loaded(self, c: Citation) -> None:
        text = self._texts[c.source]
        if isinstance(text, AskbriefError):
            self._show(None, f"cannot open {safe_text(c.source)}: {safe_text(str(text))}")
        elif c.source in self._from_index:
            found = c.quote and text[c.start : c.end] == c.quote
            self._show(
                text,
                "source not on this machine; showing the indexed text",
                (c.start, c.end) if found else None,
            )
        elif not c.verified:
            self._show(
                text,
                "⚠ not verified: the quote was not found in this source; "
                "showing where its passage starts",
                (c.start, c.start),
            )
        elif c.quote and text[c.start : c.end] != c.quote:
            self._show(
                text,
                "⚠ this source changed since it was indexed; the saved quote was: “"
                + " ".join(safe_text(c.quote).split())
                + "”",
            )
        else:
            self._show(text, "", (c.start, c.end))

    def _show(self, text: str | None, notice: str, span: tuple[int, int] | None = None) -> None:
        notice_widget = self.query_one(SourceNotice)
        notice_widget.update(Text(notice))
        notice_widget.display = bool(notice)
        shown = display_text(text or "")
        area = self.document
        area.load_text(shown)
        if span is None:
            area.selection = Selection.cursor((0, 0))
            return
        start, end = (offset_to_location(shown, o) for o in span)
        area.selection = Selection(start, end)
        self.call_after_refresh(self._show_quote_at, start)

    def _show_quote_at(self, location: tuple[int, int]) -> None:
        area = self.document
        # Put the quote's first line a few rows below the top, so context above stays visible.
        row = area.wrapped_document.location_to_offset(location).y
        area.scroll_to(y=max(0, row - 3), animate=False)

    @property
    def highlighted(self) -> str:
        """The text currently highlighted (for tests and for the copy key)."""
        return self.document.selected_text
