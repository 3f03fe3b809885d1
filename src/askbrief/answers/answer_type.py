"""What kind of sentence answers a question: a number for "how many", a reason for "why".

A sentence can cover every word of a question and still not answer it: "When there are more than
this many loose objects, git gc --auto packs them" matches "How many loose objects…?" word for
word, while the answer is the next sentence, "The default value is 6700." The composer gives a
small bonus to a quote that holds what the question's type asks for, and lets a sentence run on
into the next when the next one holds it.

The types and their cues are deliberately plain English patterns, the same on any corpus.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from enum import StrEnum

from ..search.analysis import asking_part, asking_sentences, asks_how_much

__all__ = [
    "LEAD_IN_TYPES",
    "SUMMARY_TYPES",
    "VALUE_TYPES",
    "AnswerType",
    "answer_type",
    "advises",
    "asks_advice",
    "asks_default",
    "asks_existence",
    "asks_why_not",
    "continues_previous",
    "demands_value",
    "holds_answer",
    "sentence_cues",
    "states_default",
    "states_limit",
]


class AnswerType(StrEnum):
    QUANTITY = "quantity"  # how many / how much / how long / what port
    TIME = "time"  # when, what year: a date, or the condition under which
    PERSON = "person"  # who
    REASON = "reason"  # why
    PURPOSE = "purpose"  # when should I use X, what is X for
    CONSEQUENCE = "consequence"  # what happens if / to / when
    STATEMENT = "statement"  # what did X say / tell / warn: what someone said
    YES_NO = "yes/no"  # can / does / will / is ...?
    PROCEDURE = "procedure"  # how do I / how can I / how to
    NAMED = "named thing"  # which X / what X (setting, option, command, strategy)
    DEFINITION = "definition"  # what is X / what does X mean
    OTHER = "other"


# Questions that ask for a value (an amount, a date, a name): the answer must hold one, and it
# may come a sentence after the one that names the subject.
VALUE_TYPES = frozenset({AnswerType.QUANTITY, AnswerType.TIME, AnswerType.PERSON})
# Questions that a command's one-line summary answers ("How do I find who changed each line?" —
# "git-blame - Show what revision and author last modified each line of a file"; see
# search.summaries).
SUMMARY_TYPES = frozenset({AnswerType.PROCEDURE, AnswerType.NAMED})
# Questions that a sentence ending in a colon answers with what it leads into: the command, the
# setting or the example shown after it ("…by prepending a # (hash mark) in front of the path
# name:" and then `env.Program('prog', ['main.c', '#lib/foo1.c'])`).
LEAD_IN_TYPES = frozenset({AnswerType.PROCEDURE, AnswerType.NAMED})

_Q = re.IGNORECASE
# A question that opens with its verb asks yes or no ("Can I…?", "If I…, does it…?").
_OPENS_WITH_VERB = re.compile(
    r"^\W*(?:(?:and|but|so)\s+)?(?:if\b.*?,\s*)?(?:can|could|does|do|did|is|are|was|were|will|"
    r"would|should|may|must|has|have)\b",
    _Q,
)
_TYPES: tuple[tuple[AnswerType, re.Pattern[str]], ...] = (
    (
        AnswerType.QUANTITY,
        re.compile(
            r"\bwhat\s+(?:\w+\s+)?(?:port|number|percentage|size|amount|limit|version|year)\b",
            _Q,
        ),
    ),
    (AnswerType.CONSEQUENCE, re.compile(r"\bwhat\s+(?:happens|will\s+happen|happened)\b", _Q)),
    (
        AnswerType.STATEMENT,
        re.compile(
            r"\bwhat\s+(?:did|does|do|has|have|had|will|would)\s+.+?\s+(?:say|tell|think|claim|"
            r"argue|write|warn|announce|state|stress|note|add|predict|promise|propose|mean\s+by)\b|"
            r"\bhow\s+(?:did|does|do)\s+.+?\s+(?:describe|characteri[sz]e|explain|justify)\b|"
            r"\bhow\s+did\s+.+?\s+(?:size\s+up|sum\s+up|put\s+it|assess|react|respond|view|see|"
            r"judge|interpret|evaluate)\b",
            _Q,
        ),
    ),
    (
        AnswerType.PURPOSE,
        re.compile(
            r"\bwhen\s+(?:should|would|do|does|to|can)\s+(?:i|we|you|one|it)?\s*(?:use|choose|"
            r"prefer|pick)\b|\bwhat\s+(?:is|are)\s+.+?\s+(?:used\s+)?for\W*$|\bwhy\s+use\b",
            _Q,
        ),
    ),
    (AnswerType.REASON, re.compile(r"^\W*(?:why|for\s+what\s+reason)\b|\bwhy\b", _Q)),
    (
        AnswerType.PERSON,
        re.compile(r"^\W*(?:(?:to|for|from|with|by|of)\s+)?(?:who|whom|whose)\b", _Q),
    ),
    (AnswerType.TIME, re.compile(r"^\W*when\b|\bwhat\s+(?:date|day|time|month)\b", _Q)),
    (
        AnswerType.PROCEDURE,
        re.compile(
            r"\bhow\s+(?:do|can|could|should|would|to|does\s+one)\b|"
            r"\bwhat\s+(?:should|can|do|must)\s+(?:i|we|you|one)\s+do\b",
            _Q,
        ),
    ),
    (
        AnswerType.NAMED,
        re.compile(
            r"^\W*(?:which|what)\s+(?!one\b|ones\b|of\b)"
            r"(?!(?:exactly\s+|really\s+|precisely\s+|actually\s+)?(?:is|are|was|were|does|do)\b)\w",
            _Q,
        ),
    ),
    (
        AnswerType.DEFINITION,
        re.compile(
            r"^\W*(?:what|who)\s+(?:exactly\s+|really\s+|precisely\s+|actually\s+)?"
            r"(?:is|are|was|were)\b|\bwhat\s+(?:does|do)\b.*\b(?:mean|do)\W*$|"
            r"\bmeaning\s+of\b",
            _Q,
        ),
    ),
    (AnswerType.YES_NO, _OPENS_WITH_VERB),
)

_NUMBER_WORDS = (
    r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
    r"fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|"
    r"eighty|ninety|hundred|thousand|million|billion|trillion|once|twice|thrice|dozen|dozens|"
    r"half|halves|doubles|triples"
)
# A unit written onto its number ("100MB", "16KiB", "10ms", "20x"): still an amount.
_UNIT = r"(?:[kmgtp]i?b|[kmg]|ms|us|µs|ns|s|min|h|px|x|bits?|bytes?)"
_MONTHS = (
    r"january|february|march|april|may|june|july|august|september|october|november|december|"
    r"jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
)
_CUES: dict[AnswerType, re.Pattern[str]] = {
    # A number standing on its own ("900", "6,700", "2.5", "30%"), not a digit inside a name
    # ("sha1", "utf-8", "x86_64"), a manual section ("git-credential-cache(1)") or a step
    # ("step (2)"); list markers ("1. Ask…") are taken out first (``holds_answer``).
    AnswerType.QUANTITY: re.compile(
        rf"(?<![\w.\-(])\d[\d,.]*(?:{_UNIT}|st|nd|rd|th)?(?![\w\-])|\b(?:{_NUMBER_WORDS})\b", _Q
    ),
    AnswerType.TIME: re.compile(
        rf"\b(?:1[5-9]|20)\d\d\b|\b(?:{_MONTHS})\b|\b(?:when|whenever|if|once|after|before|"
        r"until|during|since|ago|yesterday|today|tomorrow|century|decade|"
        # a time of day or a period ("at dusk", "every morning", "weekly"), or a moment of a
        # program's life ("at startup", "on reboot")
        r"dawn|dusk|sunrise|sunset|morning|afternoon|evening|night|noon|midnight|daily|weekly|"
        r"monthly|yearly|annually|hourly|every|now|immediately|soon|later|earlier|recently|"
        r"startup|boot|reboot|restart|shutdown)\b",
        _Q,
    ),
    AnswerType.PERSON: re.compile(
        r"\b[A-Z][a-z]+(?:\s+[A-Z][a-z.]+)+\b|\b(?:he|she|president|minister|author|founder)\b"
    ),
    AnswerType.REASON: re.compile(
        r"\b(?:because|since|so\s+that|in\s+order\s+to|as\s+a\s+result|therefore|otherwise|"
        r"reason|due\s+to|lead\s+to|leads\s+to|causes?|forced|would|means\s+that|thus|hence)\b",
        _Q,
    ),
    AnswerType.PURPOSE: re.compile(
        r"\b(?:meant\s+(?:for|to)|intended\s+(?:for|to)|used\s+(?:for|to|when)|useful|"
        r"suitable|recommended|designed\s+(?:for|to)|purpose|should\s+be\s+used|"
        r"is\s+for|are\s+for|good\s+for|best\s+for|prefer)\b",
        _Q,
    ),
    AnswerType.STATEMENT: re.compile(
        r"\b(?:said|says|told|tells|stated|states|according\s+to|warned|warns|argued|argues|"
        r"noted|notes|added|adds|claimed|claims|stressed|announced|described|wrote|writes|"
        r"believes|thinks|predicted|urged|called\s+for|attributed)\b|[“\"][^”\"]{8,}[”\"]",
        _Q,
    ),
    AnswerType.CONSEQUENCE: re.compile(
        r"\b(?:will|would|is|are|gets?|becomes?)\s+(?:\w+\s+)?(?:\w+ed|lost|kept|left|"
        r"stopped|shown|thrown|run|done|gone|made)\b|\b(?:stops?|aborts?|fails?|discards?|"
        r"removes?|keeps?|leaves?|results?\s+in|causes?|overwrites?|loses?|losing|affects?|"
        r"affected|unaffected|unchanged)\b",
        _Q,
    ),
    # A word that settles yes or no: a negation, a rule, a permission, or that it happens by
    # itself ("Vim will automatically save your undo history…" for "Can Vim remember…?").
    AnswerType.YES_NO: re.compile(
        r"(?<![\w-])(?:not|no|never|cannot|can't|won't|doesn't|isn't|only|always|must|refuses?|"
        r"allowed|allows?|possible|impossible|yes|unless|none|automatically|automatic|"
        r"prevents?|prevented|forbids?|forbidden|disallows?|disallowed|prohibits?|prohibited)"
        r"(?![\w-])|n't\b",
        _Q,
    ),
    AnswerType.PROCEDURE: re.compile(
        r"`[^`]+`|[\"“][^\"”]{2,40}[\"”]|\B--?[a-z][\w-]*|\b(?:use|run|type|call|pass|set|add|enter|click|invoke|"
        r"you\s+can|you\s+(?:must|should|need\s+to|have\s+to)|can\s+be\s+used|to\s+do\s+so|"
        r"in\s+order\s+to|with\s+the)\b",
        _Q,
    ),
    AnswerType.NAMED: re.compile(
        r"\b\w+(?:\.\w+)+\b|\B--?[a-z][\w-]*|[\"“'`][^\"”'`]{2,40}[\"”'`]|\b(?:called|named|"
        r"known\s+as|default)\b",
        _Q,
    ),
    AnswerType.DEFINITION: re.compile(
        r"\b(?:is|are|means|refers\s+to|denotes|describes|represents|is\s+called|"
        r"is\s+known\s+as|stands\s+for)\b",
        _Q,
    ),
}

_LIST_MARKER = re.compile(r"^\s*\d{1,2}[.)]\s", re.M)

# A sentence that opens with one of these words leans on the sentence before it.
_CONTINUES = re.compile(
    r"^\W*(?:it|its|this|that|these|those|they|their|them|he|she|his|her|such|the\s+latter|"
    r"the\s+former|then|thus|therefore|however|otherwise|instead|also|so|hence|in\s+that\s+case)\b",
    _Q,
)


def answer_type(question: str) -> AnswerType:
    """The kind of answer ``question`` asks for, read from the part that asks
    (``asking_part``); the first rule that matches decides. "How many…" asks for an amount only
    as the question's own interrogative (``asks_how_much``): "How do I get psql to print how long
    each query took?" asks how to do it."""
    question = asking_part(question)
    if asks_how_much(question):
        return AnswerType.QUANTITY
    for kind, pattern in _TYPES:
        if pattern.search(question):
            return kind
    return AnswerType.OTHER


