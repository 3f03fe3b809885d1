"""Turn text into the terms BM25 ranks by: the same function for passages and for questions.

Lower-cased Unicode words; numbers kept whole (``$250`` → ``250``, ``18.9`` stays ``18.9``,
``1,000`` → ``1000``); English stop words dropped; Snowball (Porter 2) stems, so "sanction" and
"sanctions" meet. The choice is measured in ``bench/tokenizer_choice.py`` and explained in the
README.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

__all__ = [
    "ANALYZER_VERSION",
    "STOP_WORDS",
    "analyze",
    "analyze_question",
    "asking_part",
    "asking_sentences",
    "asks_how_much",
    "defined_terms",
    "definition_term",
    "is_phrase",
    "label_phrases",
    "question_phrases",
    "stem",
]

# Bump when the output of analyze() changes: saved indexes made by another version are rebuilt.
ANALYZER_VERSION = "9"

# A name of letters and digits ("fts5", "sha1", "ipv6", "x86"), a number with its decimal or
# thousands separators ("18.9", "1,000", "2021-22" → two), or a word. Han, kana and Hangul have no
# spaces between words: each character is a term of its own.
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
_ALNUM = rf"[^\W_{_CJK}]"
_TOKEN = re.compile(
    rf"[{_CJK}]|(?=\d*[^\W\d_{_CJK}])(?={_ALNUM}*\d){_ALNUM}+|\d+(?:[.,]\d+)*|"
    rf"[^\W\d_{_CJK}]+(?:['’][^\W\d_{_CJK}]+)*|{_ALNUM}+",
    re.UNICODE,
)
_THOUSANDS = re.compile(r"^\d{1,3}(?:,\d{3})+$")

STOP_WORDS = frozenset(
    """
    a about above after again against all am an and any are aren't as at be because been before
    being below between both but by can can't cannot could couldn't did didn't do does doesn't
    doing don't down during each few for from further had hadn't has hasn't have haven't having he
    he'd he'll he's her here here's hers herself him himself his how how's i i'd i'll i'm i've if
    in into is isn't it it's its itself let's me more most mustn't my myself no nor not of off on
    once only or other ought our ours ourselves out over own same shan't she she'd she'll she's
    should shouldn't so some such than that that's the their theirs them themselves then there
    there's these they they'd they'll they're they've this those through to too under until up
    very was wasn't we we'd we'll we're we've were weren't what what's when when's where where's
    which while who who's whom why why's with won't would wouldn't you you'd you'll you're you've
    your yours yourself yourselves s t d ll m re ve also just will may might shall must
    什 么 吗 呢 哪 谁 怎
    """.split()
)
# The last line: Chinese question words ("什么" what, "哪" which, "谁" who, "怎" how), which are
# indexed a character at a time and would otherwise outweigh the words a question is about.


@lru_cache(maxsize=1)
def _stemmer() -> object:
    import Stemmer  # PyStemmer: the Snowball stemmers compiled to C

    return Stemmer.Stemmer("english")


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The Snowball English stem of a lower-case word (numbers and non-Latin words unchanged)."""
    if not word.isascii() or not word.isalpha():
        return word
    return _stemmer().stemWord(word)  # type: ignore[attr-defined, no-any-return]


def _normalise(token: str) -> str:
    token = token.replace("’", "'")
    if token[0].isdigit():
        if _THOUSANDS.match(token):
            return token.replace(",", "")
        return token.rstrip(".,")
    if "'" in token:
        head, _, tail = token.partition("'")
        # "china's" → "china", "don't" stays whole (then dropped as a stop word)
        if tail in {"s", ""}:
            return head
    return token


class _TermOf(dict[str, "str | None"]):
    """Raw lower-cased token → its term, or None when it is dropped (a stop word); filled on
    first sight, so normalising, the stop list and stemming run once per distinct token."""

    def __missing__(self, raw: str) -> str | None:
        if len(self) > 2_000_000:
            self.clear()
        token = _normalise(raw)
        term = None if not token or token in STOP_WORDS else stem(token)
        self[raw] = term
        return term


_TERM_OF = _TermOf()


# A command-line option ("-e", "--force-with-lease"): a term of its own besides its words, so that
# "set -e" finds the -e option rather than every "e.g.".
_OPTION = re.compile(r"(?<![\w-])--?[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*")
# A special variable named by a sign ("$?", "$#", "$@", "$_"): its words are none, so without a
# term of its own "What does $? contain?" searches "contain" alone.
_SPECIAL_VARIABLE = re.compile(r"(?<![\w$])\$[?#@!*$_-](?![\w])")


def analyze(text: str) -> list[str]:
    """The terms of ``text`` in order, repeats kept (BM25 counts them); command-line options
    and special variables ("$?") come last, whole, besides their words."""
    lowered = text.lower()
    terms = [t for t in map(_TERM_OF.__getitem__, _TOKEN.findall(lowered)) if t is not None]
    if "-" in text:
        terms.extend(_OPTION.findall(text))  # case kept: -e and -E are different options
    if "$" in text:
        terms.extend(_SPECIAL_VARIABLE.findall(text))
    return terms


