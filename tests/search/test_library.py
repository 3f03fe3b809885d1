"""The saved index: reused when nothing changed, refreshed per file, rebuilt when damaged."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from askbrief.config import Settings
from askbrief.search.library import IndexReport, index_folder, open_index
from askbrief.session import Session
from conftest import write_corpus

FILES = {
    "alpha.txt": "Alpha report\n\nThe Tianwan plant is in Jiangsu province. It uses Russian "
    "reactors.",
    "notes/beta.md": "# Beta notes\n\nThe bridge links Blagoveshchensk and Heihe across the Amur.",
    "gamma.txt": "Gamma\n\nWheat exports were blocked because of dwarf bunt fungus.",
}


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    return write_corpus(tmp_path / "corpus", FILES)


def test_first_open_builds_and_second_reuses(corpus: Path, settings: Settings) -> None:
    _, first = open_index(corpus, settings)
    _, second = open_index(corpus, settings)
    assert (first.status, first.files_read) == ("built", 3)
    assert (second.status, second.files_read) == ("reused", 0)
    assert second.passages == first.passages


def test_refresh_reads_only_the_changed_added_and_removed_files(
    corpus: Path, settings: Settings
) -> None:
    open_index(corpus, settings)
    (corpus / "alpha.txt").write_text(
        "Alpha report\n\nThe plant now makes hydrogen.", encoding="utf-8"
    )
    (corpus / "delta.txt").write_text("Delta\n\nA new file about pipelines.", encoding="utf-8")
    (corpus / "gamma.txt").unlink()
    index, report = open_index(corpus, settings)
    assert report.status == "refreshed"
    assert report.files_read == 2
    assert report.changes == {"added": 1, "changed": 1, "removed": 1}
    assert {d.source for d in index.docs} == {"alpha.txt", "delta.txt", "notes/beta.md"}
    assert index.search(["hydrogen"], 1) and not index.search(["bunt"], 1)


def test_refreshed_index_ranks_like_a_fresh_build(
    corpus: Path, settings: Settings, tmp_path: Path
) -> None:
    open_index(corpus, settings)
    (corpus / "gamma.txt").write_text(
        "Gamma\n\nThe bridge carries wheat and the plant.", encoding="utf-8"
    )
    refreshed, _ = open_index(corpus, settings)
    fresh_settings = Settings.model_validate({"index": {"cache_dir": str(tmp_path / "other")}})
    fresh, _ = open_index(corpus, fresh_settings)
    for q in (["bridg"], ["plant", "wheat"], ["jiangsu"]):
        assert [refreshed.passage(p).text for p, _ in refreshed.search(q, 5)] == [
            fresh.passage(p).text for p, _ in fresh.search(q, 5)
        ]


@pytest.mark.parametrize("damage", ["truncate", "garbage", "pointer", "delete"])
def test_a_damaged_index_is_rebuilt_with_a_notice(
    corpus: Path, settings: Settings, damage: str
) -> None:
    open_index(corpus, settings)
    folder = index_folder(corpus, settings)
    gen = folder / (folder / "CURRENT").read_text()
    if damage == "truncate":
        path = gen / "seg-000" / "pids.npy"
        path.write_bytes(path.read_bytes()[:40])
    elif damage == "garbage":
        (gen / "manifest.json").write_bytes(os.urandom(200))
    elif damage == "pointer":
        (folder / "CURRENT").write_text("gen-nonexistent")
    else:
        (gen / "seg-000" / "texts.bin").unlink()
    index, report = open_index(corpus, settings)
    assert report.status == "built"
    assert report.notice and "rebuilding" in report.notice
    assert index.search(["jiangsu"], 1)


def test_other_settings_rebuild_rather_than_reuse(corpus: Path, settings: Settings) -> None:
    open_index(corpus, settings)
    other = settings.model_copy(
        update={"index": settings.index.model_copy(update={"passage_tokens": 64})}
    )
    _, report = open_index(corpus, other)
    assert report.status == "built"


def test_session_answers_from_any_folder(corpus: Path, settings: Settings) -> None:
    answer = Session(settings, corpus).ask("Which province is the Tianwan plant in?")
    assert not answer.abstained
    assert answer.citations[0].source == "alpha.txt"
    assert "Jiangsu" in answer.citations[0].quote


def _ranking(index, queries):  # type: ignore[no-untyped-def]
    return [
        [(index.passage(p).source, index.passage(p).text, s) for p, s in index.search(q, 10)]
        for q in queries
    ]


def test_refreshes_add_segments_and_rank_exactly_like_a_fresh_build(
    tmp_path: Path, settings: Settings
) -> None:
    import random

    rng = random.Random(3)
    words = [
        "bridge",
        "plant",
        "wheat",
        "reactor",
        "amur",
        "heihe",
        "trade",
        "grain",
        "river",
        "port",
        "rail",
        "gas",
    ]

    def text() -> str:
        return "\n\n".join(
            " ".join(rng.choices(words, k=rng.randint(5, 30))) + "."
            for _ in range(rng.randint(1, 4))
        )

    corpus = write_corpus(tmp_path / "big", {f"f{i:02d}.txt": text() for i in range(30)})
    open_index(corpus, settings)
    queries = [[w] for w in words] + [rng.sample(words, 3) for _ in range(20)]
    for step in range(4):  # change one, add one, remove one: each refresh appends a segment
        (corpus / f"f{step:02d}.txt").write_text(text(), encoding="utf-8")
        (corpus / f"new{step}.txt").write_text(text(), encoding="utf-8")
        (corpus / f"f{29 - step:02d}.txt").unlink()
        refreshed, report = open_index(corpus, settings)
        assert report.status == "refreshed"
        assert len(refreshed.segments) == step + 2
        fresh_settings = Settings.model_validate(
            {"index": {"cache_dir": str(tmp_path / f"f{step}")}}
        )
        fresh, _ = open_index(corpus, fresh_settings)
        assert refreshed.n_passages == fresh.n_passages
        assert _ranking(refreshed, queries) == _ranking(fresh, queries)
        assert [d.source for d in refreshed.docs] == [d.source for d in fresh.docs]


def test_many_changes_merge_into_one_segment(corpus: Path, settings: Settings) -> None:
    open_index(corpus, settings)
    (corpus / "alpha.txt").write_text("Alpha\n\nThe plant now makes hydrogen.", encoding="utf-8")
    (corpus / "gamma.txt").write_text("Gamma\n\nThe bridge carries grain.", encoding="utf-8")
    index, report = open_index(corpus, settings)  # two of three files changed: merge
    assert report.status == "refreshed"
    assert len(index.segments) == 1 and index.dead_passages == 0
    assert index.search(["hydrogen"], 1) and index.search(["jiangsu"], 1) == []


@pytest.mark.parametrize(
    ("types", "line"),
    [
        ((), None),
        (((".png", 1),), "skipped 1 file of an unsupported type (.png)"),
        (((".xlsx", 2), (".png", 1)), "skipped 3 files of unsupported types (.xlsx ×2, .png)"),
        (
            tuple((f".t{i}", 1) for i in range(10)),
            "skipped 10 files of unsupported types "
            "(.t0, .t1, .t2, .t3, .t4, .t5, .t6, .t7, 2 more types)",
        ),
    ],
)
def test_unsupported_types_are_summed_up_in_one_line(
    types: tuple[tuple[str, int], ...], line: str | None, tmp_path: Path
) -> None:
    report = IndexReport(tmp_path, "built", 0, 0, 0, 0.0, unsupported=types)
    assert report.unsupported_line() == line
    assert report.skipped_count == sum(n for _, n in types)


def test_the_report_counts_unsupported_files_most_common_first(
    corpus: Path, settings: Settings
) -> None:
    for name in ("a.png", "b.xlsx", "notes/c.xlsx", "build-notes"):
        (corpus / name).write_bytes(b"\x00data")
    _, built = open_index(corpus, settings)
    _, reused = open_index(corpus, settings)
    for report in (built, reused):
        assert report.unsupported == ((".xlsx", 2), ("(no extension)", 1), (".png", 1))
        assert report.skipped_count == 4
