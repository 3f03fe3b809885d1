"""What kind of sentence answers a question, read off the question's own words."""

from __future__ import annotations

import pytest

from askbrief.answers.answer_type import (
    AnswerType,
    advises,
    answer_type,
    asks_advice,
    asks_default,
    asks_existence,
    asks_why_not,
    continues_previous,
    demands_value,
    holds_answer,
    states_default,
    states_limit,
    unit_asked,
)


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("How many loose objects pile up before git gc packs them?", AnswerType.QUANTITY),
        ("How much Russian gas will the pipeline deliver?", AnswerType.QUANTITY),
        ("What TCP port does git daemon listen on by default?", AnswerType.QUANTITY),
        ("When did Putin visit Beijing?", AnswerType.TIME),
        ("Who is Yun Sun?", AnswerType.PERSON),
        ("To whom did he attribute it?", AnswerType.PERSON),
        ("What did she say about the United States?", AnswerType.STATEMENT),
        ("What does the report say about inflation?", AnswerType.STATEMENT),
        ("How did Robert Daly describe the agreement?", AnswerType.STATEMENT),
        ("How did Robert Daly size up the February agreement?", AnswerType.STATEMENT),
        ("How did the Kremlin react to the sanctions?", AnswerType.STATEMENT),
        ("How do I view the log of one file?", AnswerType.PROCEDURE),
        ("What does git gc do?", AnswerType.DEFINITION),
        ("Why did exports of smartphones fall?", AnswerType.REASON),
        ("What happens if my pre-commit hook fails?", AnswerType.CONSEQUENCE),
        ("Can the same branch be checked out in two worktrees?", AnswerType.YES_NO),
        ("If I add a tracked file to .gitignore, will git stop tracking it?", AnswerType.YES_NO),
        ("How do I put my changes aside for a while?", AnswerType.PROCEDURE),
        # "how long" asks for an amount only as the question's own interrogative
        ("By default, how many lines of context does git diff show?", AnswerType.QUANTITY),
        ("How do I get psql to print how long each query took?", AnswerType.PROCEDURE),
        ("What should I do if PAM locks me out?", AnswerType.PROCEDURE),
        ("Which merge strategy does git use by default?", AnswerType.NAMED),
        # choosing between the options the question names asks for no new name
        ("A mark and the ini file both filter warnings: which one wins?", AnswerType.OTHER),
        ("Which of the two settings takes precedence?", AnswerType.OTHER),
        ("When should I use an annotated tag rather than a lightweight one?", AnswerType.PURPOSE),
        ("What is the reflog for?", AnswerType.PURPOSE),
        ("What is a bare repository?", AnswerType.DEFINITION),
        ("What exactly is a git submodule?", AnswerType.DEFINITION),
        ("Tell me about the bridge.", AnswerType.OTHER),
        # the sentence that asks decides, not the one that sets the scene
        (
            "When I split the screen, the new file shows up on the left. Can I make it open on "
            "the right?",
            AnswerType.YES_NO,
        ),
        ("When I run git pull, which branch does it merge?", AnswerType.NAMED),
        ("My build got slow. Why does ccache miss?", AnswerType.REASON),
        ("What happens to my tabs? Do they become spaces?", AnswerType.CONSEQUENCE),
        ("How do I chop the extension off, e.g. report.txt?", AnswerType.PROCEDURE),
    ],
)
def test_the_question_words_decide_the_answer_type(question: str, kind: AnswerType) -> None:
    assert answer_type(question) is kind


