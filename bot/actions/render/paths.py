"""Rendering of the career-path answers (bot/actions/paths.py): the ladder to a role, where to start,
how long it takes, what comes next."""
from __future__ import annotations

from collections.abc import Sequence

from knowledge import models as m

from .certifications import render_certification
from .text import (
    STAGE_LABELS, bullets, cap, cert_label, degree_label, join_names, ladder_label, nothing_stored, paragraphs,
    stage_label, stages_phrase, step_label, unique, with_article, years_text)


def render_path(goal: m.Role, ladder: Sequence[m.Transition], other_ways: Sequence[m.Role] = (),
                timed: Sequence[m.Transition] = (), start: m.Role | None = None) -> str:
    """The shortest ladder up to `goal` (from `start` when given), step by step, with the time and what helps
    where known; when no step has a time, the timing the source does give (`timed`: every transition with
    a time)."""
    steps = []
    for t in ladder:
        years = years_text(t.min_years, t.max_years, t.years_note)
        head = f"**{step_label(t)}**" + (f" (typically {years})" if years else "")
        lines = [h.text for h in t.helps]
        if t.certifications:
            lines.append("Certifications: " + join_names(cert_label(c) for c in t.certifications))
        if t.degrees:
            lines.append("Degrees: " + join_names(degree_label(d) for d in t.degrees))
        steps.append(head + ("\n" + bullets(lines) if lines else ""))
    timed_steps = [t for t in ladder if years_text(t.min_years, t.max_years)]
    if not timed_steps:
        timing = "The source gives no typical time for " + ("this step." if len(ladder) == 1 else "these steps.")
        timing = f"{timing} {timed_reference(timed, 'Its only timing')}".strip()
    elif len(timed_steps) < len(ladder):
        timing = "The source gives no typical time for the other steps."
    else:
        timing = ""
    also = (f"You can also move into {goal.name} from {join_names((r.name for r in other_ways), 'or')}."
            if other_ways else "")
    head = (f"From **{start.name}** to **{goal.name}**" if start is not None else
            f"The usual way up to **{goal.name}**")
    return paragraphs(f"{head}:\n{ladder_label(ladder)}", *steps, timing, "" if start is not None else also)


def render_no_path_between(start: m.Role, goal: m.Role) -> str:
    """The knowledge base has no step from one role to the other."""
    return (f"The knowledge base has no step from {start.name} to {goal.name} (it only knows moves up the "
            f"ladder it describes).")


def render_entry_role(role: m.Role, bachelor: m.Degree | None, skills: Sequence[m.Skill],
                      certs: Sequence[m.Certification], next_steps: Sequence[m.Transition],
                      ways_in: Sequence[m.Transition] = ()) -> str:
    """An entry-level role: where people start, and what helps to get in and to move on."""
    other = [s for s in role.stage_names if s != "entry"]
    also = f" (it is also named at the {stage_label(other)} stage)" if other else ""
    head = f"**{cap(role.name)}** is an entry-level role{also} — it's where people start."
    helps = []
    if bachelor is not None:
        fields = f": {join_names(bachelor.fields, 'or')}" if bachelor.fields else ""
        helps.append(f"A {bachelor.name}{fields}")
    if skills:
        helps.append("Skills: " + "; ".join(s.name for s in skills))
    if certs:
        helps.append("Certifications that help early: " + join_names(cert_label(c) for c in certs))
    moved_in = ""
    if ways_in:
        times = unique(years_text(t.min_years, t.max_years, t.years_note) for t in ways_in)
        when = f" (typically {times[0]})" if len(times) == 1 and times[0] else ""
        moved_in = (f"People also move into it from "
                    f"{join_names(unique(t.from_role.name for t in ways_in), 'or')}{when}.")
    return paragraphs(head, role.summary, "What helps you get there:\n" + bullets(helps) if helps else "",
                      moved_in, render_moves_up(next_steps))


def render_moves_up(next_steps: Sequence[m.Transition]) -> str:
    """'From there people move up to X or Y (typically 5–8 years, ...).' ('' when none)."""
    if not next_steps:
        return ""
    names = unique(t.to_role.name for t in next_steps)
    times = unique(years_text(t.min_years, t.max_years, t.years_note) for t in next_steps)
    when = f" (typically {times[0]})" if len(times) == 1 and times[0] else ""
    return f"From there people move up to {join_names(names, 'or')}{when}."


def render_start(entry_roles: Sequence[m.Role], bachelor: m.Degree | None, skills: Sequence[m.Skill],
                 certs: Sequence[m.Certification], next_steps: Sequence[m.Transition]) -> str:
    """Where an engineering-management career starts: entry roles, education, skills, certifications."""
    head = (f"Most people start in an entry-level role: {join_names((r.name for r in entry_roles), 'or')}."
            if entry_roles else nothing_stored("entry-level roles"))
    helps = []
    if bachelor is not None:
        fields = f" — {join_names(bachelor.fields, 'or')}" if bachelor.fields else ""
        helps.append(f"Education: a {bachelor.name}{fields}")
    if skills:
        helps.append("Skills to build: " + "; ".join(s.name for s in skills))
    if certs:
        helps.append("Certifications that help early: " + join_names(cert_label(c) for c in certs))
    return paragraphs(head, bullets(helps), render_moves_up(next_steps))


