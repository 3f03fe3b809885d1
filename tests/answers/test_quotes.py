"""Quotes that answer the question, not just match it."""

from __future__ import annotations

from pathlib import Path

from askbrief.answers.answer_type import answer_type
from askbrief.answers.explain import render_explanation
from askbrief.answers.quotes import (
    Candidate,
    Features,
    Weights,
    candidates,
    leads_in,
    quote_penalty,
)
from askbrief.config import Settings
from askbrief.documents.corpus import read_document_text
from askbrief.session import Session
from conftest import write_corpus

# Other pages, so that the words of the page under test are rare, as in a real manual.
FILLER = {
    f"manual/page-{i:02d}.txt": (
        f"Chapter {i}\n\nThis chapter describes the settings of part {i} and how the program "
        f"reads its configuration files. Each setting has a default that applies when the file "
        f"does not name it. Commands print their results to the terminal.\n"
    )
    for i in range(30)
}


def _session(tmp_path: Path, files: dict[str, str]) -> Session:
    settings = Settings.model_validate({"index": {"cache_dir": str(tmp_path / "cache")}})
    session = Session(settings, write_corpus(tmp_path / "corpus", {**FILLER, **files}))
    session.open()
    return session


def _notes(*paragraphs: str) -> str:
    """A page titled "Notes" (a heading that names nothing asked) holding these paragraphs."""
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return f"<html><head><title>Notes</title></head><body><h1>Notes</h1>{body}</body></html>"


def _candidates(session: Session, question: str) -> list[Candidate]:
    """Every candidate quote the composer weighs for ``question``, scored."""
    hits, terms = session.retrieve(question)
    return candidates(hits, terms, session.index.next_passage, answer_type(question))


def test_a_how_much_question_quotes_the_sentence_with_the_number(seeds_session: Session) -> None:
    """The sentence naming the pipeline runs on into the one that says how much it delivers."""
    answer = seeds_session.ask("How much Russian gas will the Eastern Route pipeline deliver?")
    assert "18.9 billion cubic meters" in answer.citations[0].quote


def test_the_number_two_sentences_on_is_quoted_with_its_subject(tmp_path: Path) -> None:
    text = (
        "Garbage collection\n\n"
        "When there are more than this many loose objects in the repository, the collector "
        "packs the loose objects together. Some commands run the collector from time to time "
        "to keep things tidy. The default value is 6700.\n\n"
        "Packing loose objects saves space and makes lookups faster for every command.\n"
    )
    session = _session(tmp_path, {"gc.txt": text})
    answer = session.ask("How many loose objects pile up before the collector packs them?")
    assert any("6700" in c.quote for c in answer.citations[:3])
    assert any("6700" in c.quote and "loose objects" in c.quote for c in answer.citations[:3])


def test_a_definition_comes_from_the_entry_whose_heading_names_it(tmp_path: Path) -> None:
    glossary = (
        "<html><head><title>Glossary</title></head><body><dl>"
        "<dt>reflog</dt><dd><p>A reflog shows the local history of a ref.</p></dd>"
        "<dt>tag</dt><dd><p>A ref that points to a commit or another object.</p></dd>"
        "</dl></body></html>"
    )
    options = "\n\n".join(
        f"--opt{i}\n\nCreate a reflog entry for option {i} when the reflog is enabled."
        for i in range(8)
    )
    session = _session(tmp_path, {"glossary.html": glossary, "options.txt": options})
    answer = session.ask("What is the reflog?")
    assert answer.citations[0].source == "glossary.html"
    assert "shows the local history" in answer.citations[0].quote


def test_a_pointer_elsewhere_is_not_the_answer(tmp_path: Path) -> None:
    text = (
        "Worktrees\n\n"
        "See git-worktree(1) and git-config(1) for how worktrees are configured and listed.\n\n"
        "A worktree is a working tree linked to a repository, so you can check out more than "
        "one branch at a time.\n"
    )
    session = _session(tmp_path, {"worktree.txt": text})
    answer = session.ask("What is a worktree?")
    assert not answer.citations[0].quote.startswith("See ")


