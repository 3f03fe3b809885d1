"""Backends against real servers on 127.0.0.1: streaming, every failure as one clear line with
no secret in it, the registry, plugins, and generate_answer's verify-or-fall-back contract."""

from __future__ import annotations

import shutil
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import NoReturn

import pytest

from askbrief.answers.generate import generate_answer
from askbrief.backends import (
    AnswerCutOff,
    BackendRequest,
    Source,
    Turn,
    available_backends,
    load_backend,
)
from askbrief.config import BackendSettings, Settings
from askbrief.errors import BackendError, ConfigError
from askbrief.types import Answer, Hit, Passage
from llm_servers import (
    Behaviour,
    LLMServer,
    closed_port_url,
    ollama_stream,
    openai_stream,
    raw_stream,
    silent,
    status,
    trickle,
)

SECRET = "sk-test-SECRET-123"
KEY_ENV = "ASKBRIEF_TEST_API_KEY"
PLUGIN_DIR = Path(__file__).parent / "example_plugin"

DOC = (
    "The lighthouse keeper lit the lamp at dusk every day.\n"
    "Ships passing the cape relied on the beam to find the harbour."
)
PASSAGES = (
    Passage(1, "keeper.md", "Keeper", 0, 53, 1, None, "", DOC[:53]),
    Passage(2, "keeper.md", "Keeper", 54, len(DOC), 2, None, "", DOC[54:]),
)
HITS = (Hit(PASSAGES[0], 3.0), Hit(PASSAGES[1], 2.0))
ANSWER_CHUNKS = ["The keeper ", '"lit the lamp at ', 'dusk every day" [1', "]."]


@pytest.fixture(autouse=True)
def api_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(KEY_ENV, SECRET)
    for var in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(var, raising=False)


def backend_settings(base_url: str, name: str = "openai", **overrides: object) -> BackendSettings:
    values: dict[str, object] = {
        "name": name,
        "base_url": base_url,
        "model": "test-model",
        "api_key_env": KEY_ENV,
        "timeout": 5,
    }
    values.update(overrides)
    return BackendSettings.model_validate(values)


def request() -> BackendRequest:
    sources = (Source(1, PASSAGES[0]),)
    return BackendRequest("When?", sources, (), ({"role": "user", "content": "When?"},))


def extractive_answer() -> Answer:
    return Answer("When?", "extractive text [1]", False, (), backend="extractive")


def stream_all(settings: BackendSettings) -> list[str]:
    return list(load_backend(settings).stream(request()))


# --- streaming ---------------------------------------------------------------------------


def test_openai_streams_chunks_in_order_and_sends_model_messages_and_key() -> None:
    with LLMServer(openai_stream(ANSWER_CHUNKS)) as server:
        chunks = stream_all(backend_settings(server.url + "/v1", max_tokens=123))
    assert chunks == ANSWER_CHUNKS
    sent = server.requests[0]
    assert sent.path == "/v1/chat/completions"
    assert sent.headers["Authorization"] == f"Bearer {SECRET}"
    assert sent.body["model"] == "test-model"
    assert sent.body["stream"] is True
    assert sent.body["max_tokens"] == 123
    assert sent.body["messages"] == [{"role": "user", "content": "When?"}]


def test_ollama_streams_ndjson_chunks_from_api_chat() -> None:
    with LLMServer(ollama_stream(ANSWER_CHUNKS)) as server:
        chunks = stream_all(backend_settings(server.url, name="ollama"))
    assert chunks == ANSWER_CHUNKS
    sent = server.requests[0]
    assert sent.path == "/api/chat"
    assert sent.body["stream"] is True
    assert sent.body["options"]["num_predict"] == 800


def test_openai_ignores_comments_role_events_and_event_fields() -> None:
    body = (
        ": hello\n\nevent: message\nid: 1\n"
        'data: {"choices":[{"delta":{"content":"a"}}]}\r\n\r\n'
        "retry: 10\n\n"
        'data: {"choices":[{"delta":{"content":"b"},"finish_reason":"stop"}]}\n\n'
    )
    with LLMServer(raw_stream(body)) as server:
        assert stream_all(backend_settings(server.url)) == ["a", "b"]


# --- failures ----------------------------------------------------------------------------

