"""The chat app driven with Pilot: asking, copy, export, conversations, cancel, input history,
corpus and backend switching. Sources and the viewer are in test_sources.py."""

from __future__ import annotations

from pathlib import Path

import pytest
from tui_support import (
    QUESTION,
    SIZE,
    AppWith,
    BlockingSession,
    ask,
    build_app,
    markdown_text,
    rendered,
    settle,
)

from askbrief.config import Settings
from askbrief.conversations import ConversationStore
from askbrief.session import Session
from askbrief.tui.screens.dialogs import ConversationsScreen
from askbrief.tui.view import display_text
from askbrief.tui.widgets.question_input import QuestionInput
from askbrief.tui.widgets.turn import AnswerMarkdown, Notice, SourceItem, TurnView
from conftest import write_corpus


@pytest.fixture
def store(tmp_path: Path) -> ConversationStore:
    return ConversationStore(tmp_path / "conversations")


@pytest.fixture
def make_app(tmp_path: Path, settings: Settings, seeds_dir: Path):  # type: ignore[no-untyped-def]
    def make(
        corpus: Path | None = None,
        session_class: type[Session] = Session,
        app_settings: Settings | None = None,
    ) -> AppWith:
        return build_app(tmp_path, app_settings or settings, corpus or seeds_dir, session_class)

    return make


