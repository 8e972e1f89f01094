"""Education and skills actions: degrees (bachelor's, MEM, MBA) and the skills to build at each stage."""
from __future__ import annotations

from knowledge import queries as q

from . import mentions
from . import names as n
from .buttons import button, compare_degrees_button
from .render.education import (
    render_degree, render_degrees, render_role_skills, render_skill_matches, render_skills, skills_title)
from .render.text import degree_short, unique, with_article
from .base import Context, KnowledgeAction, Reply, featured_roles

class ActionShowEducation(KnowledgeAction, action_name=n.ACTION_SHOW_EDUCATION, topic=n.TOPIC_EDUCATION,
                          takes=(n.DEGREE,), answers_kind=n.DEGREE, intent=n.ASK_EDUCATION,
                          mention_kinds=(n.DEGREE, None), unknown_kind=n.DEGREE):
    """Degrees: one degree in detail, or an overview of all of them."""

    def answer(self, ctx: Context) -> Reply:
        """The degree named, or an overview of the degrees."""
        s = ctx.session
        key = ctx.first(n.DEGREE)
        if key is None:
            degrees = q.degrees(s)
            mem = q.degree(s, q.MEM_KEY)
            text = render_degrees(degrees, q.specializations(s), q.MEM_KEY, q.mba_premium(s, tuple(degrees)),
                                 q.MBA_KEY)
            buttons = [button(f"What is {with_article(degree_short(d))}?", n.ASK_EDUCATION,
                                     {n.DEGREE: d.key}) for d in degrees if d.level != "bachelor"]
            buttons += compare_degrees_button(s)
            return self.reply(text, buttons, degree=mem.key if mem else None)
        degree = q.degree(s, key)
        text = render_degree(degree, q.degree_specializations(s, degree), q.degree_facts(s, degree))
        buttons = []
        if degree.min_years is not None or degree.max_years is not None:
            buttons.append(button("How long does it take?", n.ASK_DURATION, {n.DEGREE: degree.key}))
        if degree.key in (q.MEM_KEY, q.MBA_KEY):
            buttons += compare_degrees_button(s)
        if q.degree_specializations(s, degree):
            buttons.append(button("Tell me about the specializations", n.ASK_SPECIALIZATIONS))
        if degree.level == "bachelor":
            buttons += [button(f"How do I become {with_article(r.name)}?", n.ASK_PATH, {n.ROLE: r.name})
                        for r in featured_roles(s)[:1]]
        return self.reply(text, buttons, degree=degree.key)


class ActionShowSkills(KnowledgeAction, action_name=n.ACTION_SHOW_SKILLS, topic=n.TOPIC_SKILLS, takes=(n.ROLE,),
                       intent=n.ASK_SKILLS, mention_kinds=(n.ROLE,)):
    """Skills: the ones named (Gantt charts, Agile...), or those of a stage or of the role in context."""

    def answer(self, ctx: Context) -> Reply:
        """Named skills first; else the stage the message names; else the role's stage; else general."""
        s = ctx.session
        every = q.skills(s)
        named = mentions.matching_skills(ctx.text, unique(sk.name for sk in every))
        buttons = [button(f"Skills for {with_article(r.name)}", n.ASK_SKILLS, {n.ROLE: r.name})
                   for r in featured_roles(s)[:3]]
        if named:
            return self.reply(render_skill_matches([sk for sk in every if sk.name in named]), buttons)
        stage = mentions.stage_in(ctx.text)
        role_name = ctx.first(n.ROLE)
        from_message = role_name is not None
        if stage is None and role_name is None:
            role_name = ctx.slot(n.ROLE)
        role = q.role(s, role_name) if role_name and stage is None else None
        buttons = [b for b in buttons if role is None or role.name not in b["payload"]]
        if stage is not None:
            return self.reply(render_skills(skills_title(stage), q.skills(s, stage)), buttons)
        if role is None:
            return self.reply(render_skills(skills_title("general"), q.skills(s, "general")), buttons)
        by_stage = [(st, q.skills(s, st)) for st in role.stage_names]
        text = render_role_skills(role, by_stage, q.skills(s, "general"))
        return self.reply(text, buttons, role=role.name if from_message else None)
