"""The [engine] settings: defaults that keep the local index, shards written and read back."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from askbrief.config import EXAMPLE_CONFIG, Settings, load_settings, render_settings
from askbrief.errors import ConfigError
from askbrief.search.engines.local import LocalEngine
from askbrief.session import Session


def test_the_local_engine_is_the_default_and_opens_the_saved_index(
    settings: Settings, seeds_dir: Path
) -> None:
    session = Session(settings, seeds_dir)
    assert isinstance(session.engine, LocalEngine) and not session.engine.shared
    assert session.corpus_dir == seeds_dir
    assert session.build().status == "built" and session.open().status == "reused"
    [status] = session.engine.status()
    assert status.reachable and status.passages == session.index.n_passages


def test_shards_render_as_toml_that_reads_back_the_same(tmp_path: Path) -> None:
    shards = [["tcp://10.0.0.5:33333", "tcp://10.0.0.6:33333"], ["/srv/shard2"]]
    config = tmp_path / "c.toml"
    config.write_text(f"[engine]\nname = 'xapian'\nshards = {shards!r}\ntimeout = 250\n")
    settings = load_settings(config)
    shown = tomllib.loads(render_settings(settings))["engine"]
    assert shown == {
        "name": "xapian",
        "shards": shards,
        "timeout": 250,
        "exact": False,
        "allow_partial": False,
    }
    assert tomllib.loads(EXAMPLE_CONFIG)["engine"]["name"] == "local"


@pytest.mark.parametrize(
    ("shards", "message"),
    [
        ("[[]]", "shard 1 lists no address"),
        ("[['tcp://10.0.0.5']]", "'tcp://10.0.0.5' is not tcp://host:port"),
        ("[['tcp://h:1'], ['  ']]", "shard 2 has an empty address"),
    ],
)
def test_a_bad_shard_list_is_an_error_naming_the_key(
    tmp_path: Path, shards: str, message: str
) -> None:
    config = tmp_path / "c.toml"
    config.write_text(f"[engine]\nname = 'xapian'\nshards = {shards}\n")
    with pytest.raises(ConfigError, match="engine.shards") as err:
        load_settings(config)
    assert message in str(err.value)
