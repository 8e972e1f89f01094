"""Specialization, industry and discipline actions: where an engineering-management career can branch."""
from __future__ import annotations

from knowledge import queries as q

from . import names as n
from .buttons import button
from .render.specializations import (
    render_discipline, render_disciplines, render_industries, render_industry, render_role_specializations,
    render_specialization, render_specializations)
from .render.text import cap, with_article
from .base import Context, KnowledgeAction, Reply

# The goal of "the general path" offered to engineers of a discipline the source names no move for.
GENERAL_PATH_GOAL = "engineering director"


class ActionShowSpecializations(KnowledgeAction, action_name=n.ACTION_SHOW_SPECIALIZATIONS,
                                topic=n.TOPIC_SPECIALIZATIONS, takes=(n.SPECIALIZATION, n.ROLE),
                                answers_kind=n.SPECIALIZATION, intent=n.ASK_SPECIALIZATIONS,
                                mention_kinds=(n.SPECIALIZATION, None), unknown_kind=n.SPECIALIZATION):
    """Specializations: one (focus and roles), those leading to a role, or all of them."""

    def answer(self, ctx: Context) -> Reply:
        """The specialization named; else those for the role named; else all of them."""
        s = ctx.session
        name = ctx.first(n.SPECIALIZATION)
        if name is not None:
            spec = q.specialization(s, name)
            buttons = [button(f"What does {with_article(r.name)} do?", n.ASK_ROLE_DUTIES,
                                     {n.ROLE: r.name}) for r in spec.roles[:2]]
            buttons.append(button("All specializations", n.ASK_SPECIALIZATIONS))
            return self.reply(render_specialization(spec), buttons, specialization=spec.name)
        role_name = ctx.first(n.ROLE)
        if role_name is not None:
            role = q.role(s, role_name)
            specs = q.specializations_for_role(s, role)
            buttons = [button(cap(sp.name), n.ASK_SPECIALIZATIONS, {n.SPECIALIZATION: sp.name})
                       for sp in specs[:3]]
            return self.reply(render_role_specializations(role, specs, q.specializations(s)), buttons,
                              role=role.name)
        specs = q.specializations(s)
        buttons = [button(cap(sp.name), n.ASK_SPECIALIZATIONS, {n.SPECIALIZATION: sp.name})
                   for sp in specs[:4]]
        return self.reply(render_specializations(specs), buttons)


class ActionShowIndustries(KnowledgeAction, action_name=n.ACTION_SHOW_INDUSTRIES, topic=n.TOPIC_INDUSTRIES,
                           takes=(n.INDUSTRY,), answers_kind=n.INDUSTRY, intent=n.ASK_INDUSTRIES,
                           mention_kinds=(None,), unknown_kind=n.INDUSTRY):
    """Industries: one (what the source says), or all grouped by pay."""

    def answer(self, ctx: Context) -> Reply:
        """The industry named, or all of them."""
        s = ctx.session
        name = ctx.first(n.INDUSTRY)
        salary = button("What do engineering managers earn?", n.ASK_SALARY)
        if name is not None:
            industry = q.industry(s, name)
            buttons = [salary, button("All industries", n.ASK_INDUSTRIES)]
            return self.reply(render_industry(industry), buttons, industry=industry.name)
        return self.reply(render_industries(q.industries(s)), [
            salary, button("Which specializations are there?", n.ASK_SPECIALIZATIONS)])


class ActionShowDisciplineMoves(KnowledgeAction, action_name=n.ACTION_SHOW_DISCIPLINE_MOVES,
                                topic=n.TOPIC_DISCIPLINE, takes=(n.DISCIPLINE,), answers_kind=n.DISCIPLINE,
                                intent=n.ASK_DISCIPLINE_MOVES, mention_kinds=(None,), unknown_kind=n.DISCIPLINE):
    """Moves by engineering discipline (mechanical -> manufacturing management...), honest where none."""

    def answer(self, ctx: Context) -> Reply:
        """The moves for the discipline named, or the moves of every discipline (a short list, so it is
        shown rather than the remembered discipline again)."""
        s = ctx.session
        name = ctx.first(n.DISCIPLINE)
        if name is None:
            buttons = [button(f"I'm {with_article(d.name.replace('engineering', 'engineer'))}",
                                     n.ASK_DISCIPLINE_MOVES, {n.DISCIPLINE: d.name}) for d in q.disciplines(s)]
            return self.reply(render_disciplines(q.disciplines(s)), buttons[:5])
        discipline = q.discipline(s, name)
        goal = q.role(s, GENERAL_PATH_GOAL)
        ladder = q.ladder_to(s, goal) if goal is not None and not discipline.moves else []
        text = render_discipline(discipline, q.bachelor_degree(s), ladder)
        buttons = [button(f"How do I become {with_article(r.name)}?", n.ASK_PATH, {n.ROLE: r.name})
                   for r in ([ladder[0].to_role] if ladder else [])]
        buttons.append(button("Other disciplines", n.ASK_DISCIPLINE_MOVES))
        if discipline.moves:
            buttons.insert(0, button("Which specializations are there?", n.ASK_SPECIALIZATIONS))
        return self.reply(text, buttons, discipline=discipline.name)