def test_an_api_signature_is_not_quoted_before_its_description(tmp_path: Path) -> None:
    def entry(name: str, signature: str, text: str) -> str:
        return (
            f'<dt id="{name}">{signature}<a class="headerlink" href="#{name}">¶</a></dt>'
            f"<dd><p>{text}</p></dd>"
        )

    page = (
        "<html><head><title>Built-in functions</title></head><body><dl>"
        + entry("min", "min(iterable, *, key=None)", "Return the smallest item in an iterable.")
        + entry(
            "zip",
            "zip(*iterables, strict=False)",
            "Iterate over several iterables in parallel, producing tuples with an item from "
            "each one.</p><p>Another way to think of zip() is that it turns rows into columns.",
        )
        + entry("sorted", "sorted(iterable, *, key=None)", "Return a new sorted list.")
        + "</dl></body></html>"
    )
    other = "The zipfile module reads and writes zip archives. A zip file holds members.\n"
    session = _session(tmp_path, {"functions.html": page, "zipfile.txt": other})
    answer = session.ask("What does zip() do?")
    first = answer.citations[0]
    assert first.source == "functions.html"
    assert first.quote.startswith("Iterate over several iterables in parallel")
    assert "¶" not in first.quote


def test_a_definition_opens_with_its_subject_not_with_a_clause_that_mentions_it() -> None:
    from askbrief.search.terms import QuestionTerms

    terms = QuestionTerms.of(
        ["git", "submodul"], lambda t: 0.1 if t == "git" else 3.7, "What is a git submodule?"
    )
    assert terms.opens_with_focus("A submodule is a repository embedded inside another.")
    assert not terms.opens_with_focus("If nothing (or --no-recurse-submodules) is used, x.")


def test_what_a_function_does_is_the_first_sentence_under_its_signature(tmp_path: Path) -> None:
    """A reference entry says what the function does first; later sentences that start with its
    name ("zip() is a lazy function") describe a detail, even when they repeat more words."""
    reference = (
        "<html><head><title>Built-in Functions</title></head><body>"
        "<h2>zip(*iterables, strict=False)¶</h2>"
        "<p>Iterate over several iterables in parallel, producing tuples with an item from each "
        "one.</p>"
        "<p>zip() is a lazy function: nothing is processed until the result is iterated on.</p>"
        "<p>zip() is often used in cases where the iterables are assumed to be of equal length."
        "</p>"
        "<h2>len(s)¶</h2><p>Return the length (the number of items) of an object.</p>"
        "</body></html>"
    )
    # "function" is on every page of a library reference; "zip" is what the question is about.
    pages = {
        f"library/module-{i:02d}.txt": f"Module {i}\n\nEach function of module {i} is listed here."
        for i in range(60)
    }
    session = _session(tmp_path, {"functions.html": reference, **pages})
    answer = session.ask("What does the zip function do?")
    assert answer.citations[0].quote.startswith("Iterate over several iterables in parallel")


def test_a_sentence_whose_neighbour_also_answers_gives_way_to_the_fuller_quote() -> None:
    """Of two sentences that cover the question alike, the one standing alone wins: where the
    next sentence also answers, the pair quoting both is the better quote."""
    alone = Features(coverage=1.0, rank=1.0)
    crowded = Features(coverage=1.0, rank=1.0, neighbour=1.0)
    assert Weights().score(alone) > Weights().score(crowded)


def test_a_subheading_under_the_heading_is_not_the_sentence_it_opens(tmp_path: Path) -> None:
    """Under "Rowid Tables" comes "1.0 Definition", another heading: the body starts after it,
    and two headings are never the answer."""
    page = (
        "<html><head><title>Rowid Tables</title></head><body>"
        "<h1>Rowid Tables</h1><h2>1.0 Definition</h2>"
        "<p>A rowid table is any table in a schema that is not a virtual table. Rowid tables "
        "all have a unique signed 64-bit integer rowid.</p>"
        "<h2>2.0 Quirks</h2><p>The primary key of a rowid table is usually not the true primary "
        "key.</p></body></html>"
    )
    session = _session(tmp_path, {"rowidtable.html": page})
    answer = session.ask("What is a rowid table?")
    assert "is any table in a schema" in answer.citations[0].quote
    assert all(
        c.quote.split() != ["Rowid", "Tables", "1.0", "Definition"] for c in answer.citations
    )


