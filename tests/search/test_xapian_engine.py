"""The xapian engine against real ``xapian-tcpsrv`` shards: the same hits and answers as the
local engine, IDF made Lucene's, indexing per file, and a killed indexer that loses nothing."""

from __future__ import annotations

import json
import math
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import xapian

from askbrief.config import Settings
from askbrief.errors import ConfigError
from askbrief.search.engines import available_engines, indexed_text
from askbrief.search.engines.xapian import DOCS_KEY, PID_SHIFT, idf_ratio, xapian_idf
from askbrief.search.engines.xapian_write import path_term, shard_of
from askbrief.search.scoring import idf as lucene_idf
from askbrief.session import Session
from conftest import REPO, write_corpus
from xapian_servers import ServerPool, needs_tcpsrv, xapian_settings

pytestmark = needs_tcpsrv
DEV = Path("/work/shared/eval/dev_questions.jsonl")
DEV_QUESTIONS = (
    [json.loads(line)["q"] for line in DEV.read_text().splitlines() if line.strip()]
    if DEV.exists()
    else []
) or [
    "What annual trade target did Xi and Putin agree on?",
    "Who is Yun Sun?",
    "Which nuclear power plant is being built with supplies from Rosatom?",
]


def word(i: int) -> str:
    """A made-up word per number: consonant-vowel syllables, so the analyzer keeps it whole."""
    out, i = "", i + 21
    while i:
        i, r = divmod(i, 21)
        out += "bcdfghjklmnpqrstvwxyz"[r] + "aeiou"[i % 5]
    return out


def generated_corpus(root: Path, n_files: int = 120, seed: int = 7) -> Path:
    """Files of Zipf-distributed words (plenty of ties and common terms), some with headings."""
    rng = random.Random(seed)
    vocab = [word(i) for i in range(1500)] + ["trade", "target", "river", "engine", "harbour"]
    weights = [1 / (i + 1) for i in range(len(vocab))]
    files = {}
    for f in range(n_files):
        paras = []
        for _ in range(rng.randint(2, 8)):
            words = rng.choices(vocab, weights, k=rng.randint(20, 160))
            paras.append(" ".join(words).capitalize() + ".")
        head = f"# Section {f % 7}\n\n" if f % 3 == 0 else ""
        files[f"d{f // 40}/f{f:03}.md" if f % 3 == 0 else f"d{f // 40}/f{f:03}.txt"] = (
            head + "\n\n".join(paras) + "\n"
        )
    return write_corpus(root, files)


def generated_questions(n: int = 60, seed: int = 11) -> list[str]:
    rng = random.Random(seed)
    return [" ".join(word(rng.randint(0, 300)) for _ in range(rng.randint(1, 4))) for _ in range(n)]


def build_shards(corpus: Path, tmp: Path, n: int = 3) -> list[Path]:
    """Index ``corpus`` into ``n`` local shard folders (the simplest team setup's first step)."""
    folders = [tmp / f"shard{i}" for i in range(n)]
    settings: Any = xapian_settings(tmp, [[str(f)] for f in folders])
    report = Session(settings, corpus).build()
    assert report.status == "built"
    return folders


@pytest.fixture(scope="module")
def seeds_shards(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    from askbrief.resources import bundled_dir

    return build_shards(bundled_dir("seeds"), tmp_path_factory.mktemp("seeds-shards"))


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path]]:
    tmp = tmp_path_factory.mktemp("generated")
    corpus = generated_corpus(tmp / "corpus")
    return corpus, build_shards(corpus, tmp)


def served(pool: ServerPool, folders: list[Path], tmp: Path, **engine: object) -> Session:
    settings: Any = xapian_settings(tmp, [[pool.serve(f).address] for f in folders], **engine)
    session = Session(settings)
    session.open()
    return session


def local(corpus: Path, tmp: Path) -> Session:
    session = Session(Settings.model_validate({"index": {"cache_dir": str(tmp / "lc")}}), corpus)
    session.open()
    return session


