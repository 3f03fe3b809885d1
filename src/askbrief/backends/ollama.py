"""Ollama's native chat API: ``POST {base_url}/api/chat``, streamed as one JSON object a line.

Each line is ``{"message": {"content": "..."}, "done": false}``; the last has ``"done": true``
and a ``done_reason``; a failure is ``{"error": "..."}``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import closing
from typing import Any

from ..config import BackendSettings
from ..errors import BackendError
from ._http import HttpTarget, chat_endpoint, resolve_api_key, scrub, stream_lines
from .base import AnswerCutOff, BackendRequest

__all__ = ["DEFAULT_BASE_URL", "OllamaBackend"]

DEFAULT_BASE_URL = "http://127.0.0.1:11434"


class OllamaBackend:
    """Streams ``message.content`` until a line says ``done``."""

    name = "ollama"

    def __init__(self, settings: BackendSettings) -> None:
        self.settings = settings
        self.url = chat_endpoint(settings, self.name, DEFAULT_BASE_URL, "/api/chat", "llama3.2")

    def stream(self, request: BackendRequest) -> Iterator[str]:
        s = self.settings
        # Ollama itself wants no key; one behind an authenticating proxy may.
        secret, key_source = resolve_api_key(s)
        target = HttpTarget(s, self.url, secret, key_source)
        payload: dict[str, Any] = {
            "model": s.model,
            "messages": [dict(m) for m in request.messages],
            "stream": True,
            "options": {
                "temperature": s.temperature,
                "num_predict": s.max_tokens,
                "num_ctx": s.context_tokens,
            },
        }
        with closing(stream_lines(target, payload, request.cancel)) as lines:
            for line in lines:
                if not line.strip():
                    continue
                try:
                    event = json.loads(line)
                except ValueError:
                    event = None
                if not isinstance(event, dict):
                    raise BackendError(
                        f"malformed stream from {target.origin}: a line is not a JSON object "
                        f"({scrub(line, secret)!r})"
                    )
                if event.get("error"):
                    raise BackendError(
                        f"{target.origin} reported an error: {scrub(str(event['error']), secret)}"
                    )
                message = event.get("message")
                content = message.get("content") if isinstance(message, dict) else None
                if isinstance(content, str) and content:
                    yield content
                if event.get("done"):
                    reason = event.get("done_reason")
                    if reason == "length":
                        raise AnswerCutOff(
                            f"the answer was cut off at max_tokens ({s.max_tokens}); "
                            "raise backend.max_tokens for longer answers"
                        )
                    return
        raise BackendError(f"the stream from {target.origin} ended before the answer was complete")
