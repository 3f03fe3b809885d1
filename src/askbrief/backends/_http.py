"""HTTP plumbing shared by the OpenAI and Ollama backends.

One overall deadline per answer (a watchdog shuts the socket, so even a server that trickles bytes
cannot outlast it), bounded retries for 429 and 5xx, and every failure turned into a one-line
``BackendError`` that names the server and never carries the API key.
"""

from __future__ import annotations

import codecs
import contextlib
import json
import os
import re
import socket
import threading
import time
from collections.abc import Generator, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from ..cancel import CancelToken
from ..config import BackendSettings
from ..errors import BackendError, ConfigError

__all__ = ["HttpTarget", "chat_endpoint", "resolve_api_key", "scrub", "stream_lines"]

_EXCERPT_CHARS = 160
_ERROR_BODY_BYTES = 4096
_SERVER_ERROR_RETRIES = 1
_TOKENISH = re.compile(r"\b(?:sk|pk|rk|key|tok)[-_][A-Za-z0-9_\-]{8,}|Bearer\s+\S+", re.I)


def scrub(text: str, secret: str | None) -> str:
    """``text`` made safe for one line of an error: no key, no token-like strings, short."""
    if secret:
        text = text.replace(secret, "****")
    text = _TOKENISH.sub("****", text)
    text = " ".join(text.split())
    if len(text) > _EXCERPT_CHARS:
        text = text[: _EXCERPT_CHARS - 1] + "…"
    return text


def resolve_api_key(
    settings: BackendSettings, env: Mapping[str, str] | None = None
) -> tuple[str | None, str]:
    """The API key and where it came from, worded for an error message (never the value).

    ``api_key_env`` wins over ``api_key``; a variable that is named but unset is an error, as
    sending no key would only earn a confusing 401.
    """
    env = os.environ if env is None else env
    if settings.api_key_env:
        value = env.get(settings.api_key_env, "").strip()
        if value:
            return value, f"${settings.api_key_env}"
        if settings.api_key is None:
            raise BackendError(f"${settings.api_key_env} is not set (backend.api_key_env names it)")
    if settings.api_key is not None:
        return settings.api_key.get_secret_value(), "backend.api_key in the config file"
    return None, ""


def chat_endpoint(
    settings: BackendSettings, name: str, default_base: str, path: str, example_model: str
) -> str:
    """The URL a chat backend posts to. A missing model or a bad base_url is a ConfigError when
    the backend is made, not at its first answer."""
    if not settings.model:
        raise ConfigError(f"the {name} backend needs backend.model (e.g. '{example_model}')")
    url = f"{(settings.base_url or default_base).rstrip('/')}{path}"
    HttpTarget(settings, url)
    return url


def _origin(url: httpx.URL) -> str:
    """scheme://host:port, without any user:password@ a URL may carry."""
    port = f":{url.port}" if url.port else ""
    return f"{url.scheme}://{url.host}{port}"


@dataclass
class HttpTarget:
    """One chat endpoint and what its errors should say."""

    settings: BackendSettings
    url: str
    secret: str | None = None
    key_source: str = ""  # "$OPENAI_API_KEY" or "backend.api_key in the config file"
    origin: str = field(init=False)
    shown_url: str = field(init=False)  # origin and path: no user:password@, no query string

    def __post_init__(self) -> None:
        try:
            parsed = httpx.URL(self.url)
        except httpx.InvalidURL as exc:
            raise ConfigError(f"backend.base_url is not a valid URL: {exc}") from None
        if parsed.scheme not in ("http", "https") or not parsed.host:
            raise ConfigError(
                f"backend.base_url must start with http:// or https:// (got {self.url!r})"
            )
        self.origin = _origin(parsed)
        self.shown_url = self.origin + parsed.path

    def headers(self) -> dict[str, str]:
        headers = {"User-Agent": "askbrief"}
        if self.secret:
            headers["Authorization"] = f"Bearer {self.secret}"
        return headers


class _Deadline:
    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.end = time.monotonic() + seconds

    def remaining(self) -> float:
        return max(0.0, self.end - time.monotonic())


