"""Follow-up questions: context from the conversation helps, and never drags a new topic back."""

from __future__ import annotations

from typing import Any

import pytest

from askbrief.conversations import Conversation, Turn
from askbrief.search.followup import FollowupQuery, plan_query, search
from askbrief.session import Session

# Two-turn conversations over the seeds, written apart from the dev ones: (turns, gold, source).
FOLLOW_UPS = [
    (
        ["What annual trade target did Xi and Putin agree on?", "What was it worth in 2021?"],
        "$147 billion",
        "003_",
    ),
    (
        [
            "Which nuclear power plant is being built with supplies from Rosatom?",
            "In which province is it?",
        ],
        "Jiangsu",
        "000_",
    ),
    (
        ["What did Raimondo warn Chinese companies about?", "Which chipmaker did she mention?"],
        "Semiconductor Manufacturing International",
        "003_",
    ),
    (
        [
            "Why has China excluded Russian wheat in the past?",
            "What share of the global market does Russia have?",
        ],
        "18%",
        "003_",
    ),
    (
        [
            "Tell me about the new cross-border bridge between Russia and China.",
            "Which cities does it link?",
        ],
        "Blagoveshchensk",
        "004_",
    ),
    (
        ["What did Blinken say about companies leaving Russia?", "How many companies left?"],
        "7,800",
        "000_",
    ),
    (["Which chipmaker could become a new Huawei?", "Who said that?"], "Raimondo", "003_"),
    (["What were China's exports to Russia in March?", "And the imports?"], "$7.8 billion", "003_"),
]

# The second question starts a new topic: it must be answered as if asked alone.
TOPIC_CHANGES = [
    (
        [
            "What did Blinken say about companies leaving Russia?",
            "Why has China excluded Russian wheat in the past?",
        ],
        "dwarf bunt",
        "003_",
    ),
    (
        ["What annual trade target did Xi and Putin agree on?", "What does the Quad stand for?"],
        "Quadrilateral Security Dialogue",
        "003_",
    ),
    (
        ["Tell me about the new cross-border bridge between Russia and China.", "Who is Yun Sun?"],
        "co-director",
        "000_",
    ),
    (
        [
            "Which nuclear power plant is being built with supplies from Rosatom?",
            "What happened to shipments of Chinese smartphones and laptops to Russia?",
        ],
        "plummeted",
        "000_",
    ),
    (
        [
            "Why has China excluded Russian wheat in the past?",
            "Which chipmaker could become a new Huawei according to Raimondo?",
        ],
        "Semiconductor Manufacturing International",
        "003_",
    ),
    (
        ["Who is Yun Sun?", "When was the China-Russia cross-border bridge completed?"],
        "2020",
        "004_",
    ),
    (
        [
            "What did Li Zhanshu tell Volodin about sanctions?",
            "Which nuclear power plant is being built with supplies from Rosatom?",
        ],
        "Tianwan",
        "000_",
    ),
    (
        [
            "Which chipmaker could become a new Huawei?",
            "How many joint long-distance flights have passed near Japan since November?",
        ],
        "fourth time",
        "003_",
    ),
]


def converse(session: Session, questions: list[str]) -> tuple[Conversation, Any]:
    """Ask ``questions`` in one conversation (in memory); return it and the last answer."""
    conv = Conversation("20250101-000000-abcdef", str(session.corpus_dir.resolve()), "")
    answer = None
    for q in questions:
        answer = session.ask(q, conversation=conv)
        conv.turns.append(Turn(q, answer.as_json()))
    return conv, answer


def in_top_three(answer: Any, gold: str, source: str) -> bool:
    return any(
        c.source.startswith(source) and gold.lower() in c.quote.lower()
        for c in answer.citations[:3]
    )


@pytest.mark.parametrize(
    ("turns", "gold", "source"), FOLLOW_UPS, ids=[t[1] for t, _, _ in FOLLOW_UPS]
)
def test_a_follow_up_finds_its_answer_in_the_top_three_quotes(
    seeds_session: Session, turns: list[str], gold: str, source: str
) -> None:
    _, answer = converse(seeds_session, turns)
    assert in_top_three(answer, gold, source), [c.quote[:80] for c in answer.citations]


@pytest.mark.parametrize(
    ("turns", "gold", "source"), TOPIC_CHANGES, ids=[t[1] for t, _, _ in TOPIC_CHANGES]
)
def test_a_new_topic_is_not_dragged_back_to_the_old_one(
    seeds_session: Session, turns: list[str], gold: str, source: str
) -> None:
    _, answer = converse(seeds_session, turns)
    alone = seeds_session.ask(turns[-1])
    assert answer.context_terms == ()
    assert [c.quote for c in answer.citations] == [c.quote for c in alone.citations]
    assert in_top_three(answer, gold, source)


