"""The loaded knowledge base holds the seed article's facts, fact by fact, and nothing the article does not say.

Expected values are transcribed from the seed article ("How to Advance in Engineering: The Path from Early
Steps to Leadership Roles", 27 March 2025), not copied from knowledge/data.
"""
from __future__ import annotations

import pytest

from knowledge import queries as q

SEED_ROLES = {
    "staff engineer", "project engineer", "junior project manager", "project manager",
    "engineering project manager", "engineering manager", "principal engineer", "senior engineering manager",
    "engineering director", "senior engineering director", "vp of engineering", "chief technology officer",
    "chief executive officer", "operations manager", "construction manager", "program manager",
    "supply chain analyst", "logistic engineer", "systems engineer", "integration manager", "r&d engineer",
    "product manager", "r&d manager", "innovation consultant",
}

DIRECTOR_DUTIES = [
    ("Resource allocation",
     "Distribute personnel, budget, and technology resources effectively to maximize efficiency and support "
     "business objectives."),
    ("Strategic planning",
     "Develop long-term engineering roadmaps that align with company goals and drive innovation."),
    ("Risk management",
     "Identify potential technical and operational risks, implementing strategies to mitigate challenges "
     "before they impact projects."),
    ("High-level stakeholder communication",
     "Collaborate with executives, investors, and other key stakeholders to provide updates and align "
     "engineering initiatives with business priorities."),
    ("Assist in organizational decision-making",
     "Contribute technical expertise and leadership insights to guide company-wide strategies and major "
     "business decisions."),
]

MANAGER_DUTIES = [
    ("Teams",
     "Lead, mentor, and support engineering teams to ensure they have the resources and guidance needed to "
     "succeed."),
    ("Budgets", "Manage project and departmental budgets to optimize resources while controlling costs."),
    ("Project timelines",
     "Oversee planning and education to keep projects on schedule and mitigate potential delays."),
    ("Cross-functional collaboration",
     "Facilitate communication between engineering and other departments to align technical and business "
     "goals."),
]

MANAGER_VS_DIRECTOR = [
    ("Scope",
     "They manage a specific team or department within engineering and oversee day-to-day technical "
     "execution, team performance, and project deliverables.",
     "They manage multiple teams or an entire engineering division and align engineering goals with business "
     "objectives and high-level strategy."),
    ("Decisions",
     "They lead engineers and make key decisions on project planning, task assignments, and process "
     "improvements.",
     "They engage in high-level decision-making, setting long-term technical vision and working closely with "
     "executives to ensure engineering aligns with company strategy."),
    ("Focus", "They have more of a tactical focus.", "They have more of a strategic focus."),
    ("Collaborators",
     "They work closely with product managers, designers, and other engineering teams to execute projects.",
     "They collaborate with executives, finance, HR, and business leaders to shape policies, budgets, and "
     "company-wide initiatives."),
    ("Budget",
     "They may have some budget responsibilities, but they mainly focus on team management and project "
     "execution.",
     "They manage budgets for multiple teams or departments, making high-level financial and operational "
     "decisions."),
    ("Technology and innovation",
     "They implement existing technologies and processes while optimizing performance.",
     "They drive technological innovation by evaluating new tools, processes, and industry trends to keep the "
     "company competitive."),
    ("Reporting line and next steps",
     "They report to an engineering director or VP of engineering. Common next career steps are becoming a "
     "senior engineering director or engineering director.",
     "They report to the VP of engineering, CTO, or CEO. Common next career steps include VP of engineering "
     "or chief technology officer (CTO)."),
]


def names(items) -> list[str]:
    """Lower-cased names of roles (or anything with .name), in order."""
    return [i.name.lower() for i in items]


# ------------------------------------------------------------------ roles and duties
def test_the_kb_names_exactly_the_roles_the_seed_names(kb):
    assert set(names(q.roles(kb))) == SEED_ROLES


def test_director_has_the_five_responsibilities_in_order(kb):
    director = q.role(kb, "engineering director")
    assert [(r.title, r.description) for r in director.responsibilities] == DIRECTOR_DUTIES


def test_manager_has_the_four_responsibilities_in_order(kb):
    manager = q.role(kb, "engineering manager")
    assert [(r.title, r.description) for r in manager.responsibilities] == MANAGER_DUTIES


def test_only_manager_and_director_have_responsibilities(kb):
    """The seed lists duties for these two roles only; the others must not get invented ones."""
    with_duties = {r.name for r in q.roles(kb) if r.responsibilities}
    assert with_duties == {"engineering manager", "engineering director"}