def test_under_a_description_heading_the_first_sentence_says_what_the_page_is_about(
    tmp_path: Path,
) -> None:
    """A page titled for the thing asked about, its section headed "Description": that section's
    first sentence is the answer, not a later one that also starts with the thing's name."""
    page = (
        "<html><head><title>VACUUM</title></head><body>"
        "<h2>1. Syntax</h2><p>VACUUM schema-name INTO filename</p>"
        "<h2>2. Description</h2><p>The VACUUM command rebuilds the database file, repacking it "
        "into a minimal amount of disk space.</p>"
        "<h2>3. Implementation notes</h2><p>The VACUUM command works by copying the contents "
        "of the database into a temporary database file and then overwriting the original with the "
        "contents of the temporary file. A VACUUM command needs free disk space, and a VACUUM "
        "command holds a lock on the database until the command completes.</p></body></html>"
    )
    session = _session(tmp_path, {"lang_vacuum.html": page})
    answer = session.ask("What does the VACUUM command do?")
    assert answer.citations[0].quote.startswith("The VACUUM command rebuilds the database file")


def test_a_glossary_term_is_quoted_with_its_definition(tmp_path: Path) -> None:
    """A Sphinx glossary entry's heading keeps its permalink mark ("¶"), as the page shows it,
    and is no chrome: the term heads its definition in one quote that names what was asked."""
    glossary = (
        "<html><head><title>Glossary</title></head><body><dl class='glossary'>"
        "<dt id='term-gil'>global interpreter lock<a class='headerlink' href='#term-gil'>¶</a>"
        "</dt><dd><p>The mechanism used by the CPython interpreter to assure that only one "
        "thread executes Python bytecode at a time. This simplifies the CPython implementation "
        "by making the object model implicitly safe against concurrent access.</p></dd>"
        "<dt id='term-gc'>garbage collection<a class='headerlink' href='#term-gc'>¶</a></dt>"
        "<dd><p>The process of freeing memory when it is not used anymore.</p></dd>"
        "</dl></body></html>"
    )
    faq = (
        "Threads\n\nThe interpreter lock is held while Python code runs; a global lock keeps "
        "the interpreter simple.\n"
    )
    session = _session(tmp_path, {"glossary.html": glossary, "faq.txt": faq})
    quote = session.ask("What is the global interpreter lock?").citations[0].quote
    assert quote.startswith("global interpreter lock¶\n\nThe mechanism used by the CPython")


def test_a_bare_api_signature_line_counts_as_chrome(tmp_path: Path) -> None:
    """A signature line ("create(env_dir)¶") is known by its shape: a quote that carries one is
    penalised as chrome, a command is not."""
    page = (
        "<html><head><title>venv</title></head><body>"
        "<h2>Creating virtual environments</h2>"
        "<pre>python3 -m venv /path/to/new/virtual/environment</pre>"
        "<p>Running this command creates the target directory.</p>"
        "<h2>API</h2><dl>"
        "<dt id='create'>create(env_dir)<a class='headerlink' href='#create'>¶</a></dt>"
        "<dd><p>Create a virtual environment by specifying the target directory.</p></dd>"
        "</dl></body></html>"
    )
    session = _session(tmp_path, {"venv.html": page})
    found = _candidates(session, "How do I create a virtual environment?")
    signature = [c for c in found if c.quote.startswith("create(env_dir)")]
    command = [c for c in found if c.quote.startswith("python3 -m venv")]
    assert signature and all(c.features.chrome == 1.0 for c in signature)
    assert command and all(c.features.chrome == 0.0 for c in command)


