"""Rendering of the education and skills answers (bot/actions/education.py)."""
from __future__ import annotations

from collections.abc import Sequence

from knowledge import models as m

from .text import (
    STAGE_LABELS, bullets, cap, decap, degree_label, first_sentence, join_names, nothing_stored, paragraphs,
    render_facts, stage_label, unique, with_article, years_text)


def render_degree(d: m.Degree, specializations: Sequence[m.Specialization] = (),
                  market_facts: Sequence[m.MarketFact] = ()) -> str:
    """One degree: what it is, how long it takes, fields or skills, the specializations it opens, and the
    market facts about it (pay premium, return on investment) with their sources."""
    years = years_text(d.min_years, d.max_years, d.duration_note)
    facts = [f"Fields: {join_names(d.fields)}" if d.fields else "",
             f"Duration: typically {years}" if years else "",
             f"Skills it teaches: {', '.join(d.skills)}" if d.skills else "",
             (f"Specializations it opens: {join_names(s.name for s in specializations)}" if specializations else "")]
    return paragraphs(f"**{cap(degree_label(d))}**", d.summary, bullets(facts),
                      render_facts(market_facts) if market_facts else "")


def render_degrees(degrees: Sequence[m.Degree], specializations: Sequence[m.Specialization] = (),
                   specializations_for: str | None = None, premium: m.MarketFact | None = None,
                   premium_for: str | None = None) -> str:
    """The degrees on the path, one bullet each with the key facts."""
    if not degrees:
        return nothing_stored("degrees")
    lines = []
    for d in degrees:
        bits = [first_sentence(d.summary)]
        if d.fields:
            bits.append(f"Fields: {join_names(d.fields, 'or')}.")
        years = years_text(d.min_years, d.max_years, d.duration_note)
        if years:
            bits.append(f"Takes typically {years}.")
        if d.skills:
            bits.append(f"Teaches {', '.join(s.lower() for s in d.skills)}.")
        if specializations and d.key == specializations_for:
            bits.append(f"Specializations: {join_names(s.name for s in specializations)}.")
        lines.append(f"**{cap(degree_label(d))}**: " + " ".join(b for b in bits if b))
    extra = render_facts([premium]) if premium is not None and any(d.key == premium_for for d in degrees) else ""
    return paragraphs("Degrees on the engineering-management path:\n" + bullets(lines), extra)


def render_skills(title: str, skills: Sequence[m.Skill]) -> str:
    """Skills as bullets; skills sharing the same reason are grouped on one line."""
    if not skills:
        return paragraphs(title, nothing_stored("skills for this stage"))
    groups: list[tuple[str | None, list[str]]] = []
    for s in skills:
        if groups and groups[-1][0] == s.detail and s.detail:
            groups[-1][1].append(s.name)
        else:
            groups.append((s.detail, [s.name]))
    lines = []
    for detail, names in groups:
        label = join_names([names[0]] + [decap(n) for n in names[1:]])
        lines.append(f"{label} — {decap(detail)}" if detail else label)
    return paragraphs(title, bullets(lines))


def render_skill_matches(skills: Sequence[m.Skill]) -> str:
    """Named skills with why they matter and the stages they are listed at."""
    by_name: dict[str, list[m.Skill]] = {}
    for s in skills:
        by_name.setdefault(s.name, []).append(s)
    lines = []
    for name, rows in by_name.items():
        stages = stage_label(unique(r.stage for r in rows))
        details = " ".join(unique(r.detail for r in rows if r.detail))
        lines.append(f"**{name}** ({stages}): {details}" if details else f"**{name}** ({stages})")
    return bullets(lines)


def skills_title(stage: str, role: m.Role | None = None) -> str:
    """'Skills for the mid-level stage:' or 'Skills for an engineering manager (advanced stage):'."""
    if stage == "general":
        return "Skills that matter at every stage:"
    label = STAGE_LABELS.get(stage, stage)
    if role is not None:
        return f"Skills for {with_article(role.name)} ({label} stage):"
    return f"Skills for the {label} stage:"


def render_role_skills(role: m.Role, by_stage: Sequence[tuple[str, Sequence[m.Skill]]],
                       general: Sequence[m.Skill]) -> str:
    """The skills of each stage `role` is named at; the general ones when it is placed at none."""
    sections = [render_skills(skills_title(st, role), skills) for st, skills in by_stage]
    if not sections:
        sections = [f"The knowledge base doesn't place {role.name} at a career stage, so here are the "
                    "skills that matter at every stage.",
                    render_skills(skills_title("general"), general)]
    return paragraphs(*sections)
