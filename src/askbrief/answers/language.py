"""Whether a passage is written in another language than an English question.

Documentation packages ship their translations beside the English text (the Debian handbook's
``pt-BR/``, WeeChat's ``weechat_user.sr.html``), and a translated passage still shares the
question's names, paths and options ("/etc/postfix/virtual"). A reader who asked in English
wants the English sentence, so the composer counts a quote from a passage in another language
against it. The test is deliberately plain: English prose is full of its function words, and
another language's prose has few of them and many of its own, or letters outside the Latin
alphabet's ASCII range. Code and option lists have few function words of any language, so they
are not judged foreign.
"""

from __future__ import annotations

import re

__all__ = ["asks_in_english", "is_foreign"]

_WORD = re.compile(r"[^\W\d_]+")
# Words that are common in English prose and are not words of the other languages checked.
_ENGLISH = frozenset(
    "the of to and is that it for you with are this be by not or can which from will an if "
    "when your its has have was how what why does my i should there these they".split()
)
# The same for German, French, Spanish, Portuguese, Italian and Dutch.
_OTHER = frozenset(
    "der die das und ist nicht mit von zu den ein eine auch sich wird werden "
    "le la les et est des une du pour que qui dans pas sur au aux ce sont "
    "el los las y es del una para por con se lo como más "
    "o de em os um uma com não são ao pelo pela também da das do dos na nas nos seu sua cada "
    "il di che è per della delle sono gli "
    "het een en van dat niet voor zijn wordt ook".split()
)
MIN_WORDS = 8
_ENGLISH_SHARE = 0.08  # below this, a passage's prose is not English…
_OTHER_SHARE = 0.12  # …when this share of its words are another language's function words…
_OTHER_DISTINCT = 3  # (and at least this many different ones)
_NON_ASCII_SHARE = 0.1  # …or this share of its letters are outside ASCII


def asks_in_english(question: str) -> bool:
    """Whether ``question`` holds an English function word ("how", "the", "my")."""
    return any(w in _ENGLISH for w in _WORD.findall(question.lower()))


def is_foreign(text: str) -> bool:
    """Whether ``text`` is prose in a language other than English."""
    words = _WORD.findall(text.lower())
    if len(words) < MIN_WORDS:
        return False
    english = sum(w in _ENGLISH for w in words) / len(words)
    if english >= _ENGLISH_SHARE:
        return False
    other = sum(w in _OTHER for w in words) / len(words)
    letters = sum(len(w) for w in words)
    non_ascii = sum(not ch.isascii() for w in words for ch in w) / letters
    # Code and tables hold the odd "o", "del" or "os"; prose holds many such words.
    distinct = len({w for w in words if w in _OTHER})
    return (other >= _OTHER_SHARE and distinct >= _OTHER_DISTINCT) or non_ascii >= _NON_ASCII_SHARE
