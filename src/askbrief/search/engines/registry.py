"""Find engines through entry points, as backends are found: built-ins and plugins alike.

A plugin package declares ``[project.entry-points."askbrief.engines"] name = "pkg:Engine"``, and
``engine.name = "name"`` selects it. The factory is called with the ``[engine]`` settings.
"""

from __future__ import annotations

from importlib.metadata import EntryPoint, entry_points
from typing import TYPE_CHECKING

from ...errors import ConfigError

if TYPE_CHECKING:
    from ...config import EngineSettings
    from .base import Engine

__all__ = ["ENTRY_POINT_GROUP", "available_engines", "load_engine"]

ENTRY_POINT_GROUP = "askbrief.engines"


def _entry_points() -> dict[str, EntryPoint]:
    found: dict[str, EntryPoint] = {}
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        found.setdefault(ep.name, ep)
    return found


def available_engines() -> list[str]:
    """The names ``engine.name`` may take, sorted."""
    return sorted(_entry_points())


def load_engine(settings: EngineSettings) -> Engine:
    """The engine ``settings.name`` names; ``ConfigError`` if it is unknown or broken."""
    found = _entry_points()
    ep = found.get(settings.name)
    if ep is None:
        names = ", ".join(sorted(found)) or "none"
        raise ConfigError(f"unknown engine {settings.name!r} in engine.name; available: {names}")
    try:
        factory = ep.load()
    except Exception as exc:  # e.g. the xapian module is not installed
        raise ConfigError(
            f"engine {settings.name!r} could not be loaded from {ep.value} "
            f"({type(exc).__name__}: {exc})"
        ) from exc
    engine: Engine = factory(settings)
    return engine
