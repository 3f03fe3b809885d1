"""Entry-point plugins: how backends and engines are found, built-ins and third parties alike.

A package declares ``[project.entry-points."askbrief.backends"]`` (or ``"askbrief.engines"``)
``name = "pkg:Factory"``; the config names it. This is the one place that looks them up and turns
a missing or broken one into a one-line ``ConfigError``.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib.metadata import EntryPoint, entry_points
from typing import Any

from .errors import ConfigError

__all__ = ["load_factory", "plugin_names"]


def _entry_points(group: str) -> dict[str, EntryPoint]:
    """Name → entry point; when two distributions claim a name, the first on sys.path wins."""
    found: dict[str, EntryPoint] = {}
    for ep in entry_points(group=group):
        found.setdefault(ep.name, ep)
    return found


def plugin_names(group: str) -> list[str]:
    """The names registered in ``group``, sorted."""
    return sorted(_entry_points(group))


def load_factory(group: str, kind: str, name: str) -> Callable[..., Any]:
    """The factory registered as ``name`` in ``group``; ``ConfigError`` naming the ``kind``
    ("backend", "engine") if it is unknown or fails to import."""
    found = _entry_points(group)
    ep = found.get(name)
    if ep is None:
        names = ", ".join(sorted(found)) or "none"
        raise ConfigError(f"unknown {kind} {name!r} in {kind}.name; available: {names}")
    try:
        factory: Callable[..., Any] = ep.load()
    except Exception as exc:  # a plugin that fails to import is a setup problem, said plainly
        raise ConfigError(
            f"{kind} {name!r} could not be loaded from {ep.value} ({type(exc).__name__}: {exc})"
        ) from exc
    return factory