def test_a_table_row_with_a_note_in_brackets_is_no_signature(tmp_path: Path) -> None:
    """A word, a space, then words in brackets ("warning (operation reached its normal end…)",
    a row of a return-code table) is prose, not an API signature: it is not penalised as chrome."""
    page = (
        "<html><head><title>borg</title></head><body><h2>Return codes</h2>"
        "<p>Borg can exit with the following return codes (rc):</p><table>"
        "<tr><td><p>0</p></td><td><p>success (logged as INFO)</p></td></tr>"
        "<tr><td><p>1</p></td><td><p>warning (operation reached its normal end, but there were "
        "warnings -- you should check the log, logged as WARNING)</p></td></tr>"
        "</table></body></html>"
    )
    session = _session(tmp_path, {"borg.html": page})
    found = _candidates(session, "Does return code 1 mean that the backup failed with a warning?")
    rows = [c for c in found if "warning (operation reached" in c.quote]
    assert rows and all(c.features.chrome == 0.0 for c in rows)


def test_a_keyword_that_is_a_stop_word_is_still_what_the_question_asks_about(
    tmp_path: Path,
) -> None:
    """ "with" is a stop word, so "What is the with statement?" would search "statement" alone,
    and sixty sections that say "statement" more often would bury the answer; the keyword
    phrase finds the heading "The with statement"."""
    kinds = [
        f"{a} {b}"
        for a in ("simple", "compound", "nested", "bare", "guarded", "labelled")
        for b in (
            "jump",
            "loop",
            "test",
            "branch",
            "call",
            "block",
            "unit",
            "clause",
            "guard",
            "scope",
        )
    ]
    sections = "".join(
        f"<h2>{kind.title()} statements</h2><p>A {kind} statement is a statement; every {kind} "
        f"statement ends the statement before it.</p>"
        for kind in kinds
    )
    reference = (
        "<html><head><title>Statements</title></head><body>"
        + sections
        + "<h2>8.5. The with statement</h2><p>The with statement is used to wrap the execution "
        "of a block with methods defined by a context manager.</p></body></html>"
    )
    session = _session(tmp_path, {"statements.html": reference})
    answer = session.ask("What is the with statement?", explain=True)
    assert answer.citations[0].quote.startswith("The with statement is used to wrap")
    assert answer.explanation is not None and answer.explanation["phrases"] == ["with_statement"]


def test_a_definition_that_ends_in_a_colon_opens_its_section(tmp_path: Path) -> None:
    """ "A variant of here documents, the format is:" is the section's first sentence, not a
    subheading to skip, though it is short and ends in no full stop."""
    manual = (
        "<html><head><title>Bash Reference Manual</title></head><body>"
        "<h4>3.6.6 Here Documents</h4><p>This type of redirection instructs the shell to read "
        "input from the current source until a line containing only the delimiter is seen.</p>"
        "<h4>3.6.7 Here Strings</h4><p>A variant of here documents, the format is:</p>"
        "<pre>[n]&lt;&lt;&lt; word</pre><p>The word undergoes tilde expansion and parameter "
        "expansion. The result is supplied as a single string to the command.</p>"
        "<dl><dt>-n string</dt><dd><p>True if the length of string is non-zero.</p></dd>"
        "<dt>-z string</dt><dd><p>True if the length of string is zero.</p></dd></dl>"
        "</body></html>"
    )
    session = _session(tmp_path, {"bashref.html": manual})
    first = session.ask("What is a here string?").citations[0]
    assert "A variant of here documents" in first.quote