# A line of its own that redirects or pipes ("&>word", "ls 2>&1 > dirlist", "cmd | sort"): a
# command line, what a "how do I" question about a shell wants.
_COMMAND_LINE = re.compile(
    r"^[ \t]*(?:\S+[ \t]+){0,4}\S*(?:&>|>&|\d>|>>?|<<<?|\|)\S*(?:[ \t]+\S+){0,4}(?<![.:;,])[ \t]*$",
    re.M,
)


def holds_answer(kind: AnswerType, sentence: str) -> bool:
    """Whether ``sentence`` holds the kind of thing the question asks for."""
    cue = _CUES.get(kind)
    if kind is AnswerType.QUANTITY:
        sentence = _LIST_MARKER.sub(" ", sentence)
    if kind is AnswerType.PROCEDURE and "\n" in sentence and _COMMAND_LINE.search(sentence):
        return True
    return bool(cue and cue.search(sentence))


def demands_value(question: str, kind: AnswerType) -> bool:
    """Whether only a quote holding the value ``question`` asks for answers it: "How many hours
    did their meeting in Rome last?" is not answered by the sentence saying they met in Rome. A
    question that opens with its verb asks yes or no first, whatever amount it mentions ("Should
    I use the number of entries from os.cpus() to decide how many workers to start?")."""
    return kind in VALUE_TYPES and not _OPENS_WITH_VERB.match(asking_part(question))


