"""``askbrief mcp``: the corpus as tools for agents, over the Model Context Protocol (stdio).

A face like ``cli`` and ``tui``: it holds a ``Corpus`` (the Python API) and imports the official
``mcp`` SDK; nothing below it imports this package. The SDK loads only when the server starts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..api import Corpus

__all__ = ["serve"]


def serve(corpus: Corpus) -> int:
    """Serve ``corpus`` over stdin/stdout until the client hangs up."""
    from .server import run_stdio

    return run_stdio(corpus)
