"""The CLI and the REPL with an LLM backend switched on by a config file, against real servers."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from llm_servers import Behaviour, LLMServer, closed_port_url, ollama_stream, openai_stream

SECRET = "sk-test-SECRET-cli-98765"
QUESTION = "Who is Yun Sun?"
INVENTED = ['Yun Sun is "the mayor of Beijing" [1].']
SOURCE_1 = re.compile(r'<source n="1"[^>]*>\n(.*?)\n</source>', re.S)


def first_source_words(h: Any) -> str:
    """The first eight words of source 1 in the request the server just received."""
    messages = h.server.owner.requests[-1].body["messages"]
    match = SOURCE_1.search("\n".join(m["content"] for m in messages))
    assert match, "no <source n=1> block in the prompt"
    return " ".join(match.group(1).split()[:8])


def quoting(stream: Callable[..., Behaviour]) -> Behaviour:
    """A model that quotes the start of source 1 and cites it, as a good model would."""

    def play(h: Any) -> None:
        stream(["The first source says ", f'"{first_source_words(h)}" [1]', "."])(h)

    return play


def write_config(tmp_path: Path, base_url: str, name: str = "openai") -> Path:
    config = tmp_path / "config.toml"
    config.write_text(
        f'[backend]\nname = "{name}"\nbase_url = "{base_url}"\nmodel = "test-model"\n'
        f'api_key_env = "ASKBRIEF_TEST_KEY"\ntimeout = 5\n',
        encoding="utf-8",
    )
    return config


def run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ASKBRIEF_TEST_KEY": SECRET}
    for var in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        env.pop(var, None)
    return subprocess.run(
        [sys.executable, "-m", "askbrief.cli", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )


@pytest.mark.parametrize(
    ("name", "behaviour", "path"),
    [("openai", quoting(openai_stream), "/v1"), ("ollama", quoting(ollama_stream), "")],
)
def test_ask_json_with_a_backend_reports_it_and_verifies_the_quote(
    tmp_path: Path, name: str, behaviour: object, path: str
) -> None:
    with LLMServer(behaviour) as server:  # type: ignore[arg-type]
        p = run(
            "ask",
            "--json",
            "--config",
            str(write_config(tmp_path, server.url + path, name)),
            QUESTION,
        )
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    assert out["backend"] == name
    assert out["answer"].startswith("The first source says ")
    assert out["sent_passages"]
    (citation,) = out["citations"]
    assert citation["verified"] is True
    # the verified quote is the document's own text at its offsets
    seeds = Path(__file__).resolve().parents[2] / "seeds"
    with open(seeds / citation["source"], encoding="utf-8", newline=None) as f:
        assert f.read()[citation["start"] : citation["end"]] == citation["quote"]
    assert SECRET not in p.stdout + p.stderr


def test_a_quote_the_source_lacks_is_flagged_not_verified(tmp_path: Path) -> None:
    with LLMServer(openai_stream(INVENTED)) as server:
        config = write_config(tmp_path, server.url + "/v1")
        as_json = run("ask", "--json", "--config", str(config), QUESTION)
        printed = run("ask", "--config", str(config), QUESTION)
    assert [c["verified"] for c in json.loads(as_json.stdout)["citations"]] == [False]
    assert "NOT VERIFIED" in printed.stdout


def test_printed_answer_is_the_streamed_text_then_the_sources(tmp_path: Path) -> None:
    with LLMServer(quoting(openai_stream)) as server:
        p = run("ask", "--config", str(write_config(tmp_path, server.url + "/v1")), QUESTION)
    assert p.stdout.startswith("The first source says ")
    assert p.stdout.count("The first source says") == 1  # streamed once, not printed again
    assert "Sources:" in p.stdout and "[1]" in p.stdout and "NOT VERIFIED" not in p.stdout


def test_a_backend_that_is_down_falls_back_to_the_extractive_answer(tmp_path: Path) -> None:
    config = write_config(tmp_path, closed_port_url() + "/v1")
    p = run("ask", "--json", "--config", str(config), QUESTION)
    assert p.returncode == 0
    out = json.loads(p.stdout)
    assert out["backend"] == "extractive"
    assert any("openai backend failed" in n and "extractive" in n for n in out["notices"])
    assert any("co-director" in c["quote"] for c in out["citations"])


def test_a_stream_cut_mid_way_falls_back_after_the_partial_text(tmp_path: Path) -> None:
    with LLMServer(openai_stream(["Yun Sun is "], hang_up=True)) as server:
        p = run("ask", "--config", str(write_config(tmp_path, server.url + "/v1")), QUESTION)
    assert p.returncode == 0
    assert p.stdout.startswith("Yun Sun is ")  # what streamed stays shown
    assert "backend failed" in p.stdout and "co-director" in p.stdout
    assert "Traceback" not in p.stderr


def test_the_chat_repl_streams_through_a_backend(tmp_path: Path) -> None:
    with LLMServer(quoting(openai_stream)) as server:
        config = write_config(tmp_path, server.url + "/v1")
        env = {**os.environ, "ASKBRIEF_TEST_KEY": SECRET}
        p = subprocess.run(
            [sys.executable, "-m", "askbrief.cli", "chat", "--config", str(config)],
            input=f"{QUESTION}\n/quit\n",
            capture_output=True,
            text=True,
            timeout=120,
            env=env,
        )
    assert p.returncode == 0, p.stderr
    assert "The first source says" in p.stdout and "Sources:" in p.stdout
