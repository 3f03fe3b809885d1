"""htmltext.py: visible text that stays a whitespace-variant of what html.parser yields."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from askbrief.documents.html import decode_html, extract_html


class ScorerText(HTMLParser):
    """What the external scorer compares against: all data outside script and style."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self.skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self.skip:
            self.skip -= 1

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def squash(text: str) -> str:
    return "".join(text.split())


def scorer_text(html: str) -> str:
    parser = ScorerText()
    parser.feed(html)
    parser.close()
    return squash("".join(parser.parts))


def assert_paragraphs_match_scorer(html: str) -> str:
    text = extract_html(html).text
    reference = scorer_text(html)
    for paragraph in text.split("\n\n"):
        assert squash(paragraph) in reference, paragraph
    return text


SPHINX_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8" /><title>pathlib &#8212; Python docs</title>
<link rel="stylesheet" href="x.css" /><script>var DOCUMENTATION_OPTIONS = {};</script></head>
<body>
<div class="related" role="navigation" aria-label="Related"><h3>Navigation</h3>
<ul><li><a href="genindex.html">index</a></li><li>next |</li></ul></div>
<div class="document"><div class="documentwrapper"><div class="body" role="main">
<section id="module-pathlib"><h1><code>pathlib</code> — Object-oriented paths<a class="headerlink"
 href="#module-pathlib" title="Link to this heading">¶</a></h1>
