"""Answer quality on the public question sets, for each ranking variant, in one table.

For every set it prints passage hit@3, hit@10 and MRR (a passage counts when it holds a gold string
and comes from a gold document) and the quote hits the way ``../shared/eval/score.py`` counts them
(a gold string inside one of the first three quotes, cited to a gold document), plus abstentions
and how many quotes are faithful as score.py judges them: a text file's ``text[start:end]`` is the
quote, and an HTML page's visible text with all white space removed holds the quote likewise (so a
quote that spans an element the reader dropped fails). PDF, Word and EPUB quotes are not judged:
score.py reads every file that is not HTML as UTF-8 text.
Everything runs in one process, each corpus opened once, so variants compare on the same index.

    python bench/answer_quality.py                      # every variant, every set found
    python bench/answer_quality.py --variants chosen --misses   # and list what each set missed

Sets whose corpus is not installed are skipped with a note (git docs: ``apt-get install git-doc``;
the Python docs: ``apt-get install python3.11-doc``; SQLite's: ``apt-get install sqlite3-doc``;
Bash's: ``apt-get install bash-doc``; the Debian Reference's:
``apt-get install debian-reference-en``; PostgreSQL's: ``apt-get install postgresql-doc-15``;
Node.js's: ``apt-get install nodejs-doc``; Valgrind's: ``apt-get install valgrind``; Apache's:
``apt-get install apache2-doc``; Zsh's: ``apt-get install zsh-doc``; Vim's: ``apt-get install
vim-doc``; Postfix's: ``apt-get install postfix-doc``; FFmpeg's: ``apt-get install ffmpeg-doc``;
Exim's: ``apt-get install exim4-doc-html``; HAProxy's: ``apt-get install haproxy-doc``; R's
manuals: ``apt-get install r-doc-html``; BIND's: ``apt-get install bind9-doc``; rsyslog's:
``apt-get install rsyslog-doc``; Django's: ``apt-get install python-django-doc``; CMake's:
``apt-get install cmake-doc``; pytest's: ``apt-get install python-pytest-doc``; libvirt's:
``apt-get install libvirt-doc``; BorgBackup's: ``apt-get install borgbackup-doc``; Sphinx's:
``apt-get install sphinx-doc``; SQLAlchemy's: ``apt-get install python-sqlalchemy-doc``;
NTPsec's: ``apt-get install ntpsec-doc``; the Debian Administrator's Handbook:
``apt-get install debian-handbook``; WeeChat's: ``apt-get install weechat-doc``; Wireshark's:
``apt-get install wireshark-doc``; the Rust book: ``apt-get install rust-doc``; Mutt's manual:
``apt-get install mutt``; Doxygen's: ``apt-get install doxygen-doc``; the Go specification:
``apt-get install golang-1.19-doc``; ImageMagick's: ``apt-get install imagemagick-6-doc``;
Ghostscript's: ``apt-get install ghostscript-doc``; Octave's: ``apt-get install octave-doc``;
Debian Policy: ``apt-get install debian-policy``; gnuplot's: ``apt-get install gnuplot-doc``;
fish's: ``apt-get install fish-common``; flex's: ``apt-get install flex-doc``; SCons's:
``apt-get install scons-doc``; gettext's: ``apt-get install gettext-doc``; GnuCash's:
``apt-get install gnucash-docs``; Maxima's: ``apt-get install maxima-doc``; Flask's:
``apt-get install python-flask-doc``; Knot DNS's: ``apt-get install knot-doc``; Bacula's:
``apt-get install bacula-doc``; Privoxy's: ``apt-get install privoxy``).
"""

from __future__ import annotations

import argparse
import html
import html.parser
import json
import re
import sys
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from askbrief.config import Settings
from askbrief.conversations import Conversation, Turn
from askbrief.session import Session
from askbrief.types import Answer, Citation, Hit

