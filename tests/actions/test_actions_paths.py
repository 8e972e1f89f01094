"""action_show_path, action_show_duration and action_show_next_roles over the shipped knowledge base."""
from __future__ import annotations

from bot.actions import ActionShowDuration, ActionShowNextRoles, ActionShowPath
from bot.actions import names as n
from knowledge import queries as q

ASK_WHICH_ROLE = "Which role do you mean? Pick one below or just type it."
DIRECTOR_LADDER = "project engineer → engineering manager → engineering director"
ENTRY_TO_MID = "5–8 years, depending on specific industry requirements"


# ------------------------------------------------------------------ path
def test_path_to_director_gives_the_ladder_time_and_what_helps(ask, kb):
    answer = ask(ActionShowPath, "How do I become an engineering director?", n.ASK_PATH,
                 [(n.ROLE, "engineering director")])
    assert DIRECTOR_LADDER in answer.text
    assert ENTRY_TO_MID in answer.text  # the only timing the source gives, for entry -> mid
    for step in q.ladder_to(kb, q.role(kb, "engineering director")):
        for help_ in step.helps:
            assert help_.text in answer.text
    assert "PMP (Project Management Professional)" in answer.text
    assert "Master's in Engineering Management (MEM)" in answer.text
    assert answer.slots == {n.ROLE: "engineering director", n.TOPIC: n.TOPIC_PATH}
    assert [b["title"] for b in answer.buttons] == [
        "What does an engineering director do?", "Which certifications help?", "How long does it take?"]
    assert answer.payloads() == ['/ask_role_duties{"role": "engineering director"}',
                                 '/ask_certifications{"role": "engineering director"}',
                                 '/ask_duration{"role": "engineering director"}']


def test_path_accepts_any_alias(ask):
    answer = ask(ActionShowPath, "how do I become a Director of Engineering", n.ASK_PATH,
                 [(n.ROLE, "Director of Engineering")])
    assert DIRECTOR_LADDER in answer.text


def test_path_to_manager_names_the_other_ways_in(ask):
    answer = ask(ActionShowPath, "How do I become an EM?", n.ASK_PATH, [(n.ROLE, "EM")])
    assert "project engineer → engineering manager" in answer.text
    assert "You can also move into engineering manager from project manager or engineering project manager." \
        in answer.text


def test_entity_in_the_message_wins_over_the_slot(ask):
    answer = ask(ActionShowPath, "and how do I become a director?", n.ASK_PATH, [(n.ROLE, "director")],
                 {n.ROLE: "chief technology officer"})
    assert DIRECTOR_LADDER in answer.text and "chief technology officer" not in answer.text
    assert answer.slots[n.ROLE] == "engineering director"


def test_path_uses_the_remembered_role_when_none_is_named(ask):
    answer = ask(ActionShowPath, "how do I get there?", n.ASK_PATH, [], {n.ROLE: "engineering director"})
    assert DIRECTOR_LADDER in answer.text


def test_path_found_by_phrase_when_the_nlu_missed_the_entity(ask):
    answer = ask(ActionShowPath, "how do I become an engineering director?", n.ASK_PATH, [])
    assert DIRECTOR_LADDER in answer.text


def test_path_to_an_entry_level_role_says_it_is_where_people_start(ask, kb):
    answer = ask(ActionShowPath, "How do I become a staff engineer?", n.ASK_PATH, [(n.ROLE, "staff engineer")])
    assert "is an entry-level role — it's where people start" in answer.text
    for field in q.degree(kb, "bachelors").fields:
        assert field in answer.text
    for skill in q.skills(kb, "entry"):
        assert skill.name in answer.text
    assert "From there people move up to project engineer, project manager or engineering project manager " \
           f"(typically {ENTRY_TO_MID})" in answer.text


def test_path_to_a_role_without_a_known_way_in_says_so(ask, kb):
    answer = ask(ActionShowPath, "How do I become a principal engineer?", n.ASK_PATH,
                 [(n.ROLE, "principal engineer")])
    assert "The knowledge base knows no typical route into **principal engineer**" in answer.text
    assert q.role(kb, "principal engineer").summary in answer.text
    assert "→" not in answer.text


def test_path_to_an_unknown_role_says_so_and_lists_the_known_roles(ask, kb):
    answer = ask(ActionShowPath, "How do I become an astronaut?", n.ASK_PATH, [], {n.ROLE: "engineering manager"})
    assert answer.text.startswith('Sorry, my knowledge base has nothing on "astronaut"')
    for role in q.roles(kb):
        assert role.name in answer.text
    assert "→" not in answer.text  # no silent answer about the remembered engineering manager
    assert answer.slots == {n.TOPIC: n.TOPIC_PATH}
    assert '/ask_path{"role": "engineering manager"}' in answer.payloads()


def test_where_do_i_start(ask, kb):
    answer = ask(ActionShowPath, "Where do I start?", n.ASK_PATH)
    assert "Most people start in an entry-level role: staff engineer, project engineer or junior project manager." \
        in answer.text
    assert "mechanical engineering, electrical engineering, civil engineering or industrial engineering" in answer.text
    assert "PMP (Project Management Professional) and Lean Six Sigma" in answer.text
    assert ENTRY_TO_MID in answer.text


