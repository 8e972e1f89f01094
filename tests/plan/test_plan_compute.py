"""The plan computation on small role graphs built in an in-memory SQLite, and on the shipped data after a
change to a copy of knowledge/data."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from bot.actions.career import plan as pl
from bot.actions.render import plan as plan_render
from bot.actions.render import text as text_render
from knowledge import models as m
from knowledge import queries as q
from knowledge.loader import DATA_DIR, create_schema, load


def graph_session() -> Session:
    """A session over a tiny graph: junior → lead (3–5 years, CERT-A, CERT-B) → head → chief; an isolated
    'island' role; skills for the mid and executive stages."""
    engine = create_engine("sqlite://", future=True)
    create_schema(engine)
    s = Session(engine, future=True)
    cert_a = m.Certification(abbreviation="CA", name="Cert A", position=0)
    cert_b = m.Certification(abbreviation="CB", name="Cert B", position=1)
    deg = m.Degree(key="DEG", name="Degree D", level="master", position=0)
    roles = {}
    for pos, (name, stages) in enumerate([("junior", ["entry"]), ("lead", ["entry", "mid"]), ("head", ["mid"]),
                                         ("chief", ["executive"]), ("island", [])]):
        roles[name] = m.Role(name=name, position=pos,
                             stages=[m.RoleStage(stage=x, position=i) for i, x in enumerate(stages)])
    s.add_all([cert_a, cert_b, deg, *roles.values()])
    s.add_all([
        m.Transition(from_role=roles["junior"], to_role=roles["lead"], min_years=3, max_years=5, position=0,
                     helps=[m.TransitionHelp(text="Lead a small project", position=0)],
                     certifications=[cert_a, cert_b], degrees=[deg]),
        m.Transition(from_role=roles["lead"], to_role=roles["head"], position=1,
                     helps=[m.TransitionHelp(text="Own a budget", position=0)]),
        m.Transition(from_role=roles["head"], to_role=roles["chief"], position=2, certifications=[cert_b]),
        m.Skill(stage="mid", name="Budgeting", position=0),
        m.Skill(stage="executive", name="Corporate strategy", position=1),
        m.Skill(stage="entry", name="Coordination", position=2),
    ])
    s.commit()
    return s


@pytest.fixture()
def g():
    with graph_session() as s:
        yield s


def role(s: Session, name: str) -> m.Role:
    return q.role(s, name) or s.scalars(q.select(m.Role).where(m.Role.name == name)).one()


def names(plan: pl.CareerPlan) -> list[str]:
    return [text_render.step_label(step.transition) for step in plan.steps]


def test_direct_step(g):
    plan = pl.plan_for(g, role(g, "junior"), role(g, "lead"))
    assert plan.status == pl.PLAN_OK
    assert names(plan) == ["junior → lead"]
    step = plan.steps[0]
    assert [c.abbreviation for c in step.certifications] == ["CA", "CB"]
    assert [d.key for d in step.degrees] == ["DEG"]
    assert step.new_stages == ("mid",) and [sk.name for sk in step.skills] == ["Budgeting"]


def test_multi_step_lists_each_stage_once(g):
    plan = pl.plan_for(g, role(g, "junior"), role(g, "chief"))
    assert names(plan) == ["junior → lead", "lead → head", "head → chief"]
    assert [step.new_stages for step in plan.steps] == [("mid",), (), ("executive",)]
    assert [[sk.name for sk in step.skills] for step in plan.steps] == [["Budgeting"], [], ["Corporate strategy"]]


def test_held_certifications_are_left_out_of_every_step(g):
    held = [g.scalars(q.select(m.Certification).where(m.Certification.abbreviation == "CB")).one()]
    plan = pl.plan_for(g, role(g, "junior"), role(g, "chief"), held=held)
    assert [[c.abbreviation for c in step.certifications] for step in plan.steps] == [["CA"], [], []]
    assert [[c.abbreviation for c in step.held] for step in plan.steps] == [["CB"], [], ["CB"]]
    text = plan_render.render_career_plan(plan)
    assert "Certifications: CA (Cert A)" in text and "Already done: you hold CB" in text
    assert "you hold CB" in text.splitlines()[1]


def test_unreachable_target_is_said_honestly(g):
    plan = pl.plan_for(g, role(g, "island"), role(g, "chief"))
    assert plan.status == pl.NO_ROUTE and plan.steps == ()
    assert text_render.ladder_label(plan.ladder) == "lead → head → chief"  # 'lead' is an entry-level role too
    text = plan_render.render_career_plan(plan)
    assert text.startswith("The knowledge base knows no route from **island** to **chief**")
    assert "The usual way into chief: lead → head → chief." in text
    assert "The knowledge base names no move out of island." in text


def test_already_there(g):
    plan = pl.plan_for(g, role(g, "head"), role(g, "head"))
    assert plan.status == pl.ALREADY_THERE
    text = plan_render.render_career_plan(plan)
    assert text.startswith("You're already a head, so there is no step to plan.")
    assert "From head, people move up to chief." in text


def test_target_below_the_current_role_is_a_step_down(g):
    plan = pl.plan_for(g, role(g, "chief"), role(g, "lead"))
    assert plan.status == pl.STEP_DOWN
    assert [text_render.step_label(t) for t in plan.way_back] == ["lead → head", "head → chief"]
    text = plan_render.render_career_plan(plan)
    assert "**Lead** comes before **chief** on the usual ladder (lead → head → chief), so it would be a step back" \
        in text


def test_time_per_step_and_time_left_from_an_entry_role(g):
    plan = pl.plan_for(g, role(g, "junior"), role(g, "head"), years=4)
    assert plan.first_time_left == (0.0, 1.0)
    text = plan_render.render_career_plan(plan)
    assert "**Step 1: junior → lead** (typically 3–5 years)" in text
    assert "The source gives no typical time for the other steps." in text
    assert "With 4 years of experience, step 1 could come any time now, or take up to 1 more year" in text
    later = plan_render.render_career_plan(pl.plan_for(g, role(g, "junior"), role(g, "head"), years=1))
    assert "With 1 year of experience, that leaves about 2–4 more years for step 1" in later
    past = plan_render.render_career_plan(pl.plan_for(g, role(g, "junior"), role(g, "head"), years=9))
    assert "you're already past the typical time for step 1" in past


def test_time_left_is_only_counted_from_an_entry_level_role(g):
    assert pl.plan_for(g, role(g, "head"), role(g, "chief"), years=4).first_time_left is None
    assert pl.time_left(None, None, 3) is None
    assert pl.time_left(5, 8, 2) == (3, 6)


def test_make_plan_is_pure_over_the_objects_it_is_given(g):
    junior, lead = role(g, "junior"), role(g, "lead")
    chain = q.shortest_path(g, junior, lead)
    plan = pl.make_plan(junior, lead, chain, years=2)
    assert names(plan) == ["junior → lead"] and plan.steps[0].skills == ()  # no skills given, none listed
    assert pl.make_plan(junior, lead, None, way_back=None).status == pl.NO_ROUTE
    assert pl.make_plan(lead, junior, None, way_back=chain).status == pl.STEP_DOWN


def test_shipped_plan_for_a_mechanical_project_engineer(kb):
    plan = pl.plan_for(kb, q.role(kb, "project engineer"), q.role(kb, "director"), 4,
                       q.discipline(kb, "mechanical engineer"))
    assert names(plan) == ["project engineer → engineering manager", "engineering manager → engineering director"]
    text = plan_render.render_career_plan(plan)
    assert text.startswith("**Your career plan: project engineer → engineering director**\n"
                           "Based on: 4 years of experience · mechanical engineering")
    assert "Certifications: PMP (Project Management Professional)" in text
    assert "Skills for the advanced stage: Technical leadership; Business acumen" in text
    assert "Coming from mechanical engineering, the source also names a move into **manufacturing management** " \
           "(oversee production processes and supply chains)." in text
    assert "moving from an entry-level role into a mid-level one typically takes 5–8 years" in text


def test_shipped_discipline_without_moves_gets_the_general_path(kb):
    plan = pl.plan_for(kb, q.role(kb, "project engineer"), q.role(kb, "engineering manager"), 4,
                       q.discipline(kb, "electrical engineering"))
    assert "The source names no specific management move for electrical engineering, so the general path above " \
           "applies." in plan_render.render_career_plan(plan)


def test_a_new_role_and_transition_in_the_data_change_the_plan_after_reload(tmp_path: Path):
    data = Path(shutil.copytree(DATA_DIR, tmp_path / "data"))
    engine = create_engine(f"sqlite:///{tmp_path / 'kb.db'}", future=True)
    load(engine, data)
    with Session(engine, future=True) as s:
        before = pl.plan_for(s, q.role(s, "project engineer"), q.role(s, "engineering director"))
        assert len(before.steps) == 2
        assert q.role(s, "head of engineering") is None
    with (data / "roles.yml").open("a", encoding="utf-8") as f:
        f.write("\n  - name: head of engineering\n    aliases: [head of eng]\n    stages: [executive]\n")
    with (data / "onet_mapping.yml").open("a", encoding="utf-8") as f:  # every role names its O*NET occupation
        f.write("\n  - role: head of engineering\n    occupations: []\n    reason: a test role\n")
    with (data / "transitions.yml").open("a", encoding="utf-8") as f:
        f.write("\n  - {from: project engineer, to: engineering director, helps: [Run a whole division]}\n"
                "  - {from: engineering director, to: head of engineering, min_years: 2, max_years: 3}\n")
    load(engine, data)
    with Session(engine, future=True) as s:
        after = pl.plan_for(s, q.role(s, "project engineer"), q.role(s, "engineering director"))
        assert names(after) == ["project engineer → engineering director"]
        assert "- Run a whole division" in plan_render.render_career_plan(after)
        head = pl.plan_for(s, q.role(s, "engineering director"), q.role(s, "head of eng"))
        assert names(head) == ["engineering director → head of engineering"]
        assert "(typically 2–3 years)" in plan_render.render_career_plan(head)
    engine.dispose()
