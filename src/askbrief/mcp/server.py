"""The MCP server: three tools over one corpus (ask, search, read_source), built on the SDK's
``MCPServer``. Every answer carries its citations as structured content; every failure is a tool
error with a one-line message, and the server goes on serving.

Nothing but the protocol goes to stdout: the SDK's stdio transport diverts file descriptor 1 to
stderr while it serves, and askbrief's own notes go to stderr.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.types import CallToolResult, TextContent, ToolAnnotations
from pydantic import BaseModel, Field

from .. import __version__
from ..api import MAX_CONTEXT_CHARS, MAX_SEARCH_K, Corpus
from ..errors import AskbriefError
from .messages import one_line_errors

__all__ = ["build_server", "run_stdio"]

T = TypeVar("T")

ASK = """Answer a question from the user's own documents (the askbrief corpus "{name}").
The answer is made only of quotes copied verbatim from the documents, never paraphrased, each
marked [n]. Each citation gives the document it comes from (source: a path relative to the corpus
folder, and its title), the quote, its character offsets start/end into the document's text as
askbrief extracts it (so text[start:end] == quote), the line and, for PDFs, the page. verified is
true when the quote was checked to be exactly that text. When the documents do not answer,
abstained is true and there are no quotes: say so rather than answering from elsewhere. Quote
these passages as they are, with their sources; call read_source to see one in context."""

SEARCH = """Search the user's documents (the askbrief corpus "{name}") with BM25 and return the
k best passages, best first. Each passage is verbatim document text with its source (relative
path), title, section heading, character offsets start/end, line, page and score. Use it to find
material for a question that ask did not answer, or to look beyond the top quotes."""

READ_SOURCE = """Read the text of one document of the askbrief corpus "{name}" between two
character offsets, as citations and search results give them, with up to context_chars characters
on each side: text is exactly the document's text[start:end], so you can check that a quote is
verbatim and see what surrounds it. source is the path relative to the corpus folder, as
citations name it; absolute paths and '..' are refused. changed is true when the file was edited
after it was indexed (its offsets may then no longer match)."""

INSTRUCTIONS = """askbrief answers questions from a folder of the user's documents with verbatim,
cited quotes. Use ask for a question, search for passages, read_source to check a quote in its
document. Quotes are the documents' own words: cite their source when you use them."""


class CitationOut(BaseModel):
    n: int = Field(description="the [n] marker in the answer")
    source: str = Field(description="the document, as a path relative to the corpus folder")
    title: str
    quote: str = Field(description="verbatim: the document's text[start:end]")
    start: int = Field(description="character offset of the quote in the document's text")
    end: int
    line: int = Field(description="1-based line of start")
    page: int | None = Field(description="the PDF page, or null")
    verified: bool = Field(description="the quote is exactly the text at start:end")


class AskOut(BaseModel):
    question: str
    answer: str = Field(description="Markdown: the quotes, each followed by its [n]")
    abstained: bool = Field(description="true when the documents do not answer the question")
    citations: list[CitationOut]
    notices: list[str]


class PassageOut(BaseModel):
    rank: int
    source: str
    title: str
    heading: str
    text: str = Field(description="verbatim: the document's text[start:end]")
    start: int
    end: int
    line: int
    page: int | None
    score: float


class SearchOut(BaseModel):
    query: str
    passages: list[PassageOut]


class SourceOut(BaseModel):
    source: str
    title: str
    start: int
    end: int
    text: str = Field(description="exactly the document's text[start:end]")
    before: str = Field(description="up to context_chars characters before start")
    after: str = Field(description="up to context_chars characters after end")
    length: int = Field(description="characters in the whole document text")
    line: int
    page: int | None
    changed: bool = Field(description="the file changed after it was indexed")


