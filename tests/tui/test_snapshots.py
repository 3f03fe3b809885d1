"""Snapshots of the main screens (pytest-textual-snapshot; textual is pinned in pyproject).

Deterministic: a fixed terminal size, no clock in the header, a steady cursor, fresh index and
conversation folders under tmp_path, and saved conversations written with fixed ids and dates.
Update with ``pytest tests/tui/test_snapshots.py --snapshot-update`` and review the SVGs.
"""

from __future__ import annotations

import json
from pathlib import Path

from textual.pilot import Pilot
from tui_support import AbstainingSession, build_app

from askbrief.config import Settings
from askbrief.session import Session
from askbrief.tui.widgets.question_input import QuestionInput
from askbrief.tui.widgets.turn import SourceItem
from conftest import write_corpus

SIZE = (120, 40)


async def _ready(pilot: Pilot[int]) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def _ask(pilot: Pilot[int], question: str = "support from China") -> None:
    await _ready(pilot)
    pilot.app.screen.query_one(QuestionInput).value = question
    await pilot.press("enter")
    await _ready(pilot)
    await _ready(pilot)


def test_start_screen(snap_compare, tmp_path: Path, settings: Settings, seeds_dir: Path) -> None:
    assert snap_compare(
        build_app(tmp_path, settings, seeds_dir), terminal_size=SIZE, run_before=_ready
    )


def test_answer_with_sources(
    snap_compare, tmp_path: Path, settings: Settings, seeds_dir: Path
) -> None:
    assert snap_compare(
        build_app(tmp_path, settings, seeds_dir), terminal_size=SIZE, run_before=_ask
    )


def test_source_viewer(snap_compare, tmp_path: Path, settings: Settings, seeds_dir: Path) -> None:
    async def run_before(pilot: Pilot[int]) -> None:
        await _ask(pilot)
        await pilot.press("ctrl+o")
        await _ready(pilot)
        await pilot.press("n")
        await _ready(pilot)

    assert snap_compare(
        build_app(tmp_path, settings, seeds_dir), terminal_size=SIZE, run_before=run_before
    )


def test_abstention_with_closest_passages(
    snap_compare, tmp_path: Path, settings: Settings, seeds_dir: Path
) -> None:
    app = build_app(tmp_path, settings, seeds_dir, AbstainingSession)
    assert snap_compare(app, terminal_size=SIZE, run_before=_ask)


def test_document_markup_shown_literally(snap_compare, tmp_path: Path, settings: Settings) -> None:
    corpus = write_corpus(
        tmp_path / "docs",
        {
            "notes.txt": (
                "The [bold]zebra protocol[/] is described with [@click=app.quit]links[/] and "
                "\x1b[31mred escapes\x1b[0m in it.\n"
            )
        },
    )

    async def run_before(pilot: Pilot[int]) -> None:
        await _ask(pilot, "zebra protocol")
        await pilot.click(SourceItem)
        await _ready(pilot)

    assert snap_compare(
        build_app(tmp_path, settings, corpus), terminal_size=SIZE, run_before=run_before
    )


def test_help(snap_compare, tmp_path: Path, settings: Settings, seeds_dir: Path) -> None:
    assert snap_compare(
        build_app(tmp_path, settings, seeds_dir),
        terminal_size=SIZE,
        press=["f1"],
        run_before=_ready,
    )


def test_saved_conversations(
    snap_compare, tmp_path: Path, settings: Settings, seeds_dir: Path
) -> None:
    session = Session(settings, seeds_dir)
    folder = tmp_path / "conversations"
    folder.mkdir()
    for i, question in enumerate(["support from China", "Putin visit to Beijing"]):
        conv_id = f"2025010{i + 1}-120000-00000{i}"
        answer = session.ask(question).as_json()
        lines = [
            {
                "type": "meta",
                "id": conv_id,
                "corpus": str(seeds_dir),
                "created": f"2025-01-0{i + 1}T12:00:00+00:00",
            },
            {
                "type": "turn",
                "question": question,
                "answer": answer,
                "time": f"2025-01-0{i + 1}T12:00:05+00:00",
            },
        ]
        (folder / f"{conv_id}.jsonl").write_text(
            "".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8"
        )
    assert snap_compare(
        build_app(tmp_path, settings, seeds_dir),
        terminal_size=SIZE,
        press=["ctrl+l"],
        run_before=_ready,
    )
