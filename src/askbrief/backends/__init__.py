"""LLM backends behind one small protocol, found through the ``askbrief.backends`` entry points.

Importing this package stays cheap: httpx is imported only by the HTTP backends, which load only
when configured.
"""

from __future__ import annotations

from .base import AnswerCutOff, Backend, BackendFactory, BackendRequest, Source, Turn
from .registry import ENTRY_POINT_GROUP, available_backends, load_backend

__all__ = [
    "ENTRY_POINT_GROUP",
    "AnswerCutOff",
    "Backend",
    "BackendFactory",
    "BackendRequest",
    "Source",
    "Turn",
    "available_backends",
    "load_backend",
]
