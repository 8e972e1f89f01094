"""The certifications action: one certification, the ones that help reach a role, or all of them."""
from __future__ import annotations

from sqlalchemy.orm import Session

from knowledge import models as m
from knowledge import queries as q

from . import mentions
from . import names as n
from . import render
from .base import Context, KnowledgeAction, Reply, featured_roles
from .plan import profile_certifications


def certifications_into(session: Session, role: m.Role) -> tuple[list[m.Certification], list[m.Degree]]:
    """The certifications and degrees attached to the transitions into `role`."""
    moves = q.ways_in(session, role)
    certs = render.unique((c for t in moves for c in t.certifications), key=lambda c: c.id)
    degrees = render.unique((d for t in moves for d in t.degrees), key=lambda d: d.id)
    return certs, degrees


def certifications_on_the_way(session: Session, role: m.Role) -> list[tuple[m.Transition, list[m.Certification]]]:
    """The earlier steps of the ladder up to `role` that have certifications attached."""
    return [(t, list(t.certifications)) for t in q.ladder_to(session, role)[:-1] if t.certifications]


def certifications_at_stages(session: Session, role: m.Role) -> list[m.Certification]:
    """The certifications that help at the stages `role` is named at."""
    return render.unique((c for st in role.stage_names for c in q.certifications(session, st)), key=lambda c: c.id)


class ActionShowCertifications(KnowledgeAction):
    """Certifications: one in detail, those that help reach a role, or all five and why they matter."""

    topic = n.TOPIC_CERTIFICATIONS
    intent = n.ASK_CERTIFICATIONS
    mention_kinds = (n.CERTIFICATION, n.ROLE, None)
    unknown_kind = n.CERTIFICATION

    def name(self) -> str:
        """The action's name in the domain."""
        return n.ACTION_SHOW_CERTIFICATIONS

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
        buttons = [render.button(f"What is {c.abbreviation}?", n.ASK_CERTIFICATIONS, {n.CERTIFICATION: c.abbreviation})
                   for c in certs[:3]]
        remembered = ctx.slot(n.ROLE)
        if remembered:
            buttons.insert(0, render.button(f"Which help {render.with_article(remembered)}?", n.ASK_CERTIFICATIONS,
                                            {n.ROLE: remembered}))
        return self.reply(render.render_certifications(certs), buttons)

    def one(self, s: Session, cert: m.Certification) -> Reply:
        """One certification in detail."""
        buttons = [render.button("All certifications", n.ASK_CERTIFICATIONS)]
        buttons += [render.button(f"Which help {render.with_article(r.name)}?", n.ASK_CERTIFICATIONS, {n.ROLE: r.name})
                    for r in featured_roles(s)[:2]]
        return self.reply(render.render_certification(cert), buttons, certification=cert.abbreviation)

    def for_role(self, s: Session, role: m.Role) -> Reply:
        """The certifications that help reach `role`."""
        direct, degrees = certifications_into(s, role)
        on_the_way = [] if direct else certifications_on_the_way(s, role)
        by_stage = [] if direct or on_the_way else certifications_at_stages(s, role)
        text = render.render_role_certifications(role, direct, degrees, on_the_way, by_stage, q.certifications(s))
        shown = direct or [c for _, certs in on_the_way for c in certs] or by_stage
        buttons = [render.button(f"What is {c.abbreviation}?", n.ASK_CERTIFICATIONS, {n.CERTIFICATION: c.abbreviation})
                   for c in render.unique(shown, key=lambda c: c.id)[:2]]
        buttons.append(render.button(f"How do I become {render.with_article(role.name)}?", n.ASK_PATH,
                                     {n.ROLE: role.name}))
        return self.reply(text, buttons, role=role.name)
