"""The askbrief app: opens the corpus in a worker, and wires keys and commands to the screens.

The first screen is up before anything slow happens: the core (numpy, the index) is imported
and the index is opened in a thread worker after mount, with a progress bar while it builds.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from ..config import Settings
from ..conversations import ConversationStore
from ..errors import AskbriefError
from .screens.chat import ChatScreen
from .screens.dialogs import CorpusDialog, HelpScreen

if TYPE_CHECKING:
    from ..api import Corpus
    from ..session import Session

__all__ = ["AskbriefApp", "run_app"]

EXTRACTIVE = "extractive"


def _process_age_ms() -> float | None:
    """Milliseconds since this process started (Linux), for the startup probe."""
    try:
        start_ticks = int(Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()[19])
        uptime = float(Path("/proc/uptime").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None
    return (uptime - start_ticks / os.sysconf("SC_CLK_TCK")) * 1000


class AskbriefApp(App[int]):
    """Chat with a folder of documents; every answer cites its quotes."""

    CSS_PATH = Path(__file__).with_name("askbrief.tcss")  # absolute: subclasses live elsewhere
    TITLE = "askbrief"
    BINDINGS = [
        Binding("f1", "help", "Help"),
        Binding("ctrl+r", "reindex", "Re-index"),
        Binding("ctrl+f", "switch_corpus", "Corpus"),
        Binding("ctrl+b", "switch_backend", "Backend"),
        Binding("ctrl+t", "change_theme", "Theme"),
        Binding("ctrl+q", "quit", "Quit", show=False, priority=True),
    ]

    def __init__(
        self, settings: Settings, corpus: Path | None, store: ConversationStore | None = None
    ) -> None:
        super().__init__()
        self.settings = settings
        self.corpus_arg = corpus
        self.store = store if store is not None else ConversationStore()
        self.session: Corpus | None = None  # the corpus open for asking (the Python API)
        self.corpus_dir = Path(corpus or settings.corpus.path or "seeds")
        self.configured_backend = settings.backend.name
        self.indexing = False
        self.refreshing = False  # a refresh after files changed is running: questions wait
        self._refresh_due = False
        self._watching: tuple[Path, threading.Event] | None = None  # (folder, stop)
        self.watch_ready = threading.Event()  # set once the folder is being watched
        self.startup_ms: float | None = None
        self.chat = ChatScreen()

    # -- hooks tests override ----------------------------------------------------------------

    def make_session(self, settings: Settings, corpus: Path | None) -> Session:
        from ..session import Session

        return Session(settings, corpus)

    def export_dirs(self) -> list[Path]:
        """Where an export goes: the current folder, else the user data folder."""
        from platformdirs import user_data_path

        return [Path.cwd(), user_data_path("askbrief") / "exports"]

    # -- start-up -----------------------------------------------------------------------------

    def get_default_screen(self) -> Screen[Any]:
        return self.chat

    def start(self) -> None:
        """Called by the chat screen once it is up: open the corpus, note the startup time."""
        self.sub_title = f"{self.corpus_dir.name} · opening…"
        if os.environ.get("ASKBRIEF_STARTUP_PROBE"):
            self.call_after_refresh(self._probe)
        self.open_corpus(self.corpus_arg)

    def _probe(self) -> None:
        self.startup_ms = _process_age_ms()

    def open_corpus(self, corpus: Path | None, force: bool = False) -> None:
        if self.indexing:
            self.chat.set_status("the index is still being opened")
            return
        self.indexing = True
        self.chat.set_status("opening the index…")
        self._open(corpus, force)

    @work(thread=True, exclusive=True, group="index", exit_on_error=False)
    def _open(self, corpus: Path | None, force: bool) -> None:
        try:
            from ..api import Corpus

            session = (
                self.session
                if (force and self.session is not None)
                else Corpus(self.make_session(self.settings, corpus))
            )
            self.call_from_thread(self._opening, session.path)
            report = session.index(
                progress=lambda done, total, current: self.call_from_thread(
                    self.chat.set_progress, done, total
                ),
                rebuild=force,
            )
        except (AskbriefError, OSError) as exc:
            self.call_from_thread(self._open_failed, str(exc))
            return
        except Exception as exc:  # a worker must not die silently: say what went wrong
            self.call_from_thread(
                self._open_failed, f"unexpected error: {type(exc).__name__}: {exc}"
            )
            return
        # mypy infers Never for an async callback here; Textual awaits it.
        self.call_from_thread(self._opened, session, report.notice)  # type: ignore[arg-type]

    def _opening(self, corpus: Path) -> None:
        self.corpus_dir = corpus
        self.sub_title = f"{corpus.name} · indexing…"

    async def _opened(self, session: Corpus, notice: str | None) -> None:
        self.indexing = False
        self.session = session
        self.chat.set_progress(0, None)
        report = session.report
        self._update_subtitle()
        skipped = f", {report.skipped_count} skipped" if report and report.skipped_count else ""
        self.chat.set_welcome(
            f"Ask about the {session.documents} documents in {session.path.name} "
            f"({session.passages} passages{skipped}). Answers quote the documents and cite "
            "each quote as [n]: click one, or Tab to a source and press Enter. F1 for help."
        )
        self.chat.set_status(
            f"note: {notice}" if notice else f"index {report.status if report else 'ready'}"
        )
        self.watch_corpus(session.path)
        await self.chat.index_ready()
        self.refresh_if_due()

    # -- keeping the index fresh ---------------------------------------------------------------

    def watch_corpus(self, corpus: Path) -> None:
        """Watch ``corpus`` for changes in a background thread (instead of the last folder)."""
        if self._watching is not None:
            if self._watching[0] == corpus:
                return
            self._watching[1].set()
        stop = threading.Event()
        self._watching = (corpus, stop)
        self.watch_ready = threading.Event()
        threading.Thread(
            target=self._watch,
            args=(corpus, stop, self.watch_ready),
            name="askbrief-watch",
            daemon=True,
        ).start()

    def _watch(self, corpus: Path, stop: threading.Event, ready: threading.Event) -> None:
        # A plain thread, not a worker: it lives as long as the app, and tests wait for workers.
        from ..search.library import cache_root
        from ..search.watch import watch_corpus

        try:
            for _ in watch_corpus(corpus, stop, ready=ready, ignore=[cache_root(self.settings)]):
                if stop.is_set():
                    return
                self.call_from_thread(self._files_changed, stop)
        except Exception as exc:  # watching is a convenience: say why it stopped, carry on
            if not stop.is_set():
                self.call_from_thread(
                    self.chat.set_status, f"not watching {corpus.name} for changes: {exc}"
                )

    def _files_changed(self, stop: threading.Event) -> None:
        if self._watching is not None and self._watching[1] is stop:
            self._refresh_due = True
            self.refresh_if_due()

    def refresh_if_due(self) -> None:
        """Refresh the index if files changed, once nothing else is using it."""
        if not self._refresh_due or self.session is None or self.indexing:
            return
        if self.chat.answering is not None:
            return  # the chat screen calls again when the answer is done
        self._refresh_due = False
        self.indexing = self.refreshing = True
        self.chat.set_status("files changed: refreshing the index…")
        self._refresh(self.session)

    @work(thread=True, group="refresh", exit_on_error=False)
    def _refresh(self, session: Corpus) -> None:
        from ..search.watch import refresh_notice

        try:
            message = refresh_notice(session.index()) or "index up to date"
        except (AskbriefError, OSError) as exc:
            message = f"could not refresh the index: {exc}"
        except Exception as exc:  # a worker must not die silently: say what went wrong
            message = f"could not refresh the index: {type(exc).__name__}: {exc}"
        # mypy infers Never for an async callback here; Textual awaits it.
        self.call_from_thread(self._refreshed, message)  # type: ignore[arg-type]

    async def _refreshed(self, message: str) -> None:
        self.indexing = self.refreshing = False
        self._update_subtitle()
        self.chat.set_status(message)
        await self.chat.index_ready()
        self.refresh_if_due()

    def on_unmount(self) -> None:
        if self._watching is not None:
            self._watching[1].set()

    def _open_failed(self, message: str) -> None:
        self.indexing = False
        self.chat.set_progress(0, None)
        self.chat.set_status(f"cannot open the corpus: {message}")
        self.sub_title = f"{self.corpus_dir.name} · not open"
        if self.session is None:
            self.chat.set_welcome(
                f"Cannot open {self.corpus_dir}: {message}. Press ctrl+f to choose another folder."
            )

    def _update_subtitle(self) -> None:
        session = self.session
        if session is None:
            return
        self.sub_title = (
            f"{session.path.name} · {session.documents} documents · "
            f"{session.passages} passages · {session.settings.backend.name}"
        )

    # -- actions ------------------------------------------------------------------------------

    def action_reindex(self) -> None:
        if self.session is None:
            self.open_corpus(self.corpus_arg)
        else:
            self.open_corpus(self.session.path, force=True)

    def action_switch_corpus(self) -> None:
        self.push_screen(CorpusDialog(self.corpus_dir), self._corpus_chosen)

    async def _corpus_chosen(self, path: object) -> None:
        if isinstance(path, Path):
            await self.chat.action_new_conversation()
            self.session = None
            self.corpus_arg = path
            self.open_corpus(path)

    def action_switch_backend(self) -> None:
        if self.configured_backend == EXTRACTIVE:
            self.chat.set_status(
                "only the extractive backend is configured "
                "(set [backend] name in the config file to add one)"
            )
            return
        current = self.settings.backend.name
        name = self.configured_backend if current == EXTRACTIVE else EXTRACTIVE
        backend = self.settings.backend.model_copy(update={"name": name})
        self.settings = self.settings.model_copy(update={"backend": backend})
        if self.session is not None:
            self.session.settings = self.settings
        self._update_subtitle()
        self.chat.set_status(f"backend: {name}")

    def action_help(self) -> None:
        self.push_screen(HelpScreen())

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        chat = self.chat
        yield SystemCommand(
            "New conversation", "Start a new conversation (ctrl+n)", chat.action_new_conversation
        )
        yield SystemCommand(
            "Copy answer", "Copy the last answer with its sources (ctrl+y)", chat.action_copy_answer
        )
        yield SystemCommand(
            "Export conversation",
            "Save it as Markdown with a source list (ctrl+s)",
            chat.action_export,
        )
        yield SystemCommand(
            "Open sources",
            "Show the last answer's citations in their documents (ctrl+o)",
            chat.action_open_sources,
        )
        yield SystemCommand(
            "Saved conversations", "Reopen a saved conversation (ctrl+l)", chat.action_conversations
        )
        yield SystemCommand(
            "Re-index", "Rebuild the index of the corpus (ctrl+r)", self.action_reindex
        )
        yield SystemCommand(
            "Switch corpus", "Open another folder of documents (ctrl+f)", self.action_switch_corpus
        )
        yield SystemCommand(
            "Switch backend",
            "Toggle between extractive and the configured backend (ctrl+b)",
            self.action_switch_backend,
        )
        yield SystemCommand("Help", "Keys and how citations work (F1)", self.action_help)


def run_app(settings: Settings, corpus: Path | None) -> int:
    """Run the app in this terminal; the exit code for the CLI."""
    app = AskbriefApp(settings, corpus)
    app.run()
    if app.startup_ms is not None:
        print(
            f"askbrief: startup {app.startup_ms:.0f} ms (process start to input focus)",
            file=sys.stderr,
        )
    return app.return_code or 0
