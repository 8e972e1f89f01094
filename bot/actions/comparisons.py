"""The comparison action: two roles (every row of a stored table, in the user's order) or two degrees."""
from __future__ import annotations

from sqlalchemy.orm import Session

from knowledge import models as m
from knowledge import queries as q

from . import mentions
from . import names as n
from .buttons import button, compare_degrees_button
from .render.comparisons import (
    render_comparison, render_degree_comparison, render_role_contrast, render_same_thing)
from .render.text import cap, degree_label, degree_short, unique, with_article
from .base import Context, KnowledgeAction, Reply, Unknown


class ActionCompare(KnowledgeAction, action_name=n.ACTION_COMPARE, topic=n.TOPIC_COMPARE, takes=(n.ROLE, n.DEGREE),
                    intent=n.COMPARE, mention_kinds=(n.ROLE,)):
    """Compare two roles or two degrees."""

    def answer(self, ctx: Context) -> Reply:
        """Work out the two things to compare (message, then context) and compare them."""
        s = ctx.session
        roles, degrees = ctx.names(n.ROLE), ctx.names(n.DEGREE)
        if len(roles) + len(degrees) < 2 and not ctx.text.startswith("/"):
            sides = mentions.compare_sides(ctx.text)
            if sides is not None:
                named = [ctx.resolve_phrase(side) for side in sides]
                for side, name in zip(sides, named):
                    if name is None:
                        other = next((x.kind for x in named if x is not None), n.ROLE)
                        return self.nothing_on(ctx, Unknown(side, other if other in (n.ROLE, n.DEGREE) else n.ROLE))
                roles = unique([x.canonical for x in named if x.kind == n.ROLE] + roles)
                degrees = unique([x.canonical for x in named if x.kind == n.DEGREE] + degrees)
        if len(roles) == 1 and ctx.times_named.get(n.ROLE, 0) > 1:  # "EM vs engineering manager"
            roles = roles * 2
        if len(degrees) == 1 and ctx.times_named.get(n.DEGREE, 0) > 1:
            degrees = degrees * 2
        if len(roles) == 1 and not degrees:
            remembered = ctx.slot(n.ROLE)
            if remembered and remembered != roles[0]:
                roles = [remembered, roles[0]]
            else:
                role = q.role(s, roles[0])
                partners = [b if a.id == role.id else a for a, b in q.stored_pairs(s) if role.id in (a.id, b.id)]
                if partners:
                    roles = [role.name, partners[0].name]
        if len(degrees) == 1 and not roles:
            remembered = ctx.slot(n.DEGREE)
            if remembered and remembered != degrees[0]:
                degrees = [remembered, degrees[0]]
        if len(roles) >= 2 and len(degrees) < 2:
            return self.roles(s, q.role(s, roles[0]), q.role(s, roles[1]))
        if len(degrees) >= 2 and len(roles) < 2:
            return self.degrees(s, q.degree(s, degrees[0]), q.degree(s, degrees[1]))
        buttons = [button(f"{cap(a.name)} vs {b.name}", n.COMPARE, {n.ROLE: [a.name, b.name]})
                   for a, b in q.stored_pairs(s)] + compare_degrees_button(s)
        return self.ask_which("two roles or two degrees", buttons)

    def roles(self, s: Session, a: m.Role, b: m.Role) -> Reply:
        """Two roles: the stored table in the user's order, else what the knowledge base knows of each."""
        buttons = [button(f"What does {with_article(b.name)} do?", n.ASK_ROLE_DUTIES, {n.ROLE: b.name}),
                   button(f"How do I become {with_article(b.name)}?", n.ASK_PATH, {n.ROLE: b.name})]
        if a.id == b.id:
            return self.reply(render_same_thing(a.name, "role"), buttons, role=a.name)
        view = q.comparison(s, a, b)
        if view is not None:
            text = render_comparison(a, b, view.comparison)
        else:
            link = q.shortest_path(s, a, b) or q.shortest_path(s, b, a) or []
            text = render_role_contrast(a, b, link)
        return self.reply(text, buttons, role=b.name)

    def degrees(self, s: Session, a: m.Degree, b: m.Degree) -> Reply:
        """Two degrees side by side."""
        if a.id == b.id:
            return self.reply(render_same_thing(degree_label(a), "degree"),
                              degree=a.key)
        text = render_degree_comparison(a, b, q.mba_premium(s, (a, b)))
        buttons = [button(f"What is {with_article(degree_short(d))}?", n.ASK_EDUCATION,
                                 {n.DEGREE: d.key}) for d in (a, b)]
        buttons.append(button("What do engineering managers earn?", n.ASK_SALARY))
        return self.reply(text, buttons, degree=b.key)
