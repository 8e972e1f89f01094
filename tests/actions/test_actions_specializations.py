"""action_show_specializations, action_show_industries and action_show_discipline_moves."""
from __future__ import annotations

import pytest

from bot.actions import ActionShowDisciplineMoves, ActionShowIndustries, ActionShowSpecializations
from bot.actions import names as n
from knowledge import queries as q


def test_all_specializations_with_focus_and_roles(ask, kb):
    answer = ask(ActionShowSpecializations, "Which specializations are there?", n.ASK_SPECIALIZATIONS)
    for spec in q.specializations(kb):
        assert spec.focus in answer.text
        for role in spec.roles:
            assert role.name in answer.text
    assert len(answer.buttons) == 4


def test_one_specialization_by_alias(ask):
    answer = ask(ActionShowSpecializations, "What is supply chain management?", n.ASK_SPECIALIZATIONS,
                 [(n.SPECIALIZATION, "supply chain management")])
    assert answer.text.startswith("**Operations and supply chain management**")
    assert "Roles it can lead to: operations manager, supply chain analyst and logistic engineer." in answer.text
    assert answer.slots == {n.SPECIALIZATION: "operations and supply chain management",
                            n.TOPIC: n.TOPIC_SPECIALIZATIONS}


def test_specializations_for_a_role(ask):
    answer = ask(ActionShowSpecializations, "Which specialization leads to operations manager?",
                 n.ASK_SPECIALIZATIONS, [(n.ROLE, "operations manager")])
    assert "Specializations that lead to **operations manager**:\n- **Operations and supply chain management**" \
        in answer.text
    none = ask(ActionShowSpecializations, "Which specialization for a CTO?", n.ASK_SPECIALIZATIONS, [(n.ROLE, "CTO")])
    assert "links no specialization to **chief technology officer**" in none.text


def test_industries_grouped_by_pay(ask):
    answer = ask(ActionShowIndustries, "Which industries hire engineering managers?", n.ASK_INDUSTRIES)
    assert "- High-paying: software development, aerospace and pharmaceuticals" in answer.text
    assert "- Competitive salaries: construction and manufacturing" in answer.text
    assert "- Also hiring engineering managers: healthcare technology, automotive and defense" in answer.text


def test_one_industry(ask, kb):
    answer = ask(ActionShowIndustries, "What about pharma?", n.ASK_INDUSTRIES, [(n.INDUSTRY, "pharma")])
    assert q.industry(kb, "pharmaceuticals").note in answer.text
    assert answer.slots == {n.INDUSTRY: "pharmaceuticals", n.TOPIC: n.TOPIC_INDUSTRIES}


@pytest.mark.parametrize("said, moves", [
    ("mechanical engineer", ["**Manufacturing management**: Oversee production processes and supply chains."]),
    ("software engineer", ["**Software project management**", "**Technology consulting**"]),
    ("civil engineer", ["**Construction management**: Lead large-scale construction management projects"]),
])
def test_discipline_moves(ask, said, moves):
    answer = ask(ActionShowDisciplineMoves, f"I'm a {said}, where can I go?", n.ASK_DISCIPLINE_MOVES,
                 [(n.DISCIPLINE, said)])
    for move in moves:
        assert move in answer.text
    assert answer.slots[n.TOPIC] == n.TOPIC_DISCIPLINE


@pytest.mark.parametrize("said, name", [("electrical engineer", "electrical engineering"),
                                        ("industrial engineer", "industrial engineering")])
def test_discipline_without_a_named_move_gets_the_general_path(ask, said, name):
    answer = ask(ActionShowDisciplineMoves, f"I'm an {said}", n.ASK_DISCIPLINE_MOVES, [(n.DISCIPLINE, said)])
    assert f"The knowledge base names no specific management move for **{name}**" in answer.text
    assert f"A bachelor's degree in {name} is one of the usual foundations." in answer.text
    assert "The usual progression: project engineer → engineering manager → engineering director." in answer.text
    assert '/ask_path{"role": "engineering manager"}' in answer.payloads()


def test_unknown_discipline(ask, kb):
    answer = ask(ActionShowDisciplineMoves, "I'm a chemical engineer, where can I go?", n.ASK_DISCIPLINE_MOVES)
    assert answer.text.startswith('Sorry, my knowledge base has nothing on "chemical engineer"')
    for d in q.disciplines(kb):
        assert d.name in answer.text


def test_no_discipline_lists_every_discipline(ask):
    answer = ask(ActionShowDisciplineMoves, "where can engineers go?", n.ASK_DISCIPLINE_MOVES, [],
                 {n.DISCIPLINE: "civil engineering"})
    assert "- Mechanical engineering: manufacturing management" in answer.text
    assert "- Software engineering: software project management or technology consulting" in answer.text
    assert "- Electrical engineering: no specific move named (general path)" in answer.text
    assert len(answer.buttons) == 5
