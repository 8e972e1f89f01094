"""career_plan_form at the action level: validate_career_plan_form fed the way Rasa's FormAction feeds it
(answers in any order, several in one message, corrections, bad values, leaving), the form's questions and
the plan shown at the end."""
from __future__ import annotations

from itertools import permutations

import pytest

from bot.actions import names as n
from bot.actions.career import profile as p
from bot.actions.plan import ActionAskCurrentRole, ActionAskDiscipline, ActionAskTargetRole, ActionShowCareerPlan
from tests.support.builders import drive_form

START = ("help me plan my career", n.ASK_CAREER_PLAN, [])
STATEMENTS = {
    n.CURRENT_ROLE: ("I'm a project engineer", n.TELL_PROFILE, [(n.ROLE, "project engineer")]),
    n.YEARS_EXPERIENCE: ("I have four years of experience", n.TELL_PROFILE, []),
    n.TARGET_ROLE: ("I want to become an engineering director", n.TELL_PROFILE, [(n.ROLE, "engineering director")]),
    n.DISCIPLINE: ("my background is mechanical engineering", n.TELL_PROFILE,
                   [(n.DISCIPLINE, "mechanical engineering")]),
}
EXPECTED = {n.CURRENT_ROLE: "project engineer", n.YEARS_EXPERIENCE: 4, n.TARGET_ROLE: "engineering director",
            n.DISCIPLINE: "mechanical engineering"}


@pytest.mark.parametrize("order", list(permutations(n.PLAN_SLOTS)), ids=lambda o: ">".join(s[:4] for s in o))
def test_answers_in_every_order_fill_the_form(validator, order):
    run = drive_form(validator, [START] + [STATEMENTS[slot] for slot in order])
    assert run.done
    assert {k: run.slots[k] for k in n.PLAN_SLOTS} == EXPECTED
    assert all(not a.text for a in run.answers), [a.text for a in run.answers]  # nothing to complain about


def test_bare_answers_to_each_question(validator):
    run = drive_form(validator, [START, ("project engineer", n.INFORM, [(n.ROLE, "project engineer")]),
                                 ("four", n.NLU_FALLBACK, []), ("a director", n.INFORM, [(n.ROLE, "director")]),
                                 ("mechanical", n.ASK_DISCIPLINE_MOVES, [(n.DISCIPLINE, "mechanical")])])
    assert run.done and {k: run.slots[k] for k in n.PLAN_SLOTS} == EXPECTED


@pytest.mark.parametrize("years", ["4", "four", "4 years", "4 yrs", "about 4"])
def test_years_in_any_spelling(validator, years):
    run = drive_form(validator, [START, STATEMENTS[n.CURRENT_ROLE], (years, n.NLU_FALLBACK, [])])
    assert run.slots[n.YEARS_EXPERIENCE] == 4 and run.requested == n.TARGET_ROLE


def test_one_message_with_three_answers_leaves_only_the_discipline(validator):
    text = "I'm a project engineer with 4 years' experience and I want to be an engineering director — what's my plan?"
    run = drive_form(validator, [(text, n.ASK_CAREER_PLAN, [(n.ROLE, "project engineer"),
                                                            (n.ROLE, "engineering director")])])
    assert {k: run.slots.get(k) for k in n.PLAN_SLOTS} == {**EXPECTED, n.DISCIPLINE: None}
    assert run.requested == n.DISCIPLINE


def test_a_correction_replaces_the_earlier_answer_and_says_so(validator):
    run = drive_form(validator, [START, STATEMENTS[n.CURRENT_ROLE],
                                 ("sorry, I'm a project manager actually", n.TELL_PROFILE,
                                  [(n.ROLE, "project manager")]),
                                 ("4 years", n.INFORM, [])])
    assert run.slots[n.CURRENT_ROLE] == "project manager" and run.slots[n.YEARS_EXPERIENCE] == 4
    assert run.answers[2].text == "Got it: I've changed your current role to project manager."
    assert run.requested == n.TARGET_ROLE


