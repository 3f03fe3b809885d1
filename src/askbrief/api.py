"""The Python API: a corpus opened for asking. ``askbrief.open()`` returns a ``Corpus``.

The CLI, the line chat, the app and the MCP server all hold a ``Corpus`` too, so a script gets
exactly what they show: the same ``Answer`` (``to_json()`` is the ``--json`` text), the same
ranked passages, the same document text behind a citation.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path, PurePosixPath

from .cancel import CancelToken
from .config import Settings, load_settings
from .conversations import Conversation
from .documents.corpus import documents_folder, read_document_text
from .errors import SkipFile, UsageError
from .search.followup import find_document
from .search.library import IndexReport, Progress
from .session import Session, clean_question
from .types import Answer, SearchResult, SourceText

__all__ = ["MAX_CONTEXT_CHARS", "MAX_SEARCH_K", "Corpus", "open_corpus"]

MAX_SEARCH_K = 1000  # passages one search returns at most
MAX_CONTEXT_CHARS = 20_000  # characters either side of a span that read_source returns at most


def open_corpus(
    corpus: str | os.PathLike[str] | None = None,
    *,
    config: str | os.PathLike[str] | Settings | None = None,
) -> Corpus:
    """A corpus to ask: a folder of documents or one file (by default the configured corpus,
    else the bundled samples), with settings from ``config`` (a TOML file, a ``Settings``, or
    the user's settings file). Nothing is read until the first ``index``, ``ask`` or ``search``.
    """
    if isinstance(config, Settings):
        settings = config
    else:
        settings = load_settings(Path(config) if config is not None else None)
    return Corpus(Session(settings, Path(corpus) if corpus is not None else None))


def _check_k(k: int | None, what: str = "k") -> None:
    if k is not None and (isinstance(k, bool) or not isinstance(k, int) or k < 1):
        raise UsageError(f"{what} must be a whole number of passages, 1 or more (got {k!r})")


class Corpus:
    """One corpus opened for asking: ``ask`` it, ``search`` it, ``read_source`` behind a quote.

    Methods raise ``askbrief.AskbriefError`` subclasses with a one-line message: ``CorpusError``
    (missing folder, no readable documents), ``UsageError`` (an argument out of range, including
    an empty question) and ``IndexError_`` (the saved index cannot be written or read).
    """

    def __init__(self, session: Session) -> None:
        self.session = session  # the layer below, for the faces' finer needs (the index itself)

    def __repr__(self) -> str:
        return f"<askbrief.Corpus {str(self.path)!r}>"

    @property
    def path(self) -> Path:
        """The corpus as given: a folder, or one file."""
        return self.session.corpus_dir

    @property
    def settings(self) -> Settings:
        return self.session.settings

    @settings.setter
    def settings(self, settings: Settings) -> None:
        self.session.settings = settings

    @property
    def report(self) -> IndexReport | None:
        """What the last ``index`` did (files read and skipped, and why), once it has run."""
        return self.session.report

    @property
    def documents(self) -> int:
        """How many documents are indexed (opens the index if it is not open)."""
        return len(self.session.index.docs)

    @property
    def passages(self) -> int:
        return self.session.index.n_passages

    def index(self, progress: Progress | None = None, *, rebuild: bool = False) -> IndexReport:
        """Bring the saved index up to date with the files (or ``rebuild`` it) and say what was
        done; ``progress(done, total, current_file)`` is called while files are read."""
        return self.session.open(progress=progress, force=rebuild)

    @property
    def shared(self) -> bool:
        """Whether the index is a shared one (Xapian shards) rather than this machine's own."""
        return self.session.engine.shared

    def indexed_text(self, source: str, offset: int) -> str | None:
        """The indexed text of ``source`` around ``offset``, at the document's own offsets, for
        showing a source that is not on this machine; None if it is not indexed."""
        return self.session.indexed_text(source, offset)

    def build(self, progress: Progress | None = None, *, rebuild: bool = False) -> IndexReport:
        """``askbrief index``: with the local engine the same as ``index``; with a shared engine
        (Xapian shards), index this corpus folder into the shards."""
        return self.session.build(progress=progress, force=rebuild)

    def ask(
        self,
        question: str,
        *,
        conversation: Conversation | None = None,
        k: int | None = None,
        on_text: Callable[[str], None] | None = None,
        cancel: CancelToken | None = None,
        explain: bool = False,
    ) -> Answer:
        """Answer ``question`` with verbatim, cited quotes, or abstain; the answer the CLI prints.

        A ``conversation`` (see ``conversation()``) makes it a follow-up of the turns in it;
        ``k`` is how many passages to compose from (the configured ``answer.k`` by default).
        With an LLM backend, ``on_text`` receives the text as it streams, and ``cancel`` stops it.
        With ``explain``, ``answer.explanation`` says why each quote was chosen.
        """
        _check_k(k)
        return self.session.ask(
            question,
            k=k,
            conversation=conversation,
            on_text=on_text,
            cancel=cancel,
            explain=explain,
        )

    def search(self, query: str, k: int = 10) -> list[SearchResult]:
        """The ``k`` passages that rank best for ``query``, best first: BM25's candidates in the
        order answers use them (duplicates collapsed, reranked); ``score`` is the reranked score
        (BM25 fused with the other signals, see ``search.rerank``)."""
        _check_k(k)
        if k > MAX_SEARCH_K:
            raise UsageError(f"k must be at most {MAX_SEARCH_K} (got {k})")
        ranked, _ = self.session.rank(clean_question(query), k)
        return [
            SearchResult(
                rank=rank,
                source=r.hit.passage.source,
                title=r.hit.passage.title,
                heading=r.hit.passage.heading,
                text=r.hit.passage.text,
                start=r.hit.passage.start,
                end=r.hit.passage.end,
                line=r.hit.passage.line,
                page=r.hit.passage.page,
                score=r.fused if r.fused is not None else r.hit.score,
            )
            for rank, r in enumerate(ranked, 1)
        ]

    def read_source(
        self, source: str, start: int = 0, end: int | None = None, context_chars: int = 300
    ) -> SourceText:
        """The text of ``source`` from ``start`` to ``end`` (offsets as citations give them) with
        up to ``context_chars`` around it, read now from the file as indexing reads it.

        Only documents of this corpus can be read: an absolute path or one with ``..`` is
        refused, as are offsets outside the document.
        """
        index = self.session.planning_index
        path = PurePosixPath(source.replace("\\", "/"))
        if not source.strip():
            raise UsageError("the source is empty: give a source as citations name it")
        if path.is_absolute() or ".." in path.parts or Path(source).is_absolute():
            raise UsageError(
                f"source {source!r} is outside the corpus: give a path relative to it, "
                "as citations name it"
            )
        doc = find_document(index, source)
        if doc is None:
            raise UsageError(f"unknown source {source!r}: not a document of {self.path.name}")
        end = start if end is None else end
        for name, value in (("start", start), ("end", end), ("context_chars", context_chars)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise UsageError(f"{name} must be a whole number, 0 or more (got {value!r})")
        if context_chars > MAX_CONTEXT_CHARS:
            raise UsageError(f"context_chars must be at most {MAX_CONTEXT_CHARS:,}")
        try:
            text = read_document_text(self.path, source)
        except SkipFile as exc:
            raise UsageError(f"cannot read {source!r} now: {exc}") from exc
        if start > end or end > len(text):
            raise UsageError(
                f"offsets {start}-{end} are out of range: {source!r} has {len(text):,} "
                "characters of text (start <= end <= length)"
            )
        try:
            now = os.stat(documents_folder(self.path) / source)
            changed = (now.st_size, now.st_mtime_ns) != (doc.size, doc.mtime_ns)
        except OSError:
            changed = True
        page = None
        if doc.page_starts:
            page = sum(1 for p in doc.page_starts if p <= start) or 1
        lo, hi = max(0, start - context_chars), min(len(text), end + context_chars)
        return SourceText(
            source=source,
            title=doc.title,
            start=start,
            end=end,
            text=text[start:end],
            before=text[lo:start],
            after=text[end:hi],
            length=len(text),
            line=text.count("\n", 0, start) + 1,
            page=page,
            changed=changed,
        )

    def conversation(self) -> Conversation:
        """A new conversation on this corpus, held in memory: pass it to ``ask`` and ``add``
        each answer to it, and the next question is asked as a follow-up."""
        return Conversation("", str(self.path.resolve()), "")

    def is_corpus_of(self, conversation: Conversation) -> bool:
        """Whether ``conversation`` was held over this corpus (its citations point into it)."""
        return self.session.is_corpus_of(conversation)
