"""The question's terms and their weights: what a sentence must cover to answer it.

Retrieval weights terms by IDF to rank passages, and the composer and the abstain rule use the
same weights to judge sentences, so they live here, beside the index that gives the IDF.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from ..documents.tokens import encoding
from .analysis import analyze, definition_term, is_phrase, label_phrases

__all__ = [
    "QuestionTerms",
    "definition_terms",
    "heading_terms",
    "question_focus",
    "title_terms",
]

HALF = 0.5
LONG_QUESTION = 5
LONG_THRESHOLD = 1 / 3
# Past twelve own terms, a quote needs the weight of this many of the question's average terms,
# not a third of however many the asker wrote: the scene they set grows with the question.
ANSWER_TERMS = 4
# A long question keeps its lower threshold with one word the corpus lacks, when that word holds
# less than this share of its weight: an aside ("so my CI test run fails"), not its subject. An
# everyday word asked in lower case ("the browsers in our office") is an aside whatever its share.
INCIDENTAL_SHARE = 0.2
# When no quote covers a long question's threshold, the share of it that still answers, provided
# every word the corpus lacks is prose written in lower case (``QuestionTerms.lenient_threshold``);
# of the long-question threshold when every such word is also common English.
LENIENT_SHARE = 0.75
# A term whose IDF is below this is in nine passages of ten or more (the product's own name on
# every page of its manual, "weechat"): it says nothing of what is asked, so it does not make a
# question long. ("sphinx", at 0.14 in Sphinx's manual, is a telling word of a long question
# there: at 0.5 such a question was refused.)
TELLING_IDF = 0.1
_ASKED_WORD = re.compile(r"[A-Za-z]+")
# A word of fewer letters is one token of tiktoken's vocabulary whatever it is ("ssh", "gpu").
COMMON_MIN_LETTERS = 4
CONTEXT_CREDIT = 0.5
_NAMES_MIN = 0.15  # a heading must name at least this share of the question's weight
# A heading that misses the keyword phrase a question names ("statement" for "the with
# statement") names it this much less.
PHRASE_MISSED = 0.5


# "What is X?", "Who was X?", "What does X do/mean/return?": X is what the answer is about, and a
# sentence that starts with it ("X is ...", "X, the ...") is usually the answer.
_FOCUS = (
    re.compile(
        r"^\s*(?:what|who)\s+(?:exactly\s+|really\s+|precisely\s+|actually\s+)?"
        r"(?:is|are|was|were)\s+(?:an?\s+|the\s+)?(?P<x>.+?)\s*\??\s*$",
        re.I,
    ),
    re.compile(
        r"^\s*what\s+(?:does|do|did)\s+(?:an?\s+|the\s+)?(?P<x>.+?)\s+"
        r"(?:do|mean|return|stand\s+for|contain)\s*\??\s*$",
        re.I,
    ),
)


_COPULAS = frozenset(
    ["is", "are", "was", "were", "means", "refers", "does", "do", "returns", "describes", "denotes"]
)
_APPOSITION = re.compile(r"[,(:;—–]")


# "the reflog in git", "a submodule in a repository": the setting is not the thing asked about.
_SETTING = re.compile(
    r"\s+(?:in|within|inside|under|for|on)\s+(?:an?\s+|the\s+)?\S+(?:\s+\S+)?$", re.I
)


def question_focus(question: str) -> tuple[frozenset[str], int]:
    """The terms of the thing a definition question asks about, and how many words it takes."""
    for pattern in _FOCUS:
        m = pattern.match(question)
        if m:
            x = _SETTING.sub("", m.group("x")) or m.group("x")
            return frozenset(analyze(x)), len(x.split())
    return frozenset(), 0


def telling_focus(focus: frozenset[str], idf: Callable[[str], float]) -> frozenset[str]:
    """The focus terms that tell: those weighing at least a fifth of the heaviest ("submodul" of
    "a git submodule", "git" being in nearly every passage)."""
    if not focus:
        return focus
    weights = {t: idf(t) for t in focus}
    top = max(weights.values())
    return frozenset(t for t, w in weights.items() if w >= 0.2 * top) or focus


def definition_terms(question: str, idf: Callable[[str], float]) -> tuple[str, ...]:
    """The definition terms (``analysis.defined_terms``) a "what is X" question searches: X's
    and, when X holds a word nearly every passage holds, X's without it."""
    focus, _ = question_focus(question)
    if not focus:
        return ()
    keys = (definition_term(focus), definition_term(telling_focus(focus, idf)))
    return tuple(dict.fromkeys(keys))


