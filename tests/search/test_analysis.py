from __future__ import annotations

import pytest

from askbrief.search.analysis import analyze, analyze_question


@pytest.mark.parametrize(
    ("text", "terms"),
    [
        ("Sanctions sanctioned", ["sanction", "sanction"]),
        ("$250 billion", ["250", "billion"]),
        ("grew 18.9% in 2021", ["grew", "18.9", "2021"]),
        ("1,000 tons", ["1000", "ton"]),
        ("China’s and Russia's", ["china", "russia"]),
        ("the of and to", []),
        ("Москва и Пекин", ["москва", "и", "пекин"]),
        ("北京", ["北", "京"]),
        # a name of letters and digits is one term: "FTS5" is not "fts" and "5"
        ("FTS5, sha1 and IPv6 on x86_64", ["fts5", "sha1", "ipv6", "x86", "64"]),
        ("3D printing in 2021-22", ["3d", "print", "2021", "22"]),
        # a command-line option is also a term of its own, case kept: -e is not -E, nor "e.g."
        ("set -e, not -E", ["set", "e", "e", "-e", "-E"]),
        ("git push --force-with-lease", ["git", "push", "forc", "leas", "--force-with-lease"]),
        ("non-zero, e.g. 1", ["non", "zero", "e", "g", "1"]),
        # a special variable is a term of its own; money and named variables are words
        ("($?) Expands, like $# and $@", ["expand", "like", "$?", "$#", "$@"]),
        ("$250 in $HOME", ["250", "home"]),
    ],
)
def test_analyze_lowercases_stems_keeps_numbers_and_drops_stop_words(
    text: str, terms: list[str]
) -> None:
    assert analyze(text) == terms


def test_question_framing_is_not_a_search_term() -> None:
    assert analyze_question("How much larger is it?") == ["larger"]
    assert analyze_question("How many companies?") == ["compani"]
    assert analyze_question("By default, how many lines?") == ["default", "line"]
    # an embedded "how long" is what the question is about, not how it asks
    assert "long" in analyze_question("How do I get psql to print how long each query took?")


def test_hedges_what_happens_end_up_a_passive_get_and_have_got_are_question_framing() -> None:
    assert analyze_question("How do I rebuild an index that I think got corrupted?") == [
        "rebuild",
        "index",
        "corrupt",
    ]
    assert analyze_question("I suspect the backup failed; how do I check?") == [
        "backup",
        "fail",
        "check",
    ]
    assert analyze_question("What happens when two transactions end up waiting on locks?") == [
        "two",
        "transact",
        "wait",
        "lock",
    ]
    # "I've got" is "I have"
    assert analyze_question("I've got a file with several audio tracks.") == [
        "file",
        "sever",
        "audio",
        "track",
    ]
    assert analyze_question("We have got two remotes") == ["two", "remot"]
    # "get" that is not an auxiliary stays, and so does "got" for "became"
    assert "get" in analyze_question("How do I get the length of a string?")
    assert "got" in analyze_question("My command line got really long.")
    assert "think" in analyze_question("What do the authors think of the plan?")


def test_whats_going_on_asks_what_is_wrong_and_is_framing() -> None:
    """ "…and now the daemon hangs every time a VM starts. What's going on?": no passage says
    "going on"; the story before it is what the answer must match."""
    for framing in ("What's going on?", "What is going on?", "what’s going on here?"):
        assert analyze_question(f"The daemon hangs. {framing}") == ["daemon", "hang"]
    # going on somewhere is no framing
    assert "go" in analyze_question("Which jobs are going on the queue first?")


def test_a_stressing_adverb_is_question_framing_not_a_term() -> None:
    from askbrief.search.analysis import analyze_question

    assert analyze_question("What exactly is a git submodule?") == ["git", "submodul"]
    assert analyze_question("How actually does rebase work?") == ["rebas", "work"]
    # anywhere in the question: the asker's stress, not the topic
    assert analyze_question("So did Beijing actually know the plans?") == ["beij", "know", "plan"]
    assert analyze_question("Does it really matter?") == ["matter"]
    assert "exact" in analyze_question("Is the copy exactly the same?")
    # the present the asker means: no passage says "nowadays" of its default
    question = "Which font rasterizer does Ghostscript use by default nowadays?"
    assert "nowaday" not in analyze_question(question)
    assert analyze_question("Is it still slow these days?") == ["still", "slow"]