def test_what_is_x_quotes_the_passage_that_defines_x_over_lines_that_repeat_it(
    tmp_path: Path,
) -> None:
    """The definition sits in a long section under a heading that names nothing, on a page whose
    title is a compound ("gitwidgets"); option lines say "widget" far more densely. The passage
    that opens with "A widget is…" is searched for by its definition term."""
    options = "".join(
        f"<dt>--widget-{name}</dt><dd><p>Pass the widget {name} to each widget, so that the "
        f"widget {name} of every widget applies.</p></dd>"
        for name in ("depth", "jobs", "remote", "update", "reference", "filter", "branch")
    )
    config = "".join(
        f"<dt>widget.{name}</dt><dd><p>The widget {name} setting for a widget; see the widget "
        f"{name} option.</p></dd>"
        for name in ("url", "path", "active", "ignore", "fetchJobs")
    )
    pages = {
        "git-clone.html": "<html><head><title>git-clone(1)</title></head><body><h2>OPTIONS"
        f"</h2><dl>{options}</dl></body></html>",
        "git-config.html": "<html><head><title>git-config(1)</title></head><body><h2>"
        f"CONFIGURATION</h2><dl>{config}</dl></body></html>",
        "gitwidgets.html": "<html><head><title>gitwidgets(7) Manual Page</title></head><body>"
        "<h2>DESCRIPTION</h2><p>A widget is a repository embedded inside another repository. "
        "It has its own history; the repository it is embedded in is called a superproject. "
        "On the filesystem it usually consists of a Git directory, a working directory and an "
        "entry in the index of the superproject, which records the commit it is checked out "
        "at. The location of its Git directory is kept under the superproject's own Git "
        "directory, so that it can be removed from the working tree and added back without "
        "losing history. Several commands take an option to recurse into it, and a few "
        "configuration settings say how it is fetched and updated.</p></body></html>",
    }
    session = _session(tmp_path, pages)
    answer = session.ask("What exactly is a widget?", explain=True)
    assert answer.citations[0].quote.startswith("A widget is a repository embedded")
    assert answer.explanation is not None and "=widget" in answer.explanation["defines"]


def test_no_quote_joins_a_heading_to_the_paragraph_after_a_dropped_contents_list(
    tmp_path: Path,
) -> None:
    """DocBook puts a section's contents list between its heading and its first paragraph. The
    list is left out of the text, so heading and paragraph look adjacent; on the page they are
    not, and a quote holding both would not be the page's text."""
    page = (
        "<html><head><title>Write Ahead Log</title></head><body><h2>20.5. Write Ahead Log</h2>"
        "<div class='toc'><dl><dt>20.5.1. Settings</dt><dt>20.5.2. Checkpoints</dt></dl></div>"
        "<p>For additional information on tuning these settings, see Section 30.5.</p>"
        "<p>The write ahead log protects data from a crash.</p></body></html>"
    )
    session = _session(tmp_path, {"runtime-config-wal.html": page})
    answer = session.ask("What are the write ahead log settings?")
    assert answer.citations
    text = read_document_text(session.corpus_dir, "runtime-config-wal.html")
    for c in answer.citations:
        assert text[c.start : c.end] == c.quote
        assert "\n\n\n" not in c.quote  # the gap where the contents list was


def test_a_question_for_a_value_quotes_the_sentence_that_holds_one(tmp_path: Path) -> None:
    """The sentence about the password matches more of the question's words, but holds no
    duration; for a "how long" question the sentence with the number comes first."""
    credential = (
        "<html><head><title>git-credential(1)</title></head><body><h2>ATTRIBUTES</h2>"
        "<p>The credential's password, if we are asking it to be stored.</p>"
        "<p>The credential's username, if we already have it.</p>"
        "</body></html>"
    )
    cache = (
        "<html><head><title>git-credential-cache(1)</title></head><body><h2>DESCRIPTION</h2>"
        "<p>This command keeps credentials in memory, so that Git programs remember them.</p>"
        "<h2>OPTIONS</h2>"
        "<dl><dt>--timeout &lt;seconds&gt;</dt><dd><p>Number of seconds to cache credentials "
        "(default: 900).</p></dd><dt>--socket &lt;path&gt;</dt><dd><p>Use path to contact a "
        "running cache daemon.</p></dd></dl></body></html>"
    )
    session = _session(
        tmp_path, {"git-credential.html": credential, "git-credential-cache.html": cache}
    )
    answer = session.ask("How long does the credential cache remember my password by default?")
    assert "(default: 900)" in answer.citations[0].quote


