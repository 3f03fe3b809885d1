"""Visible text of an HTML page, laid out as paragraphs, with its title and headings.

Built on the stdlib ``html.parser`` on purpose: quotes are checked against what that parser
yields, so our text must be the same characters, only with whitespace moved and whole
boilerplate blocks (scripts, navigation, page chrome) left out. Inline text is never dropped.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from html.parser import HTMLParser

__all__ = ["HtmlText", "decode_html", "extract_html"]


def _tags(names: str) -> frozenset[str]:
    return frozenset(names.split())


_VOID = _tags("area base br col embed hr img input link meta param source track wbr")
# Never text a reader sees, or the page's own title (kept as Document.title, not as text); the
# labels of form controls are the page's machinery, not its content.
_ALWAYS_DROP = _tags("script style noscript template svg title select button")
# Page chrome, dropped only outside the main content (inside an article they are content:
# docutils writes footnotes and sidebars as <aside>, blogs put the post's h1 in <header>).
_CHROME = _tags("header footer aside")
_CONTENT = _tags("main article section")
_BOILERPLATE_ROLES = _tags("navigation banner contentinfo search")
# DocBook's "navheader" / "navfooter" (Prev / Up / Next), Javadoc's "topNav" / "subNav", and the
# Apache manual's "toplang" / "bottomlang" ("Available Languages: en | fr | ko") too.
_BOILERPLATE_TOKENS = _tags(
    "sphinxsidebar sphinxsidebarwrapper related navbar breadcrumb breadcrumbs navheader navfooter "
    "topnav bottomnav subnav toplang bottomlang"
)
_CHROME_TOKENS = _tags(
    "footer sidebar toc menu mainmenu submenu searchmenu searchbox search tagline masthead topbar "
    "nav navigation"
)
# As a whole class only: Texinfo's <div class="header"> is a node's Next/Previous/Up line, while
# AsciiDoc's <div id="header"> holds the page's title and its NAME line, and SQLAlchemy's
# <section class="orm-header"> the whole of a tutorial page.
_CHROME_CLASSES = _tags("header")
# Class and id names are read word by word: "fancy_toc", "toc-sub", "fancy-toc1" all say "toc".
_NAME_WORDS = re.compile(r"[^a-z]+")
_CONTAINERS = _tags("div nav ul ol section aside header footer table")
_PARAGRAPH = _tags(
    """p h1 h2 h3 h4 h5 h6 pre blockquote ul ol dl table section article main div address
    details form fieldset figure hr header footer aside nav"""
)
_LINE = _tags("br li tr dt dd caption figcaption summary legend option")
_CELL = _tags("td th")
# A definition term (<dt>) heads its definition the way a heading heads a section: API
# references and glossaries are lists of them.
_HEADINGS = _tags("h1 h2 h3 h4 h5 h6 dt")
_MAX_REPARSES = 8  # each unclosed boilerplate element costs one more parse of the page
# A page whose chrome rules leave nothing, but which shows this many letters and digits, is read
# whole rather than lost (search pages and redirects show far fewer).
_MIN_RESCUED = 1000
# HTML's own whitespace only: a no-break space stays, in case a checker keeps it too.
_SPACE = re.compile(r"[ \t\n\r\f]+")
_META_CHARSET = re.compile(rb"""<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.I)
# WHATWG treats these labels as windows-1252, and so do real pages that declare them.
_AS_CP1252 = frozenset({"latin_1", "iso8859-1", "ascii", "cp1252"})


@dataclass(frozen=True)
class HtmlText:
    """What a page says: layout text, <title> (or ""), and (offset, text) per h1-h6."""

    text: str
    title: str
    headings: tuple[tuple[int, str], ...]
    h1: str = ""  # the first h1's text, the title's stand-in when <title> is missing


def decode_html(data: bytes) -> tuple[str, str, tuple[str, ...]]:
    """Bytes to str by BOM, then <meta charset>, then UTF-8, then cp1252 (with a warning)."""
    for bom, name in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            return data.decode(name), name, ()
    declared = _declared_charset(data[:4096])
    if declared is not None:
        try:
            return data.decode(declared), declared, ()
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8"), "utf-8", ()
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252", ("decoded as cp1252 (not valid UTF-8)",)
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1", ("decoded as latin-1 (not valid UTF-8)",)


def _declared_charset(head: bytes) -> str | None:
    match = _META_CHARSET.search(head)
    if match is None:
        return None
    try:
        name = codecs.lookup(match.group(1).decode("ascii")).name
    except (LookupError, UnicodeDecodeError):
        return None
    if name in _AS_CP1252:
        return "cp1252"
    # A page that reached us as bytes without a BOM is not UTF-16, whatever it declares.
    return "utf-8" if name.startswith("utf-16") or name.startswith("utf-32") else name


