"""Role actions: what a role does, and whom it reports to."""
from __future__ import annotations

from sqlalchemy.orm import Session

from knowledge import models as m
from knowledge import queries as q

from . import names as n
from .buttons import button
from .render.roles import render_duties, render_reporting_line
from .render.text import cap, with_article
from .base import Context, KnowledgeAction, Reply


def role_buttons_after(session: Session, role: m.Role, skip: str) -> list[dict[str, str]]:
    """The natural next questions about `role` (without the one of intent `skip`)."""
    a_role = with_article(role.name)
    entity = {n.ROLE: role.name}
    buttons = [button(f"Who does {a_role} report to?", n.ASK_REPORTS_TO, entity),
               button(f"What does {a_role} do?", n.ASK_ROLE_DUTIES, entity),
               button(f"What comes after {role.name}?", n.ASK_NEXT_ROLE, entity),
               button(f"How do I become {a_role}?", n.ASK_PATH, entity)]
    buttons = [b for b in buttons if not b["payload"].startswith(f"/{skip}{{")]
    for other in q.compared_with(session, role)[:1]:
        buttons.insert(0, button(f"{cap(role.name)} vs {other.name}", n.COMPARE,
                                        {n.ROLE: [role.name, other.name]}))
    return buttons[:4]


class ActionShowRoleDuties(KnowledgeAction, action_name=n.ACTION_SHOW_ROLE_DUTIES, topic=n.TOPIC_DUTIES,
                           takes=(n.ROLE,), answers_kind=n.ROLE, intent=n.ASK_ROLE_DUTIES,
                           mention_kinds=(n.ROLE, None)):
    """What a role does: responsibilities and summary (and honestly, when no duties are listed)."""

    def answer(self, ctx: Context) -> Reply:
        """The duties of the role named (or remembered), or a question back."""
        role = self.role_or_reply(ctx, lambda r: f"What does {with_article(r)} do?")
        if isinstance(role, Reply):
            return role
        return self.reply(render_duties(role), role_buttons_after(ctx.session, role, n.ASK_ROLE_DUTIES),
                          role=role.name)


class ActionShowReportingLine(KnowledgeAction, action_name=n.ACTION_SHOW_REPORTING_LINE, topic=n.TOPIC_REPORTS_TO,
                              takes=(n.ROLE,), intent=n.ASK_REPORTS_TO, mention_kinds=(n.ROLE,)):
    """Whom a role reports to, and who reports to it."""

    def answer(self, ctx: Context) -> Reply:
        """The reporting line of the role named (or remembered), or a question back."""
        role = self.role_or_reply(ctx, lambda r: f"Who does {with_article(r)} report to?")
        if isinstance(role, Reply):
            return role
        text = render_reporting_line(role, q.managed_by(ctx.session, role))
        return self.reply(text, role_buttons_after(ctx.session, role, n.ASK_REPORTS_TO), role=role.name)
