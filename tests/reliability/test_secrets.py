"""An API key never leaves the Authorization header: not in stdout, stderr, the index, the cache,
history, exports or any file askbrief writes, whether the server answers, rejects the key (and
echoes it back, as real APIs do) or is down.
"""

from __future__ import annotations

import functools
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from hostile import askbrief_env

from conftest import write_corpus
from llm_servers import LLMServer, closed_port_url, openai_stream, status

SECRET = "sk-test-SECRET-123456"
PIECES = (SECRET, "SECRET-123456", "c2stdGVzdC1TRUNSRVQtMTIzNDU2")  # whole, tail, base64
QUESTION = "What does the windmill grind?"
FULL = ("answers", "env")  # the case that runs every command; the others run the asking ones


def _commands(corpus: Path, export_dir: Path, *, all_of_them: bool) -> list[tuple[list[str], str]]:
    """(argv, stdin) for the commands that may touch the key (``all_of_them``: every command)."""
    asks = [
        (["ask", "--corpus", str(corpus), QUESTION], ""),
        (["ask", "--json", "--corpus", str(corpus), QUESTION], ""),
        (
            ["chat", "--corpus", str(corpus)],
            f"{QUESTION}\n/sources\n/export {export_dir / 'chat.md'}\n/quit\n",
        ),
        (["history", "export", "latest", "--format", "json", "-o", str(export_dir / "h.json")], ""),
        (["config", "show"], ""),
    ]
    if not all_of_them:
        return asks
    return [
        (["index", str(corpus)], ""),
        *asks,
        (["ask", "--corpus", str(corpus), "-c", "And on which day?"], ""),
        (["history", "list"], ""),
        (["history", "show", "latest"], ""),
        (["history", "export", "latest"], ""),
        (["config", "path"], ""),
        (["--version"], ""),
    ]


@functools.cache
def _supported(command: tuple[str, ...]) -> bool:
    """Whether this build has the command (others are adding some): ``COMMAND --help`` works."""
    p = subprocess.run(
        [sys.executable, "-m", "askbrief.cli", *command, "--help"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    return p.returncode == 0


def _command(args: list[str]) -> tuple[str, ...]:
    if args[0] in ("history", "config"):
        return tuple(args[:2])
    return tuple(args[:1])


def _every_file_under(*roots: Path) -> Iterator[Path]:
    for root in roots:
        if root.exists():
            yield from (p for p in root.rglob("*") if p.is_file() and not p.is_symlink())


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(var, raising=False)


@pytest.mark.parametrize(
    ("server", "key_from"),
    [
        ("answers", "env"),
        ("answers", "config file"),
        ("answers", "ASKBRIEF_ variable"),
        ("rejects the key and echoes it", "env"),
        ("fails and echoes the key", "config file"),
        ("is down", "env"),
    ],
)
def test_the_api_key_appears_in_nothing_askbrief_writes(
    tmp_path: Path, server: str, key_from: str
) -> None:
    corpus = write_corpus(
        tmp_path / "corpus",
        {"mill.txt": "The windmill grinds barley.\n\nIt grinds on Tuesdays only.\n"},
    )
    home, exports = tmp_path / "home", tmp_path / "exports"
    exports.mkdir()
    behaviours = {
        "answers": [openai_stream(["The windmill grinds barley ", "[1]."])],
        "rejects the key and echoes it": [
            status(
                401,
                {
                    "error": {
                        "message": f"Incorrect API key provided: {SECRET}",
                        "type": "invalid_request_error",
                    }
                },
            )
        ],
        "fails and echoes the key": [status(500, {"error": f"upstream saw Bearer {SECRET}"})],
        "is down": [],
    }[server]
    with LLMServer(*behaviours) as llm:
        url = closed_port_url() if server == "is down" else llm.url
        backend = (
            f'[backend]\nname = "openai"\nbase_url = "{url}/v1"\nmodel = "m"\n'
            "timeout = 10\nretries = 0\n"
        )
        env = askbrief_env(home)
        config = tmp_path / "user-config.toml"  # the user's own file: outside what is checked
        if key_from == "env":
            backend += 'api_key_env = "OPENAI_API_KEY"\n'
            env["OPENAI_API_KEY"] = SECRET
        elif key_from == "config file":
            backend += f'api_key = "{SECRET}"\n'
        else:
            env["ASKBRIEF_BACKEND__API_KEY"] = SECRET
        config.write_text(backend, encoding="utf-8")

        outputs: list[tuple[str, str]] = []
        ran: list[str] = []
        for args, stdin in _commands(corpus, exports, all_of_them=(server, key_from) == FULL):
            if not _supported(_command(args)):
                continue  # a command another change has not added yet
            if args[0] != "--version":
                args = [*args, "--config", str(config)]
            p = subprocess.run(
                [sys.executable, "-m", "askbrief.cli", *args],
                input=stdin,
                capture_output=True,
                text=True,
                env=env,
                timeout=90,
            )
            assert "Traceback" not in p.stdout + p.stderr, (args, p.stderr)
            outputs.append((" ".join(args) + " (stdout)", p.stdout))
            outputs.append((" ".join(args) + " (stderr)", p.stderr))
            ran.append(" ".join(_command(args)))

    json_answer = next(
        text
        for where, text in outputs
        if where.startswith("ask --json") and where.endswith("(stdout)")
    )
    assert ('"backend": "openai"' in json_answer) == (server == "answers"), json_answer
    if server != "is down":
        assert llm.requests, "askbrief never called the server: the test would prove nothing"
        assert all(r.headers.get("Authorization") == f"Bearer {SECRET}" for r in llm.requests)
    assert "ask" in ran, ran
    leaks = [where for where, text in outputs if any(s in text for s in PIECES)]
    written = list(_every_file_under(home, exports))
    assert any(p.suffix == ".jsonl" for p in written), "no conversation was saved"
    for path in written:
        data = path.read_bytes()
        if any(s.encode() in data or s.encode("utf-16-le") in data for s in PIECES):
            leaks.append(str(path.relative_to(tmp_path)))
    assert not leaks, leaks


def test_every_command_this_suite_greps_is_present() -> None:
    missing = sorted(
        {
            " ".join(_command(args))
            for args, _ in _commands(Path("c"), Path("e"), all_of_them=True)
            if not _supported(_command(args))
        }
    )
    if missing:
        pytest.skip(f"not in this build yet, so not checked for the key: {', '.join(missing)}")
