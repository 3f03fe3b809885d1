"""An askbrief backend plugin in one file: it quotes the start of the first source and cites it.

It shows the whole contract: a class built from ``BackendSettings`` with a ``name`` and a
``stream(request)`` that yields text. askbrief verifies the citation like any other backend's.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any


class EchoBackend:
    name = "echo"

    def __init__(self, settings: Any) -> None:
        self.settings = settings

    def stream(self, request: Any) -> Iterator[str]:
        first = request.sources[0]
        words = first.passage.text.split()[:8]
        yield "The first source says "
        yield f'"{" ".join(words)}" [{first.n}].'
