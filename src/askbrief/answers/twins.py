"""Citing a quote from the rendered copy of its document, when there is one.

Documentation often ships one manual twice:

- as HTML pages and as a PDF (``bashref.html`` and ``bashref.pdf``), or a Word or EPUB file;
- as HTML pages and the markup they were rendered from: AsciiDoc (``git-push.txt`` beside
  ``git-push.html``), Markdown (``api/url.md`` beside ``api/url.html``) or Sphinx's sources
  (``_sources/library/os.rst.txt`` for ``library/os.html``).

A quote taken from the PDF is cited from the HTML page or text file instead when that holds the
same words in the same order: there the quote is the file's own text at the cited offsets, so
anyone (or any checker) who opens the file finds it, and it reads without the PDF's page breaks
and hyphenation. A quote taken from a markup file is cited from the page rendered from it, when
the corpus holds that page: it reads as the page does, without backticks, link brackets and
emphasis marks ("[`url.parse()`][] behavior…" is "url.parse() behavior…"). And a quote taken
from a page that gathers every page (FFmpeg's ``ffmpeg-all.html``, Node's ``all.html``: at least
``GATHERING_RATIO`` times as long as another page of the same kind holding the quote's passage)
is cited from that other page, the one devoted to what it says. And a quote taken from a page
of a translation (``cs-CZ/sect.remote-login.html``, ``weechat_user.fr.html``) is cited from the
English page at the same place (``en-US/sect.remote-login.html``) when that holds the same words:
a translation leaves what it has not translated yet in English, so the English text stands on
every language's page, and a reader of it wants the English page. The other file stays named in
the citation's ``also_in``.

The copy may split the text where the first file runs on (an HTML page starts a passage at each
heading), so a copy's passage is read with the passages either side that touch it.

The match ignores everything but letters and digits (after Unicode compatibility folding, so the
PDF's "ﬁ" ligature is "fi" and "job-\\nspec" is "jobspec"), and the copy's own characters are
quoted, so the quote is always verbatim from the file it cites.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import replace
from pathlib import PurePosixPath
from typing import Protocol

from ..search.analysis import analyze
from ..search.followup import find_document
from ..types import Hit, Passage
from .quotes import Candidate, joined_text

__all__ = ["EXTRACTED_SUFFIXES", "MARKUP_SUFFIXES", "is_extracted", "rendered_names", "text_twin"]

# Formats whose text askbrief extracts, so the cited offsets are not the file's own characters.
EXTRACTED_SUFFIXES = frozenset({".pdf", ".docx", ".epub"})
# Markup a page may have been rendered from; the page sits beside it, or beside ``_sources``.
MARKUP_SUFFIXES = frozenset({".md", ".markdown", ".rst", ".txt"})
# Letters and digits a quote needs before its wording says the copy is the same text.
MIN_CHARS = 24
SEARCH_TERMS = 12  # the quote's rarest terms, searched to find its copies
# A copy that words the quote's end differently still holds it when its letters and digits agree
# for this share of the quote, the first ANCHOR_CHARS of them found as they are.
SAME_SHARE = 0.8
ANCHOR_CHARS = 40
MAX_RUN_ON = 200  # how far past the agreeing part the copy's sentence may end
_SENTENCE_END = re.compile(r"[.!?](?=\s|$)")
SEARCH_HITS = 10
# Markup a rendered page does not show: a reST role's name (":class:`str`" shows "str"), a
# cross-reference's target after its title, with or without a space as Sphinx allows
# (":ref:`conversion table <py-to-json-table>`" shows "conversion table", ":ref:`-dFIXEDMEDIA
# switch<FIXEDMEDIA>`" shows "-dFIXEDMEDIA switch"), and a Markdown link's address or label
# ("[url.parse()](url.html#urlparse)", "[`url.parse()`][]" show "url.parse()").
_UNSHOWN = re.compile(
    r":[\w.+-]+:(?=`)|(?<=[^`\s])\s*<[^<>`\n]+>(?=`)|(?<=\])\([^()\s]*\)|(?<=\])\[[^\]\n]*\]"
)
# A page this many times longer than another holding the same passage gathers many pages.
GATHERING_RATIO = 3
# A language's tag as a folder ("cs-CZ", "pt_BR", "da") or in a file's name ("user.fr.html"),
# and the tags an English copy goes by.
_LOCALE = re.compile(r"^[a-z]{2}(?:[-_][A-Za-z]{2})?$")
ENGLISH_TAGS = ("en-US", "en", "en_US", "en-GB", "en_GB")
# An English page of more passages than this is searched for rather than read through (each
# passage of a remote shard is a round trip), among this many times the usual hits.
MAX_SCAN = 400
ENGLISH_HITS = 5
# The words a passage of the English page must hold before its text is compared letter by letter.
_PROBE_WORDS = 3
_PROBE = re.compile(r"[^\W\d_]{4,}")


class _Named(Protocol):
    @property
    def source(self) -> str: ...

    @property
    def first_passage(self) -> int: ...

    @property
    def n_passages(self) -> int: ...


class Searchable(Protocol):
    @property
    def docs(self) -> Sequence[_Named]: ...

    def term_idf(self, term: str) -> float: ...

    def hits(
        self, terms: Sequence[str], k: int, weights: Sequence[float] | None = None
    ) -> list[Hit]: ...

    def next_passage(self, passage: Passage) -> Passage | None: ...

    def passage(self, pid: int) -> Passage: ...


def rendered_names(source: str) -> tuple[str, ...]:
    """Where the HTML page rendered from the markup file ``source`` would be: beside it under
    its own name, or, for a Sphinx source (``_sources/library/os.rst.txt``), at the same place
    outside ``_sources`` (``library/os.html``). Empty for any other file."""
    path = PurePosixPath(source)
    if path.suffix.lower() not in MARKUP_SUFFIXES:
        return ()
    if "_sources" not in path.parts[:-1]:
        base = path.with_suffix("")
    else:
        at = path.parts.index("_sources")
        inner = PurePosixPath(*path.parts[:at], *path.parts[at + 1 :])
        name = inner.name.removesuffix(".txt")
        for suffix in (".rst", ".md"):
            name = name.removesuffix(suffix)
        base = inner.with_name(name)
    return (f"{base}.html", f"{base}.htm")


def english_names(source: str) -> tuple[str, ...]:
    """Where the English page of ``source`` would be when ``source`` is a translation's: the
    same path with its language's folder (``cs-CZ/apt.html``) or its name's language tag
    (``weechat_user.fr.html``) made English's. Empty when the path names no other language."""
    path = PurePosixPath(source)
    names: list[str] = []
    for i, part in enumerate(path.parts[:-1]):
        if _LOCALE.match(part) and not part.lower().startswith("en"):
            names += [
                str(PurePosixPath(*path.parts[:i], tag, *path.parts[i + 1 :]))
                for tag in ENGLISH_TAGS
            ]
    suffixes = path.suffixes
    if len(suffixes) >= 2 and _LOCALE.match(suffixes[-2][1:]) and suffixes[-2][1:3] != "en":
        stem = path.name[: -len("".join(suffixes[-2:]))]
        names += [str(path.with_name(f"{stem}.{tag}{suffixes[-1]}")) for tag in ("en", "en-US")]
    return tuple(dict.fromkeys(names))