FAULTS: list[tuple[str, list[Behaviour], dict[str, object], str]] = [
    ("401", [status(401, {"error": {"message": f"bad key {SECRET}"}})], {},
     f"rejected the API key (HTTP 401): check the API key in ${KEY_ENV}"),
    ("403", [status(403, f"forbidden for {SECRET}")], {}, "rejected the API key (HTTP 403)"),
    ("404", [status(404, {"error": {"message": "The model `test-model` does not exist"}})], {},
     "HTTP 404 (not found): check backend.base_url and backend.model ('test-model')"),
    ("429 forever", [status(429, {}, {"Retry-After": "0"})], {"retries": 2},
     "still rate limiting requests (HTTP 429) after 2 retries"),
    ("429 past timeout", [status(429, {}, {"Retry-After": "60"})], {},
     "asked to retry in 60 s (HTTP 429), past the 5 s timeout"),
    ("500", [status(500, {"error": f"boom {SECRET}"})], {}, "server error (HTTP 500): boom ****"),
    ("malformed json", [raw_stream('data: {"choices": [\n\n')], {},
     "malformed stream from http://127.0.0.1:"),
    ("error event", [raw_stream(f'data: {{"error": {{"message": "no {SECRET}"}}}}\n\n')], {},
     "reported an error: no ****"),
    ("hang up mid-body", [openai_stream(ANSWER_CHUNKS[:2], hang_up=True)], {},
     "ended before the answer was complete"),
    ("no [DONE] nor finish", [openai_stream(ANSWER_CHUNKS, finish=None, done=False)], {},
     "ended before the answer was complete"),
    ("never answers", [silent()], {"timeout": 1}, "no answer from http://127.0.0.1:"),
    ("trickles forever", [trickle(0.3)], {"timeout": 1}, "did not finish within 1 s"),
    ("trickles headers", [trickle(0.3, in_headers=True)], {"timeout": 1}, "within 1 s"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("behaviours", "overrides", "expected"),
    [pytest.param(b, o, e, id=i) for i, b, o, e in FAULTS],
)
def test_openai_failure_is_one_clear_line_without_the_key(
    behaviours: list[Behaviour], overrides: dict[str, object], expected: str
) -> None:
    started = time.monotonic()
    with LLMServer(*behaviours) as server, pytest.raises(BackendError) as caught:
        stream_all(backend_settings(server.url + "/v1", **overrides))
    message = str(caught.value)
    assert expected in message
    assert SECRET not in message
    assert "\n" not in message
    assert time.monotonic() - started < 2.5


def test_connection_refused_names_the_server() -> None:
    url = closed_port_url()
    with pytest.raises(BackendError, match=r"^cannot connect to http://127\.0\.0\.1:\d+ \(conn"):
        stream_all(backend_settings(url + "/v1"))


def test_an_unknown_host_name_is_said_plainly(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_such_host(*args: object, **kwargs: object) -> NoReturn:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_such_host)
    with pytest.raises(BackendError) as caught:
        stream_all(backend_settings("http://llm.example.invalid:8080/v1"))
    assert str(caught.value) == (
        "cannot connect to http://llm.example.invalid:8080 (host name not found)"
    )


def test_credentials_in_the_base_url_are_never_shown() -> None:
    with LLMServer(status(404)) as server, pytest.raises(BackendError) as caught:
        url = server.url.replace("http://", f"http://user:{SECRET}@")
        stream_all(backend_settings(url + "/v1"))
    assert SECRET not in str(caught.value)
    assert f"{server.url}/v1/chat/completions answered HTTP 404" in str(caught.value)


def test_rate_limit_honours_retry_after_then_succeeds() -> None:
    started = time.monotonic()
    with LLMServer(status(429, {}, {"Retry-After": "1"}), openai_stream(["ok"])) as server:
        assert stream_all(backend_settings(server.url)) == ["ok"]
    assert len(server.requests) == 2
    assert 0.9 < time.monotonic() - started < 3


def test_rate_limit_retries_are_bounded_by_config() -> None:
    with LLMServer(status(429, {}, {"Retry-After": "0"})) as server, pytest.raises(BackendError):
        stream_all(backend_settings(server.url, retries=2))
    assert len(server.requests) == 3


def test_server_error_is_retried_once_at_most() -> None:
    with (
        LLMServer(status(503, {}, {"Retry-After": "0"})) as server,
        pytest.raises(BackendError, match=r"HTTP 503"),
    ):
        stream_all(backend_settings(server.url))
    assert len(server.requests) == 2


def test_unset_key_variable_is_named_not_guessed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(KEY_ENV)
    with LLMServer(openai_stream(["x"])) as server, pytest.raises(BackendError) as caught:
        stream_all(backend_settings(server.url))
    assert str(caught.value) == f"${KEY_ENV} is not set (backend.api_key_env names it)"
    assert server.requests == []


def test_key_from_the_config_file_is_sent_and_named_as_such() -> None:
    settings = backend_settings("", api_key_env=None, api_key=SECRET)
    with LLMServer(status(401)) as server, pytest.raises(BackendError) as caught:
        stream_all(settings.model_copy(update={"base_url": server.url}))
    assert server.requests[0].headers["Authorization"] == f"Bearer {SECRET}"
    assert "check the API key in backend.api_key in the config file" in str(caught.value)
    assert SECRET not in str(caught.value)


def test_finish_reason_length_is_reported_after_the_text() -> None:
    got: list[str] = []
    with (
        LLMServer(openai_stream(ANSWER_CHUNKS, finish="length")) as server,
        pytest.raises(AnswerCutOff, match=r"cut off at max_tokens \(800\)"),
    ):
        got.extend(load_backend(backend_settings(server.url)).stream(request()))
    assert got == ANSWER_CHUNKS


@pytest.mark.parametrize(
    ("behaviour", "expected"),
    [
        (status(404, {"error": "model 'test-model' not found"}), "model 'test-model' not found"),
        (raw_stream('{"error": "out of memory"}\n', "application/x-ndjson"), "out of memory"),
        (raw_stream("not json\n", "application/x-ndjson"), "malformed stream"),
        (ollama_stream(["a"], done=False), "ended before the answer was complete"),
        (ollama_stream(["a"], hang_up=True), "ended before the answer was complete"),
    ],
    ids=["404", "error line", "bad line", "no done", "hang up"],
)
def test_ollama_failure_is_one_clear_line(behaviour: Behaviour, expected: str) -> None:
    with LLMServer(behaviour) as server, pytest.raises(BackendError, match=expected):
        stream_all(backend_settings(server.url, name="ollama"))


def test_ollama_done_reason_length_is_a_cut_off() -> None:
    with (
        LLMServer(ollama_stream(["a"], done_reason="length")) as server,
        pytest.raises(AnswerCutOff),
    ):
        stream_all(backend_settings(server.url, name="ollama"))


@pytest.mark.parametrize("name", ["openai", "ollama"])
def test_http_backend_without_a_model_is_a_config_error(name: str) -> None:
    with pytest.raises(ConfigError, match="needs backend.model"):
        load_backend(backend_settings("http://127.0.0.1:1", name=name, model=None))


def test_base_url_without_scheme_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="must start with http"):
        load_backend(backend_settings("127.0.0.1:8080/v1"))


