"""The askbrief command: the --json contract, exit codes, one-line errors, index reuse."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from conftest import run_cli as run
from conftest import write_corpus

CONTRACT = {"question", "answer", "abstained", "backend", "citations", "timings"}
CITATION = {"n", "source", "title", "quote", "start", "end", "line", "page", "score"}


def test_ask_json_follows_the_contract() -> None:
    p = run("ask", "--json", "What annual trade target did Xi and Putin agree on?")
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    assert out.keys() >= CONTRACT
    assert out["backend"] == "extractive" and out["abstained"] is False
    assert set(out["timings"]) >= {"load_ms", "retrieve_ms", "compose_ms"}
    assert out["citations"] and all(c.keys() >= CITATION for c in out["citations"])
    assert "[1]" in out["answer"]


def test_ask_prints_quotes_with_markers_and_sources() -> None:
    p = run("ask", "Who is Yun Sun?")
    assert p.returncode == 0, p.stderr
    assert "[1]" in p.stdout and "Sources:" in p.stdout and "line " in p.stdout


def test_ask_on_any_folder(tmp_path: Path) -> None:
    corpus = write_corpus(
        tmp_path / "notes", {"a.md": "# Notes\n\nThe launch code is purple falcon."}
    )
    p = run("ask", "--json", "--corpus", str(corpus), "What is the launch code?")
    out = json.loads(p.stdout)
    assert out["citations"][0]["source"] == "a.md"
    assert "purple falcon" in out["citations"][0]["quote"]


def test_second_run_on_an_unchanged_corpus_does_not_rebuild(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "c", {"a.txt": "Some text about otters and rivers."})
    first = run("index", str(corpus))
    second = run("index", str(corpus))
    assert first.stdout.startswith("built index")
    assert second.stdout.startswith("reused index") and "(0 read" in second.stdout


def test_index_summary_names_skipped_files_and_reasons(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "c", {"a.txt": "Readable text here."})
    (corpus / "b.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00binary")
    p = run("index", str(corpus))
    assert p.returncode == 0
    assert "skipped 'b.txt': binary" in p.stdout


def test_index_summary_counts_and_names_files_of_unsupported_types(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "c", {"a.txt": "Readable text here."})
    for name in ("budget.xlsx", "sub/plan.xlsx", "logo.png"):
        (corpus / name).parent.mkdir(exist_ok=True)
        (corpus / name).write_bytes(b"PK\x03\x04 not for askbrief")
    p = run("index", str(corpus))
    assert p.returncode == 0
    assert "1 passages, 3 skipped" in p.stdout
    assert "  skipped 3 files of unsupported types (.xlsx ×2, .png)\n" in p.stdout


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["ask", "   "], 2, "the question is empty"),
        (["ask", "--corpus", "/nonexistent/folder", "hi there"], 1, "/nonexistent/folder"),
        (["ask", "--config", "/nonexistent.toml", "hi"], 1, "config file not found"),
        (["frobnicate"], 2, "invalid choice"),
    ],
)
def test_errors_are_one_line_with_the_right_exit_code(
    args: list[str], code: int, message: str
) -> None:
    p = run(*args)
    assert p.returncode == code
    assert message in p.stderr
    assert "Traceback" not in p.stderr


def test_version() -> None:
    p = run("--version")
    assert p.returncode == 0 and p.stdout.startswith("askbrief ")


def test_the_name_seeds_means_the_bundled_samples_anywhere(tmp_path: Path) -> None:
    p = run("ask", "--json", "--corpus", "seeds", "Who is Yun Sun?", cwd=tmp_path)
    assert json.loads(p.stdout)["citations"]


# -- conversations -----------------------------------------------------------------------------


def test_continue_with_no_earlier_conversation_says_so_and_answers_as_a_new_one() -> None:
    p = run("ask", "--json", "--continue", "Who is Yun Sun?")
    assert p.returncode == 0, p.stderr
    assert "no earlier conversation to continue; starting a new one" in p.stderr
    assert len(p.stderr.strip().splitlines()) == 1
    out = json.loads(p.stdout)
    assert out["citations"] and out["conversation"] and out["context_terms"] == []


def test_every_ask_is_saved_and_continue_carries_the_conversation_on() -> None:
    first = json.loads(
        run("ask", "--json", "What annual trade target did Xi and Putin agree on?").stdout
    )
    second = json.loads(run("ask", "--json", "-c", "What was it worth in 2021?").stdout)
    assert second["conversation"] == first["conversation"]
    assert {"trade", "target"} <= set(second["context_terms"])
    assert "$147 billion" in " ".join(c["quote"] for c in second["citations"][:3])
    third = json.loads(run("ask", "--json", "Who is Yun Sun?").stdout)
    assert third["conversation"] != first["conversation"]  # without -c: a new conversation


def test_conversation_id_continues_that_conversation_not_the_latest() -> None:
    bridge = json.loads(run("ask", "--json", "Tell me about the new cross-border bridge.").stdout)
    run("ask", "Who is Yun Sun?")
    p = run(
        "ask", "--json", "--conversation", bridge["conversation"], "When did construction begin?"
    )
    out = json.loads(p.stdout)
    assert out["conversation"] == bridge["conversation"]
    assert "bridg" in out["context_terms"]
    assert run("ask", "--conversation", "19990101-000000-000000", "hi").returncode == 1


def test_continuing_on_another_corpus_says_so(tmp_path: Path) -> None:
    run("ask", "Who is Yun Sun?")
    corpus = write_corpus(
        tmp_path / "notes", {"a.md": "# Notes\n\nYun Sun works at the Stimson Center."}
    )
    p = run("ask", "--json", "-c", "--corpus", str(corpus), "Where does Yun Sun work?")
    assert p.returncode == 0 and "continuing it on" in p.stderr
    assert json.loads(p.stdout)["citations"][0]["source"] == "a.md"


# -- config ------------------------------------------------------------------------------------


def test_config_init_writes_the_example_and_will_not_overwrite_it(tmp_path: Path) -> None:
    target = tmp_path / "askbrief.toml"
    assert run("config", "init", "--config", str(target)).returncode == 0
    assert target.read_text().startswith("# askbrief config file")
    again = run("config", "init", "--config", str(target))
    assert again.returncode == 1 and "--force" in again.stderr
    assert run("config", "init", "--config", str(target), "--force").returncode == 0
    shown = run("config", "show", "--config", str(target))
    assert shown.returncode == 0 and "[backend]" in shown.stdout


def test_config_path_is_under_the_user_config_folder() -> None:
    p = run("config", "path")
    assert p.returncode == 0
    assert p.stdout.strip().startswith(os.environ["XDG_CONFIG_HOME"])


def test_config_show_masks_secrets(tmp_path: Path) -> None:
    target = tmp_path / "c.toml"
    target.write_text('[backend]\nname = "openai"\napi_key = "sk-very-secret"\n')
    p = run("config", "show", "--config", str(target))
    assert p.returncode == 0 and "sk-very-secret" not in p.stdout and "****" in p.stdout
