"""Settings: one TOML file, ``--config FILE``, and ``ASKBRIEF_SECTION__KEY`` environment overrides.

Every model forbids unknown keys, so a typo is an error naming the key and the file rather than a
setting silently ignored.
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator

from .errors import ConfigError

__all__ = [
    "EXAMPLE_CONFIG",
    "AnswerSettings",
    "BackendSettings",
    "CorpusSettings",
    "EngineSettings",
    "IndexSettings",
    "Settings",
    "default_config_path",
    "load_settings",
    "render_settings",
]

ENV_PREFIX = "ASKBRIEF_"


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_default=True)


class CorpusSettings(_Section):
    path: Path | None = None
    """The folder to answer from; the bundled sample corpus when unset."""
    max_file_mb: float = Field(default=50.0, gt=0)
    """Files larger than this are skipped with a reason."""


class IndexSettings(_Section):
    passage_tokens: int = Field(default=160, ge=32, le=2000)
    """Upper bound on a passage's length in tiktoken tokens."""
    cache_dir: Path | None = None
    """Where saved indexes live; the platform's user cache folder when unset."""


class AnswerSettings(_Section):
    k: int = Field(default=12, ge=1, le=100)
    """How many top passages the answer is composed from."""
    max_quotes: int = Field(default=4, ge=1, le=20)
    """At most this many quotes in an extractive answer."""


class SearchSettings(_Section):
    candidates: int = Field(default=50, ge=1, le=1000)
    """How many BM25 passages are reranked before the best ``answer.k`` are composed from."""
    collapse_duplicates: bool = True
    """Fold identical and near-identical passages (a page shipped as .html and .txt) into one."""
    semantic: bool | Literal["auto"] = "auto"
    """Fuse BM25 with WordLlama static embeddings (offline). "auto": on for corpora of at least
    ``semantic_min_passages`` passages, where it pays for loading the model (about 0.15 s), and
    for a follow-up in a conversation whatever the corpus's size."""
    semantic_min_passages: int = Field(default=2000, ge=0)
    """With semantic = "auto", the corpus size from which the semantic signal is on."""
    semantic_weight: float = Field(default=0.5, ge=0, le=1)
    """The cosine's share of the fused score; BM25, min-max normalised, has the rest."""
    page_weight: float = Field(default=0.1, ge=0, le=1)
    """Added weight for a passage whose page many strong candidates come from."""
    heading_weight: float = Field(default=0.2, ge=0, le=1)
    """Added weight for a passage whose heading names what the question asks about."""
    title_weight: float = Field(default=0.1, ge=0, le=1)
    """Added weight for a passage whose page title names what the question asks about."""
    opening_weight: float = Field(default=0.5, ge=0, le=1)
    """Added weight for the cosine between the question and the passage's page opening."""


class BackendSettings(_Section):
    name: str = "extractive"
    """'extractive' (offline, default), 'openai', 'ollama', or an installed plugin's name."""
    base_url: str | None = None
    """The server, e.g. http://127.0.0.1:8080/v1 (openai) or http://127.0.0.1:11434 (ollama)."""
    model: str | None = None
    """The model name the server knows, e.g. 'gpt-4o-mini' or 'llama3.2'."""
    api_key_env: str | None = None
    """The environment variable that holds the API key."""
    api_key: SecretStr | None = None
    """The key itself, if you must keep it in the file (prefer api_key_env)."""
    timeout: float = Field(default=30.0, gt=0, le=3600)
    """Overall limit in seconds for one answer: connecting, retries and streaming included."""
    connect_timeout: float = Field(default=10.0, gt=0, le=600)
    """Seconds to wait for the server to accept the connection (never more than timeout)."""
    retries: int = Field(default=2, ge=0, le=10)
    """Retries after HTTP 429 (rate limited); a server error (5xx) is retried at most once."""
    temperature: float = Field(default=0.2, ge=0, le=2)
    max_tokens: int = Field(default=800, ge=1)
    """The longest answer asked for; also the share of the context kept free for it."""
    context_tokens: int = Field(default=8192, ge=256)
    """The model's context size; passages fill it minus ``max_tokens`` and the prompt."""
    history_share: float = Field(default=0.25, ge=0, le=0.9)
    """At most this share of the prompt budget goes to earlier turns of a conversation."""
    prompts_dir: Path | None = None
    """A folder whose system.md / user.md replace the bundled templates (missing ones fall back)."""