# --- registry and plugins ------------------------------------------------------------------


def test_built_in_backends_are_registered_through_entry_points() -> None:
    assert {"extractive", "openai", "ollama"} <= set(available_backends())


def test_unknown_backend_is_a_config_error_listing_available_names() -> None:
    with pytest.raises(ConfigError, match=r"unknown backend 'nope'.*extractive, ollama, openai"):
        load_backend(BackendSettings(name="nope"))


def test_extractive_backend_does_not_pretend_to_stream() -> None:
    backend = load_backend(BackendSettings())
    assert backend.name == "extractive"
    with pytest.raises(NotImplementedError):
        next(iter(backend.stream(request())))


@pytest.fixture
def echo_plugin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The example plugin made importable with its entry point, as pip would install it."""
    shutil.copy(PLUGIN_DIR / "askbrief_echo.py", tmp_path / "askbrief_echo.py")
    info = tmp_path / "askbrief_echo-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: askbrief-echo\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text(
        "[askbrief.backends]\necho = askbrief_echo:EchoBackend\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    yield
    monkeypatch.delitem(__import__("sys").modules, "askbrief_echo", raising=False)


@pytest.mark.usefixtures("echo_plugin")
def test_plugin_backend_is_found_and_its_answer_verified() -> None:
    assert "echo" in available_backends()
    settings = Settings(backend=BackendSettings(name="echo"))
    answer = generate_answer("When?", HITS, settings, fallback=extractive_answer)
    assert answer.backend == "echo"
    assert answer.markdown.startswith("The first source says")
    assert [c.verified for c in answer.citations] == [True]
    assert answer.citations[0].quote == "The lighthouse keeper lit the lamp at dusk"
    assert answer.notices == ()


# --- generate_answer -----------------------------------------------------------------------


def test_generate_streams_to_on_text_and_verifies_the_quote() -> None:
    shown: list[str] = []
    with LLMServer(openai_stream(ANSWER_CHUNKS)) as server:
        settings = Settings(backend=backend_settings(server.url))
        answer = generate_answer(
            "When?", HITS, settings, on_text=shown.append, fallback=extractive_answer
        )
    assert shown == ANSWER_CHUNKS
    assert answer.markdown == "".join(ANSWER_CHUNKS)
    assert answer.backend == "openai"
    assert not answer.abstained
    assert answer.sent_passages == (1, 2)
    (citation,) = answer.citations
    assert citation.verified
    assert DOC[citation.start : citation.end] == citation.quote == "lit the lamp at dusk every day"
    assert answer.notices == ()


def test_generate_sends_history_turns_before_the_question() -> None:
    with LLMServer(openai_stream(ANSWER_CHUNKS)) as server:
        settings = Settings(backend=backend_settings(server.url))
        generate_answer(
            "When?",
            HITS,
            settings,
            history=[Turn("Who?", "The keeper [1].")],
            fallback=extractive_answer,
        )
    roles = [m["role"] for m in server.requests[0].body["messages"]]
    assert roles == ["system", "user", "assistant", "user"]


def test_generate_flags_a_quote_the_source_does_not_contain() -> None:
    with LLMServer(openai_stream(['It says "the lamp was blue" [1].'])) as server:
        settings = Settings(backend=backend_settings(server.url))
        answer = generate_answer("When?", HITS, settings, fallback=extractive_answer)
    assert [c.verified for c in answer.citations] == [False]
    assert any('"the lamp was blue" is not in source 1' in n for n in answer.notices)


def test_generate_falls_back_to_extractive_with_a_notice_on_backend_error() -> None:
    with LLMServer(status(500)) as server:
        settings = Settings(backend=backend_settings(server.url, retries=0))
        answer = generate_answer("When?", HITS, settings, fallback=extractive_answer)
    assert answer.backend == "extractive"
    assert answer.markdown == "extractive text [1]"
    (notice,) = answer.notices
    assert notice.startswith("openai backend failed: ")
    assert notice.endswith("; showing the extractive answer instead")
    assert SECRET not in notice


def test_generate_keeps_a_cut_off_answer_with_a_notice() -> None:
    with LLMServer(openai_stream(ANSWER_CHUNKS, finish="length")) as server:
        settings = Settings(backend=backend_settings(server.url))
        answer = generate_answer("When?", HITS, settings, fallback=extractive_answer)
    assert answer.backend == "openai"
    assert answer.citations[0].verified
    assert any("cut off at max_tokens" in n for n in answer.notices)


def test_generate_marks_an_answer_citing_nothing_as_abstained() -> None:
    with LLMServer(openai_stream(["The sources do not say."])) as server:
        settings = Settings(backend=backend_settings(server.url))
        answer = generate_answer("When?", HITS, settings, fallback=extractive_answer)
    assert answer.abstained
    assert answer.citations == ()


def test_generate_without_hits_never_calls_the_backend() -> None:
    with LLMServer(openai_stream(ANSWER_CHUNKS)) as server:
        settings = Settings(backend=backend_settings(server.url))
        answer = generate_answer("When?", (), settings, fallback=extractive_answer)
    assert answer == extractive_answer()
    assert server.requests == []


def test_generate_with_the_extractive_backend_returns_the_fallback() -> None:
    answer = generate_answer("When?", HITS, Settings(), fallback=extractive_answer)
    assert answer == extractive_answer()


def test_generate_raises_config_errors_instead_of_hiding_them() -> None:
    settings = Settings(backend=BackendSettings(name="nope"))
    with pytest.raises(ConfigError):
        generate_answer("When?", HITS, settings, fallback=extractive_answer)


# --- cancelling ------------------------------------------------------------------------------


@pytest.mark.parametrize("behaviour", [silent(), trickle(0.2)], ids=["silent", "trickle"])
def test_cancel_stops_a_stalled_stream_at_once_not_at_the_timeout(behaviour: Behaviour) -> None:
    import threading
    import time

    from askbrief.cancel import Cancelled, CancelToken

    token = CancelToken()
    with LLMServer(behaviour) as server:
        settings = Settings(backend=backend_settings(server.url, timeout=30))
        threading.Timer(0.4, token.cancel).start()
        started = time.monotonic()
        with pytest.raises(Cancelled):
            generate_answer("When?", HITS, settings, fallback=extractive_answer, cancel=token)
    assert time.monotonic() - started < 3


def test_cancel_between_chunks_stops_streaming() -> None:
    from askbrief.cancel import Cancelled, CancelToken

    token = CancelToken()
    shown: list[str] = []

    def on_text(chunk: str) -> None:
        shown.append(chunk)
        token.cancel()

    with LLMServer(openai_stream(ANSWER_CHUNKS)) as server:
        settings = Settings(backend=backend_settings(server.url))
        with pytest.raises(Cancelled):
            generate_answer(
                "When?", HITS, settings, on_text=on_text, fallback=extractive_answer, cancel=token
            )
    assert len(shown) == 1
