"""One exception hierarchy, so the CLI and TUI can turn any failure into one clear line."""

from __future__ import annotations

__all__ = [
    "AskbriefError",
    "BackendError",
    "ConfigError",
    "CorpusError",
    "EngineError",
    "IndexError_",
    "QuestionError",
    "SkipFile",
    "UsageError",
]


class AskbriefError(Exception):
    """Base class: its message is written for the user, one line, no secrets."""


class ConfigError(AskbriefError):
    """The config file, an environment override or an option is wrong."""


class CorpusError(AskbriefError):
    """The corpus folder cannot be used (missing, not a folder, nothing readable)."""


class SkipFile(AskbriefError):
    """One file is left out of the corpus; the message is the reason shown in the summary."""


class IndexError_(AskbriefError):
    """The saved index cannot be read or written."""


class UsageError(AskbriefError):
    """An argument is out of range or malformed (``-k 0``, offsets past a document's end, a
    source outside the corpus): the caller's mistake, exit status 2 in the CLI."""


class QuestionError(UsageError):
    """The question cannot be asked as given (empty, only punctuation, ...)."""


class BackendError(AskbriefError):
    """An LLM backend failed; the message says what failed and never holds a secret."""


class EngineError(AskbriefError):
    """A search engine's shards cannot answer (unreachable, timed out, not built)."""
