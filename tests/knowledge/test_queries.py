"""Query functions over the shipped knowledge base: name resolution, paths, comparisons and filtered lists."""
from __future__ import annotations

import pytest

from knowledge import models as m
from knowledge import queries as q
from knowledge.queries import Name


# ------------------------------------------------------------------ resolve and suggest
@pytest.mark.parametrize("text, kind, canonical", [
    ("EM", "role", "engineering manager"),
    ("eng manager", "role", "engineering manager"),
    ("Engineering Managers", "role", "engineering manager"),
    ("director of engineering", "role", "engineering director"),
    ("  Director   of  Engineering ", "role", "engineering director"),
    ("VP Eng", "role", "VP of engineering"),
    ("vice president of engineering", "role", "VP of engineering"),
    ("CTO", "role", "chief technology officer"),
    ("senior director of engineering", "role", "senior engineering director"),
    ("PMP", "certification", "PMP"),
    ("project management professional", "certification", "PMP"),
    ("ScrumMaster", "certification", "CSM"),
    ("Certified Scrum Master", "certification", "CSM"),
    ("six sigma", "certification", "Lean Six Sigma"),
    ("Engineer-in-Training", "certification", "EIT"),
    ("MEM", "degree", "MEM"),
    ("master of engineering management", "degree", "MEM"),
    ("MBA", "degree", "MBA"),
    ("bachelor's degree", "degree", "bachelors"),
    ("supply chain management", "specialization", "operations and supply chain management"),
    ("pharma", "industry", "pharmaceuticals"),
    ("mechanical engineer", "discipline", "mechanical engineering"),
])
def test_resolve_any_alias_in_any_case(kb, text, kind, canonical):
    assert q.resolve(kb, text) == Name(kind, canonical)


@pytest.mark.parametrize("text, canonical", [
    ("Bachelor\u2019s degree", "bachelors"),
    ("Master\u2019s in Engineering Management", "MEM"),
    ("master\u2018s degree in engineering management", "MEM"),
])
def test_resolve_folds_typographic_apostrophes(kb, text, canonical):
    assert q.resolve(kb, text) == Name("degree", canonical)


def test_resolve_unknown_or_empty_is_none(kb):
    assert q.resolve(kb, "head of marketing") is None
    assert q.resolve(kb, "") is None


def test_resolve_restricted_to_a_kind(kb):
    assert q.resolve(kb, "PMP", kind="certification") == Name("certification", "PMP")
    assert q.resolve(kb, "PMP", kind="role") is None


def test_the_same_alias_never_means_two_things(kb):
    texts = [a.text for a in q.aliases(kb)]
    assert len(texts) == len(set(texts))


def test_every_named_thing_has_exactly_one_canonical_alias(kb):
    canon = [(a.kind, a.canonical) for a in q.aliases(kb) if a.is_canonical]
    assert len(canon) == len(set(canon))
    assert {c for k, c in canon if k == "role"} == {r.name for r in q.roles(kb)}
    assert {c for k, c in canon if k == "certification"} == {c.abbreviation for c in q.certifications(kb)}


def test_suggest_offers_the_closest_names(kb):
    assert q.suggest(kb, "director of engineerin")[0] == Name("role", "engineering director")
    assert q.suggest(kb, "pmpp") == [Name("certification", "PMP")]
    assert q.suggest(kb, "enginering manger")[0] == Name("role", "engineering manager")


def test_suggest_respects_kind_and_limit(kb):
    suggestions = q.suggest(kb, "manager", kind="role", n=2)
    assert len(suggestions) == 2 and all(s.kind == "role" for s in suggestions)
    assert q.suggest(kb, "xyzzy plugh") == []


# ------------------------------------------------------------------ ladder and paths
def test_ladder_to_director_starts_at_an_entry_role(kb):
    chain = q.ladder_to(kb, q.role(kb, "director of engineering"))
    assert [(t.from_role.name, t.to_role.name) for t in chain] == [
        ("project engineer", "engineering manager"), ("engineering manager", "engineering director")]


def test_ladder_to_cto_has_three_steps(kb):
    chain = q.ladder_to(kb, q.role(kb, "CTO"))
    assert [t.to_role.name for t in chain] == ["engineering manager", "engineering director",
                                               "chief technology officer"]
    assert chain[0].from_role.stage_names[0] == "entry"


def test_ladder_to_an_entry_role_or_an_unreachable_role_is_empty(kb):
    assert q.ladder_to(kb, q.role(kb, "staff engineer")) == []
    assert q.ladder_to(kb, q.role(kb, "CEO")) == []


