"""The app on a corpus with nothing to read says so on its first screen, as the CLI does."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Static
from tui_support import SIZE, build_app, rendered, settle

from askbrief.config import Settings


async def test_first_screen_says_the_folder_has_no_readable_documents(
    tmp_path: Path, settings: Settings
) -> None:
    root = tmp_path / "junk"
    root.mkdir()
    (root / "empty.txt").write_bytes(b"")
    (root / "blob.txt").write_bytes(b"\x00\x01binary")
    app = build_app(tmp_path, settings, root)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        welcome = rendered(app.chat.query_one("#welcome", Static))
        assert "no readable documents" in welcome
        assert "blob.txt (binary file)" in welcome and "empty.txt (empty file)" in welcome
        assert "unexpected" not in welcome
        assert app.session is None and app.sub_title.endswith("not open")