def extract_html(html: str) -> HtmlText:
    """Parse ``html``; a boilerplate element left unclosed, or holding the page's main content
    (``<main>``, ``role="main"``: the Read the Docs theme wraps the whole page, sidebar and text,
    in ``<div class="wy-grid-for-nav">``), is kept rather than eat the page."""
    html = html.replace("\r\n", "\n").replace("\r", "\n")
    keep: set[int] = set()
    for _ in range(_MAX_REPARSES):
        parser = _TextParser(keep)
        parser.feed(html)
        parser.close()
        unclosed = parser.unclosed_drop()
        if unclosed is None:
            unclosed = parser.swallowed_main()
        if unclosed is None:
            page = parser.result()
            if page.text.strip():
                return page
            # Nothing left of a page that shows a reader plenty: a misread layout, not a page
            # of chrome alone; it keeps all but scripts, as a broken one does.
            lenient = _lenient(html, keep)
            return lenient if _letters(lenient.text) >= _MIN_RESCUED else page
        keep.add(unclosed)
    return _lenient(html, keep)  # a page this broken keeps all but scripts


def _lenient(html: str, keep: set[int]) -> HtmlText:
    parser = _TextParser(keep, lenient=True)
    parser.feed(html)
    parser.close()
    return parser.result()


def _letters(text: str) -> int:
    return sum(ch.isalnum() for ch in text)


def _is_main(tag: str, attrs: list[tuple[str, str | None]]) -> bool:
    """Whether the element is the page's main content."""
    values = dict(attrs)
    return (
        tag == "main"
        or (values.get("role") or "").strip().lower() == "main"
        or values.get("itemprop") == "articleBody"
    )