def test_corrected_years_after_the_target(validator):
    run = drive_form(validator, [START, STATEMENTS[n.CURRENT_ROLE], STATEMENTS[n.YEARS_EXPERIENCE],
                                 ("actually it's 6 years, and I want to be a CTO", n.TELL_PROFILE,
                                  [(n.ROLE, "CTO")])])
    assert run.slots[n.YEARS_EXPERIENCE] == 6 and run.slots[n.TARGET_ROLE] == "chief technology officer"
    assert run.answers[-1].text == "Got it: I've changed your years of experience to 6 years of experience."


def test_an_unknown_role_gets_the_list_of_known_roles_and_the_question_again(validator, kb):
    run = drive_form(validator, [START, ("astronaut", n.NLU_FALLBACK, [])])
    answer = run.answers[-1]
    assert answer.text.startswith('I don\'t know "astronaut" as a role on the engineering-management path.')
    for role in ("staff engineer", "project engineer", "engineering manager", "engineering director",
                 "VP of engineering", "chief technology officer"):
        assert role in answer.text
    assert answer.slots == {n.CURRENT_ROLE: None}
    assert run.requested == n.CURRENT_ROLE


def test_a_misspelt_role_is_offered_as_a_button(validator):
    run = drive_form(validator, [START, STATEMENTS[n.CURRENT_ROLE], STATEMENTS[n.YEARS_EXPERIENCE],
                                 ("enginering director", n.NLU_FALLBACK, [])])
    answer = run.answers[-1]
    assert "Did you mean engineering director" in answer.text
    assert '/inform{"role": "engineering director"}' in [b["payload"] for b in answer.buttons]
    assert run.requested == n.TARGET_ROLE


@pytest.mark.parametrize("said", ["lots", "70", "seventy years"])
def test_years_that_are_not_a_usable_number_are_asked_again(validator, said):
    run = drive_form(validator, [START, STATEMENTS[n.CURRENT_ROLE], (said, n.NLU_FALLBACK, [])])
    assert run.answers[-1].text.startswith("Sorry, I need your years of experience as a number from 0 to 50")
    assert run.slots[n.YEARS_EXPERIENCE] is None and run.requested == n.YEARS_EXPERIENCE


def test_a_discipline_the_kb_does_not_cover_uses_the_general_path(validator):
    turns = [START, STATEMENTS[n.CURRENT_ROLE], STATEMENTS[n.YEARS_EXPERIENCE], STATEMENTS[n.TARGET_ROLE]]
    run = drive_form(validator, turns + [("chemical engineering", n.NLU_FALLBACK, [])])
    assert run.slots[n.DISCIPLINE] == p.OTHER_DISCIPLINE and run.done
    assert run.answers[-1].text.startswith('The knowledge base doesn\'t cover "chemical engineering"')
    other = drive_form(validator, turns + [("none of these", n.INFORM, [])])
    assert other.slots[n.DISCIPLINE] == p.OTHER_DISCIPLINE and not other.answers[-1].text
    bad = drive_form(validator, turns + [("banana", n.NLU_FALLBACK, [])])
    assert bad.answers[-1].text.startswith('I don\'t know "banana" as an engineering discipline.')
    assert bad.requested == n.DISCIPLINE


@pytest.mark.parametrize("text, intent", [("stop", n.STOP), ("never mind", n.STOP), ("cancel", n.STOP),
                                          ("forget my details", n.FORGET_PROFILE)])
def test_leaving_the_form_fills_nothing_so_rasa_hands_over_to_the_stop_rule(validator, text, intent):
    run = drive_form(validator, [START, STATEMENTS[n.CURRENT_ROLE], (text, intent, [])])
    assert run.answers[-1].events == [] and run.answers[-1].text == ""
    assert run.slots[n.CURRENT_ROLE] == "project engineer"


