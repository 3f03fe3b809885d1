"""A quote from a PDF is cited from the HTML or text copy of the same manual, and a quote from
a markup file (Markdown, AsciiDoc, Sphinx sources) from the page rendered from it, when there is
one."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from types import SimpleNamespace

import pytest

from askbrief.answers import twins
from askbrief.answers.quotes import Candidate, Features
from askbrief.answers.twins import english_names, is_extracted, rendered_names, text_twin
from askbrief.config import Settings
from askbrief.documents.corpus import read_document_text
from askbrief.session import Session
from askbrief.types import Hit, Passage
from book_files import make_pdf
from conftest import write_corpus

HTML_TEXT = (
    "Job control\n\nThe configuration file names the shell. If a command is terminated by "
    "the control operator &, the shell executes the command in the background."
)


def _passage(pid: int, source: str, text: str, start: int = 0) -> Passage:
    return Passage(pid, source, source, start, start + len(text), 1, None, "", text)


class _Index:
    """The two calls ``text_twin`` makes, over a fixed list of hits."""

    def __init__(self, hits: Sequence[Hit], others: Sequence[Passage] = ()) -> None:
        self._hits = list(hits)
        self._passages = [h.passage for h in hits] + list(others)
        sources = sorted({p.source for p in self._passages})
        self.docs = [
            SimpleNamespace(
                source=source,
                first_passage=min(p.id for p in self._passages if p.source == source),
                n_passages=sum(p.source == source for p in self._passages),
            )
            for source in sources
        ]

    def term_idf(self, term: str) -> float:
        return float(len(term))

    def hits(
        self, terms: Sequence[str], k: int, weights: Sequence[float] | None = None
    ) -> list[Hit]:
        return self._hits[:k]

    def next_passage(self, passage: Passage) -> Passage | None:
        return next((p for p in self._passages if p.start == passage.end), None)

    def passage(self, pid: int) -> Passage:
        found = [p for p in self._passages if p.id == pid]
        if not found:
            raise KeyError(pid)
        return found[0]


def _pdf_candidate(quote: str) -> Candidate:
    hit = Hit(_passage(1, "manual.pdf", "Page 12\n" + quote, start=500), 3.0)
    return Candidate(hit, 508, 508 + len(quote), quote, frozenset(), Features(coverage=1.0))


def test_a_pdf_quote_is_cited_from_the_html_page_that_holds_the_same_words() -> None:
    """The PDF breaks lines, hyphenates and uses the "ﬁ" ligature; the copy's own characters are
    quoted, at the copy's offsets, and the PDF is named as another place of the text."""
    html = Hit(_passage(7, "manual.html", HTML_TEXT, start=100), 2.0)
    pdf_quote = "The conﬁgu-\nration ﬁle names the shell."
    twin = text_twin(_pdf_candidate(pdf_quote), _Index([html]))
    assert twin is not None
    assert twin.hit.passage.source == "manual.html"
    assert twin.quote == "The configuration file names the shell."
    assert HTML_TEXT[twin.start - 100 : twin.end - 100] == twin.quote
    assert twin.hit.also_in == ("manual.pdf",)


def test_a_copy_split_at_a_heading_is_read_with_the_passages_either_side() -> None:
    """The HTML page starts a passage at the heading "CDPATH"; the PDF runs the entry on after
    the paragraph before it. The quote spans both HTML passages, as the page's own text."""
    first = "Bash variables\n\nIn some cases, Bash assigns a default value to the variable.\n\n"
    second = "CDPATH\n\nA colon-separated list of directories used as a search path."
    html = [
        Hit(_passage(3, "bashref.html", first, start=0), 2.0),
        Hit(_passage(4, "bashref.html", second, start=len(first)), 1.0),
    ]
    pdf_quote = (
        "In some cases, Bash\nassigns a default value to the variable.\nCDPATH A colon-separated "
        "list of directories used as a search path."
    )
    # found from either passage, the search returning only one: the one it starts in (read
    # with the one after it), or the one after (read with the one before it); the citation is
    # anchored in the passage where the quote starts
    for found, other in ((html[0], html[1]), (html[1], html[0])):
        twin = text_twin(_pdf_candidate(pdf_quote), _Index([found], [other.passage]))
        assert twin is not None and twin.hit.passage.source == "bashref.html"
        assert twin.hit.passage.id == 3
        assert (first + second)[twin.start : twin.end] == twin.quote
        assert twin.quote.startswith("In some cases") and twin.quote.endswith("search path.")


