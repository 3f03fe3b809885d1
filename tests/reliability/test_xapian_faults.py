"""Faults of a sharded xapian index, against real ``xapian-tcpsrv`` processes: a killed shard
fails over to its replica, a shard with no replica gives a notice and an error or a partial
answer, a stopped shard times out, an idle-dropped connection reconnects silently."""

from __future__ import annotations

import json
import signal
import time
from pathlib import Path
from typing import Any

import pytest

from askbrief.cli.main import main
from askbrief.errors import EngineError
from askbrief.resources import bundled_dir
from askbrief.session import Session
from xapian_servers import ServerPool, needs_tcpsrv, xapian_settings

pytestmark = needs_tcpsrv
Q = "What annual trade target did Xi and Putin agree on?"


@pytest.fixture(scope="module")
def shards(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    tmp = tmp_path_factory.mktemp("fault-shards")
    folders = [tmp / f"s{i}" for i in range(3)]
    settings: Any = xapian_settings(tmp, [[str(f)] for f in folders])
    Session(settings, bundled_dir("seeds")).build()
    return folders


def quotes(answer: Any) -> list[str]:
    return [c.quote for c in answer.citations]


def test_killing_a_shard_mid_session_fails_over_to_its_replica(
    pool: ServerPool, shards: list[Path], tmp_path: Path
) -> None:
    primary, replica = pool.serve(shards[2]), pool.serve(shards[2])
    layout = [[pool.serve(shards[0]).address], [pool.serve(shards[1]).address]]
    settings: Any = xapian_settings(tmp_path, [*layout, [primary.address, replica.address]])
    session = Session(settings)
    before = session.ask(Q)
    assert before.citations and not before.notices
    primary.kill()
    after = session.ask(Q)
    assert quotes(after) == quotes(before) and not after.partial
    assert any(
        "shard 3" in n and f"failed over to {replica.address}" in n for n in after.notices
    ), after.notices
    again = session.ask(Q)
    assert quotes(again) == quotes(before) and not again.notices


def test_a_dead_shard_without_a_replica_is_a_one_line_error_naming_it(
    pool: ServerPool, shards: list[Path], tmp_path: Path
) -> None:
    servers = [pool.serve(f) for f in shards]
    settings: Any = xapian_settings(tmp_path, [[s.address] for s in servers])
    session = Session(settings)
    session.ask(Q)
    servers[1].kill()
    with pytest.raises(EngineError) as err:
        session.ask(Q)
    message = str(err.value)
    assert message.startswith(f"shard 2 ({servers[1].address}) has no live replica")
    assert "allow_partial" in message and "\n" not in message


def test_with_allow_partial_the_other_shards_answer_marked_partial_in_json(
    pool: ServerPool, shards: list[Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    servers = [pool.serve(f) for f in shards]
    layout = [[s.address] for s in servers]
    settings: Any = xapian_settings(tmp_path, layout, allow_partial=True)
    session = Session(settings)
    full = session.ask(Q)
    servers[0].kill()  # shard 1 holds no source of this answer
    partial = session.ask(Q)
    # The same first quote; the rest may reorder, since reranking weighs each passage against
    # the candidates found, and shard 1's are gone.
    assert partial.partial and quotes(partial)[0] == quotes(full)[0]
    assert any(
        n.startswith(f"shard 1 ({servers[0].address}) has no live replica")
        and "partial answer" in n
        for n in partial.notices
    )
    config = tmp_path / "p.toml"
    config.write_text(
        f"[engine]\nname = 'xapian'\nallow_partial = true\nshards = {json.dumps(layout)}\n"
    )
    assert main(["ask", "--json", "--config", str(config), Q]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["partial"] is True and any("shard 1" in n for n in out["notices"])
    config.write_text(f"[engine]\nname = 'xapian'\nshards = {json.dumps(layout)}\n")
    assert main(["ask", "--config", str(config), Q]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "shard 1" in err and "Traceback" not in err


def test_a_stopped_shard_times_out_within_the_timeout_with_one_line(
    pool: ServerPool, shards: list[Path], tmp_path: Path
) -> None:
    servers = [pool.serve(f) for f in shards]
    settings: Any = xapian_settings(tmp_path, [[s.address] for s in servers], timeout=400)
    session = Session(settings)
    session.ask(Q)
    servers[2].signal(signal.SIGSTOP)
    t0 = time.monotonic()
    with pytest.raises(EngineError, match=r"shard 3 .* has no live replica .*timed out"):
        session.ask(Q)
    elapsed = time.monotonic() - t0
    # One timeout on the open connection, one on the fresh one: never a hang.
    assert 0.4 <= elapsed < 0.4 * 2 + 1.0
    servers[2].signal(signal.SIGCONT)


def test_an_idle_dropped_connection_reconnects_silently(
    pool: ServerPool, shards: list[Path], tmp_path: Path
) -> None:
    servers = [pool.serve(f, idle_ms=200) for f in shards]
    settings: Any = xapian_settings(tmp_path, [[s.address] for s in servers])
    session = Session(settings)
    first = session.ask(Q)
    time.sleep(0.5)  # past the servers' idle timeout: they hang up
    second = session.ask(Q)
    assert quotes(second) == quotes(first) and not second.notices and not second.partial


def test_engine_status_lists_every_replica_and_fails_when_a_shard_is_down(
    pool: ServerPool, shards: list[Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    primary, replica = pool.serve(shards[0]), pool.serve(shards[0])
    others = [pool.serve(shards[1]), pool.serve(shards[2])]
    layout = [[primary.address, replica.address], *[[s.address] for s in others]]
    config = tmp_path / "s.toml"
    config.write_text(f"[engine]\nname = 'xapian'\ntimeout = 500\nshards = {json.dumps(layout)}\n")
    assert main(["engine", "status", "--config", str(config)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "engine xapian: 3 shards" and len(out) == 5
    assert f"shard 1  {primary.address}  reachable" in out[1] and out[1].endswith("serving")
    assert out[2].endswith("standby")
    primary.kill()
    others[1].kill()
    assert main(["engine", "status", "--config", str(config)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert "UNREACHABLE" in out[1] and out[2].endswith("serving")
    assert "UNREACHABLE" in out[4] and out[-1] == "shards with no live replica: 3"


def test_a_config_with_no_shards_or_a_bad_address_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "e.toml"
    config.write_text("[engine]\nname = 'xapian'\n")
    assert main(["ask", "--config", str(config), Q]) == 1
    assert "engine.shards is empty" in capsys.readouterr().err
    config.write_text("[engine]\nname = 'xapian'\nshards = [['tcp://host']]\n")
    assert main(["ask", "--config", str(config), Q]) == 1
    err = capsys.readouterr().err
    assert "engine.shards" in err and "is not tcp://host:port" in err and err.count("\n") == 1


def test_with_a_shard_left_out_no_name_is_said_to_be_missing_from_the_documents(
    pool: ServerPool, shards: list[Path], tmp_path: Path
) -> None:
    """The left-out shard may hold the name: askbrief cannot say the documents never mention
    it, so the answer is the usual partial one."""
    servers = [pool.serve(f) for f in shards]
    settings: Any = xapian_settings(tmp_path, [[s.address] for s in servers], allow_partial=True)
    session = Session(settings)
    question = "Did Xi and Putin discuss trade_target_2024 at the summit?"
    whole = session.ask(question)
    assert whole.notices == ("the documents never mention “trade_target_2024”",)
    servers[0].kill()
    partial = session.ask(question)
    assert partial.partial
    assert not any("never mention" in n for n in partial.notices)