def test_another_question_during_the_form_is_left_to_its_own_action(validator):
    run = drive_form(validator, [START, STATEMENTS[n.CURRENT_ROLE],
                                 ("what does a director do?", n.ASK_ROLE_DUTIES, [(n.ROLE, "director")])])
    assert run.answers[-1].events == []
    assert run.slots.get(n.TARGET_ROLE) is None and run.requested == n.YEARS_EXPERIENCE


def test_certifications_held_said_during_the_form_are_remembered(validator):
    run = drive_form(validator, [START, ("I'm a project engineer and I already have PMP", n.TELL_PROFILE,
                                         [(n.ROLE, "project engineer"), (n.CERTIFICATION, "PMP")])])
    assert run.slots[n.CERTIFICATIONS_HELD] == ["PMP"] and run.slots[n.CURRENT_ROLE] == "project engineer"


def test_a_complete_profile_is_kept_when_the_plan_is_asked_again(validator):
    run = drive_form(validator, [("what's my plan again?", n.ASK_CAREER_PLAN, [])], dict(EXPECTED))
    assert run.done and run.answers[0].events == [] and not run.answers[0].text


def test_a_failure_is_a_polite_message(kb_sessions):
    def broken():
        raise RuntimeError("database down")
    from bot.actions.plan import ValidateCareerPlanForm
    run = drive_form(ValidateCareerPlanForm(broken), [START])
    assert run.answers[0].text == "Sorry, I can't look that up right now, please try again in a moment."


# ------------------------------------------------------------------ the questions and the plan
def test_the_current_role_question_offers_entry_and_mid_roles(ask):
    answer = ask(ActionAskCurrentRole, "help me plan my career", n.ASK_CAREER_PLAN)
    assert answer.text.startswith("What's your current role? Pick one below or type it (for example \"staff "
                                  "engineer\").")
    assert [b["title"] for b in answer.buttons][:3] == ["Staff engineer", "Project engineer", "Junior project manager"]


def test_the_target_question_offers_roles_reachable_from_the_current_one(ask):
    answer = ask(ActionAskTargetRole, "4", n.INFORM, slots={n.CURRENT_ROLE: "engineering manager"})
    assert answer.text == "Which role are you aiming for, from engineering manager? Pick one below or type it."
    titles = [b["title"] for b in answer.buttons]
    assert titles[:3] == ["Senior engineering manager", "Engineering director", "Senior engineering director"]
    assert "Project engineer" not in titles


def test_the_discipline_question_offers_every_discipline_and_other(ask, kb):
    from knowledge import queries as q
    answer = ask(ActionAskDiscipline, "director", n.INFORM)
    titles = [b["title"] for b in answer.buttons]
    assert titles == [d.name.capitalize() for d in q.disciplines(kb)] + ["Other"]


def test_the_plan_after_the_form(ask):
    answer = ask(ActionShowCareerPlan, "mechanical", n.INFORM, slots=dict(EXPECTED))
    assert answer.text.startswith("**Your career plan: project engineer → engineering director**")
    assert "**Step 1: project engineer → engineering manager**" in answer.text
    assert "**Step 2: engineering manager → engineering director**" in answer.text
    assert "manufacturing management" in answer.text
    assert answer.slots == {n.ROLE: "engineering director", n.TOPIC: n.TOPIC_PLAN}
    assert [b["title"] for b in answer.buttons] == ["Which certifications should I get?",
                                                    "Talk to a mentor who is an engineering director",
                                                    "Forget my details"]


def test_no_plan_without_the_roles(ask):
    answer = ask(ActionShowCareerPlan, "what's my plan?", n.ASK_CAREER_PLAN, slots={n.YEARS_EXPERIENCE: 3})
    assert answer.text.startswith("I can't make your plan yet: I don't know your current role and the role "
                                  "you're aiming for.")