def test_a_copy_that_words_a_cross_reference_differently_still_holds_the_sentence() -> None:
    """The PDF says "see Section 10.1 [Basic Installation], page 158" where the HTML page says
    "see Basic Installation": the HTML sentence is quoted, whole, from its own text."""
    page = (
        "Compiling\n\nTo do this, you must use a version of make that supports the VPATH "
        "variable, such as GNU make. cd to the directory where you want the object files and "
        "executables to go and run the configure script from the source directory (see Basic "
        "Installation). The object files go where you ran it."
    )
    html = Hit(_passage(7, "bashref.html", page, start=0), 2.0)
    pdf_quote = (
        "To do this, you must use a version\nof make that supports the VPATH variable, such as GNU"
        " make. cd to the directory where\nyou want the object files and executables to go and "
        "run the configure script from the\nsource directory (see Section 10.1 [Basic "
        "Installation], page 158)."
    )
    twin = text_twin(_pdf_candidate(pdf_quote), _Index([html]))
    assert twin is not None
    assert twin.quote == page[page.index("To do") : page.index(" The object")]
    assert page[twin.start : twin.end] == twin.quote
    # a quote that agrees for less than most of its length is another text
    other = pdf_quote[:60] + " and then something else entirely, said in a long clause of its own."
    assert text_twin(_pdf_candidate(other), _Index([html])) is None


def test_a_pdf_quote_without_a_copy_stays_cited_from_the_pdf() -> None:
    other = Hit(_passage(7, "manual.html", "The shell reads its configuration file first."), 2.0)
    quote = "The configuration file names the shell."
    assert text_twin(_pdf_candidate(quote), _Index([other])) is None
    # a quote from a text or HTML file is already cited from its own characters
    assert (
        text_twin(Candidate(other, 0, 9, "The shell", frozenset(), Features()), _Index([])) is None
    )
    assert is_extracted("docs/Manual.PDF") and is_extracted("b.epub") and not is_extracted("a.txt")


def test_asking_a_folder_with_a_manual_as_html_and_pdf_cites_the_html(tmp_path: Path) -> None:
    """The PDF's short page ranks above the HTML page's longer section, so its sentence is the
    best quote; the citation points into the HTML page, where the text is the file's own."""
    pdf = make_pdf(
        [
            [
                "If a command is terminated by the control operator &, the shell",
                "executes the command in the background.",
            ],
            ["Signals are sent to the whole process group of a job."],
        ]
    )
    long_html = (
        "<html><head><title>Bash manual</title></head><body><h2>Lists of commands</h2><p>A list "
        "is a sequence of one or more pipelines separated by one of the operators. If a command "
        "is terminated by the control operator &amp;, the shell executes the command in the "
        "background. The shell does not wait for the command to finish, and the return status "
        "is 0. Commands separated by a semicolon are executed sequentially; the shell waits for "
        "each command to terminate in turn. The return status is the exit status of the last "
        "command executed.</p></body></html>"
    )
    files = {
        f"notes/note-{i}.txt": f"Note {i}\n\nThe garden needs water on day {i}." for i in range(8)
    }
    corpus = write_corpus(tmp_path / "corpus", {"bash.html": long_html, **files})
    (corpus / "bash.pdf").write_bytes(pdf)
    settings = Settings.model_validate({"index": {"cache_dir": str(tmp_path / "cache")}})
    session = Session(settings, corpus)
    session.open()
    answer = session.ask("What happens when a command is terminated by the control operator &?")
    first = answer.citations[0]
    assert first.source == "bash.html"
    assert "bash.pdf" in first.also_in
    assert "executes the command in the background" in first.quote
    assert read_document_text(corpus, "bash.html")[first.start : first.end] == first.quote
    assert all(c.source != "bash.pdf" for c in answer.citations)


@pytest.mark.parametrize(
    ("source", "page"),
    [
        ("api/url.md", "api/url.html"),
        ("git-push.txt", "git-push.html"),
        ("guide.rst", "guide.html"),
        ("_sources/library/os.path.rst.txt", "library/os.path.html"),
        ("docs/_sources/tutorial/index.txt", "docs/tutorial/index.html"),
        ("manual.pdf", None),
        ("page.html", None),
    ],
)
def test_a_markup_file_names_the_page_rendered_from_it(source: str, page: str | None) -> None:
    assert (rendered_names(source)[:1] or (None,))[0] == page


MARKDOWN = "The `url.parse()` method is [not safe][] for _untrusted_ input.\n"
RENDERED = "url.parse(urlString)\n\nThe url.parse() method is not safe for untrusted input."


def _markdown_candidate() -> Candidate:
    quote = MARKDOWN.strip()
    hit = Hit(_passage(1, "api/url.md", MARKDOWN), 3.0)
    return Candidate(hit, 0, len(quote), quote, frozenset(), Features(coverage=1.0))