@pytest.mark.parametrize(
    ("kind", "sentence", "holds"),
    [
        (AnswerType.QUANTITY, "The default value is 6700.", True),
        (AnswerType.QUANTITY, "It shows the usual three lines of context.", True),
        (AnswerType.QUANTITY, "Loose objects are packed when there are too many.", False),
        (AnswerType.QUANTITY, "Number of seconds to cache credentials (default: 900).", True),
        # a unit written onto its number, and an amount said as a verb
        (AnswerType.QUANTITY, "It uses a minimum of 100MB of memory.", True),
        (AnswerType.QUANTITY, "Timeouts are checked every 10ms.", True),
        (AnswerType.QUANTITY, "Origin tracking halves the speed.", True),
        # an ordinal counts: "their 38th" meeting is how many times they met
        (AnswerType.QUANTITY, "The meeting was their 38th since Xi became leader.", True),
        (AnswerType.QUANTITY, "The glacier moves forty metres each winter.", True),
        (AnswerType.QUANTITY, "The orchard grows seventeen quince trees.", True),
        (AnswerType.QUANTITY, "Run 2to3 on the file, or the 3des cipher.", False),
        # Python's None, which reference pages name everywhere, is no amount
        (AnswerType.QUANTITY, "You can set this to None to disable the check.", False),
        (AnswerType.TIME, "The keeper lit the lamp at dusk.", True),
        (AnswerType.TIME, "The cache is emptied at startup.", True),
        # digits that are not amounts: a manual section, a step, a list marker, names
        (AnswerType.QUANTITY, "See git-credential-cache(1) for details.", False),
        (AnswerType.QUANTITY, "Use the password from step (2) again.", False),
        (AnswerType.QUANTITY, "1. Ask git-credential for a password.", False),
        (AnswerType.QUANTITY, "Hashes use sha1, names utf-8.", False),
        (AnswerType.TIME, "Putin visited Beijing in February 2022.", True),
        (AnswerType.REASON, "Exports fell because buyers feared sanctions.", True),
        (AnswerType.REASON, "Exports fell sharply.", False),
        (AnswerType.STATEMENT, "The agreement is more than the usual tropes, Daly told me.", True),
        (AnswerType.STATEMENT, "“This is a pledge to stand together,” he went on.", True),
        (AnswerType.STATEMENT, "The agreement was signed in 2001.", False),
        # nothing happening is a consequence too
        (AnswerType.CONSEQUENCE, "Setting 'expandtab' does not affect any existing tabs.", True),
        (AnswerType.CONSEQUENCE, "Tabs in the file are left unchanged.", True),
        (AnswerType.CONSEQUENCE, "Spaces fill the whitespace of a tab.", False),
        (AnswerType.PURPOSE, "Annotated tags are meant for release.", True),
        (AnswerType.YES_NO, "By default, add refuses to create a new worktree.", True),
        # that a thing happens by itself, or is kept from happening, settles it too
        (AnswerType.YES_NO, "Vim will automatically save your undo history.", True),
        (AnswerType.YES_NO, "The user is prevented from making entries directly.", True),
        (AnswerType.YES_NO, "Vim saves your undo history in a file.", False),
        # an option's name is no settling word
        (AnswerType.YES_NO, "--no-wrap Disables breaking long message lines.", False),
        (AnswerType.PROCEDURE, "Use git stash to record the current state.", True),
        (AnswerType.PROCEDURE, "You must have a rescue CD handy.", True),
        # a command line of its own that redirects or pipes is a procedure; a comparison is not
        (AnswerType.PROCEDURE, "There are two formats for redirecting output:\n\n&>word", True),
        (AnswerType.PROCEDURE, "Filter the list:\nps aux | grep widget", True),
        (AnswerType.PROCEDURE, "Note that this\nholds when the value is > 3.", False),
        (AnswerType.NAMED, "Set pull.rebase to true.", True),
        # a one-letter option is an option too; a dash between words is none
        (AnswerType.PROCEDURE, "The -q flag makes ntpd exit once the clock is first synced.", True),
        (AnswerType.NAMED, "The -q flag makes ntpd exit once the clock is first synced.", True),
        (AnswerType.PROCEDURE, "The clock - once synced - stays within a millisecond.", False),
        (AnswerType.OTHER, "Anything at all.", False),
    ],
)
def test_a_sentence_holds_what_the_type_asks_for(
    kind: AnswerType, sentence: str, holds: bool
) -> None:
    assert holds_answer(kind, sentence) is holds


def test_a_sentence_opening_with_a_pronoun_continues_the_one_before() -> None:
    assert continues_previous("It is expected to provide 18.9 billion cubic meters.")
    assert continues_previous("This means the branch is gone.")
    assert not continues_previous("Italy is expected to grow.")


@pytest.mark.parametrize(
    ("question", "demands"),
    [
        ("How many hours did their meeting in Rome last?", True),
        ("When did construction begin?", True),
        ("To whom did he attribute it?", True),
        ("By default, how many lines of context does git diff show?", True),
        # opening with its verb, it asks yes or no about an amount
        ("Should I use os.cpus() to decide how many workers to start?", False),
        ("Is there a limit on how many tabs it opens?", False),
        ("Why did exports of smartphones fall?", False),
        ("How do I put my changes aside for a while?", False),
    ],
)
def test_a_question_asking_for_a_value_demands_one(question: str, demands: bool) -> None:
    assert demands_value(question, answer_type(question)) is demands


@pytest.mark.parametrize(
    ("question", "quote", "holds"),
    [
        ("How many hours did their meeting in Rome last?", "They met in Rome in 2022.", False),
        ("How many hours did their meeting in Rome last?", "It was a seven-hour meeting.", True),
        ("How long is the bridge in kilometres?", "It carries one million tons of goods.", False),
        ("How long is the bridge in kilometres?", "The bridge is 1.08 km long.", True),
        ("How long is the bridge in kilometres?", "The 1,080-metre bridge opened.", True),
        ("How much did they pay in dollars?", "They paid $250 million.", True),
        ("How many milliseconds does it wait?", "It waits 100ms by default.", True),
    ],
)
def test_an_amount_asked_in_a_unit_is_held_by_a_number_in_that_measure(
    question: str, quote: str, holds: bool
) -> None:
    unit = unit_asked(question, answer_type(question))
    assert unit is not None
    assert bool(unit.search(quote)) is holds


@pytest.mark.parametrize(
    "question",
    [
        # the currency the reserves are held in, not the unit of the share asked for
        "How big a share of Russia's foreign-currency reserves was still in dollars in 2021?",
        "How many envoys held talks in Rome?",
        "When did the talks last for hours?",
    ],
)
def test_a_question_that_asks_no_unit_names_none(question: str) -> None:
    assert unit_asked(question, answer_type(question)) is None