def test_path_without_any_role_asks_which(ask):
    answer = ask(ActionShowPath, "how do I get there?", n.ASK_PATH)
    assert answer.texts == [ASK_WHICH_ROLE]
    assert "How do I become an engineering manager?" in [b["title"] for b in answer.buttons]
    assert answer.slots == {n.TOPIC: n.TOPIC_PATH}


def test_path_question_about_a_certification_is_answered_about_it(ask):
    answer = ask(ActionShowPath, "how do I get PMP certified?", n.ASK_PATH, [(n.CERTIFICATION, "PMP")])
    assert "**PMP** — Project Management Professional" in answer.text
    assert answer.slots == {n.CERTIFICATION: "PMP", n.TOPIC: n.TOPIC_CERTIFICATIONS}


# ------------------------------------------------------------------ duration
def test_duration_to_director_is_honest_about_unknown_steps(ask):
    answer = ask(ActionShowDuration, "How long does it take to become a director?", n.ASK_DURATION,
                 [(n.ROLE, "director")])
    assert "- project engineer → engineering manager: no typical time given" in answer.text
    assert "- engineering manager → engineering director: no typical time given" in answer.text
    assert f"moving from an entry-level role into a mid-level one typically takes {ENTRY_TO_MID}" in answer.text
    assert answer.slots == {n.ROLE: "engineering director", n.TOPIC: n.TOPIC_DURATION}


def test_duration_to_a_mid_level_role(ask):
    answer = ask(ActionShowDuration, "How long until I'm a project manager?", n.ASK_DURATION,
                 [(n.ROLE, "project manager")])
    assert f"→ project manager: typically {ENTRY_TO_MID}" in answer.text


def test_duration_of_the_mem_and_the_mba(ask):
    mem = ask(ActionShowDuration, "How long does an MEM take?", n.ASK_DURATION, [(n.DEGREE, "MEM")])
    assert mem.texts == ["A Master's in Engineering Management (MEM) typically takes 1–2 years to complete, "
                         "depending on the program."]
    assert mem.slots == {n.DEGREE: "MEM", n.TOPIC: n.TOPIC_DURATION}
    mba = ask(ActionShowDuration, "How long is an MBA?", n.ASK_DURATION, [(n.DEGREE, "MBA")])
    assert "gives no typical duration for an MBA with a technical focus" in mba.text


def test_duration_uses_the_degree_in_context_after_talking_about_education(ask):
    answer = ask(ActionShowDuration, "How long does it take?", n.ASK_DURATION, [],
                 {n.DEGREE: "MEM", n.ROLE: "engineering manager", n.TOPIC: n.TOPIC_EDUCATION})
    assert "1–2 years" in answer.text


def test_duration_uses_the_role_in_context(ask):
    answer = ask(ActionShowDuration, "How long does it take?", n.ASK_DURATION, [],
                 {n.ROLE: "staff engineer", n.TOPIC: n.TOPIC_PATH})
    assert "**Staff engineer** is an entry-level role" in answer.text
    assert ENTRY_TO_MID in answer.text


def test_duration_without_context_asks(ask):
    answer = ask(ActionShowDuration, "How long does it take?", n.ASK_DURATION)
    assert answer.texts == ["Which career step or degree do you mean? Pick one below or just type it."]
    assert '/ask_duration{"degree": "MEM"}' in answer.payloads()


def test_duration_of_a_certification_is_not_invented(ask):
    answer = ask(ActionShowDuration, "How long does PMP take?", n.ASK_DURATION, [(n.CERTIFICATION, "PMP")])
    assert answer.text.startswith("The knowledge base gives no typical time for earning PMP.")


# ------------------------------------------------------------------ next roles
def test_next_roles_after_manager(ask, kb):
    answer = ask(ActionShowNextRoles, "What comes after engineering manager?", n.ASK_NEXT_ROLE,
                 [(n.ROLE, "engineering manager")])
    for t in q.next_steps(kb, q.role(kb, "engineering manager")):
        assert f"- {t.to_role.name}" in answer.text
    assert {"senior engineering manager", "engineering director", "senior engineering director"} <= {
        line[2:] for line in answer.text.splitlines() if line.startswith("- ")}
    assert answer.slots == {n.ROLE: "engineering manager", n.TOPIC: n.TOPIC_NEXT}


def test_next_roles_with_time(ask):
    answer = ask(ActionShowNextRoles, "What comes after staff engineer?", n.ASK_NEXT_ROLE,
                 [(n.ROLE, "staff engineer")])
    assert f"This move typically takes {ENTRY_TO_MID}." in answer.text


def test_next_roles_after_director_and_after_the_top(ask):
    director = ask(ActionShowNextRoles, "What's after director?", n.ASK_NEXT_ROLE, [(n.ROLE, "director")])
    assert "- VP of engineering" in director.text and "- chief technology officer" in director.text
    cto = ask(ActionShowNextRoles, "What comes after CTO?", n.ASK_NEXT_ROLE, [(n.ROLE, "CTO")])
    assert "The knowledge base names no next step after **chief technology officer**." in cto.text


def test_next_roles_without_a_role_asks(ask):
    answer = ask(ActionShowNextRoles, "what's next?", n.ASK_NEXT_ROLE)
    assert answer.texts == [ASK_WHICH_ROLE]
    assert '/ask_next_role{"role": "engineering manager"}' in answer.payloads()