def test_shortest_path_direct(kb):
    path = q.shortest_path(kb, q.role(kb, "EM"), q.role(kb, "engineering director"))
    assert len(path) == 1 and path[0].to_role.name == "engineering director"


def test_shortest_path_multi_step(kb):
    path = q.shortest_path(kb, q.role(kb, "staff engineer"), q.role(kb, "VP of engineering"))
    assert path[0].from_role.name == "staff engineer"
    # Ties are broken by data order: project engineer is the first mid-level step listed.
    assert [t.to_role.name for t in path] == [
        "project engineer", "engineering manager", "engineering director", "VP of engineering"]
    # The chain is connected.
    assert all(a.to_role_id == b.from_role_id for a, b in zip(path, path[1:]))


def test_shortest_path_unreachable_is_none(kb):
    assert q.shortest_path(kb, q.role(kb, "engineering director"), q.role(kb, "staff engineer")) is None
    assert q.shortest_path(kb, q.role(kb, "EM"), q.role(kb, "CEO")) is None


def test_shortest_path_to_the_same_role_is_empty(kb):
    manager = q.role(kb, "engineering manager")
    assert q.shortest_path(kb, manager, manager) == []


def test_next_steps_and_ways_in(kb):
    manager = q.role(kb, "engineering manager")
    assert [t.from_role.name for t in q.ways_in(kb, manager)] == [
        "project engineer", "project manager", "engineering project manager"]
    assert q.next_steps(kb, q.role(kb, "CEO")) == []


def test_role_by_unknown_name_is_none(kb):
    assert q.role(kb, "astronaut") is None
    assert q.role(kb, "PMP") is None  # a certification, not a role


# ------------------------------------------------------------------ comparisons
def test_comparison_in_both_orders(kb):
    manager, director = q.role(kb, "EM"), q.role(kb, "director")
    forward, backward = q.comparison(kb, manager, director), q.comparison(kb, director, manager)
    assert forward.swapped is False and backward.swapped is True
    assert forward.comparison.id == backward.comparison.id
    assert forward.comparison.rows[2].left_text == "They have more of a tactical focus."


def test_comparison_that_the_article_does_not_make_is_none(kb):
    assert q.comparison(kb, q.role(kb, "staff engineer"), q.role(kb, "CTO")) is None


# ------------------------------------------------------------------ certifications, degrees, skills
def test_certification_by_any_name(kb):
    assert q.certification(kb, "certified scrummaster").abbreviation == "CSM"
    assert q.certification(kb, "MEM") is None


@pytest.mark.parametrize("stage, expected", [
    (None, ["PMP", "EIT", "CPE", "CSM", "Lean Six Sigma"]),
    ("entry", ["PMP", "Lean Six Sigma"]),
    ("mid", ["PMP", "EIT", "CPE", "CSM"]),
    ("advanced", []),
])
def test_certifications_by_stage(kb, stage, expected):
    assert [c.abbreviation for c in q.certifications(kb, stage)] == expected


def test_degree_lookup(kb):
    assert q.degree(kb, "masters in engineering management").key == "MEM"
    assert q.degree(kb, "PhD") is None


@pytest.mark.parametrize("stage, first", [
    ("general", "Technical expertise and leadership skills"),
    ("entry", "Hands-on technical experience"),
    ("mid", "Budgeting"),
    ("advanced", "Technical leadership"),
    ("executive", "Executive leadership"),
])
def test_skills_by_stage(kb, stage, first):
    found = q.skills(kb, stage)
    assert found[0].name == first
    assert {s.stage for s in found} == {stage}


def test_all_skills_is_the_union_of_the_stages(kb):
    every = q.skills(kb)
    assert len(every) == sum(len(q.skills(kb, s)) for s in m.SKILL_STAGES)


# ------------------------------------------------------------------ specializations, industries, disciplines
def test_industries_by_pay(kb):
    assert [i.name for i in q.industries(kb, "high")] == ["software development", "aerospace", "pharmaceuticals"]
    assert [i.name for i in q.industries(kb, "competitive")] == ["construction", "manufacturing"]
    assert len(q.industries(kb)) == 8


def test_specializations_for_role(kb):
    assert [s.name for s in q.specializations_for_role(kb, q.role(kb, "project manager"))] == ["project management"]
    assert [s.name for s in q.specializations_for_role(kb, q.role(kb, "R&D manager"))] == [
        "product and innovation management"]
    assert q.specializations_for_role(kb, q.role(kb, "engineering director")) == []