def test_director_leads_multiple_teams_and_shapes_the_engineering_vision(kb):
    director = q.role(kb, "engineering director")
    assert "leads multiple teams" in director.summary
    assert "engineering vision" in director.summary
    assert director.scope == "Multiple teams or an entire engineering division."


def test_manager_is_the_bridge_between_technical_experience_and_business_operations(kb):
    manager = q.role(kb, "engineering manager")
    assert "bridge between technical experience and business operations" in manager.summary
    assert manager.scope == "A specific team or department within engineering."
    assert manager.focus.startswith("Tactical")


def test_senior_engineering_manager_handles_more_extensive_projects(kb):
    senior = q.role(kb, "senior engineering manager")
    assert "more extensive projects" in senior.summary and "mentor emerging leaders" in senior.summary


# ------------------------------------------------------------------ manager vs director
def test_manager_vs_director_has_every_row_of_the_table_with_both_sides(kb):
    view = q.comparison(kb, q.role(kb, "engineering manager"), q.role(kb, "engineering director"))
    assert view is not None and not view.swapped
    assert view.comparison.left_role.name == "engineering manager"
    assert view.comparison.right_role.name == "engineering director"
    rows = [(r.aspect, r.left_text, r.right_text) for r in view.comparison.rows]
    assert rows == MANAGER_VS_DIRECTOR


def test_manager_vs_director_intro_names_scope_influence_and_responsibilities(kb):
    view = q.comparison(kb, q.role(kb, "engineering manager"), q.role(kb, "engineering director"))
    assert "scope, strategic influence, and responsibilities" in view.comparison.intro


# ------------------------------------------------------------------ stages and the ladder
@pytest.mark.parametrize("stage, expected", [
    ("entry", ["staff engineer", "project engineer", "junior project manager"]),
    ("mid", ["project engineer", "project manager", "engineering project manager"]),
    ("executive", ["vp of engineering", "chief technology officer", "chief executive officer"]),
])
def test_roles_at_each_stage(kb, stage, expected):
    assert names(q.roles(kb, stage)) == expected


def test_advanced_leadership_roles(kb):
    advanced = names(q.roles(kb, "advanced"))
    assert advanced[:4] == ["engineering manager", "principal engineer", "senior engineering manager",
                            "engineering director"]
    # Also named as leadership roles for seasoned professionals, not in the entry/mid lists.
    assert {"operations manager", "construction manager", "senior engineering director"} <= set(advanced)


def test_entry_to_mid_level_takes_five_to_eight_years(kb):
    entry, mid = set(names(q.roles(kb, "entry"))), set(names(q.roles(kb, "mid")))
    moves = [t for t in q.transitions(kb)
             if t.from_role.name in entry and t.to_role.name.lower() in mid]
    pairs = {(t.from_role.name, t.to_role.name) for t in moves}
    # Every entry-level role can progress into every mid-level role other than itself.
    assert pairs == {(a, b) for a in entry for b in mid if a != b}
    for t in moves:
        assert (t.min_years, t.max_years) == (5, 8), (t.from_role.name, t.to_role.name)
        assert t.years_note == "depending on specific industry requirements"


def test_only_the_entry_to_mid_step_has_a_duration(kb):
    """The seed gives a time for that step only; every other transition must have none."""
    timed = [t for t in q.transitions(kb) if t.min_years is not None or t.max_years is not None]
    entry, mid = set(names(q.roles(kb, "entry"))), set(names(q.roles(kb, "mid")))
    assert timed, "the 5-8 year step is missing"
    for t in timed:
        assert t.from_role.name in entry and t.to_role.name.lower() in mid, (t.from_role.name, t.to_role.name)


def test_certifications_that_help_from_entry_to_mid(kb):
    staff, pm = q.role(kb, "staff engineer"), q.role(kb, "project manager")
    [step] = q.shortest_path(kb, staff, pm)
    assert [c.abbreviation for c in step.certifications] == ["PMP", "EIT", "CPE", "CSM", "Lean Six Sigma"]
    assert [d.key for d in step.degrees] == ["MEM", "MBA"]


def test_the_summary_ladder_project_engineer_manager_director(kb):
    chain = q.ladder_to(kb, q.role(kb, "engineering director"))
    assert [t.from_role.name for t in chain] + [chain[-1].to_role.name] == [
        "project engineer", "engineering manager", "engineering director"]


