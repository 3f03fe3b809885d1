"""Extractive answers: verbatim quotes with exact offsets, best first, or an honest abstention."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from askbrief.answers.compose import (
    FINISH_CHARS,
    JOIN_CHARS,
    MIN_COVERAGE,
    _finish_paragraph,
    _followed,
    _inside,
    _join_next,
    _opens_paragraph,
    compose_answer,
    markdown_escape,
)
from askbrief.answers.explain import render_explanation
from askbrief.answers.quotes import Candidate, Features
from askbrief.config import Settings
from askbrief.search.analysis import analyze
from askbrief.search.terms import LENIENT_SHARE, QuestionTerms
from askbrief.session import Session
from askbrief.types import Citation, Hit, Passage
from conftest import write_corpus

QUESTIONS = [
    "What annual trade target did Xi and Putin agree on?",
    "Who is Yun Sun?",
    "What did Raimondo say about SMIC?",
    "Where does the bridge across the Amur river go?",
    "What did Wang Yi say?",
    "Why did exports of smartphones fall?",
    "Which sanctions did the United States impose?",
    "What is the Power of Siberia pipeline?",
    "What happened at the Eastern Economic Forum?",
    "When did Putin visit Beijing?",
]


def _doc_text(root: Path, source: str) -> str:
    with open(root / source, encoding="utf-8", newline=None) as f:
        return f.read()


def test_every_quote_is_the_document_text_at_its_offsets(
    seeds_session: Session, seeds_dir: Path
) -> None:
    quoted = 0
    for q in QUESTIONS:
        answer = seeds_session.ask(q)
        for c in answer.citations:
            assert _doc_text(seeds_dir, c.source)[c.start : c.end] == c.quote
            assert c.quote.strip() == c.quote and c.quote
            quoted += 1
    assert quoted >= 15


def test_citations_are_numbered_in_answer_order(seeds_session: Session) -> None:
    answer = seeds_session.ask(QUESTIONS[0])
    assert [c.n for c in answer.citations] == list(range(1, len(answer.citations) + 1))
    positions = [answer.markdown.index(f"[{c.n}]") for c in answer.citations]
    assert positions == sorted(positions)


def test_answers_the_trade_target_question_with_the_figure(seeds_session: Session) -> None:
    answer = seeds_session.ask("What annual trade target did Xi and Putin agree on?")
    assert not answer.abstained
    assert "$250 billion" in answer.citations[0].quote


def test_what_someone_said_quotes_their_own_words_beside_the_sentence_naming_them(
    seeds_session: Session,
) -> None:
    """The sentence naming Robert Daly matches the question best; his own words, which repeat
    little of it, are quoted with it or after it rather than cut as too weak beside it."""
    answer = seeds_session.ask(
        "How did Robert Daly of the Wilson Center size up the February Xi-Putin agreement?"
    )
    assert "Robert Daly" in answer.citations[0].quote
    assert any("the beginning of Cold War Two" in c.quote for c in answer.citations[:3])


def test_line_numbers_point_at_the_quote(seeds_session: Session, seeds_dir: Path) -> None:
    for c in seeds_session.ask("Who is Yun Sun?").citations:
        lines = _doc_text(seeds_dir, c.source).split("\n")
        assert c.quote.split("\n")[0] in lines[c.line - 1]


def test_abstains_when_the_telling_words_are_not_in_the_corpus(seeds_session: Session) -> None:
    for q in [
        "What is the recipe for a lemon meringue pie?",
        "How do I configure Kubernetes ingress?",
        "Who won the 1998 football world cup?",
    ]:
        answer = seeds_session.ask(q)
        assert answer.abstained, q
        assert answer.citations == ()
        assert "do not answer" in answer.markdown


def test_abstain_rule_is_the_coverage_threshold(seeds_session: Session) -> None:
    """Answered means the first quote covers more than the question's threshold of its weight:
    half, or a third for a long question whose every term the corpus holds."""
    from askbrief.search.analysis import analyze

    for q in QUESTIONS:
        answer = seeds_session.ask(q)
        _, terms = seeds_session.retrieve(q)
        assert terms.answer_threshold in (MIN_COVERAGE, 1 / 3)  # none of them is very long
        if not answer.abstained:
            assert (
                terms.coverage(set(analyze(answer.citations[0].quote))) > terms.answer_threshold
            ), q


def _terms(weights: dict[str, float], missing: set[str]) -> QuestionTerms:
    return QuestionTerms(weights, missing=frozenset(missing))


def test_a_long_question_keeps_its_lower_threshold_for_one_incidental_missing_word() -> None:
    """ "…return a non-zero exit status when it finds errors, so my CI test run fails?": "CI" is
    an aside the manual never uses; the subject is all there."""
    own = {"status": 4.7, "zero": 3.7, "find": 3.7, "return": 3.6, "exit": 3.5, "error": 1.4}
    assert _terms(own, set()).answer_threshold == 1 / 3
    assert _terms({**own, "ci": 4.0}, {"ci"}).answer_threshold == 1 / 3  # 16% of the weight
    # what the question is about, missing, is no aside; nor are two missing words
    assert _terms({**own, "certbot": 8.6}, {"certbot"}).answer_threshold == MIN_COVERAGE
    both = {**own, "ci": 4.0, "jenkin": 4.0}
    assert _terms(both, {"ci", "jenkin"}).answer_threshold == MIN_COVERAGE
    # a short question gets no lower threshold at all
    assert _terms({"lemon": 8.6, "pie": 8.6, "recip": 3.0}, set()).answer_threshold == MIN_COVERAGE


def test_a_word_in_nearly_every_passage_does_not_make_a_question_long() -> None:
    """ "How do I import my irssi configuration and logs into WeeChat?": "weechat" is on every
    page of WeeChat's manual, so the question has four telling words, not five, and keeps the
    usual bar."""
    four = {"irssi": 7.1, "import": 6.1, "log": 4.6, "configur": 4.2}
    assert _terms({**four, "weechat": 0.0}, set()).answer_threshold == MIN_COVERAGE
    assert _terms({**four, "plugin": 2.0}, set()).answer_threshold == 1 / 3


def test_a_very_long_question_needs_the_weight_of_four_average_terms() -> None:
    """Past twelve terms the asker sets a scene ("We run a pretty busy site…, and every time we
    reload…") that no answer repeats: the share an answer must cover shrinks with the question."""
    words = "busi site ten thousand connect second reload coupl client error normal os side help"
    sixteen = {w: 4.0 for w in (words + " kernel pretti").split()}
    assert len(sixteen) == 16
    assert _terms(sixteen, set()).answer_threshold == pytest.approx(4 / 16)
    twelve = dict(list(sixteen.items())[:12])
    assert _terms(twelve, set()).answer_threshold == pytest.approx(1 / 3)
    # two words the corpus lacks keep it at half, however long the question
    lacks = {"kubernet": 9.0, "ingress": 9.0}
    assert _terms({**sixteen, **lacks}, set(lacks)).answer_threshold == MIN_COVERAGE


def test_a_long_question_in_the_askers_words_has_a_lower_bar_unless_it_names_what_is_missing() -> (
    None
):
    """ "My Flask app talks to MySQL and every morning the first request fails…" shares fewer
    words with its answer than a short question does; the lower bar is for when no quote reaches
    the usual one, and only where every word the corpus lacks is prose in lower case."""
    weights = {"flask": 8.0, "talk": 7.0, "request": 4.0, "fail": 3.6, "mysql": 3.0, "engin": 1.9}

    def terms(question: str, missing: str = "") -> QuestionTerms:
        return QuestionTerms.of(
            [*weights, *([missing] if missing else [])],
            lambda t: 9.0 if t == missing else weights.get(t, 1.0),
            question,
            found=lambda t: t != missing,
        )

    alone = terms("My Flask app talks to MySQL and the first request fails. Which engine setting?")
    assert alone.lenient_threshold == pytest.approx(LENIENT_SHARE * alone.answer_threshold)
    garbled = terms(
        "My Flask app talks to MySQL and requests come back garbled. Which engine?", "garbl"
    )
    assert garbled.plain == {"garbl"}
    # a heavy word of prose the corpus lacks keeps the half, and the lower bar is a share of it
    assert garbled.answer_threshold == MIN_COVERAGE
    assert garbled.lenient_threshold == pytest.approx(LENIENT_SHARE * MIN_COVERAGE)
    # a name the corpus lacks is what the question is about: no lower bar
    duckdb = terms(
        "My Flask app talks to DuckDB and the first request fails. Which engine?", "duckdb"
    )
    assert duckdb.lenient_threshold is None
    # nor for a short question
    short = QuestionTerms.of(["flask", "mysql"], weights.__getitem__, "Flask and MySQL?")
    assert short.lenient_threshold is None


def test_a_long_questions_lower_bar_forgives_common_words_the_corpus_lacks_however_many() -> None:
    """ "…so the secondary thinks it's up to date and never pulls the zone. How do I make the
    secondary fetch the whole zone?": Knot's manual never says "thinks" or "pulls", the asker's
    story, not a subject it lacks. When no quote reaches the bar, the lower bar is then a share of
    the long question's threshold, as if the corpus held them; a lower-case word that is no
    common English ("certbot") keeps it a share of the half."""
    weights = {"secondari": 3.0, "date": 4.8, "zone": 0.9, "fetch": 6.5, "whole": 4.2}

    def terms(question: str, missing: tuple[str, ...]) -> QuestionTerms:
        return QuestionTerms.of(
            [*weights, *missing],
            lambda t: 8.0 if t in missing else weights[t],
            question,
            found=lambda t: t not in missing,
        )

    story = terms(
        "After a restore the secondary thinks it is up to date and never pulls the zone. "
        "How do I make the secondary fetch the whole zone?",
        ("think", "pull"),
    )
    assert story.common == {"think", "pull"}
    assert story.answer_threshold == MIN_COVERAGE  # the usual bar stays half: two words lack
    assert story.lenient_threshold == pytest.approx(LENIENT_SHARE / 3)
    name = terms(
        "After a restore the secondary thinks it is up to date and certbot renews the zone. "
        "How do I make the secondary fetch the whole zone?",
        ("think", "certbot"),
    )
    assert name.common == {"think"}
    assert name.lenient_threshold == pytest.approx(LENIENT_SHARE * MIN_COVERAGE)
    # a common word that modifies what follows names the subject ("a hot standby server")
    standby = terms(
        "After a restore the secondary thinks it is up to date with the standby server. "
        "How do I make the secondary fetch the whole zone?",
        ("think", "standbi"),
    )
    assert "standbi" not in standby.common
    assert standby.lenient_threshold == pytest.approx(LENIENT_SHARE * MIN_COVERAGE)


def test_an_everyday_word_the_corpus_lacks_is_an_aside_whatever_its_share() -> None:
    """ "Can I use HAProxy as the forward proxy that the browsers in our office use to reach the
    internet?": the manual never says "office", which weighs 30% of the question, yet the asker's
    workplace is not what is asked about. A name is: "Docker", "certbot"."""
    weights = {"forward": 3.0, "proxi": 2.0, "browser": 3.0, "reach": 2.0, "internet": 2.0}
    everyday = {"office", "docker"}  # whole words of the vocabulary; "certbot" is not

    def terms(question: str, missing: str) -> QuestionTerms:
        return QuestionTerms.of(
            [*weights, missing],
            lambda t: 5.0 if t == missing else weights.get(t, 1.0),
            question,
            found=lambda t: t != missing,
            is_word=everyday.__contains__,
        )

    office = terms("Can I use it as the forward proxy the browsers in our office use?", "offic")
    assert office.everyday == {"offic"}
    assert office.answer_threshold == 1 / 3
    # a name, capitalised or not a whole word, is what the question is about
    for question, missing in [
        ("Can I use it as the forward proxy the browsers in our Docker use?", "docker"),
        ("Can I use it as the forward proxy the browsers in our certbot use?", "certbot"),
    ]:
        assert terms(question, missing).answer_threshold == MIN_COVERAGE, question
    # without the vocabulary, the share decides as before
    plain = QuestionTerms.of(
        [*weights, "offic"],
        lambda t: 5.0 if t == "offic" else weights[t],
        "… in our office use?",
        found=lambda t: t != "offic",
    )
    assert plain.everyday == frozenset() and plain.answer_threshold == MIN_COVERAGE


def test_a_word_tiktoken_keeps_whole_is_an_aside_unless_it_names_what_follows() -> None:
    """ "…and now my C++ compiles choke on it": the SCons guide never says "choke", and the
    static model splits it ("cho" + "ke"), but tiktoken's vocabulary holds it whole, as English
    writes it often. "…to a hot standby server?" is about a hot standby: the word modifies what
    follows it, so it stays the subject, and so does "certbot", which neither vocabulary holds."""
    weights = {"differ": 3.0, "ccflag": 4.0, "cflag": 4.0, "flag": 2.0, "compil": 2.0}

    def terms(question: str, word: str) -> QuestionTerms:
        (missing,) = analyze(word)
        return QuestionTerms.of(
            [*weights, missing],
            lambda t: 5.0 if t == missing else weights.get(t, 1.0),
            question,
            found=lambda t: t != missing,
            is_word=lambda w: False,  # the static model holds none of them whole
        )

    choke = terms("What's the difference of CCFLAGS and CFLAGS? My compiles choke on it.", "choke")
    assert choke.everyday == set(analyze("choke"))
    assert choke.answer_threshold == 1 / 3
    for question, word in [
        ("What's the difference of CCFLAGS and CFLAGS for a hot standby server?", "standby"),
        ("What's the difference of CCFLAGS and CFLAGS when certbot compiles?", "certbot"),
    ]:
        named = terms(question, word)
        assert named.everyday == frozenset(), question
        assert named.answer_threshold == MIN_COVERAGE, question


def test_a_question_asking_for_a_value_is_not_answered_without_one(
    tmp_path: Path, settings: Settings
) -> None:
    """ "How many envoys held talks in Rome…?" matched word for word by a sentence that holds no
    number is refused; the same sentence with the number answers it. Opening with its verb, the
    question asks yes or no, and the sentence answers that."""
    notes = {
        f"notes/{i:02d}.txt": f"Note {i}\n\nThe delegation travelled by train and reported to "
        "the ministry on arrival.\n"
        for i in range(20)
    }

    def ask(sentence: str, question: str) -> tuple[bool, str]:
        root = write_corpus(
            tmp_path / str(len(list(tmp_path.iterdir()))), {**notes, "rome.txt": sentence}
        )
        session = Session(settings, root)
        session.open()
        answer = session.ask(question)
        return answer.abstained, answer.citations[0].quote if answer.citations else ""

    without = "The envoys held talks in Rome on the trade dispute.\n"
    with_number = "Four envoys held talks in Rome on the trade dispute.\n"
    how_many = "How many envoys held talks in Rome on the trade dispute?"
    assert ask(without, how_many) == (True, "")
    assert ask(with_number, how_many) == (False, with_number.strip())
    assert ask(without, "Did envoys hold talks in Rome on the trade dispute?")[0] is False
    # asked in a unit, the amount must be in that measure: a count of envoys is no duration
    how_long = "How many hours did the envoys hold talks in Rome on the trade dispute?"
    assert ask(with_number, how_long) == (True, "")
    in_hours = "Four envoys held talks in Rome for six hours on the trade dispute.\n"
    assert ask(in_hours, how_long) == (False, in_hours.strip())


def _among_notes(tmp_path: Path, settings: Settings, name: str, text: str) -> Session:
    """A session over ``text`` as ``name`` among twenty notes that share no word with it, so
    that its words weigh as they would in a real folder."""
    notes = {
        f"notes/{i:02d}.txt": f"Note {i}\n\nEach module reads its settings when the daemon "
        "starts and reports problems to the console.\n"
        for i in range(20)
    }
    session = Session(settings, write_corpus(tmp_path / "corpus", {**notes, name: text}))
    session.open()
    return session


def test_a_quote_runs_on_with_an_overlapping_one_that_says_more(
    tmp_path: Path, settings: Settings
) -> None:
    """The pair that matches the question and the pair after it overlap: rather than drop the
    second as a duplicate, the first quote runs on with it, to what happens to the messages."""
    actions = (
        "Actions\n\nWhen an action is executed, some messages may permanently fail. Depending on "
        "configuration, this could for example be caused by an offline target or exceptionally "
        "non-numerical data inside a numerical database field. If action.errorfile is specified, "
        "those messages are written to the specified file. If it is not specified (the default), "
        "messages are silently discarded.\n"
    )
    session = _among_notes(tmp_path, settings, "actions.txt", actions)
    answer = session.ask(
        "What happens to messages that an action permanently fails to deliver, for example "
        "non-numeric data going into a numeric database field?"
    )
    first = answer.citations[0]
    assert first.quote.startswith("When an action is executed")
    assert "those messages are written to the specified file" in first.quote
    assert actions[first.start : first.end] == first.quote


def test_a_quote_that_runs_on_over_another_quotes_its_text_once(seeds_session: Session) -> None:
    """The first quote runs on to the end of what a later one says: the later one, now inside it,
    gives up its place rather than quote the same words twice."""
    answer = seeds_session.ask("Why has China excluded Russian wheat in the past?")
    assert len(answer.citations) >= 2
    for a in answer.citations:
        for b in answer.citations:
            if a is not b and a.source == b.source:
                assert not (a.start <= b.start and b.end <= a.end), (a.quote, b.quote)


def _first_quote(
    tmp_path: Path, settings: Settings, text: str, question: str
) -> tuple[Citation, str]:
    """The first quote of the answer to ``question`` from ``text`` among notes, checked to be
    the text at its offsets, and the answer's explanation as ``--explain`` prints it."""
    answer = _among_notes(tmp_path, settings, "doc.txt", text).ask(question, explain=True)
    first = answer.citations[0]
    assert text[first.start : first.end] == first.quote
    assert answer.explanation is not None
    return first, render_explanation(answer.explanation)


def test_a_quote_that_leans_on_the_sentence_before_starts_where_its_thought_does(
    tmp_path: Path, settings: Settings
) -> None:
    """ "So, the result … is 1." matches the question, but the rule it follows from is the
    answer: the quote runs back through "This is different…" to the sentence that states it."""
    arithmetic = (
        "Integer Arithmetic\n\nIntegers of different types cannot be mixed in one operation.\n\n"
        "When doing integer division Octave will round the result to the nearest integer. "
        "This is different from most programming languages, where the result is often floored "
        "to the nearest integer. So, the result of int32 (5) ./ int32 (8) is 1.\n"
    )
    question = "Why does int32(5) ./ int32(8) give 1 instead of 0?"
    first, explained = _first_quote(tmp_path, settings, arithmetic, question)
    assert first.quote.startswith("When doing integer division")
    assert first.quote.endswith("is 1.")
    assert "characters to the sentence its opening leans on" in explained


_SLOWER = "Does it run more slowly with --smc-check=all?"
_JIT = (
    "Self-modifying code\n\n"
    "Valgrind can handle dynamically generated code, so long as none of the generated code is "
    "later overwritten by other generated code. If this happens, though, things will go wrong "
    "as Valgrind will continue running its translations of the old code. You should try "
    "running with --smc-check=all in this case. Valgrind will run much more slowly, but should "
    "detect the use of the out-of-date code.\n"
)


def test_a_quote_starts_where_its_paragraph_does_when_the_paragraph_is_short(
    tmp_path: Path, settings: Settings
) -> None:
    """ "…should detect the use of the out-of-date code" matches the question, but what goes
    wrong and what to run come before it in the same short paragraph: the quote starts there,
    not at the heading above it, and --explain says how far it ran back."""
    first, explained = _first_quote(tmp_path, settings, _JIT, _SLOWER)
    assert first.quote.startswith("Valgrind can handle dynamically generated code")
    assert first.quote.endswith("the use of the out-of-date code.")
    ran = re.search(r"run back (\d+) characters to the start of its paragraph", explained)
    assert ran is not None
    matched = _JIT[first.start + int(ran[1]) :]
    assert matched.startswith(("You should try running", "Valgrind will run much more slowly"))


_SESSION_CODE = (
    "    from flask import session\n\n"
    "    def test_modify_session(client):\n"
    "        with client.session_transaction() as session:\n"
    "            # set a user id without going through the login route\n"
    '            session["user_id"] = 1\n'
)
_SESSION_PROSE = (
    "If you want to set a value in the session before making a request, use the client's "
    "session_transaction() method in a with statement. It returns a session object and saves "
    "it once the block ends.\n\n"
)


def test_a_quote_of_code_runs_back_to_the_paragraph_that_introduces_it(
    tmp_path: Path, settings: Settings
) -> None:
    """The code's comment matches the question best, but code alone answers no one: the quote
    runs back over the block's first lines and the blank lines to the sentences that say what
    the code does, and --explain says so."""
    text = "Testing the session\n\n" + _SESSION_PROSE + _SESSION_CODE
    question = "How do I set a user id in the session without going through the login route?"
    first, explained = _first_quote(tmp_path, settings, text, question)
    assert first.quote.startswith("If you want to set a value in the session")
    assert "# set a user id without going through the login route" in first.quote
    assert "characters to the paragraph that introduces its code" in explained


def test_a_quote_of_code_right_under_its_heading_stays_as_it_is(
    tmp_path: Path, settings: Settings
) -> None:
    text = "Testing the session\n\n" + _SESSION_CODE
    question = "How do I set a user id in the session without going through the login route?"
    first, explained = _first_quote(tmp_path, settings, text, question)
    assert not first.quote.startswith(("Testing the session", "from flask"))
    assert "introduces its code" not in explained


def test_a_quote_in_a_long_paragraph_does_not_run_back_part_of_the_way(
    tmp_path: Path, settings: Settings
) -> None:
    filler = " ".join(f"Tools of kind {i} translate code in the order it runs." for i in range(12))
    text = _JIT.replace("Valgrind can handle", filler + " Valgrind can handle")
    first, explained = _first_quote(tmp_path, settings, text, _SLOWER)
    assert "Tools of kind" not in first.quote
    assert "run back" not in explained


def test_a_passage_opens_a_paragraph_when_a_blank_line_comes_before_its_first_words(
    seeds_session: Session, seeds_dir: Path
) -> None:
    """Told from the passages' lines alone, as the document's text says it."""
    index = seeds_session.index
    opening = 0
    for doc in index.docs:
        text = _doc_text(seeds_dir, doc.source)
        for pid in range(doc.first_passage, doc.first_passage + doc.n_passages):
            p = index.passage(pid)
            before = text[: p.start]
            blank = not before.strip() or before[len(before.rstrip()) :].count("\n") >= 2
            assert _opens_paragraph(p, index.previous_passage) == blank, (p.source, p.line)
            opening += blank
    assert 0 < opening < index.n_passages


def test_a_quote_reads_on_into_a_chosen_quote_that_directly_follows_it(
    tmp_path: Path, settings: Settings
) -> None:
    """The sentence that answers and the ones just before it in its paragraph are both chosen:
    they are one quote, in the better one's place, not two quotes side by side."""
    hooks = (
        "githooks\n\nHooks are programs you can place in a hooks directory to trigger actions "
        "at certain points in git's execution.\n\npre-commit\n\nThis hook is invoked by "
        "git-commit, and can be bypassed with the --no-verify option. It takes no parameters, "
        "and is invoked before obtaining the proposed commit log message and making a commit. "
        "Exiting with a non-zero status from this script causes the git commit command to abort "
        "before creating a commit.\n\nThe default pre-commit hook, when enabled, catches "
        "introduction of lines with trailing whitespaces and aborts the commit when such a line "
        "is found.\n"
    )
    session = _among_notes(tmp_path, settings, "hooks.txt", hooks)
    answer = session.ask("What happens if my pre-commit hook script fails?")
    first = answer.citations[0]
    assert "This hook is invoked" in first.quote
    assert "Exiting with a non-zero status" in first.quote
    assert hooks[first.start : first.end] == first.quote
    for a in answer.citations:
        for b in answer.citations:
            if a is not b and a.source == b.source and a.end <= b.start:
                assert hooks[a.end : b.start].strip(" ") != "", (a.quote, b.quote)


def test_a_quote_reads_on_as_far_as_it_is_short_as_shown_not_as_stored() -> None:
    """A signature block indented to line up its options is long in the file and short on the
    screen: the quote holding it still reads on to the default the next sentence gives."""
    text = (
        "set terminal dumb {size <xchars>,<ychars>} {[no]feed}\n"
        + "".join(f"{' ' * 60}{{option{i} <value{i}>}}\n" for i in range(8))
        + "where xchars and ychars set the size of the text block. The default is 79 by 24.\n"
    )
    passage = Passage(0, "dumb.txt", "Dumb", 0, len(text), 1, None, "Dumb", text)
    end = text.index("block.") + len("block.")
    quote = Candidate(Hit(passage, 1.0), 0, end, text[:end], frozenset(), Features())
    assert end > FINISH_CHARS > len(" ".join(text[:end].split()))
    finished = _finish_paragraph(quote, None)
    assert finished.quote.endswith("The default is 79 by 24.")
    assert text[finished.start : finished.end] == finished.quote


def _side_by_side(gap: str, first_words: int = 20) -> tuple[Candidate, Candidate]:
    """Two chosen sentences of one passage with ``gap`` between them."""
    first = (
        "There are two ways of assigning labels under sVirt" + " and more" * (first_words - 9) + "."
    )
    second = "Disks that are marked as shared will get a generic label."
    text = first + gap + second + "\n"
    passage = Passage(0, "drvqemu.txt", "QEMU", 0, len(text), 1, None, "sVirt", text)
    at = len(first + gap)
    return (
        Candidate(Hit(passage, 1.0), 0, len(first), first, frozenset(), Features()),
        Candidate(Hit(passage, 1.0), at, at + len(second), second, frozenset(), Features()),
    )


def test_a_chosen_quote_in_the_next_paragraph_joins_the_one_before_it() -> None:
    """The paragraph after a chosen quote holds another chosen quote: shown as one quote, the
    two read on as the page does. Text between them, a gap where the reader left text out, or a
    whole too long to read as one quote keeps them apart."""
    for gap in (" ", "\n\n", "\n \n"):
        first, second = _side_by_side(gap)
        assert _followed(second, [first, second]) == 0, gap
        joined = _join_next(first, second)
        assert joined.quote == first.hit.passage.text[joined.start : joined.end]
    for gap in (" Labels are strings. ", "\n\n\n", "\n \n\n"):
        first, second = _side_by_side(gap)
        assert _followed(second, [first, second]) is None, gap
    first, second = _side_by_side("\n\n", first_words=200)
    assert len(first.quote) + len(second.quote) > JOIN_CHARS
    assert _followed(second, [first, second]) is None


def test_a_chosen_quote_in_the_next_passage_of_its_section_joins_the_one_before_it() -> None:
    """A long section is split into passages for searching; read on the page, the last sentence
    of one passage and the first of the next are side by side. Under another heading, the next
    passage starts another section, and the two stay apart."""
    first = "The libvirtd daemon relabels exclusive access disk images to match this label."
    second = "Disks that are marked as shared will get a generic label."
    text = first + "\n\n" + second + "\n"
    cut = len(first) + 2

    def passages(heading: str) -> tuple[Candidate, Candidate]:
        one = Passage(0, "drvqemu.txt", "QEMU", 0, cut, 1, None, "sVirt", text[:cut])
        two = Passage(1, "drvqemu.txt", "QEMU", cut, len(text), 3, None, heading, text[cut:])
        return (
            Candidate(Hit(one, 1.0), 0, len(first), first, frozenset(), Features()),
            Candidate(Hit(two, 1.0), cut, cut + len(second), second, frozenset(), Features()),
        )

    above, below = passages("sVirt")
    assert _followed(below, [below, above]) == 1
    joined = _join_next(above, below)
    assert joined.quote == text[joined.start : joined.end]
    above, below = passages("Shared disks")
    assert _followed(below, [below, above]) is None


def test_a_spare_quote_that_directly_follows_a_shown_one_joins_it() -> None:
    """The answer shows one quote here, and the sentence after it, in the next paragraph, is the
    next best: chosen as a spare, it joins the shown quote rather than being left out ("…and
    comments may be nested." and then "Comments nest to any depth…")."""
    text = (
        "Comments\n\nA comment in an input file is any text between /* and */, and comments "
        "may be nested.\n\nComments nest to any depth: the delimiters form matching pairs.\n"
    )
    passage = Passage(0, "comments.txt", "Comments", 0, len(text), 1, None, "Comments", text)
    terms = QuestionTerms({"comment": 1.0, "input": 1.0, "file": 1.0, "nest": 1.5})
    question = "Can a comment in an input file be nested?"
    answer = compose_answer(question, [Hit(passage, 1.0)], terms, max_quotes=1)
    (only,) = answer.citations
    assert only.quote.endswith("Comments nest to any depth: the delimiters form matching pairs.")
    assert "comments may be nested" in only.quote
    assert text[only.start : only.end] == only.quote


def test_a_quote_that_another_holds_whole_is_quoted_once() -> None:
    """A lead-in that reads on into its example can take in a sentence quoted on its own: that
    one gives up its place. Of two quotes of the same text, the later one does; a quote of
    another file, or of text beside the other, keeps its place."""
    first, second = _side_by_side(" ")
    whole = _join_next(first, second)
    assert _inside([whole, second]) == 1
    assert _inside([second, whole]) == 0
    assert _inside([first, first]) == 1
    assert _inside([first, second]) is None
    elsewhere = replace(
        second, hit=replace(second.hit, passage=replace(second.hit.passage, source="other.txt"))
    )
    assert _inside([whole, elsewhere]) is None


def test_a_lead_in_joins_the_quote_before_it_only_where_it_answers() -> None:
    """Chosen side by side, "…will not be refreshed after an INSERT." and "To read it, set
    eager_defaults on the mapping:" are one quote for a "how do I" or "which" question, where a
    lead-in answers; for any other question the colon's sentence is unfinished and stays apart."""
    text = (
        "The server_default value will not be refreshed after an INSERT. To read it, set "
        "eager_defaults on the mapping:\n\nclass A(Base):\n"
    )
    passage = Passage(0, "asyncio.txt", "Asyncio", 0, len(text), 1, None, "Asyncio", text)
    cut = text.index(" To read")
    colon = text.index(":") + 1
    first = Candidate(Hit(passage, 1.0), 0, cut, text[:cut], frozenset(), Features())
    second = Candidate(
        Hit(passage, 1.0), cut + 1, colon, text[cut + 1 : colon], frozenset(), Features()
    )
    assert _followed(second, [first, second], lead_in=True) == 0
    assert _followed(second, [first, second]) is None


def _guests_corpus(tmp_path: Path, settings: Settings, timeout: str) -> Session:
    return _among_notes(tmp_path, settings, "guests.txt", timeout)


_TIMEOUT = (
    "SHUTDOWN_TIMEOUT\n\nNumber of seconds we are willing to wait for a guest to shut down. "
    "If this is 0, then there is no time out. The default value is 300 seconds.\n\n"
    "BYPASS_CACHE\n\nIf non-zero, try to bypass the file system cache when saving guests.\n"
)


def test_a_quote_reads_on_to_the_end_of_its_paragraph(tmp_path: Path, settings: Settings) -> None:
    """The sentence that matches the question is followed by the one that settles it: the quote
    runs on to its paragraph's end, and no further."""
    session = _guests_corpus(tmp_path, settings, _TIMEOUT)
    first = session.ask("How long will it wait for a guest to shut down?").citations[0]
    assert first.quote.startswith("Number of seconds we are willing to wait")
    assert first.quote.endswith("The default value is 300 seconds.")
    assert _TIMEOUT[first.start : first.end] == first.quote


def test_a_long_paragraph_runs_on_only_as_far_as_the_quote_stays_short(
    tmp_path: Path, settings: Settings
) -> None:
    filler = " ".join(
        f"Guests of kind {i} are saved in the order the list gives." for i in range(20)
    )
    text = (
        "SHUTDOWN_TIMEOUT\n\nNumber of seconds we are willing to wait for a guest to shut down. "
        + filler
        + "\n"
    )
    session = _guests_corpus(tmp_path, settings, text)
    first = session.ask("How long will it wait for a guest to shut down?").citations[0]
    assert first.quote.startswith("Number of seconds we are willing to wait")
    assert "Guests of kind 0" in first.quote
    assert len(first.quote) <= FINISH_CHARS
    assert text[first.start : first.end] == first.quote


def test_explain_says_how_far_a_quote_ran_on(tmp_path: Path, settings: Settings) -> None:
    session = _guests_corpus(tmp_path, settings, _TIMEOUT)
    answer = session.ask("How long will it wait for a guest to shut down?", explain=True)
    assert answer.explanation is not None
    ran_on = answer.explanation["quotes"][0]["ran_on"]
    quote = answer.citations[0].quote
    assert ran_on > 0
    assert "The default value is 300 seconds." in quote[-ran_on:]
    assert "default" not in quote[:-ran_on]
    assert f"run on {ran_on} characters to the end of its paragraph" in render_explanation(
        answer.explanation
    )


def test_only_stop_words_abstain_with_a_notice(seeds_session: Session) -> None:
    answer = seeds_session.ask("what is the of and?")
    assert answer.abstained
    assert "no searchable words" in answer.notices[0]


def test_quotes_are_not_near_duplicates(seeds_session: Session) -> None:
    answer = seeds_session.ask("What annual trade target did Xi and Putin agree on?")
    quotes = [c.quote for c in answer.citations]
    assert len(set(quotes)) == len(quotes)
    for i, a in enumerate(answer.citations):
        for b in answer.citations[i + 1 :]:
            assert not (a.source == b.source and a.start < b.end and b.start < a.end)


def test_markdown_escape_keeps_document_markup_literal() -> None:
    assert markdown_escape("*bold* [link](x) <b>") == r"\*bold\* \[link\](x) \<b\>"


@hsettings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(min_size=1, max_size=80))
def test_any_question_gets_verbatim_quotes_or_an_abstention(
    seeds_session: Session, seeds_dir: Path, question: str
) -> None:
    try:
        answer = seeds_session.ask(question)
    except Exception as exc:  # only the documented refusal of an empty question is allowed
        assert exc.__class__.__name__ == "QuestionError"
        return
    assert answer.abstained == (not answer.citations)
    for c in answer.citations:
        assert _doc_text(seeds_dir, c.source)[c.start : c.end] == c.quote


def test_markdown_escape_drops_terminal_escape_sequences() -> None:
    escaped = markdown_escape("red \x1b[31malert\x1b[0m and \x07bell")
    assert "\x1b" not in escaped and "\x07" not in escaped
    assert "alert" in escaped
