"""A semantic signal that works offline: WordLlama's static word embeddings, averaged.

BM25 cannot see that "put my uncommitted changes aside" is what ``git stash`` does. A static
embedding can, a little: each token has a learned 256-dimensional vector, and a text is the mean of
its tokens' vectors. It is no match for a neural model, and alone it ranks worse than BM25, but
fused with BM25 over BM25's own candidates it ranks better than either (see ``search.rerank``).

The ``wordllama`` wheel ships the weights and the tokenizer, but ``WordLlama.load()`` looks for the
tokenizer in the wrong folder and then tries a download, and importing it costs about 0.3 s. So
askbrief reads the same two files straight from the installed package with ``tokenizers`` and
``safetensors`` (wordllama's own dependencies), never touching the network; a test checks the
vectors equal ``WordLlama.load(cache_dir=<package>, disable_download=True).embed(...)``.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from importlib.util import find_spec
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

if TYPE_CHECKING:
    from tokenizers import Tokenizer

__all__ = ["StaticEmbedder", "embedder", "semantic_available"]

MODEL = "l2_supercat"
WEIGHTS = f"weights/{MODEL}_256.safetensors"
TOKENIZER = f"tokenizers/{MODEL}_tokenizer_config.json"
_MAX_CHARS = 4000  # a passage's first few thousand characters say what it is about
# Tokens that are a whole lower-case word of three letters or more ("▁folder"): the words
# ``similar_words`` compares; word pieces ("op" of "chop") say too little on their own.
_WORD_TOKEN = re.compile(r"▁([a-z]{3,})")


def _package_dir() -> Path | None:
    spec = find_spec("wordllama")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def semantic_available() -> bool:
    """Whether the wordllama wheel, with its weights and tokenizer, is installed."""
    folder = _package_dir()
    return folder is not None and (folder / WEIGHTS).is_file() and (folder / TOKENIZER).is_file()


class StaticEmbedder:
    """Unit-length mean token vectors of texts, from the files the wordllama wheel ships."""

    def __init__(self, folder: Path) -> None:
        from safetensors import safe_open
        from tokenizers import Tokenizer

        self._tokenizer: Tokenizer = Tokenizer.from_file(str(folder / TOKENIZER))
        self._tokenizer.no_padding()
        self._tokenizer.no_truncation()
        with safe_open(str(folder / WEIGHTS), framework="np") as f:
            self._table: NDArray[np.float32] = np.ascontiguousarray(
                f.get_tensor("embedding.weight"), dtype=np.float32
            )
        self._lock = threading.Lock()  # a Tokenizer is not to be shared across threads at once
        self._words: tuple[dict[str, int], list[str], NDArray[np.float32]] | None = None

    @property
    def dim(self) -> int:
        return int(self._table.shape[1])

    def embed(self, texts: Sequence[str]) -> NDArray[np.float32]:
        """One unit vector per text (a text with no known token gives the zero vector).

        Each text's token vectors are summed on their own rows of the table: gathering every
        token's vector into one array and summing it with ``np.add.reduceat`` took several times
        as long for the hundred-odd texts a question embeds at 1M passages. The fast batch
        encoder gives the same ids without the offsets this never reads."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return out
        with self._lock:
            encoded = self._tokenizer.encode_batch_fast(
                [t[:_MAX_CHARS] for t in texts], add_special_tokens=False
            )
        ids = [e.ids for e in encoded]
        flat = np.fromiter(chain.from_iterable(ids), np.int64, sum(map(len, ids)))
        np.clip(flat, 0, len(self._table) - 1, out=flat)
        start = 0
        for row, n in enumerate(map(len, ids)):
            if n:
                np.add.reduce(self._table[flat[start : start + n]], axis=0, out=out[row])
                out[row] /= n
            start += n
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        np.divide(out, norms, out=out, where=norms > 0)
        return out

    def similar_words(self, word: str, k: int, min_cosine: float) -> list[tuple[str, float]]:
        """Up to ``k`` whole words whose vectors are closest to ``word``'s, with at least
        ``min_cosine``, closest first ("folder": "folders", "directory", "directories"); none
        when ``word`` is not one whole token. The vectors are centred on the words' mean first:
        raw static vectors share a common direction that makes number words ("eight", "six")
        look close to everything."""
        position, names, vectors = self._word_table()
        at = position.get(word)
        if at is None:
            return []
        sims = vectors @ vectors[at]
        sims[at] = -1.0
        top = np.argsort(-sims)[:k]
        return [(names[i], float(sims[i])) for i in top if sims[i] >= min_cosine]

    def is_word(self, word: str) -> bool:
        """Whether ``word`` (lower case) is one whole word of the model's vocabulary, three
        letters or more: an everyday English word ("office", "catch"), not a name or jargon, which
        the tokenizer splits into pieces ("cert" + "bot", "pat" + "roni")."""
        if not _WORD_TOKEN.fullmatch("▁" + word):
            return False
        with self._lock:
            return self._tokenizer.token_to_id("▁" + word) is not None

    def _word_table(self) -> tuple[dict[str, int], list[str], NDArray[np.float32]]:
        """The whole-word tokens, their places and their centred unit vectors (built once)."""
        with self._lock:
            if self._words is None:
                words = sorted(
                    (m.group(1), i)
                    for t, i in self._tokenizer.get_vocab().items()
                    if (m := _WORD_TOKEN.fullmatch(t))
                )
                names = [w for w, _ in words]
                vectors = self._table[np.fromiter((i for _, i in words), np.int64, len(words))]
                vectors = vectors - vectors.mean(axis=0)
                norms = np.linalg.norm(vectors, axis=1, keepdims=True)
                np.divide(vectors, norms, out=vectors, where=norms > 0)
                self._words = ({w: i for i, w in enumerate(names)}, names, vectors)
            return self._words


_load_lock = threading.Lock()
_shared: StaticEmbedder | None = None


def embedder() -> StaticEmbedder | None:
    """The shared embedder, loaded once per process; None when wordllama is not installed.
    Once loaded it is handed out as it is: looking the package up again took most of a
    millisecond a question."""
    global _shared
    if _shared is None:
        folder = _package_dir()
        if folder is None or not semantic_available():
            return None
        with _load_lock:
            if _shared is None:
                _shared = StaticEmbedder(folder)
    return _shared
