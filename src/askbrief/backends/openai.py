"""Any OpenAI-compatible ``/chat/completions`` server, streamed as server-sent events.

Works with OpenAI itself and with local servers that copy its API (llama.cpp's server, vLLM,
LM Studio, ...). The key comes from ``$api_key_env`` (or ``api_key``) and goes only into the
Authorization header.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from contextlib import closing
from typing import Any

from ..config import BackendSettings
from ..errors import BackendError
from ._http import HttpTarget, chat_endpoint, resolve_api_key, scrub, stream_lines
from .base import AnswerCutOff, BackendRequest

__all__ = ["DEFAULT_BASE_URL", "OpenAIBackend", "parse_sse"]

DEFAULT_BASE_URL = "https://api.openai.com/v1"


def parse_sse(lines: Iterable[str]) -> Iterator[str]:
    """The data of each server-sent event: ``data:`` lines joined by newlines.

    Comments (``:``, often keep-alives) and the ``event``/``id``/``retry`` fields are skipped; an
    event without data is not yielded. Data left at the end without a blank line still counts.
    """
    data: list[str] = []
    for line in lines:
        if not line:
            if data:
                yield "\n".join(data)
                data = []
            continue
        if line.startswith(":"):
            continue
        name, sep, value = line.partition(":")
        if sep and value.startswith(" "):
            value = value[1:]
        if name == "data":
            data.append(value)
    if data:
        yield "\n".join(data)


class OpenAIBackend:
    """Streams ``choices[0].delta.content`` until ``[DONE]`` or a ``finish_reason``."""

    name = "openai"

    def __init__(self, settings: BackendSettings) -> None:
        self.settings = settings
        self.url = chat_endpoint(
            settings, self.name, DEFAULT_BASE_URL, "/chat/completions", "gpt-4o-mini"
        )

    def stream(self, request: BackendRequest) -> Iterator[str]:
        s = self.settings
        secret, key_source = resolve_api_key(s)
        target = HttpTarget(s, self.url, secret, key_source)
        payload: dict[str, Any] = {
            "model": s.model,
            "messages": [dict(m) for m in request.messages],
            "stream": True,
            "temperature": s.temperature,
            "max_tokens": s.max_tokens,
        }
        finish: str | None = None
        done = False
        # closing(): stop reading (and free the connection) as soon as [DONE] arrives.
        with closing(stream_lines(target, payload, request.cancel)) as lines:
            for data in parse_sse(lines):
                if data.strip() == "[DONE]":
                    done = True
                    break
                event = _decode(data, target)
                if "error" in event:
                    raise BackendError(
                        f"{target.origin} reported an error: {_error_text(event['error'], secret)}"
                    )
                for text, reason in _choice_parts(event, target):
                    if text:
                        yield text
                    finish = reason or finish
        if not done and finish is None:
            raise BackendError(
                f"the stream from {target.origin} ended before the answer was complete"
            )
        if finish == "length":
            raise AnswerCutOff(
                f"the answer was cut off at max_tokens ({s.max_tokens}); "
                "raise backend.max_tokens for longer answers"
            )
        if finish not in (None, "stop", "eos", "end_turn"):
            raise AnswerCutOff(f"the model stopped early (finish_reason {finish!r})")


def _decode(data: str, target: HttpTarget) -> dict[str, Any]:
    try:
        event = json.loads(data)
    except ValueError:
        event = None
    if not isinstance(event, dict):
        raise BackendError(
            f"malformed stream from {target.origin}: an event is not a JSON object "
            f"({scrub(data, target.secret)!r})"
        )
    return event


def _error_text(error: object, secret: str | None) -> str:
    if isinstance(error, dict):
        error = error.get("message", error)
    return scrub(str(error), secret)


def _choice_parts(event: dict[str, Any], target: HttpTarget) -> Iterator[tuple[str, str | None]]:
    """(text, finish_reason) of the first choice; events without choices (usage) yield nothing."""
    choices = event.get("choices", [])
    if not isinstance(choices, list):
        raise BackendError(f"malformed stream from {target.origin}: 'choices' is not a list")
    for choice in choices[:1]:
        if not isinstance(choice, dict):
            raise BackendError(f"malformed stream from {target.origin}: a choice is not an object")
        part = choice.get("delta") or {}
        content = part.get("content") if isinstance(part, dict) else None
        yield (content if isinstance(content, str) else ""), choice.get("finish_reason")
