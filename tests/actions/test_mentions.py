"""Pure tests of bot/actions/mentions.py: spotting named things, comparison sides, stages and skills."""
from __future__ import annotations

import pytest

from bot.actions.mentions import (Mention, asks_where_to_start, compare_sides, find_mentions, matching_skills,
                                  refers_back, stage_in)


@pytest.mark.parametrize("text, expected", [
    ("How do I become an astronaut?", Mention("astronaut", "role")),
    ("how do i become an engineering manager quickly", Mention("engineering manager", "role")),
    ("How do I become a VP of engineering in 10 years?", Mention("vp of engineering", "role")),
    ("What does a director do?", Mention("director", "role")),
    ("Who does an EM report to?", Mention("em", "role")),
    ("what comes after engineering manager?", Mention("engineering manager", "role")),
    ("how much does an astronaut earn", Mention("astronaut", "role")),
    ("path to CTO", Mention("cto", "role")),
    ("What is the XYZ certification?", Mention("xyz", "certification")),
    ("tell me about the acme cloud certification", Mention("acme cloud", "certification")),
    ("and the XYZ certification?", Mention("xyz", "certification")),
    ("What's a PhD?", Mention("phd", None)),
    ("what about CSM?", Mention("csm", None)),
    ("and a director?", Mention("director", None)),
    ("I'm a chemical engineer, where can I go?", Mention("chemical engineer", None)),
])
def test_find_mentions_spots_the_named_thing(text, expected):
    assert expected in find_mentions(text)


@pytest.mark.parametrize("text", [
    "What is the best certification?", "Which certifications help?", "Why do certifications matter?",
    "Do I need a certification?", "What is the average salary?", "What is the job outlook?",
    "How long does it take to become one?", "What's the difference between a manager and a director?",
    "what does it take to become a great leader", "become better at my job", "I'm an engineer, where can I go?",
    "I'm a student", "",
])
def test_find_mentions_ignores_questions_that_name_nothing(text):
    assert find_mentions(text) == []


@pytest.mark.parametrize("text, sides", [
    ("MEM vs MBA", ("mem", "mba")),
    ("how does a manager compare to a director", ("manager", "director")),
    ("What's the difference between a manager and a director?", ("manager", "director")),
    ("Is an MBA better than an MEM?", ("mba", "mem")),
    ("manager or director, which is better?", ("manager", "director")),
    ("compare engineering manager and astronaut", ("engineering manager", "astronaut")),
])
def test_compare_sides(text, sides):
    assert compare_sides(text) == sides


@pytest.mark.parametrize("text", ["compare them", "pros and cons of an MEM", "which is better?"])
def test_compare_sides_needs_two_things(text):
    assert compare_sides(text) is None


def test_refers_back():
    assert refers_back("which certifications help for it?")
    assert refers_back("how much does that role pay?")
    assert not refers_back("Which certifications help?")
    assert not refers_back("why do certifications matter")


def test_asks_where_to_start():
    assert asks_where_to_start("Where do I start?")
    assert asks_where_to_start("what are my first steps")
    assert asks_where_to_start("How do I get started in engineering management?")
    assert not asks_where_to_start("How do I become a manager?")


@pytest.mark.parametrize("text, stage", [
    ("What should I master mid-career?", "mid"), ("mid level skills", "mid"), ("entry-level skills", "entry"),
    ("skills for the C-suite", "executive"), ("skills at the executive level", "executive"),
    ("advanced leadership skills", "advanced"), ("skills in general", "general"), ("what skills do I need", None),
])
def test_stage_in(text, stage):
    assert stage_in(text) == stage


def test_matching_skills_by_full_name_or_distinctive_first_word():
    names = ["Gantt charts", "Agile methodologies", "Budgeting", "Project coordination", "Risk assessment",
             "Process optimization", "Team leadership"]
    assert matching_skills("Why Gantt charts and Agile?", names) == ["Gantt charts", "Agile methodologies"]
    assert matching_skills("why use a gantt chart", names) == ["Gantt charts"]
    assert matching_skills("how important is risk assessment", names) == ["Risk assessment"]
    assert matching_skills("what skills does a project manager need", names) == []
    assert matching_skills("what's the process", names) == []