# "How much", "how many"...: the adverb asks for a quantity, and "according to X" names who said
# it; "what exactly is", "what actually happens": the adverb stresses the question. None is a
# word the answer contains.
_QUESTION_FRAME = re.compile(
    r"\baccording(?=\s+to\b)|"
    r"\b(?:what|who|how|why|where|when|which)\s+(?:exactly|precisely)\b|"
    # the asker's stress ("what actually is", "did Beijing actually know about the plans"), and
    # the present it asks about ("Which font rasterizer does it use by default nowadays?")
    r"\b(?:actually|really|basically|nowadays)\b|\bthese\s+days\b|"
    # the asker's interjections and pleasantries ("Oops, I ran virsh destroy…", "thanks!")
    r"\b(?:oops|whoops|hmm+|hey|thanks|thank\s+you|please|ugh|argh|sorry|btw|fyi)\b|"
    # "e.g." and "i.e." lead into the asker's example or gloss: their letters are no words ("…a
    # filename stored in a variable, e.g. report.txt" searched "e" and "g")
    r"\b(?:e\.\s?g|i\.\s?e)\.|"
    # the asker's hedges ("an index that I think got corrupted"): about the asker, not the topic
    r"\bI\s+(?:think|guess|believe|suppose|suspect|wonder|assume|reckon|fear)\b|"
    # vague stand-ins and quantities ("meant for something else", "lots of recursive functions",
    # "a couple of clients"): the asker's, no passage's, words
    r"\b(?:something|anything|someone|somebody|anyone|anybody|somewhere|anywhere)(?:\s+else)?\b|"
    r"\b(?:a\s+)?lots?\s+of\b|\ba\s+(?:bunch|couple)\s+of\b|\b(?:kind|sort)\s+of\b|"
    # "what happens if…" asks for a consequence, which rarely says "happens"
    r"\bwhat\s+(?:happens|happened|will\s+happen|would\s+happen)\b|"
    # "…and now the daemon hangs. What's going on?" asks what is wrong, in no passage's words
    r"\bwhat(?:['’]s|\s+is|\s+was)\s+going\s+on\b|"
    # "end up waiting": the phrasal verb frames the verb after it
    r"\bend(?:s|ed)?\s+up(?=\s+\w+ing\b)|"
    # "got" or "get" before a participle is the passive's auxiliary ("got corrupted")
    r"\b(?:got|get|gets|getting)(?=\s+\w+(?:ed|en)\b)|"
    # "I've got a file with…": "have got" is "have", a stop word
    r"(?<=['’]ve\s)got\b|(?<=\bhave\s)got\b",
    re.IGNORECASE,
)


# A keyword that is also a stop word, named as a thing: "the with statement", "a here string", a
# heading "Here Strings". Searching drops the stop word, and then every "statement" or "string"
# matches as well; the pair of the keyword and the next word's stem is a term of its own,
# "here_string", which no text token can be (a term never holds "_"). Only the stop words that
# languages, shells and query languages use as keywords count: a heading that opens with "What
# kinds of…" or "Other branches" names no keyword.
_KEYWORDS = frozenset(
    "if for while until do then with here and or not in is as from on into".split()
)
_LABEL_WORDS = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
_NAMED_KEYWORD = re.compile(r"\b(?:a|an|the)\s+([^\W\d_]+)\s+([^\W\d_]+)", re.IGNORECASE)


def _phrase(keyword: str, word: str) -> str | None:
    keyword, word = keyword.lower(), word.lower()
    if keyword not in _KEYWORDS or word in STOP_WORDS:
        return None
    return f"{keyword}_{stem(word)}"


def is_phrase(term: str) -> bool:
    """Whether ``term`` is a keyword phrase (``label_phrases``) rather than a word's term (a
    special variable, "$_", holds "_" too)."""
    return "_" in term and term[0].isalpha()


def label_phrases(label: str) -> list[str]:
    """The keyword phrase a title or heading opens with ("8.5. The with statement" →
    ``with_statement``, "Here Strings" → ``here_string``), if any."""
    words = _LABEL_WORDS.findall(label)
    while words and words[0].lower() in ("a", "an", "the"):
        words = words[1:]
    phrase = _phrase(words[0], words[1]) if len(words) >= 2 else None
    return [phrase] if phrase else []


def question_phrases(question: str) -> list[str]:
    """The keyword phrases a question names with an article ("What is a here string?")."""
    found = (_phrase(k, w) for k, w in _NAMED_KEYWORD.findall(question))
    return list(dict.fromkeys(p for p in found if p))


