"""Drive ``askbrief mcp`` with the official MCP SDK's own stdio client, as an agent would.

    python examples/mcp_client.py [CORPUS] ["question"]

It starts the server, lists its tools, asks the question, and checks each quote with
read_source at the cited offsets. Without arguments it asks the bundled samples what annual
trade target Xi and Putin agreed on.
"""

from __future__ import annotations

import os
import sys
from typing import Any

import anyio
from mcp import ClientSession, StdioServerParameters, stdio_client

QUESTION = "What annual trade target did Xi and Putin agree on?"


async def main(corpus: str | None, question: str) -> int:
    args = ["-m", "askbrief.cli", "mcp", *(["--corpus", corpus] if corpus else [])]
    # The SDK passes the server only a few safe variables; askbrief's own settings go along.
    env = {k: v for k, v in os.environ.items() if k.startswith(("XDG_", "ASKBRIEF_"))}
    server = StdioServerParameters(command=sys.executable, args=args, env=env)
    async with stdio_client(server) as (read, write), ClientSession(read, write) as session:
        await session.initialize()
        tools = await session.list_tools()
        print("tools:", ", ".join(tool.name for tool in tools.tools))

        result = await session.call_tool("ask", {"question": question})
        answer: dict[str, Any] = result.structured_content or {}
        print(f"\nask: {question}\n{answer.get('answer')}")
        failures = 0
        for c in answer.get("citations", []):
            print(f"  [{c['n']}] {c['source']} offsets {c['start']}-{c['end']}, line {c['line']}")
            check = await session.call_tool(
                "read_source",
                {"source": c["source"], "start": c["start"], "end": c["end"], "context_chars": 60},
            )
            text = (check.structured_content or {}).get("text")
            same = text == c["quote"]
            failures += not same
            print(f"      read_source at those offsets gives the same text: {same}")

        bad = await session.call_tool(
            "read_source", {"source": "../etc/passwd", "start": 0, "end": 5}
        )
        print(f"\nread_source ../etc/passwd -> error={bad.is_error}: {bad.content[0].text}")  # type: ignore[union-attr]
    return 1 if failures else 0


if __name__ == "__main__":
    corpus = sys.argv[1] if len(sys.argv) > 1 else None
    question = sys.argv[2] if len(sys.argv) > 2 else QUESTION
    sys.exit(anyio.run(main, corpus, question))
