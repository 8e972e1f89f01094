"""action_show_education and action_show_skills over the shipped knowledge base."""
from __future__ import annotations

from bot.actions import ActionShowEducation, ActionShowSkills
from bot.actions import names as n
from bot.actions.render.text import decap
from knowledge import queries as q


# ------------------------------------------------------------------ education
def test_overview_of_the_degrees(ask, kb):
    answer = ask(ActionShowEducation, "Which degrees help?", n.ASK_EDUCATION)
    for degree in q.degrees(kb):
        assert degree.name.lower() in answer.text.lower()
    assert "**Bachelor's degree in engineering**" in answer.text
    assert "mechanical engineering, electrical engineering, civil engineering or industrial engineering" in answer.text
    assert "1–2 years, depending on the program" in answer.text
    assert "around $30,000 more on average" in answer.text and "GMAC 2024 Corporate Recruiters Survey" in answer.text
    assert '/compare{"degree": ["MEM", "MBA"]}' in answer.payloads()


def test_mem_what_how_long_skills_and_specializations(ask, kb):
    answer = ask(ActionShowEducation, "What is an MEM?", n.ASK_EDUCATION, [(n.DEGREE, "MEM")])
    mem = q.degree(kb, "MEM")
    assert mem.summary in answer.text
    assert "- Duration: typically 1–2 years, depending on the program" in answer.text
    assert "- Skills it teaches: Project planning, Operations, Finance, Problem-solving, Decision-making, " \
           "Leadership" in answer.text
    assert "- Specializations it opens: project management; operations and supply chain management; systems " \
           "engineering and integration; product and innovation management" in answer.text
    assert "Return on investment of an engineering management degree (2025): Often high, given strong career " \
           "stability and salary growth." in answer.text
    assert answer.slots == {n.DEGREE: "MEM", n.TOPIC: n.TOPIC_EDUCATION}


def test_mba_carries_its_pay_premium_with_source_and_year(ask):
    answer = ask(ActionShowEducation, "What is an MBA?", n.ASK_EDUCATION, [(n.DEGREE, "MBA")])
    assert "MBA graduates' pay premium (2024): around $30,000 more on average than other experienced, " \
           "direct-from-industry hires." in answer.text
    assert "Source: GMAC 2024 Corporate Recruiters Survey — https://www.gmac.com/" in answer.text


def test_bachelors_fields(ask, kb):
    answer = ask(ActionShowEducation, "Which bachelor's should I study?", n.ASK_EDUCATION,
                 [(n.DEGREE, "bachelor's")])
    assert "- Fields: mechanical engineering, electrical engineering, civil engineering and industrial " \
           "engineering" in answer.text
    assert answer.slots[n.DEGREE] == "bachelors"


def test_unknown_degree_is_reported_with_the_known_ones(ask):
    answer = ask(ActionShowEducation, "What is a PhD?", n.ASK_EDUCATION, [], {n.DEGREE: "MEM"})
    assert answer.text.startswith('Sorry, my knowledge base has nothing on "PhD"')
    assert "It knows these degrees: bachelor's degree in engineering, Master's in Engineering Management (MEM) " \
           "and MBA with a technical focus." in answer.text


# ------------------------------------------------------------------ skills
def skill_lines(text: str) -> str:
    """The text lower-cased (skills after the first of a group are lower-cased)."""
    return text.lower()


def test_general_skills(ask, kb):
    answer = ask(ActionShowSkills, "What skills do I need?", n.ASK_SKILLS)
    assert answer.text.startswith("Skills that matter at every stage:")
    for skill in q.skills(kb, "general"):
        assert skill.name.lower() in skill_lines(answer.text)
    assert "Gantt charts and agile methodologies — implemented to manage time more efficiently" in answer.text
    assert answer.slots == {n.TOPIC: n.TOPIC_SKILLS}


def test_mid_career_skills(ask, kb):
    answer = ask(ActionShowSkills, "What should I master mid-career?", n.ASK_SKILLS)
    assert answer.text.startswith("Skills for the mid-level stage:")
    for skill in q.skills(kb, "mid"):
        assert skill.name.lower() in skill_lines(answer.text)
        assert decap(skill.detail) in answer.text
    for skill in q.skills(kb, "executive"):
        assert skill.name.lower() not in skill_lines(answer.text)


def test_skills_for_a_role_use_its_stage(ask, kb):
    answer = ask(ActionShowSkills, "What skills does an EM need?", n.ASK_SKILLS, [(n.ROLE, "EM")])
    assert answer.text.startswith("Skills for an engineering manager (advanced stage):")
    for skill in q.skills(kb, "advanced"):
        assert skill.name.lower() in skill_lines(answer.text)
    assert answer.slots == {n.ROLE: "engineering manager", n.TOPIC: n.TOPIC_SKILLS}


def test_skills_for_the_role_in_context_cover_each_of_its_stages(ask):
    answer = ask(ActionShowSkills, "and what skills do I need?", n.ASK_SKILLS, [], {n.ROLE: "project engineer"})
    assert "Skills for a project engineer (entry-level stage):" in answer.text
    assert "Skills for a project engineer (mid-level stage):" in answer.text
    assert n.ROLE not in answer.slots  # the remembered role is not re-set


def test_gantt_charts_and_agile(ask):
    answer = ask(ActionShowSkills, "Why Gantt charts and Agile?", n.ASK_SKILLS)
    assert answer.text == ("- **Gantt charts** (every stage): Implemented to manage time more efficiently and help "
                           "balance workloads.\n- **Agile methodologies** (every stage): Implemented to manage time "
                           "more efficiently and help balance workloads.")


def test_role_without_a_stage_gets_the_general_skills_with_a_note(ask):
    answer = ask(ActionShowSkills, "skills for a program manager", n.ASK_SKILLS, [(n.ROLE, "program manager")])
    assert "doesn't place program manager at a career stage" in answer.text
    assert "Skills that matter at every stage:" in answer.text


def test_unknown_role_in_a_skills_question(ask):
    answer = ask(ActionShowSkills, "what skills do I need as an astronaut?", n.ASK_SKILLS)
    assert 'nothing on "astronaut"' in answer.text
