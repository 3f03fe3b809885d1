"""Telling a translated passage from English prose, so an English question gets English quotes."""

from __future__ import annotations

import pytest

from askbrief.answers.language import asks_in_english, is_foreign
from askbrief.answers.quotes import candidates
from askbrief.search.analysis import analyze
from askbrief.search.terms import QuestionTerms
from askbrief.types import Hit, Passage


@pytest.mark.parametrize(
    "text",
    [
        "O arquivo /etc/postfix/virtual descreve o mapeamento com uma sintaxe bastante simples.",
        "Die Datei beschreibt die Zuordnung mit einer einfachen Syntax, und jede Zeile ist kurz.",
        "Le fichier décrit la correspondance avec une syntaxe simple, chaque ligne est courte.",
        "Pro počítače založené na x86 můžete ověřit, že máte takovou podporu, příkazem grep.",
        "Ова функција враћа показивач на нову структуру и мора бити ослобођена после употребе.",
    ],
)
def test_prose_in_another_language_is_foreign(text: str) -> None:
    assert is_foreign(text)


@pytest.mark.parametrize(
    "text",
    [
        "You can enable it by specifying X11Forwarding yes in the server configuration file.",
        "virtual_alias_domains = falcotsbrand.com virtual_alias_maps = hash:/etc/postfix/virtual",
        "o---o---o---o  master\n   \\\n    o---o---o  subsystem\n o---o---o  topic",
        "class ast.Delete(targets) Represents a del statement. targets is a list of nodes, such "
        "as Name, Attribute or Subscript nodes.",
        "Too short to judge.",
    ],
)
def test_english_prose_code_and_short_lines_are_not_foreign(text: str) -> None:
    assert not is_foreign(text)


def test_a_question_with_an_english_function_word_is_asked_in_english() -> None:
    assert asks_in_english("How do I lower vm.swappiness?")
    assert not asks_in_english("vm.swappiness")


def _hit(pid: int, source: str, text: str) -> Hit:
    return Hit(Passage(pid, source, source, 0, len(text), 1, None, "", text), 1.0)


def test_an_english_question_prefers_the_english_passage_to_its_translation() -> None:
    """The translation ranks first (it shares the path), but the English sentence is quoted."""
    portuguese = (
        "O arquivo /etc/postfix/virtual descreve o mapeamento com uma sintaxe simples, e o "
        "postmap deve ser executado depois de cada mudança no arquivo."
    )
    english = "Postfix reads /etc/postfix/virtual through a table that postmap must rebuild."
    question = "I edited /etc/postfix/virtual; why does postfix ignore it?"
    hits = [_hit(1, "pt-BR/postfix.html", portuguese), _hit(2, "en-US/postfix.html", english)]
    terms = QuestionTerms.of(analyze(question), lambda t: 2.0, question)
    plain = candidates(hits, terms, None)
    judged = candidates(hits, terms, None, english=True)
    assert plain[0].hit.passage.source == "pt-BR/postfix.html"
    assert judged[0].hit.passage.source == "en-US/postfix.html"
