"""Find backends through entry points, so built-ins and plugins are registered the same way.

A plugin package declares, in its pyproject.toml::

    [project.entry-points."askbrief.backends"]
    echo = "askbrief_echo:EchoBackend"

and ``backend.name = "echo"`` in the config file selects it.
"""

from __future__ import annotations

from importlib.metadata import EntryPoint, entry_points
from typing import TYPE_CHECKING

from ..errors import ConfigError

if TYPE_CHECKING:
    from ..config import BackendSettings
    from .base import Backend

__all__ = ["ENTRY_POINT_GROUP", "available_backends", "load_backend"]

ENTRY_POINT_GROUP = "askbrief.backends"


def _entry_points() -> dict[str, EntryPoint]:
    """Name → entry point; when two distributions claim a name, the first on sys.path wins."""
    found: dict[str, EntryPoint] = {}
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        found.setdefault(ep.name, ep)
    return found


def available_backends() -> list[str]:
    """The backend names that can be used in ``backend.name``, sorted."""
    return sorted(_entry_points())


def load_backend(settings: BackendSettings) -> Backend:
    """Construct the backend ``settings.name`` names; ``ConfigError`` if it is unknown or broken."""
    found = _entry_points()
    ep = found.get(settings.name)
    if ep is None:
        names = ", ".join(sorted(found)) or "none"
        raise ConfigError(f"unknown backend {settings.name!r} in backend.name; available: {names}")
    try:
        factory = ep.load()
    except Exception as exc:  # a plugin that fails to import is a setup problem, said plainly
        raise ConfigError(
            f"backend {settings.name!r} could not be loaded from {ep.value} "
            f"({type(exc).__name__}: {exc})"
        ) from exc
    backend: Backend = factory(settings)
    return backend