def test_a_markdown_quote_is_cited_from_its_rendered_page_without_the_markup() -> None:
    page = Hit(_passage(7, "api/url.html", RENDERED, start=40), 2.0)
    twin = text_twin(_markdown_candidate(), _Index([page]))
    assert twin is not None
    assert twin.hit.passage.source == "api/url.html"
    assert twin.quote == "The url.parse() method is not safe for untrusted input."
    assert RENDERED[twin.start - 40 : twin.end - 40] == twin.quote
    assert twin.hit.also_in == ("api/url.md",)


def test_a_sphinx_source_quote_is_cited_from_its_page_despite_roles_and_targets() -> None:
    """A role's name and a cross-reference's target are not shown on the page (":class:`str`"
    shows "str", ":ref:`conversion table <py-to-json-table>`" shows "conversion table"), so they
    do not stop the page's sentence from being the same one."""
    source = (
        "Serialize *obj* to a JSON formatted :class:`str` using this "
        ":ref:`conversion table <py-to-json-table>`.\n"
    )
    quote = source.strip()
    hit = Hit(_passage(1, "_sources/library/json.rst.txt", source), 3.0)
    cand = Candidate(hit, 0, len(quote), quote, frozenset(), Features(coverage=1.0))
    rendered = (
        "json.dumps(obj)¶\n\nSerialize obj to a JSON formatted str using this conversion table."
    )
    page = Hit(_passage(7, "library/json.html", rendered, start=80), 2.0)
    twin = text_twin(cand, _Index([page]))
    assert twin is not None
    assert twin.hit.passage.source == "library/json.html"
    assert twin.quote == "Serialize obj to a JSON formatted str using this conversion table."
    assert rendered[twin.start - 80 : twin.end - 80] == twin.quote


def test_a_cross_reference_target_written_without_a_space_is_not_shown_either() -> None:
    """Sphinx reads ":ref:`-dFIXEDMEDIA switch<FIXEDMEDIA>`" as a title and a target too: the
    page shows "-dFIXEDMEDIA switch"."""
    source = "Also include the :ref:`-dFIXEDMEDIA switch<FIXEDMEDIA>` on the command line.\n"
    quote = source.strip()
    hit = Hit(_passage(1, "html/_sources/Use.rst", source), 3.0)
    cand = Candidate(hit, 0, len(quote), quote, frozenset(), Features(coverage=1.0))
    rendered = "Paper size\n\nAlso include the -dFIXEDMEDIA switch on the command line."
    page = Hit(_passage(7, "html/Use.html", rendered, start=40), 2.0)
    twin = text_twin(cand, _Index([page]))
    assert twin is not None
    assert twin.hit.passage.source == "html/Use.html"
    assert twin.quote == "Also include the -dFIXEDMEDIA switch on the command line."


def test_a_markdown_quote_stays_put_when_only_other_pages_hold_its_words() -> None:
    """The same sentence on a page not rendered from this file (all.html, which gathers every
    page) is no twin of it: the file's own page is what it is cited from, or nothing."""
    elsewhere = Hit(_passage(7, "api/all.html", RENDERED, start=40), 2.0)
    assert text_twin(_markdown_candidate(), _Index([elsewhere])) is None


def test_asking_docs_shipped_as_markdown_and_html_cites_the_html(tmp_path: Path) -> None:
    markdown = (
        "# URL\n\n## url.parse()\n\nThe `url.parse()` method uses a lenient algorithm. It is "
        "prone to [host name spoofing][]\nand mishandles passwords. Do not use it with "
        "_untrusted_ input.\n\n[host name spoofing]: https://example.com/spoofing\n"
    )
    html = (
        "<html><head><title>URL</title></head><body><h1>URL</h1><h2>url.parse()</h2><p>The "
        "<code>url.parse()</code> method uses a lenient algorithm. It is prone to <a "
        'href="https://example.com/spoofing">host name spoofing</a> and mishandles passwords. '
        "Do not use it with <em>untrusted</em> input.</p></body></html>"
    )
    notes = {
        f"notes/note-{i}.txt": f"Note {i}\n\nThe garden needs water on day {i}." for i in range(8)
    }
    corpus = write_corpus(
        tmp_path / "corpus", {"api/url.md": markdown, "api/url.html": html, **notes}
    )
    settings = Settings.model_validate({"index": {"cache_dir": str(tmp_path / "cache")}})
    answer = Session(settings, corpus).ask("Is url.parse() prone to host name spoofing?")
    assert not answer.abstained
    assert all(c.source == "api/url.html" for c in answer.citations)
    first = answer.citations[0]
    assert "api/url.md" in first.also_in
    assert "`" not in first.quote and "[" not in first.quote
    assert read_document_text(corpus, "api/url.html")[first.start : first.end] == first.quote