REPO = Path(__file__).resolve().parents[1]
EVAL = REPO.parent / "shared" / "eval"
SEEDS = REPO / "seeds"
GIT_DOCS = Path("/usr/share/doc/git-doc")
PY_DOCS = Path("/usr/share/doc/python3.11/html")
SQLITE_DOCS = Path("/usr/share/doc/sqlite3")
BASH_DOCS = Path("/usr/share/doc/bash")
DEBIAN_REFERENCE = Path("/usr/share/debian-reference")
PG_DOCS = Path("/usr/share/doc/postgresql-doc-15/html")
NODE_DOCS = Path("/usr/share/doc/nodejs")
VALGRIND_DOCS = Path("/usr/share/doc/valgrind")
APACHE_DOCS = Path("/usr/share/doc/apache2-doc/manual")
ZSH_DOCS = Path("/usr/share/doc/zsh-common/html")
VIM_DOCS = Path("/usr/share/doc/vim/html")
POSTFIX_DOCS = Path("/usr/share/doc/postfix/html")
FFMPEG_DOCS = Path("/usr/share/doc/ffmpeg/manual")
EXIM_DOCS = Path("/usr/share/doc/exim4-doc-html/spec_html")
HAPROXY_DOCS = Path("/usr/share/doc/haproxy/html")
R_DOCS = Path("/usr/share/R/doc/manual")
BIND_DOCS = Path("/usr/share/doc/bind9-doc/arm")
RSYSLOG_DOCS = Path("/usr/share/doc/rsyslog-doc/html")
DJANGO_DOCS = Path("/usr/share/doc/python-django-doc/html")
CMAKE_DOCS = Path("/usr/share/doc/cmake-doc/html")
PYTEST_DOCS = Path("/usr/share/doc/python-pytest-doc/html")
LIBVIRT_DOCS = Path("/usr/share/doc/libvirt-doc/html")
BORG_DOCS = Path("/usr/share/doc/borgbackup-doc/html")
SPHINX_DOCS = Path("/usr/share/doc/sphinx-doc/html")
SQLALCHEMY_DOCS = Path("/usr/share/doc/python-sqlalchemy-doc/html")
NTPSEC_DOCS = Path("/usr/share/doc/ntpsec-doc")
DEBIAN_HANDBOOK = Path("/usr/share/doc/debian-handbook/html")
WEECHAT_DOCS = Path("/usr/share/doc/weechat-doc/html")
WIRESHARK_DOCS = Path("/usr/share/doc/wireshark")
RUST_BOOK = Path("/usr/share/doc/rust-doc/html/book")
MUTT_DOCS = Path("/usr/share/doc/mutt/html")
DOXYGEN_DOCS = Path("/usr/share/doc/doxygen/html")
GO_DOCS = Path("/usr/share/doc/golang-1.19-doc/html")
IMAGEMAGICK_DOCS = Path("/usr/share/doc/imagemagick-6-common/html")
GHOSTSCRIPT_DOCS = Path("/usr/share/doc/ghostscript")
OCTAVE_DOCS = Path("/usr/share/doc/octave")
DEBIAN_POLICY = Path("/usr/share/doc/debian-policy")
GNUPLOT_DOCS = Path("/usr/share/doc/gnuplot")
FISH_DOCS = Path("/usr/share/doc/fish")
FLEX_DOCS = Path("/usr/share/doc/flex-doc")
SCONS_DOCS = Path("/usr/share/doc/scons")
GETTEXT_DOCS = Path("/usr/share/doc/gettext")
GNUCASH_DOCS = Path("/usr/share/doc/gnucash-docs")
MAXIMA_DOCS = Path("/usr/share/doc/maxima-doc")
FLASK_DOCS = Path("/usr/share/doc/python-flask-doc/html")
KNOT_DOCS = Path("/usr/share/doc/knot-doc")
BACULA_DOCS = Path("/usr/share/doc/bacula-doc/html")
PRIVOXY_DOCS = Path("/usr/share/doc/privoxy")