async def test_shows_corpus_counts_and_backend_in_the_header(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert app.sub_title == "seeds · 5 documents · 135 passages · extractive"
        assert app.chat.query_one(QuestionInput).has_focus


async def test_answers_with_quotes_and_clickable_citations(make_app, store) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        turn = await ask(app, pilot)
        assert turn.answer is not None and not turn.answer.abstained
        citations = turn.answer.citations
        assert len(citations) >= 2
        source = turn.query_one(AnswerMarkdown).source
        assert "[\\[1\\]](cite:1)" in source
        shown = markdown_text(turn.query_one(AnswerMarkdown))
        assert "[1]" in shown and " ".join(citations[0].quote.split())[:60] in shown
        items = list(turn.query(SourceItem))
        assert [i.citation.n for i in items] == [c.n for c in citations]
        assert citations[0].source in rendered(items[0])
        assert f"line {citations[0].line}" in rendered(items[0])
        # saved as it happened
        [conv] = list(store.conversations())
        assert conv.turns[0].question == QUESTION


async def test_copy_puts_the_answer_and_its_sources_on_the_clipboard(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        turn = await ask(app, pilot)
        await pilot.press("ctrl+y")
        c = turn.citations[0]
        assert "Sources:" in app.clipboard
        assert f"[{c.n}] {c.source}, line {c.line}" in app.clipboard
        assert " ".join(c.quote.split())[:50] in " ".join(app.clipboard.split())


async def test_export_writes_quotes_with_sources_and_offsets(make_app, tmp_path) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        turn = await ask(app, pilot)
        await pilot.press("ctrl+s")
        path = app.chat.last_export
        assert path is not None and path.parent == tmp_path / "exports" and path.exists()
        text = path.read_text(encoding="utf-8")
        for c in turn.citations:
            assert f"| {c.n} | {c.source} | {c.line} | {c.start}–{c.end} |" in text
        assert f"## {QUESTION}" in text
        assert str(path) in rendered(app.chat.query_one("#status"))


async def test_new_conversation_clears_the_view_and_saves_separately(make_app, store) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ask(app, pilot)
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert not app.chat.query(TurnView)
        await ask(app, pilot, "Putin visit to Beijing")
        assert len(app.chat.query(TurnView)) == 1
    convs = list(store.conversations())
    assert sorted(len(c.turns) for c in convs) == [1, 1]


async def test_reopens_a_saved_conversation_and_continues_it(
    make_app, store, settings, seeds_dir
) -> None:
    session = Session(settings, seeds_dir)
    conv = store.new(session.corpus_dir)
    store.append(conv, session.ask(QUESTION))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert isinstance(app.screen, ConversationsScreen)
        await pilot.press("enter")
        await settle(app, pilot)
        [turn] = app.chat.query(TurnView)
        assert turn.question == QUESTION and turn.citations
        assert turn.citations[0].quote in conv.turns[0].citations[0]["quote"]
        await pilot.click(SourceItem)
        await settle(app, pilot)
        assert app.screen.highlighted == display_text(turn.citations[0].quote)
        await pilot.press("escape")
        await ask(app, pilot, "Putin visit to Beijing")
    assert len(store.load(conv.id).turns) == 2


async def test_escape_cancels_a_running_answer_and_the_input_stays_usable(make_app, store) -> None:
    app = make_app(session_class=BlockingSession)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert app.session is not None
        session = app.session.session  # the Session double under the app's Corpus
        assert isinstance(session, BlockingSession)
        field = app.chat.query_one(QuestionInput)
        field.value = QUESTION
        await pilot.press("enter")
        await pilot.pause()
        assert session.started.wait(5)
        await pilot.press(*"typing while it works")
        assert field.value == "typing while it works"
        await pilot.press("escape")
        await pilot.pause()
        [turn] = app.chat.query(TurnView)
        assert "cancelled" in rendered(turn.query_one(Notice))
        assert app.chat.answering is None
        session.release.set()
        await settle(app, pilot)
        assert turn.answer is None  # the late result is dropped, not shown
        assert not list(store.conversations())
        session.release.set()
        await ask(app, pilot)
        assert list(app.chat.query(TurnView))[-1].answer is not None


async def test_ctrl_c_cancels_too(make_app) -> None:
    app = make_app(session_class=BlockingSession)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.chat.query_one(QuestionInput).value = QUESTION
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("ctrl+c")
        await pilot.pause()
        assert app.chat.answering is None
        assert "cancelled" in rendered(app.chat.query_one("#status"))
        app.session.session.release.set()  # type: ignore[union-attr]
        await settle(app, pilot)


async def test_streamed_text_shows_before_the_answer_is_done(make_app) -> None:
    class Streaming(BlockingSession):
        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, chunks=("Partial ", "streamed text"), **kwargs)

    app = make_app(session_class=Streaming)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.chat.query_one(QuestionInput).value = QUESTION
        await pilot.press("enter")
        for _ in range(50):
            await pilot.pause(0.02)
            turn = app.chat.query_one(TurnView)
            if "streamed text" in turn.query_one(AnswerMarkdown).source:
                break
        assert turn.query_one(AnswerMarkdown).source == "Partial streamed text"
        app.session.session.release.set()  # type: ignore[union-attr]
        await settle(app, pilot)
        assert turn.answer is not None and "cite:1" in turn.query_one(AnswerMarkdown).source


async def test_input_history_walks_back_and_forth(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ask(app, pilot, "first question about China")
        await ask(app, pilot, "second question about Russia")
        field = app.chat.query_one(QuestionInput)
        field.value = "draft"
        await pilot.press("up")
        assert field.value == "second question about Russia"
        await pilot.press("up", "up")
        assert field.value == "first question about China"
        await pilot.press("down", "down")
        assert field.value == "draft"


async def test_question_asked_while_indexing_is_answered_when_ready(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        app.chat.query_one(QuestionInput).value = QUESTION
        await pilot.press("enter")
        await settle(app, pilot)
        [turn] = app.chat.query(TurnView)
        assert turn.answer is not None and turn.citations


async def test_empty_question_is_refused_with_a_reason(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("space", "enter")
        await pilot.pause()
        assert "empty" in rendered(app.chat.query_one("#status"))
        assert not app.chat.query(TurnView)


async def test_switch_backend_toggles_only_when_one_is_configured(make_app, settings) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+b")
        assert "only the extractive backend" in rendered(app.chat.query_one("#status"))
    llm = settings.model_copy(
        update={"backend": settings.backend.model_copy(update={"name": "ollama", "model": "m"})}
    )
    app = make_app(app_settings=llm)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert app.sub_title.endswith("ollama")
        await pilot.press("ctrl+b")
        assert (
            app.sub_title.endswith("extractive")
            and app.session.settings.backend.name == "extractive"
        )  # type: ignore[union-attr]
        await pilot.press("ctrl+b")
        assert app.sub_title.endswith("ollama")


async def test_switch_corpus_and_reindex(make_app, tmp_path) -> None:
    other = write_corpus(tmp_path / "other", {"w.txt": "Walruses sleep on ice floes.\n"})
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+f")
        await pilot.pause()
        app.screen.query_one("#corpus-path").value = str(tmp_path / "missing")
        await pilot.press("enter")
        await pilot.pause()
        assert "not a folder" in rendered(app.screen.query_one("#corpus-error"))
        app.screen.query_one("#corpus-path").value = str(other)
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.sub_title.startswith("other · 1 documents · 1 passages")
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        assert "index built" in rendered(app.chat.query_one("#status"))


async def test_every_action_is_in_the_command_palette(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        titles = {c.title for c in app.get_system_commands(app.screen)}
    assert {
        "New conversation",
        "Copy answer",
        "Export conversation",
        "Open sources",
        "Saved conversations",
        "Re-index",
        "Switch corpus",
        "Switch backend",
        "Theme",
        "Help",
        "Quit",
    } <= titles


def test_app_uses_the_store_and_settings_it_is_given(tmp_path: Path, settings: Settings) -> None:
    store = ConversationStore(tmp_path / "c")
    app = AppWith(settings, None, store)
    assert app.store is store and app.settings is settings
