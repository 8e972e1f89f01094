"""Specialization, industry and discipline actions: where an engineering-management career can branch."""
from __future__ import annotations

from knowledge import queries as q

from . import names as n
from . import render
from .base import Context, KnowledgeAction, Reply
from .paths import bachelor_degree

# The goal of "the general path" offered to engineers of a discipline the source names no move for.
GENERAL_PATH_GOAL = "engineering director"


class ActionShowSpecializations(KnowledgeAction):
    """Specializations: one (focus and roles), those leading to a role, or all of them."""

    topic = n.TOPIC_SPECIALIZATIONS
    intent = n.ASK_SPECIALIZATIONS
    mention_kinds = (n.SPECIALIZATION, None)
    unknown_kind = n.SPECIALIZATION

    def name(self) -> str:
        """The action's name in the domain."""
        return n.ACTION_SHOW_SPECIALIZATIONS

    def answer(self, ctx: Context) -> Reply:
        """The specialization named; else those for the role named; else all of them."""
        s = ctx.session
        name = ctx.first(n.SPECIALIZATION)
        if name is not None:
            spec = q.specialization(s, name)
            buttons = [render.button(f"What does {render.with_article(r.name)} do?", n.ASK_ROLE_DUTIES,
                                     {n.ROLE: r.name}) for r in spec.roles[:2]]
            buttons.append(render.button("All specializations", n.ASK_SPECIALIZATIONS))
            return self.reply(render.render_specialization(spec), buttons, specialization=spec.name)
        role_name = ctx.first(n.ROLE)
        if role_name is not None:
            role = q.role(s, role_name)
            specs = q.specializations_for_role(s, role)
            buttons = [render.button(render.cap(sp.name), n.ASK_SPECIALIZATIONS, {n.SPECIALIZATION: sp.name})
                       for sp in specs[:3]]
            return self.reply(render.render_role_specializations(role, specs, q.specializations(s)), buttons,
                              role=role.name)
        specs = q.specializations(s)
        buttons = [render.button(render.cap(sp.name), n.ASK_SPECIALIZATIONS, {n.SPECIALIZATION: sp.name})
                   for sp in specs[:4]]
        return self.reply(render.render_specializations(specs), buttons)


class ActionShowIndustries(KnowledgeAction):
    """Industries: one (what the source says), or all grouped by pay."""

    topic = n.TOPIC_INDUSTRIES
    intent = n.ASK_INDUSTRIES
    mention_kinds = (None,)
    unknown_kind = n.INDUSTRY

    def name(self) -> str:
        """The action's name in the domain."""
        return n.ACTION_SHOW_INDUSTRIES

    def answer(self, ctx: Context) -> Reply:
        """The industry named, or all of them."""
        s = ctx.session
        name = ctx.first(n.INDUSTRY)
        salary = render.button("What do engineering managers earn?", n.ASK_SALARY)
        if name is not None:
            industry = q.industry(s, name)
            buttons = [salary, render.button("All industries", n.ASK_INDUSTRIES)]
            return self.reply(render.render_industry(industry), buttons, industry=industry.name)
        return self.reply(render.render_industries(q.industries(s)), [
            salary, render.button("Which specializations are there?", n.ASK_SPECIALIZATIONS)])


class ActionShowDisciplineMoves(KnowledgeAction):
    """Moves by engineering discipline (mechanical -> manufacturing management...), honest where none."""

    topic = n.TOPIC_DISCIPLINE
    intent = n.ASK_DISCIPLINE_MOVES
    mention_kinds = (None,)
    unknown_kind = n.DISCIPLINE

    def name(self) -> str:
        """The action's name in the domain."""
        return n.ACTION_SHOW_DISCIPLINE_MOVES

    def answer(self, ctx: Context) -> Reply:
        """The moves for the discipline named, or the moves of every discipline (a short list, so it is
        shown rather than the remembered discipline again)."""
        s = ctx.session
        name = ctx.first(n.DISCIPLINE)
        if name is None:
            buttons = [render.button(f"I'm {render.with_article(d.name.replace('engineering', 'engineer'))}",
                                     n.ASK_DISCIPLINE_MOVES, {n.DISCIPLINE: d.name}) for d in q.disciplines(s)]
            return self.reply(render.render_disciplines(q.disciplines(s)), buttons[:5])
        discipline = q.discipline(s, name)
        goal = q.role(s, GENERAL_PATH_GOAL)
        ladder = q.ladder_to(s, goal) if goal is not None and not discipline.moves else []
        text = render.render_discipline(discipline, bachelor_degree(s), ladder)
        buttons = [render.button(f"How do I become {render.with_article(r.name)}?", n.ASK_PATH, {n.ROLE: r.name})
                   for r in ([ladder[0].to_role] if ladder else [])]
        buttons.append(render.button("Other disciplines", n.ASK_DISCIPLINE_MOVES))
        if discipline.moves:
            buttons.insert(0, render.button("Which specializations are there?", n.ASK_SPECIALIZATIONS))
        return self.reply(text, buttons, discipline=discipline.name)
