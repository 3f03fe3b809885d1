"""Token counts with tiktoken, offline.

tiktoken downloads its encoding files on first use; askbrief ships ``cl100k_base.tiktoken``
(copied from the file OpenAI publishes) and builds the encoding from it, checking the sha256 that
tiktoken itself publishes for that file, so nothing is fetched and a tampered file is refused.
"""

from __future__ import annotations

import base64
import hashlib
from functools import lru_cache
from typing import TYPE_CHECKING

from ..resources import data_file

if TYPE_CHECKING:
    import tiktoken

__all__ = ["ENCODING_NAME", "ENCODING_SHA256", "count_tokens", "encoding", "fit_to_budget"]

ENCODING_NAME = "cl100k_base"
# The hash tiktoken_ext.openai_public publishes for cl100k_base.tiktoken.
ENCODING_SHA256 = "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7"
_PAT_STR = (
    r"""'(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}++|\p{N}{1,3}+| ?[^\s\p{L}\p{N}]++[\r\n]*+"""
    r"""|\s++$|\s*[\r\n]|\s+(?!\S)|\s"""
)
_SPECIAL_TOKENS = {
    "<|endoftext|>": 100257,
    "<|fim_prefix|>": 100258,
    "<|fim_middle|>": 100259,
    "<|fim_suffix|>": 100260,
    "<|endofprompt|>": 100276,
}


@lru_cache(maxsize=1)
def encoding() -> tiktoken.Encoding:
    """The cl100k_base encoding, built from the shipped file (hash-checked, never downloaded)."""
    import tiktoken

    data = data_file(f"{ENCODING_NAME}.tiktoken").read_bytes()
    if hashlib.sha256(data).hexdigest() != ENCODING_SHA256:
        raise RuntimeError(f"the shipped {ENCODING_NAME}.tiktoken does not match its sha256")
    ranks = {
        base64.b64decode(token): int(rank)
        for token, rank in (line.split() for line in data.splitlines() if line)
    }
    return tiktoken.Encoding(
        name=ENCODING_NAME,
        pat_str=_PAT_STR,
        mergeable_ranks=ranks,
        special_tokens=_SPECIAL_TOKENS,
    )


def count_tokens(text: str) -> int:
    """How many tokens ``text`` is; special-token text in documents is counted as plain text."""
    return len(encoding().encode_ordinary(text))


def fit_to_budget(texts: list[str], budget: int) -> list[int]:
    """Indices of the leading ``texts`` that fit whole in ``budget`` tokens, in order.

    A text that does not fit is skipped and later, shorter ones may still go in: the caller ranks
    them best first, so this keeps as many of the best whole passages as the budget allows.
    """
    chosen: list[int] = []
    used = 0
    for i, text in enumerate(texts):
        n = count_tokens(text)
        if used + n <= budget:
            chosen.append(i)
            used += n
    return chosen
