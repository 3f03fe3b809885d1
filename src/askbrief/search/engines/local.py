"""The local engine: the saved segmented index of one folder, on this machine (the default)."""

from __future__ import annotations

from pathlib import Path

from ...config import EngineSettings, Settings
from ..library import IndexReport, Progress, index_folder, open_index
from .base import SearchIndex, ShardStatus

__all__ = ["LocalEngine"]


class LocalEngine:
    """Opening is indexing: the saved index is reused, refreshed or built, as it always was."""

    name = "local"
    shared = False

    def __init__(self, settings: EngineSettings) -> None:
        self.settings = settings
        self._last: tuple[Path, Settings, int] | None = None

    def open(
        self, root: Path, settings: Settings, *, progress: Progress | None, force: bool
    ) -> tuple[SearchIndex, IndexReport]:
        index, report = open_index(root, settings, progress=progress, force=force)
        self._last = (root, settings, index.n_passages)
        return index, report

    def index_folder(
        self, root: Path, settings: Settings, *, progress: Progress | None, force: bool
    ) -> IndexReport:
        return self.open(root, settings, progress=progress, force=force)[1]

    def status(self) -> list[ShardStatus]:
        if self._last is None:
            return []
        root, settings, n = self._last
        folder = str(index_folder(root, settings))
        return [ShardStatus(1, folder, True, n, None, serving=True)]

    def take_notices(self) -> tuple[tuple[str, ...], bool]:
        return (), False
