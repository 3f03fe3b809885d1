"""Support for the app's tests: an app on the seeds (or a tiny corpus) with every file under
tmp_path, and Session doubles whose answers the test controls.

Not a conftest.py: the tests folder is not a package, so a second conftest would shadow the
``conftest`` module the other test files import ``write_corpus`` from."""

from __future__ import annotations

import threading
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Markdown

from askbrief.answers.compose import abstain
from askbrief.config import Settings
from askbrief.conversations import ConversationStore
from askbrief.session import Session
from askbrief.tui.app import AskbriefApp
from askbrief.tui.widgets.question_input import QuestionInput
from askbrief.tui.widgets.turn import TurnView
from askbrief.types import Answer

SIZE = (120, 40)
QUESTION = "support from China"


class BlockingSession(Session):
    """Streams ``chunks`` through on_text, then waits for ``release`` before answering."""

    def __init__(self, *args: object, chunks: tuple[str, ...] = (), **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.release = threading.Event()
        self.started = threading.Event()
        self.chunks = chunks

    def ask(self, question: str, **kwargs: object) -> Answer:  # type: ignore[override]
        on_text = kwargs.get("on_text")
        self.started.set()
        for chunk in self.chunks:
            if callable(on_text):
                on_text(chunk)
        self.release.wait(10)
        return super().ask(question, **kwargs)  # type: ignore[arg-type]


class AbstainingSession(Session):
    """Always abstains, offering the passages retrieval found (as the core does)."""

    def ask(self, question: str, **kwargs: object) -> Answer:  # type: ignore[override]
        hits, _ = self.retrieve(question)
        return abstain(question, hits)


class ScriptedSession(Session):
    """Returns the answers a test queues, in order."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.answers: list[Answer] = []

    def ask(self, question: str, **kwargs: object) -> Answer:  # type: ignore[override]
        return self.answers.pop(0)


class AppWith(AskbriefApp):
    """The app with a Session class chosen by the test and exports written under tmp_path."""

    session_class: type[Session] = Session
    export_dir: Path | None = None

    def make_session(self, settings: Settings, corpus: Path | None) -> Session:
        return self.session_class(settings, corpus)

    def export_dirs(self) -> list[Path]:
        return [self.export_dir] if self.export_dir else super().export_dirs()


def build_app(
    tmp_path: Path, settings: Settings, corpus: Path, session_class: type[Session] = Session
) -> AppWith:
    """An app whose conversations and exports go under ``tmp_path``."""
    app = AppWith(settings, corpus, ConversationStore(tmp_path / "conversations"))
    app.session_class = session_class
    app.export_dir = tmp_path / "exports"
    return app


async def settle(app: AppWith, pilot: Pilot[int]) -> None:
    await app.workers.wait_for_complete()
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


async def ask(app: AppWith, pilot: Pilot[int], question: str = QUESTION) -> TurnView:
    await settle(app, pilot)
    field = app.chat.query_one(QuestionInput)
    field.focus()
    field.value = question
    await pilot.press("enter")
    await settle(app, pilot)
    return list(app.chat.query(TurnView))[-1]


def rendered(widget: object) -> str:
    """The plain text a Static-like widget shows."""
    return str(widget.render())  # type: ignore[attr-defined]


def markdown_text(md: Markdown) -> str:
    from textual.widgets._markdown import MarkdownBlock

    return "\n".join(block._content.plain for block in md.query(MarkdownBlock))