class EngineSettings(_Section):
    name: str = "local"
    """'local' (the saved index on this machine, default), 'xapian', or a plugin's name."""
    shards: list[list[str]] = Field(default_factory=list)
    """Each inner list is one shard: its primary, then its replicas; each 'tcp://host:port'
    (a xapian-tcpsrv) or a local database folder. Clients list the shards in the same order."""
    timeout: int = Field(default=5000, ge=50, le=600_000)
    """Milliseconds to wait for a shard to connect or answer before it counts as down."""
    exact: bool = False
    """Make Xapian's top-k exact by checking every match (slower); by default Xapian skips
    matches that cannot make the top k, and about 1 query in 3,000 misses a near-tie."""
    allow_partial: bool = False
    """When a shard has no live replica: answer from the others, marked partial (else an error)."""

    @field_validator("shards")
    @classmethod
    def _check_shards(cls, shards: list[list[str]]) -> list[list[str]]:
        for i, shard in enumerate(shards, 1):
            if not shard:
                raise ValueError(f"shard {i} lists no address")
            for address in shard:
                if address.startswith("tcp://") and not re.fullmatch(
                    r"tcp://[^\s:/]+:\d{1,5}", address
                ):
                    raise ValueError(f"shard {i}: {address!r} is not tcp://host:port")
                if not address.strip():
                    raise ValueError(f"shard {i} has an empty address")
        return shards


class Settings(_Section):
    corpus: CorpusSettings = CorpusSettings()
    index: IndexSettings = IndexSettings()
    search: SearchSettings = SearchSettings()
    answer: AnswerSettings = AnswerSettings()
    backend: BackendSettings = BackendSettings()
    engine: EngineSettings = EngineSettings()


def default_config_path() -> Path:
    from platformdirs import user_config_path

    return user_config_path("askbrief") / "config.toml"


def _env_overrides(env: Mapping[str, str]) -> tuple[dict[str, dict[str, str]], dict[str, str]]:
    """``ASKBRIEF_BACKEND__MODEL=x`` → ``{"backend": {"model": "x"}}``, and which variable set
    each ``section.key`` (so an error can name the variable rather than the file)."""
    out: dict[str, dict[str, str]] = {}
    origins: dict[str, str] = {}
    for key, value in env.items():
        if not key.startswith(ENV_PREFIX) or "__" not in key:
            continue
        section, _, name = key[len(ENV_PREFIX) :].lower().partition("__")
        out.setdefault(section, {})[name] = value
        origins[f"{section}.{name}"] = key
        origins.setdefault(section, key)
    return out, origins