# name → (corpus, question file, public?)
SETS: dict[str, tuple[Path, Path, bool]] = {
    "seeds dev": (SEEDS, EVAL / "dev_questions.jsonl", True),
    "follow-ups dev": (SEEDS, EVAL / "dev_followups.jsonl", True),
    "git docs dev": (GIT_DOCS, EVAL / "gitdocs_dev.jsonl", True),
    "seeds extra": (SEEDS, REPO / "bench" / "seeds_extra_questions.jsonl", False),
    "seeds probe": (SEEDS, REPO / "bench" / "seeds_probe_questions.jsonl", False),
    "seeds follow-ups probe": (SEEDS, REPO / "bench" / "seeds_followups_probe.jsonl", False),
    "seeds unanswerable follow-ups": (
        SEEDS,
        REPO / "bench" / "seeds_followups_unanswerable.jsonl",
        False,
    ),
    "seeds follow-ups probe 2": (SEEDS, REPO / "bench" / "seeds_followups_probe_2.jsonl", False),
    "seeds unanswerable follow-ups 2": (
        SEEDS,
        REPO / "bench" / "seeds_followups_unanswerable_2.jsonl",
        False,
    ),
    "Python docs": (PY_DOCS, REPO / "bench" / "pydocs_questions.jsonl", False),
    "Python docs 2": (PY_DOCS, REPO / "bench" / "pydocs_questions_2.jsonl", False),
    "SQLite docs": (SQLITE_DOCS, REPO / "bench" / "sqlite_questions.jsonl", False),
    "Bash manual": (BASH_DOCS, REPO / "bench" / "bash_questions.jsonl", False),
    "Debian reference": (DEBIAN_REFERENCE, REPO / "bench" / "debref_questions.jsonl", False),
    "PostgreSQL docs": (PG_DOCS, REPO / "bench" / "pgdocs_questions.jsonl", False),
    "Node.js docs": (NODE_DOCS, REPO / "bench" / "nodedocs_questions.jsonl", False),
    "Valgrind manual": (VALGRIND_DOCS, REPO / "bench" / "valgrind_questions.jsonl", False),
    "Apache manual": (APACHE_DOCS, REPO / "bench" / "apache_questions.jsonl", False),
    "Zsh manual": (ZSH_DOCS, REPO / "bench" / "zsh_questions.jsonl", False),
    "Vim help": (VIM_DOCS, REPO / "bench" / "vim_questions.jsonl", False),
    "Postfix docs": (POSTFIX_DOCS, REPO / "bench" / "postfix_questions.jsonl", False),
    "FFmpeg manual": (FFMPEG_DOCS, REPO / "bench" / "ffmpeg_questions.jsonl", False),
    "Exim spec": (EXIM_DOCS, REPO / "bench" / "exim_questions.jsonl", False),
    "HAProxy docs": (HAPROXY_DOCS, REPO / "bench" / "haproxy_questions.jsonl", False),
    "R manuals": (R_DOCS, REPO / "bench" / "rdocs_questions.jsonl", False),
    "BIND 9 manual": (BIND_DOCS, REPO / "bench" / "bind_questions.jsonl", False),
    "rsyslog docs": (RSYSLOG_DOCS, REPO / "bench" / "rsyslog_questions.jsonl", False),
    "Django docs": (DJANGO_DOCS, REPO / "bench" / "django_questions.jsonl", False),
    "CMake docs": (CMAKE_DOCS, REPO / "bench" / "cmake_questions.jsonl", False),
    "pytest docs": (PYTEST_DOCS, REPO / "bench" / "pytest_questions.jsonl", False),
    "libvirt docs": (LIBVIRT_DOCS, REPO / "bench" / "libvirt_questions.jsonl", False),
    "BorgBackup docs": (BORG_DOCS, REPO / "bench" / "borg_questions.jsonl", False),
    "Sphinx docs": (SPHINX_DOCS, REPO / "bench" / "sphinx_questions.jsonl", False),
    "SQLAlchemy docs": (SQLALCHEMY_DOCS, REPO / "bench" / "sqlalchemy_questions.jsonl", False),
    "NTPsec docs": (NTPSEC_DOCS, REPO / "bench" / "ntpsec_questions.jsonl", False),
    "Debian handbook": (DEBIAN_HANDBOOK, REPO / "bench" / "debhandbook_questions.jsonl", False),
    "WeeChat docs": (WEECHAT_DOCS, REPO / "bench" / "weechat_questions.jsonl", False),
    "Wireshark guides": (WIRESHARK_DOCS, REPO / "bench" / "wireshark_questions.jsonl", False),
    "Rust book": (RUST_BOOK, REPO / "bench" / "rustbook_questions.jsonl", False),
    "Mutt manual": (MUTT_DOCS, REPO / "bench" / "mutt_questions.jsonl", False),
    "Doxygen manual": (DOXYGEN_DOCS, REPO / "bench" / "doxygen_questions.jsonl", False),
    "Go specification": (GO_DOCS, REPO / "bench" / "gospec_questions.jsonl", False),
    "ImageMagick docs": (IMAGEMAGICK_DOCS, REPO / "bench" / "imagemagick_questions.jsonl", False),
    "Ghostscript docs": (GHOSTSCRIPT_DOCS, REPO / "bench" / "ghostscript_questions.jsonl", False),
    "Octave manual": (OCTAVE_DOCS, REPO / "bench" / "octave_questions.jsonl", False),
    "Debian Policy": (DEBIAN_POLICY, REPO / "bench" / "debpolicy_questions.jsonl", False),
    "gnuplot docs": (GNUPLOT_DOCS, REPO / "bench" / "gnuplot_questions.jsonl", False),
    "fish docs": (FISH_DOCS, REPO / "bench" / "fish_questions.jsonl", False),
    "flex manual": (FLEX_DOCS, REPO / "bench" / "flex_questions.jsonl", False),
    "SCons user guide": (SCONS_DOCS, REPO / "bench" / "scons_questions.jsonl", False),
    "gettext manual": (GETTEXT_DOCS, REPO / "bench" / "gettext_questions.jsonl", False),
    "GnuCash docs": (GNUCASH_DOCS, REPO / "bench" / "gnucash_questions.jsonl", False),
    "Maxima manual": (MAXIMA_DOCS, REPO / "bench" / "maxima_questions.jsonl", False),
    "Flask docs": (FLASK_DOCS, REPO / "bench" / "flask_questions.jsonl", False),
    "Knot DNS docs": (KNOT_DOCS, REPO / "bench" / "knot_questions.jsonl", False),
    "Bacula manuals": (BACULA_DOCS, REPO / "bench" / "bacula_questions.jsonl", False),
    "Privoxy docs": (PRIVOXY_DOCS, REPO / "bench" / "privoxy_questions.jsonl", False),
}