def test_specialization_industry_discipline_by_alias(kb):
    assert q.specialization(kb, "systems engineering").name == "systems engineering and integration"
    assert q.industry(kb, "defence").name == "defense"
    assert q.discipline(kb, "software engineer").name == "software engineering"


def test_market_fact_unknown_key_is_none(kb):
    assert q.market_fact(kb, "median_salary") is None


# ------------------------------------------------------------------ lookup
@pytest.mark.parametrize("text, model, attr, value", [
    ("director of engineering", m.Role, "name", "engineering director"),
    ("csm", m.Certification, "abbreviation", "CSM"),
    ("mem program", m.Degree, "key", "MEM"),
    ("product management", m.Specialization, "name", "product and innovation management"),
    ("aerospace industry", m.Industry, "name", "aerospace"),
    ("civil engineers", m.Discipline, "name", "civil engineering"),
])
def test_lookup_returns_the_right_kind_of_thing(kb, text, model, attr, value):
    thing = q.lookup(kb, text)
    assert isinstance(thing, model) and getattr(thing, attr) == value


def test_lookup_unknown_is_none(kb):
    assert q.lookup(kb, "quantum plumber") is None


# ---------------------------------------------------------------- queries moved in from the action modules
def test_managed_by_is_the_inverse_of_reports_to(kb):
    assert [r.name for r in q.managed_by(kb, q.role(kb, "engineering director"))] == ["engineering manager"]
    assert [r.name for r in q.managed_by(kb, q.role(kb, "VP of engineering"))] == \
        ["engineering manager", "engineering director"]
    assert q.managed_by(kb, q.role(kb, "project engineer")) == []


def test_compared_with_and_stored_pairs(kb):
    em, ed = q.role(kb, "engineering manager"), q.role(kb, "engineering director")
    assert q.compared_with(kb, em) == [ed]
    assert q.compared_with(kb, ed) == [em]
    assert q.compared_with(kb, q.role(kb, "VP of engineering")) == []
    assert q.stored_pairs(kb) == [(em, ed)]


def test_reachable_roles_nearest_first(kb):
    names = [r.name for r in q.reachable_roles(kb, q.role(kb, "engineering director"))]
    assert names == ["VP of engineering", "chief technology officer"]
    from_pe = [r.name for r in q.reachable_roles(kb, q.role(kb, "project engineer"))]
    assert from_pe[0] == "project manager" and from_pe[-1] == "chief technology officer"
    assert "project engineer" not in from_pe
    assert q.reachable_roles(kb, q.role(kb, "chief technology officer")) == []


def test_timed_transitions_are_those_with_a_time(kb):
    timed = q.timed_transitions(kb)
    assert timed and all(t.min_years is not None or t.max_years is not None for t in timed)
    assert len(timed) == sum(1 for t in q.transitions(kb) if t.min_years is not None or t.max_years is not None)


def test_degree_helpers(kb):
    mba, mem = q.degree(kb, q.MBA_KEY), q.degree(kb, q.MEM_KEY)
    assert q.bachelor_degree(kb).level == q.BACHELOR_LEVEL
    assert q.mba_premium(kb, (mem, mba)).key == q.MBA_PREMIUM_FACT
    assert q.mba_premium(kb, (mem,)) is None
    assert [f.key for f in q.degree_facts(kb, mba)] == [q.MBA_PREMIUM_FACT]
    assert [f.key for f in q.degree_facts(kb, mem)] == [q.DEGREE_ROI_FACT]
    assert q.degree_facts(kb, q.bachelor_degree(kb)) == []
    assert q.degree_specializations(kb, mem) == q.specializations(kb) and q.degree_specializations(kb, mba) == []


def test_moved_queries_are_memoised_in_a_caching_session(kb_engine, kb_sessions):
    from sqlalchemy import event

    seen: list[str] = []

    def record(conn, cursor, statement, *args):
        seen.append(statement)

    event.listen(kb_engine, "before_cursor_execute", record)
    try:
        with kb_sessions() as s:
            q.enable_cache(s)
            ed = q.role(s, "engineering director")
            calls = [lambda: q.managed_by(s, ed), lambda: q.compared_with(s, ed), lambda: q.stored_pairs(s),
                     lambda: q.reachable_roles(s, ed), lambda: q.timed_transitions(s), lambda: q.bachelor_degree(s)]
            first = [call() for call in calls]
            seen.clear()
            assert [call() for call in calls] == first
            assert seen == []
    finally:
        event.remove(kb_engine, "before_cursor_execute", record)
