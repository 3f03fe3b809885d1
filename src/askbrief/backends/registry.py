"""Find backends through entry points, so built-ins and plugins are registered the same way.

A plugin package declares, in its pyproject.toml::

    [project.entry-points."askbrief.backends"]
    echo = "askbrief_echo:EchoBackend"

and ``backend.name = "echo"`` in the config file selects it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..plugins import load_factory, plugin_names

if TYPE_CHECKING:
    from ..config import BackendSettings
    from .base import Backend

__all__ = ["ENTRY_POINT_GROUP", "available_backends", "load_backend"]

ENTRY_POINT_GROUP = "askbrief.backends"


def available_backends() -> list[str]:
    """The backend names that can be used in ``backend.name``, sorted."""
    return plugin_names(ENTRY_POINT_GROUP)


def load_backend(settings: BackendSettings) -> Backend:
    """Construct the backend ``settings.name`` names; ``ConfigError`` if it is unknown or broken."""
    backend: Backend = load_factory(ENTRY_POINT_GROUP, "backend", settings.name)(settings)
    return backend