def test_reporting_lines(kb):
    manager, director = q.role(kb, "engineering manager"), q.role(kb, "engineering director")
    assert [r.manager.name for r in manager.reports_to] == ["engineering director", "VP of engineering"]
    assert [r.manager.name for r in director.reports_to] == [
        "VP of engineering", "chief technology officer", "chief executive officer"]


def test_next_steps_of_manager_and_director(kb):
    manager, director = q.role(kb, "engineering manager"), q.role(kb, "engineering director")
    assert {t.to_role.name for t in q.next_steps(kb, manager)} == {
        "senior engineering manager", "engineering director", "senior engineering director"}
    assert [t.to_role.name for t in q.next_steps(kb, director)] == ["VP of engineering", "chief technology officer"]


def test_executive_roles_need_executive_leadership_financial_planning_and_corporate_strategy(kb):
    skills = [s.name for s in q.skills(kb, "executive")]
    assert skills[:3] == ["Executive leadership", "Financial planning", "Corporate strategy"]
    for role_name in ("VP of engineering", "chief technology officer"):
        role = q.role(kb, role_name)
        assert role.focus == "Executive leadership, financial planning and corporate strategy."
        helps = [h.text for t in q.ways_in(kb, role) for h in t.helps]
        assert "Experience in executive leadership, financial planning and corporate strategy" in helps


# ------------------------------------------------------------------ certifications
def test_certifications_with_full_names(kb):
    assert [(c.abbreviation, c.name) for c in q.certifications(kb)] == [
        ("PMP", "Project Management Professional"),
        ("EIT", "Engineer In Training"),
        ("CPE", "Certified Planning Engineer"),
        ("CSM", "Certified ScrumMaster"),
        ("Lean Six Sigma", "Lean Six Sigma"),
    ]


def test_certification_stages(kb):
    assert [c.abbreviation for c in q.certifications(kb, "entry")] == ["PMP", "Lean Six Sigma"]
    assert [c.abbreviation for c in q.certifications(kb, "mid")] == ["PMP", "EIT", "CPE", "CSM"]
    assert q.certifications(kb, "executive") == []


def test_why_pmp_matters(kb):
    signals = " ".join(s.text for s in q.certification(kb, "PMP").signals)
    assert "safety regulations and stakeholder management" in signals
    assert "enhance credibility" in signals and "higher management positions" in signals


# ------------------------------------------------------------------ education
def test_degrees_are_exactly_bachelors_mem_and_mba(kb):
    assert [d.key for d in q.degrees(kb)] == ["bachelors", "MEM", "MBA"]


def test_bachelors_fields(kb):
    assert q.degree(kb, "bachelor's degree").fields == [
        "mechanical engineering", "electrical engineering", "civil engineering", "industrial engineering"]


def test_mem_takes_one_to_two_years_and_teaches_six_skills(kb):
    mem = q.degree(kb, "MEM")
    assert mem.name == "Master's in Engineering Management"
    assert (mem.min_years, mem.max_years) == (1, 2)
    assert mem.duration_note == "depending on the program"
    assert mem.skills == ["Project planning", "Operations", "Finance", "Problem-solving", "Decision-making",
                          "Leadership"]
    assert "business strategy with technical knowledge" in mem.summary


def test_mba_has_the_same_skills_and_no_invented_duration(kb):
    mba = q.degree(kb, "MBA")
    assert mba.name == "MBA with a technical focus"
    assert mba.skills == q.degree(kb, "MEM").skills
    assert (mba.min_years, mba.max_years) == (None, None)


# ------------------------------------------------------------------ market
def test_average_salary_with_year_and_source(kb):
    fact = q.market_fact(kb, "average_salary")
    assert (fact.amount, fact.year) == (121560, 2025)
    assert "$121,560" in fact.figure
    assert fact.source.publisher == "PayScale"
    assert fact.source.url == "https://www.payscale.com/research/US/Job=Engineering_Manager/Salary"


def test_salary_range_with_source(kb):
    fact = q.market_fact(kb, "salary_range")
    assert (fact.amount, fact.amount_max) == (90000, 150000)
    assert "$90,000" in fact.figure and "$150,000+" in fact.figure
    assert fact.source.publisher == "PayScale"
    assert "six figures" in fact.note


def test_mba_premium_with_gmac_source(kb):
    fact = q.market_fact(kb, "mba_premium")
    assert fact.amount == 30000
    assert "$30,000" in fact.figure and "direct-from-industry hires" in fact.figure
    assert fact.source.title == "GMAC 2024 Corporate Recruiters Survey"
    assert fact.source.url == ("https://www.gmac.com/-/media/files/gmac/research/employment-outlook/"
                               "2024-corporate-recruiters-survey/2024_gmac_crs_report.pdf")