# name → settings overrides; "chosen" is the default configuration.
VARIANTS: dict[str, dict[str, Any]] = {
    "BM25 alone": {
        "search": {
            "collapse_duplicates": False,
            "semantic": False,
            "page_weight": 0,
            "heading_weight": 0,
            "title_weight": 0,
        }
    },
    "+ duplicates collapsed": {
        "search": {"semantic": False, "page_weight": 0, "heading_weight": 0, "title_weight": 0}
    },
    "+ semantic fusion": {"search": {"page_weight": 0, "heading_weight": 0, "title_weight": 0}},
    "+ page/heading/title": {"search": {"semantic": False}},
    "chosen with 100 candidates": {"search": {"candidates": 100}},
    "chosen": {},
}


def fold(s: str) -> str:
    return re.sub(r"\s+", " ", s).strip().lower()


def gold_doc(source: str, row: Mapping[str, Any]) -> bool:
    """score.py's rule: the source is a gold document, or a file whose name starts with one."""
    want = row.get("doc", row.get("source"))
    docs = want if isinstance(want, list) else [want]
    alts = set(docs) | {"_sources/" + d[:-5] + ".rst.txt" for d in docs if d.endswith(".html")}
    return any(source == d or Path(source).name.startswith(d) for d in alts)


def holds_gold(text: str, source: str, row: Mapping[str, Any]) -> bool:
    return gold_doc(source, row) and any(fold(g) in fold(text) for g in row["gold"])