class _Watchdog:
    """Shuts the connection's socket down when the deadline passes.

    Per-read timeouts cannot stop a server that sends a byte now and then, and httpx has no
    overall timeout; shutting the socket makes the blocked read return at once.
    """

    def __init__(self, deadline: _Deadline) -> None:
        self.fired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(deadline.remaining(), self._fire)
        self._timer.daemon = True

    def __enter__(self) -> _Watchdog:
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()

    def trace(self, event: str, info: dict[str, Any]) -> None:
        """httpcore's trace hook: remember each socket as it connects."""
        if not event.endswith("connect_tcp.complete"):
            return
        stream = info.get("return_value")
        sock = stream.get_extra_info("socket") if stream is not None else None
        if isinstance(sock, socket.socket):
            with self._lock:
                self._sockets.append(sock)
                if self.fired:
                    _shutdown(sock)

    def _fire(self) -> None:
        with self._lock:
            self.fired = True
            for sock in self._sockets:
                _shutdown(sock)

    def shut(self) -> None:
        """Shut the connection now (the user cancelled), without counting it as a time-out."""
        with self._lock:
            for sock in self._sockets:
                _shutdown(sock)


def _shutdown(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):  # already closed
        sock.shutdown(socket.SHUT_RDWR)


@dataclass
class _Progress:
    received: bool = False  # any body byte arrived, so a timeout means "did not finish"


def _split_lines(chunks: Iterable[bytes]) -> Iterator[str]:
    """Lines of a UTF-8 byte stream split on \\n, \\r\\n or \\r, as server-sent events require."""
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    buffer = ""
    for chunk in chunks:
        buffer += decoder.decode(chunk)
        while True:
            match = re.search(r"\r\n|\r|\n", buffer)
            # A \r at the very end may be the first half of \r\n: wait for the next chunk.
            if match is None or (match.group() == "\r" and match.end() == len(buffer)):
                break
            yield buffer[: match.start()]
            buffer = buffer[match.end() :]
    buffer += decoder.decode(b"", final=True)
    yield from re.split(r"\r\n|\r|\n", buffer) if buffer else ()


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After", "").strip()
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


def _error_excerpt(body: bytes, secret: str | None) -> str:
    """The server's own error message if the body has one (JSON ``error``), else raw text."""
    text = body.decode("utf-8", errors="replace")
    try:
        data = json.loads(text)
    except ValueError:
        data = None
    if isinstance(data, dict):
        err = data.get("error", data.get("detail", data.get("message")))
        if isinstance(err, dict):
            err = err.get("message", err)
        if err:
            text = str(err)
    return scrub(text, secret)


def _read_error_body(response: httpx.Response) -> bytes:
    body = b""
    for chunk in response.iter_bytes():
        body += chunk
        if len(body) >= _ERROR_BODY_BYTES:
            break
    return body[:_ERROR_BODY_BYTES]


def _status_error(target: HttpTarget, status: int, excerpt: str) -> BackendError:
    s = target.settings
    detail = f": {excerpt}" if excerpt else ""
    if status in (401, 403):
        if target.key_source:
            return BackendError(
                f"{target.origin} rejected the API key (HTTP {status}): "
                f"check the API key in {target.key_source}"
            )
        return BackendError(
            f"{target.origin} wants an API key (HTTP {status}): set backend.api_key_env "
            "to the environment variable that holds it"
        )
    if status == 404:
        return BackendError(
            f"{target.shown_url} answered HTTP 404 (not found): check backend.base_url and "
            f"backend.model ({s.model!r}){detail}"
        )
    if status == 429:
        return BackendError(f"{target.origin} is rate limiting requests (HTTP 429){detail}")
    if status >= 500:
        return BackendError(f"{target.origin} had a server error (HTTP {status}){detail}")
    return BackendError(f"{target.origin} refused the request (HTTP {status}){detail}")


def _transport_error(
    target: HttpTarget, exc: httpx.HTTPError, timed_out: bool, progress: _Progress
) -> BackendError:
    s = target.settings
    if isinstance(exc, httpx.ConnectTimeout):
        wait = min(s.connect_timeout, s.timeout)
        return BackendError(f"cannot connect to {target.origin} (no answer within {wait:g} s)")
    if timed_out or isinstance(exc, httpx.TimeoutException):
        if progress.received:
            return BackendError(
                f"the answer from {target.origin} did not finish within {s.timeout:g} s"
            )
        return BackendError(f"no answer from {target.origin} within {s.timeout:g} s")
    if isinstance(exc, httpx.ConnectError):
        return BackendError(f"cannot connect to {target.origin} ({_connect_reason(exc, target)})")
    if isinstance(exc, httpx.RemoteProtocolError):
        return BackendError(f"the stream from {target.origin} ended before the answer was complete")
    reason = scrub(str(exc), target.secret) or type(exc).__name__
    return BackendError(f"lost the connection to {target.origin} ({reason})")


