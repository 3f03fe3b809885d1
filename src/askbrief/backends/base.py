"""The small protocol every backend implements, and the values passed to it.

A backend turns a request (the question, the numbered passages that fit the budget and the chat
messages built from the prompt templates) into streamed text. It never verifies anything:
``askbrief.answers.verify`` checks every backend's citations the same way.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from ..errors import BackendError

if TYPE_CHECKING:
    from ..cancel import CancelToken
    from ..config import BackendSettings
    from ..types import Passage

__all__ = ["AnswerCutOff", "Backend", "BackendFactory", "BackendRequest", "Source", "Turn"]


@dataclass(frozen=True)
class Source:
    """A passage as the model sees it: ``[n]`` in the answer points here. Numbered from 1."""

    n: int
    passage: Passage
    score: float = 0.0  # the retrieval score, carried through to the Citation


@dataclass(frozen=True)
class Turn:
    """An earlier question and answer of the conversation (oldest first in a sequence)."""

    question: str
    answer: str


@dataclass(frozen=True)
class BackendRequest:
    """Everything a backend needs; ``messages`` is what an HTTP chat backend sends as is."""

    question: str
    sources: tuple[Source, ...]
    history: tuple[Turn, ...]
    messages: tuple[dict[str, str], ...]
    # Set when the user cancels; an HTTP backend closes its connection then (optional to honour:
    # askbrief also stops reading between chunks).
    cancel: CancelToken | None = None


@runtime_checkable
class Backend(Protocol):
    """Constructed as ``BackendClass(settings: BackendSettings)``; see ``askbrief.backends``."""

    name: str

    def stream(self, request: BackendRequest) -> Iterator[str]:
        """Yield the answer's text in chunks.

        Raise ``BackendError`` (one line, no secrets) when the answer cannot be had, or
        ``AnswerCutOff`` after the last chunk when the model stopped early.
        """
        ...


class BackendFactory(Protocol):
    """What an ``askbrief.backends`` entry point must load: usually the backend class."""

    def __call__(self, settings: BackendSettings) -> Backend: ...


class AnswerCutOff(BackendError):
    """The model stopped before finishing (token limit, content filter).

    Raised after the text so far was yielded: that text is kept and verified, and this message
    becomes a notice, since a partial answer with checked citations beats starting over.
    """
