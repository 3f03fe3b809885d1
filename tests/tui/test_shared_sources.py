"""The app over a shared xapian index whose files are not on this machine: answers as usual,
and the source viewer shows the indexed text around the quote, saying where it comes from."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from tui_support import ask, build_app, settle

from askbrief.session import Session
from askbrief.tui.screens.source_viewer import SourceNotice, SourceViewer
from askbrief.tui.view import display_text
from askbrief.tui.widgets.turn import SourceItem
from xapian_servers import xapian_settings

SIZE = (120, 40)


async def test_the_viewer_shows_indexed_text_when_the_source_is_not_on_this_machine(
    tmp_path: Path, seeds_dir: Path
) -> None:
    copy = shutil.copytree(seeds_dir, tmp_path / "docs")
    shards = [[str(tmp_path / f"shard{i}")] for i in range(3)]
    settings: Any = xapian_settings(tmp_path, shards)
    Session(settings, copy).build()
    shutil.rmtree(copy)
    app = build_app(tmp_path, settings, None)  # type: ignore[arg-type]
    async with app.run_test(size=SIZE) as pilot:
        turn = await ask(app, pilot, "What annual trade target did Xi and Putin agree on?")
        assert turn.citations
        await pilot.click(SourceItem)
        await settle(app, pilot)
        viewer = app.screen
        assert isinstance(viewer, SourceViewer)
        notice = viewer.query_one(SourceNotice)
        assert notice.display
        assert "source not on this machine; showing the indexed text" in str(notice.render())
        assert viewer.highlighted == display_text(turn.citations[0].quote)