class _VisibleText(html.parser.HTMLParser):
    """score.py's view of a page: every text node outside <script> and <style>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.skip += tag in ("script", "style")

    def handle_endtag(self, tag: str) -> None:
        self.skip -= tag in ("script", "style")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.out.append(data)


def _squash(s: str) -> str:
    return re.sub(r"\s+", "", s).lower()


UNJUDGED = (".pdf", ".docx", ".epub")


class Judge:
    """Whether a quote is faithful the way ``../shared/eval/score.py`` judges it."""

    def __init__(self, corpus: Path) -> None:
        self.corpus = corpus
        self._texts: dict[str, tuple[str, str]] = {}

    def _text(self, source: str) -> tuple[str, str]:
        if source not in self._texts:
            path = self.corpus / source
            if source.endswith((".html", ".htm")):
                page = _VisibleText()
                page.feed(path.read_text(encoding="utf-8", errors="replace"))
                self._texts[source] = ("html", _squash("".join(page.out)))
            else:
                with open(path, encoding="utf-8", newline=None) as f:
                    self._texts[source] = ("text", f.read())
        return self._texts[source]

    def faithful(self, c: Citation) -> bool:
        try:
            kind, text = self._text(c.source)
        except (OSError, ValueError):
            return False
        if kind == "text":
            return text[c.start : c.end] == c.quote
        return _squash(html.unescape(c.quote)) in text


@dataclass
class Tally:
    answerable: int = 0
    hit3: int = 0
    hit10: int = 0
    rr: float = 0.0
    quote_hits: int = 0
    unanswerable: int = 0
    abstain_ok: int = 0
    wrong_abstain: int = 0
    quotes: int = 0
    faithful: int = 0
    ms: list[float] = field(default_factory=list)
    misses: list[str] = field(default_factory=list)


def settings_for(overrides: Mapping[str, Any]) -> Settings:
    data = Settings().model_dump()
    for section, values in overrides.items():
        data[section] = {**data[section], **values}
    return Settings.model_validate(data)


def conversation_for(session: Session, turns: list[str]) -> Iterator[tuple[str, Conversation]]:
    """Each turn with the conversation before it, the earlier turns answered in turn."""
    conv = Conversation(id="bench", corpus=str(session.corpus_dir), created="")
    for q in turns:
        yield q, conv
        answer = session.ask(q, conversation=conv)
        conv.turns.append(Turn(q, answer.as_json()))


def score_row(session: Session, row: Mapping[str, Any], tally: Tally, judge: Judge) -> None:
    turns = row.get("turns") or [row["q"]]
    answer: Answer | None = None
    hits: list[Hit] = []
    for q, conv in conversation_for(session, turns):
        if q is turns[-1]:
            t0 = time.perf_counter()
            answer = session.ask(q, conversation=conv if conv.turns else None)
            tally.ms.append((time.perf_counter() - t0) * 1000)
            hits, _ = session.retrieve(q, 100, conversation=conv if conv.turns else None)
            break
    assert answer is not None
    question = turns[-1]
    for c in answer.citations:
        if c.source.endswith(UNJUDGED):
            continue
        tally.quotes += 1
        if judge.faithful(c):
            tally.faithful += 1
        else:
            tally.misses.append(f"UNFAITHFUL {c.source}: {c.quote[:70]!r}")
    if row.get("abstain"):
        tally.unanswerable += 1
        tally.abstain_ok += answer.abstained
        if not answer.abstained:
            tally.misses.append(f"NO-ABSTAIN {question[:70]}")
        return
    tally.answerable += 1
    ranks = [i for i, h in enumerate(hits) if holds_gold(h.passage.text, h.passage.source, row)]
    if ranks:
        tally.hit3 += ranks[0] < 3
        tally.hit10 += ranks[0] < 10
        tally.rr += 1 / (ranks[0] + 1)
    quotes = answer.citations[:3]
    if any(holds_gold(c.quote, c.source, row) for c in quotes):
        tally.quote_hits += 1
        return
    tally.wrong_abstain += answer.abstained
    shown = (
        "ABSTAINED"
        if answer.abstained
        else " | ".join(f"{c.source[-28:]}: {c.quote[:60]!r}" for c in quotes)
    )
    first = ranks[0] + 1 if ranks else None
    tally.misses.append(f"MISS {question[:70]} [gold passage rank {first}] → {shown}")


def run(variants: list[str], sets: list[str], show_misses: bool) -> list[dict[str, Any]]:
    rows_out: list[dict[str, Any]] = []
    for variant in variants:
        settings = settings_for(VARIANTS[variant])
        sessions: dict[Path, Session] = {}
        for name in sets:
            corpus, qfile, _ = SETS[name]
            if not corpus.exists() or not qfile.exists():
                print(f"({name}: {corpus if not corpus.exists() else qfile} not found, skipped)")
                continue
            session = sessions.get(corpus)
            if session is None:
                session = sessions[corpus] = Session(settings, corpus)
                session.open()
            tally, judge = Tally(), Judge(corpus)
            for line in qfile.read_text().splitlines():
                if line.strip():
                    score_row(session, json.loads(line), tally, judge)
            n = max(tally.answerable, 1)
            ms = sorted(tally.ms)
            rows_out.append(
                {
                    "variant": variant,
                    "set": name,
                    "hit@3": tally.hit3 / n,
                    "hit@10": tally.hit10 / n,
                    "MRR": tally.rr / n,
                    "quote hits": f"{tally.quote_hits}/{tally.answerable}",
                    "abstained": f"{tally.abstain_ok}/{tally.unanswerable}",
                    "wrong abstentions": tally.wrong_abstain,
                    "faithful": f"{tally.faithful}/{tally.quotes}",
                    "answer p50 ms": ms[len(ms) // 2] if ms else 0.0,
                }
            )
            if show_misses:
                for m in tally.misses:
                    print(f"  [{variant} / {name}] {m}")
    return rows_out


def table(rows: list[dict[str, Any]]) -> str:
    cols = list(rows[0])
    out = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for r in rows:
        cells = [f"{v:.2f}" if isinstance(v, float) else str(v) for v in r.values()]
        out.append("| " + " | ".join(cells) + " |")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--variants", default=",".join(VARIANTS), help="comma-separated")
    ap.add_argument("--sets", default=",".join(SETS), help="comma-separated set names")
    ap.add_argument("--misses", action="store_true", help="list each miss")
    ap.add_argument("--json", type=Path, help="also write the rows here")
    args = ap.parse_args(argv)
    variants = [v.strip() for v in args.variants.split(",") if v.strip()]
    sets = [s.strip() for s in args.sets.split(",") if s.strip()]
    unknown = [v for v in variants if v not in VARIANTS] + [s for s in sets if s not in SETS]
    if unknown:
        print(f"answer_quality: unknown variant or set: {', '.join(unknown)}", file=sys.stderr)
        return 2
    rows = run(variants, sets, args.misses)
    if rows:
        print(table(rows))
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
