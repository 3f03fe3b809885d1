"""Session: the one facade the CLI, the REPL and the TUI call to open a corpus and ask it.

It owns the settings and the open index; it turns a question into retrieval terms, hits and an
answer (extractive, or from the configured LLM backend with checked citations).
"""

from __future__ import annotations

import os
import time
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import cast

from .answers.answer_type import SUMMARY_TYPES, answer_type
from .answers.compose import abstain, answer_terms, compose_answer
from .answers.explain import explanation
from .cancel import CancelToken
from .config import Settings
from .conversations import Conversation
from .documents.corpus import SUPPORTED_SUFFIXES, documents_folder
from .errors import CorpusError, QuestionError
from .resources import bundled_dir
from .search.engines import Engine, SearchIndex, load_engine
from .search.followup import FollowupQuery, plan_query, search
from .search.index import Index
from .search.library import IndexReport, Progress, cache_root
from .search.mentions import NameCheck, check_names, unmentioned_notice
from .search.rerank import Ranked, rerank, semantic_on
from .search.semantic import StaticEmbedder, embedder
from .search.summaries import summary_hits
from .search.terms import QuestionTerms
from .types import Answer, Hit, Timings

__all__ = [
    "MAX_QUESTION_CHARS",
    "Session",
    "clean_question",
    "no_documents_error",
    "resolve_corpus",
    "shared_corpus_dir",
]

MAX_QUESTION_CHARS = 4000
# Skipped files named in the one-line "no readable documents" error; the rest are counted.
MAX_SKIPS_NAMED = 8
# Earlier turns handed to an LLM backend at most; it keeps the newest that fit its budget.
MAX_HISTORY_TURNS = 20


def clean_question(question: str) -> str:
    """The question with control characters removed and white space folded; raises on empty."""
    text = "".join(ch if not unicodedata.category(ch).startswith("C") else " " for ch in question)
    text = " ".join(text.split())
    if not text:
        raise QuestionError("the question is empty: type a question about your documents")
    if len(text) > MAX_QUESTION_CHARS:
        raise QuestionError(
            f"the question is {len(text):,} characters long; the limit is {MAX_QUESTION_CHARS:,}"
        )
    return text


def no_documents_error(report: IndexReport) -> CorpusError:
    """The one-line error for a corpus with nothing to answer from: what was skipped and why,
    or which file types askbrief reads when nothing was even a candidate."""
    where = report.corpus
    skipped = report.skipped
    if not skipped:
        kinds = ", ".join(sorted(SUPPORTED_SUFFIXES))
        return CorpusError(
            f"no readable documents in {where}: it holds no files of the types askbrief reads "
            f"({kinds})"
        )
    named = "; ".join(f"{s.source} ({s.reason})" for s in skipped[:MAX_SKIPS_NAMED])
    more = f"; and {len(skipped) - MAX_SKIPS_NAMED} more" if len(skipped) > MAX_SKIPS_NAMED else ""
    files = "file" if len(skipped) == 1 else "files"
    return CorpusError(
        f"no readable documents in {where}: skipped {len(skipped)} {files}: {named}{more}"
    )


def resolve_corpus(corpus: Path | None) -> Path:
    """The folder to open: the given one, or the bundled samples when none is given. The name
    ``seeds`` means the bundled samples too, unless a folder of that name is right here."""
    if corpus is None:
        return bundled_dir("seeds")
    corpus = Path(corpus).expanduser()
    if str(corpus) == "seeds" and not corpus.exists():
        return bundled_dir("seeds")
    return corpus


def shared_corpus_dir(settings: Settings) -> Path:
    """What stands for a shared engine's corpus on this machine: a folder named after its shard
    addresses (never created), the same for every session over the same shards."""
    import hashlib
    import json

    key = json.dumps([settings.engine.name, settings.engine.shards])
    digest = hashlib.sha256(key.encode()).hexdigest()[:16]
    return cache_root(settings) / "engines" / f"{settings.engine.name}-{digest}"


