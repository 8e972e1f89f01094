"""Rendering of the role answers (bot/actions/roles.py): duties and reporting line."""
from __future__ import annotations

from collections.abc import Sequence

from knowledge import models as m

from .text import bullets, cap, join_names, paragraphs, with_article


def render_duties(role: m.Role) -> str:
    """What a role does: its summary, scope and focus, and every listed responsibility."""
    facts = bullets([f"Scope: {role.scope}" if role.scope else "", f"Focus: {role.focus}" if role.focus else ""])
    if role.responsibilities:
        duties = f"What {with_article(role.name)} does:\n" + bullets(
            f"**{r.title}**: {r.description}" for r in role.responsibilities)
    else:
        duties = f"The knowledge base holds no more detail on what {with_article(role.name)} does."
    return paragraphs(f"**{cap(role.name)}**", role.summary, facts, duties)


def render_reporting_line(role: m.Role, managed: Sequence[m.Role] = ()) -> str:
    """Whom `role` reports to (honest when unknown), and who reports to it."""
    if role.reports_to:
        up = (f"{cap(with_article(role.name))} reports to "
              f"{join_names((with_article(r.manager.name) for r in role.reports_to), 'or')}.")
    else:
        up = f"The knowledge base doesn't say whom {with_article(role.name)} reports to."
    down = (f"Reporting to {with_article(role.name)}: {join_names((with_article(r.name) for r in managed), 'or')}."
            if managed else "")
    return paragraphs(up, down)