def test_the_dev_follow_ups_hit_at_least_four_of_five(seeds_session: Session) -> None:
    import json

    from conftest import REPO

    path = REPO.parent / "shared" / "eval" / "dev_followups.jsonl"
    if not path.exists():
        pytest.skip("shared/eval is not beside the repo")
    rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    hits = 0
    for row in rows:
        _, answer = converse(seeds_session, row["turns"])
        hits += any(in_top_three(answer, g, row["source"]) for g in row["gold"])
    print(f"dev follow-ups: {hits}/{len(rows)}")
    assert hits >= 4


def test_a_question_alone_is_searched_by_its_own_terms_only(seeds_session: Session) -> None:
    q = "What annual trade target did Xi and Putin agree on?"
    empty = Conversation("20250101-000000-abcdef", str(seeds_session.corpus_dir), "")
    assert seeds_session.ask(q).citations == seeds_session.ask(q, conversation=empty).citations
    assert seeds_session.ask(q).context_terms == ()
    assert seeds_session.ask(q).conversation is None


def test_context_weights_decay_per_turn_back_and_stay_below_the_own_terms(
    seeds_session: Session,
) -> None:
    conv, _ = converse(seeds_session, ["Who is Yun Sun?", "Tell me about the Tianwan plant."])
    query = plan_query("What did they build there?", conv.turns, seeds_session.index)
    assert not query.new_topic
    assert 0 < query.context["yun"] < query.context["tianwan"] < 1.0
    index = seeds_session.index
    own = sum(index.term_idf(t) for t in set(query.own))
    borrowed = sum(index.term_idf(t) * w for t, w in query.context.items())
    assert borrowed <= max(own, index.term_idf("")) + 1e-9
    weights = [query.context[t] for t in query.context_terms]
    assert weights == sorted(weights, reverse=True)  # heaviest first, as --json reports them


@pytest.mark.parametrize(
    "question",
    ["In which province is it?", "And who said that?", "What about the imports?", "Why?"],
)
def test_a_question_that_points_back_is_never_a_new_topic(
    seeds_session: Session, question: str
) -> None:
    conv, _ = converse(seeds_session, ["Which nuclear power plant is supplied by Rosatom?"])
    query = plan_query(question, conv.turns, seeds_session.index)
    assert not query.new_topic and query.context


def test_framing_words_are_not_borrowed(seeds_session: Session) -> None:
    conv, _ = converse(seeds_session, ["Tell me what Li Zhanshu said about sanctions."])
    query = plan_query("To whom did he attribute it?", conv.turns, seeds_session.index)
    assert {"li", "zhanshu", "sanction"} <= set(query.context)
    assert not {"tell", "said", "say"} & set(query.context)


def test_an_irregular_verb_no_passage_holds_is_searched_as_its_verb(
    seeds_session: Session,
) -> None:
    conv, _ = converse(seeds_session, ["What did Blinken say about companies leaving Russia?"])
    query = plan_query("What did he say drove it?", conv.turns, seeds_session.index)
    assert "drive" in query.own and "drove" not in query.own


def test_passages_just_cited_are_boosted(seeds_session: Session) -> None:
    conv, first = converse(seeds_session, ["Tell me about the new cross-border bridge."])
    query = plan_query("When did construction begin?", conv.turns, seeds_session.index)
    cited = {h.passage.id for h in first.hits[:1]}
    assert query.boosts and all(query.boosts[pid] > 1.0 for pid in cited)
    plain = FollowupQuery(query.own, query.context)
    boosted_scores = {h.passage.id: h.score for h in search(seeds_session.index, query, 50)}
    plain_scores = {h.passage.id: h.score for h in search(seeds_session.index, plain, 50)}
    for pid, factor in query.boosts.items():
        if pid in plain_scores:
            assert boosted_scores[pid] == pytest.approx(plain_scores[pid] * factor)


def test_the_sentence_carrying_on_from_the_last_quote_answers_an_and_what_about(
    seeds_session: Session,
) -> None:
    """ "And what about imports going the other way?" after China's exports to Russia: the
    imports are the next sentence, and that is what carries on from the quote just cited."""
    first = "How did China's exports to Russia do in March?"
    conv, _ = converse(seeds_session, [first])
    answer = seeds_session.ask(
        "And what about imports going the other way?", conversation=conv, explain=True
    )
    assert in_top_three(answer, "$7.8 billion", "003_"), [c.quote[:80] for c in answer.citations]
    imports = next(c for c in answer.citations if "$7.8 billion" in c.quote)
    assert answer.explanation is not None
    why = next(q for q in answer.explanation["quotes"] if q["n"] == imports.n)
    assert why["features"].get("continues") == 1.0
    # asked alone, nothing carries on from anything
    alone = seeds_session.ask("And what about imports going the other way?", explain=True)
    assert alone.explanation is not None
    assert all("continues" not in q["features"] for q in alone.explanation["quotes"])