def where(hits: list[Any]) -> list[tuple[str, int, int]]:
    return [(h.passage.source, h.passage.start, h.passage.end) for h in hits]


def test_engines_are_registered_and_an_unknown_one_is_a_config_error(settings: Settings) -> None:
    assert {"local", "xapian"} <= set(available_engines())
    bad = settings.model_copy(update={"engine": settings.engine.model_copy(update={"name": "x"})})
    with pytest.raises(
        ConfigError, match=r"unknown engine 'x' in engine.name; available: .*xapian"
    ):
        Session(bad)


@pytest.mark.parametrize("exact", [True, False], ids=["exact", "xapian-default"])
def test_dev_questions_get_the_same_hits_scores_and_answers_as_the_local_engine(
    pool: ServerPool, seeds_shards: list[Path], seeds_dir: Path, tmp_path: Path, exact: bool
) -> None:
    xs, ls = served(pool, seeds_shards, tmp_path, exact=exact), local(seeds_dir, tmp_path)
    assert xs.index.n_passages == ls.index.n_passages
    assert sorted(d.source for d in xs.index.docs) == sorted(d.source for d in ls.index.docs)
    for q in DEV_QUESTIONS:
        (xh, _), (lh, _) = xs.retrieve(q, 10), ls.retrieve(q, 10)
        assert where(xh) == where(lh), q
        assert [h.passage.text for h in xh] == [h.passage.text for h in lh]
        assert all(
            math.isclose(a.score, b.score, rel_tol=1e-9) for a, b in zip(xh, lh, strict=False)
        )
        xa, la = xs.ask(q), ls.ask(q)
        assert xa.markdown == la.markdown and xa.abstained == la.abstained, q
        assert [c.as_json() for c in xa.citations] == [c.as_json() for c in la.citations]


@pytest.mark.parametrize("exact", [True, False], ids=["exact", "xapian-default"])
def test_generated_corpus_questions_get_the_same_top_10_as_the_local_engine(
    pool: ServerPool, generated: tuple[Path, list[Path]], tmp_path: Path, exact: bool
) -> None:
    corpus, folders = generated
    xs, ls = served(pool, folders, tmp_path, exact=exact), local(corpus, tmp_path)
    assert xs.index.n_passages == ls.index.n_passages > 300
    for q in generated_questions():
        (xh, _), (lh, _) = xs.retrieve(q, 10), ls.retrieve(q, 10)
        assert where(xh) == where(lh), q


def test_xapian_idf_differs_from_lucene_by_its_own_formula_which_the_engine_undoes(
    generated: tuple[Path, list[Path]],
) -> None:
    """Xapian's BM25 IDF is log(r) (r/2 + 1 below r = 2); askbrief's is log(1 + r). Unscaled,
    a one-term query's Xapian weight is the local score times xapian_idf / lucene_idf."""
    _, folders = generated
    db = xapian.Database()
    for f in folders:
        db.add_database(xapian.Database(str(f)))
    n = db.get_doccount()
    assert xapian_idf(10, 100) == pytest.approx(math.log(90.5 / 10.5))
    assert xapian_idf(60, 100) == pytest.approx(math.log(0.5 * 40.5 / 60.5 + 1))
    seen_branches = set()
    for term in [*(passage_terms_of(word(i))[0] for i in (0, 1, 3, 40, 400)), "harbour"]:
        df = db.get_termfreq(term)
        r = (n - df + 0.5) / (df + 0.5)
        seen_branches.add(r < 2)
        enquire = xapian.Enquire(db)
        enquire.set_weighting_scheme(xapian.BM25Weight(1.5, 0, 0, 0.75, 0))
        enquire.set_query(xapian.Query(term))
        top = enquire.get_mset(0, 1)[0]
        doc = top.document
        length = db.get_doclength(top.docid)
        wdf = next(t.wdf for t in doc.termlist() if t.term == term.encode())
        tf_part = wdf * 2.5 / (wdf + 1.5 * (0.25 + 0.75 * length / db.get_avlength()))
        local_score = float(lucene_idf(__import__("numpy").asarray([df]), n)[0]) * tf_part
        assert top.weight == pytest.approx(xapian_idf(df, n) * tf_part, rel=1e-12)
        assert top.weight * idf_ratio(df, n) == pytest.approx(local_score, rel=1e-12)
        assert abs(top.weight - local_score) > 1e-3  # the formulas do differ
    assert seen_branches == {True, False}


