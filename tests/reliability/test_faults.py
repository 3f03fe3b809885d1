"""Faults: a saved index killed mid-write, damaged or written by two processes at once; files
changing while they are indexed; a conversation killed mid-answer. After each, askbrief answers
correctly (from the old index or a rebuilt one), says so in one line when it rebuilt, and never
quotes text that is not in the file at the offsets it gives.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from hostile import askbrief_env, run_askbrief, words_text

from askbrief.config import Settings
from askbrief.conversations import ConversationStore
from askbrief.documents.corpus import read_document_text
from askbrief.errors import SkipFile
from askbrief.search.library import index_folder, open_index
from askbrief.session import Session
from askbrief.types import Answer, Citation

FILLER = words_text(2_000_000, seed=11)


def code_of(i: int) -> str:
    return f"k{(i * 7919) % 100_000:05d}"


def write_fact_corpus(root: Path, n_files: int, size: int) -> Path:
    """``n_files`` documents of about ``size`` characters; document i says the code of doc i."""
    root.mkdir(parents=True, exist_ok=True)
    for i in range(n_files):
        start = (i * size) % (len(FILLER) - size)
        (root / f"doc{i:04d}.txt").write_text(
            f"Registry {i}.\n\nThe access code of locker doc{i:04d} is {code_of(i)}.\n\n"
            + FILLER[start : start + size]
            + "\n",
            encoding="utf-8",
        )
    return root


def assert_answers_code(
    p: subprocess.CompletedProcess[str], corpus: Path, i: int, context: str = ""
) -> None:
    """The answer quotes doc i's code, cited to doc i, at offsets that hold the quote."""
    assert p.returncode == 0, f"{context}: {p.stderr}"
    assert "Traceback" not in p.stdout + p.stderr, context
    citations = json.loads(p.stdout)["citations"]
    right = [c for c in citations if c["source"] == f"doc{i:04d}.txt" and code_of(i) in c["quote"]]
    assert right, f"{context}: {citations}"
    for c in citations:
        text = read_document_text(corpus, c["source"])
        assert text[c["start"] : c["end"]] == c["quote"], context


def ask_code(corpus: Path, home: Path, i: int) -> subprocess.CompletedProcess[str]:
    return run_askbrief(
        "ask",
        "--json",
        "--corpus",
        corpus,
        f"What is the access code of locker doc{i:04d}?",
        home=home,
    )