def _defines(
    quote: str, focus: frozenset[str], focus_words: int, allowed: frozenset[str] = frozenset()
) -> bool:
    """True when ``quote`` opens with the focus as its subject ("X is ...", "X, the ...").
    Before the verb only the focus's own words may stand (``allowed``; articles are stop words):
    "If nothing (or --no-recurse-submodules) is used" does not define a submodule."""
    words = quote.split()[: focus_words + 4]
    for j in range(1, min(len(words), focus_words + 2) + 1):
        opening = set(analyze(" ".join(words[:j])))
        if focus <= opening:
            if allowed and not opening <= allowed:
                return False
            word = words[j] if j < len(words) else ""
            after = word.lower()
            return (
                bool(_APPOSITION.search(words[j - 1]))
                or after in _COPULAS
                or after[:1] in "(—–-"
                # "A reflog shows…", "Git stores…": the focus, then a verb in the present tense
                or (
                    j <= focus_words + 1
                    and len(after) > 3
                    and word.isalpha()
                    and word.islower()  # "the widget fetchJobs setting" has no verb
                    and after[-1] == "s"
                    and not after.endswith("ss")
                )
            )
    return False


# An API entry's heading is a signature ("min(iterable, *[, key, default])¶",
# "os.path.join(path, *paths)"): what it names is the part before the parenthesis.
_SIGNATURE = re.compile(r"^\s*(?:[\w.]+\s+)?(?P<name>[A-Za-z_][\w.]*)\s*\(")


# A section number names nothing ("5.1.3. List Comprehensions", "Chapter 4. Data Types", "A.2 …"),
# and as a rare token it would weigh more than the words.
_SECTION_NUMBER = re.compile(
    r"^\s*(?:(?:chapter|section|part|appendix)\s+[\dIVXLC]+[.:]?\s+|"
    r"(?:\d+|[A-Z])(?:\.\d+)*\.\s+|\d+(?:\.\d+)+\s+)",
    re.I,
)


def heading_terms(heading: str) -> frozenset[str]:
    """The terms a heading names: a signature's name alone, otherwise all its terms but a
    leading section number."""
    m = _SIGNATURE.match(heading)
    label = m.group("name") if m else _SECTION_NUMBER.sub("", heading)
    return frozenset(analyze(label) + label_phrases(label))


def title_terms(title: str) -> frozenset[str]:
    """The terms a page title names, with the keyword phrase it opens with."""
    return frozenset(analyze(title) + label_phrases(title))


def _one_token(word: str) -> bool:
    """Whether tiktoken's cl100k vocabulary holds `` word`` as one token: a word written so
    often that its byte-pair encoding kept it whole ("choke", "peek", "disagree"), where the
    static model's smaller vocabulary splits it."""
    return len(word) >= COMMON_MIN_LETTERS and len(encoding().encode_ordinary(" " + word)) == 1


def _names_what_follows(question: str, word: str) -> bool:
    """Whether ``word`` stands right before a word that is not a stop word, as a noun's modifier
    does ("a hot standby server", "recreated every time"): part of a name for what is asked.
    Before a stop word or a mark ("to peek at the input", "they vanished after", "the
    culprit?") it is a verb or a noun the asker's story needs, not the documents' subject."""
    found = re.search(rf"\b{re.escape(word)}\b(\W*)(\w*)", question)
    if found is None:
        return False
    between, after = found.groups()
    return bool(after) and not between.strip() and bool(analyze(after))


def _everyday(
    question: str, missing: frozenset[str], is_word: Callable[[str], bool] | None
) -> frozenset[str]:
    """The ``missing`` terms that ``question`` asks as an everyday word in lower case: "office"
    in "the browsers in our office" (a whole word of the static model's vocabulary, ``is_word``),
    or "choke" in "now my C++ compiles choke on it" (one token of tiktoken's, where it names
    nothing that follows); not "Docker" (a name), "certbot" (whole in neither vocabulary) or
    "standby" in "a hot standby server"."""
    if is_word is None:
        return frozenset()
    return frozenset(
        term
        for word in _ASKED_WORD.findall(question)
        if word.islower()
        and len(found := analyze(word)) == 1
        and (term := found[0]) in missing
        and (is_word(word) or (_one_token(word) and not _names_what_follows(question, word)))
    )


def _no_word(word: str) -> bool:
    """Where the static model is not loaded, no word is whole in its vocabulary."""
    return False


