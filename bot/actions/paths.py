"""Career-path actions: how to reach a role, how long it takes, and what comes after a role."""
from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from knowledge import models as m
from knowledge import queries as q

from . import mentions
from . import names as n
from .buttons import button, role_buttons
from .render.paths import (
    render_certification_duration, render_no_path_between,
    render_degree_duration, render_entry_role, render_next_roles, render_no_way_in, render_path,
    render_role_duration, render_start)
from .render.text import degree_short, paragraphs, with_article
from .base import Context, KnowledgeAction, Message, Reply, featured_roles

def is_entry_level(role: m.Role) -> bool:
    """True for roles named at the entry stage."""
    return "entry" in role.stage_names


def path_buttons(role_name: str) -> list[dict[str, str]]:
    """The natural next questions after a path answer."""
    entity = {n.ROLE: role_name}
    return [button(f"What does {with_article(role_name)} do?", n.ASK_ROLE_DUTIES, entity),
            button("Which certifications help?", n.ASK_CERTIFICATIONS, entity),
            button("How long does it take?", n.ASK_DURATION, entity)]


def ask_role_buttons(session: Session) -> list[dict[str, str]]:
    """'How do I become an engineering manager?'... for the featured roles."""
    return role_buttons(featured_roles(session), n.ASK_PATH, lambda r: f"How do I become {with_article(r)}?")


class ActionShowPath(KnowledgeAction, action_name=n.ACTION_SHOW_PATH, topic=n.TOPIC_PATH, takes=(n.ROLE,),
                     intent=n.ASK_PATH, mention_kinds=(n.ROLE,)):
    """How to get to a role: the shortest ladder, time per step and what helps; or where to start."""

    def answer(self, ctx: Context) -> Reply:
        """The path between the two roles the message places ("I'm X, how do I get to Y"), else the path to
        the role named (or remembered), the starting point, or a question back."""
        current, target = ctx.placed.get(n.PLACE_CURRENT), ctx.placed.get(n.PLACE_TARGET)
        if target is not None:
            if current is not None and current != target:
                return self.path_between(ctx.session, q.role(ctx.session, current), q.role(ctx.session, target))
            return self.path_to(ctx.session, q.role(ctx.session, target))
        role_name = ctx.first(n.ROLE)
        if current is not None and role_name == current:
            # "I work as a project manager, what's the path?": the way up from there, not the way into it
            return self.path_from(ctx.session, q.role(ctx.session, current))
        if role_name is None:
            other = self.redirect(ctx)
            if other is not None:
                return other
            if mentions.asks_where_to_start(ctx.text):
                return self.start(ctx.session)
            role_name = ctx.slot(n.ROLE)
        if role_name is None:
            return self.ask_which("role", ask_role_buttons(ctx.session))
        return self.path_to(ctx.session, q.role(ctx.session, role_name))

    def path_to(self, s: Session, role: m.Role) -> Reply:
        """The answer for one role."""
        ladder = q.ladder_to(s, role)
        if ladder:
            last_from = ladder[-1].from_role_id
            other = [t.from_role for t in q.ways_in(s, role) if t.from_role_id != last_from]
            text = render_path(role, ladder, other, q.timed_transitions(s))
        elif is_entry_level(role):
            text = render_entry_role(role, q.bachelor_degree(s), q.skills(s, "entry"),
                                            q.certifications(s, "entry"), q.next_steps(s, role), q.ways_in(s, role))
        else:
            text = render_no_way_in(role, q.specializations_for_role(s, role))
        return self.reply(text, path_buttons(role.name), role=role.name)

    def path_from(self, s: Session, role: m.Role) -> Reply:
        """The user's own role is the only one named: the next steps up from it."""
        steps = q.next_steps(s, role)
        buttons = [button(f"How do I become {with_article(t.to_role.name)}?", n.ASK_PATH, {n.ROLE: t.to_role.name})
                   for t in steps[:3]]
        return self.reply(paragraphs(f"You're {with_article(role.name)}, so the path goes on from there.",
                                     render_next_roles(role, steps)), buttons, role=role.name)

    def path_between(self, s: Session, start: m.Role, goal: m.Role) -> Reply:
        """The shortest way from the user's role to the one they aim for; when the knowledge base has none,
        say so and give the usual way up to the goal."""
        steps = q.shortest_path(s, start, goal)
        if not steps:
            usual = self.path_to(s, goal)
            note = render_no_path_between(start, goal)
            return Reply([Message(text=paragraphs(note, usual.messages[0].text),
                                  buttons=usual.messages[0].buttons)], usual.topic, usual.slots)
        last_from = steps[-1].from_role_id
        other = [t.from_role for t in q.ways_in(s, goal) if t.from_role_id != last_from]
        text = render_path(goal, steps, other, q.timed_transitions(s), start)
        return self.reply(text, path_buttons(goal.name), role=goal.name)

    def start(self, s: Session) -> Reply:
        """Where an engineering-management career starts."""
        entry = q.roles(s, "entry")
        only_entry = [r for r in entry if r.stage_names == ["entry"]]
        moves = [t for r in only_entry for t in q.next_steps(s, r)]
        text = render_start(entry, q.bachelor_degree(s), q.skills(s, "entry"), q.certifications(s, "entry"),
                                   moves)
        return self.reply(text, ask_role_buttons(s)[:2] + [
            button("Which bachelor's degree?", n.ASK_EDUCATION, {n.DEGREE: d.key})
            for d in [q.bachelor_degree(s)] if d is not None])


