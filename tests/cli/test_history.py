"""Saved conversations: append-only files that survive a kill; the ``askbrief history`` verbs."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from askbrief.conversations import ConversationStore, export_json, export_markdown
from askbrief.errors import AskbriefError
from askbrief.types import Answer, Citation
from conftest import run_cli as run


def answer(question: str, quote: str = "The launch code is purple falcon.") -> Answer:
    cite = Citation(
        n=1,
        source="a.md",
        title="Notes",
        quote=quote,
        start=9,
        end=9 + len(quote),
        line=3,
        page=None,
        score=1.0,
    )
    return Answer(question=question, markdown=f"> {quote} [1]", abstained=False, citations=(cite,))


def test_a_conversation_reads_back_as_it_was_written(tmp_path: Path) -> None:
    store = ConversationStore(tmp_path)
    conv = store.new("/corpus")
    store.append(conv, answer("What is the launch code?"))
    store.append(conv, answer("And who set it?", "Ada set it."))
    loaded = store.load(conv.id)
    assert loaded.corpus == "/corpus" and loaded.created == conv.created
    assert [t.question for t in loaded.turns] == ["What is the launch code?", "And who set it?"]
    assert loaded.turns[1].citations[0]["quote"] == "Ada set it."
    assert loaded.turns[0].answer["conversation"] == conv.id


def test_each_turn_is_synced_to_disk_with_the_opening_line_before_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    synced: list[bytes] = []

    def fsync(fd: int) -> None:
        # What a crash right after this sync would leave on disk: the file's whole content.
        synced.append(os.pread(fd, 1 << 16, 0))

    monkeypatch.setattr("askbrief.conversations.os.fsync", fsync)
    store = ConversationStore(tmp_path)
    conv = store.new("/corpus")
    assert synced == []  # a conversation with no turn yet holds nothing worth a sync
    store.append(conv, answer("What is the launch code?"))
    assert len(synced) == 1
    lines = [json.loads(line) for line in synced[0].decode().splitlines()]
    assert [line["type"] for line in lines] == ["meta", "turn"]
    assert lines[0]["id"] == conv.id and lines[1]["question"] == "What is the launch code?"
    store.append(conv, answer("And who set it?", "Ada set it."))
    assert len(synced) == 2 and synced[1].decode().count("\n") == 3


def test_a_turn_cut_short_by_a_kill_loses_only_itself(tmp_path: Path) -> None:
    store = ConversationStore(tmp_path)
    conv = store.new("/corpus")
    store.append(conv, answer("first?"))
    store.append(conv, answer("second?"))
    path = tmp_path / f"{conv.id}.jsonl"
    whole = json.dumps({"type": "turn", "question": "third?", "answer": answer("third?").as_json()})
    with open(path, "ab") as f:
        f.write(whole.encode()[: len(whole) // 2])  # the process died mid-write
    assert [t.question for t in store.load(conv.id).turns] == ["first?", "second?"]
    # The next turn starts on a line of its own rather than being glued to the broken one.
    store.append(conv, answer("fourth?"))
    assert [t.question for t in store.load(conv.id).turns] == ["first?", "second?", "fourth?"]


def test_the_most_recently_used_conversation_comes_first(tmp_path: Path) -> None:
    store = ConversationStore(tmp_path)
    older, newer = store.new("/a"), store.new("/b")
    store.append(newer, answer("q"))
    os.utime(tmp_path / f"{newer.id}.jsonl", ns=(time.time_ns() - 10**9,) * 2)
    store.append(older, answer("continued"))
    assert store.ids()[0] == older.id
    latest = store.latest()
    assert latest is not None and latest.id == older.id


def test_an_id_may_be_shortened_or_given_as_latest(tmp_path: Path) -> None:
    store = ConversationStore(tmp_path)
    conv = store.new("/a")
    assert store.resolve(conv.id) == conv.id
    assert store.resolve(conv.id[:-2]) == conv.id
    assert store.resolve("latest") == conv.id
    with pytest.raises(AskbriefError, match="no conversation"):
        store.resolve("19990101")
    with pytest.raises(AskbriefError, match="no conversation"):
        store.load("../../etc/passwd")


def test_exports_hold_every_question_quote_and_offset(tmp_path: Path) -> None:
    store = ConversationStore(tmp_path)
    conv = store.new("/corpus")
    store.append(conv, answer("What is the launch code?"))
    md = export_markdown(conv)
    assert "## What is the launch code?" in md and "| 1 | a.md | 3 | 9–42 |" in md
    data = json.loads(export_json(conv))
    assert data["id"] == conv.id and data["turns"][0]["answer"]["citations"][0]["start"] == 9


def test_history_list_show_export_and_rm_from_the_command_line(tmp_path: Path) -> None:
    first = run("ask", "--json", "Who is Yun Sun?")
    conv_id = json.loads(first.stdout)["conversation"]
    run("ask", "-c", "Where does she work?")

    listed = run("history", "list")
    assert listed.returncode == 0 and listed.stdout.startswith(conv_id)
    assert "2 turns" in listed.stdout and "Who is Yun Sun?" in listed.stdout

    shown = run("history", "show", conv_id[:-3])
    assert "[1] Who is Yun Sun?" in shown.stdout and "[2] Where does she work?" in shown.stdout

    out = tmp_path / "conv.json"
    exported = run("history", "export", "latest", "--format", "json", "-o", str(out))
    assert exported.returncode == 0, exported.stderr
    assert [t["question"] for t in json.loads(out.read_text())["turns"]] == [
        "Who is Yun Sun?",
        "Where does she work?",
    ]
    md = run("history", "export", conv_id)
    assert md.stdout.startswith("# Who is Yun Sun?")

    removed = run("history", "rm", conv_id)
    assert removed.returncode == 0 and conv_id in removed.stdout
    assert run("history", "list").stdout == ""
    missing = run("history", "show", conv_id)
    assert missing.returncode == 1 and "no conversation" in missing.stderr
