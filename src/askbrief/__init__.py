"""askbrief: ask a folder of documents, get quoted, cited answers.

The Python API::

    import askbrief

    docs = askbrief.open("~/notes")          # a folder or one file; None: the configured corpus
    answer = docs.ask("What did we decide about the launch?")
    print(answer.markdown)
    for c in answer.citations:                # each quote is the document's text[start:end]
        print(c.n, c.source, c.line, c.quote)
    print(answer.to_json())                   # exactly what `askbrief ask --json` prints

Importing askbrief is cheap: the index machinery (numpy, the search engine) loads on ``open``.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from .errors import AskbriefError, CorpusError, QuestionError, UsageError
from .types import Answer, Citation, SearchResult, SourceText

if TYPE_CHECKING:
    from .api import Corpus
    from .config import Settings

__version__ = "0.1.0"

__all__ = [
    "Answer",
    "AskbriefError",
    "Citation",
    "Corpus",
    "CorpusError",
    "QuestionError",
    "SearchResult",
    "SourceText",
    "UsageError",
    "open",
]


def open(  # noqa: A001 - the API's front door, named as the issue asks: askbrief.open()
    corpus: str | os.PathLike[str] | None = None,
    *,
    config: str | os.PathLike[str] | Settings | None = None,
) -> Corpus:
    """A corpus to ask: a folder of documents or one file (by default the configured corpus,
    else the bundled samples), with settings from ``config`` (a TOML file or ``Settings``)."""
    from .api import open_corpus

    return open_corpus(corpus, config=config)


def __getattr__(name: str) -> object:
    if name == "Corpus":  # loaded on first use, with the index machinery
        from .api import Corpus

        return Corpus
    raise AttributeError(f"module 'askbrief' has no attribute {name!r}")