@pytest.mark.parametrize(
    ("question", "asks"),
    [
        ("What's the default for timeout client if I just don't set it?", True),
        ("Which directory does a test added with add_test() run in if I don't specify one?", True),
        ("If I never define CACHES in my settings, what cache does Django use?", True),
        ("My network XML has a <forward/> element but no mode attribute. What mode is it?", True),
        ("What does it do by default?", True),
        ("Which directory does a test added with add_test() run in?", False),
        # a name that holds the word is not a question about defaults
        ("What does default-character-set do?", False),
        ("Why don't my tests run?", False),
    ],
)
def test_a_question_about_what_holds_when_nothing_is_set(question: str, asks: bool) -> None:
    assert asks_default(question) is asks


@pytest.mark.parametrize(
    ("sentence", "states"),
    [
        ("This value defaults to 3 if unspecified.", True),
        ("An unspecified timeout results in an infinite timeout.", True),
        ("If there is a forward element but mode is not specified, mode='nat' is assumed.", True),
        ("pytest captures log messages of level WARNING or above automatically.", True),
        ("The default value is 300 seconds (5 minutes).", True),
        ("database = NAME user = USER default-character-set = utf8", False),
        ("Use the FORCE option to overwrite existing entries.", False),
    ],
)
def test_a_sentence_that_says_what_holds_by_default(sentence: str, states: bool) -> None:
    assert states_default(sentence) is states


@pytest.mark.parametrize(
    ("question", "asks"),
    [
        ("Is it a good idea to collect all my .cpp files with file(GLOB ...)?", True),
        ("Is it safe to run url.parse() on URLs submitted by users?", True),
        ("Should I use AUTOINCREMENT on my primary key?", True),
        ("Is leastconn a good balance algorithm for a normal HTTP website?", True),
        ("Is it OK to edit the -D file of a queued message by hand?", True),
        ("Which concat method supports files with different codecs?", False),
        ("What does cache='unsafe' on a disk driver do?", False),
        # the sentence that asks decides, not the scene before it
        ("My build is slow. Should I turn on precompiled headers?", True),
        ("The -sameq option is gone. Which option should I use instead?", False),
        # any sentence that asks may ask for advice
        ("How do I read an Excel spreadsheet into R? What is the recommended approach?", True),
        ("Is R broken, and how should I compare decimal numbers instead?", True),
    ],
)
def test_a_question_asking_whether_a_thing_is_wise(question: str, asks: bool) -> None:
    assert asks_advice(question) is asks


@pytest.mark.parametrize(
    ("sentence", "gives"),
    [
        ("We do not recommend using GLOB to collect a list of source files.", True),
        ("The keyword imposes extra overhead and should be avoided if not strictly needed.", True),
        ("Do not use with untrusted input.", True),
        ("Defining pytest_plugins in a non-root conftest.py file is deprecated.", True),
        ("Enabling SSI for files with .html extensions can be dangerous.", True),
        ("It is not very well suited for protocols using short sessions such as HTTP.", True),
        ("The keyword changes the behavior of the ROWID selection algorithm.", False),
    ],
)
def test_a_sentence_that_recommends_or_warns(sentence: str, gives: bool) -> None:
    assert advises(sentence) is gives


@pytest.mark.parametrize(
    ("question", "asks"),
    [
        ("Why doesn't HAProxy just write its access log to a file like nginx does?", True),
        ("I wrapped several lines in {# ... #} but it still renders. Why?", True),
        ("Why does -2^2 return -4 in R instead of 4?", False),
        # not a why question at all
        ("Doesn't git keep old commits?", False),
    ],
)
def test_a_question_why_something_does_not_happen(question: str, asks: bool) -> None:
    assert asks_why_not(question, answer_type(question)) is asks


@pytest.mark.parametrize(
    ("sentence", "limits"),
    [
        ("This option is implemented only by Makefile Generators and Ninja Generators.", True),
        ("So variables, like $HOME will work, but ~ won't.", True),
        ("It is ignored on other generators.", True),
        # granting is no limit: it answers "can I?", not "why doesn't it?"
        ("It is possible to encrypt your repository in keyfile mode.", False),
        ("--no-wrap Disables breaking long message lines.", False),
    ],
)
def test_a_sentence_that_states_a_limit(sentence: str, limits: bool) -> None:
    assert states_limit(sentence) is limits


@pytest.mark.parametrize(
    ("question", "asks"),
    [
        ("Is there an ffmpeg option to resume an interrupted transcode?", True),
        ("Does zsh have a builtin that parses JSON?", True),
        ("Can named serve DNS-over-QUIC the way it serves DNS-over-TLS?", False),
        ("Is there a built-in way to export ntpd's statistics to Prometheus?", True),
        ("Which setting should I use on the engine to stop this?", False),
        ("Can I use body_checks to catch malware hidden inside a zipped attachment?", False),
    ],
)
def test_a_question_whether_a_feature_exists(question: str, asks: bool) -> None:
    assert asks_existence(question) is asks
