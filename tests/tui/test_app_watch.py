"""The app keeps its corpus fresh: files edited, added or deleted while it is open are in the
next answer, with no re-index by hand, and an answer already on screen marks its changed source."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from textual.pilot import Pilot
from tui_support import SIZE, AppWith, ask, rendered, settle

from askbrief.config import Settings
from askbrief.conversations import ConversationStore
from askbrief.tui.screens.source_viewer import SourceNotice, SourceViewer
from askbrief.tui.widgets.question_input import QuestionInput
from askbrief.tui.widgets.turn import TurnView
from conftest import write_corpus

# Generous: the machine running the tests may be loaded; each wait ends as soon as it can.
WAIT_S = 60.0

FILES = {
    "otters.txt": "Otters\n\nSea otters float on their backs and crack shellfish with stones.\n",
    "walrus.md": "# Walruses\n\nWalruses haul out on floating ice to rest between dives.\n",
}


async def wait_for(pilot: Pilot[int], condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + WAIT_S
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await pilot.pause(0.1)


def status(app: AppWith) -> str:
    return rendered(app.chat.query_one("#status"))


async def refreshed(app: AppWith, pilot: Pilot[int], before: int) -> None:
    """Wait until the app has refreshed its index after the changes just made."""
    await wait_for(pilot, lambda: app.refreshes > before, "the index refresh")
    await settle(app, pilot)


class CountingApp(AppWith):
    """Counts finished refreshes, so a test can wait for one rather than sleep."""

    refreshes = 0

    async def _refreshed(self, message: str) -> None:
        await super()._refreshed(message)
        self.refreshes += 1


def counting_app(tmp_path: Path, settings: Settings, corpus: Path) -> CountingApp:
    app = CountingApp(settings, corpus, ConversationStore(tmp_path / "conversations"))
    app.export_dir = tmp_path / "exports"
    return app


async def watching(app: AppWith, pilot: Pilot[int]) -> None:
    """Wait until the app watches its folder (changes made before that could be missed)."""
    await settle(app, pilot)
    await wait_for(pilot, app.watch_ready.is_set, "the watch to start")


def quotes(turn: TurnView) -> str:
    assert turn.answer is not None
    return " ".join(c.quote for c in turn.answer.citations)


async def test_an_edited_file_is_in_the_next_answer(tmp_path: Path, settings: Settings) -> None:
    corpus = write_corpus(tmp_path / "corpus", FILES)
    app = counting_app(tmp_path, settings, corpus)
    async with app.run_test(size=SIZE) as pilot:
        first = await ask(app, pilot, "What do sea otters crack shellfish with?")
        assert "stones" in quotes(first)
        await watching(app, pilot)
        (corpus / "otters.txt").write_text(
            "Otters\n\nSea otters crack shellfish with rocks they keep in a skin pouch.\n"
        )
        await refreshed(app, pilot, 0)
        assert "1 file changed (1 changed), index refreshed" in status(app)
        second = await ask(app, pilot, "What do sea otters crack shellfish with?")
        assert "skin pouch" in quotes(second) and "stones" not in quotes(second)
        # The first answer's source changed under it: its viewer says so.
        app.chat.open_source(first, 0)
        await wait_for(pilot, lambda: stale_mark(app), "the stale-source mark")


def stale_mark(app: AppWith) -> bool:
    if not isinstance(app.screen, SourceViewer):
        return False
    notices = list(app.screen.query(SourceNotice))
    return bool(notices) and "changed since it was indexed" in rendered(notices[0])


async def test_added_and_deleted_files_are_seen_without_a_reindex(
    tmp_path: Path, settings: Settings
) -> None:
    corpus = write_corpus(tmp_path / "corpus", FILES)
    app = counting_app(tmp_path, settings, corpus)
    async with app.run_test(size=SIZE) as pilot:
        before = await ask(app, pilot, "Where do narwhals migrate in winter?")
        assert before.answer is not None and before.answer.abstained
        await watching(app, pilot)
        (corpus / "sub").mkdir()
        (corpus / "sub" / "narwhals.txt").write_text(
            "Narwhals\n\nIn winter narwhals migrate to the deep waters of Baffin Bay.\n"
        )
        (corpus / "walrus.md").unlink()
        await wait_for(pilot, lambda: app.refreshes > 0, "the index refresh")
        # Both changes may come in one batch or two: wait until the index holds both.
        await wait_for(
            pilot,
            lambda: (
                app.session is not None
                and not app.refreshing
                and {d.source for d in app.session.session.index.docs}
                == {"otters.txt", "sub/narwhals.txt"}
            ),
            "the new file in, the deleted one out",
        )
        await settle(app, pilot)
        assert app.sub_title.startswith("corpus · 2 documents")
        added = await ask(app, pilot, "Where do narwhals migrate in winter?")
        assert "Baffin Bay" in quotes(added)
        gone = await ask(app, pilot, "Where do walruses haul out to rest?")
        assert gone.answer is not None
        assert all(c.source != "walrus.md" for c in gone.answer.citations)


async def test_a_question_asked_during_a_refresh_is_answered_after_it(
    tmp_path: Path, settings: Settings
) -> None:
    corpus = write_corpus(tmp_path / "corpus", FILES)
    app = counting_app(tmp_path, settings, corpus)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.refreshing = True  # as while a refresh runs: the question must wait for it
        field = app.chat.query_one(QuestionInput)
        field.value = "What do sea otters crack shellfish with?"
        await pilot.press("enter")
        await settle(app, pilot)
        assert "as soon as the index is ready" in status(app)
        assert not list(app.chat.query(TurnView))
        app.refreshing = False
        await app._refreshed("index up to date")
        await settle(app, pilot)
        [turn] = list(app.chat.query(TurnView))
        assert "stones" in quotes(turn)


async def test_the_watcher_stops_with_the_app(tmp_path: Path, settings: Settings) -> None:
    corpus = write_corpus(tmp_path / "corpus", FILES)
    app = counting_app(tmp_path, settings, corpus)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert app._watching is not None
        stop = app._watching[1]
        assert not stop.is_set()
    assert stop.is_set()


def test_a_report_that_reaches_the_chat_screen_after_its_widgets_are_gone_is_dropped() -> None:
    """The folder watch may report a change while the app is closing and the chat screen has
    lost its widgets; the report then has nowhere to show and must not kill the watch thread."""
    from askbrief.tui.screens.chat import ChatScreen

    screen = ChatScreen()  # never mounted: no status line, progress bar or welcome line
    screen.set_status("files changed: refreshing the index…")
    screen.set_progress(1, 2)
    screen.set_welcome("Ask about 3 documents")