def _indexed(index: Searchable, source: str) -> bool:
    return find_document(index, source) is not None


def _devoted_pages(index: Searchable, hit: Hit) -> set[str]:
    """The pages among ``hit``'s other copies that are ``GATHERING_RATIO`` times shorter than
    the hit's own: the hit's page gathers many (FFmpeg's ``ffmpeg-all.html``, Node's
    ``all.html``), and a reader wants the page devoted to what the passage says."""
    here = find_document(index, hit.passage.source)
    if here is None:
        return set()
    suffix = PurePosixPath(hit.passage.source).suffix.lower()
    pages = set()
    for source in hit.also_in:
        if PurePosixPath(source).suffix.lower() != suffix:
            continue  # a page of another kind (the markup it was rendered from) is not it
        doc = find_document(index, source)
        if doc is not None and here.n_passages >= GATHERING_RATIO * doc.n_passages:
            pages.add(source)
    return pages


def is_extracted(source: str) -> bool:
    """Whether ``source`` is a PDF, Word or EPUB file, whose text askbrief extracts."""
    return PurePosixPath(source).suffix.lower() in EXTRACTED_SUFFIXES


def _folded(text: str) -> tuple[str, list[int]]:
    """``text``'s letters and digits, compatibility-folded and lower-cased, and where each is."""
    chars: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(text):
        if ch.isascii():
            if ch.isalnum():
                chars.append(ch.lower())
                where.append(i)
            continue
        for c in unicodedata.normalize("NFKC", ch).lower():
            if c.isalnum():
                chars.append(c)
                where.append(i)
    return "".join(chars), where


def _edge(quote: str, *, lead: bool) -> str:
    """The marks before the quote's first letter or after its last ("(", "."), spaces left out."""
    stripped = quote.strip()
    n = 0
    rng = stripped if lead else reversed(stripped)
    for ch in rng:
        if ch.isalnum():
            break
        n += 1
    return stripped[:n] if lead else stripped[len(stripped) - n :]


def _widen(text: str, a: int, b: int, quote: str) -> tuple[int, int]:
    """The span widened over the quote's leading and trailing marks, where the copy has marks
    there too ("." after the last word), so the quote still opens and ends as it did."""
    for _ in _edge(quote, lead=True):
        if a > 0 and not text[a - 1].isalnum() and not text[a - 1].isspace():
            a -= 1
    for _ in _edge(quote, lead=False):
        if b < len(text) and not text[b].isalnum() and not text[b].isspace():
            b += 1
    return a, b


