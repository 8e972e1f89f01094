"""Education and skills actions: degrees (bachelor's, MEM, MBA) and the skills to build at each stage."""
from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from knowledge import models as m
from knowledge import queries as q

from . import mentions
from . import names as n
from . import render
from .base import Context, KnowledgeAction, Reply, featured_roles

# Keys of knowledge-base entries these answers tie together: MEM programs offer the specializations, and
# the MBA pay premium is a market fact.
MEM_KEY = "MEM"
MBA_KEY = "MBA"
MBA_PREMIUM_FACT = "mba_premium"
DEGREE_ROI_FACT = "roi"  # "Return on investment of an engineering management degree" (the MEM)


def premium_for(session: Session, degrees: Sequence[m.Degree]) -> m.MarketFact | None:
    """The MBA pay-premium fact when one of `degrees` is the MBA, else None."""
    if any(d.key == MBA_KEY for d in degrees):
        return q.market_fact(session, MBA_PREMIUM_FACT)
    return None


def facts_about(session: Session, degree: m.Degree) -> list[m.MarketFact]:
    """The market facts about `degree`: the MBA's pay premium, the MEM's return on investment."""
    key = {MBA_KEY: MBA_PREMIUM_FACT, MEM_KEY: DEGREE_ROI_FACT}.get(degree.key)
    fact = q.market_fact(session, key) if key else None
    return [fact] if fact is not None else []


def specializations_for(session: Session, degree: m.Degree) -> list[m.Specialization]:
    """The specializations a degree opens (the MEM's program specializations)."""
    return q.specializations(session) if degree.key == MEM_KEY else []


def compare_degrees_button(session: Session) -> list[dict[str, str]]:
    """'MEM vs MBA' when both degrees exist."""
    mem, mba = q.degree(session, MEM_KEY), q.degree(session, MBA_KEY)
    if mem is None or mba is None:
        return []
    return [render.button(f"{mem.key} vs {mba.key}", n.COMPARE, {n.DEGREE: [mem.key, mba.key]})]


class ActionShowEducation(KnowledgeAction):
    """Degrees: one degree in detail, or an overview of all of them."""

    topic = n.TOPIC_EDUCATION
    intent = n.ASK_EDUCATION
    mention_kinds = (n.DEGREE, None)
    unknown_kind = n.DEGREE

    def name(self) -> str:
        """The action's name in the domain."""
        return n.ACTION_SHOW_EDUCATION

    def answer(self, ctx: Context) -> Reply:
        """The degree named, or an overview of the degrees."""
        s = ctx.session
        key = ctx.first(n.DEGREE)
        if key is None:
            degrees = q.degrees(s)
            mem = q.degree(s, MEM_KEY)
            text = render.render_degrees(degrees, q.specializations(s), MEM_KEY, premium_for(s, degrees), MBA_KEY)
            buttons = [render.button(f"What is {render.with_article(render.degree_short(d))}?", n.ASK_EDUCATION,
                                     {n.DEGREE: d.key}) for d in degrees if d.level != "bachelor"]
            buttons += compare_degrees_button(s)
            return self.reply(text, buttons, degree=mem.key if mem else None)
        degree = q.degree(s, key)
        text = render.render_degree(degree, specializations_for(s, degree), facts_about(s, degree))
        buttons = []
        if degree.min_years is not None or degree.max_years is not None:
            buttons.append(render.button("How long does it take?", n.ASK_DURATION, {n.DEGREE: degree.key}))
        if degree.key in (MEM_KEY, MBA_KEY):
            buttons += compare_degrees_button(s)
        if specializations_for(s, degree):
            buttons.append(render.button("Tell me about the specializations", n.ASK_SPECIALIZATIONS))
        if degree.level == "bachelor":
            buttons += [render.button(f"How do I become {render.with_article(r.name)}?", n.ASK_PATH, {n.ROLE: r.name})
                        for r in featured_roles(s)[:1]]
        return self.reply(text, buttons, degree=degree.key)


class ActionShowSkills(KnowledgeAction):
    """Skills: the ones named (Gantt charts, Agile...), or those of a stage or of the role in context."""

    topic = n.TOPIC_SKILLS
    intent = n.ASK_SKILLS
    mention_kinds = (n.ROLE,)

    def name(self) -> str:
        """The action's name in the domain."""
        return n.ACTION_SHOW_SKILLS

    def answer(self, ctx: Context) -> Reply:
        """Named skills first; else the stage the message names; else the role's stage; else general."""
        s = ctx.session
        every = q.skills(s)
        named = mentions.matching_skills(ctx.text, render.unique(sk.name for sk in every))
        buttons = [render.button(f"Skills for {render.with_article(r.name)}", n.ASK_SKILLS, {n.ROLE: r.name})
                   for r in featured_roles(s)[:3]]
        if named:
            return self.reply(render.render_skill_matches([sk for sk in every if sk.name in named]), buttons)
        stage = mentions.stage_in(ctx.text)
        role_name = ctx.first(n.ROLE)
        from_message = role_name is not None
        if stage is None and role_name is None:
            role_name = ctx.slot(n.ROLE)
        role = q.role(s, role_name) if role_name and stage is None else None
        buttons = [b for b in buttons if role is None or role.name not in b["payload"]]
        if stage is not None:
            return self.reply(render.render_skills(self.title(stage), q.skills(s, stage)), buttons)
        if role is None:
            return self.reply(render.render_skills(self.title("general"), q.skills(s, "general")), buttons)
        sections = [render.render_skills(self.title(st, role), q.skills(s, st)) for st in role.stage_names]
        if not sections:
            sections = [f"The knowledge base doesn't place {role.name} at a career stage, so here are the "
                        "skills that matter at every stage.",
                        render.render_skills(self.title("general"), q.skills(s, "general"))]
        return self.reply(render.paragraphs(*sections), buttons, role=role.name if from_message else None)

    @staticmethod
    def title(stage: str, role: m.Role | None = None) -> str:
        """'Skills for the mid-level stage:' or 'Skills for an engineering manager (advanced stage):'."""
        if stage == "general":
            return "Skills that matter at every stage:"
        label = render.STAGE_LABELS.get(stage, stage)
        if role is not None:
            return f"Skills for {render.with_article(role.name)} ({label} stage):"
        return f"Skills for the {label} stage:"