def test_what_someone_said_after_a_colon_is_quoted_to_the_end_of_its_paragraph(
    seeds_session: Session,
) -> None:
    """ "…Hua Chunying … was typically pugnacious towards the United States:" introduces two
    sentences of what she said; the second holds "pouring oil on the flame"."""
    answer = seeds_session.ask(
        "What did Hua Chunying say about America's role in the Ukraine tensions?"
    )
    quote = answer.citations[0].quote
    assert quote.rstrip().endswith("clearly irresponsible and immoral.")
    assert "towards the United States:" in quote and "pouring oil on the flame" in quote


def test_a_colon_runs_on_to_the_paragraph_only_for_what_someone_said(tmp_path: Path) -> None:
    notes = write_corpus(
        tmp_path / "notes",
        {
            "setup.txt": (
                "Release notes for version two of the tool.\n\n"
                "Installing the tool takes three steps, as its maintainer says:\n\n"
                "Download the archive from the project's release page, choosing the build for "
                "your operating system and checking its signature against the maintainer's key "
                "before going on. Unpack it into a folder of your own, one that your account can "
                "write to and that no other user shares, so that the installer can keep its "
                "settings and its cache beside the program. Then open a terminal in that folder "
                "and make sure no older copy of it is running. Run the installer from there.\n"
            )
        },
    )
    session = Session(Settings(), notes)
    said = session.ask("What did the maintainer say about installing the tool?")
    assert said.citations[0].quote.endswith("Run the installer from there.")

    def whole(question: str) -> list[Candidate]:
        return [
            c
            for c in _candidates(session, question)
            if c.quote.startswith("Installing") and c.quote.endswith("from there.")
        ]

    assert whole("What did the maintainer say about installing the tool?")
    # Asked how, the colon's sentence is offered alone or with the next one only; the answer
    # may still show the steps, sentence by sentence as the composer reads on and joins them.
    assert not whole("How do I install the tool?")


def test_release_notes_give_way_to_the_reference_page_unless_releases_are_asked_about(
    tmp_path: Path,
) -> None:
    """Release notes announce a setting in its reference page's own words; the reference page
    answers what the setting does. A question about versions is answered by either."""
    pages = {
        "releases/1.10.html": "<html><head><title>Django 1.10 release notes</title></head>"
        "<body><p>Two new settings help mitigate denial-of-service attacks via large requests: "
        "one limits the size that a request body may be.</p></body></html>",
        "ref/settings.html": "<html><head><title>Settings</title></head><body><p>This setting "
        "limits the size that a request body may be before an error is raised.</p></body></html>",
    }
    session = _session(tmp_path, pages)
    answer = session.ask("What limits the size a request body may be?", explain=True)
    assert answer.citations[0].source == "ref/settings.html"
    assert answer.explanation is not None
    features = {
        c.source: q["features"]
        for c, q in zip(answer.citations, answer.explanation["quotes"], strict=True)
    }
    assert features["releases/1.10.html"].get("release_notes") == 1
    assert "release_notes" not in features["ref/settings.html"]
    versions = session.ask("Which version limits the size a request body may be?", explain=True)
    assert versions.explanation is not None
    assert all("release_notes" not in q["features"] for q in versions.explanation["quotes"])


def test_a_question_about_leaving_a_setting_out_is_answered_by_what_holds_then(
    tmp_path: Path,
) -> None:
    """ "…if I don't specify one?" asks for the default: the sentence that names the option
    matches the question as well, but only the one saying what happens without it answers."""
    page = _notes(
        "Each test is run in the directory that its WORKING_DIRECTORY option names.",
        "Tests run one at a time unless the parallel level is raised.",
        "If that is not given, a test is run in the build directory.",
    )
    session = _session(tmp_path, {"tests.html": page})
    unset = session.ask("Which directory is a test run in if I leave it out?", explain=True)
    assert "build directory" in unset.citations[0].quote
    assert unset.explanation is not None
    assert unset.explanation["quotes"][0]["features"].get("default") == 1
    named = session.ask("Which directory is a test run in?", explain=True)
    assert "WORKING_DIRECTORY" in named.citations[0].quote
    assert named.explanation is not None
    assert all("default" not in q["features"] for q in named.explanation["quotes"])


