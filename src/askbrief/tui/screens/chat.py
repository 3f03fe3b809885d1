"""The conversation screen: questions and answers, the input line, progress and status.

Answering runs in a thread worker (``Corpus.ask`` may stream from an LLM); its chunks and its
result reach the screen through ``call_from_thread``. Each finished turn is saved before it is
shown, so a crash or a kill loses nothing that was on screen.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, ProgressBar, Static
from textual.worker import Worker, get_current_worker

from ...answers.render import plain_answer, safe_text
from ...cancel import Cancelled, CancelToken
from ...conversations import Conversation, export_markdown
from ...errors import AskbriefError
from ...types import Answer
from ..view import answer_from_saved
from ..widgets.question_input import QuestionInput
from ..widgets.turn import SourceItem, TurnView
from .source_viewer import SourceViewer

if TYPE_CHECKING:
    from ..app import AskbriefApp

__all__ = ["ChatScreen"]


class _Cancelled(Exception):
    """Raised in the answering thread to stop a streaming backend once the user cancelled."""


class ChatScreen(Screen[None]):
    BINDINGS = [
        Binding("escape", "cancel", "Cancel answer"),
        Binding("ctrl+c", "cancel", "Cancel answer", show=False, priority=True),
        Binding("ctrl+n", "new_conversation", "New"),
        Binding("ctrl+y", "copy_answer", "Copy"),
        Binding("ctrl+s", "export", "Export"),
        Binding("ctrl+o", "open_sources", "Sources"),
        Binding("ctrl+l", "conversations", "History"),
    ]

    def __init__(self) -> None:
        super().__init__(id="chat")
        self.conversation: Conversation | None = None
        self.conversation_corpus: Path | None = None
        self.answering: TurnView | None = None
        self._worker: Worker[None] | None = None
        self._cancel: CancelToken | None = None
        self._pending: str | None = None  # asked before the index was ready
        self.last_export: Path | None = None

    @property
    def askbrief(self) -> AskbriefApp:
        return cast("AskbriefApp", self.app)

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="conversation"):
            yield Static(Text("Opening the corpus…"), id="welcome")
        yield ProgressBar(id="progress", show_eta=False)
        yield Static(id="status")
        yield QuestionInput(
            placeholder="Ask a question about your documents (Enter to ask)", id="question"
        )
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#progress").display = False
        self.query_one(QuestionInput).focus()
        self.askbrief.start()

    # -- status, progress and the welcome line (called by the app) ---------------------------

    # The app's threads (the folder watch, indexing) may report while the screen is being torn
    # down at exit, its widgets already gone: a report with nowhere to show is dropped.

    def set_status(self, message: str) -> None:
        for status in self.query("#status").results(Static):
            status.update(Text(message))

    def set_progress(self, done: int, total: int | None) -> None:
        for bar in self.query("#progress").results(ProgressBar):
            bar.display = total is not None
            bar.update(total=total, progress=done)

    def set_welcome(self, message: str) -> None:
        for welcome in self.query("#welcome").results(Static):
            welcome.update(Text(message))

    async def index_ready(self) -> None:
        if self._pending is not None:
            question, self._pending = self._pending, None
            await self._ask(question)

    # -- asking -------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "cancel":
            return self.answering is not None
        return True

    @on(QuestionInput.Submitted)
    async def _submitted(self, event: QuestionInput.Submitted) -> None:
        from ...session import clean_question

        try:
            question = clean_question(event.value)
        except AskbriefError as exc:
            self.set_status(str(exc))
            return
        if self.answering is not None:
            self.set_status("still answering the last question: Esc cancels it")
            return
        field = self.query_one(QuestionInput)
        field.remember(question)
        field.value = ""
        if self.askbrief.session is None or self.askbrief.refreshing:
            self._pending = question
            self.set_status("the question will be answered as soon as the index is ready")
            return
        await self._ask(question)

    async def _ask(self, question: str) -> None:
        session = self.askbrief.session
        assert session is not None
        if self.conversation is not None and self.conversation_corpus != session.path.resolve():
            self.conversation = None  # a question on another corpus starts a new conversation
        turn = TurnView(question, session.path)
        await self.query_one("#conversation").mount(turn)
        self.answering = turn
        self.refresh_bindings()
        self.set_status("answering… (Esc cancels)")
        self._cancel = CancelToken()
        self._worker = self._answer(turn, question, self.conversation, self._cancel)
        self._scroll_end()

    @work(thread=True, exclusive=True, group="answer", exit_on_error=False)
    def _answer(
        self, turn: TurnView, question: str, conversation: Conversation | None, cancel: CancelToken
    ) -> None:
        worker = get_current_worker()
        session = self.askbrief.session
        assert session is not None

        def on_text(chunk: str) -> None:
            if worker.is_cancelled:
                raise _Cancelled
            self.app.call_from_thread(turn.stream, chunk)

        try:
            # The conversation gives follow-up questions their context (and an LLM its history).
            answer = session.ask(
                question, on_text=on_text, conversation=conversation, cancel=cancel, explain=True
            )
        except (_Cancelled, Cancelled):
            return
        except Exception as exc:  # a worker must not die silently: say what went wrong
            if not worker.is_cancelled:
                message = (
                    str(exc)
                    if isinstance(exc, AskbriefError)
                    else (f"unexpected error: {type(exc).__name__}: {exc}")
                )
                self.app.call_from_thread(self._failed, turn, message)
            return
        if worker.is_cancelled:
            return
        saved = self._save(answer, session.path.resolve())
        # mypy infers Never for an async callback here; Textual awaits it.
        self.app.call_from_thread(self._answered, turn, answer, saved)  # type: ignore[arg-type]

    def _save(self, answer: Answer, corpus: Path) -> str | None:
        """Append the turn to the conversation on disk; the reason when that failed."""
        store = self.askbrief.store
        try:
            if self.conversation is None:
                self.conversation = store.new(corpus)
                self.conversation_corpus = corpus
            store.append(self.conversation, replace(answer, explanation=None))
        except (OSError, AskbriefError) as exc:
            return f"could not save the conversation: {exc}"
        return None

    async def _answered(self, turn: TurnView, answer: Answer, save_error: str | None) -> None:
        if self.answering is not turn:
            return  # cancelled meanwhile
        await turn.show_answer(answer)
        self._done(
            save_error
            or (
                "the documents do not answer this; see the closest passages"
                if answer.abstained
                else ""
            )
        )

    def _failed(self, turn: TurnView, message: str) -> None:
        turn.show_error(message)
        self._done(message)

    def _done(self, status: str) -> None:
        self.answering = None
        self._worker = None
        self.refresh_bindings()
        self.set_status(status)
        self._scroll_end()
        self.askbrief.refresh_if_due()  # files changed while answering

    def _scroll_end(self) -> None:
        self.call_after_refresh(self.query_one("#conversation").scroll_end, animate=False)

    def action_cancel(self) -> None:
        if self.answering is None:
            return
        if self._cancel is not None:
            self._cancel.cancel()  # also shuts a backend's connection if it is stalled
        if self._worker is not None:
            self._worker.cancel()
        self.answering.show_cancelled()
        self._done("cancelled")

    # -- the conversation ---------------------------------------------------------------------

    def _turns(self) -> list[TurnView]:
        return [t for t in self.query(TurnView) if t.answer is not None]

    async def action_new_conversation(self) -> None:
        self.action_cancel()
        self.conversation = None
        await self.query(TurnView).remove()
        self.set_status("new conversation")
        self.query_one(QuestionInput).focus()

    def action_copy_answer(self) -> None:
        turns = self._turns()
        if not turns or turns[-1].answer is None:
            self.set_status("no answer to copy yet")
            return
        self.app.copy_to_clipboard(plain_answer(turns[-1].answer))
        self.set_status("copied the last answer and its sources")

    def action_export(self) -> None:
        if self.conversation is None or not self.conversation.turns:
            self.set_status("nothing to export yet: ask a question first")
            return
        text = export_markdown(self.conversation)
        name = f"askbrief-{self.conversation.id}.md"
        for folder in self.askbrief.export_dirs():
            try:
                folder.mkdir(parents=True, exist_ok=True)
                path = folder / name
                path.write_text(text, encoding="utf-8")
            except OSError:
                continue
            self.last_export = path
            self.set_status(f"exported to {path}")
            self.notify(f"Exported to {path}", title="Export")
            return
        self.set_status("could not write the export anywhere")

    def action_open_sources(self) -> None:
        turns = [t for t in self._turns() if t.citations]
        if not turns:
            self.set_status("no sources to open yet")
            return
        self.open_source(turns[-1], 0)

    def open_source(self, turn: TurnView, index: int) -> None:
        session = self.askbrief.session
        indexed = session.indexed_text if session is not None and session.shared else None
        self.app.push_screen(SourceViewer(turn.citations, index, turn.corpus, indexed))

    @on(SourceItem.Chosen)
    def _source_chosen(self, event: SourceItem.Chosen) -> None:
        if isinstance(event, SourceItem.Why):
            self._explain(event.turn, event.index)
        else:
            self.open_source(event.turn, event.index)

    def _explain(self, turn: TurnView, index: int) -> None:
        """Show why the quote at ``index`` of ``turn`` was chosen (the whole explanation, so
        its terms and threshold are there too)."""
        from ...answers.explain import render_explanation
        from .dialogs import WhyScreen

        answer = turn.answer
        if answer is None or answer.explanation is None or answer.abstained:
            self.set_status("no explanation for this source: only fresh answers carry one")
            return
        n = turn.citations[index].n
        self.app.push_screen(WhyScreen(f"Why quote [{n}]", render_explanation(answer.explanation)))

    def action_conversations(self) -> None:
        from .dialogs import ConversationsScreen

        try:
            convs = list(self.askbrief.store.conversations())
        except OSError as exc:
            self.set_status(f"cannot read saved conversations: {exc}")
            return
        self.app.push_screen(ConversationsScreen(convs), self._reopen_chosen)

    async def _reopen_chosen(self, conv_id: object) -> None:
        if isinstance(conv_id, str):
            await self.reopen(conv_id)

    async def reopen(self, conv_id: str) -> None:
        """Show a saved conversation; new questions continue it."""
        try:
            conv = self.askbrief.store.load(conv_id)
        except AskbriefError as exc:
            self.set_status(str(exc))
            return
        await self.action_new_conversation()
        self.conversation = conv
        corpus = Path(conv.corpus) if conv.corpus else self.askbrief.corpus_dir
        self.conversation_corpus = corpus.resolve()
        turns = [TurnView(t.question, corpus) for t in conv.turns]
        await self.query_one("#conversation").mount_all(turns)
        for view, saved in zip(turns, conv.turns, strict=True):
            await view.show_answer(answer_from_saved(saved.question, saved.answer))
        status = f"reopened: {safe_text(conv.title)}"
        session = self.askbrief.session
        if (
            session is not None
            and conv.corpus
            and Path(conv.corpus).resolve() != session.path.resolve()
        ):
            status += f" (asked on {safe_text(conv.corpus)}; new questions start a new one here)"
        self.set_status(status)
        self._scroll_end()
