"""Rendering of the specialization, industry and discipline answers
(bot/actions/specializations.py)."""
from __future__ import annotations

from collections.abc import Sequence

from knowledge import models as m

from .text import bullets, cap, join_names, ladder_label, nothing_stored, paragraphs


def render_specialization(s: m.Specialization) -> str:
    """One specialization: its focus and the roles it can lead to."""
    roles = f"Roles it can lead to: {join_names(r.name for r in s.roles)}." if s.roles else ""
    return paragraphs(f"**{cap(s.name)}**", f"Focus: {s.focus}", roles)


def render_specializations(specs: Sequence[m.Specialization]) -> str:
    """Every specialization with its focus and roles."""
    if not specs:
        return nothing_stored("specializations")
    lines = [f"**{cap(s.name)}**: {s.focus}" + (f" Roles: {join_names(r.name for r in s.roles)}." if s.roles else "")
             for s in specs]
    return "Common specializations in engineering-management (MEM) programs:\n" + bullets(lines)


def render_role_specializations(role: m.Role, specs: Sequence[m.Specialization],
                                all_specs: Sequence[m.Specialization]) -> str:
    """The specializations that lead to `role`, or that none does."""
    if specs:
        return f"Specializations that lead to **{role.name}**:\n" + bullets(
            f"**{cap(s.name)}**: {s.focus}" for s in specs)
    return paragraphs(f"The knowledge base links no specialization to **{role.name}**. The ones it knows:",
                      bullets(cap(s.name) for s in all_specs))


PAY_LABELS = {"high": "one of the high-paying industries", "competitive": "can offer competitive salaries"}


def render_industry(i: m.Industry) -> str:
    """One industry and what the source says about it."""
    return paragraphs(f"**{cap(i.name)}**", i.note)


def render_industries(industries: Sequence[m.Industry]) -> str:
    """The industries grouped by what the source says about pay."""
    if not industries:
        return nothing_stored("industries")
    high = [i.name for i in industries if i.pay == "high"]
    comp = [i.name for i in industries if i.pay == "competitive"]
    other = [i.name for i in industries if i.pay not in ("high", "competitive")]
    lines = [f"High-paying: {join_names(high)}" if high else "",
             f"Competitive salaries: {join_names(comp)}" if comp else "",
             f"Also hiring engineering managers: {join_names(other)}" if other else ""]
    return "Industries that employ engineering managers:\n" + bullets(lines)


def render_discipline(d: m.Discipline, bachelor: m.Degree | None = None,
                      general_ladder: Sequence[m.Transition] = ()) -> str:
    """The moves the source names for engineers of discipline `d`, or that it names none."""
    if d.moves:
        return f"Coming from **{d.name}**, the source names:\n" + bullets(
            f"**{cap(mv.target)}**" + (f": {mv.description}" if mv.description else "") for mv in d.moves)
    parts = [f"The knowledge base names no specific management move for **{d.name}**, so the general path applies."]
    if bachelor is not None and d.name.lower() in (f.lower() for f in bachelor.fields):
        parts.append(f"A bachelor's degree in {d.name} is one of the usual foundations.")
    if general_ladder:
        parts.append(f"The usual progression: {ladder_label(general_ladder)}.")
    return paragraphs(*parts)


def render_disciplines(disciplines: Sequence[m.Discipline]) -> str:
    """Every discipline with the moves the source names for it."""
    if not disciplines:
        return nothing_stored("engineering disciplines")
    lines = []
    for d in disciplines:
        moves = join_names((mv.target for mv in d.moves), "or")
        lines.append(f"{cap(d.name)}: {moves}" if moves else f"{cap(d.name)}: no specific move named (general path)")
    return "Management moves by engineering discipline:\n" + bullets(lines)
