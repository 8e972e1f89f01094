"""The pure parsers of the profile: years of experience, which side of the move a role is on, certifications
held, and when a message during the form is another question."""
from __future__ import annotations

import pytest

from bot.actions import names as n
from bot.actions.career import profile as p
from bot.actions.career.profile import ProfileUpdate, Span, is_interruption, parse_years, read_profile


@pytest.mark.parametrize("text, years", [
    ("4 years", 4), ("four years", 4), ("4 yrs", 4), ("4yrs", 4), ("4 yr", 4), ("4y", 4), ("4+ years", 4),
    ("I have 4 years' experience", 4), ("four years of experience", 4), ("twenty-five years", 25),
    ("twenty five years in the industry", 25), ("1.5 years", 1.5), ("a year and a half", 1.5),
    ("a year", 1), ("one year", 1), ("18 months", 1.5), ("six months", 0.5), ("half a year", 0.5),
    ("a couple of years", 2), ("5-6 years", 5), ("over 10 years", 10), ("I've been a PE for 3 years", 3),
    ("I have no experience yet", 0), ("just graduated", 0), ("12 YOE", 12),
])
def test_years_with_a_unit(text, years):
    assert parse_years(text) == years


@pytest.mark.parametrize("text", [
    "I want to be a director in 5 years", "within two years", "I'm 30 years old", "how many years does it take?",
    "it takes 5 years", "4", "four", "I'm a project engineer", "",
])
def test_no_years_without_a_unit_or_in_a_time_frame(text):
    assert parse_years(text) is None


@pytest.mark.parametrize("text, years", [("4", 4), ("four", 4), ("about 4", 4), ("around ten", 10), ("0", 0),
                                         ("none", 0), ("4 I think", 4), ("twenty", 20)])
def test_a_bare_number_counts_when_years_were_asked_for(text, years):
    assert parse_years(text, bare=True) == years


def test_a_bare_number_in_a_long_sentence_does_not_count():
    assert parse_years("I led 4 teams across three different departments last spring", bare=True) is None


def spans(text: str, *things: tuple[str, str]) -> list[Span]:
    """Spans for `things` [(kind, canonical as written in text)]."""
    out = []
    for kind, name in things:
        start = text.lower().index(name.lower())
        out.append(Span(kind, name, start, start + len(name)))
    return out


def test_one_message_with_everything():
    text = "I'm a project engineer with 4 years' experience and I want to be an engineering director — what's my plan?"
    update = read_profile(text, spans(text, (n.ROLE, "project engineer"), (n.ROLE, "engineering director")))
    assert update.slots() == {n.CURRENT_ROLE: "project engineer", n.YEARS_EXPERIENCE: 4,
                              n.TARGET_ROLE: "engineering director"}
    assert update.cued


@pytest.mark.parametrize("text, current, target", [
    ("I want to become an engineering director, I'm a project engineer", "project engineer", "engineering director"),
    ("from project engineer to engineering director", "project engineer", "engineering director"),
    ("project engineer to engineering director", "project engineer", "engineering director"),
    ("currently a project engineer, goal is engineering director", "project engineer", "engineering director"),
    ("I was promoted to project engineer and I'm aiming for engineering director", "project engineer",
     "engineering director"),
    ("I'd like to work as an engineering director; right now I work as a project engineer", "project engineer",
     "engineering director"),
    ("project engineer now, engineering director someday", "project engineer", "engineering director"),
    # a colon ends the clause: "for" in "plan for me:" says nothing about the role after it
    ("plan for me: project engineer, 2 years, goal engineering director", "project engineer", "engineering director"),
])
def test_the_words_before_a_role_say_which_side_it_is_on(text, current, target):
    update = read_profile(text, spans(text, (n.ROLE, "project engineer"), (n.ROLE, "engineering director")))
    assert (update.current_role, update.target_role) == (current, target)


