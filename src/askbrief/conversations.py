"""Conversations on disk: one JSON-lines file per conversation, appended one whole line at a time.

Each line is written with a single ``write`` on a file opened for appending, and each turn's line
is fsynced, which flushes the conversation's opening line with it, so a crash or a kill leaves
every earlier turn intact; a half-written last line is ignored on reading.
The store holds questions, answers and citations, never settings or keys.
"""

from __future__ import annotations

import json
import os
import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .errors import AskbriefError
from .types import Answer

__all__ = [
    "Conversation",
    "ConversationStore",
    "Turn",
    "default_store_dir",
    "export_json",
    "export_markdown",
]

_ID = re.compile(r"^[0-9]{8}-[0-9]{6}-[0-9a-f]{6}$")


def default_store_dir() -> Path:
    from platformdirs import user_data_path

    return user_data_path("askbrief") / "conversations"


@dataclass(frozen=True)
class Turn:
    """One question and the answer shown for it, as saved."""

    question: str
    answer: dict[str, Any]  # Answer.as_json()
    time: str = ""

    @property
    def markdown(self) -> str:
        return str(self.answer.get("answer", ""))

    @property
    def citations(self) -> list[dict[str, Any]]:
        return list(self.answer.get("citations") or [])


@dataclass
class Conversation:
    id: str
    corpus: str
    created: str
    turns: list[Turn] = field(default_factory=list)

    @property
    def title(self) -> str:
        return self.turns[0].question if self.turns else "(empty conversation)"

    def add(self, answer: Answer, time: str = "") -> Turn:
        """Add a finished turn in memory (``ConversationStore.append`` also saves it), so the
        next question is asked as a follow-up of it."""
        data = answer.as_json()
        data["conversation"] = self.id or None
        turn = Turn(answer.question, data, time)
        self.turns.append(turn)
        return turn


class ConversationStore:
    """The folder of saved conversations."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = root if root is not None else default_store_dir()

    def _path(self, conv_id: str) -> Path:
        if not _ID.match(conv_id):
            raise AskbriefError(f"no conversation with id {conv_id!r}")
        return self.root / f"{conv_id}.jsonl"

    def new(self, corpus: Path | str) -> Conversation:
        now = datetime.now(UTC)
        conv_id = f"{now:%Y%m%d-%H%M%S}-{secrets.token_hex(3)}"
        conv = Conversation(conv_id, str(corpus), now.isoformat(timespec="seconds"))
        # Not fsynced: the first turn's fsync flushes this line too (fsync covers all of a
        # file's data), and a conversation lost before its first turn held nothing. A one-shot
        # ask then syncs once, not twice (each took about 50 ms on a slow disk).
        self._append(
            conv_id,
            {"type": "meta", "id": conv_id, "corpus": conv.corpus, "created": conv.created},
            sync=False,
        )
        return conv

    def append(self, conv: Conversation, answer: Answer) -> Turn:
        """Save a finished turn and add it to ``conv``."""
        data = answer.as_json()
        data["conversation"] = conv.id
        time = datetime.now(UTC).isoformat(timespec="seconds")
        record = {"type": "turn", "question": answer.question, "answer": data, "time": time}
        self._append(conv.id, record)
        return conv.add(answer, time)

    def _append(self, conv_id: str, record: dict[str, Any], *, sync: bool = True) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        line = (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")
        fd = os.open(self._path(conv_id), os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            size = os.fstat(fd).st_size
            if size and os.pread(fd, 1, size - 1) != b"\n":
                # The last write was cut short: start a fresh line, or this one is lost with it.
                line = b"\n" + line
            os.write(fd, line)
            if sync:
                os.fsync(fd)
        finally:
            os.close(fd)

    def load(self, conv_id: str) -> Conversation:
        path = self._path(conv_id)
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            raise AskbriefError(f"no conversation with id {conv_id!r}") from None
        conv = Conversation(conv_id, "", "")
        for line in raw.split(b"\n"):
            try:
                rec = json.loads(line)
            except (ValueError, UnicodeDecodeError):
                continue  # a line cut short by a crash, or damage: keep everything else
            if not isinstance(rec, dict):
                continue
            if rec.get("type") == "meta":
                conv.corpus, conv.created = str(rec.get("corpus", "")), str(rec.get("created", ""))
            elif rec.get("type") == "turn" and isinstance(rec.get("answer"), dict):
                conv.turns.append(
                    Turn(str(rec.get("question", "")), rec["answer"], str(rec.get("time", "")))
                )
        return conv

    def ids(self) -> list[str]:
        """Conversation ids, the most recently used first (the last turn added, or created)."""
        if not self.root.is_dir():
            return []
        found: list[tuple[int, str]] = []
        for p in self.root.glob("*.jsonl"):
            if _ID.match(p.stem):
                try:
                    found.append((p.stat().st_mtime_ns, p.stem))
                except FileNotFoundError:
                    continue  # removed meanwhile
        return [conv_id for _, conv_id in sorted(found, reverse=True)]

    def resolve(self, ref: str) -> str:
        """The id that ``ref`` names: an id, an unambiguous start of one, or ``latest``."""
        ids = self.ids()
        if ref in ("latest", "last") and ids:
            return ids[0]
        if ref in ids:
            return ref
        matches = [i for i in ids if i.startswith(ref)] if ref else []
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            raise AskbriefError(
                f"{ref!r} matches {len(matches)} conversations; give more of the id"
            )
        raise AskbriefError(f"no conversation with id {ref!r} (see 'askbrief history list')")

    def conversations(self) -> Iterator[Conversation]:
        for conv_id in self.ids():
            yield self.load(conv_id)

    def latest(self, corpus: Path | str | None = None) -> Conversation | None:
        """The most recently used conversation (on ``corpus``, when given)."""
        for conv in self.conversations():
            if corpus is None or conv.corpus == str(corpus):
                return conv
        return None

    def delete(self, conv_id: str) -> None:
        try:
            self._path(conv_id).unlink()
        except FileNotFoundError:
            raise AskbriefError(f"no conversation with id {conv_id!r}") from None


def export_markdown(conv: Conversation) -> str:
    """A conversation as Markdown: each question, its answer, and its sources with offsets."""
    out = [f"# {conv.title}", "", f"Corpus: `{conv.corpus}` · started {conv.created}", ""]
    for turn in conv.turns:
        out += [f"## {turn.question}", "", turn.markdown, ""]
        if turn.citations:
            out.append("| [n] | source | line | offsets | quote |")
            out.append("|---|---|---|---|---|")
            for c in turn.citations:
                quote = " ".join(str(c.get("quote", "")).split()).replace("|", "\\|")
                verified = "" if c.get("verified", True) else " (not verified)"
                out.append(
                    f"| {c.get('n')} | {c.get('source')} | {c.get('line')} | "
                    f"{c.get('start')}–{c.get('end')} | {quote}{verified} |"
                )
            out.append("")
    return "\n".join(out)


def export_json(conv: Conversation) -> str:
    """A conversation as one JSON document: its id, corpus, and each turn's ``--json`` answer."""
    data = {
        "id": conv.id,
        "corpus": conv.corpus,
        "created": conv.created,
        "turns": [{"question": t.question, "time": t.time, "answer": t.answer} for t in conv.turns],
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
