"""Other forms of a question's words that the corpus may use instead.

Snowball stems regular inflections but not irregular verbs ("drove" / "drive") or comparatives
("larger" / "large"), and it stems some plurals apart from their singulars ("aliases" → "alias",
"alias" → "alia"). A question in one form and a document in another would miss each other, so
a question term gets the corpus's other forms of it: an irregular verb form that no passage holds
is searched as its verb, a comparative or superlative also counts as its base adjective, and a
word ending in a hissing sound also counts as its other number ("aliases" finds "alias").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence

from .analysis import analyze, stem

_WORD = re.compile(r"[a-z]+")

__all__ = ["alternatives", "normalise_terms", "respell", "split_compounds", "spellings"]

# Irregular past forms and their verbs. A follow-up often asks in the past tense what a document
# says in another ("What drove it?" / "did not drive the exodus"): an own term that no passage
# holds is replaced by its verb when some passage holds that (see ``_normalise_own``).
_IRREGULAR = """
arose:arise arisen:arise ate:eat eaten:eat became:become began:begin begun:begin bent:bend
bought:buy brought:bring broke:break broken:break built:build burnt:burn caught:catch
chose:choose chosen:choose came:come dealt:deal drew:draw drawn:draw drove:drive driven:drive
dug:dig fallen:fall fed:feed felt:feel fled:flee flew:fly flown:fly fought:fight found:find
forbade:forbid forbidden:forbid forgave:forgive forgiven:forgive forgot:forget forgotten:forget
froze:freeze frozen:freeze gave:give given:give got:get gotten:get gone:go went:go grew:grow
grown:grow heard:hear held:hold hid:hide hidden:hide hung:hang kept:keep knew:know known:know
laid:lay led:lead left:leave lent:lend lost:lose made:make meant:mean met:meet overtook:overtake
paid:pay ran:run rang:ring rode:ride ridden:ride risen:rise rose:rise said:say sang:sing sank:sink
sat:sit saw:see seen:see sent:send shook:shake shaken:shake shot:shoot slept:sleep sold:sell
sought:seek sped:speed spent:spend spoke:speak spoken:speak spun:spin stole:steal stolen:steal
stood:stand struck:strike stuck:stick swept:sweep swore:swear sworn:swear swam:swim took:take
taken:take taught:teach thought:think threw:throw thrown:throw told:tell tore:tear torn:tear
undertook:undertake undertaken:undertake understood:understand withdrew:withdraw
withdrawn:withdraw woke:wake woken:wake won:win wore:wear worn:wear wrote:write written:write
"""
_VERB_OF: dict[str, str] = {}
for _pair in _IRREGULAR.split():
    _form, _verb = (analyze(w) for w in _pair.split(":"))
    if _form and _verb:
        _VERB_OF[_form[0]] = _verb[0]


_MIN_BASE = 3


def normalise_terms(terms: Sequence[str], df: Callable[[str], int]) -> tuple[str, ...]:
    """The terms, each irregular verb form that no passage holds replaced by its verb."""
    out = []
    for t in terms:
        verb = _VERB_OF.get(t)
        if verb is not None and df(t) == 0 and df(verb):
            t = verb
        out.append(t)
    return tuple(out)


# A name joined in camel case ("AddressSanitizer", "KeepAlive"), and its parts.
_CAMEL = re.compile(r"\b[A-Z]?[a-z]+(?:[A-Z][a-z]+)+\b")
_CAMEL_PART = re.compile(r"[A-Z]?[a-z]+")


def split_compounds(
    question: str,
    terms: Sequence[str],
    df: Callable[[str], int],
    written: Callable[[Sequence[str]], bool],
) -> tuple[str, ...]:
    """The terms, each camel-case name that no passage holds ("AddressSanitizer") replaced by
    its parts when the documents write them as words in a row (``written``: "Address
    Sanitizer"): the asker writes the tool's name as the code does, the manual as prose. Parts
    the documents only hold apart ("WireGuard": "wire", "guard") do not name it."""
    out = list(terms)
    for word in dict.fromkeys(_CAMEL.findall(question)):
        whole = analyze(word)
        if len(whole) != 1 or whole[0] not in out or df(whole[0]) > 0:
            continue
        words = _CAMEL_PART.findall(word)
        parts = [t for part in words for t in analyze(part)]
        if len(parts) >= 2 and all(df(t) > 0 for t in parts) and written(words):
            at = out.index(whole[0])
            out[at : at + 1] = parts
    return tuple(out)


# British and American spellings: (what comes before, the British letters, the American ones,
# what may come after), each read both ways. A rule only ever offers a form; it is taken when
# the corpus holds it and not the asked one, so "promise" → "promize" never happens in earnest.
_SPELLING_PAIRS = (
    # colour / color, behaviour / behavior, honour, favour, neighbour, labour, flavour
    (
        "^(?:colo|behavio|hono|favo|neighbo|labo|flavo|harbo|rumo|humo|vapo|armo|endeavo|odo)",
        "ur",
        "r",
        "(?!r)",
    ),
    # initialise / initialize, serialisation / serialization; analyse / analyze
    (r"\w{3,}", "is", "iz", "(?:e|es|ed|ing|ation|ations|er|ers|able)$"),
    (r"\w{2,}", "ys", "yz", "(?:e|es|ed|ing|er|ers)$"),
    # centre / center, centred / centered, metre / meter, fibre / fiber, theatre / theater
    ("^(?:cent|met|lit|fib|theat|calib|spect|sab|lust|somb)", "re", "er", "s?$"),
    ("^(?:cent|met|lit|fib|theat|calib|spect|sab|lust|somb)", "red", "ered", "$"),
    # licence / license, defence / defense, offence / offense
    ("^(?:lic|def|off|pret)", "ence", "ense", "(?:s|d)?$"),
    # catalogue / catalog, dialogue / dialog, analogue / analog
    ("^(?:catal|dial|anal|prol|epil|monol)", "ogue", "og", "s?$"),
    # cancelled / canceled, labelling / labeling, traveller / traveler
    (r"\w{2,}[aeiou]", "ll", "l", "(?:ed|ing|er|ers)$"),
    ("^", "grey", "gray", ""),
)
_SPELLINGS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(f"(?P<a>{before}){this}(?P<z>{after})"), rf"\g<a>{that}\g<z>")
    for before, british, american, after in _SPELLING_PAIRS
    for this, that in ((british, american), (american, british))
)


def spellings(word: str) -> list[str]:
    """The other spellings, British or American, that ``word`` (lower case) may be written in."""
    out = []
    for pattern, repl in _SPELLINGS:
        other = pattern.sub(repl, word, count=1)
        if other != word:
            out.append(other)
    return list(dict.fromkeys(out))


def respell(question: str, terms: Sequence[str], df: Callable[[str], int]) -> tuple[str, ...]:
    """The terms, each word that no passage holds replaced by another spelling of it that some
    passage does: a British asker's "greyed out" is the manual's "grayed out"."""
    out = list(terms)
    for word in dict.fromkeys(_WORD.findall(question.lower())):
        whole = analyze(word)
        if len(whole) != 1 or whole[0] not in out or df(whole[0]) > 0:
            continue
        for other in spellings(word):
            found = analyze(other)
            if len(found) == 1 and df(found[0]) > 0:
                out = [found[0] if t == whole[0] else t for t in out]
                break
    return tuple(out)


def _comparative_bases(word: str) -> list[str]:
    """Stems a comparative or superlative may come from: "larger" → "larg" (large), "bigger" →
    "big", "easiest" → "easi" (easy). Only for words the stemmer leaves whole: a suffix it knows
    ("computer" → "comput") is not a comparative."""
    if stem(word) != word:
        return []
    for suffix in ("est", "er"):
        if word.endswith(suffix):
            base = word[: -len(suffix)]
            forms = [base, base + "e"]
            if len(base) > 1 and base[-1] == base[-2]:
                forms.append(base[:-1])  # doubled consonant: bigger, hotter
            if base.endswith("i"):
                forms.append(base[:-1] + "y")  # easier, happiest
            return list(dict.fromkeys(stem(f) for f in forms if len(f) >= _MIN_BASE))
    return []


_SIBILANT_PLURAL = ("ses", "xes", "zes", "ches", "shes")
# Singulars whose plural adds "es": "alias", "bus", "status", "box", "match". A word ending in
# another "s" ("files", "options") is a plural already, and "us" is a pronoun or the US.
_SIBILANT_SINGULAR = ("as", "us", "is", "os", "x", "z", "ch", "sh")


def _number_forms(word: str) -> list[str]:
    """The stem of the word's other number, when Snowball stems the two apart ("aliases" →
    "alias", "alias" → "alia"; "gases" → "gase", "gas" → "gas")."""
    if word.endswith(_SIBILANT_PLURAL):
        other = word[:-2]
    elif word.endswith(_SIBILANT_SINGULAR) and len(word) >= _MIN_BASE:
        other = word + "es"
    else:
        return []
    return [stem(other)] if len(other) >= _MIN_BASE and stem(other) != stem(word) else []


def alternatives(question: str, df: Callable[[str], int]) -> Mapping[str, tuple[str, ...]]:
    """For each term of ``question``, the other forms of it that some passage holds (often none)."""
    out: dict[str, tuple[str, ...]] = {}
    for word in dict.fromkeys(_WORD.findall(question.lower())):
        terms = analyze(word)
        if len(terms) != 1:
            continue  # a stop word
        forms = [*_comparative_bases(word), *_number_forms(word)]
        forms += [t for other in spellings(word) for t in analyze(other)[:1]]
        found = tuple(b for b in dict.fromkeys(forms) if b != terms[0] and df(b) > 0)
        if found:
            out[terms[0]] = found
    return out
