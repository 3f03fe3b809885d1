"""The app with a real LLM backend on 127.0.0.1: text streams in as it comes, citations are
checked, and a stream that breaks mid-way falls back to the extractive answer."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from tui_support import SIZE, build_app, settle

from askbrief.config import Settings
from askbrief.tui.widgets.question_input import QuestionInput
from askbrief.tui.widgets.turn import AnswerMarkdown, TurnView
from llm_servers import LLMServer, openai_stream

QUESTION = "Who is Yun Sun?"


def llm_settings(settings: Settings, base_url: str) -> Settings:
    backend = {"name": "openai", "base_url": base_url, "model": "m", "timeout": 10}
    return settings.model_copy(update={"backend": settings.backend.model_validate(backend)})


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(var, raising=False)


async def test_streamed_llm_text_appears_before_the_answer_is_complete(
    tmp_path: Path, settings: Settings, seeds_dir: Path
) -> None:
    release = threading.Event()

    def slow(h) -> None:  # type: ignore[no-untyped-def]
        h.start_chunked("text/event-stream")
        h.chunk('data: {"choices":[{"index":0,"delta":{"content":"First part, "}}]}\n\n')
        release.wait(10)
        h.chunk('data: {"choices":[{"index":0,"delta":{"content":"then the rest."}}]}\n\n')
        h.chunk('data: {"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}\n\n')
        h.chunk("data: [DONE]\n\n")
        h.end_chunked()

    with LLMServer(slow) as server:
        app = build_app(tmp_path, llm_settings(settings, server.url + "/v1"), seeds_dir)
        async with app.run_test(size=SIZE) as pilot:
            await settle(app, pilot)
            app.chat.query_one(QuestionInput).value = QUESTION
            await pilot.press("enter")
            shown = ""
            for _ in range(200):
                await pilot.pause(0.02)
                shown = app.chat.query_one(TurnView).query_one(AnswerMarkdown).source
                if "First part" in shown:
                    break
            assert "First part, " in shown and "the rest" not in shown
            release.set()
            await settle(app, pilot)
            turn = app.chat.query_one(TurnView)
            assert turn.answer is not None and turn.answer.backend == "openai"
            assert turn.answer.markdown == "First part, then the rest."


async def test_a_stream_that_breaks_mid_way_falls_back_to_the_extractive_answer(
    tmp_path: Path, settings: Settings, seeds_dir: Path
) -> None:
    with LLMServer(openai_stream(["Yun Sun is "], hang_up=True)) as server:
        app = build_app(tmp_path, llm_settings(settings, server.url + "/v1"), seeds_dir)
        async with app.run_test(size=SIZE) as pilot:
            await settle(app, pilot)
            app.chat.query_one(QuestionInput).value = QUESTION
            await pilot.press("enter")
            await settle(app, pilot)
            turn = app.chat.query_one(TurnView)
            assert turn.answer is not None
            assert turn.answer.backend == "extractive"
            assert any("openai backend failed" in n for n in turn.answer.notices)
            assert any("co-director" in c.quote for c in turn.answer.citations)
