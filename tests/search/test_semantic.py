"""The semantic signal loads offline from the wordllama wheel and matches WordLlama's vectors."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from askbrief.search.semantic import StaticEmbedder, embedder, semantic_available

pytestmark = pytest.mark.skipif(not semantic_available(), reason="wordllama not installed")

TEXTS = [
    "The reflog records when the tips of branches were updated.",
    "What is the reflog in git?",
    "",
    "!!!",
    "ünïcödé text " * 40,
]


def test_vectors_equal_wordllamas_own_with_the_network_blocked() -> None:
    code = """
import socket
def refuse(*a, **k): raise OSError("network blocked in this test")
socket.socket.connect = refuse
socket.create_connection = refuse
from pathlib import Path
import numpy as np, wordllama
from wordllama import WordLlama
from askbrief.search.semantic import embedder
texts = TEXTS
ours = embedder().embed(texts)
wl = WordLlama.load(cache_dir=Path(wordllama.__file__).parent, disable_download=True)
theirs = np.nan_to_num(wl.embed(texts, norm=True))
assert ours.shape == (len(texts), 256), ours.shape
assert np.abs(ours - theirs).max() < 1e-5, np.abs(ours - theirs).max()
print("ok")
""".replace("TEXTS", repr(TEXTS))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"


def test_askbrief_never_opens_a_connection_to_embed(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("askbrief tried the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    model = embedder()
    assert model is not None
    v = model.embed(TEXTS)
    assert np.allclose(np.linalg.norm(v[:2], axis=1), 1.0, atol=1e-5)
    assert not v[2].any()  # no token, no direction


def test_close_meanings_score_higher_than_unrelated_ones(tmp_path: Path) -> None:
    model = embedder()
    assert isinstance(model, StaticEmbedder)
    q, near, far = model.embed(
        [
            "How do I put my uncommitted changes aside for a while?",
            "Stash the changes in a dirty working directory away.",
            "The Amur river bridge links Blagoveshchensk and Heihe.",
        ]
    )
    assert q @ near > q @ far


def test_everyday_words_are_whole_words_of_the_vocabulary() -> None:
    model = embedder()
    assert model is not None
    assert model.is_word("office") and model.is_word("catch")
    # names and jargon come in pieces; short words are not looked at
    assert not model.is_word("certbot") and not model.is_word("patroni")
    assert not model.is_word("oh")