def test_each_file_lands_on_its_stable_shard_with_its_passage_and_document_data(
    seeds_shards: list[Path], seeds_dir: Path
) -> None:
    for i, folder in enumerate(seeds_shards):
        db = xapian.Database(str(folder))
        records = json.loads(db.get_metadata(DOCS_KEY).decode() or "{}")
        assert all(shard_of(source, 3) == i for source in records)
        for source, rec in records.items():
            ids = [p for p in db.postlist(path_term(source))]
            assert [p.docid for p in ids] == list(range(rec["first"], rec["first"] + rec["n"]))
            data = json.loads(db.get_document(rec["first"]).get_data())
            text = (seeds_dir / source).read_text(encoding="utf-8")
            assert text[data["a"] : data["b"]] == data["x"]
            assert (data["s"], data["size"]) == (source, rec["size"]) and data["hash"]
    assert shard_of("a/b.txt", 3) == shard_of("a/b.txt", 3) == 2  # pinned: not Python's hash()


def test_json_answers_have_the_same_keys_and_verbatim_citations_without_the_files(
    pool: ServerPool, seeds_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from askbrief.cli.main import main

    copy = shutil.copytree(seeds_dir, tmp_path / "docs")
    folders = build_shards(copy, tmp_path / "x")
    shutil.rmtree(copy)  # the client has no files: only the shards
    shards = [[pool.serve(f).address] for f in folders]
    config = tmp_path / "x.toml"
    config.write_text(f"[engine]\nname = 'xapian'\nshards = {json.dumps(shards)}\n")
    q = "What annual trade target did Xi and Putin agree on?"
    assert main(["ask", "--json", "--config", str(config), q]) == 0
    xa = json.loads(capsys.readouterr().out)
    assert main(["ask", "--json", "--corpus", str(seeds_dir), q]) == 0
    la = json.loads(capsys.readouterr().out)
    assert xa.keys() == la.keys() and xa["partial"] is False
    assert [c.keys() for c in xa["citations"]] == [c.keys() for c in la["citations"]]
    assert xa["citations"] and [c["quote"] for c in xa["citations"]] == [
        c["quote"] for c in la["citations"]
    ]
    session = Session(xapian_settings(tmp_path, shards))  # type: ignore[arg-type]
    for c in xa["citations"]:
        stored = indexed_text(session.index, c["source"], c["start"])
        assert stored is not None and stored[c["start"] : c["end"]] == c["quote"]


def test_refresh_replaces_changed_files_and_removes_deleted_ones_by_path(
    pool: ServerPool, tmp_path: Path
) -> None:
    corpus = write_corpus(
        tmp_path / "c",
        {"a.txt": "The harbour crane lifts steel.", "b.txt": "Rivers flood.", "c.txt": "Owls."},
    )
    folders = [tmp_path / f"s{i}" for i in range(3)]
    settings: Any = xapian_settings(tmp_path, [[str(f)] for f in folders])
    assert Session(settings, corpus).build().status == "built"
    (corpus / "a.txt").write_text("The harbour crane lifts copper now.", encoding="utf-8")
    (corpus / "c.txt").unlink()
    report = Session(settings, corpus).build()
    assert report.changes == {"added": 0, "changed": 1, "removed": 1}
    assert Session(settings, corpus).build().status == "reused"
    session = Session(settings)
    assert sorted(d.source for d in session.index.docs) == ["a.txt", "b.txt"]
    hits = session.index.hits(passage_terms_of("harbour copper"), 5)
    assert [h.passage.text for h in hits] == ["The harbour crane lifts copper now."]
    assert session.index.n_passages == 2


def passage_terms_of(text: str) -> list[str]:
    from askbrief.search.analysis import analyze

    return analyze(text)


_KILLER = """
import os, signal, sys
import askbrief.search.engines.xapian_write as w
w.BATCH_FILES = 5
real, seen = w.passage_terms, []
def dying(passage):
    seen.append(passage.source)
    if len(seen) > 1 and len(set(seen)) == 23 and seen[-1] == seen[-2]:
        os.kill(os.getpid(), signal.SIGKILL)  # in the middle of the 23rd file's passages
    return real(passage)
w.passage_terms = dying
from askbrief.cli.main import main
sys.exit(main(sys.argv[1:]))
"""


def shard_state(db: xapian.Database) -> tuple[dict[str, Any], dict[str, int], dict[str, Any]]:
    """(the batch-committed records, passages per path term, per-document records)."""
    from askbrief.search.engines.xapian_write import DOC_PREFIX

    blob = json.loads(db.get_metadata(DOCS_KEY).decode() or "{}")
    postings = {t.term.decode(): t.termfreq for t in db.allterms(b"P")}
    per_doc = {}
    for key in db.metadata_keys(DOC_PREFIX.encode()):
        if value := db.get_metadata(key).decode():
            per_doc[json.loads(value)["source"]] = json.loads(value)
    return blob, postings, per_doc


@pytest.mark.parametrize("remote", [False, True], ids=["local-shards", "remote-writable"])
def test_an_indexer_killed_mid_write_leaves_shards_consistent_and_a_rerun_completes_them(
    pool: ServerPool, tmp_path: Path, remote: bool
) -> None:
    corpus = generated_corpus(tmp_path / "corpus", n_files=40, seed=3)
    folders = [tmp_path / f"w{i}" for i in range(3)]
    servers = [pool.serve(f, writable=True) for f in folders] if remote else []
    shards = [[s.address] for s in servers] if remote else [[str(f)] for f in folders]
    config = tmp_path / "w.toml"
    config.write_text(f"[engine]\nname = 'xapian'\nshards = {json.dumps(shards)}\n")
    env = {"PATH": "/usr/bin:/bin", "XDG_CACHE_HOME": str(tmp_path / "xc")}
    cmd = [sys.executable, "-c", _KILLER, "index", "--config", str(config), str(corpus)]
    killed = subprocess.run(cmd, env=env, cwd=REPO, capture_output=True, timeout=120)
    assert killed.returncode == -9, killed.stderr

    def open_shard(i: int) -> xapian.Database:
        if remote:
            return xapian.remote_open("127.0.0.1", servers[i].port, 5000)
        return xapian.Database(str(folders[i]))

    states = [shard_state(open_shard(i)) for i in range(3)]
    if remote:
        # A server may still be writing what it was sent before the kill: read the shards
        # until two readings a moment apart agree, so the re-run below sees the same state.
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            time.sleep(0.3)
            again = [shard_state(open_shard(i)) for i in range(3)]
            if again == states:
                break
            states = again
    committed = whole = 0
    for blob, postings, per_doc in states:
        if not remote:  # the process died with its transaction: the last commit, exactly
            assert per_doc == blob
            assert postings == {path_term(s): r["n"] for s, r in blob.items()}
        # Every recorded document is whole; passages beyond the records are one cut file at most.
        assert all(postings.get(path_term(s)) == r["n"] for s, r in per_doc.items())
        assert len(set(postings) - {path_term(s) for s in per_doc}) <= 1
        committed, whole = committed + len(blob), whole + len(per_doc)
    assert committed == 20  # four batches of five
    if remote:
        # A remote server also keeps the whole files it was sent before the kill: up to the two
        # before the 23rd, how many depends on how far the kill races the socket.
        assert 20 <= whole <= 22
    else:
        assert whole == 20

    settings: Any = xapian_settings(tmp_path, shards)
    report = Session(settings, corpus).build()
    assert report.files_read == 40 - whole
    fresh = local(corpus, tmp_path)
    total = 0
    for i in range(3):
        blob, postings, per_doc = shard_state(open_shard(i))
        assert blob == per_doc and postings == {path_term(s): r["n"] for s, r in blob.items()}
        total += len(blob)
    assert total == 40
    xs = Session(settings)
    assert xs.index.n_passages == fresh.index.n_passages
    for q in generated_questions(10):
        assert where(xs.retrieve(q, 10)[0]) == where(fresh.retrieve(q, 10)[0])


def test_pids_keep_one_documents_passages_consecutive_across_shards(
    pool: ServerPool, seeds_shards: list[Path], tmp_path: Path
) -> None:
    session = served(pool, seeds_shards, tmp_path)
    for doc in session.index.docs:
        first = session.index.passage(doc.first_passage)
        assert first.source == doc.source and first.id >> PID_SHIFT in (0, 1, 2)
        last = session.index.passage(doc.first_passage + doc.n_passages - 1)
        assert session.index.next_passage(last) is None
        assert session.index.next_passage(first) is not None or doc.n_passages == 1
        assert session.index.previous_passage(first) is None
        before = session.index.previous_passage(last)
        assert (
            before is None if doc.n_passages == 1 else before == session.index.passage(last.id - 1)
        )


def test_follow_ups_borrow_the_same_context_and_cite_the_same_quotes_on_both_engines(
    pool: ServerPool, seeds_shards: list[Path], seeds_dir: Path, tmp_path: Path
) -> None:
    """Follow-up planning (context terms, boosts of cited passages, their neighbours and
    documents) runs unchanged on the xapian engine's passages and document records."""
    from test_followup import FOLLOW_UPS, converse

    xs, ls = served(pool, seeds_shards, tmp_path), local(seeds_dir, tmp_path)
    rows = [turns for turns, _, _ in FOLLOW_UPS]
    follow_ups = DEV.parent / "dev_followups.jsonl"
    if follow_ups.exists():
        rows += [json.loads(line)["turns"] for line in follow_ups.read_text().splitlines() if line]
    for turns in rows:
        (xc, xa), (lc, la) = converse(xs, turns), converse(ls, turns)
        assert xa.context_terms == la.context_terms, turns
        assert [c.as_json() for c in xa.citations] == [c.as_json() for c in la.citations], turns
        assert xc.turns[-1].citations == lc.turns[-1].citations


def test_definition_and_summary_terms_work_the_same_on_both_engines(
    pool: ServerPool, tmp_path: Path
) -> None:
    """The index terms askbrief adds to a passage (a definition's ``=widget``, a page summary's
    ``=summary``) are Xapian terms too: a "what is" question and a "how do I" question get
    the same quotes from the shards as from the local index."""
    from test_summaries import MANUAL, QUESTION

    files = {
        **MANUAL,
        "gitwidgets.html": "<html><head><title>gitwidgets(7)</title></head><body><h2>"
        "DESCRIPTION</h2><p>A widget is a repository embedded inside another repository. It "
        "keeps its own history, and the repository around it records which commit it is at."
        "</p></body></html>",
    }
    corpus = write_corpus(tmp_path / "corpus", files)
    xs, ls = served(pool, build_shards(corpus, tmp_path), tmp_path), local(corpus, tmp_path)
    for question, k in ((QUESTION, 3), ("What exactly is a widget?", None)):
        xa, la = xs.ask(question, k=k, explain=True), ls.ask(question, k=k, explain=True)
        assert [c.as_json() for c in xa.citations] == [c.as_json() for c in la.citations]
        assert xa.explanation is not None and la.explanation is not None
        assert xa.explanation["defines"] == la.explanation["defines"]
    assert any("git-blame - Show what revision" in c.quote for c in xs.ask(QUESTION, k=3).citations)
    assert xs.ask("What exactly is a widget?").citations[0].quote.startswith("A widget is a")
