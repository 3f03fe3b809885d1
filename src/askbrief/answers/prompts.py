"""Build the chat messages for an LLM backend from plain-text templates, within a token budget.

Templates are ``system.md`` and ``user.md`` in the bundled ``prompts/`` folder; a file of the same
name in ``backend.prompts_dir`` replaces one (a missing file there falls back to the bundled one,
so you can override just one). Placeholders are ``{question}``, ``{sources}`` and
``{source_count}``; any other braces are left as written, so templates need no escaping, and
substituted text is never scanned again. ``user.md`` must contain ``{question}`` and ``{sources}``.

Passages go inside ``<source n="1" ...>`` blocks; any ``<source``/``</sources`` text inside a
passage is neutralised to ``&lt;source`` so a document cannot close its block and speak as the
user.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from ..backends.base import Source, Turn
from ..config import BackendSettings
from ..documents.tokens import count_tokens, encoding, fit_to_budget
from ..errors import ConfigError
from ..resources import bundled_dir
from ..types import Hit, Passage

__all__ = [
    "PLACEHOLDERS",
    "TEMPLATE_NAMES",
    "build_messages",
    "load_template",
    "render_source",
    "render_template",
    "select_sources",
]

TEMPLATE_NAMES = ("system.md", "user.md")
PLACEHOLDERS = ("question", "sources", "source_count")
_REQUIRED = {"user.md": ("question", "sources")}
_PLACEHOLDER = re.compile(r"\{(" + "|".join(PLACEHOLDERS) + r")\}")
_DELIMITER = re.compile(r"<(?=\s*/?\s*sources?\b)", re.IGNORECASE)

# Chat formats add a few tokens per message; tiktoken only estimates other models' tokenizers,
# so a share of the context stays spare.
_MESSAGE_OVERHEAD = 4
_SPARE_SHARE = 0.1
_MIN_CUT_TOKENS = 32


def load_template(name: str, prompts_dir: Path | None = None) -> str:
    """The template ``name`` from ``prompts_dir`` if it has one, else the bundled one."""
    if name not in TEMPLATE_NAMES:
        raise ValueError(f"unknown template {name!r}")
    path = bundled_dir("prompts") / name
    if prompts_dir is not None:
        folder = prompts_dir.expanduser()
        if not folder.is_dir():
            raise ConfigError(f"backend.prompts_dir is not a folder: {folder}")
        if (folder / name).is_file():
            path = folder / name
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read prompt template {path}: {exc}") from None
    missing = [p for p in _REQUIRED.get(name, ()) if "{" + p + "}" not in text]
    if missing:
        need = ", ".join("{" + p + "}" for p in missing)
        raise ConfigError(f"prompt template {path} must contain {need}")
    return text


def render_template(template: str, values: dict[str, str]) -> str:
    """Replace the known ``{placeholders}`` in one pass; other braces stay as written."""
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), template)


def render_source(source: Source) -> str:
    """One passage as a delimited block that its own text cannot close."""
    p = source.passage
    attrs = f'n="{source.n}" file="{html.escape(p.source)}" title="{html.escape(p.title)}"'
    if p.page is not None:
        attrs += f' page="{p.page}"'
    body = _DELIMITER.sub("&lt;", p.text)
    return f"<source {attrs}>\n{body}\n</source>"


def build_messages(
    question: str,
    sources: Sequence[Source],
    history: Sequence[Turn] = (),
    prompts_dir: Path | None = None,
) -> tuple[dict[str, str], ...]:
    """System message, earlier turns (oldest first) as user/assistant pairs, then the question."""
    values = {
        "question": question,
        "sources": "\n\n".join(render_source(s) for s in sources),
        "source_count": str(len(sources)),
    }
    system = render_template(load_template("system.md", prompts_dir), values)
    user = render_template(load_template("user.md", prompts_dir), values)
    messages = [{"role": "system", "content": system}]
    for turn in history:
        messages.append({"role": "user", "content": turn.question})
        messages.append({"role": "assistant", "content": turn.answer})
    messages.append({"role": "user", "content": user})
    return tuple(messages)


def _messages_tokens(messages: Sequence[dict[str, str]]) -> int:
    return sum(count_tokens(m["content"]) + _MESSAGE_OVERHEAD for m in messages) + 3


def select_sources(
    question: str,
    hits: Sequence[Hit],
    history: Sequence[Turn],
    settings: BackendSettings,
) -> tuple[tuple[Source, ...], tuple[Turn, ...]]:
    """The best passages and the latest turns that fit the model's context, numbered from 1.

    The budget is ``context_tokens`` less a 10 % margin, ``max_tokens`` (kept for the answer) and
    the prompt itself. Recent turns take at most ``history_share`` of it, newest first and without
    gaps; passages take the rest, whole and best first (a passage too long is skipped for a
    shorter one). Only if not even one passage fits whole is the best one cut short, its ``end``
    moved so that its text is still the document's text between ``start`` and ``end``.
    Returns ``(sources, history_used)``, history oldest first; ``sources`` is empty if nothing
    fits.
    """
    empty = build_messages(question, (), (), settings.prompts_dir)
    budget = (
        int(settings.context_tokens * (1 - _SPARE_SHARE))
        - settings.max_tokens
        - _messages_tokens(empty)
    )
    if budget <= 0:
        return (), ()

    used: list[Turn] = []
    history_budget = int(budget * settings.history_share)
    spent = 0
    for turn in reversed(history):
        cost = count_tokens(turn.question) + count_tokens(turn.answer) + 2 * _MESSAGE_OVERHEAD
        if spent + cost > history_budget:
            break
        used.append(turn)
        spent += cost
    budget -= spent

    passages = _unique_passages(hits)
    # Each block is counted with its final separator; numbers are counted as in rank order,
    # which can only overcount once skipped passages shift the later numbers down.
    blocks = [render_source(Source(i + 1, p)) + "\n\n" for i, (p, _) in enumerate(passages)]
    chosen = fit_to_budget(blocks, budget)
    if chosen:
        picked = [passages[i] for i in chosen]
    else:
        cut = _cut_to_fit(passages[0][0], budget) if passages else None
        picked = [(cut, passages[0][1])] if cut is not None else []
    sources = tuple(Source(n, p, score) for n, (p, score) in enumerate(picked, start=1))
    return sources, tuple(reversed(used))


def _unique_passages(hits: Sequence[Hit]) -> list[tuple[Passage, float]]:
    seen: set[int] = set()
    out: list[tuple[Passage, float]] = []
    for hit in hits:
        if hit.passage.id not in seen:
            seen.add(hit.passage.id)
            out.append((hit.passage, hit.score))
    return out


def _cut_to_fit(passage: Passage, budget: int) -> Passage | None:
    """The passage's longest prefix whose block fits ``budget``, or None below a useful size."""
    frame = count_tokens(render_source(Source(1, replace(passage, text="")))) + 2
    room = budget - frame
    if room < _MIN_CUT_TOKENS:
        return None
    tokens = encoding().encode_ordinary(passage.text)
    for keep in range(min(room, len(tokens)), 0, -1):
        prefix = encoding().decode(tokens[:keep]).rstrip()
        # A token boundary can split a character; only a true prefix keeps offsets honest.
        if not prefix or not passage.text.startswith(prefix):
            continue
        cut = replace(passage, text=prefix, end=passage.start + len(prefix))
        if count_tokens(render_source(Source(1, cut))) + 2 <= budget:
            return cut
    return None