def test_an_epub_quote_whose_copy_is_a_sphinx_source_is_cited_from_the_rendered_page() -> None:
    """The Debian Policy ships its text as an EPUB, as Sphinx sources and as the pages built
    from them. The EPUB's quote is found first in the source, which is cited in turn from the
    page rendered from it: the reader gets the page, not the markup between."""
    sentence = "You should install manual pages in nroff source form under /usr/share/man."
    epub = Hit(_passage(1, "policy.epub", sentence), 3.0)
    cand = Candidate(epub, 0, len(sentence), sentence, frozenset(), Features(coverage=1.0))
    rst = "You should install manual pages in ``nroff`` source\nform under ``/usr/share/man``.\n"
    page = "Manual pages\n\n" + sentence
    source_hit = Hit(_passage(5, "policy/_sources/ch-docs.rst.txt", rst, start=0), 2.5)
    page_hit = Hit(_passage(9, "policy/ch-docs.html", page, start=0), 2.0)
    twin = text_twin(cand, _Index([source_hit, page_hit]))
    assert twin is not None
    assert twin.hit.passage.source == "policy/ch-docs.html"
    assert twin.quote == sentence == page[twin.start : twin.end]
    assert set(twin.hit.also_in) >= {"policy.epub", "policy/_sources/ch-docs.rst.txt"}


FS_TEXT = "fs.watch() Watch for changes on a file or directory. The listener gets two arguments."


def _gathered(others: int) -> tuple[Candidate, list[Passage]]:
    """A quote from api/all.html, whose copy is on api/fs.html; all.html holds ``others``
    more passages of other pages."""
    hit = Hit(_passage(1, "api/all.html", FS_TEXT, start=0), 3.0, ("api/fs.html",))
    quote = FS_TEXT.split(" The listener")[0]
    filler = [
        _passage(10 + i, "api/all.html", f"Page {i} says something else.", 1000 * (i + 1))
        for i in range(others)
    ]
    return Candidate(hit, 0, len(quote), quote, frozenset(), Features(coverage=1.0)), filler


def test_a_quote_from_a_page_gathering_every_page_is_cited_from_the_page_devoted_to_it() -> None:
    cand, filler = _gathered(others=5)
    page = Hit(_passage(7, "api/fs.html", FS_TEXT, start=200), 2.0)
    twin = text_twin(cand, _Index([page], filler))
    assert twin is not None
    assert twin.hit.passage.source == "api/fs.html"
    assert FS_TEXT[twin.start - 200 : twin.end - 200] == twin.quote == cand.quote
    assert twin.hit.also_in == ("api/all.html",)


def test_a_page_not_much_longer_than_its_copy_keeps_the_quote() -> None:
    """Two pages that share an included section (git's shared option lists) are not one
    gathering the other: the quote stays where it was found."""
    cand, filler = _gathered(others=1)
    page = Hit(_passage(7, "api/fs.html", FS_TEXT, start=200), 2.0)
    assert text_twin(cand, _Index([page], filler)) is None


def test_asking_docs_with_an_all_in_one_page_cites_the_topic_page(tmp_path: Path) -> None:
    topics = {
        "fs": "fs.watch() watches for changes on a file or directory and calls the listener.",
        "net": "net.createServer() creates a new TCP or IPC server and returns it.",
        "dns": "dns.lookup() resolves a host name into the first found IPv4 or IPv6 address.",
        "os": "os.cpus() returns an array of objects describing each logical CPU core.",
    }

    def page(title: str, body: str) -> str:
        return f"<h1>{title}</h1><p>{body}</p>"

    pages = {
        f"api/{name}.html": f"<html><head><title>{name}</title></head><body>"
        + page(name, text)
        + "</body></html>"
        for name, text in topics.items()
    }
    gathered = "".join(page(name, text) for name, text in topics.items())
    pages["api/all.html"] = f"<html><head><title>All</title></head><body>{gathered}</body></html>"
    corpus = write_corpus(tmp_path / "corpus", pages)
    settings = Settings.model_validate({"index": {"cache_dir": str(tmp_path / "cache")}})
    answer = Session(settings, corpus).ask("How do I watch a directory for changes?")
    assert not answer.abstained
    first = answer.citations[0]
    assert first.source == "api/fs.html"
    assert "api/all.html" in first.also_in
    assert read_document_text(corpus, "api/fs.html")[first.start : first.end] == first.quote


