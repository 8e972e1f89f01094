"""Role actions: what a role does, and whom it reports to."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from knowledge import models as m

from . import names as n
from . import render
from .base import Context, KnowledgeAction, Reply


def managed_by(session: Session, role: m.Role) -> list[m.Role]:
    """The roles that report to `role` (the inverse of Role.reports_to), in data order."""
    stmt = (select(m.Role).join(m.ReportingLine, m.ReportingLine.role_id == m.Role.id)
            .where(m.ReportingLine.manager_id == role.id).order_by(m.Role.position))
    return list(session.scalars(stmt).unique())


def compared_with(session: Session, role: m.Role) -> list[m.Role]:
    """The roles `role` has a stored side-by-side comparison with."""
    stmt = select(m.Comparison).where((m.Comparison.left_role_id == role.id) | (m.Comparison.right_role_id == role.id))
    return [c.right_role if c.left_role_id == role.id else c.left_role for c in session.scalars(stmt)]


def role_buttons_after(session: Session, role: m.Role, skip: str) -> list[dict[str, str]]:
    """The natural next questions about `role` (without the one of intent `skip`)."""
    a_role = render.with_article(role.name)
    entity = {n.ROLE: role.name}
    buttons = [render.button(f"Who does {a_role} report to?", n.ASK_REPORTS_TO, entity),
               render.button(f"What does {a_role} do?", n.ASK_ROLE_DUTIES, entity),
               render.button(f"What comes after {role.name}?", n.ASK_NEXT_ROLE, entity),
               render.button(f"How do I become {a_role}?", n.ASK_PATH, entity)]
    buttons = [b for b in buttons if not b["payload"].startswith(f"/{skip}{{")]
    for other in compared_with(session, role)[:1]:
        buttons.insert(0, render.button(f"{render.cap(role.name)} vs {other.name}", n.COMPARE,
                                        {n.ROLE: [role.name, other.name]}))
    return buttons[:4]


class ActionShowRoleDuties(KnowledgeAction):
    """What a role does: responsibilities and summary (and honestly, when no duties are listed)."""

    topic = n.TOPIC_DUTIES
    intent = n.ASK_ROLE_DUTIES
    mention_kinds = (n.ROLE, None)

    def name(self) -> str:
        """The action's name in the domain."""
        return n.ACTION_SHOW_ROLE_DUTIES

    def answer(self, ctx: Context) -> Reply:
        """The duties of the role named (or remembered), or a question back."""
        role = self.role_or_reply(ctx, lambda r: f"What does {render.with_article(r)} do?")
        if isinstance(role, Reply):
            return role
        return self.reply(render.render_duties(role), role_buttons_after(ctx.session, role, n.ASK_ROLE_DUTIES),
                          role=role.name)


class ActionShowReportingLine(KnowledgeAction):
    """Whom a role reports to, and who reports to it."""

    topic = n.TOPIC_REPORTS_TO
    intent = n.ASK_REPORTS_TO
    mention_kinds = (n.ROLE,)

    def name(self) -> str:
        """The action's name in the domain."""
        return n.ACTION_SHOW_REPORTING_LINE

    def answer(self, ctx: Context) -> Reply:
        """The reporting line of the role named (or remembered), or a question back."""
        role = self.role_or_reply(ctx, lambda r: f"Who does {render.with_article(r)} report to?")
        if isinstance(role, Reply):
            return role
        text = render.render_reporting_line(role, managed_by(ctx.session, role))
        return self.reply(text, role_buttons_after(ctx.session, role, n.ASK_REPORTS_TO), role=role.name)