def _connect_reason(exc: BaseException, target: HttpTarget) -> str:
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, ConnectionRefusedError):
            return "connection refused"
        if isinstance(cause, socket.gaierror):
            return "host name not found"
        cause = cause.__cause__ or cause.__context__
    text = str(exc)
    if "Connection refused" in text:
        return "connection refused"
    if "Name or service not known" in text or "nodename nor servname" in text:
        return "host name not found"
    return scrub(text, target.secret) or type(exc).__name__


def stream_lines(
    target: HttpTarget, payload: dict[str, Any], cancel: CancelToken | None = None
) -> Generator[str, None, None]:
    """POST ``payload`` as JSON and yield the response body's lines as they arrive.

    Retries HTTP 429 up to ``settings.retries`` times (honouring Retry-After) and a 5xx once,
    never sleeping past the overall deadline ``settings.timeout``.
    """
    deadline = _Deadline(target.settings.timeout)
    progress = _Progress()
    with _Watchdog(deadline) as watchdog, httpx.Client() as client:
        unhook = cancel.on_cancel(watchdog.shut) if cancel is not None else (lambda: None)
        try:
            yield from _request_lines(target, payload, client, deadline, watchdog, progress, cancel)
        finally:
            unhook()


def _request_lines(
    target: HttpTarget,
    payload: dict[str, Any],
    client: httpx.Client,
    deadline: _Deadline,
    watchdog: _Watchdog,
    progress: _Progress,
    cancel: CancelToken | None,
) -> Generator[str, None, None]:
    s = target.settings
    rate_limited = server_errors = 0
    while True:
        if cancel is not None:
            cancel.raise_if_cancelled()
        if deadline.remaining() <= 0:
            raise BackendError(f"no answer from {target.origin} within {s.timeout:g} s")
        wait: float | None = None
        remaining = deadline.remaining()
        timeout = httpx.Timeout(remaining, connect=min(s.connect_timeout, remaining))
        try:
            with client.stream(
                "POST",
                target.url,
                json=payload,
                headers=target.headers(),
                timeout=timeout,
                extensions={"trace": watchdog.trace},
            ) as response:
                status = response.status_code
                if status < 400:
                    yield from _split_lines(_guarded(response.iter_bytes(), deadline, progress))
                    return
                excerpt = _error_excerpt(_read_error_body(response), target.secret)
                if status == 429 and rate_limited < s.retries:
                    rate_limited += 1
                    wait = _retry_after(response)
                    wait = 2.0 ** (rate_limited - 1) if wait is None else wait
                elif status >= 500 and server_errors < min(_SERVER_ERROR_RETRIES, s.retries):
                    server_errors += 1
                    wait = _retry_after(response) or 0.5
                elif status == 429 and s.retries:
                    raise BackendError(
                        f"{target.origin} is still rate limiting requests (HTTP 429) "
                        f"after {s.retries} {'retry' if s.retries == 1 else 'retries'}"
                    )
                else:
                    raise _status_error(target, status, excerpt)
        except httpx.HTTPError as exc:
            if cancel is not None:
                cancel.raise_if_cancelled()
            raise _transport_error(target, exc, watchdog.fired, progress) from None
        assert wait is not None  # every other branch raised
        if wait >= deadline.remaining():
            raise BackendError(
                f"{target.origin} asked to retry in {wait:g} s (HTTP {status}), "
                f"past the {s.timeout:g} s timeout"
            )
        time.sleep(wait)


def _guarded(chunks: Iterable[bytes], deadline: _Deadline, progress: _Progress) -> Iterator[bytes]:
    """Pass chunks through, stopping at the deadline even if each read is quick."""
    for chunk in chunks:
        progress.received = True
        if deadline.remaining() <= 0:
            raise httpx.ReadTimeout("overall deadline passed")
        yield chunk
