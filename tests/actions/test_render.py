"""Pure tests of bot/actions/render.py: objects in, text and buttons out (no Rasa, no database)."""
from __future__ import annotations

import json

import pytest

from bot.actions import buttons as btn
from bot.actions.render import certifications as certifications_render
from bot.actions.render import comparisons as comparisons_render
from bot.actions.render import education as education_render
from bot.actions.render import market as market_render
from bot.actions.render import paths as paths_render
from bot.actions.render import roles as roles_render
from bot.actions.render import specializations as specializations_render
from bot.actions.render import text as text_render
from knowledge import models as m


def role(name: str, stages=(), **kw) -> m.Role:
    """A transient Role (not in any session)."""
    return m.Role(name=name, stages=[m.RoleStage(stage=s) for s in stages], **kw)


def move(a: m.Role, b: m.Role, lo=None, hi=None, note=None, helps=(), certs=(), degrees=()) -> m.Transition:
    """A transient Transition."""
    return m.Transition(from_role=a, to_role=b, min_years=lo, max_years=hi, years_note=note,
                        helps=[m.TransitionHelp(text=h) for h in helps], certifications=list(certs),
                        degrees=list(degrees))


PAYSCALE = m.Source(key="payscale", title="PayScale: Engineering Manager Salary", url="https://example.org/pay")
SEED = m.Source(key="seed", title="The article", published="2025-03-27")


# ------------------------------------------------------------------ small helpers
@pytest.mark.parametrize("name, expected", [
    ("engineering manager", "an engineering manager"), ("VP of engineering", "a VP of engineering"),
    ("MEM", "an MEM"), ("MBA", "an MBA"), ("R&D manager", "an R&D manager"), ("staff engineer", "a staff engineer"),
    ("operations manager", "an operations manager"), ("chief technology officer", "a chief technology officer"),
])
def test_with_article_by_sound(name, expected):
    assert text_render.with_article(name) == expected


def test_join_names_uses_semicolons_when_a_name_holds_and():
    assert text_render.join_names(["a", "b", "c"]) == "a, b and c"
    assert text_render.join_names(["a", "b"], "or") == "a or b"
    assert text_render.join_names(["project management", "operations and supply chain management"]) == \
        "project management; operations and supply chain management"


@pytest.mark.parametrize("lo, hi, note, expected", [
    (5, 8, "depending on specific industry requirements", "5–8 years, depending on specific industry requirements"),
    (1, 2, None, "1–2 years"), (2, None, None, "at least 2 years"), (None, 3, None, "up to 3 years"),
    (1, 1, None, "1 year"), (None, None, "ignored", None),
])
def test_years_text(lo, hi, note, expected):
    assert text_render.years_text(lo, hi, note) == expected


def test_decap_keeps_abbreviations_and_letter_prefixes():
    assert text_render.decap("Mid-level positions demand it.") == "mid-level positions demand it."
    assert text_render.decap("C-suite roles need it.") == "C-suite roles need it."
    assert text_render.decap("PMP helps.") == "PMP helps."


def test_payload_is_rasa_intent_with_json_entities():
    assert btn.payload("ask_role_duties", {"role": "engineering director"}) == \
        '/ask_role_duties{"role": "engineering director"}'
    assert btn.payload("ask_salary") == "/ask_salary"
    button = btn.button("Compare", "compare", {"role": ["engineering manager", "engineering director"]})
    assert json.loads(button["payload"][len("/compare"):]) == {"role": ["engineering manager", "engineering director"]}


# ------------------------------------------------------------------ roles and time
def test_render_path_shows_ladder_time_and_helps():
    staff, pm, em = role("staff engineer", ["entry"]), role("project manager", ["mid"]), role("engineering manager")
    pmp = m.Certification(abbreviation="PMP", name="Project Management Professional")
    ladder = [move(staff, pm, 5, 8, "depending on specific industry requirements", ["Hands-on experience"], [pmp]),
              move(pm, em, helps=["Overseeing small teams"])]
    text = paths_render.render_path(em, ladder)
    assert "staff engineer → project manager → engineering manager" in text
    assert "(typically 5–8 years, depending on specific industry requirements)" in text
    assert "- Hands-on experience" in text and "- Overseeing small teams" in text
    assert "Certifications: PMP (Project Management Professional)" in text
    assert "no typical time for the other steps" in text


def test_render_path_without_times_gives_the_sources_only_timing():
    staff, pm = role("staff engineer", ["entry"]), role("project manager", ["mid"])
    pe, em, ed = role("project engineer", ["entry", "mid"]), role("engineering manager"), role("engineering director")
    timed = [move(staff, pm, 5, 8, "depending on specific industry requirements")]
    text = paths_render.render_path(ed, [move(pe, em), move(em, ed)], timed=timed)
    assert "The source gives no typical time for these steps." in text
    assert "moving from an entry-level role into a mid-level one typically takes 5–8 years" in text


