"""The remembered profile: what the user tells is kept in slots, "which certifications should I get?" follows
it, "what's my plan again?" repeats the plan, "forget my details" clears it."""
from __future__ import annotations

from bot.actions import ActionShowCertifications
from bot.actions import names as n
from bot.actions.plan import ActionShowCareerPlan
from bot.actions.profile import ActionForgetProfile, ActionRememberProfile

PROFILE = {n.CURRENT_ROLE: "project engineer", n.YEARS_EXPERIENCE: 4, n.TARGET_ROLE: "engineering director",
           n.DISCIPLINE: "mechanical engineering"}


def test_certifications_held_are_remembered(ask):
    answer = ask(ActionRememberProfile, "I already have PMP and CSM", n.TELL_PROFILE,
                 [(n.CERTIFICATION, "PMP"), (n.CERTIFICATION, "CSM")])
    assert answer.slots[n.CERTIFICATIONS_HELD] == ["PMP", "CSM"]
    assert answer.text.startswith("Noted — you hold PMP and CSM. I'll remember it for this conversation")
    more = ask(ActionRememberProfile, "I also hold Lean Six Sigma", n.TELL_PROFILE,
               [(n.CERTIFICATION, "Lean Six Sigma")], {n.CERTIFICATIONS_HELD: ["PMP"]})
    assert more.slots[n.CERTIFICATIONS_HELD] == ["PMP", "Lean Six Sigma"]


def test_role_and_years_are_remembered_and_the_plan_offered(ask):
    answer = ask(ActionRememberProfile, "I'm a project manager with 6 years of experience", n.TELL_PROFILE,
                 [(n.ROLE, "project manager")])
    assert answer.slots == {n.CURRENT_ROLE: "project manager", n.YEARS_EXPERIENCE: 6, n.TOPIC: n.TOPIC_PROFILE}
    assert "your current role: project manager and your years of experience: 6 years of experience" in answer.text
    assert "Tell me your target role too" in answer.text
    assert answer.buttons[0]["payload"] == "/ask_career_plan"


def test_a_statement_with_nothing_usable_says_what_works(ask):
    answer = ask(ActionRememberProfile, "I like my job", n.TELL_PROFILE)
    assert answer.text.startswith("I couldn't find a role, years of experience, target role, discipline or "
                                  "certification in that.")
    assert n.CURRENT_ROLE not in answer.slots


def test_an_unknown_role_is_said_not_remembered(ask):
    answer = ask(ActionRememberProfile, "I'm an astronaut", n.TELL_PROFILE)
    assert answer.text.startswith('Sorry, my knowledge base has nothing on "astronaut"')
    assert n.CURRENT_ROLE not in answer.slots


def test_which_certifications_follows_the_plan_and_skips_held_ones(ask):
    answer = ask(ActionShowCertifications, "which certifications should I get?", n.ASK_CERTIFICATIONS,
                 slots={**PROFILE, n.CERTIFICATIONS_HELD: ["CSM"]})
    assert answer.text.startswith("For your next step, **project engineer → engineering manager**: "
                                  "PMP (Project Management Professional).")
    held = ask(ActionShowCertifications, "which certifications should I get?", n.ASK_CERTIFICATIONS,
               slots={**PROFILE, n.CERTIFICATIONS_HELD: ["PMP"]})
    assert "PMP (Project" not in held.text
    assert held.text.startswith("You already hold every certification tied to your plan (project engineer → "
                                "engineering manager → engineering director): PMP.")


def test_which_certifications_from_an_entry_role_lists_the_next_step_without_held_ones(ask):
    answer = ask(ActionShowCertifications, "which certs should i get", n.ASK_CERTIFICATIONS,
                 slots={n.CURRENT_ROLE: "staff engineer", n.TARGET_ROLE: "engineering manager",
                        n.CERTIFICATIONS_HELD: ["PMP", "EIT"]})
    first = answer.text.split("\n\n")[0]
    assert first == ("For your next step, **staff engineer → project engineer**: CPE (Certified Planning Engineer), "
                     "CSM (Certified ScrumMaster) and Lean Six Sigma.")
    assert "You already hold PMP and EIT, so I've left them out." in answer.text


def test_held_certifications_without_a_plan_list_the_others(ask):
    answer = ask(ActionShowCertifications, "which certifications should I get?", n.ASK_CERTIFICATIONS,
                 slots={n.CERTIFICATIONS_HELD: ["PMP"]})
    assert answer.text.startswith("You already hold PMP.\n\nThe others the knowledge base knows:\n- EIT")
    assert "- PMP" not in answer.text


def test_without_a_profile_the_general_answer_is_unchanged(ask):
    answer = ask(ActionShowCertifications, "which certifications should I get?", n.ASK_CERTIFICATIONS)
    assert answer.text.startswith("The knowledge base knows these certifications:")


def test_a_named_certification_still_wins_over_the_profile(ask):
    answer = ask(ActionShowCertifications, "what is CSM?", n.ASK_CERTIFICATIONS, [(n.CERTIFICATION, "CSM")],
                 slots=PROFILE)
    assert answer.text.startswith("**CSM** — Certified ScrumMaster")


def test_plan_again_repeats_the_same_plan(ask):
    first = ask(ActionShowCareerPlan, "mechanical", n.INFORM, slots=PROFILE)
    again = ask(ActionShowCareerPlan, "what's my plan again?", n.ASK_CAREER_PLAN, slots=PROFILE)
    assert again.text == first.text and "**Your career plan: project engineer → engineering director**" in again.text


def test_forget_my_details_clears_every_profile_slot(ask):
    answer = ask(ActionForgetProfile, "forget my details", n.FORGET_PROFILE,
                 slots={**PROFILE, n.CERTIFICATIONS_HELD: ["PMP"]})
    assert answer.text == ("Done — I've forgotten your current role, years of experience, target role, discipline "
                           "and the certifications you hold.")
    assert {k: answer.slots[k] for k in n.PROFILE_SLOTS} == dict.fromkeys(n.PROFILE_SLOTS)
    nothing = ask(ActionForgetProfile, "forget my details", n.FORGET_PROFILE)
    assert nothing.text == "I had nothing stored about you, so there's nothing to forget."


def test_after_forgetting_there_is_no_plan(ask):
    answer = ask(ActionShowCareerPlan, "what's my plan?", n.ASK_CAREER_PLAN, slots=dict.fromkeys(n.PROFILE_SLOTS))
    assert answer.text.startswith("I can't make your plan yet")
