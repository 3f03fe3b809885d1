"""Find engines through entry points, as backends are found: built-ins and plugins alike.

A plugin package declares ``[project.entry-points."askbrief.engines"] name = "pkg:Engine"``, and
``engine.name = "name"`` selects it. The factory is called with the ``[engine]`` settings.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...plugins import load_factory, plugin_names

if TYPE_CHECKING:
    from ...config import EngineSettings
    from .base import Engine

__all__ = ["ENTRY_POINT_GROUP", "available_engines", "load_engine"]

ENTRY_POINT_GROUP = "askbrief.engines"


def available_engines() -> list[str]:
    """The names ``engine.name`` may take, sorted."""
    return plugin_names(ENTRY_POINT_GROUP)


def load_engine(settings: EngineSettings) -> Engine:
    """The engine ``settings.name`` names; ``ConfigError`` if it is unknown or broken (e.g. the
    xapian module is not installed)."""
    engine: Engine = load_factory(ENTRY_POINT_GROUP, "engine", settings.name)(settings)
    return engine