def _long_threshold(own: int) -> float:
    """A long question's threshold: a third of its weight, and past twelve own terms the weight
    of ``ANSWER_TERMS`` of them."""
    return min(LONG_THRESHOLD, ANSWER_TERMS / own)


def _plain(question: str, missing: frozenset[str]) -> frozenset[str]:
    """The ``missing`` terms that ``question`` writes only as lower-case words: "garbled", not
    "Parquet" nor a word written both ways."""
    words = _ASKED_WORD.findall(question)
    lower = {t for w in words if w.islower() for t in analyze(w)}
    other = {t for w in words if not w.islower() for t in analyze(w)}
    return frozenset(t for t in missing if t in lower and t not in other)


@dataclass(frozen=True)
class QuestionTerms:
    """The question's distinct terms and the IDF weight of each (a missing term gets the most)."""

    weights: dict[str, float]
    focus: frozenset[str] = frozenset()
    focus_words: int = 0
    # term → other forms that count as the term ("larg" for "larger"; see search.morphology)
    alternatives: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # the corpus's IDF, for terms of a heading that the question does not use (see ``names``)
    idf: Callable[[str], float] | None = field(default=None, compare=False, repr=False)
    missing: frozenset[str] = frozenset()  # question terms found nowhere in the corpus
    # keyword phrases the question names that some title or heading opens with ("here_string"):
    # searched, and looked for in headings, but not weighed in sentences, which never hold them
    phrases: frozenset[str] = frozenset()
    defines: frozenset[str] = frozenset()  # definition terms searched ("=submodul"), never weighed
    borrowed: frozenset[str] = frozenset()  # terms lent by earlier turns of a conversation
    # missing terms asked as an everyday word in lower case ("office"): the asker's setting
    everyday: frozenset[str] = frozenset()
    # missing terms the question writes only as lower-case words, prose rather than a name
    plain: frozenset[str] = frozenset()
    # missing terms asked as common English words in lower case ("thinks", "pulls"), by the static
    # model's vocabulary or else tiktoken's, however many the question lacks
    common: frozenset[str] = frozenset()

    @classmethod
    def of(
        cls,
        terms: Sequence[str],
        idf: Callable[[str], float],
        question: str = "",
        alternatives: Mapping[str, tuple[str, ...]] | None = None,
        found: Callable[[str], bool] | None = None,
        phrases: Iterable[str] = (),
        defines: Iterable[str] = (),
        is_word: Callable[[str], bool] | None = None,
    ) -> QuestionTerms:
        """The weights of ``terms`` by ``idf``; ``found`` tells which terms the corpus holds, and
        ``is_word`` which words are everyday English (``StaticEmbedder.is_word``)."""
        focus, words = question_focus(question)
        unique = list(dict.fromkeys(terms))
        missing = frozenset(t for t in unique if found is not None and not found(t))
        common = _everyday(question, missing, is_word or _no_word)
        return cls(
            {t: idf(t) for t in unique},
            focus,
            words,
            dict(alternatives or {}),
            idf,
            missing,
            phrases=frozenset(phrases),
            defines=frozenset(defines),
            # the aside rule reads one missing word, and only by the static model's vocabulary
            everyday=common if len(missing) == 1 and is_word is not None else frozenset(),
            plain=_plain(question, missing),
            common=common,
        )

    @property
    def answer_threshold(self) -> float:
        """The coverage a quote needs for askbrief to answer rather than abstain.

        Half the question's weight, as a rule. A long question (``LONG_QUESTION`` own terms or more)
        whose every term the corpus holds needs only ``LONG_THRESHOLD``: it carries words ("put
        aside for a while", "accidentally") that an answer need not repeat. Past twelve terms it
        needs ``ANSWER_TERMS`` terms' share: "We run a pretty busy site (tens of thousands of new
        connections per second) and every time we reload…" sets a scene no answer repeats. A
        question naming something the corpus never mentions gets no such credit, unless that is
        one word holding under ``INCIDENTAL_SHARE`` of the weight ("How do I get valgrind to
        return a non-zero exit status when it finds errors, so my CI test run fails?" lacks only
        "CI"), or an everyday word asked in lower case ("Can I use HAProxy as the forward proxy
        that the browsers in our office use?" lacks only "office"): a name ("certbot", "Docker")
        is what the question is about."""
        own = self._own_count()
        if own >= LONG_QUESTION and self._missing_is_incidental():
            return _long_threshold(own)
        return HALF

    @property
    def lenient_threshold(self) -> float | None:
        """The lower bar a long question gets when no quote reaches ``answer_threshold``:
        ``LENIENT_SHARE`` of it, for a question alone (no borrowed terms) whose every word the
        corpus lacks is prose in lower case ("garbled", "phones"), never a name ("Parquet",
        "DuckDB"), however much of the question such words weigh. Asked in the asker's own words
        ("My Flask app talks to MySQL and every morning the first request fails…"), such a
        question shares fewer words with its answer than a short one does. When every such word
        is also common English, not naming what follows it ("…so the secondary thinks it's up to
        date and never pulls the zone"), the share is of the long-question threshold, as if the
        corpus held them: the words are the asker's story, not a subject the documents lack.
        None where no lower bar applies."""
        own = self._own_count()
        if own >= LONG_QUESTION and not self.borrowed and self.missing <= self.plain:
            if self.missing <= self.common:
                return _long_threshold(own) * LENIENT_SHARE
            return self.answer_threshold * LENIENT_SHARE
        return None

    def _own_count(self) -> int:
        """The question's own telling terms: not borrowed from the conversation, and not in
        most passages."""
        return sum(
            1
            for t, w in self.weights.items()
            if t not in self.borrowed and (w >= TELLING_IDF or t in self.missing)
        )

    def _missing_is_incidental(self) -> bool:
        """No term is missing, or one is and it holds under ``INCIDENTAL_SHARE`` of the weight."""
        if not self.missing:
            return True
        if len(self.missing) > 1:
            return False
        (term,) = self.missing
        return term in self.everyday or self.weights.get(term, 0.0) < INCIDENTAL_SHARE * self.total

    def opens_with_focus(self, quote: str) -> bool:
        """True when the quote defines the question's focus (see ``_defines``). Focus words that
        nearly every passage holds ("git" in "a git submodule") need not open it."""
        if not self.focus:
            return False
        telling = telling_focus(self.focus, lambda t: self.weights.get(t, 0.0))
        return _defines(quote, telling, self.focus_words, self.focus)

    def without(self, terms: frozenset[str]) -> QuestionTerms:
        """These terms left out of the question's weight: the asker's own misspelt or made-up
        name's parts (``mentions.askers_own_terms``)."""
        return replace(
            self,
            weights={t: w for t, w in self.weights.items() if t not in terms},
            missing=self.missing - terms,
            everyday=self.everyday - terms,
        )

    @property
    def total(self) -> float:
        return sum(self.weights.values())

    def coverage(self, terms: set[str], context: set[str] | frozenset[str] = frozenset()) -> float:
        """The share of the question's weight that ``terms`` hold. A term found only in
        ``context`` (the heading a sentence sits under) counts ``CONTEXT_CREDIT`` of its weight:
        under "min(iterable)", "Return the smallest item" is about min()."""
        total = self.total
        if total <= 0:
            return 0.0

        def holds(found: set[str] | frozenset[str], t: str) -> bool:
            return t in found or any(a in found for a in self.alternatives.get(t, ()))

        held = 0.0
        for t, w in self.weights.items():
            if holds(terms, t):
                held += w
            elif context and holds(context, t):
                held += CONTEXT_CREDIT * w
        return held / total

    def names(self, heading_terms: Iterable[str]) -> float:
        """How squarely a heading names what the question asks about, 0 to 1: the share of the
        heading's IDF weight that is the question's, when that is a telling part (at least
        ``_NAMES_MIN``) of the question. "pull.rebase" names "Which setting makes git pull always
        rebase?"; "DESCRIPTION" names nothing, and "pre-merge-commit" names "pre-commit" less.
        A keyword phrase the question names counts as its own; a heading without it names the
        question ``PHRASE_MISSED`` less ("Strings" for "What is a here string?"); one the question
        does not name is no part of the heading's weight."""
        heading = {t for t in heading_terms if not is_phrase(t) or t in self.phrases}
        if not heading or not self.weights:
            return 0.0
        shared = [t for t in heading if t in self.weights]
        if not shared:
            return 0.0
        asked = sum(self.weights[t] for t in shared)
        if asked / (self.total or 1.0) < _NAMES_MIN:
            return 0.0
        idf = self.idf or (lambda _: max(self.weights.values()))
        phrases = heading & self.phrases
        asked += sum(idf(t) for t in phrases)
        weight = sum(self.weights[t] if t in self.weights else idf(t) for t in heading)
        named = asked / weight if weight > 0 else 0.0
        return named * PHRASE_MISSED if self.phrases and not phrases else named
