"""The certifications action: one certification, the ones that help reach a role, or all of them."""
from __future__ import annotations

from sqlalchemy.orm import Session

from knowledge import models as m
from knowledge import queries as q

from . import mentions
from . import names as n
from .buttons import button
from .render.plan import render_certifications_not_held, render_plan_certifications
from .render.certifications import render_certification, render_certifications, render_role_certifications
from .render.text import unique, with_article
from .base import Context, KnowledgeAction, Message, Reply, featured_roles
from .career.plan import plan_for
from .career.profile import load_profile


def certifications_into(session: Session, role: m.Role) -> tuple[list[m.Certification], list[m.Degree]]:
    """The certifications and degrees attached to the transitions into `role`."""
    moves = q.ways_in(session, role)
    certs = unique((c for t in moves for c in t.certifications), key=lambda c: c.id)
    degrees = unique((d for t in moves for d in t.degrees), key=lambda d: d.id)
    return certs, degrees


def certifications_on_the_way(session: Session, role: m.Role) -> list[tuple[m.Transition, list[m.Certification]]]:
    """The earlier steps of the ladder up to `role` that have certifications attached."""
    return [(t, list(t.certifications)) for t in q.ladder_to(session, role)[:-1] if t.certifications]


def certifications_at_stages(session: Session, role: m.Role) -> list[m.Certification]:
    """The certifications that help at the stages `role` is named at."""
    return unique((c for st in role.stage_names for c in q.certifications(session, st)), key=lambda c: c.id)


def profile_certifications(ctx: Context) -> Reply | None:
    """"Which certifications should I get?" for a user who told their profile: those of the next steps of
    their plan, without the ones they hold; None when they told nothing that changes the general answer."""
    prof = load_profile(ctx.session, ctx.tracker)
    if prof.complete():
        plan = plan_for(ctx.session, prof.current, prof.target, prof.years, prof.discipline, prof.other_discipline,
                        prof.held)
        text = render_plan_certifications(plan, prof.held)
    elif prof.held:
        text = render_certifications_not_held(q.certifications(ctx.session), prof.held)
    else:
        return None
    buttons = [button(f"What is {c.abbreviation}?", n.ASK_CERTIFICATIONS, {n.CERTIFICATION: c.abbreviation})
               for c in q.certifications(ctx.session) if c not in prof.held][:2]
    return Reply([Message(text=text, buttons=buttons)], n.TOPIC_CERTIFICATIONS)


class ActionShowCertifications(KnowledgeAction, action_name=n.ACTION_SHOW_CERTIFICATIONS,
                               topic=n.TOPIC_CERTIFICATIONS, takes=(n.CERTIFICATION, n.ROLE),
                               answers_kind=n.CERTIFICATION, intent=n.ASK_CERTIFICATIONS,
                               mention_kinds=(n.CERTIFICATION, n.ROLE, None), unknown_kind=n.CERTIFICATION):
    """Certifications: one in detail, those that help reach a role, or all five and why they matter."""

    def answer(self, ctx: Context) -> Reply:
        """The certification named; else the certifications for the role named; else all of them."""
        s = ctx.session
        abbreviation = ctx.first(n.CERTIFICATION)
        if abbreviation is not None:
            return self.one(s, q.certification(s, abbreviation))
        role_name = ctx.first(n.ROLE)
        if role_name is None and mentions.refers_back(ctx.text):  # "which certifications help for it?"
            remembered_cert = ctx.slot(n.CERTIFICATION)
            if remembered_cert and ctx.tracker.get_slot(n.TOPIC) == n.TOPIC_CERTIFICATIONS:
                return self.one(s, q.certification(s, remembered_cert))
            role_name = ctx.slot(n.ROLE)
        if role_name is not None:
            return self.for_role(s, q.role(s, role_name))
        personal = profile_certifications(ctx)  # the user's profile: their plan's next step, held ones left out
        if personal is not None:
            return personal
        certs = q.certifications(s)
        buttons = [button(f"What is {c.abbreviation}?", n.ASK_CERTIFICATIONS, {n.CERTIFICATION: c.abbreviation})
                   for c in certs[:3]]
        remembered = ctx.slot(n.ROLE)
        if remembered:
            buttons.insert(0, button(f"Which help {with_article(remembered)}?", n.ASK_CERTIFICATIONS,
                                            {n.ROLE: remembered}))
        return self.reply(render_certifications(certs), buttons)

    def one(self, s: Session, cert: m.Certification) -> Reply:
        """One certification in detail."""
        buttons = [button("All certifications", n.ASK_CERTIFICATIONS)]
        buttons += [button(f"Which help {with_article(r.name)}?", n.ASK_CERTIFICATIONS, {n.ROLE: r.name})
                    for r in featured_roles(s)[:2]]
        return self.reply(render_certification(cert), buttons, certification=cert.abbreviation)

    def for_role(self, s: Session, role: m.Role) -> Reply:
        """The certifications that help reach `role`."""
        direct, degrees = certifications_into(s, role)
        on_the_way = [] if direct else certifications_on_the_way(s, role)
        by_stage = [] if direct or on_the_way else certifications_at_stages(s, role)
        text = render_role_certifications(role, direct, degrees, on_the_way, by_stage, q.certifications(s))
        shown = direct or [c for _, certs in on_the_way for c in certs] or by_stage
        buttons = [button(f"What is {c.abbreviation}?", n.ASK_CERTIFICATIONS, {n.CERTIFICATION: c.abbreviation})
                   for c in unique(shown, key=lambda c: c.id)[:2]]
        buttons.append(button(f"How do I become {with_article(role.name)}?", n.ASK_PATH,
                                     {n.ROLE: role.name}))
        return self.reply(text, buttons, role=role.name)