# "How many…", "By default, how long…": the question asks for an amount, and the words are not
# in the answer. Only as the question's own interrogative: in "How do I get psql to print how
# long each query took?", "how long" is what is to be printed.
_HOW_MUCH = re.compile(
    r"how\s+(?:much|many|long|often|far|old|big|large|fast|soon)\b", re.IGNORECASE
)
_FIRST_WH = re.compile(r"\b(?:what|who|whom|whose|how|why|where|when|which)\b", re.IGNORECASE)


# Where a question of several sentences asks: the sentence that ends in "?", after another
# ("When I split the screen, the new file shows up on the left. Can I make it open on the
# right?"); a capital must follow the stop, so "e.g. report.txt" splits nothing.
_SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+(?=[\"'“(]*[A-Z])")
# A leading clause that sets the scene for the question after its comma ("When I run git pull,
# which branch does it merge?"): the question is what follows.
_SCENE = re.compile(
    r"^\W*(?:when|whenever|if|once|after|before|while)\b[^,?]{0,120},\s*(?=(?:what|which|who|whom|"
    r"whose|why|how|where|when|can|could|does|do|did|is|are|was|were|will|would|should|may|"
    r"must|has|have)\b)",
    re.I,
)


def asking_sentences(question: str) -> list[str]:
    """The sentences of ``question`` that ask: those ending in "?" (its last sentence when none
    does). The others set the scene ("I back up my database by piping pg_dump into borg.")."""
    sentences = [s for s in _SENTENCE_BREAK.split(question.strip()) if s.strip()]
    return [s for s in sentences if s.rstrip().endswith("?")] or (sentences or [question])[-1:]


def asking_part(question: str) -> str:
    """The part of ``question`` that asks: its first sentence that ends in "?" (its last sentence
    when none does), less a leading clause that only sets the scene."""
    return _SCENE.sub("", asking_sentences(question)[0], count=1)


def asks_how_much(question: str) -> re.Match[str] | None:
    """The "how many / how much / how long…" that ``question`` opens its asking with, if any."""
    first = _FIRST_WH.search(question)
    return _HOW_MUCH.match(question, first.start()) if first is not None else None


def analyze_question(question: str) -> list[str]:
    """The terms of a question: as ``analyze``, minus question framing ("how much", "according")."""
    if m := asks_how_much(question):
        question = question[: m.start()] + " " + question[m.end() :]
    return analyze(_QUESTION_FRAME.sub(" ", question))


# A passage that opens by naming what it defines ("A submodule is a repository embedded inside
# another repository.", "FTS5 is an SQLite virtual table module…") is that thing's definition, but
# BM25 ranks it no higher than the many option lines that repeat the word. It is indexed under a
# term of its own, "=submodul", that "What is a submodule?" searches; no text token holds "=".
_DEFINING_VERB = frozenset(["is", "are", "means", "refers", "denotes", "stands"])
# Openings whose subject is not a thing being defined: "The following is…", "The above are…".
_NOT_A_SUBJECT = frozenset(["following", "above", "below", "latter", "former", "next", "result"])
# "X is considered…", "X is not…", "X is set…": a statement about X, not what X is.
_PARTICIPLES = frozenset(
    "set run shown given done made known used built written kept found seen put read sent taken "
    "left meant".split()
)
_QUOTE_MARKS = "`'\"“‘*_"
MAX_DEFINED_WORDS = 3


def definition_term(terms: Iterable[str]) -> str:
    """The term a definition of the thing named by ``terms`` is indexed under."""
    return "=" + "_".join(sorted(set(terms)))


def defined_terms(body: str) -> list[str]:
    """The definition term of ``body``'s opening sentence, when it has the shape "(A|An|The) X is
    …" with X at most ``MAX_DEFINED_WORDS`` words and no stop word first; otherwise none."""
    words = body[:300].split(maxsplit=MAX_DEFINED_WORDS + 2)[: MAX_DEFINED_WORDS + 2]
    if words and words[0].lower() in ("a", "an", "the"):
        words = words[1:]
    for j in range(1, min(len(words), MAX_DEFINED_WORDS + 1)):
        if words[j].lower() not in _DEFINING_VERB:
            continue
        after = words[j + 1].lower() if j + 1 < len(words) else ""
        if after not in ("a", "an", "the", "one", "to", "for") and (
            after in STOP_WORDS or after in _PARTICIPLES or after.endswith(("ed", "ly"))
        ):
            return []
        subject = [w.strip(_QUOTE_MARKS) for w in words[:j]]
        first = subject[0].lower()
        if not first or first in STOP_WORDS or first in _NOT_A_SUBJECT:
            return []
        # "Note: X is…", "If set, X is…", "X (Y) is…": not a plain subject
        if any(not w or not w[-1].isalnum() and w[-1] not in "+#" for w in subject):
            return []
        terms = analyze(" ".join(subject))
        return [definition_term(terms)] if 0 < len(terms) <= MAX_DEFINED_WORDS else []
    return []