def render_no_way_in(role: m.Role, specializations: Sequence[m.Specialization] = ()) -> str:
    """A role the knowledge base knows no route into: say so, and give what it knows."""
    specs = (f"An engineering-management specialization that leads to it: "
             f"{join_names((s.name for s in specializations), 'or')}." if specializations else "")
    stage = f"It is named at {stages_phrase(role.stage_names)}." if role.stage_names else ""
    return paragraphs(f"The knowledge base knows no typical route into **{role.name}**. What it does know:",
                      role.summary, stage, specs)


def timed_reference(timed: Sequence[m.Transition], lead: str = "The only timing the source gives") -> str:
    """The timing the source does give ('moving from an entry-level role into a mid-level one typically
    takes 5–8 years, ...'), from the timed transitions; '' when there are none."""
    if not timed:
        return ""
    times = unique(years_text(t.min_years, t.max_years, t.years_note) for t in timed)
    if len(times) != 1:
        return f"{lead}: " + "; ".join(
            f"{step_label(t)}: {years_text(t.min_years, t.max_years, t.years_note)}" for t in timed) + "."
    common_from = set.intersection(*(set(t.from_role.stage_names) for t in timed))
    common_to = set.intersection(*(set(t.to_role.stage_names) for t in timed))
    if common_from and common_to:
        src = STAGE_LABELS[sorted(common_from, key=list(STAGE_LABELS).index)[0]]
        dst = STAGE_LABELS[sorted(common_to - common_from or common_to, key=list(STAGE_LABELS).index)[0]]
        move = f"moving from {with_article(src)} role into {with_article(dst)} one"
    else:
        move = "moving into " + join_names(unique(t.to_role.name for t in timed), "or")
    return f"{lead}: {move} typically takes {times[0]}."


def render_role_duration(goal: m.Role, ladder: Sequence[m.Transition], entry_level: bool,
                         next_steps: Sequence[m.Transition], timed: Sequence[m.Transition]) -> str:
    """How long it takes to reach `goal`: the time per step where known, honest where not."""
    if entry_level:
        return paragraphs(f"**{cap(goal.name)}** is an entry-level role — it's where people start, so there is "
                          "no waiting time to get there.", render_moves_up(next_steps))
    if not ladder:
        return (f"The knowledge base knows no typical route into **{goal.name}**, so it has no typical time "
                "for getting there either.")
    lines = []
    for t in ladder:
        years = years_text(t.min_years, t.max_years, t.years_note)
        lines.append(f"{step_label(t)}: " + (f"typically {years}" if years else "no typical time given"))
    known = any(years_text(t.min_years, t.max_years) for t in ladder)
    return paragraphs(f"Getting to **{goal.name}** ({ladder_label(ladder)}):", bullets(lines),
                      "" if known else timed_reference(timed))


def render_degree_duration(d: m.Degree) -> str:
    """How long a degree takes, or that the knowledge base gives no time for it."""
    years = years_text(d.min_years, d.max_years)
    if years:
        note = f", {d.duration_note}" if d.duration_note else ""
        return f"{cap(with_article(degree_label(d)))} typically takes {years} to complete{note}."
    return f"The knowledge base gives no typical duration for {with_article(degree_label(d))}."


def render_next_roles(role: m.Role, steps: Sequence[m.Transition]) -> str:
    """The common next steps after `role`, with the time where known."""
    if not steps:
        stage = f" It is named at {stages_phrase(role.stage_names)}." if role.stage_names else ""
        return f"The knowledge base names no next step after **{role.name}**.{stage}"
    times = unique(years_text(t.min_years, t.max_years, t.years_note) for t in steps)
    shared = times[0] if len(times) == 1 else None
    lines = []
    for t in steps:
        years = years_text(t.min_years, t.max_years, t.years_note)
        lines.append(t.to_role.name + (f" (typically {years})" if years and not shared else ""))
    return paragraphs(f"After **{role.name}**, common next steps are:\n" + bullets(lines),
                      f"This move typically takes {shared}." if shared else "")


def render_certification_duration(c: m.Certification) -> str:
    """'How long does PMP take?': the source gives no time, so say so and describe the certification."""
    return f"The knowledge base gives no typical time for earning {c.abbreviation}.\n\n" + render_certification(c)


def render_ladder(by_stage: Sequence[tuple[str, Sequence[m.Role]]], typical: Sequence[m.Transition],
                  timed: Sequence[m.Transition] = ()) -> str:
    """The roles of each stage of the ladder, the typical progression and the timing the source gives."""
    lines = [f"**{cap(STAGE_LABELS.get(stage, stage))}**: {join_names(r.name for r in roles)}"
             for stage, roles in by_stage if roles]
    head = ("The engineering-management career ladder, stage by stage:" if len(by_stage) > 1 else
            f"{cap(STAGE_LABELS.get(by_stage[0][0], by_stage[0][0]))} roles on the engineering-management path:")
    progression = f"A typical progression: {ladder_label(typical)}." if typical else ""
    return paragraphs(head + "\n" + bullets(lines), progression, timed_reference(timed, "Timing"))