# Units a question may ask its amount in, by what they measure. Money is a symbol before the
# number as often as a word after it ("$250", "250 dollars").
_UNITS = {
    "duration": r"(?:milli|micro|nano)?seconds?|secs?|ms|minutes?|mins?|hours?|hrs?|h|days?|"
    r"weeks?|months?|years?",
    "length": r"(?:kilo|centi|milli)?met(?:re|er)s?|km|cm|mm|m|miles?|feet|foot|ft|inch(?:es)?|"
    r"yards?",
    "mass": r"tons?|tonnes?|kilo(?:gram)?s?|kg|grams?|g",
    "money": r"dollars?|cents?|yuan|renminbi|rmb|rubles?|roubles?|euros?|usd|cny|eur",
    "share": r"percent|per\s+cent|percentage|%",
    "data": r"bytes?|(?:kilo|mega|giga|tera)bytes?|[kmgt]i?b",
}
# What the question names its unit by: whole words, and only the spelled-out or usual forms.
_ASKED_UNITS = {
    "duration": r"(?:milli|micro|nano)?seconds?|minutes?|hours?|days?|weeks?|months?|years?",
    "length": r"(?:kilo|centi|milli)?met(?:re|er)s?|miles?|feet|inch(?:es)?|yards?",
    "mass": r"tons?|tonnes?|kilo(?:gram)?s?|grams?",
    "money": r"dollars?|yuan|renminbi|rubles?|roubles?|euros?",
    "share": r"percent|per\s+cent|percentage",
    "data": r"(?:kilo|mega|giga|tera)?bytes?",
}
_NUMBER = rf"(?:\d[\d,.]*|\b(?:{_NUMBER_WORDS}|a))"
_MONEY_SIGN = re.compile(r"[$€£¥]\s?\d")