class _TextParser(HTMLParser):
    def __init__(self, keep: set[int], *, lenient: bool = False) -> None:
        super().__init__(convert_charrefs=True)
        self._keep = keep  # indexes of start tags whose drop was never closed
        self._lenient = lenient
        self._tag_index = 0
        self._parts: list[str] = []
        self._length = 0
        self._tail = ""  # last two characters written
        self._break = 0  # newlines owed before the next text
        self._space = False  # a space owed before the next text
        self._drop_tag: str | None = None
        self._drop_depth = 0
        self._drop_index = 0
        self._dropped_text = False
        self._swallowed: int | None = None  # a drop that held the page's main content
        self._drop_h1 = False  # the drop holds an <h1>
        self._drop_letters = 0  # letters and digits inside the drop, outside its links
        self._drop_links = 0  # open <a> elements inside the drop
        self._stack: list[str] = []  # open content/chrome elements, for "inside main?"
        self._pre = 0
        self._title: list[str] | None = None
        self._title_text = ""
        self._heading: list[str] | None = None
        self._heading_start = -1
        # inside a heading's <a class="headerlink"> ("¶"): kept in the text, so that a quote of a
        # heading and the sentence under it is the page's visible text, but not in the label
        self._anchor_depth = 0
        self._headings: list[tuple[int, str]] = []
        self._h1 = ""

    # -- results -------------------------------------------------------------------------
    def unclosed_drop(self) -> int | None:
        if self._drop_tag is None or self._drop_tag in ("script", "style"):
            return None  # html.parser itself treats the rest of the page as script text
        return self._drop_index

    def swallowed_main(self) -> int | None:
        """The index of the first start tag dropped as chrome that held the main content."""
        return self._swallowed

    def result(self) -> HtmlText:
        text = "".join(self._parts).rstrip(" \n")
        title = " ".join(self._title_text.split())
        return HtmlText(text=text, title=title, headings=tuple(self._headings), h1=self._h1)

    # -- parser callbacks ----------------------------------------------------------------
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        index = self._tag_index
        self._tag_index += 1
        if self._drop_tag is not None:
            if tag == self._drop_tag:
                self._drop_depth += 1
            if self._swallowed is None and _is_main(tag, attrs) and self._drop_tag != "template":
                self._swallowed = self._drop_index
            self._drop_h1 = self._drop_h1 or tag == "h1"
            self._drop_links += tag == "a"
            return
        if tag not in _VOID and index not in self._keep and self._should_drop(tag, attrs):
            self._drop_tag, self._drop_depth, self._drop_index = tag, 1, index
            self._dropped_text, self._drop_h1, self._drop_letters = False, False, 0
            self._drop_links = 0
            if tag == "title" and self._title is None and not self._title_text:
                self._title = []
            return
        self._open(tag, attrs)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._tag_index += 1
        if self._drop_tag is None:
            self._block(tag)

    def handle_endtag(self, tag: str) -> None:
        if self._drop_tag is not None:
            if tag == "a" and self._drop_links:
                self._drop_links -= 1
            if tag == self._drop_tag:
                self._drop_depth -= 1
                if self._drop_depth == 0:
                    self._end_drop()
            return
        self._close(tag)

    def handle_data(self, data: str) -> None:
        if self._drop_tag is not None:
            if self._title is not None:
                self._title.append(data)
            elif not data.isspace():
                self._dropped_text = True
                if not self._drop_links:
                    self._drop_letters += _letters(data)
            return
        if self._heading is not None and self._anchor_depth == 0:
            self._heading.append(data)
        if self._pre:
            self._write(data, raw=True)
            return
        collapsed = _SPACE.sub(" ", data)
        if collapsed.startswith(" "):
            self._space = True
        if collapsed.strip(" "):
            self._write(collapsed.strip(" "))
        if collapsed.endswith(" "):
            self._space = True

    # -- helpers -------------------------------------------------------------------------
    def _should_drop(self, tag: str, attrs: list[tuple[str, str | None]]) -> bool:
        if self._lenient:
            return tag in ("script", "style")
        if tag in _ALWAYS_DROP or tag == "nav":
            return True
        values = dict(attrs)
        if (values.get("role") or "").strip().lower() in _BOILERPLATE_ROLES:
            return True
        outside_content = not any(open_tag in _CONTENT for open_tag in self._stack)
        if tag in _CHROME and outside_content:
            return True
        if tag not in _CONTAINERS:
            return False
        classes_text = (values.get("class") or "").lower()
        names = f"{classes_text} {values.get('id') or ''}".lower()
        # A section's id is its heading's words ("the-initialization-of-the-sys-path-module-
        # search-path", docutils' <section> or <div class="section">): no word of it says chrome.
        slug = tag == "section" or "section" in classes_text.split()
        tokens = set(names.split()) | set(_NAME_WORDS.split(classes_text if slug else names))
        if tokens & _BOILERPLATE_TOKENS:
            return True
        chrome = tokens & _CHROME_TOKENS or set(classes_text.split()) & _CHROME_CLASSES
        return outside_content and bool(chrome) and tag != "table"

    def _end_drop(self) -> None:
        if self._title is not None:
            self._title_text = "".join(self._title)
            self._title, self._dropped_text = None, bool(self._title_text.strip())
        if (
            self._drop_h1
            and self._swallowed is None
            and self._drop_letters >= max(_MIN_RESCUED, self._length)
            and self._drop_tag not in _ALWAYS_DROP
        ):
            # It held a page heading and more text, links aside, than all kept before it: the
            # page itself, whatever its class or id says (Django's <div id="topics-db-search">
            # for the page topics/db/search; its site name above is an <h1> too). A table of
            # contents under the site's name is links.
            self._swallowed = self._drop_index
        if self._dropped_text and self._drop_tag not in ("script", "style"):
            # Text html.parser saw is missing here: never let one paragraph span the gap, and
            # mark it with a third newline so that no quote joins the text either side (a
            # heading and the paragraph after a dropped contents list are not adjacent).
            self._break = max(self._break, 3)
        self._drop_tag = None

    def _open(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._block(tag)
        if tag in _CONTENT or tag in _CHROME:
            self._stack.append(tag)
        if tag == "pre":
            self._pre += 1
        elif tag in _HEADINGS and self._heading is None:
            self._heading, self._heading_start = [], -1
        elif tag == "a" and self._heading is not None:
            classes = (dict(attrs).get("class") or "").split()
            if self._anchor_depth or "headerlink" in classes or "anchor" in classes:
                self._anchor_depth += 1

    def _close(self, tag: str) -> None:
        if (tag in _CONTENT or tag in _CHROME) and tag in self._stack:
            del self._stack[len(self._stack) - 1 - self._stack[::-1].index(tag) :]
        if tag == "pre" and self._pre:
            self._pre -= 1
        elif tag == "a" and self._anchor_depth:
            self._anchor_depth -= 1
        elif tag in _HEADINGS and self._heading is not None:
            label = " ".join("".join(self._heading).split())
            if label and self._heading_start >= 0:
                self._headings.append((self._heading_start, label))
                self._h1 = self._h1 or (label if tag == "h1" else "")
            self._heading, self._anchor_depth = None, 0
        self._block(tag)

    def _block(self, tag: str) -> None:
        if tag in _PARAGRAPH:
            self._break = max(self._break, 2)
        elif tag in _LINE:
            self._break = max(self._break, 1)
        elif tag in _CELL:
            self._space = True

    def _write(self, text: str, *, raw: bool = False) -> None:
        if self._length:
            if self._break:
                have = len(self._tail) - len(self._tail.rstrip("\n"))
                self._emit("\n" * max(0, self._break - have))
            elif self._space and not raw and not self._tail[-1:].isspace():
                self._emit(" ")
        self._break, self._space = 0, False
        if self._heading is not None and self._heading_start < 0 and text.strip():
            self._heading_start = self._length + len(text) - len(text.lstrip())
        self._emit(text)

    def _emit(self, text: str) -> None:
        if text:
            self._parts.append(text)
            self._length += len(text)
            self._tail = (self._tail + text)[-2:]
