"""Answer with the configured LLM backend, check its citations, and fall back when it fails.

The session calls ``generate_answer`` for every question. With the default ``extractive``
backend, or with no hits, it returns ``fallback()`` (the offline composer's answer) untouched.
Otherwise it streams the model's text (``on_text`` per chunk, so a UI can show it as it comes),
verifies every citation, and returns an Answer whose notices flag what did not check out.

A ``BackendError`` at any point returns ``fallback()`` with a notice saying so; text already
streamed is the UI's to keep or replace. A ``ConfigError`` (unknown backend, missing model, bad
prompt folder) is raised: a configuration mistake should be fixed, not hidden behind a fallback.

``abstained`` is True when the model's answer cites no source at all: whatever it says then, it
is not an answer from the documents.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import replace

from ..backends import AnswerCutOff, BackendRequest, Turn, load_backend
from ..cancel import Cancelled, CancelToken
from ..config import Settings
from ..errors import BackendError
from ..types import Answer, Hit, Timings
from .prompts import build_messages, select_sources
from .verify import verify_citations

__all__ = ["generate_answer"]

EXTRACTIVE = "extractive"


def _fall_back(fallback: Callable[[], Answer], name: str, reason: str) -> Answer:
    answer = fallback()
    notice = f"{name} backend failed: {reason}; showing the extractive answer instead"
    return replace(answer, notices=(*answer.notices, notice))


def generate_answer(
    question: str,
    hits: Sequence[Hit],
    settings: Settings,
    *,
    history: Sequence[Turn] = (),
    on_text: Callable[[str], None] | None = None,
    fallback: Callable[[], Answer],
    cancel: CancelToken | None = None,
) -> Answer:
    """The configured backend's answer to ``question`` from ``hits``, citations checked."""
    name = settings.backend.name
    if name == EXTRACTIVE or not hits:
        return fallback()
    started = time.perf_counter()
    backend = load_backend(settings.backend)
    sources, turns = select_sources(question, hits, history, settings.backend)
    if not sources:
        return _fall_back(
            fallback,
            name,
            f"no passage fits in backend.context_tokens ({settings.backend.context_tokens}) "
            f"after max_tokens ({settings.backend.max_tokens}) and the prompt",
        )
    request = BackendRequest(
        question=question,
        sources=sources,
        history=turns,
        messages=build_messages(question, sources, turns, settings.backend.prompts_dir),
        cancel=cancel,
    )

    chunks: list[str] = []
    notices: list[str] = []
    try:
        for chunk in backend.stream(request):
            if cancel is not None:
                cancel.raise_if_cancelled()
            if not isinstance(chunk, str):
                raise BackendError(f"yielded {type(chunk).__name__} instead of text")
            if not chunk:
                continue
            chunks.append(chunk)
            if on_text is not None:
                on_text(chunk)
    except AnswerCutOff as exc:
        notices.append(str(exc))
    except Cancelled:
        raise
    except BackendError as exc:
        if cancel is not None:
            cancel.raise_if_cancelled()  # a connection shut by the user is not a failure
        return _fall_back(fallback, name, str(exc))

    text = "".join(chunks)
    if not text.strip():
        return _fall_back(fallback, name, "the answer was empty")
    checked = verify_citations(text, sources)
    notices.extend(checked.notices)
    if not checked.citations:
        notices.append("the answer cites no source, so nothing in it was checked")
    elapsed_ms = (time.perf_counter() - started) * 1000
    return Answer(
        question=question,
        markdown=text,
        abstained=not checked.citations,
        citations=checked.citations,
        backend=name,
        hits=tuple(hits),
        timings=Timings(compose_ms=elapsed_ms),
        notices=tuple(notices),
        sent_passages=tuple(s.passage.id for s in sources),
    )