def unit_asked(question: str, kind: AnswerType) -> re.Pattern[str] | None:
    """For an amount asked in a unit ("How many hours…?", "…in kilometres?"), what a quote
    holding it looks like: a number with a unit of the same measure ("a seven-hour meeting",
    "2.5 km", "$250"). "How long is the bridge in kilometres?" is not answered by "one million
    tons of goods"."""
    if kind is not AnswerType.QUANTITY:
        return None
    asking = asking_part(question)
    for measure, words in _ASKED_UNITS.items():
        # "how many hours…", "…in kilometres?"; not "…reserves still in dollars in 2021?"
        if re.search(rf"\bhow\s+(?:many|much)\s+(?:{words})\b|\bin\s+(?:{words})\W*$", asking, _Q):
            units = _UNITS[measure]
            # the number, perhaps "billion" or "and a half" after it, then the unit
            held = rf"{_NUMBER}(?:[\s-]+(?:{_NUMBER_WORDS}|and|a))*[\s-]*(?:{units})(?![a-z])"
            if measure == "money":
                held += rf"|{_MONEY_SIGN.pattern}"
            return re.compile(held, _Q)
    return None


def continues_previous(sentence: str) -> bool:
    """Whether ``sentence`` opens by pointing back ("It is expected to…", "This means…")."""
    return bool(_CONTINUES.match(sentence))