class ActionShowDuration(KnowledgeAction, action_name=n.ACTION_SHOW_DURATION, topic=n.TOPIC_DURATION,
                         takes=(n.ROLE, n.DEGREE), intent=n.ASK_DURATION, mention_kinds=(n.ROLE,)):
    """How long it takes: the time per step to a role, or how long a degree takes."""

    def answer(self, ctx: Context) -> Reply:
        """Time to the role or degree named, else the one in context, else a question back."""
        s = ctx.session
        role_name, degree_key = ctx.placed.get(n.PLACE_TARGET) or ctx.first(n.ROLE), ctx.first(n.DEGREE)
        if role_name is None and degree_key is None:
            cert = ctx.first(n.CERTIFICATION)
            if cert is not None:
                c = q.certification(s, cert)
                return self.reply(render_certification_duration(c), certification=c.abbreviation)
            last_topic = ctx.tracker.get_slot(n.TOPIC)
            remembered_role, remembered_degree = ctx.slot(n.ROLE), ctx.slot(n.DEGREE)
            if remembered_degree and (last_topic in (n.TOPIC_EDUCATION, n.TOPIC_COMPARE) or not remembered_role):
                degree_key = remembered_degree
            else:
                role_name = remembered_role
        if role_name is not None:
            return self.for_role(s, q.role(s, role_name))
        if degree_key is not None:
            return self.for_degree(q.degree(s, degree_key))
        mem = [d for d in q.degrees(s) if d.min_years is not None or d.max_years is not None]
        buttons = [button(f"How long to become {with_article(r.name)}?", n.ASK_DURATION,
                                 {n.ROLE: r.name}) for r in featured_roles(s)[:2]]
        buttons += [button(f"How long does {with_article(degree_short(d))} take?",
                                  n.ASK_DURATION, {n.DEGREE: d.key}) for d in mem[:1]]
        return self.ask_which("career step or degree", buttons)

    def for_role(self, s: Session, role: m.Role) -> Reply:
        """Time per step on the way to `role`."""
        ladder = q.ladder_to(s, role)
        text = render_role_duration(role, ladder, not ladder and is_entry_level(role),
                                           q.next_steps(s, role), q.timed_transitions(s))
        buttons = [button(f"How do I become {with_article(role.name)}?", n.ASK_PATH, {n.ROLE: role.name}),
                   button("Which certifications help?", n.ASK_CERTIFICATIONS, {n.ROLE: role.name})]
        return self.reply(text, buttons, role=role.name)

    def for_degree(self, degree: m.Degree) -> Reply:
        """How long `degree` takes."""
        short = degree_short(degree)
        buttons = [button(f"What does {with_article(short)} teach?", n.ASK_EDUCATION,
                                 {n.DEGREE: degree.key})]
        return self.reply(render_degree_duration(degree), buttons, degree=degree.key)


class ActionShowNextRoles(KnowledgeAction, action_name=n.ACTION_SHOW_NEXT_ROLES, topic=n.TOPIC_NEXT, takes=(n.ROLE,),
                          intent=n.ASK_NEXT_ROLE, mention_kinds=(n.ROLE, None)):
    """What comes after a role."""

    def answer(self, ctx: Context) -> Reply:
        """The next steps after the role named (or remembered), or a question back."""
        role = self.role_or_reply(ctx, lambda r: f"What comes after {r}?")
        if isinstance(role, Reply):
            return role
        steps = q.next_steps(ctx.session, role)
        buttons: list[dict[str, Any]] = [
            button(f"What does {with_article(t.to_role.name)} do?", n.ASK_ROLE_DUTIES,
                          {n.ROLE: t.to_role.name}) for t in steps[:2]]
        if steps:
            buttons.append(button(f"How do I become {with_article(steps[0].to_role.name)}?",
                                         n.ASK_PATH, {n.ROLE: steps[0].to_role.name}))
        else:
            buttons.append(button(f"What does {with_article(role.name)} do?", n.ASK_ROLE_DUTIES,
                                         {n.ROLE: role.name}))
        return self.reply(render_next_roles(role, steps), buttons, role=role.name)