def text_twin(cand: Candidate, index: Searchable) -> Candidate | None:
    """``cand`` cited from a passage of another file that holds the same words: for a quote
    from an extracted (PDF, Word, EPUB) document, a text or HTML file's; for a quote from a
    markup file, the page rendered from it, when the index holds that page; for a quote from a
    page gathering many, a page devoted to it among its passage's copies. Else None.

    An extracted document's copy found in a markup file (the Debian Policy's
    ``_sources/ch-docs.rst.txt`` for ``policy.epub``) is cited in turn from the page rendered
    from it, when the folder holds that page."""
    twin = _copy_of(cand, index)
    if (
        twin is not None
        and is_extracted(cand.hit.passage.source)
        and rendered_names(twin.hit.passage.source)
    ):
        twin = _copy_of(twin, index) or twin
    return twin


def _copy_of(cand: Candidate, index: Searchable) -> Candidate | None:
    """One step of ``text_twin``: the copy of ``cand`` in the file its kind is cited from."""
    source = cand.hit.passage.source
    pages: set[str] | None = None  # the only sources a copy may come from, when not any text
    english: list[_Named] = []
    if not is_extracted(source):
        pages = {name for name in rendered_names(source) if _indexed(index, name)}
        pages = pages or _devoted_pages(index, cand.hit)
        if not pages:
            english = [
                doc
                for name in english_names(source)
                if (doc := find_document(index, name)) is not None
            ]
            if not english:
                return None
            pages = {doc.source for doc in english}
    shown = _UNSHOWN.sub("", cand.quote) if pages is not None else cand.quote
    key, _ = _folded(shown)
    if len(key) < MIN_CHARS:
        return None
    if english and sum(doc.n_passages for doc in english) <= MAX_SCAN:
        # Every language's page holds the untranslated text, so a search for it may not reach
        # the English page among its copies: that page's own passages are read instead.
        found = _passages_holding(index, english, shown, cand.hit.score)
    else:
        terms = sorted(set(analyze(shown)), key=index.term_idf, reverse=True)[:SEARCH_TERMS]
        if not terms:
            return None
        # A long English page is searched for, among more copies than one language has.
        found = index.hits(terms, SEARCH_HITS * (ENGLISH_HITS if english else 1))
    for hit in found:
        p = hit.passage
        if is_extracted(p.source) or (pages is not None and p.source not in pages):
            continue
        # The copy may split the text where the PDF does not (a heading starts a passage), so
        # the passage is read with its neighbours when they touch it.
        first = _touching_before(index, p) or p
        following = index.next_passage(p)
        text = (first.text if first is not p else "") + joined_text(p, following)
        span = _locate(key, text, cand.quote)
        if span is None:
            continue
        a, b = span
        cited = first if a < len(first.text) and first is not p else p
        also = [source, *cand.hit.also_in, *hit.also_in]
        also_in = tuple(dict.fromkeys(s for s in also if s != p.source))
        return replace(
            cand,
            hit=Hit(cited, hit.score, also_in),
            start=first.start + a,
            end=first.start + b,
            quote=text[a:b],
        )
    return None


def _passages_holding(
    index: Searchable, docs: Sequence[_Named], quote: str, score: float
) -> list[Hit]:
    """The passages of ``docs`` that hold (with the passage after each) the quote's longest
    words, as hits at ``score``: the few worth comparing letter by letter."""
    probe = sorted(set(_PROBE.findall(quote.lower())), key=len, reverse=True)[:_PROBE_WORDS]
    out: list[Hit] = []
    for doc in docs:
        passages = [
            index.passage(pid)
            for pid in range(doc.first_passage, doc.first_passage + doc.n_passages)
        ]
        for i, p in enumerate(passages):
            after = passages[i + 1] if i + 1 < len(passages) else None
            text = joined_text(p, after).lower()
            if all(word in text for word in probe):
                out.append(Hit(p, score))
    return out


def _locate(key: str, text: str, quote: str) -> tuple[int, int] | None:
    """Where in ``text`` the quote whose folded form is ``key`` stands, as (start, end).

    The same letters and digits, or, failing that, the same opening for at least
    ``SAME_SHARE`` of them, then on to the end of the copy's sentence: a PDF renders a cross
    reference as "see Section 10.1 [Basic Installation], page 158" where the HTML page says
    "see Basic Installation", and the sentence is still the same one."""
    folded, where = _folded(text)
    i = folded.find(key)
    if i >= 0:
        return _widen(text, where[i], where[i + len(key) - 1] + 1, quote)
    i = folded.find(key[:ANCHOR_CHARS])
    if i < 0:
        return None
    same = len(os.path.commonprefix([key, folded[i : i + len(key)]]))
    if same < SAME_SHARE * len(key):
        return None
    a, b = _widen(text, where[i], where[i + same - 1] + 1, quote[:1])
    end = _SENTENCE_END.search(text, b, b + MAX_RUN_ON)
    return (a, end.end()) if end else None


def _touching_before(index: Searchable, passage: Passage) -> Passage | None:
    """The passage just before ``passage`` in its document, if its text ends where this starts."""
    if passage.id == 0:
        return None
    try:
        before = index.passage(passage.id - 1)
    except (KeyError, IndexError):  # the first passage of a shard's block, or removed
        return None
    same = before.source == passage.source and before.end == passage.start
    return before if same else None