@pytest.mark.parametrize(
    "turns",
    [
        ["Who is Hu Wei?", "Where did he go to university?"],
        ["What did Antony Blinken say about China and sanctions?", "And what did the Pope say?"],
        # a value asked for with two words the documents lack: not a way of asking, a subject
        ["What is the China-Belarus Industrial Park?", "Who designed its logo?"],
        [
            "What happened in Shanghai during the pandemic?",
            "How many vaccine doses did the city import from Germany?",
        ],
    ],
)
def test_a_follow_up_about_what_the_documents_never_say_of_its_subject_abstains(
    seeds_session: Session, turns: list[str]
) -> None:
    """The seeds name a university (in a byline), but nothing about Hu Wei's studies: a quote
    that is not about the conversation's subject does not answer a question pointing back."""
    _, answer = converse(seeds_session, turns)
    assert answer.abstained, [c.quote[:80] for c in answer.citations]


def test_a_follow_up_pointing_back_is_answered_about_its_subject(seeds_session: Session) -> None:
    from askbrief.search.analysis import analyze

    conv, answer = converse(seeds_session, ["Who is Hu Wei?", "How many views did his essay get?"])
    assert in_top_three(answer, "a million views", "004_")
    lead = set(analyze(answer.citations[0].quote))
    assert {"hu", "wei"} & lead or answer.citations[0].source == conv.turns[0].citations[0][
        "source"
    ]


def test_only_a_quote_just_after_a_cited_one_carries_on() -> None:
    from askbrief.answers.quotes import CONTINUE_WINDOW, carries_on

    cited = [("a.txt", 100, 200)]
    assert carries_on("a.txt", 201, 300, cited)  # the next sentence
    assert carries_on("a.txt", 150, 260, cited)  # a pair running on from inside it
    assert not carries_on("a.txt", 100, 200, cited)  # the quote itself says nothing more
    assert not carries_on("a.txt", 200 + CONTINUE_WINDOW + 1, 700, cited)  # too far on
    assert not carries_on("a.txt", 40, 99, cited)  # before it
    assert not carries_on("b.txt", 201, 300, cited)  # another file


def test_citations_from_another_corpus_give_no_boost(seeds_session: Session) -> None:
    conv, _ = converse(seeds_session, ["Tell me about the new cross-border bridge."])
    query = plan_query(
        "When did construction begin?", conv.turns, seeds_session.index, cited_here=False
    )
    assert query.context and not query.boosts


def test_the_answer_names_its_context_terms_and_conversation_in_json(
    seeds_session: Session,
) -> None:
    conv, answer = converse(seeds_session, FOLLOW_UPS[0][0])
    data = answer.as_json()
    assert data["context_terms"] == list(answer.context_terms) and data["context_terms"]
    assert data["conversation"] == conv.id


def test_an_llm_backend_receives_the_recent_turns(
    seeds_session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    import askbrief.answers.generate

    seen: dict[str, Any] = {}

    def fake_generate(question: str, hits: Any, settings: Any, **kw: Any) -> Any:
        seen["history"] = kw["history"]
        return kw["fallback"]()

    conv, _ = converse(seeds_session, ["Who is Yun Sun?"])
    monkeypatch.setattr(askbrief.answers.generate, "generate_answer", fake_generate)
    session = Session(
        seeds_session.settings.model_copy(
            update={"backend": seeds_session.settings.backend.model_copy(update={"name": "openai"})}
        ),
        seeds_session.corpus_dir,
    )
    session.ask("Where does she work?", conversation=conv)
    assert [(t.question, t.answer) for t in seen["history"]] == [
        (conv.turns[0].question, conv.turns[0].markdown)
    ]


def test_a_follow_up_asking_for_a_value_is_not_refused_for_a_word_the_corpus_lacks(
    seeds_session: Session,
) -> None:
    """ "finished" is in no seed; the pipeline, from the turn before, is. The date is the answer."""
    _, answer = converse(
        seeds_session, ["What is the Eastern Route gas pipeline?", "When will it be finished?"]
    )
    assert not answer.abstained
    assert in_top_three(answer, "by 2025", "000_")


def test_a_question_alone_naming_what_the_corpus_lacks_still_abstains(
    seeds_session: Session,
) -> None:
    assert seeds_session.ask("When will the lemon meringue pie be finished?").abstained


def test_a_value_follow_up_quotes_the_sentence_with_the_value_not_what_was_just_said(
    seeds_session: Session,
) -> None:
    """The date's own sentence names the construction; the two before it only name the bridge,
    which the conversation already did."""
    _, answer = converse(
        seeds_session,
        [
            "Tell me about the new cross-border bridge between Russia and China.",
            "When did construction begin?",
        ],
    )
    assert answer.citations[0].quote.startswith("Its construction began in 2016")