def test_e_g_and_i_e_lead_into_the_askers_example_and_are_no_terms() -> None:
    from askbrief.search.analysis import analyze, analyze_question

    question = "How do I chop the extension off a filename, e.g. report.txt?"
    assert analyze_question(question) == ["chop", "extens", "filenam", "report", "txt"]
    assert analyze_question("Does fish have maps, i.e. associative arrays?") == [
        "fish",
        "map",
        "associ",
        "array",
    ]
    # the documents' own "e.g." is their text, searched as it is written
    assert analyze("Use a suffix, e.g. .txt") == ["use", "suffix", "e", "g", "txt"]
    # a single letter that is the asker's word stays
    assert "e" in analyze_question("What does the -e option of set do?")


def test_an_interjection_is_question_framing_not_a_term() -> None:
    from askbrief.search.analysis import analyze_question

    assert analyze_question("Oops, I ran virsh destroy. Did that delete the disk?") == [
        "ran",
        "virsh",
        "destroy",
        "delet",
        "disk",
    ]
    assert analyze_question("Hmm, how do I reload it? Thanks!") == ["reload"]


def test_vague_stand_ins_and_quantities_are_framing_not_terms() -> None:
    from askbrief.search.analysis import analyze_question

    assert analyze_question("Is leastconn meant for something else?") == ["leastconn", "meant"]
    assert analyze_question("How do I profile lots of recursive functions?") == [
        "profil",
        "recurs",
        "function",
    ]
    assert analyze_question("What kind of forwarding does a couple of networks use?") == [
        "forward",
        "network",
        "use",
    ]
    # the words alone are still searched where they are the subject
    assert "kind" in analyze_question("Which kinds are there?")


@pytest.mark.parametrize(
    ("label", "phrases"),
    [
        ("8.5. The with statement", ["with_statement"]),
        ("3.6.7 Here Strings", ["here_string"]),
        ("For Loops", ["for_loop"]),
        # a question word, a determiner, or a keyword before another stop word names no keyword
        ("What kinds of problems can occur?", []),
        ("Other branches", []),
        ("If the file exists", []),
        ("Submodules", []),
    ],
)
def test_a_label_that_opens_with_a_keyword_names_it_as_a_phrase(
    label: str, phrases: list[str]
) -> None:
    from askbrief.search.analysis import label_phrases

    assert label_phrases(label) == phrases


def test_a_question_names_a_keyword_with_an_article_before_it() -> None:
    from askbrief.search.analysis import question_phrases

    assert question_phrases("What is a here string?") == ["here_string"]
    assert question_phrases("What does the with statement do?") == ["with_statement"]
    assert question_phrases("Can the same branch be checked out in two worktrees?") == []
    assert question_phrases("How do I put my changes aside for a while so I can work?") == []


def test_a_phrase_is_told_from_a_word_and_from_a_special_variable() -> None:
    from askbrief.search.analysis import is_phrase

    assert is_phrase("here_string")
    assert not is_phrase("string") and not is_phrase("$_")


@pytest.mark.parametrize(
    ("opening", "defined"),
    [
        ("A submodule is a repository embedded inside another repository.", ["=submodul"]),
        ("FTS5 is an SQLite virtual table module.", ["=fts5"]),
        ("Hooks are programs you can place in a hooks directory.", ["=hook"]),
        (
            "The global interpreter lock is the mechanism used by CPython.",
            ["=global_interpret_lock"],
        ),
        ("A detached HEAD refers to a specific commit.", ["=detach_head"]),
        # a statement about the thing, not what it is
        ("A submodule is considered up to date when its HEAD matches.", []),
        ("A ref is not updated when the push fails.", []),
        ("The value is set by the --depth option.", []),
        # no thing as the subject
        ("This option is deprecated.", []),
        ("The following is a list of options.", []),
        ("Note: a submodule is a repository.", []),
        ("If set, the value is a path.", []),
        ("The commit that a branch points to at the moment is a tip.", []),
    ],
)
def test_a_passage_that_opens_by_defining_a_thing_carries_its_definition_term(
    opening: str, defined: list[str]
) -> None:
    from askbrief.search.analysis import defined_terms

    assert defined_terms(opening) == defined


def test_a_what_is_question_searches_the_definition_term_of_what_it_asks_about() -> None:
    from askbrief.search.terms import definition_terms

    idf = {"git": 0.1, "submodul": 4.0}.__getitem__
    assert definition_terms("What exactly is a git submodule?", idf) == (
        "=git_submodul",
        "=submodul",
    )
    assert definition_terms("What is FTS5?", lambda t: 3.0) == ("=fts5",)
    assert definition_terms("How do I add a submodule?", idf) == ()