def start_askbrief(*args: str | Path, home: Path) -> subprocess.Popen[str]:
    """askbrief in a session of its own, so that anything it leaves behind can be found."""
    return subprocess.Popen(
        [sys.executable, "-m", "askbrief.cli", *map(str, args)],
        env=askbrief_env(home),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def session_members(sid: int) -> list[str]:
    out = subprocess.run(["ps", "-e", "-o", "sid=,pid=,args="], capture_output=True, text=True)
    return [line for line in out.stdout.splitlines() if line.split()[0] == str(sid)]


def kill_session(sid: int) -> None:
    """SIGKILL what is left of a session this test started."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(sid, signal.SIGKILL)


# -- the saved index killed mid-write --------------------------------------------------------


def _generations(home: Path) -> set[str]:
    indexes = home / "xdg_cache_home" / "askbrief" / "indexes"
    return {g.name for g in indexes.glob("*/gen-*")} if indexes.exists() else set()


def _kill_while_writing(proc: subprocess.Popen[str], home: Path, rng: random.Random) -> str:
    """Kill ``proc`` as soon as it starts writing a new generation (or when it ends)."""
    known = _generations(home)
    while proc.poll() is None and not _generations(home) - known:
        time.sleep(0.0005)
    time.sleep(rng.uniform(0, 0.01))
    proc.kill()
    return "while writing"


def test_index_killed_at_random_points_never_breaks_the_next_answer(tmp_path: Path) -> None:
    corpus = write_fact_corpus(tmp_path / "corpus", 60, 12_000)
    home = tmp_path / "home"
    t0 = time.perf_counter()
    first = run_askbrief("index", corpus, home=home)
    full = time.perf_counter() - t0
    assert first.returncode == 0, first.stderr
    rng = random.Random(6)
    for round_ in range(16):
        # Rebuilds and refreshes (after a file gained a new fact), killed at a random moment or
        # the moment the new generation's folder appears (mid-write).
        i = rng.randrange(60)
        refresh = round_ % 2 == 1
        if refresh:
            with open(corpus / f"doc{i:04d}.txt", "a", encoding="utf-8") as f:
                f.write(f"\nAmended {round_}: the spare code of locker doc{i:04d} is s{round_}x.\n")
        args = ("index",) if refresh else ("index", "--rebuild")
        proc = start_askbrief(*args, corpus, home=home)
        try:
            if round_ % 4 < 2:
                delay = rng.uniform(0.05, full * 1.1)
                time.sleep(delay)
                proc.kill()
                when = f"after {delay:.2f}s"
            else:
                when = _kill_while_writing(proc, home, rng)
            proc.wait(timeout=30)
        finally:
            kill_session(proc.pid)
        context = f"round {round_}, {' '.join(args)} killed {when}"
        assert_answers_code(ask_code(corpus, home, i), corpus, i, context)
        if refresh:
            amended = run_askbrief(
                "ask",
                "--json",
                "--corpus",
                corpus,
                f"What is the spare code of locker doc{i:04d}?",
                home=home,
            )
            quotes = [c["quote"] for c in json.loads(amended.stdout)["citations"]]
            assert any(f"s{round_}x" in q for q in quotes), f"{context}: {quotes}"
    last = run_askbrief("index", corpus, home=home)
    assert last.returncode == 0 and last.stderr == "", last.stderr
    assert last.stdout.startswith("reused index")
    # The test did kill writers mid-write: their half-written generations are still there.
    (folder,) = (home / "xdg_cache_home" / "askbrief" / "indexes").iterdir()
    assert [g for g in folder.glob("gen-*") if not (g / "COMPLETE").exists()]


def test_a_killed_parallel_build_leaves_no_process_behind(tmp_path: Path) -> None:
    corpus = write_fact_corpus(tmp_path / "corpus", 12, 800_000)  # over the parallel threshold
    proc = start_askbrief("index", corpus, home=tmp_path / "home")
    try:
        deadline = time.monotonic() + 20
        while len(session_members(proc.pid)) < 3 and time.monotonic() < deadline:
            time.sleep(0.05)  # until the workers have started
        assert proc.poll() is None, "the build finished before it could be killed"
        proc.kill()
        proc.wait(timeout=30)
        deadline = time.monotonic() + 5
        while session_members(proc.pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert session_members(proc.pid) == []
    finally:
        kill_session(proc.pid)


# -- a damaged saved index -------------------------------------------------------------------


def _truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _empty(path: Path) -> None:
    path.write_bytes(b"")


def _garbage(path: Path) -> None:
    path.write_bytes(random.Random(path.name).randbytes(max(path.stat().st_size, 64)))


def _delete(path: Path) -> None:
    path.unlink()


DAMAGE: dict[str, Callable[[Path], None]] = {
    "truncated": _truncate,
    "emptied": _empty,
    "garbage": _garbage,
    "deleted": _delete,
}


def _index_files(folder: Path) -> list[Path]:
    current = folder / (folder / "CURRENT").read_text().strip()
    return sorted(p for p in [folder / "CURRENT", *current.rglob("*")] if p.is_file())


@pytest.fixture
def small_corpus(tmp_path: Path) -> Path:
    return write_fact_corpus(tmp_path / "corpus", 8, 3_000)


def _check_answer(session: Session, corpus: Path, i: int) -> None:
    answer = session.ask(f"What is the access code of locker doc{i:04d}?")
    assert any(c.source == f"doc{i:04d}.txt" and code_of(i) in c.quote for c in answer.citations)
    for c in answer.citations:
        assert read_document_text(corpus, c.source)[c.start : c.end] == c.quote


@pytest.mark.parametrize(
    "damage",
    [
        "truncated",
        "emptied",
        "garbage",
        "deleted",
    ],
)
def test_any_damaged_index_file_is_rebuilt_with_a_notice(
    small_corpus: Path, settings: Settings, damage: str
) -> None:
    open_index(small_corpus, settings)
    folder = index_folder(small_corpus, settings)
    problems: list[str] = []
    for n in range(len(_index_files(folder))):
        open_index(small_corpus, settings, force=True)  # a fresh, good index
        path = _index_files(folder)[n]
        relative = path.relative_to(folder).as_posix().split("/", 1)[-1]
        if path.name == "COMPLETE" and damage != "deleted":
            continue  # an empty marker: only its absence means anything
        DAMAGE[damage](path)
        session = Session(settings, small_corpus)
        try:
            report = session.open()
            if path.name == "CURRENT" and damage == "deleted":
                assert report.status == "built"  # no index at all: built, nothing to say
            else:
                assert report.notice and "rebuilding" in report.notice, "no rebuild notice"
            _check_answer(session, small_corpus, n % 8)
            assert Session(settings, small_corpus).open().notice is None, "rebuilt index is bad"
        except Exception as exc:  # collect them all: the report lists every file at once
            problems.append(f"{relative}: {type(exc).__name__}: {str(exc).splitlines()[0][:90]}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(
            lambda folder: (folder / "CURRENT").write_bytes(b"\xff\xfe garbage"),
            id="garbage pointer",
        ),
        pytest.param(
            lambda folder: (folder / "CURRENT").write_text("gen-missing"), id="pointer to nothing"
        ),
        pytest.param(
            lambda folder: _truncate(next(folder.glob("gen-*/manifest.json"))),
            id="truncated manifest",
        ),
        pytest.param(
            lambda folder: [_garbage(p) for p in folder.glob("gen-*/*/*.npy")], id="garbage arrays"
        ),
    ],
)
def test_the_cli_rebuilds_a_damaged_index_with_a_one_line_notice(
    small_corpus: Path, tmp_path: Path, damage: Callable[[Path], object]
) -> None:
    home = tmp_path / "home"
    assert run_askbrief("index", small_corpus, home=home).returncode == 0
    (folder,) = (home / "xdg_cache_home" / "askbrief" / "indexes").iterdir()
    damage(folder)
    p = ask_code(small_corpus, home, 3)
    assert_answers_code(p, small_corpus, 3)
    assert p.stderr.count("\n") == 1 and p.stderr.startswith("askbrief: "), p.stderr
    assert "rebuilding" in p.stderr
    again = ask_code(small_corpus, home, 5)
    assert_answers_code(again, small_corpus, 5)
    assert again.stderr == ""


# -- two writers at once ---------------------------------------------------------------------


def test_two_index_processes_at_once_both_finish_and_leave_a_valid_index(tmp_path: Path) -> None:
    corpus = write_fact_corpus(tmp_path / "corpus", 40, 10_000)
    home = tmp_path / "home"
    for args in (("index",), ("index", "--rebuild"), ("index", "--rebuild")):
        procs = [start_askbrief(*args, corpus, home=home) for _ in range(2)]
        try:
            results = [p.communicate(timeout=120) for p in procs]
        finally:
            for p in procs:
                kill_session(p.pid)
        for p, (out, err) in zip(procs, results, strict=True):
            assert p.returncode == 0, err
            assert "Traceback" not in out + err
        p = ask_code(corpus, home, 17)
        assert_answers_code(p, corpus, 17)
        assert p.stderr == ""  # the index both left behind loads without a rebuild


def test_an_ask_while_the_index_is_rebuilt_answers(tmp_path: Path) -> None:
    corpus = write_fact_corpus(tmp_path / "corpus", 40, 10_000)
    home = tmp_path / "home"
    assert run_askbrief("index", corpus, home=home).returncode == 0
    writer = start_askbrief("index", "--rebuild", corpus, home=home)
    try:
        for i in (1, 2, 3):
            assert_answers_code(ask_code(corpus, home, i), corpus, i)
        assert writer.wait(timeout=120) == 0
    finally:
        kill_session(writer.pid)


# -- files changing while they are indexed ---------------------------------------------------


def _mutate(corpus: Path, stop: threading.Event, log: list[str]) -> None:
    rng = random.Random(8)
    names = sorted(p.name for p in corpus.iterdir())
    while not stop.is_set():
        name = rng.choice(names)
        path = corpus / name
        action = rng.choice(["delete", "truncate", "append", "rewrite"])
        try:
            if action == "delete":
                path.unlink()
            elif action == "truncate":
                with open(path, "r+b") as f:
                    f.truncate(min(rng.randrange(1, 200), os.fstat(f.fileno()).st_size))
            elif action == "append":
                with open(path, "a", encoding="utf-8") as f:
                    f.write(" Appended while indexing. " * rng.randrange(1, 50))
            else:
                rewritten = FILLER[: rng.randrange(10, 9000)]
                path.write_text(f"Rewritten {rng.random()}.\n\n{rewritten}")
        except FileNotFoundError:
            continue
        log.append(f"{action} {name}")
        time.sleep(0.001)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_files_changing_while_indexing_are_indexed_consistently_or_skipped(
    tmp_path: Path, settings: Settings, seed: int
) -> None:
    corpus = write_fact_corpus(tmp_path / "corpus", 300, 3_000)
    stop = threading.Event()
    log: list[str] = []
    mutator = threading.Thread(target=_mutate, args=(corpus, stop, log))
    mutator.start()
    try:
        time.sleep(0.01 * seed)
        index, report = open_index(corpus, settings)
    finally:
        stop.set()
        mutator.join()
    assert log, "nothing changed while indexing"
    # While the files moved under it: each passage holds text the file had when it was read,
    # which is at least sound (offsets within the document, a passage per live document).
    for doc in index.docs:
        for p in index.doc_passages(doc):
            assert 0 <= p.start <= p.end and p.text
    # Once they stop moving, the next open brings every passage in line with the files.
    index, report = open_index(corpus, settings)
    for doc in index.docs:
        text = read_document_text(corpus, doc.source)
        for p in index.doc_passages(doc):
            assert text[p.start : p.end] == p.text, f"{doc.source} after {len(log)} changes"
    indexed = {d.source for d in index.docs}
    skipped = {s.source: s.reason for s in report.skipped}
    for path in corpus.iterdir():
        assert path.name in indexed or path.name in skipped, path.name
    assert set(skipped.values()) <= {"no text"}, skipped


def test_a_changed_source_is_detected_before_a_quote_is_shown(
    small_corpus: Path, settings: Settings
) -> None:
    session = Session(settings, small_corpus)
    answer = session.ask("What is the access code of locker doc0002?")
    c = answer.citations[0]
    assert read_document_text(small_corpus, c.source)[c.start : c.end] == c.quote
    path = small_corpus / c.source
    path.write_text(
        "A new first line moves every offset.\n" + path.read_text(encoding="utf-8"),
        encoding="utf-8",
    )
    assert read_document_text(small_corpus, c.source)[c.start : c.end] != c.quote
    path.unlink()
    with pytest.raises(SkipFile):
        read_document_text(small_corpus, c.source)


def test_the_repl_says_the_source_changed_instead_of_showing_moved_text(
    small_corpus: Path, settings: Settings
) -> None:
    repl = pytest.importorskip("askbrief.cli.repl")
    session = Session(settings, small_corpus)
    answer = session.ask("What is the access code of locker doc0002?")
    c = answer.citations[0].as_json()
    assert repl.passage_context(session, c) is not None
    path = small_corpus / str(c["source"])
    path.write_text(
        "A new first line moves every offset.\n" + path.read_text(encoding="utf-8"),
        encoding="utf-8",
    )
    fresh = Session(settings, small_corpus)
    fresh.open()
    assert repl.passage_context(fresh, c) is None


# -- a conversation killed mid-answer --------------------------------------------------------

APPENDER = r"""
import sys
from pathlib import Path
from askbrief.conversations import ConversationStore
from askbrief.types import Answer, Citation

store = ConversationStore(Path(sys.argv[1]))
conv = store.load(sys.argv[2]) if len(sys.argv) > 2 else store.new("/corpus")
print(conv.id, flush=True)
n = len(conv.turns)
while True:
    quote = f"Quote {n}. " + "word " * (n % 7 * 3000)
    cite = Citation(1, "a.md", "A", quote, 0, len(quote), 1, None, 1.0)
    store.append(conv, Answer(f"question {n}?", f"> {quote} [1]", False, (cite,)))
    n += 1
"""


def _turns_are_whole_and_in_order(store: ConversationStore, conv_id: str) -> int:
    turns = store.load(conv_id).turns
    for n, turn in enumerate(turns):
        assert turn.question == f"question {n}?"
        quote = turn.citations[0]["quote"]
        assert quote == f"Quote {n}. " + "word " * (n % 7 * 3000)
    return len(turns)


def test_a_conversation_killed_mid_append_keeps_every_complete_turn(tmp_path: Path) -> None:
    store_dir = tmp_path / "conversations"
    rng = random.Random(4)
    conv_id: str | None = None
    seen = 0
    for _ in range(8):
        args = [sys.executable, "-c", APPENDER, str(store_dir), *([conv_id] if conv_id else [])]
        proc = subprocess.Popen(
            args,
            stdout=subprocess.PIPE,
            text=True,
            env=askbrief_env(tmp_path),
            start_new_session=True,
        )
        try:
            assert proc.stdout is not None
            conv_id = proc.stdout.readline().split()[0]
            time.sleep(rng.uniform(0.02, 0.3))
            proc.kill()
            proc.wait(timeout=30)
        finally:
            kill_session(proc.pid)
        count = _turns_are_whole_and_in_order(ConversationStore(store_dir), conv_id)
        assert count >= seen  # a kill never takes back a turn that was complete
        seen = count
    assert seen > 8


def test_a_conversation_cut_mid_line_reads_up_to_the_last_complete_turn(tmp_path: Path) -> None:
    store = ConversationStore(tmp_path)
    conv = store.new("/corpus")
    for n in range(3):
        quote = f"Quote {n}. " + "word " * (n % 7 * 3000)
        store.append(
            conv,
            Answer(
                f"question {n}?",
                quote,
                False,
                (Citation(1, "a.md", "A", quote, 0, len(quote), 1, None, 1.0),),
            ),
        )
    path = tmp_path / f"{conv.id}.jsonl"
    whole = path.read_bytes()
    last_line_start = whole.rstrip(b"\n").rfind(b"\n") + 1
    for cut in sorted(random.Random(2).sample(range(last_line_start + 1, len(whole)), 20)):
        path.write_bytes(whole[:cut])
        assert _turns_are_whole_and_in_order(store, conv.id) == 2, cut
