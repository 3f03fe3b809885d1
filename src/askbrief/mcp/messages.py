"""Tool errors as one line: the SDK reports arguments that fail its schema check with pydantic's
multi-line text; an agent (and a log) reads one line better."""

from __future__ import annotations

import re
from typing import Any

from mcp.server import ServerRequestContext
from mcp.server.context import CallNext, HandlerResult
from mcp.types import CallToolResult, TextContent

__all__ = ["one_line", "one_line_errors"]

_PYDANTIC_NOISE = re.compile(r"\s*\[type=[^\]]*\]|\s*For further information visit \S+")


def one_line(message: str) -> str:
    """``message`` on one line. Pydantic's "N validation errors for X" becomes
    "invalid arguments: field: problem; field: problem"."""
    lines = [line for line in _PYDANTIC_NOISE.sub("", message).splitlines() if line.strip()]
    if not lines:
        return "the tool failed"
    head, *rest = lines
    if "validation error" in head and rest:
        prefix = head.split(":", 1)[0] if ":" in head else ""
        problems, field = [], ""
        for line in rest:
            if line.startswith(" "):
                problems.append(f"{field}: {line.strip()}" if field else line.strip())
            else:
                field = line.strip()
        text = "invalid arguments: " + "; ".join(problems)
        return f"{prefix}: {text}" if prefix else text
    return " ".join(line.strip() for line in lines)


async def one_line_errors(
    ctx: ServerRequestContext[Any, Any], call_next: CallNext
) -> HandlerResult:
    """Server middleware: a failed tool call's text is folded onto one line."""
    result = await call_next(ctx)
    if ctx.method != "tools/call":
        return result
    if isinstance(result, CallToolResult) and result.is_error:
        text = " ".join(c.text for c in result.content if isinstance(c, TextContent))
        result.content = [TextContent(type="text", text=one_line(text))]
    elif isinstance(result, dict) and result.get("isError"):  # the wire form, as the SDK passes it
        content = result.get("content") or []
        text = " ".join(str(c.get("text", "")) for c in content if isinstance(c, dict))
        result = {**result, "content": [{"type": "text", "text": one_line(text)}]}
    return result