def test_a_question_whether_to_do_a_thing_quotes_the_advice(tmp_path: Path) -> None:
    """ "Should I use X?" is settled by the sentence that recommends or warns, though sentences
    saying what X does match the question's words better."""
    page = _notes(
        "The AUTOINCREMENT keyword on a primary key changes how new row ids are chosen.",
        "AUTOINCREMENT may only be used on a primary key of type INTEGER.",
        "A primary key keeps its value when the row is updated.",
        "Tables are stored as B-trees on disk.",
        "The AUTOINCREMENT keyword costs extra work and should be avoided if not strictly needed.",
    )
    session = _session(tmp_path, {"notes.html": page})
    answer = session.ask("Should I use AUTOINCREMENT on my primary key?", explain=True)
    quotes = [c.quote for c in answer.citations]
    assert any("should be avoided" in q for q in quotes[:2])
    assert answer.explanation is not None
    advice = [q for q in answer.explanation["quotes"] if q["features"].get("advice")]
    assert len(advice) == 1


def test_why_something_does_not_happen_is_answered_by_its_limit(tmp_path: Path) -> None:
    """ "Why doesn't it…?" is often answered by what the thing only does, or never does, with no
    "because" in sight."""
    page = _notes(
        "The export option is set for each generator in the cache.",
        "Builds are configured in a separate build tree.",
        "The export option is implemented only by the Ninja generator.",
    )
    session = _session(tmp_path, {"notes.html": page})
    answer = session.ask("Why doesn't the export option work with my generator?")
    assert "only by the Ninja generator" in answer.citations[0].quote


def test_a_long_question_in_the_askers_words_is_answered_at_a_lower_bar(tmp_path: Path) -> None:
    """The asker's story (morning, overnight, the app) is in the documents but not in the
    answer, so no quote covers a third of the question; at the lower bar the setting's sentence
    answers it. Asking whether such a setting exists gets no lower bar: the documents list what
    a program does, never all it does not."""
    page = (
        "<html><head><title>Pooling</title></head><body><h1>Pooling</h1>"
        "<p>The recycle setting replaces pooled connections after the given number of seconds."
        "</p><p>Pools keep a few connections open between requests.</p></body></html>"
    )
    notes = [
        "Every office has one.",
        "The morning is busy.",
        "Apps run overnight.",
        "A database may drop a client.",
    ]
    files = {"pool.html": page, **{f"note{i}.txt": t for i, t in enumerate(notes)}}
    session = _session(tmp_path, files)
    story = (
        "Every morning my app fails because the database dropped its pooled connections overnight."
    )
    answer = session.ask(f"{story} Which setting replaces them?", explain=True)
    assert "recycle setting" in answer.citations[0].quote
    assert answer.explanation is not None and answer.explanation["lenient"] is True
    assert "lower bar" in render_explanation(answer.explanation)
    assert session.ask(f"{story} Is there a setting that replaces them?").abstained


def test_a_bare_version_note_is_never_a_quote(tmp_path: Path) -> None:
    """CMake's reference opens each entry with "New in version 3.5.": under the entry's heading
    it covers the question as well as the heading does, yet says nothing."""
    entries = "".join(
        f"<h1>CMAKE_{name}</h1><p>New in version 3.{n}.</p><p>{text}</p>"
        for n, (name, text) in enumerate(
            [
                ("EXPORT_COMPILE_COMMANDS", "Enable or disable output of compile commands."),
                ("EXPORT_PACKAGE_REGISTRY", "Enable or disable the export package registry."),
            ]
        )
    )
    page = f"<html><head><title>Variables</title></head><body>{entries}</body></html>"
    session = _session(tmp_path, {"variables.html": page})
    answer = session.ask("What does CMAKE_EXPORT_COMPILE_COMMANDS do?")
    assert answer.citations
    assert all("New in version" not in c.quote for c in answer.citations)
    assert "output of compile commands" in answer.citations[0].quote