@pytest.mark.parametrize(
    ("source", "english"),
    [
        ("cs-CZ/sect.remote-login.html", "en-US/sect.remote-login.html"),
        ("html/pt_BR/apt.html", "html/en/apt.html"),
        ("da/mod/core.html", "en/mod/core.html"),
        ("weechat_user.fr.html", "weechat_user.en.html"),
    ],
)
def test_a_translated_page_names_the_english_page_at_the_same_place(
    source: str, english: str
) -> None:
    assert english in english_names(source)


@pytest.mark.parametrize(
    "source", ["en-US/apt.html", "api/url.html", "weechat_user.en.html", "manual.html"]
)
def test_an_english_page_or_a_path_naming_no_language_names_no_other(source: str) -> None:
    assert english_names(source) == ()


UNTRANSLATED = "You can enable it by specifying X11Forwarding yes in the server configuration file."


def _translated_candidate(quote: str) -> Candidate:
    text = "Vzdálené přihlášení\n\n" + quote
    hit = Hit(_passage(1, "cs-CZ/remote.html", text, start=0), 3.0)
    at = text.index(quote)
    return Candidate(hit, at, at + len(quote), quote, frozenset(), Features(coverage=1.0))


def _english_page() -> list[Passage]:
    opening = "Remote login\n\nSSH allows forwarding of X11 data. "
    return [
        _passage(20, "en-US/remote.html", opening, 0),
        _passage(21, "en-US/remote.html", UNTRANSLATED + " Then restart the server.", len(opening)),
    ]


def test_an_english_quote_on_a_translated_page_is_cited_from_the_english_page() -> None:
    """A translation leaves what it has not translated in English: the English page holds it."""
    twin = text_twin(_translated_candidate(UNTRANSLATED), _Index([], _english_page()))
    assert twin is not None
    assert twin.hit.passage.source == "en-US/remote.html"
    page = "".join(p.text for p in _english_page())
    assert page[twin.start : twin.end] == twin.quote == UNTRANSLATED
    assert twin.hit.also_in == ("cs-CZ/remote.html",)


def test_a_long_english_page_is_searched_for_among_the_copies(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Reading every passage of a long page would cost a round trip each on a remote shard."""
    monkeypatch.setattr(twins, "MAX_SCAN", 1)
    copies = [
        Hit(_passage(30 + i, f"{tag}/remote.html", UNTRANSLATED, 0), 2.0)
        for i, tag in enumerate(
            f"{lang}-XX" for lang in "da de es fr it ja ko nl pl pt ru sv".split()
        )
    ]
    english = _english_page()
    found = Hit(english[1], 1.5)
    twin = text_twin(_translated_candidate(UNTRANSLATED), _Index([*copies, found], english[:1]))
    assert twin is not None
    assert twin.hit.passage.source == "en-US/remote.html"
    assert twin.quote == UNTRANSLATED


def test_a_translated_quote_stays_on_its_own_page() -> None:
    quote = "Můžete to povolit zadáním X11Forwarding yes v konfiguračním souboru serveru."
    assert text_twin(_translated_candidate(quote), _Index([], _english_page())) is None


def test_asking_a_partly_translated_book_cites_the_english_page(tmp_path: Path) -> None:
    english = (
        "<p>SSH can forward graphical applications to your desktop.</p>"
        f"<p>{UNTRANSLATED}</p>"
        "<p>The client then sets the DISPLAY variable for the remote programs.</p>"
    )
    czech = f"<p>SSH umí přesměrovat grafické aplikace na vaši plochu.</p><p>{UNTRANSLATED}</p>"

    def page(title: str, body: str) -> str:
        return (
            f"<html><head><title>{title}</title></head><body><h1>{title}</h1>{body}</body></html>"
        )

    pages = {
        "en-US/remote.html": page("Remote login", english),
        "cs-CZ/remote.html": page("Vzdálené přihlášení", czech),
        "en-US/apt.html": page("APT", "<p>APT installs packages and their dependencies.</p>"),
        "cs-CZ/apt.html": page("APT", "<p>APT instaluje balíčky a jejich závislosti.</p>"),
    }
    corpus = write_corpus(tmp_path / "corpus", pages)
    settings = Settings.model_validate({"index": {"cache_dir": str(tmp_path / "cache")}})
    answer = Session(settings, corpus).ask(
        "What must the server configuration file specify to enable X11Forwarding?"
    )
    assert not answer.abstained
    first = answer.citations[0]
    assert first.source == "en-US/remote.html"
    assert read_document_text(corpus, "en-US/remote.html")[first.start : first.end] == first.quote