<p>This module offers classes representing filesystem paths with semantics
appropriate for different operating systems.  Path classes are divided between
<a class="reference internal" href="#pure-paths"><span class="std std-ref">pure paths</span></a>,
which provide purely computational operations without I/O.</p>
<aside class="footnote brackets" id="f1"><span class="label">1</span><p>A footnote is content.</p>
</aside>
<pre>&gt;&gt;&gt; p = Path('.')
&gt;&gt;&gt; [x for x in p.iterdir()]</pre>
</section></div></div>
<div class="sphinxsidebar" role="navigation"><h3>Table of Contents</h3><ul><li>Basic use</li></ul>
</div></div>
<div class="footer" role="contentinfo">&copy; Copyright 2001 Python Software Foundation.</div>
</body></html>"""


def test_sphinx_page_keeps_the_body_and_drops_navigation() -> None:
    page = extract_html(SPHINX_PAGE)
    assert page.title == "pathlib — Python docs"
    assert page.text.startswith("pathlib — Object-oriented paths¶\n\nThis module offers")
    assert "different operating systems. Path classes are divided between pure paths,\n" not in (
        page.text
    )
    assert "between pure paths, which provide" in page.text
    assert "A footnote is content." in page.text
    assert ">>> p = Path('.')\n>>> [x for x in p.iterdir()]" in page.text
    for boilerplate in ("Navigation", "index", "Table of Contents", "Copyright", "DOCUMENTATION"):
        assert boilerplate not in page.text
    assert page.headings == ((0, "pathlib — Object-oriented paths"),)
    assert_paragraphs_match_scorer(SPHINX_PAGE)


# The Read the Docs theme (BIND's manual, many projects' docs): one wrapper whose class names
# the navigation holds both the sidebar and the page's text.
RTD_PAGE = """<html><head><title>6. Advanced Configurations</title></head><body>
<div class="wy-grid-for-nav">
<nav data-toggle="wy-nav-shift" class="wy-nav-side"><div class="wy-side-scroll">
<div class="wy-menu wy-menu-vertical" role="navigation"><ul><li>1. Introduction</li></ul></div>
</div></nav>
<section data-toggle="wy-nav-shift" class="wy-nav-content-wrap">
<nav class="wy-nav-top" aria-label="Mobile navigation menu">BIND 9</nav>
<div class="wy-nav-content"><div class="rst-content">
<div role="navigation" aria-label="Page navigation"><ul><li>Docs</li></ul></div>
<div role="main" class="document" itemprop="articleBody">
<h1>6.1. Catalog Zones</h1><p>A catalog zone is a special DNS zone that contains a list of
other zones to be served.</p>
</div></div></div></section></div></body></html>"""


def test_a_chrome_wrapper_holding_the_main_text_is_kept() -> None:
    page = extract_html(RTD_PAGE)
    assert page.text.startswith("6.1. Catalog Zones\n\nA catalog zone is a special DNS zone")
    for chrome in ("1. Introduction", "BIND 9", "Docs"):
        assert chrome not in page.text
    assert_paragraphs_match_scorer(RTD_PAGE)


def test_a_page_its_chrome_rules_would_empty_is_read_whole_when_it_shows_plenty() -> None:
    """No main element to go by, and a wrapper named like navigation: a misread layout loses no
    page. A page of a few words of chrome stays empty."""
    body = "<p>" + "The resolver retries each query over TCP when the answer is truncated. " * 20
    page = extract_html(f'<html><body><div class="site-nav-wrapper">{body}</p></div></body></html>')
    assert page.text.startswith("The resolver retries each query over TCP")
    small = extract_html(
        '<html><body><div class="nav-wrapper"><p>Home | Search</p></div></body></html>'
    )
    assert small.text == ""


def test_a_section_named_for_its_heading_is_content_whatever_the_heading_says() -> None:
    """docutils names a section for its heading: "search" in "…-module-search-path" and "menu"
    in "the-edit-menu" are words of the heading, not chrome."""
    for section in (
        '<section id="the-initialization-of-the-sys-path-module-search-path">',
        '<div class="section" id="the-edit-menu">',
    ):
        close = "</section>" if section.startswith("<section") else "</div>"
        page = extract_html(
            f'<html><body><div class="body" role="main">{section}<h1>The heading</h1>'
            f"<p>A module search path is initialized when Python starts.</p>{close}</div>"
            "</body></html>"
        )
        assert "A module search path is initialized" in page.text, section
    # a chrome name still drops its block
    page = extract_html('<div id="search-box"><p>Quick search</p></div><p>Body text.</p>')
    assert page.text == "Body text."


def test_a_class_ending_in_header_is_no_page_header() -> None:
    """SQLAlchemy's tutorial pages hold all their text in <section class="orm-header">; only a
    class that is "header" itself (Texinfo's Next/Up line) marks chrome."""
    page = extract_html(
        '<html><body><div id="docs-body" role="main"><section class="orm-header" id="orm">'
        "<h1>Data Manipulation with the ORM</h1><p>The Session tracks the objects it loads.</p>"
        "</section></div></body></html>"
    )
    assert "The Session tracks the objects it loads." in page.text


def test_a_block_holding_a_page_heading_and_its_prose_is_the_page_whatever_its_id_says() -> None:
    """Django names its content block for the page's path, "topics-db-search", and puts the site's
    name above it in an <h1>. A table of contents under a heading is links, and stays out."""
    prose = "<p>" + "A common task for web applications is to search some data. " * 25 + "</p>"
    toc = "<ul>" + "<li><a href='#a'>Assertion testing and strict mode</a></li>" * 40 + "</ul>"
    html = (
        "<html><body><div id='hd'><h1><a href='/'>Django documentation</a></h1></div>"
        f"<div class='nav'><h1>Contents</h1>{toc}</div>"
        f"<div class='yui-g' id='topics-db-search'><h1>Search</h1>{prose}</div></body></html>"
    )
    text = assert_paragraphs_match_scorer(html)
    assert "Search\n\nA common task for web applications is to search some data." in text
    assert "Assertion testing and strict mode" not in text


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("<p>a<b>b</b><i>c</i> d</p>", "abc d"),
        ("<p>one</p><p>two</p>", "one\n\ntwo"),
        ("<ul><li>x<li>y</ul>", "x\ny"),
        ("line<br>break<br/>again", "line\nbreak\nagain"),
        ("<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>", "a b\nc"),
        ("<p>  lots \n\t of   space  </p>", "lots of space"),
        ("<pre>  keep\n    this  </pre>", "  keep\n    this"),
        ("<p>&amp; &lt;tag&gt; &#233; &eacute; &copy;</p>", "& <tag> é é ©"),
        ("<p>no&nbsp;break</p>", "no\xa0break"),
        ("<p>unclosed <b>bold <i>italic</p><p>next", "unclosed bold italic\n\nnext"),
        ("<div><p>nested</div></span></p>stray", "nested\n\nstray"),
        ("<p>a<img src=x>b<input>c<hr>d</p>", "abc\n\nd"),
        # dropped text leaves a gap mark, a third newline: nothing is quoted across it
        ("<p>x<svg><title>icon</title><path d=''/></svg>y</p>", "x\n\n\ny"),
        (
            "<h2>20.5. Write Ahead Log</h2><div class='toc'><dl><dt>20.5.1. Settings</dt></dl>"
            "</div><p>For tuning, see below.</p>",
            "20.5. Write Ahead Log\n\n\nFor tuning, see below.",
        ),
        ("<p>x<svg><path d=''/></svg>y</p>", "xy"),
        ("<p>keep<script>drop()</script>this</p>", "keepthis"),
        ("<p>before</p><nav>menu<p>unclosed nav", "before\n\nmenu\n\nunclosed nav"),
        ("<nav/><p>self-closed nav drops nothing</p>", "self-closed nav drops nothing"),
        (
            "<header>Site</header><article><header><h1>Post</h1></header>Body</article>",
            "Post\n\nBody",
        ),
        ("<main><aside>Callout</aside></main><aside>Ads</aside>", "Callout"),
        ("<div class='navbar x'>menu</div><span class='navbar'>inline</span>", "inline"),
        ("<div role='banner'>logo</div><p>text</p><footer>foot</footer>", "text"),
        ("<noscript>enable js</noscript><template>t</template>ok", "ok"),
        ("<title>T</title><p>body</p>", "body"),
        # site chrome outside a <main>, named in class or id words ("fancy_toc", "mainmenu")
        ("<div class='menu mainmenu'><ul><li>Home<li>About</ul></div><p>body</p>", "body"),
        ("<div class=fancy_toc><div id=toc_sub>1. Overview</div></div><p>body</p>", "body"),
        ("<div class='tagline'>Small. Fast.</div><h1>Title</h1>", "Title"),
        ("<form><select><option>Search docs</option></select></form><p>body</p>", "body"),
        # Texinfo's per-node Next/Up line is chrome; AsciiDoc's id="header" holds the NAME line
        (
            "<div class='header'><p>Next: <a>Intro</a>, Up: <a>Top</a></p></div><h1>Bash</h1>",
            "Bash",
        ),
        (
            "<div id='header'><h1>git-blame(1)</h1><p>git-blame - Show</p></div>",
            "git-blame(1)\n\ngit-blame - Show",
        ),
        ("<div class='nav-panel'><p>Next: Intro</p></div><p>body</p>", "body"),
        # DocBook's Prev / Up / Next bars, above and below the chapter
        (
            "<div class='navheader'><table><tr><td>Prev</td><td>Next</td></tr></table></div>"
            "<h2>Chapter 1</h2><p>body</p><div class='navfooter'><table><tr><td>Preface</td>"
            "</tr></table></div>",
            "Chapter 1\n\nbody",
        ),
        # the Apache manual's list of the page's languages, above and below it
        (
            "<div class='toplang'><p><span>Available Languages: </span><a>en</a> | <a>fr</a>"
            "</p></div><h1>Core Features</h1><p>body</p><div class='bottomlang'><p>"
            "<a>en</a></p></div>",
            "Core Features\n\nbody",
        ),
        (
            "<main><div class='menu'>A menu in the content is content</div></main>",
            "A menu in the content is content",
        ),
    ],
)
def test_layout_and_dropping(html: str, text: str) -> None:
    assert extract_html(html).text == text
    assert_paragraphs_match_scorer(html)