def test_outlook_and_roi_come_from_the_article(kb):
    outlook, roi = q.market_fact(kb, "outlook"), q.market_fact(kb, "roi")
    assert "remains strong" in outlook.figure
    assert "operations management, technology leadership, and consulting" in outlook.note
    assert roi.figure.startswith("Often high")
    assert outlook.source.key == roi.source.key == "seed"


def test_market_facts_are_exactly_the_five_the_article_gives(kb):
    assert [f.key for f in q.market_facts(kb)] == ["average_salary", "salary_range", "mba_premium", "outlook",
                                                    "roi"]


def test_seed_source_is_dated(kb):
    assert q.market_fact(kb, "outlook").source.published == "2025-03-27"


def test_employers(kb):
    assert [e.name for e in q.employers(kb)] == ["Deloitte", "Actalent", "Black & Veatch"]


# ------------------------------------------------------------------ specializations, industries, disciplines
def test_four_specializations_with_their_roles(kb):
    specs = [(s.name, names(s.roles)) for s in q.specializations(kb)]
    assert specs == [
        ("project management", ["project manager", "engineering project manager", "program manager"]),
        ("operations and supply chain management", ["operations manager", "supply chain analyst",
                                                    "logistic engineer"]),
        ("systems engineering and integration", ["systems engineer", "integration manager", "r&d engineer"]),
        ("product and innovation management", ["product manager", "r&d manager", "innovation consultant"]),
    ]


def test_specialization_focus(kb):
    focus = {s.name: s.focus for s in q.specializations(kb)}
    assert "resource allocation, budgeting, and risk management" in focus["project management"]
    assert "logistics, and supply chain efficiency" in focus["operations and supply chain management"]
    assert "integration of hardware and software, and reliability engineering" in focus[
        "systems engineering and integration"]
    assert "market-driven innovation, and R&D leadership" in focus["product and innovation management"]


def test_industries_by_pay(kb):
    assert [i.name for i in q.industries(kb, "high")] == ["software development", "aerospace", "pharmaceuticals"]
    assert [i.name for i in q.industries(kb, "competitive")] == ["construction", "manufacturing"]
    # Named by the article without anything said about pay: the KB must not invent a pay level.
    assert {i.name for i in q.industries(kb) if i.pay is None} == {"healthcare technology", "automotive",
                                                                   "defense"}


def test_discipline_moves(kb):
    moves = {d.name: [mv.target for mv in d.moves] for d in q.disciplines(kb)}
    assert moves == {
        "mechanical engineering": ["manufacturing management"],
        "software engineering": ["software project management", "technology consulting"],
        "civil engineering": ["construction management"],
        "electrical engineering": [],
        "industrial engineering": [],
    }
    mechanical = q.discipline(kb, "mechanical engineer")
    assert mechanical.moves[0].description == "Oversee production processes and supply chains."
    civil = q.discipline(kb, "civil engineer")
    assert "safety regulations and sustainability standards" in civil.moves[0].description


# ------------------------------------------------------------------ skills
def test_general_skills_include_gantt_charts_and_agile(kb):
    general = [s.name for s in q.skills(kb, "general")]
    for skill in ("Budgeting", "Scheduling", "Conflict resolution", "Gantt charts", "Agile methodologies",
                  "Strategic thinking", "Strong communication", "Continuous learning"):
        assert skill in general


def test_mid_level_skills(kb):
    mid = [s.name for s in q.skills(kb, "mid")]
    assert mid[:7] == ["Budgeting", "Scheduling", "Risk assessment", "Team leadership",
                       "Stakeholder communication", "Process optimization", "Technical decision-making"]


def test_entry_and_advanced_skills(kb):
    entry = {s.name: s.detail for s in q.skills(kb, "entry")}
    assert "Project coordination" in entry and "Hands-on technical experience" in entry
    # The MEM/MBA management skills are "useful in the early stages of an engineer's career".
    management = next(name for name in entry if name.startswith("Management skills"))
    for skill in ("project planning", "operations", "finance", "problem-solving", "decision-making", "leadership"):
        assert skill in management
    advanced = {s.name: s.detail for s in q.skills(kb, "advanced")}
    assert list(advanced)[:2] == ["Technical leadership", "Business acumen"]
    assert advanced["Understanding industry trends and emerging technologies"] == (
        "Crucial for career longevity in engineering leadership.")
