"""Settings: a typo or bad value is a one-line error naming the key and where it came from;
environment overrides work; secrets never show."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from pydantic import SecretStr

from askbrief.config import (
    EXAMPLE_CONFIG,
    BackendSettings,
    Settings,
    load_settings,
    render_settings,
)
from askbrief.errors import ConfigError

SECRET = "sk-test-SECRET-123"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_file_sets_backend_keys(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        '[backend]\nname = "openai"\nbase_url = "http://127.0.0.1:8080/v1"\nmodel = "m"\n'
        'retries = 0\nconnect_timeout = 2.5\nprompts_dir = "/tmp/prompts"\n',
    )
    backend = load_settings(path, env={}).backend
    assert (backend.name, backend.model, backend.retries) == ("openai", "m", 0)
    assert backend.connect_timeout == 2.5
    assert backend.prompts_dir == Path("/tmp/prompts")


def test_an_unknown_key_names_the_key_the_file_and_the_known_keys(tmp_path: Path) -> None:
    path = write(tmp_path, '[backend]\nmodle = "m"\n')
    with pytest.raises(ConfigError) as caught:
        load_settings(path, env={})
    message = str(caught.value)
    assert message.startswith(f"{path}: unknown key 'backend.modle'")
    assert "model" in message and "\n" not in message


def test_an_unknown_section_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"unknown key 'backnd' \(known keys here: corpus,"):
        load_settings(write(tmp_path, "[backnd]\nname = 'x'\n"), env={})


@pytest.mark.parametrize(
    ("toml", "key"),
    [
        ("[backend]\ntimeout = -1\n", "backend.timeout"),
        ("[backend]\nretries = 'many'\n", "backend.retries"),
        ("[backend]\nhistory_share = 0.95\n", "backend.history_share"),
        ("[answer]\nk = 0\n", "answer.k"),
    ],
)
def test_a_bad_value_names_the_key_and_the_file(tmp_path: Path, toml: str, key: str) -> None:
    path = write(tmp_path, toml)
    with pytest.raises(ConfigError, match=rf"^{re.escape(str(path))}: {re.escape(key)}: "):
        load_settings(path, env={})


def test_invalid_toml_names_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, "[backend\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_settings(path, env={})


def test_a_missing_explicit_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="config file not found"):
        load_settings(tmp_path / "nope.toml", env={})


def test_environment_overrides_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, '[backend]\nname = "ollama"\nmodel = "from-file"\n')
    env = {"ASKBRIEF_BACKEND__MODEL": "llama3.2", "ASKBRIEF_BACKEND__TIMEOUT": "5"}
    backend = load_settings(path, env=env).backend
    assert (backend.name, backend.model, backend.timeout) == ("ollama", "llama3.2", 5.0)


def test_a_bad_environment_value_names_the_variable(tmp_path: Path) -> None:
    env = {"ASKBRIEF_BACKEND__TIMEOUT": "soon"}
    with pytest.raises(ConfigError, match=r"^environment variable ASKBRIEF_BACKEND__TIMEOUT: "):
        load_settings(write(tmp_path, ""), env=env)


def test_an_unknown_environment_key_names_the_variable(tmp_path: Path) -> None:
    env = {"ASKBRIEF_BACKEND__MODLE": "m"}
    with pytest.raises(
        ConfigError, match=r"^environment variable ASKBRIEF_BACKEND__MODLE: unknown"
    ):
        load_settings(write(tmp_path, ""), env=env)


def test_render_settings_masks_the_api_key() -> None:
    settings = Settings(backend=BackendSettings(api_key=SecretStr(SECRET), api_key_env="MY_KEY"))
    text = render_settings(settings)
    assert SECRET not in text
    assert 'api_key = "****"' in text
    assert 'api_key_env = "MY_KEY"' in text
    assert SECRET not in repr(settings)


def test_render_settings_reads_back_as_the_same_settings(tmp_path: Path) -> None:
    settings = Settings(
        corpus={"path": tmp_path / "notes"},
        backend={"name": "openai", "model": "m", "max_tokens": 123, "prompts_dir": tmp_path},
    )
    text = render_settings(settings)
    assert "# base_url is not set" in text
    assert Settings.model_validate(tomllib.loads(text)) == settings


def test_the_example_config_is_valid_and_gives_the_defaults() -> None:
    assert Settings.model_validate(tomllib.loads(EXAMPLE_CONFIG)) == Settings()


def test_the_example_config_mentions_every_key() -> None:
    for section_name, field in Settings.model_fields.items():
        assert f"[{section_name}]" in EXAMPLE_CONFIG
        assert field.annotation is not None
        for key in field.annotation.model_fields:
            assert re.search(rf"^#? ?{key} = ", EXAMPLE_CONFIG, re.M), key
