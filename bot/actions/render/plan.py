"""Rendering of the career plan and the form's questions (bot/actions/plan.py). The plan objects are
duck-typed (bot.actions.career.plan.CareerPlan / PlanStep)."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from knowledge import models as m

from .paths import timed_reference
from .text import (
    bullets, cap, cert_label, decap, degree_label, join_names, ladder_label, paragraphs, render_known,
    stage_label, step_label, unique, with_article, years_of_experience, years_text)


def _years_span(lo: float, hi: float) -> str:
    """'1–4', '2' (years, rounded to halves)."""
    def fmt(x: float) -> str:
        x = round(x * 2) / 2
        return str(int(x)) if x == int(x) else str(x)
    return fmt(lo) if fmt(lo) == fmt(hi) else f"{fmt(lo)}–{fmt(hi)}"


def profile_line(years: float | int | None, discipline: m.Discipline | None, other_discipline: bool = False,
                 held: Sequence[m.Certification] = ()) -> str:
    """'Based on: 4 years of experience · mechanical engineering · you hold PMP' ('' when nothing is known)."""
    parts = [years_of_experience(years) if years is not None else "",
             discipline.name if discipline is not None else ("another discipline" if other_discipline else ""),
             "you hold " + join_names(c.abbreviation for c in held) if held else ""]
    parts = [x for x in parts if x]
    return "Based on: " + " · ".join(parts) if parts else ""


def _moves_from(role: m.Role, next_steps: Sequence[m.Transition]) -> str:
    """'From engineering director, people move up to X or Y.' or that the KB names no move out of it."""
    if not next_steps:
        return f"The knowledge base names no move out of {role.name}."
    return f"From {role.name}, people move up to {join_names(unique(t.to_role.name for t in next_steps), 'or')}."


def _plan_step(number: int, step: Any) -> str:
    t = step.transition
    years = years_text(t.min_years, t.max_years, t.years_note)
    head = f"**Step {number}: {step_label(t)}**" + (f" (typically {years})" if years else "")
    lines = [h.text for h in t.helps]
    if step.certifications:
        lines.append("Certifications: " + join_names(cert_label(c) for c in step.certifications))
    if step.held:
        lines.append("Already done: you hold " + join_names(c.abbreviation for c in step.held))
    if step.degrees:
        lines.append("Degrees: " + join_names(degree_label(d) for d in step.degrees))
    if step.skills:
        lines.append(f"Skills for the {stage_label(step.new_stages)} stage: " + "; ".join(s.name for s in step.skills))
    if not lines:
        lines.append("The knowledge base names nothing in particular to build for this step.")
    return head + "\n" + bullets(lines)


def _plan_timing(plan: Any) -> str:
    steps = [s.transition for s in plan.steps]
    timed_steps = [t for t in steps if years_text(t.min_years, t.max_years)]
    parts = []
    if not timed_steps:
        parts.append(("The source gives no typical time for this step." if len(steps) == 1 else
                      "The source gives no typical time for these steps.") + " "
                     + timed_reference(plan.timed, "Its only timing"))
    elif len(timed_steps) < len(steps):
        parts.append("The source gives no typical time for the other steps.")
    left = plan.first_time_left
    if left is not None and plan.years is not None:
        lo, hi = left
        had = years_of_experience(plan.years)
        if hi <= 0:
            parts.append(f"With {had}, you're already past the typical time for step 1: what you build now "
                         "matters more than waiting.")
        elif lo <= 0:
            parts.append(f"With {had}, step 1 could come any time now, or take up to {_years_span(hi, hi)} more "
                         f"year{'' if hi == 1 else 's'} (counting from the start of your career).")
        else:
            parts.append(f"With {had}, that leaves about {_years_span(lo, hi)} more years for step 1 "
                         "(counting from the start of your career).")
    return " ".join(p.strip() for p in parts if p.strip())


def _plan_discipline(plan: Any) -> str:
    d = plan.discipline
    if d is not None and d.moves:
        moves = join_names((f"**{mv.target}**" + (f" ({decap(mv.description.rstrip('.'))})" if mv.description else ""))
                           for mv in d.moves)
        return f"Coming from {d.name}, the source also names a move into {moves}."
    if d is not None:
        return f"The source names no specific management move for {d.name}, so the general path above applies."
    if plan.other_discipline:
        return "The source names no specific move for your discipline, so the general path above applies."
    return ""


def render_career_plan(plan: Any) -> str:
    """A personal plan (plan.CareerPlan): the steps with what to build, time, discipline; or why there is
    no plan (already there, a step down, no known route)."""
    profile = profile_line(plan.years, plan.discipline, plan.other_discipline, plan.held)
    if plan.status == "already_there":
        return paragraphs(f"You're already {with_article(plan.target.name)}, so there is no step to plan.",
                          _moves_from(plan.current, plan.next_steps),
                          "Tell me a new target (for example \"I want to become …\") and I'll plan the way there.")
    if plan.status == "step_down":
        return paragraphs(
            f"**{cap(plan.target.name)}** comes before **{plan.current.name}** on the usual ladder "
            f"({ladder_label(plan.way_back)}), so it would be a step back; the knowledge base has no plan for "
            "moving down.", _moves_from(plan.current, plan.next_steps))
    if plan.status == "no_route":
        usual = (f"The usual way into {plan.target.name}: {ladder_label(plan.ladder)}." if plan.ladder else
                 f"It knows no usual way into {plan.target.name} either.")
        out = _moves_from(plan.current, plan.next_steps)
        return paragraphs(f"The knowledge base knows no route from **{plan.current.name}** to "
                          f"**{plan.target.name}**, so I can't make an honest plan for that move.", usual, out)
    ladder = ladder_label([s.transition for s in plan.steps])
    count = len(plan.steps)
    head = "\n".join(x for x in (f"**Your career plan: {plan.current.name} → {plan.target.name}**", profile,
                                  f"{ladder} ({count} step{'' if count == 1 else 's'})") if x)
    return paragraphs(head, *(_plan_step(i, s) for i, s in enumerate(plan.steps, 1)), _plan_timing(plan),
                      _plan_discipline(plan))


def render_plan_certifications(plan: Any, held: Sequence[m.Certification]) -> str:
    """"Which certifications should I get?" for the user's own plan: the next step's first, held ones left out."""
    had = (f"You already hold {join_names(c.abbreviation for c in held)}, so I've left "
           f"{'it' if len(held) == 1 else 'them'} out." if held else "")
    if plan.status != "plan":
        return paragraphs("Your plan has no steps to attach certifications to.", had)
    wanted = [(s, s.certifications) for s in plan.steps if s.certifications]
    if not wanted:
        if any(s.held for s in plan.steps):
            return (f"You already hold every certification tied to your plan "
                    f"({ladder_label([s.transition for s in plan.steps])}): "
                    f"{join_names(c.abbreviation for s in plan.steps for c in s.held)}.")
        return (f"No certification is tied to the steps of your plan "
                f"({ladder_label([s.transition for s in plan.steps])}).")
    first, certs = wanted[0]
    lines = [f"For {'your next step' if first is plan.steps[0] else 'a step on your way'}, "
             f"**{step_label(first.transition)}**: " + join_names(cert_label(c) for c in certs) + "."]
    later = [f"{step_label(s.transition)}: {join_names(cert_label(c) for c in cs)}" for s, cs in wanted[1:]]
    return paragraphs(*lines, "Later on:\n" + bullets(later) if later else "", had)


def render_certifications_not_held(certs: Sequence[m.Certification], held: Sequence[m.Certification]) -> str:
    """Every certification the user does not hold yet."""
    held_ids = {c.id for c in held}
    rest = [c for c in certs if c.id not in held_ids]
    had = f"You already hold {join_names(c.abbreviation for c in held)}."
    if not rest:
        return f"{had} That's every certification the knowledge base knows."
    return paragraphs(had, "The others the knowledge base knows:\n" + bullets(
        cert_label(c) + (f" ({stage_label(c.stage_names)})" if c.stage_names else "") for c in rest),
        "Tell me your current and target role and I'll say which fit your next step.")


def render_unknown_profile_role(value: str, close: Sequence[m.Role], roles: Sequence[m.Role]) -> str:
    """An answer the knowledge base does not know as a role: close names, then the known roles."""
    maybe = f"Did you mean {join_names((r.name for r in close), 'or')}?" if close else ""
    return paragraphs(f"I don't know \"{value}\" as a role on the engineering-management path.", maybe,
                      render_known("role", roles))
