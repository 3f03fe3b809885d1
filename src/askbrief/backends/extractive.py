"""The offline default, registered like every other backend so ``extractive`` is a known name.

It has nothing to stream: the extractive answer is composed by
``askbrief.answers.compose`` (verbatim quotes picked from the passages), which
``generate_answer`` calls as its ``fallback`` whenever the configured backend
is ``extractive``. So ``stream`` refuses rather than pretending.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..config import BackendSettings
    from .base import BackendRequest

__all__ = ["ExtractiveBackend"]


class ExtractiveBackend:
    """A name in the registry; ``generate_answer`` never streams from it."""

    name = "extractive"

    def __init__(self, settings: BackendSettings) -> None:
        self.settings = settings

    def stream(self, request: BackendRequest) -> Iterator[str]:
        raise NotImplementedError(
            "the extractive answer is composed by askbrief.answers.compose, not streamed; "
            "generate_answer() uses its fallback for this backend"
        )
