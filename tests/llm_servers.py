"""Real HTTP servers on 127.0.0.1 that play an LLM's part, one scripted behaviour per request.

    with LLMServer(openai_stream(["Hello ", "world"])) as server:
        settings = BackendSettings(name="openai", base_url=server.url + "/v1", model="m")

Behaviours are queued; the last one repeats once the queue is down to it. Each request is
recorded (path, headers, JSON body) so tests can check what a backend sent.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

__all__ = [
    "Behaviour",
    "LLMServer",
    "Recorded",
    "closed_port_url",
    "ollama_stream",
    "openai_stream",
    "raw_stream",
    "silent",
    "status",
    "trickle",
]

Behaviour = Callable[["_Handler"], None]


@dataclass(frozen=True)
class Recorded:
    path: str
    headers: dict[str, str]
    body: Any


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    owner: LLMServer


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        pass

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length)
        try:
            body = json.loads(raw)
        except ValueError:
            body = raw
        owner = self.server.owner
        owner.requests.append(Recorded(self.path, dict(self.headers), body))
        owner.next_behaviour()(self)

    # Helpers the behaviours use.
    @property
    def stopping(self) -> threading.Event:
        return self.server.owner.stopping

    def start_chunked(self, content_type: str, code: int = 200) -> None:
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()

    def chunk(self, data: str | bytes) -> None:
        payload = data.encode() if isinstance(data, str) else data
        self.wfile.write(f"{len(payload):x}\r\n".encode() + payload + b"\r\n")
        self.wfile.flush()

    def end_chunked(self) -> None:
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()

    def hang_up(self) -> None:
        """Close the connection mid-body, as a crashed server would."""
        self.wfile.flush()
        self.close_connection = True
        self.connection.shutdown(socket.SHUT_RDWR)


class LLMServer:
    """A threaded server on port 0 of 127.0.0.1; use it as a context manager."""

    def __init__(self, *behaviours: Behaviour) -> None:
        self.behaviours = list(behaviours)
        self.requests: list[Recorded] = []
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.owner = self
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,))
        self._thread.daemon = True

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def next_behaviour(self) -> Behaviour:
        with self._lock:
            if not self.behaviours:
                return status(500, {"error": "no behaviour queued"})
            return self.behaviours.pop(0) if len(self.behaviours) > 1 else self.behaviours[0]

    def __enter__(self) -> LLMServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


def closed_port_url() -> str:
    """A URL nothing listens on, so connecting is refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def status(code: int, body: Any = None, headers: dict[str, str] | None = None) -> Behaviour:
    """A plain response: ``code``, a JSON (or raw text) body and extra headers."""

    def play(h: _Handler) -> None:
        payload = (
            body.encode()
            if isinstance(body, str)
            else json.dumps(body if body is not None else {}).encode()
        )
        h.send_response(code)
        h.send_header("Content-Type", "application/json")
        h.send_header("Content-Length", str(len(payload)))
        for key, value in (headers or {}).items():
            h.send_header(key, value)
        h.end_headers()
        h.wfile.write(payload)

    return play


def _openai_event(content: str | None = None, finish: str | None = None) -> str:
    delta = {} if content is None else {"content": content}
    event = {
        "id": "chatcmpl-test",
        "object": "chat.completion.chunk",
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }
    return f"data: {json.dumps(event)}\n\n"


def openai_stream(
    chunks: Sequence[str],
    *,
    finish: str | None = "stop",
    done: bool = True,
    hang_up: bool = False,
    delay: float = 0.0,
) -> Behaviour:
    """An OpenAI SSE stream: a role event, a keep-alive comment, one event per chunk (the first
    split over two ``data:`` lines), the finish event, ``[DONE]``. ``hang_up`` closes the
    connection after the chunks, without finishing the HTTP body."""

    def play(h: _Handler) -> None:
        h.start_chunked("text/event-stream")
        h.chunk('data: {"choices":[{"index":0,"delta":{"role":"assistant"}}]}\n\n')
        h.chunk(": keep-alive\n\n")
        for i, text in enumerate(chunks):
            event = _openai_event(text)
            if i == 0:  # multi-line data: the JSON split where a newline is only whitespace
                head, _, tail = event.partition('"choices": ')
                event = f'{head}\ndata: "choices": {tail}'
            h.chunk(event)
            if delay:
                time.sleep(delay)
        if hang_up:
            h.hang_up()
            return
        if finish is not None:
            h.chunk(_openai_event(finish=finish))
        if done:
            h.chunk("data: [DONE]\n\n")
        h.end_chunked()

    return play


def raw_stream(text: str, content_type: str = "text/event-stream") -> Behaviour:
    """Exactly ``text`` as a streamed body (for malformed streams)."""

    def play(h: _Handler) -> None:
        h.start_chunked(content_type)
        h.chunk(text)
        h.end_chunked()

    return play


def ollama_stream(
    chunks: Sequence[str],
    *,
    done: bool = True,
    done_reason: str = "stop",
    hang_up: bool = False,
) -> Behaviour:
    """Ollama's NDJSON: one ``{"message": ..., "done": false}`` line per chunk, then done."""

    def play(h: _Handler) -> None:
        h.start_chunked("application/x-ndjson")
        for text in chunks:
            line = {"model": "m", "message": {"role": "assistant", "content": text}, "done": False}
            h.chunk(json.dumps(line) + "\n")
        if hang_up:
            h.hang_up()
            return
        if done:
            last = {"model": "m", "message": {"role": "assistant", "content": ""}, "done": True}
            h.chunk(json.dumps({**last, "done_reason": done_reason}) + "\n")
        h.end_chunked()

    return play


def silent() -> Behaviour:
    """Accept the request and never answer (until the server stops)."""

    def play(h: _Handler) -> None:
        h.stopping.wait(30)
        h.close_connection = True

    return play


def trickle(interval: float = 0.3, *, in_headers: bool = False) -> Behaviour:
    """Send one byte every ``interval`` seconds forever: of an endless SSE comment after a 200,
    or (``in_headers``) of an endless header line, which no per-read timeout ever catches."""

    def play(h: _Handler) -> None:
        if in_headers:
            h.wfile.write(b"HTTP/1.1 200 OK\r\nX-Slow: ")
        else:
            h.start_chunked("text/event-stream")
        try:
            while not h.stopping.wait(interval):
                if in_headers:
                    h.wfile.write(b"a")
                    h.wfile.flush()
                else:
                    h.chunk(b":")
        except OSError:
            pass  # the client gave up, as it should
        h.close_connection = True

    return play
