"""Labor-market answers: what O*NET and the BLS say about a ladder role's occupation (tasks, skills,
technology, education and job zone, related occupations, pay / jobs / growth), each with its source and year."""
from __future__ import annotations

from sqlalchemy.orm import Session

from knowledge import labor as lab
from knowledge import models as m
from knowledge import queries as q

from . import names as n
from .base import Context, KnowledgeAction, Reply
from .buttons import button
from .render import labor as r
from .render.text import with_article

# The intent asking for each aspect, and the question its button shows.
ASPECT_OF_INTENT = {n.ASK_ONET_TASKS: r.TASKS, n.ASK_ONET_SKILLS: r.SKILLS, n.ASK_ONET_TECHNOLOGY: r.TECHNOLOGY,
                    n.ASK_ONET_BACKGROUND: r.BACKGROUND, n.ASK_RELATED_JOBS: r.RELATED, n.ASK_BLS: r.BLS}
INTENT_OF_ASPECT = {aspect: intent for intent, aspect in ASPECT_OF_INTENT.items()}
QUESTIONS = {r.TASKS: "Typical tasks", r.SKILLS: "Skills that matter", r.TECHNOLOGY: "Tools and technology",
             r.BACKGROUND: "Education and job zone", r.RELATED: "Related occupations",
             r.BLS: "BLS pay, jobs and growth"}
BLS_MEASURES = ("median_annual_pay", "number_of_jobs", "employment_change_pct")


def aspect_buttons(role: str, skip: str) -> list[dict[str, str]]:
    """The other labor answers about `role`, as buttons (the "more" of a labor answer)."""
    return [button(f"{QUESTIONS[a]} ({role})", INTENT_OF_ASPECT[a], {n.ROLE: role})
            for a in r.ASPECTS if a != skip][:4]


def nearest_mapped(session: Session, role_: m.Role, limit: int = 3) -> list[m.Role]:
    """The ladder neighbours of `role_` (next steps, then ways in) that map to an O*NET occupation."""
    neighbours = [t.to_role for t in q.next_steps(session, role_)] + [t.from_role for t in q.ways_in(session, role_)]
    out: list[m.Role] = []
    for other in neighbours:
        if other.id != role_.id and other not in out and lab.role_onet(session, other).primary is not None:
            out.append(other)
    if not out:  # no mapped neighbour: the featured roles that map
        out = [x for x in q.roles(session) if lab.role_onet(session, x).primary is not None]
    return out[:limit]


def bls_figures(session: Session, occ: m.OnetOccupation, measures=BLS_MEASURES):
    """The BLS profile of `occ` and its figures per measure (primary first, newer secondary after)."""
    profile = lab.bls_profile(session, occ)
    if profile is None:
        return None, []
    return profile, [(mm, lab.bls_figures(profile, mm)) for mm in measures]


class ActionShowLabor(KnowledgeAction, action_name=n.ACTION_SHOW_LABOR, topic=n.TOPIC_LABOR, takes=(n.ROLE,),
                      intent=n.ASK_ONET_TASKS, mention_kinds=(n.ROLE,)):
    """O*NET and BLS facts about the occupation a role maps to; honest when it maps to none."""

    def answer(self, ctx: Context) -> Reply:
        """The aspect asked (by intent, else the remembered one) for the role named or remembered."""
        aspect = ASPECT_OF_INTENT.get(ctx.intent or "") or ctx.tracker.get_slot(n.LABOR_ASPECT)
        if aspect not in r.ASPECTS:
            aspect = r.TASKS
        role = self.role_or_reply(ctx, lambda x: f"{QUESTIONS[aspect]} of {with_article(x)}")
        if isinstance(role, Reply):
            return role
        s = ctx.session
        mapping = lab.role_onet(s, role)
        occ = mapping.primary
        if occ is None:
            near = nearest_mapped(s, role)
            buttons = [button(f"{QUESTIONS[aspect]} ({x.name})", INTENT_OF_ASPECT[aspect], {n.ROLE: x.name})
                       for x in near]
            return self.reply(r.render_unmapped(role.name, mapping.unmapped_reason, [x.name for x in near]),
                              buttons, role=role.name, labor_aspect=aspect)
        text = self.render(s, aspect, role.name, occ)
        return self.reply(text, aspect_buttons(role.name, aspect), role=role.name, labor_aspect=aspect)

    @staticmethod
    def render(s: Session, aspect: str, role: str, occ: m.OnetOccupation) -> str:
        """The text of one aspect."""
        if aspect == r.TASKS:
            tasks, rated = lab.top_tasks(occ)
            return r.render_tasks(role, occ, tasks, rated)
        if aspect == r.SKILLS:
            return r.render_descriptors(role, occ, [(d, lab.top_descriptors(occ, d, 4))
                                                    for d in ("skill", "knowledge", "work_style")])
        if aspect == r.TECHNOLOGY:
            return r.render_technology(role, occ, lab.hot_technologies(occ, 6))
        if aspect == r.BACKGROUND:
            return r.render_background(role, occ, lab.education_shares(occ, "RL"), lab.education_shares(occ, "RW"),
                                       lab.job_zone(s, occ.job_zone))
        if aspect == r.RELATED:
            return r.render_related(role, occ, lab.related_occupations(occ))
        profile, figures = bls_figures(s, occ)
        return r.render_bls(role, occ, profile, figures)
