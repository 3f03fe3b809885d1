"""``askbrief mcp`` driven by the official SDK's own stdio client, as an agent drives it: three
tools, answers checked against the documents, and every bad call a one-line tool error."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from mcp import ClientSession, StdioServerParameters, stdio_client
from mcp.types import CallToolResult, TextContent

from askbrief.resources import bundled_dir
from conftest import REPO, write_corpus

TRADE = "What annual trade target did Xi and Putin agree on?"
TRADE_SOURCE = "003_5d636d802b44493d.txt"


def document_text(root: Path, source: str) -> str:
    """A UTF-8 text file as askbrief reads it: universal newlines."""
    return (root / source).read_text(encoding="utf-8")


@asynccontextmanager
async def connect(
    tmp_path: Path, *args: str, problems: list[object] | None = None
) -> AsyncIterator[ClientSession]:
    """A client session with a fresh ``askbrief mcp`` process; its stderr goes to a file."""
    env = {k: v for k, v in os.environ.items() if k.startswith(("XDG_", "ASKBRIEF_"))}
    server = StdioServerParameters(
        command=sys.executable, args=["-m", "askbrief.cli", "mcp", *args], env=env
    )
    seen = problems if problems is not None else []

    async def on_message(message: object) -> None:
        if isinstance(message, Exception):  # a line on stdout that is not the protocol
            seen.append(message)

    with (tmp_path / "server-stderr.txt").open("w") as errlog:
        async with (
            stdio_client(server, errlog=errlog) as (read, write),
            ClientSession(read, write, message_handler=on_message) as session,
        ):
            await session.initialize()
            yield session


def text_of(result: CallToolResult) -> str:
    return "".join(c.text for c in result.content if isinstance(c, TextContent))


async def call(session: ClientSession, tool: str, **arguments: Any) -> CallToolResult:
    return await session.call_tool(tool, arguments, read_timeout_seconds=60)


async def test_lists_three_tools_whose_descriptions_say_quotes_are_verbatim(
    tmp_path: Path,
) -> None:
    async with connect(tmp_path) as session:
        tools = {t.name: t for t in (await session.list_tools()).tools}
    assert set(tools) == {"ask", "search", "read_source"}
    assert "verbatim" in (tools["ask"].description or "")
    assert "source" in (tools["ask"].description or "")
    assert "text[start:end]" in (tools["read_source"].description or "")
    assert tools["ask"].input_schema["required"] == ["question"]
    assert set(tools["read_source"].input_schema["required"]) == {"source", "start", "end"}
    assert tools["ask"].output_schema is not None
    assert all(t.annotations and t.annotations.read_only_hint for t in tools.values())


async def test_ask_gives_the_250_billion_quote_and_read_source_the_same_text(
    tmp_path: Path,
) -> None:
    seeds = bundled_dir("seeds")
    problems: list[object] = []
    async with connect(tmp_path, problems=problems) as session:
        answer = await call(session, "ask", question=TRADE)
        assert not answer.is_error, text_of(answer)
        data = answer.structured_content or {}
        first = data["citations"][0]
        assert data["abstained"] is False
        assert "$250 billion" in first["quote"] and first["source"] == TRADE_SOURCE
        assert first["verified"] is True and first["line"] == 111
        text = document_text(seeds, first["source"])
        assert text[first["start"] : first["end"]] == first["quote"]
        assert first["quote"] in text_of(answer)  # the plain text carries the quote too
        assert f"{first['start']}-{first['end']}" in text_of(answer)

        shown = await call(
            session,
            "read_source",
            source=first["source"],
            start=first["start"],
            end=first["end"],
            context_chars=40,
        )
        got = shown.structured_content or {}
        assert not shown.is_error and got["text"] == first["quote"]
        assert got["before"] == text[first["start"] - 40 : first["start"]]
        assert got["after"] == text[first["end"] : first["end"] + 40]
        assert got["length"] == len(text) and got["changed"] is False
    assert problems == []  # nothing but the protocol came out on stdout


async def test_search_returns_ranked_passages_of_document_text(tmp_path: Path) -> None:
    seeds = bundled_dir("seeds")
    async with connect(tmp_path) as session:
        result = await call(session, "search", query="Yun Sun Stimson Center", k=3)
    passages = (result.structured_content or {})["passages"]
    assert [p["rank"] for p in passages] == [1, 2, 3]
    assert [p["score"] for p in passages] == sorted((p["score"] for p in passages), reverse=True)
    assert "Yun Sun" in passages[0]["text"]
    for p in passages:
        assert document_text(seeds, p["source"])[p["start"] : p["end"]] == p["text"]


BAD_CALLS = [
    ("ask", {"question": ""}, "the question is empty"),
    ("ask", {"question": " \t\n "}, "the question is empty"),
    ("ask", {}, "invalid arguments: question: Field required"),
    ("search", {"query": "trade", "k": 0}, "k must be a whole number of passages, 1 or more"),
    ("search", {"query": "trade", "k": "many"}, "invalid arguments: k: Input should be"),
    ("read_source", {"source": "nope.txt", "start": 0, "end": 5}, "unknown source 'nope.txt'"),
    ("read_source", {"source": "../secret.txt", "start": 0, "end": 5}, "outside the corpus"),
    ("read_source", {"source": "/etc/passwd", "start": 0, "end": 5}, "outside the corpus"),
    ("read_source", {"source": "a.txt", "start": 0, "end": 10_000}, "out of range"),
    ("read_source", {"source": "a.txt", "start": 9, "end": 3}, "out of range"),
    ("read_source", {"source": "a.txt", "start": -1, "end": 3}, "start must be"),
    (
        "read_source",
        {"source": "a.txt", "start": 0, "end": 3, "context_chars": 10**9},
        "context_chars must be at most",
    ),
]


async def test_bad_calls_are_one_line_tool_errors_and_the_server_goes_on(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "c", {"a.txt": "Otters hold hands while they sleep.\n"})
    write_corpus(tmp_path, {"secret.txt": "the key is 1234"})
    async with connect(tmp_path, "--corpus", str(corpus)) as session:
        for tool, arguments, expected in BAD_CALLS:
            result = await call(session, tool, **arguments)
            message = text_of(result)
            assert result.is_error, (tool, arguments)
            assert expected in message and "\n" not in message, (tool, arguments, message)
            assert "1234" not in message
        answer = await call(session, "ask", question="What do otters hold?")
    assert not answer.is_error
    assert (answer.structured_content or {})["citations"][0]["source"] == "a.txt"


async def test_an_empty_corpus_is_reported_by_the_tools(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    async with connect(tmp_path, "--corpus", str(tmp_path / "empty")) as session:
        result = await call(session, "ask", question="anything?")
        again = await call(session, "search", query="anything")
    assert result.is_error and "no readable documents" in text_of(result)
    assert again.is_error and "no readable documents" in text_of(again)
    assert "no readable documents" in (tmp_path / "server-stderr.txt").read_text()


def test_the_example_client_checks_every_quote(tmp_path: Path) -> None:
    p = subprocess.run(
        [sys.executable, str(REPO / "examples" / "mcp_client.py")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert p.returncode == 0, p.stderr
    assert "tools: ask, search, read_source" in p.stdout and "$250 billion" in p.stdout
    assert p.stdout.count("gives the same text: True") >= 1
    assert "gives the same text: False" not in p.stdout
    assert "error=True" in p.stdout