class Session:
    """An open corpus and the settings to answer from it."""

    def __init__(self, settings: Settings, corpus: Path | None = None) -> None:
        self.settings = settings
        self.engine: Engine = load_engine(settings.engine)
        if self.engine.shared and not (corpus or settings.corpus.path):
            # A shared engine is the corpus: this stands for it in conversations, and holds no
            # files, so the source viewer shows the indexed text.
            self.corpus_dir = shared_corpus_dir(settings)
        else:
            self.corpus_dir = resolve_corpus(corpus or settings.corpus.path)
        self._index: SearchIndex | None = None
        self.report: IndexReport | None = None
        self.partial = False  # the last answer left out a shard that was down

    @property
    def index(self) -> SearchIndex:
        if self._index is None:
            self.open()
        assert self._index is not None
        return self._index

    @property
    def planning_index(self) -> Index:
        """The index as follow-up planning takes it: typed as the local ``Index``, whose members
        it uses are the ``SearchIndex`` protocol that every engine's index has."""
        return cast(Index, self.index)

    def open(self, progress: Progress | None = None, *, force: bool = False) -> IndexReport:
        """Open the engine's index: the local one is loaded, refreshed if files changed, or
        built; a shared one is connected to.

        Raises CorpusError when the corpus has no readable text at all (an empty folder, or every
        file skipped), naming what was skipped and why: there is nothing to answer from."""
        index, self.report = self.engine.open(
            self.corpus_dir, self.settings, progress=progress, force=force
        )
        if index.n_passages == 0:
            self._index = None
            raise no_documents_error(self.report)
        self._index = index
        return self.report

    def build(self, progress: Progress | None = None, *, force: bool = False) -> IndexReport:
        """Index the corpus folder into the engine (``askbrief index``), then open it."""
        if not self.engine.shared:
            return self.open(progress, force=force)
        if self.corpus_dir == shared_corpus_dir(self.settings):
            raise CorpusError(
                f"name the folder to index into the {self.engine.name} shards: askbrief index DIR"
            )
        report = self.engine.index_folder(
            self.corpus_dir, self.settings, progress=progress, force=force
        )
        self._index = None
        return report

    def indexed_text(self, source: str, offset: int) -> str | None:
        """The indexed text of ``source`` around ``offset``, at the document's own offsets (for
        showing a source that is not on this machine); None if it is not indexed."""
        from .search.engines import indexed_text

        return indexed_text(self.index, source, offset)

    def plan(self, question: str, conversation: Conversation | None = None) -> FollowupQuery:
        """The search for ``question``: its own terms, plus context when it continues
        ``conversation`` (see ``askbrief.search.followup``)."""
        turns = conversation.turns if conversation is not None else []
        index = self.planning_index
        return plan_query(
            question,
            turns,
            index,
            cited_here=conversation is not None and self.is_corpus_of(conversation),
            model=self._semantic_model(index, followup=False),
            followup_model=lambda: self._semantic_model(index, followup=True),
        )

    def _semantic_model(self, index: Index, *, followup: bool) -> StaticEmbedder | None:
        """The static embedder where the semantic signal is on for ``index`` and a question
        that does (``followup``) or does not continue a conversation, else None."""
        on = semantic_on(self.settings.search, index.n_passages, followup)
        return embedder() if on else None

    def is_corpus_of(self, conversation: Conversation) -> bool:
        """Whether ``conversation`` was held over this session's corpus (so its citations
        point into this index)."""
        return bool(conversation.corpus) and (
            Path(conversation.corpus).resolve() == self.corpus_dir.resolve()
        )

    def retrieve(
        self, question: str, k: int | None = None, *, conversation: Conversation | None = None
    ) -> tuple[list[Hit], QuestionTerms]:
        ranked, terms = self.rank(question, k, conversation=conversation)
        return [r.hit for r in ranked], terms

    def rank(
        self, question: str, k: int | None = None, *, conversation: Conversation | None = None
    ) -> tuple[list[Ranked], QuestionTerms]:
        """The best ``k`` passages for ``question`` with why each ranks where it does: BM25
        finds ``search.candidates`` of them, ``search.rerank`` orders them."""
        ranked, terms, _, _ = self._rank(question, k, conversation)
        return ranked, terms

    def _rank(
        self, question: str, k: int | None, conversation: Conversation | None
    ) -> tuple[list[Ranked], QuestionTerms, FollowupQuery, NameCheck]:
        """Rank the passages for ``question``, with its weighed terms, its search plan and what
        the documents make of its code-like names (each looked up once, here)."""
        query = self.plan(question, conversation)
        k = k or self.settings.answer.k
        index = self.planning_index
        candidates = search(index, query, max(k, self.settings.search.candidates))
        # Where the semantic signal is on, its vocabulary tells an everyday word the corpus lacks
        # ("office") from a name ("certbot"): see QuestionTerms.answer_threshold.
        followup = conversation is not None and bool(conversation.turns) and not query.new_topic
        model = self._semantic_model(index, followup=followup)
        terms = query.question_terms(index, question, model.is_word if model else None)
        names = check_names(index, question)
        if own := names.askers_own & terms.missing:
            terms = terms.without(own)
        ranked = rerank(
            question,
            candidates,
            self.settings.search,
            k,
            index.opening,
            terms,
            model=model,
            is_link=self._is_link,
        )
        if answer_type(question) in SUMMARY_TYPES:
            seen = {r.hit.passage.id for r in ranked}
            ranked += [
                Ranked(hit, 0, fused_rank=len(ranked) + i, added="its page's one-line summary")
                for i, hit in enumerate(summary_hits(index, terms.weights, seen), start=1)
            ]
        return ranked, terms, query, names

    def _is_link(self, source: str) -> bool:
        """Whether ``source`` is a symbolic link in the corpus folder on this machine."""
        return os.path.islink(documents_folder(self.corpus_dir) / source)

    def ask(
        self,
        question: str,
        *,
        k: int | None = None,
        on_text: Callable[[str], None] | None = None,
        history: Sequence[tuple[str, str]] | None = None,
        conversation: Conversation | None = None,
        cancel: CancelToken | None = None,
        explain: bool = False,
    ) -> Answer:
        """Answer ``question`` from the corpus; never raises for an unanswerable question.

        When the question continues ``conversation``, retrieval leans on its recent turns and the
        answer names the context terms it borrowed. With an LLM backend configured, ``on_text``
        receives its text as it streams, and ``history`` (earlier (question, answer) pairs, oldest
        first; by default the conversation's turns) is sent along, the backend module choosing
        the newest that fit; if the backend fails, the extractive answer comes back with a notice
        saying so. Saving the turn is the caller's job (``ConversationStore.append``).
        With ``explain``, the answer carries why each quote was chosen (``answers.explain``).
        """
        question = clean_question(question)
        t0 = time.perf_counter()
        index_was_open = self._index is not None
        _ = self.index
        t1 = time.perf_counter()
        ranked, terms, query, names = self._rank(question, k, conversation)
        hits = [r.hit for r in ranked]
        never_named = list(names.unmentioned)
        notices, self.partial = self.engine.take_notices()
        if self.partial:
            never_named = []  # a shard that was left out may hold the name
        t2 = time.perf_counter()
        if history is None:
            turns = conversation.turns[-MAX_HISTORY_TURNS:] if conversation is not None else []
            history = [(turn.question, turn.markdown) for turn in turns]

        # The quotes the last answer cited: a follow-up's answer often carries on from them.
        recent: list[tuple[str, int, int]] = []
        if conversation is not None and conversation.turns and self.is_corpus_of(conversation):
            recent = [
                (str(c.get("source", "")), int(c.get("start", 0) or 0), int(c.get("end", 0) or 0))
                for c in conversation.turns[-1].citations[:3]
                if not query.new_topic
            ]

        def extractive() -> Answer:
            if not terms.weights:
                return replace(
                    abstain(question, hits),
                    notices=("the question has no searchable words (only stop words or symbols)",),
                )
            return compose_answer(
                question,
                hits,
                terms,
                max_quotes=self.settings.answer.max_quotes,
                next_passage=self.index.next_passage,
                previous_passage=self.index.previous_passage,
                explain=explain,
                twins=self.index,
                recent=recent,
            )

        if never_named:
            # A question about a name the documents never write ("pg_cron") is not answered from
            # passages that merely share its parts, by any backend (see search.mentions).
            answer = replace(abstain(question, hits), notices=(unmentioned_notice(never_named),))
        elif self.settings.backend.name == "extractive":
            answer = extractive()
        else:
            from .answers.generate import generate_answer
            from .backends.base import Turn

            answer = generate_answer(
                question,
                hits,
                self.settings,
                on_text=on_text,
                fallback=extractive,
                history=[Turn(q, a) for q, a in history],
                cancel=cancel,
            )
        t3 = time.perf_counter()
        load_ms = 0.0 if index_was_open else (t1 - t0) * 1000
        if explain:
            # An LLM's answer and an abstention have no quote reasons; the rest still applies.
            quotes = (answer.explanation or {}).get("quotes", [])
            answer = replace(
                answer,
                explanation=explanation(
                    question,
                    answer_terms(terms, answer_type(question)),
                    ranked,
                    query.context_terms,
                    quotes,
                    never_named,
                    lenient=bool((answer.explanation or {}).get("lenient")),
                ),
            )
        return replace(
            answer,
            notices=notices + answer.notices,
            partial=self.partial,
            context_terms=query.context_terms,
            conversation=conversation.id if conversation is not None else None,
            timings=Timings(
                load_ms=load_ms, retrieve_ms=(t2 - t1) * 1000, compose_ms=(t3 - t2) * 1000
            ),
        )