def _merge(base: dict[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in over.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _describe_error(exc: ValidationError, path: Path, origins: Mapping[str, str]) -> str:
    """One line naming where the bad value came from (file or variable), the key and the fix."""
    err = exc.errors()[0]
    loc = [str(p) for p in err["loc"]]
    key = ".".join(loc)
    origin = origins.get(".".join(loc[:2])) or (origins.get(loc[0]) if len(loc) == 1 else None)
    where = f"environment variable {origin}" if origin else str(path)
    if err["type"] == "extra_forbidden":
        model: type[BaseModel] = Settings
        for part in loc[:-1]:
            field = model.model_fields.get(part)
            annotation = field.annotation if field else None
            if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
                break
            model = annotation
        known = ", ".join(model.model_fields)
        return f"{where}: unknown key {key!r} (known keys here: {known})"
    return f"{where}: {key}: {err['msg']}"


def load_settings(path: Path | None = None, env: Mapping[str, str] | None = None) -> Settings:
    """Read settings from ``path`` (or the default location if it exists) and the environment."""
    env = os.environ if env is None else env
    explicit = path is not None
    path = path if path is not None else default_config_path()
    data: dict[str, Any] = {}
    if path.exists() or explicit:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError(f"config file not found: {path}") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"cannot read config file {path}: {exc}") from None
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    overrides, origins = _env_overrides(env)
    data = _merge(data, overrides)
    try:
        return Settings.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(_describe_error(exc, path, origins)) from None


def _toml_value(value: object) -> str:
    if isinstance(value, SecretStr):
        return '"****"'
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    # JSON string escapes are valid TOML basic-string escapes.
    return json.dumps(str(value), ensure_ascii=False)


def render_settings(settings: Settings) -> str:
    """The effective settings as TOML-like text for ``askbrief config``; secrets show as ****.

    Unset keys are written as comments, since TOML has no null.
    """
    lines: list[str] = []
    for section_name in type(settings).model_fields:
        section = getattr(settings, section_name)
        if lines:
            lines.append("")
        lines.append(f"[{section_name}]")
        for key in type(section).model_fields:
            value = getattr(section, key)
            if value is None:
                lines.append(f"# {key} is not set")
            else:
                lines.append(f"{key} = {_toml_value(value)}")
    return "\n".join(lines) + "\n"


# The values shown are filled in from the field defaults, so the example cannot drift.
EXAMPLE_CONFIG = """\
# askbrief config file (TOML). Every key is optional; the values shown are the defaults.
# Any key can also be set from the environment: ASKBRIEF_SECTION__KEY, e.g.
#   ASKBRIEF_BACKEND__MODEL=llama3.2

[corpus]
# The folder to answer from; the bundled sample corpus when unset.
# path = "~/notes"
# Files larger than this (MB) are skipped with a reason.
max_file_mb = {corpus.max_file_mb!r}

[index]
# Upper bound on a passage's length in tokens.
passage_tokens = {index.passage_tokens!r}
# Where saved indexes live; the platform's user cache folder when unset.
# cache_dir = "~/.cache/askbrief"

[search]
# BM25 finds this many passages; they are reranked and the best answer.k composed from.
candidates = {search.candidates!r}
# Fold identical and near-identical passages (a page shipped as .html and .txt) into one.
collapse_duplicates = true
# Fuse BM25 with static embeddings (offline): true, false, or "auto" (on from
# semantic_min_passages passages, where it pays for loading the model, and for follow-ups).
semantic = "auto"
semantic_min_passages = {search.semantic_min_passages!r}
# The weights of the rerank signals: the cosine's share against BM25, then added evidence.
semantic_weight = {search.semantic_weight!r}
page_weight = {search.page_weight!r}
heading_weight = {search.heading_weight!r}
title_weight = {search.title_weight!r}
opening_weight = {search.opening_weight!r}

[answer]
# How many top passages an answer is composed from.
k = {answer.k!r}
# At most this many quotes in an extractive answer.
max_quotes = {answer.max_quotes!r}

[backend]
# 'extractive' answers offline with verbatim quotes and needs nothing else.
# 'openai' (any OpenAI-compatible server) and 'ollama' write prose from the same passages;
# askbrief checks every citation they make. Plugins add more names.
name = "{backend.name}"

# An OpenAI-compatible server (llama.cpp, vLLM, LM Studio, OpenAI, ...):
# name = "openai"
# base_url = "http://127.0.0.1:8080/v1"
# model = "gpt-4o-mini"
# api_key_env = "OPENAI_API_KEY"   # the variable holding the key (preferred)
# api_key = "sk-..."               # or the key itself (shown as **** by askbrief)

# Ollama's own API:
# name = "ollama"
# base_url = "http://127.0.0.1:11434"
# model = "llama3.2"

# Overall limit in seconds for one answer, retries and streaming included.
timeout = {backend.timeout!r}
# Seconds to wait for the server to accept the connection.
connect_timeout = {backend.connect_timeout!r}
# Retries after HTTP 429 (rate limited), never waiting past timeout.
retries = {backend.retries!r}
temperature = {backend.temperature!r}
# The longest answer asked for; this much of the context is kept free for it.
max_tokens = {backend.max_tokens!r}
# The model's context size; the best passages that fit whole are sent.
context_tokens = {backend.context_tokens!r}
# At most this share of the prompt budget goes to earlier turns of a conversation.
history_share = {backend.history_share!r}
# A folder whose system.md / user.md replace the bundled prompt templates.
# prompts_dir = "~/askbrief-prompts"

[engine]
# 'local' keeps the saved index on this machine. 'xapian' searches shared, sharded Xapian
# databases (served by xapian-tcpsrv, or local folders): the engine is then the corpus.
name = "{engine.name}"
# One inner list per shard: its primary, then its replicas.
# shards = [["tcp://10.0.0.5:33333", "tcp://10.0.0.6:33333"], ["tcp://10.0.0.7:33333"]]
# Milliseconds a shard may take to connect or answer before it counts as down.
timeout = {engine.timeout!r}
# true: exact top-k (Xapian checks every match; slower). false: about 1 query in 3,000 misses
# a near-tie.
exact = {engine_exact}
# With a shard down and no replica: answer from the others, marked partial (else an error).
allow_partial = {engine_partial}
""".format(
    corpus=CorpusSettings(),
    index=IndexSettings(),
    search=SearchSettings(),
    answer=AnswerSettings(),
    backend=BackendSettings(),
    engine=EngineSettings(),
    engine_exact=_toml_value(EngineSettings().exact),
    engine_partial=_toml_value(EngineSettings().allow_partial),
)
