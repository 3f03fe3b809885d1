"""Names a question asks about that the corpus never mentions.

"How do I schedule a nightly VACUUM job with the pg_cron extension?" shares every word but one
with the PostgreSQL manual, and "pg_cron" splits into "pg" and "cron", which the manual holds
too. A quote about VACUUM would cover most of the question and be given as an answer about an
extension the documents never name. A name written as code (joined by underscores, ``pg_cron``,
``max_connections``; by dots, ``os.path.join``, ``pull.rebase``, but not a file name such as
``report.txt``, which is most often the asker's own file; a long option, ``--timeout``; or in
camel case, ``maxRedirects``, ``CacheMaxEntries``) is not paraphrased the way prose is: when
no passage holds it, the documents do not answer a question about it, and askbrief says so by
name instead of quoting what merely shares its parts.

A name that is the asker's own is not held against the question: a placeholder (``MY_OPT``,
``foo.bar``), a member of a namespace the documents write (``pytest.mark.slwo``, a misspelt
marker; ``logger.info``, a call in the asker's code), or a name that only the sentences setting
the scene hold, not one that asks ("I back up my database by piping pg_dump straight into borg
create… Is there a way to make borg refuse…?": the asker's tool, not what is asked about).

Only such code-like names count. A word of prose the corpus lacks ("Postgres" where the manual
says "PostgreSQL") may be the asker's wording for what the documents call otherwise; that is the
abstain rule's business (``answers.compose``), not this module's.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from .analysis import analyze, asking_sentences
from .engines.base import SearchIndex

__all__ = [
    "LOOKUP_DEPTH",
    "MAX_NAMES",
    "NameCheck",
    "askers_own_terms",
    "check_names",
    "code_names",
    "unmentioned",
    "unmentioned_notice",
    "writes_in_a_row",
]

# Passages searched for a name's parts before concluding the corpus never writes the name whole.
LOOKUP_DEPTH = 200
# Names looked up at most, the first ones: each costs a search, and a question pasted full of
# identifiers must not take seconds.
MAX_NAMES = 8

# Joined by underscores: pg_cron, max_connections, SQLITE_MAX_COLUMN, __init__.
_UNDERSCORED = re.compile(r"(?<![\w.\-])_*[A-Za-z][A-Za-z0-9]*(?:_+[A-Za-z0-9]+)+_*(?![\w])")
# Joined by dots, each part two characters or more and lower-case after a dot, so that a missing
# space after a full stop ("git.Also") and "e.g." are not names: os.path.join, core.autocrlf.
_DOTTED = re.compile(r"(?<![\w.\-])[A-Za-z_]\w+(?:\.[a-z_]\w+)+(?![\w])")
# A file name is most often the asker's own file ("chop the extension off a filename, e.g.
# report.txt"), not something the documents would name: a dotted name ending in one of these.
_FILE_SUFFIX = re.compile(
    r"\.(?:txt|md|rst|html?|xml|json|ya?ml|toml|ini|cfg|conf|csv|tsv|log|c|h|cc|cpp|hpp|py|js|"
    r"ts|rb|go|rs|java|sh|sql|db|sqlite|tar|gz|tgz|bz2|xz|zip|pdf|docx?|xlsx?|png|jpe?g|gif|svg|"
    r"mp3|mp4|bak|tmp|out|dat|bin)$",
    re.I,
)
# A long command-line option: --timeout, --max-lock-depth (its "=value" left out).
_OPTION = re.compile(r"(?<![\w-])--[a-z][a-z0-9]*(?:-[a-z0-9]+)*")
# Camel case starting in lower case (maxRedirects, readFileSync), or in upper case with three
# humps or more (CacheMaxEntries): two humps are as often a product's name (JavaScript, GitHub),
# which a question may use where the documents do not.
_CAMEL = re.compile(
    r"(?<![\w.])(?:[a-z]+(?:[A-Z][a-z0-9]+)+|[A-Z][a-z]+(?:[A-Z][a-z0-9]+){2,})(?![\w])"
)
# A placeholder the asker made up (FOO_BUILD_TESTS, MY_OPT, my_table, foo.bar): their own name.
_PLACEHOLDER = re.compile(r"^_*(?:foo|bar|baz|qux|my|your|example)(?:[_.]|$)", re.I)
# Dashes a typesetter makes of "--" and "-" ("–timeout"), folded before names are compared.
_DASHES = re.compile(r"[-‐‑‒–—]+")


def code_names(question: str) -> list[str]:
    """The names written as code in ``question``, in order, each once; not file names."""
    found = [
        m.group()
        for pattern in (_UNDERSCORED, _DOTTED, _OPTION, _CAMEL)
        for m in pattern.finditer(question)
        if not (pattern is _DOTTED and _FILE_SUFFIX.search(m.group()))
    ]
    return list(dict.fromkeys(found))


def _fold(text: str) -> str:
    return _DASHES.sub("-", text.lower())


def _mentioned(index: SearchIndex, name: str) -> bool:
    terms = analyze(name)
    if not terms:
        return True  # nothing to look it up by; not this module's call
    needle = _fold(name)
    if any(needle in _fold(hit.passage.text) for hit in index.hits(terms, LOOKUP_DEPTH)):
        return True
    # A file's own name or title ("What does CONTRIBUTING.md ask of me?") names it though its
    # text may not.
    return any(
        needle in _fold(doc.source.rsplit("/", 1)[-1]) or needle in _fold(doc.title)
        for doc in index.docs
    )


def _askers_own(index: SearchIndex, name: str) -> bool:
    """A name the asker made up, or wrote in their own code: a placeholder (``MY_OPT``), or a
    member of a namespace the documents write (``pytest.mark.slwo``, a misspelt marker, where
    they write ``pytest.mark.skip``; ``logger.info`` in the asker's code, where they write
    ``logger.warning``). The question is then about what the documents do cover."""
    if _PLACEHOLDER.match(name):
        return True
    head, dot, _ = name.rpartition(".")
    return bool(dot) and not name.startswith("-") and _namespace_written(index, head)


def _namespace_written(index: SearchIndex, head: str) -> bool:
    """Whether the documents write a member of the namespace ``head`` ("pytest.mark.skip" for
    "pytest.mark"): the namespace, a dot and a name. A sentence ending in the word ("…inside
    the VM.") writes no member of "vm"."""
    terms = analyze(head)
    if not terms:
        return True
    member = re.compile(rf"(?<![\w.]){re.escape(_fold(head))}\.[^\W\d]", re.I)
    return any(member.search(_fold(hit.passage.text)) for hit in index.hits(terms, LOOKUP_DEPTH))


# Where a passage that writes a name's parts as words in a row ranks among its parts' hits.
IN_A_ROW_DEPTH = 20


def writes_in_a_row(index: SearchIndex, words: Sequence[str]) -> bool:
    """Whether some passage writes ``words`` in a row, apart or hyphenated ("Address
    Sanitizer", "address-sanitizer" for a question's "AddressSanitizer")."""
    pattern = re.compile(r"\b" + r"[\s-]?".join(re.escape(w) for w in words) + r"\b", re.I)
    terms = [t for w in words for t in analyze(w)]
    return any(pattern.search(h.passage.text) for h in index.hits(terms, IN_A_ROW_DEPTH))


@dataclass(frozen=True)
class NameCheck:
    """What the documents make of a question's code-like names (the first ``MAX_NAMES``)."""

    unmentioned: tuple[str, ...] = ()  # names no passage holds and no document is named by
    # the terms of the asker's own names that the documents never write whole ("pytest", "mark"
    # and "slwo" of a misspelt ``pytest.mark.slwo``): those the corpus lacks are no word the
    # question is about (``QuestionTerms.without``)
    askers_own: frozenset[str] = frozenset()


def check_names(index: SearchIndex, question: str) -> NameCheck:
    """Each code-like name of ``question`` looked up once: written in the documents, the
    asker's own (``_askers_own``), or unmentioned. A passage that holds a name ranks among the
    first ``LOOKUP_DEPTH`` for the name's own parts, so those are the passages read."""
    never: list[str] = []
    own: set[str] = set()
    asking = " ".join(asking_sentences(question))
    for name in code_names(question)[:MAX_NAMES]:
        if _mentioned(index, name):
            continue
        if name not in asking or _askers_own(index, name):
            own.update(analyze(name))
        else:
            never.append(name)
    return NameCheck(tuple(never), frozenset(own))


def unmentioned(index: SearchIndex, question: str) -> list[str]:
    """The code-like names of ``question`` that the documents never mention (``check_names``)."""
    return list(check_names(index, question).unmentioned)


def askers_own_terms(index: SearchIndex, question: str) -> frozenset[str]:
    """The terms of the asker's own names that the documents never write whole
    (``check_names``)."""
    return check_names(index, question).askers_own


def unmentioned_notice(names: Sequence[str]) -> str:
    """The one line that says which names the documents never mention."""
    quoted = ", ".join(f"“{n}”" for n in names)
    return f"the documents never mention {quoted}"