def test_many_unclosed_boilerplate_elements_keep_all_text() -> None:
    html = "".join(f"<aside>side {i}<nav>menu {i}" for i in range(30)) + "<p>end"
    text = extract_html(html).text
    assert "side 0" in text and "menu 29" in text and text.endswith("end")
    assert_paragraphs_match_scorer(html)


def test_heading_offsets_point_at_heading_text() -> None:
    html = "<p>intro</p><h2>  Setup <a class='headerlink' href='#s'>#</a></h2><p>x</p><h3>Run</h3>"
    page = extract_html(html)
    assert page.headings == ((7, "Setup"), (19, "Run"))
    assert [page.text[o : o + len(label)] for o, label in page.headings] == ["Setup", "Run"]
    assert page.text == "intro\n\nSetup #\n\nx\n\nRun"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (b"<meta charset='utf-16'><p>x", "utf-8"),
        (b"<meta charset='no-such-codec'><p>x", "utf-8"),
        (b'<META CHARSET="KOI8-R"><p>\xf0', "koi8-r"),
    ],
)
def test_decode_html_trusts_only_sensible_declarations(data: bytes, encoding: str) -> None:
    assert decode_html(data)[1] == encoding


_TAGS = [
    "p", "div", "span", "b", "a", "li", "ul", "h1", "h2", "pre", "td", "tr", "br", "img",
    "nav", "header", "footer", "aside", "main", "article", "script", "style", "svg", "title",
    "noscript", "template", "section", "code",
]  # fmt: skip
_ATTRS = ["", " class='headerlink'", " role='navigation'", " class='sphinxsidebar'", " id=toc"]
_piece = st.one_of(
    st.text(alphabet="ab é¶\n\t&;#<>/=\xa0", max_size=6),
    st.builds(lambda t, a: f"<{t}{a}>", st.sampled_from(_TAGS), st.sampled_from(_ATTRS)),
    st.builds(lambda t: f"</{t}>", st.sampled_from(_TAGS)),
    st.builds(lambda t: f"<{t}/>", st.sampled_from(_TAGS)),
    st.sampled_from(["&amp;", "&lt;", "&nbsp;", "&#233;", "&bogus;", "<!-- c -->", "<!DOCTYPE x>"]),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_piece, max_size=40).map("".join))
def test_every_paragraph_is_in_html_parser_text_modulo_whitespace(html: str) -> None:
    page = extract_html(html)
    assert_paragraphs_match_scorer(html)
    for offset, label in page.headings:
        assert squash(page.text[offset:]).startswith(squash(label)[:1])


def test_definition_terms_are_headings_of_their_definitions() -> None:
    from askbrief.documents.html import extract_html

    page = extract_html(
        "<dl><dt>zip(*iterables)<a class='headerlink'>¶</a></dt>"
        "<dd><p>Iterate over several iterables in parallel.</p></dd></dl>"
    )
    assert any(label.startswith("zip(*iterables)") for _, label in page.headings)