def build_server(corpus: Corpus) -> MCPServer[Any]:
    """The server and its three tools; each call holds a lock, as the corpus is not meant to be
    used by two threads at once (the SDK runs each call in a worker thread)."""
    lock = threading.Lock()
    name = corpus.path.name
    server: MCPServer[Any] = MCPServer(
        "askbrief",
        version=__version__,
        instructions=INSTRUCTIONS,
        log_level="WARNING",
        middleware=[one_line_errors],
    )
    read_only = ToolAnnotations(read_only_hint=True, open_world_hint=False)

    def guarded(work: Callable[[], T]) -> T:
        with lock:
            try:
                return work()
            except AskbriefError as exc:  # the message is written for the caller: one line
                raise ToolError(str(exc)) from None

    @server.tool(name="ask", description=ASK.format(name=name), annotations=read_only)
    def ask(
        question: Annotated[str, Field(description="the question, in natural language")],
    ) -> Annotated[CallToolResult, AskOut]:
        answer = guarded(lambda: corpus.ask(question))
        out = AskOut(
            question=answer.question,
            answer=answer.markdown,
            abstained=answer.abstained,
            citations=[
                CitationOut(
                    n=c.n,
                    source=c.source,
                    title=c.title,
                    quote=c.quote,
                    start=c.start,
                    end=c.end,
                    line=c.line,
                    page=c.page,
                    verified=c.verified,
                )
                for c in answer.citations
            ],
            notices=list(answer.notices),
        )
        return _result(_answer_text(out), out)

    @server.tool(name="search", description=SEARCH.format(name=name), annotations=read_only)
    def search(
        query: Annotated[str, Field(description="words to search for")],
        k: Annotated[int, Field(description=f"passages to return, 1 to {MAX_SEARCH_K}")] = 5,
    ) -> Annotated[CallToolResult, SearchOut]:
        found = guarded(lambda: corpus.search(query, k))
        out = SearchOut(query=query, passages=[PassageOut(**r.as_json()) for r in found])  # type: ignore[arg-type]
        lines = [
            f"[{p.rank}] {p.source}, line {p.line}, offsets {p.start}-{p.end} "
            f"(score {p.score:.2f}):\n{p.text.strip()}"
            for p in out.passages
        ]
        return _result("\n\n".join(lines) or "no passage matches the query", out)

    @server.tool(
        name="read_source", description=READ_SOURCE.format(name=name), annotations=read_only
    )
    def read_source(
        source: Annotated[str, Field(description="the document, as a citation names it")],
        start: Annotated[int, Field(description="character offset where the span starts")],
        end: Annotated[int, Field(description="character offset where the span ends")],
        context_chars: Annotated[
            int, Field(description=f"characters of context each side, 0 to {MAX_CONTEXT_CHARS}")
        ] = 300,
    ) -> Annotated[CallToolResult, SourceOut]:
        got = guarded(lambda: corpus.read_source(source, start, end, context_chars))
        out = SourceOut(**got.as_json())  # type: ignore[arg-type]
        note = " (the file changed after it was indexed)" if out.changed else ""
        text = (
            f"{out.source}, line {out.line}, offsets {out.start}-{out.end} of {out.length}{note}:"
            f"\n{out.before}«{out.text}»{out.after}"
        )
        return _result(text, out)

    return server


def _result(text: str, structured: BaseModel) -> CallToolResult:
    return CallToolResult(
        content=[TextContent(type="text", text=text)],
        structured_content=structured.model_dump(mode="json"),
    )


def _answer_text(out: AskOut) -> str:
    """The answer as a model reads it without the structured content: the Markdown the CLI
    prints (quotes, then sources), then where each quote sits in its document."""
    lines = [out.answer]
    if out.citations:
        lines += ["", "Offsets (text[start:end] of each source is the quote):"]
        for c in out.citations:
            flag = "verified" if c.verified else "NOT VERIFIED"
            lines.append(f"[{c.n}] {c.source}: {c.start}-{c.end} ({flag})")
    lines += [f"note: {n}" for n in out.notices]
    return "\n".join(lines)


def run_stdio(corpus: Corpus) -> int:
    """Open the index first (so the first question is quick, and a broken corpus is reported at
    once on stderr), then serve until the client closes stdin."""
    try:
        report = corpus.index()
        print(
            f"askbrief mcp: serving {corpus.path} ({report.passages} passages) on stdio",
            file=sys.stderr,
        )
    except AskbriefError as exc:  # still serve: each tool call reports it to the agent
        print(f"askbrief mcp: {exc}", file=sys.stderr)
    build_server(corpus).run("stdio")
    return 0