# What holds when nothing is set: "What's the default for timeout client if I just don't set
# it?", "…a <forward/> element but no mode attribute", "If I never define CACHES…".
_ASKS_DEFAULT = re.compile(
    r"(?<![\w-])default(?:s|ed)?(?![\w-])|"
    r"\b(?:don'?t|do\s+not|doesn'?t|does\s+not|never|without)\s+(?:\w+\s+){0,2}?(?:set|"
    r"setting|specify|specifying|define|defining|pass|passing|give|giving|configure|"
    r"configuring|provide|providing|supply|supplying|mention|mentioning)\b|"
    r"\b(?:omit|omitting|omitted|unset)\b|\bleave\s+(?:it|them|\w+)\s+(?:out|unset|empty)\b|"
    r"\bno\s+[\w-]+\s+(?:attribute|option|setting|parameter|argument|value|directive)\b",
    _Q,
)
# A sentence that says what holds then: "This value defaults to 3 if unspecified", "An
# unspecified timeout results in an infinite timeout", "…but mode is not specified, mode='nat' is
# assumed".
_STATES_DEFAULT = re.compile(
    r"(?<![\w-])default(?:s|ed)?(?![\w-])|\bautomatically\b|\bunspecified\b|"
    r"\bnot\s+(?:\w+\s+)?(?:specified|set|given|supplied|provided|defined|present)\b|\b(?:is|are)\s+(?:omitted|absent|assumed)\b|"
    r"\bif\s+(?:omitted|absent|unset)\b",
    _Q,
)


def asks_default(question: str) -> bool:
    """Whether ``question`` asks what holds when something is left unset."""
    return bool(_ASKS_DEFAULT.search(question))


def states_default(sentence: str) -> bool:
    """Whether ``sentence`` says what holds by default, or when something is not given."""
    return bool(_STATES_DEFAULT.search(sentence))


# A question that asks whether something is wise: "Is it a good idea to collect my .cpp files with
# file(GLOB …)?", "Is it safe to run url.parse() on URLs submitted by users?", "Should I use
# AUTOINCREMENT…?", "Is leastconn a good balance algorithm for a normal HTTP website?".
_ASKS_ADVICE = re.compile(
    r"\b(?:good|bad)\s+idea\b|"
    r"\bis\s+it\s+(?:\w+\s+)?(?:safe|ok|okay|wise|advisable|recommended|dangerous|risky|"
    r"fine|a\s+problem)\b|"
    r"^\W*should\s+(?:i|we)\b|"
    r"\ba\s+good\s+(?:[\w-]+\s+)?(?:choice|way|practice|fit|option|algorithm|approach)\b|"
    r"\b(?:best|recommended)\s+(?:practice|way|approach)\b|\bhow\s+should\s+(?:i|we)\b",
    _Q,
)
# A sentence that gives advice: "We do not recommend using GLOB…", "…should be avoided if not
# strictly needed", "Do not use with untrusted input", "…can be dangerous".
_ADVISES = re.compile(
    r"\b(?:recommend(?:s|ed|ation)?|avoid(?:s|ed|ing)?|discourag(?:e|es|ed)|dangerous|danger|"
    r"unsafe|safe(?:ly)?|fraught|risk(?:s|y)?|caution|careful(?:ly)?|advi[cs]e[ds]?|"
    r"advisable|(?:well\s+|not\s+)?suit(?:ed|able)|appropriate|untrusted|deprecated|"
    r"should\s+(?:not|never)|do\s+not\s+use|never\s+(?:use|list|do))\b",
    _Q,
)