def test_render_duties_lists_every_duty_or_says_there_are_none():
    director = role("engineering director", summary="Leads multiple teams.", responsibilities=[
        m.Responsibility(title="Strategic planning", description="Develop roadmaps."),
        m.Responsibility(title="Risk management", description="Identify risks.")])
    text = roles_render.render_duties(director)
    assert "Leads multiple teams." in text
    assert "- **Strategic planning**: Develop roadmaps." in text and "- **Risk management**: Identify risks." in text
    bare = roles_render.render_duties(role("principal engineer", summary="Named at the advanced level."))
    assert "Named at the advanced level." in bare
    assert "holds no more detail on what a principal engineer does" in bare


def test_render_reporting_line_known_and_unknown():
    em, ed, vp = role("engineering manager"), role("engineering director"), role("VP of engineering")
    em.reports_to = [m.ReportingLine(manager=ed), m.ReportingLine(manager=vp)]
    assert roles_render.render_reporting_line(em) == \
        "An engineering manager reports to an engineering director or a VP of engineering."
    text = roles_render.render_reporting_line(ed, [em])
    assert "doesn't say whom an engineering director reports to" in text
    assert "Reporting to an engineering director: an engineering manager." in text


def test_render_comparison_follows_the_users_order():
    em, ed = role("engineering manager"), role("engineering director")
    em.id, ed.id = 1, 2
    table = m.Comparison(left_role=em, right_role=ed, left_role_id=1, right_role_id=2, intro="They differ.",
                         rows=[m.ComparisonRow(aspect="Focus", left_text="Tactical.", right_text="Strategic.")])
    forward = comparisons_render.render_comparison(em, ed, table)
    backward = comparisons_render.render_comparison(ed, em, table)
    assert forward.index("Engineering manager: Tactical.") < forward.index("Engineering director: Strategic.")
    assert backward.index("Engineering director: Strategic.") < backward.index("Engineering manager: Tactical.")
    assert backward.startswith("**Engineering director vs engineering manager**")


def test_render_facts_cites_each_source_with_its_figures():
    avg = m.MarketFact(label="Average salary", figure="$121,560 per year", year=2025, source=PAYSCALE)
    outlook = m.MarketFact(label="Outlook", figure="Strong.", year=2025, note="High demand.", source=SEED)
    text = text_render.render_facts([avg, outlook])
    assert "- Average salary (2025): $121,560 per year.\nSource: PayScale: Engineering Manager Salary — " \
           "https://example.org/pay" in text
    assert "- Outlook (2025): Strong. High demand.\nSource: The article, published 2025-03-27" in text


def test_render_salary_note_for_other_roles_and_empty_figures():
    text = market_render.render_salary([], [], [], about="engineering director")
    assert "salary figures are for engineering managers; it has none for an engineering director" in text
    assert "holds no salary figures" in text


def test_render_skills_groups_skills_with_the_same_reason():
    skills = [m.Skill(stage="mid", name="Budgeting", detail="Mid-level positions demand it."),
              m.Skill(stage="mid", name="Scheduling", detail="Mid-level positions demand it."),
              m.Skill(stage="mid", name="Process optimization", detail="Needed later.")]
    text = education_render.render_skills("Skills:", skills)
    assert "- Budgeting and scheduling — mid-level positions demand it." in text
    assert "- Process optimization — needed later." in text


def test_render_discipline_with_and_without_moves():
    mech = m.Discipline(name="mechanical engineering", moves=[
        m.DisciplineMove(target="manufacturing management", description="Oversee production.")])
    assert "**Manufacturing management**: Oversee production." in specializations_render.render_discipline(mech)
    bachelor = m.Degree(key="bachelors", name="bachelor's degree", level="bachelor",
                        items=[m.DegreeItem(kind="field", text="electrical engineering")])
    elec = m.Discipline(name="electrical engineering", moves=[])
    pe, em = role("project engineer"), role("engineering manager")
    text = specializations_render.render_discipline(elec, bachelor, [move(pe, em)])
    assert "names no specific management move for **electrical engineering**" in text
    assert "A bachelor's degree in electrical engineering is one of the usual foundations." in text
    assert "project engineer → engineering manager" in text


def test_render_unknown_offers_close_names_and_lists_known_roles():
    roles = [role("staff engineer", ["entry"]), role("engineering manager", ["advanced"]), role("program manager")]
    text = text_render.render_unknown("astronaut", "role", roles, ["staff engineer"])
    assert 'nothing on "astronaut"' in text
    assert "Did you mean staff engineer?" in text
    assert "- Entry-level: staff engineer" in text and "- Advanced: engineering manager" in text
    assert "- Also: program manager" in text
    assert "holds no roles" in text_render.render_known("role", [])


def test_render_certifications_lists_full_names_and_why_they_matter():
    pmp = m.Certification(abbreviation="PMP", name="Project Management Professional",
                          stages=[m.CertificationStage(stage="entry"), m.CertificationStage(stage="mid")],
                          signals=[m.CertificationSignal(text="Opens doors.")])
    lss = m.Certification(abbreviation="Lean Six Sigma", name="Lean Six Sigma", stages=[], signals=[])
    text = certifications_render.render_certifications([pmp, lss])
    assert "- **PMP** — Project Management Professional (entry-level and mid-level)" in text
    assert "- **Lean Six Sigma**" in text and "Lean Six Sigma (Lean Six Sigma)" not in text
    assert "Why they matter:\n- PMP: Opens doors." in text
