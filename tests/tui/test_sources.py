"""Sources with Pilot: citations open the viewer on the highlighted quote (click, [n] link,
keys), next/previous, abstentions, unverified and changed sources, and document text that looks
like markup or escape sequences, shown literally."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Markdown, Static
from tui_support import (
    AbstainingSession,
    AppWith,
    ScriptedSession,
    ask,
    build_app,
    markdown_text,
    rendered,
    settle,
)

from askbrief.config import Settings
from askbrief.session import Session
from askbrief.tui.screens.chat import ChatScreen
from askbrief.tui.screens.source_viewer import SourceNotice, SourceViewer
from askbrief.tui.view import display_text
from askbrief.tui.widgets.turn import AnswerMarkdown, Notice, SourceItem
from askbrief.types import Answer, Citation
from conftest import write_corpus

SIZE = (120, 40)
QUESTION = "support from China"


@pytest.fixture
def make_app(tmp_path: Path, settings: Settings, seeds_dir: Path):  # type: ignore[no-untyped-def]
    def make(
        corpus: Path | None = None,
        session_class: type[Session] = Session,
        app_settings: Settings | None = None,
    ) -> AppWith:
        return build_app(tmp_path, app_settings or settings, corpus or seeds_dir, session_class)

    return make


async def test_choosing_a_source_opens_the_viewer_on_the_highlighted_quote(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        turn = await ask(app, pilot)
        citations = turn.citations
        await pilot.click(SourceItem)
        await settle(app, pilot)
        viewer = app.screen
        assert isinstance(viewer, SourceViewer)
        assert viewer.highlighted == display_text(citations[0].quote)
        assert not viewer.query_one(SourceNotice).display
        await pilot.press("n")
        await settle(app, pilot)
        assert viewer.highlighted == display_text(citations[1].quote)
        await pilot.press("p", "p")
        await settle(app, pilot)
        assert viewer.highlighted == display_text(citations[-1].quote)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ChatScreen)


async def test_a_citation_marker_link_opens_that_citation(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        turn = await ask(app, pilot)
        md = turn.query_one(AnswerMarkdown)
        md.post_message(Markdown.LinkClicked(md, "cite:2"))
        await settle(app, pilot)
        assert isinstance(app.screen, SourceViewer)
        assert app.screen.citation.n == 2
        assert app.screen.highlighted == display_text(turn.citations[1].quote)


async def test_keys_focus_a_source_and_enter_opens_it(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ask(app, pilot)
        await pilot.press("shift+tab")  # from the input, back to the last source
        assert isinstance(app.focused, SourceItem)
        n = app.focused.citation.n
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, SourceViewer) and app.screen.citation.n == n


async def test_w_on_a_source_says_why_that_quote_was_chosen(make_app) -> None:
    from askbrief.tui.screens.dialogs import WhyScreen

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        turn = await ask(app, pilot)
        await pilot.press("shift+tab")
        assert isinstance(app.focused, SourceItem)
        n = app.focused.citation.n
        await pilot.press("w")
        await settle(app, pilot)
        assert isinstance(app.screen, WhyScreen)
        text = "\n".join(rendered(s) for s in app.screen.query(Static))
        assert f"Why quote [{n}]" in text
        assert "question terms (IDF weight)" in text and "by BM25" in text
        assert turn.answer is not None and turn.answer.explanation is not None
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ChatScreen)


async def test_abstention_says_so_and_offers_the_closest_passages(make_app) -> None:
    app = make_app(session_class=AbstainingSession)
    async with app.run_test(size=SIZE) as pilot:
        turn = await ask(app, pilot)
        assert "do not answer" in markdown_text(turn.query_one(AnswerMarkdown))
        assert "Closest passages" in rendered(turn.query_one(".sources-heading"))
        assert len(turn.query(SourceItem)) == 3
        await pilot.click(SourceItem)
        await settle(app, pilot)
        assert isinstance(app.screen, SourceViewer) and app.screen.highlighted


async def test_unverified_citations_are_flagged(make_app, settings, seeds_dir) -> None:
    app = make_app(session_class=ScriptedSession)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        bad = Citation(1, "", "", "", 0, 0, 0, None, 0.0, verified=False)
        app.session.session.answers.append(
            Answer(  # type: ignore[union-attr]
                QUESTION,
                "China said so [1].",
                False,
                (bad,),
                backend="openai",
                notices=("the answer cites [1], which was not among the passages sent",),
            )
        )
        turn = await ask(app, pilot)
        [item] = turn.query(SourceItem)
        assert "⚠ not verified" in rendered(item) and item.has_class("-unverified")
        assert "not among the passages sent" in rendered(turn.query_one(Notice))
        await pilot.click(SourceItem)
        await settle(app, pilot)
        assert "not verified" in rendered(app.screen.query_one(SourceNotice))


async def test_viewer_says_when_the_source_changed_since_indexing(make_app, tmp_path) -> None:
    corpus = write_corpus(
        tmp_path / "docs",
        {"a.txt": "Walruses sleep on ice floes in the Arctic summer.\n\nOther text here.\n"},
    )
    app = make_app(corpus=corpus)
    async with app.run_test(size=SIZE) as pilot:
        turn = await ask(app, pilot, "where do walruses sleep")
        assert turn.citations
        (corpus / "a.txt").write_text("Rewritten: now nothing matches.\n", encoding="utf-8")
        await pilot.click(SourceItem)
        await settle(app, pilot)
        notice = rendered(app.screen.query_one(SourceNotice))
        assert "changed since it was indexed" in notice and "Walruses sleep" in notice
        assert app.screen.highlighted == ""


async def test_document_markup_and_escape_sequences_are_shown_literally(make_app, tmp_path) -> None:
    doc = (
        "The [bold]zebra protocol[/] is described with [@click=app.quit]links[/] and "
        "\x1b[31mred escapes\x1b[0m in it.\n\nA second paragraph about the zebra protocol "
        "[link=https://example.com]here[/link].\n"
    )
    corpus = write_corpus(tmp_path / "docs", {"[bold]odd[/].txt": doc})
    app = make_app(corpus=corpus)
    async with app.run_test(size=SIZE) as pilot:
        turn = await ask(app, pilot, "zebra protocol")
        assert turn.answer is not None and not turn.answer.abstained
        shown = markdown_text(turn.query_one(AnswerMarkdown))
        assert "[bold]zebra protocol[/]" in shown and "[@click=app.quit]links[/]" in shown
        assert "\x1b" not in shown
        items = list(turn.query(SourceItem))
        assert "[bold]odd[/].txt" in rendered(items[0])
        for item in items:
            await pilot.click(item, offset=(30, 1))  # on the quote preview
            await settle(app, pilot)
            await pilot.press("escape")
        await pilot.click(AnswerMarkdown, offset=(10, 0))
        await pilot.pause()
        assert app.is_running and app.return_code is None
        await pilot.click(SourceItem)
        await settle(app, pilot)
        text = app.screen.document.text
        assert "[@click=app.quit]links[/]" in text and "\x1b" not in text and "�[31m" in text
        assert app.screen.highlighted == display_text(turn.citations[0].quote)