@pytest.mark.parametrize("requested, side", [(n.CURRENT_ROLE, "current_role"), (n.TARGET_ROLE, "target_role")])
def test_a_bare_role_answers_the_question_asked(requested, side):
    update = read_profile("project engineer", spans("project engineer", (n.ROLE, "project engineer")), requested)
    assert update.slots() == {side: "project engineer"}
    assert not update.cued


def test_a_bare_role_asked_for_nothing_fills_the_missing_side():
    text = "engineering director"
    assert read_profile(text, spans(text, (n.ROLE, text))).target_role == text
    known = {n.TARGET_ROLE: "chief technology officer"}
    assert read_profile(text, spans(text, (n.ROLE, text)), None, known).current_role == text


def test_a_cued_role_wins_over_the_question_asked():
    """Asked for the target, the user corrects the current role instead."""
    text = "sorry, I'm a project manager actually"
    update = read_profile(text, spans(text, (n.ROLE, "project manager")), n.TARGET_ROLE)
    assert update.slots() == {n.CURRENT_ROLE: "project manager"}


def test_a_button_payload_answers_the_question_asked():
    text = '/inform{"role": "engineering manager"}'
    update = read_profile(text, [Span(n.ROLE, "engineering manager", 19, 38)], n.TARGET_ROLE)
    assert update.slots() == {n.TARGET_ROLE: "engineering manager"}


@pytest.mark.parametrize("text, held", [
    ("I already have PMP", ("PMP",)), ("I hold PMP and CSM", ("PMP", "CSM")), ("I'm PMP certified", ("PMP",)),
    ("I already have PMP, which certifications should I get?", ("PMP",)),
    ("I got my PMP, CSM and EIT last year", ("PMP", "CSM", "EIT")),
    ("Should I get PMP?", ()), ("I don't have PMP yet", ()), ("is PMP worth it?", ()),
    ("I'm planning to get PMP", ()), ("what is PMP", ()),
])
def test_certifications_held(text, held):
    names = [x for x in ("PMP", "CSM", "EIT") if x in text]
    assert read_profile(text, spans(text, *((n.CERTIFICATION, x) for x in names))).held == held


def test_discipline_by_entity_and_other_when_asked():
    text = "mechanical"
    assert read_profile(text, spans(text, (n.DISCIPLINE, "mechanical"))).discipline == "mechanical"
    assert read_profile("none of these", [], n.DISCIPLINE).discipline == p.OTHER_DISCIPLINE
    assert read_profile("none of these", [], None).discipline is None


def test_an_answer_naming_nothing_known_is_kept_as_free_text_for_the_question_asked():
    assert read_profile("I'm a rocket scientist.", [], n.CURRENT_ROLE).free_text == "rocket scientist"
    assert read_profile("I'm a rocket scientist.", [], None).free_text is None
    assert read_profile("lots", [], n.YEARS_EXPERIENCE).free_text == "lots"  # the form says it needs a number
    assert read_profile("what's my plan?", [], n.CURRENT_ROLE).is_empty()  # a question is not an answer
    assert read_profile("I'm a rocket scientist.", [], n.YEARS_EXPERIENCE).years is None


@pytest.mark.parametrize("text, intent, expected", [
    ("what does a director do?", n.ASK_ROLE_DUTIES, True),
    ("how much does a CTO earn", n.ASK_SALARY, True),
    ("stop", n.STOP, True),
    ("forget my details", n.FORGET_PROFILE, True),
    ("director", n.INFORM, False),
    ("4 years", n.ASK_DURATION, False),
    ("mechanical", n.ASK_DISCIPLINE_MOVES, False),
    ("what's my plan?", n.ASK_CAREER_PLAN, False),
])
def test_which_messages_interrupt_the_form(text, intent, expected):
    update = read_profile(text, [], None)
    assert is_interruption(text, intent, update) is expected


def test_a_question_that_also_states_the_profile_is_an_answer():
    text = "I'm a project manager, how long until I'm a director?"
    update = read_profile(text, spans(text, (n.ROLE, "project manager")))
    assert is_interruption(text, n.ASK_DURATION, update) is False
    assert is_interruption("what about PMP?", n.INFORM, ProfileUpdate()) is False