def _paths_page() -> str:
    """A user guide's section whose answer is the sentence that leads into an example."""
    return (
        "<html><head><title>Subsidiary files</title></head><body>"
        "<h1>Path names in subsidiary files</h1>"
        "<p>Path names in a subsidiary build file are relative to the directory that holds the "
        "file, and the builder runs every command from the top-level directory.</p>"
        "<p>You can tell the builder to read a path name as relative to the top-level directory "
        "by prepending a # (hash mark) in front of the path name:</p>"
        "<pre>env.Program('prog', ['main.c', '#lib/foo1.c', 'foo2.c'])</pre>"
        "<p>In this example, the lib directory is directly underneath the top-level directory."
        "</p></body></html>"
    )


def test_how_do_i_is_answered_by_the_sentence_leading_into_the_example(tmp_path: Path) -> None:
    """ "…by prepending a # (hash mark) in front of the path name:" says how, and the example
    after its colon shows it; both are quoted, and ``--explain`` says where the quote ran on."""
    session = _session(tmp_path, {"paths.html": _paths_page()})
    answer = session.ask(
        "How do I write a path name relative to the top-level directory in a subsidiary file?",
        explain=True,
    )
    first = answer.citations[0].quote
    assert "prepending a # (hash mark)" in first
    assert first.rstrip().endswith("'#lib/foo1.c', 'foo2.c'])")
    assert answer.explanation is not None
    assert answer.explanation["quotes"][0]["ran_on_to"] == "the example its colon leads into"
    assert "to the example its colon leads into" in render_explanation(answer.explanation)


def test_only_a_sentence_leads_into_an_example() -> None:
    """A lead-in is no fragment for a "how do I" question; a label ("Example:") still is, and so
    is any colon for a question that does not ask how."""
    lead_in = "You can tell the builder to read it by prepending a # to the path name:"
    assert quote_penalty(lead_in, lead_in=True) < quote_penalty(lead_in)
    assert quote_penalty("Example:", lead_in=True) == quote_penalty("Example:")
    assert leads_in("Run the installer:\n\n./install.sh --prefix ~/tools")
    assert not leads_in("The installer asks no questions. It runs: quietly.")


def test_a_colon_that_ends_its_section_reads_into_nothing_after_it(tmp_path: Path) -> None:
    """The next section's heading and first sentence are not what the colon introduced."""
    page = (
        "<html><head><title>Subsidiary files</title></head><body>"
        "<h1>Path names in subsidiary files</h1>"
        "<p>You can tell the builder to read a path name as relative to the top-level directory "
        "by prepending a # (hash mark) in front of the path name:</p>"
        "<h1>Other settings</h1><p>Builders read a few environment variables too.</p>"
        "</body></html>"
    )
    session = _session(tmp_path, {"paths.html": page})
    answer = session.ask(
        "How do I write a path name relative to the top-level directory in a subsidiary file?"
    )
    first = answer.citations[0].quote
    assert first.rstrip().endswith("in front of the path name:")


def test_an_example_whose_end_is_not_in_sight_is_not_quoted_in_part(tmp_path: Path) -> None:
    """Code after a blank line may still be the example's: "import time" alone shows nothing."""
    page = (
        "<html><head><title>Generated files</title></head><body>"
        "<h1>Generating a version file</h1>"
        "<p>You can write the version file from the build script itself, with a timestamp taken "
        "each time the build runs, like this:</p>"
        "<pre>import time\n\nversion_c = env.Command('version.c', [], write_version)</pre>"
        "<pre>env.Program('hello', ['hello.c', version_c])</pre>"
        "</body></html>"
    )
    session = _session(tmp_path, {"version.html": page})
    answer = session.ask("How do I write a version file with a timestamp from the build script?")
    first = answer.citations[0].quote
    assert first.rstrip().endswith("like this:")