def asks_advice(question: str) -> bool:
    """Whether ``question`` asks whether something is wise, safe or recommended, or how one
    should do it, in any sentence that asks ("How do I read an Excel spreadsheet into R? What is
    the recommended approach?")."""
    return any(_ASKS_ADVICE.search(s) for s in asking_sentences(question))


def advises(sentence: str) -> bool:
    """Whether ``sentence`` recommends, or warns against, something."""
    return bool(_ADVISES.search(sentence))


# "Why doesn't HAProxy write its log to a file?", "…but it still renders. Why?": a question why
# something does not happen is often answered by a limit ("…is implemented only by Makefile
# Generators", "…does not perform any file-system access"), not by a "because".
_NEGATED = re.compile(
    r"\b(?:not|never|no|still|only|fails?|missing|ignored?s?|ignoring)\b|n't\b", _Q
)


def asks_why_not(question: str, kind: AnswerType) -> bool:
    """Whether ``question`` asks why something does not happen or work."""
    return kind is AnswerType.REASON and bool(_NEGATED.search(question))


# What a thing only, never or must do: the settling words of a yes/no answer less those that
# grant ("possible", "allows", "yes"), which answer "can I?" but not "why doesn't it?".
_LIMIT = re.compile(
    r"(?<![\w-])(?:not|no|never|cannot|can't|won't|doesn't|isn't|only|always|must|refuses?|"
    r"impossible|unless|none|ignored)(?![\w-])|n't\b",
    _Q,
)


def states_limit(sentence: str) -> bool:
    """Whether ``sentence`` says what something only, never or must do."""
    return bool(_LIMIT.search(sentence))


# "Is there an ffmpeg option to resume an interrupted transcode?", "Does zsh have a builtin that
# parses JSON?": whether a feature exists. Documentation lists what a program does, never all it
# does not, so a sentence that merely comes close is no evidence of it.
_ASKS_EXISTENCE = re.compile(
    r"^\W*(?:(?:and|but|so)\s+)?(?:is|are)\s+there\b|"
    r"^\W*(?:(?:and|but|so)\s+)?(?:does|do|can|will)\s+(?:\S+\s+){1,3}?(?:have|support|"
    r"offer|provide|include|ship|come\s+with)\b|"
    r"\bbuilt-?in\s+(?:way|option|command|support|feature|exporter)\b",
    _Q,
)


def asks_existence(question: str) -> bool:
    """Whether ``question`` asks whether a feature exists ("Is there an option to…?")."""
    return bool(_ASKS_EXISTENCE.search(asking_part(question)))


# The kinds of sentence a question asks for beyond its type, each a feature of the composer's
# (``answers.quotes``): the question's test, and the sentence's.
_SENTENCE_CUES: dict[str, tuple[Callable[[str, AnswerType], bool], Callable[[str], bool]]] = {
    "default": (lambda question, _kind: asks_default(question), states_default),
    "advice": (lambda question, _kind: asks_advice(question), advises),
    "limit": (asks_why_not, states_limit),
}


def sentence_cues(question: str, kind: AnswerType) -> dict[str, Callable[[str], bool]]:
    """The cues ``question`` asks for (what holds by default, advice, a limit), each with the
    test a sentence passes to hold it."""
    return {name: holds for name, (asks, holds) in _SENTENCE_CUES.items() if asks(question, kind)}
