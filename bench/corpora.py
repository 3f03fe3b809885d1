"""Benchmark corpora: folders of .txt files holding a target number of askbrief passages.

The text is real: Debian's ``python3.11-doc`` HTML (``apt-get install python3.11-doc``) read with
askbrief's own loader, and ``linux-doc`` RST/HTML when installed (``apt-get install linux-doc``).
Copies beyond the first are varied so the corpus is not one text repeated: paragraphs shuffled,
one word in ten swapped for another word of the same document, and one in a hundred given a
per-copy, letters-only suffix so the vocabulary keeps growing with the corpus, as real collections
do (Heaps' law). The suffix is letters because the analyzer splits digits off a word: version 1
used digits (``word12x7``) and its 1M corpus had only ~23k distinct terms. The suffix's variant is
drawn from a Pareto (Zipf-like) law, so most new terms occur once and a few recur, like a real
vocabulary's long tail. Without
those packages a generator draws words from the bundled seeds' word frequencies (Zipf-like).
"""

from __future__ import annotations

import json
import random
import re
import shutil
from collections import Counter
from pathlib import Path

__all__ = ["CORPUS_VERSION", "SOURCES", "VARIATION", "base_documents", "make_corpus"]

SOURCES = (
    Path("/usr/share/doc/python3.11/html"),
    Path("/usr/share/doc/linux-doc"),
)
_WORD = re.compile(r"[A-Za-z]+")
# Bump when the generated text changes: cached corpora of another version are written again.
CORPUS_VERSION = 2
VARIATION = (
    f"corpus v{CORPUS_VERSION}: paragraphs shuffled, 10% of words swapped within the "
    "document, 1% given a letters-only per-copy suffix with a Pareto-drawn variant "
    "(a Zipf-like tail of new terms)"
)


def _load_real(cache: Path) -> tuple[list[tuple[str, str, int]], str]:
    """(source, text, passages) for each readable document under SOURCES, cached as JSON lines."""
    from askbrief.documents.corpus import load_document, scan_corpus
    from askbrief.documents.passages import split_document
    from askbrief.errors import SkipFile

    roots = [r for r in SOURCES if r.is_dir()]
    if not roots:
        return [], ""
    label = "+".join(str(r) for r in roots)
    path = cache / "base-docs.jsonl"
    if path.exists():
        lines = path.read_text(encoding="utf-8").splitlines()
        head = json.loads(lines[0])
        if head.get("label") == label:
            return [tuple(json.loads(line)) for line in lines[1:]], label  # type: ignore[misc]
    out: list[tuple[str, str, int]] = []
    for root in roots:
        files, _ = scan_corpus(root, max_file_bytes=20 * 1024 * 1024)
        for info in files:
            try:
                doc = load_document(root, info)
            except SkipFile:
                continue
            n = len(split_document(doc, 160))
            if n:
                out.append((f"{root.name}/{info.source}", doc.text, n))
    cache.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(json.dumps({"label": label}) + "\n")
        for row in out:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    return out, label


def _generated(seed: int = 0) -> list[tuple[str, str, int]]:
    """Documents of sentences whose words follow the seeds' word frequencies."""
    from askbrief.resources import bundled_dir

    counts: Counter[str] = Counter()
    for p in sorted(bundled_dir("seeds").iterdir()):
        counts.update(
            w.lower() for w in _WORD.findall(p.read_text(encoding="utf-8", errors="replace"))
        )
    words, weights = zip(*counts.most_common(), strict=True)
    rng = random.Random(seed)
    docs = []
    for d in range(400):
        paras = []
        for _ in range(rng.randint(8, 30)):
            sents = [
                " ".join(rng.choices(words, weights, k=rng.randint(6, 30))).capitalize() + "."
                for _ in range(rng.randint(2, 6))
            ]
            paras.append(" ".join(sents))
        text = "\n\n".join(paras)
        docs.append((f"gen/{d:04d}", text, max(1, len(text) // 700)))
    return docs


def base_documents(cache: Path) -> tuple[list[tuple[str, str, int]], str]:
    """The base documents and a label saying where they came from."""
    docs, label = _load_real(cache)
    if docs:
        return docs, f"real text: {label}"
    return _generated(), "generated (no python3.11-doc/linux-doc; apt-get install python3.11-doc)"


def _letters(n: int) -> str:
    """``n`` in base 26 written with the letters a–z (0 → "a")."""
    out = ""
    while True:
        n, r = divmod(n, 26)
        out = chr(97 + r) + out
        if not n:
            return out


def _vary(text: str, copy: int, rng: random.Random) -> str:
    paras = text.split("\n\n")
    rng.shuffle(paras)
    pool = _WORD.findall(text) or ["word"]
    out = []
    for para in paras:
        words = para.split(" ")
        for i in range(len(words)):
            r = rng.random()
            if r < 0.10:
                words[i] = rng.choice(pool)
            elif r < 0.11 and words[i].isalpha():
                variant = min(int(rng.paretovariate(1.0)), 100_000)
                words[i] = f"{words[i]}{_letters(copy)}q{_letters(variant)}"
        out.append(" ".join(words))
    return "\n\n".join(out)


def make_corpus(n_passages: int, root: Path, cache: Path, seed: int = 0) -> dict[str, object]:
    """Write (or reuse) a folder of about ``n_passages`` passages; return what it holds."""
    docs, label = base_documents(cache)
    stamp = root / ".corpus.json"
    if stamp.exists():
        info = json.loads(stamp.read_text())
        if (
            info.get("target") == n_passages
            and info.get("label") == label
            and info.get("version") == CORPUS_VERSION
        ):
            return info  # type: ignore[no-any-return]
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    rng = random.Random(seed)
    total = files = copy = 0
    while total < n_passages:
        for source, text, n in docs:
            if total >= n_passages:
                break
            body = text if copy == 0 else _vary(text, copy, rng)
            name = re.sub(r"[^A-Za-z0-9_.-]+", "_", source)
            path = root / f"c{copy:03d}" / f"{name}.txt"
            path.parent.mkdir(exist_ok=True)
            path.write_text(body, encoding="utf-8")
            total += n
            files += 1
        copy += 1
    info = {
        "target": n_passages,
        "label": label,
        "files": files,
        "estimated_passages": total,
        "version": CORPUS_VERSION,
    }
    stamp.write_text(json.dumps(info))
    return info
