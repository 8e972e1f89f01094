"""Hand-off to a human mentor: suggest up to three mentors from the directory (knowledge/data/mentors.yml)
for the user's target role or question, and introduce the user to one. On Slack the intro is real: the
action sends a `careerbot_intro` payload (who the mentor is, the user's background and goal, why this
mentor) and the Slack channel opens a group DM with both and posts the intro (bot/channels/slack_intro.py,
at most once a day per pair). Elsewhere the user gets the mentor's member ID and an intro message to send."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from rasa_sdk import Tracker

from knowledge import models as m
from knowledge import queries as q
from knowledge.names import normalize_name

from . import names as n
from .career import profile as p
from .buttons import button
from .render.mentors import render_mentor_intro, render_mentors, render_no_mentor_match
from .render.text import join_names, unique, with_article, years_of_experience
from .base import Context, KnowledgeAction, Message, Reply

MAX_MENTORS = 3
SLACK_CHANNEL = "slack"  # the input channel name of bot/channels/slack.py (and of Rasa's own Slack channel)
SLACK_INTRO = "careerbot_intro"  # the custom payload's key, read by bot/channels/slack_intro.py
_AREA_KINDS = (n.CERTIFICATION, n.DEGREE, n.DISCIPLINE, n.SPECIALIZATION, n.INDUSTRY)


@dataclass(frozen=True)
class Wanted:
    """What a mentor should match: roles to hold (best first) and knowledge-base names to talk about."""

    roles: tuple[m.Role, ...] = ()
    areas: tuple[q.Name, ...] = ()
    nearby_roles: tuple[m.Role, ...] = ()  # roles on the way to the target: a weaker match


def match_mentors(mentors: Sequence[m.Mentor], wanted: Wanted, limit: int = MAX_MENTORS) -> list[tuple[m.Mentor, str]]:
    """The best `limit` mentors for `wanted`, each with why it matches: first those in a wanted role, then
    those who list a wanted role or area among their topics, then those in a role on the way; open before
    limited availability, then directory order. Unavailable mentors never match."""
    role_ids = {r.id: r for r in wanted.roles}
    near_ids = {r.id: r for r in wanted.nearby_roles}
    names = {(a.kind, a.canonical) for a in wanted.areas} | {(n.ROLE, r.name) for r in wanted.roles}
    ranked: list[tuple[int, int, int, m.Mentor, str]] = []
    for pos, mentor in enumerate(mentors):
        if mentor.availability == "unavailable":
            continue
        topics = [a.canonical for a in mentor.areas if (a.kind, a.canonical) in names]
        if mentor.role_id in role_ids:
            rank, why = 0, f"works as {with_article(mentor.role.name)} today"
        elif topics:
            rank, why = 1, f"talks about {join_names(topics)}"
        elif mentor.role_id in near_ids:
            rank, why = 2, f"has made the move into {mentor.role.name}, a step on your way"
        else:
            continue
        ranked.append((rank, 0 if mentor.availability == "open" else 1, pos, mentor, why))
    return [(mentor, why) for *_, mentor, why in sorted(ranked, key=lambda x: x[:3])[:limit]]


def on_slack(tracker: Tracker) -> bool:
    """True when the latest message came in over Slack."""
    return tracker.get_latest_input_channel() == SLACK_CHANNEL


def intro_draft(mentor: m.Mentor, prof: p.Profile) -> str:
    """An intro message the user can send the mentor, with what they told about themselves."""
    about = []
    if prof.current is not None:
        about.append(f"I'm {with_article(prof.current.name)}"
                     + (f" with {years_of_experience(prof.years)}" if prof.years else ""))
    if prof.target is not None:
        about.append(f"I'm aiming to become {with_article(prof.target.name)}")
    me = (". ".join(about) + ". ") if about else ""
    first = mentor.name.split()[0]
    return (f"Hi {first}, careerbot suggested you as a mentor. {me}Could we have a short chat about my "
            "engineering-management career?")


def slack_intro(mentor: m.Mentor, prof: p.Profile, why: str) -> dict[str, Any]:
    """The custom payload asking the Slack channel to introduce the user to `mentor` (see the module doc)."""
    about = ""
    if prof.current is not None:
        about = with_article(prof.current.name) + (f" with {years_of_experience(prof.years)}"
                                                    if prof.years else "")
    goal = f"become {with_article(prof.target.name)}" if prof.target is not None else ""
    return {SLACK_INTRO: {"mentor": mentor.slack_user_id, "mentor_name": mentor.name, "about": about,
                          "goal": goal, "why": why}}


def why_this_mentor(ctx: Context, mentor: m.Mentor, prof: p.Profile) -> str:
    """Why `mentor` suits the user, worded as the suggestion was (match_mentors on the user's goal), else the
    mentor's role."""
    if prof.target is not None:
        chain = q.shortest_path(ctx.session, prof.current, prof.target) if prof.current is not None else None
        wanted = Wanted((prof.target,), (), tuple(t.to_role for t in (chain or [])[:-1]))
        for _, why in match_mentors([mentor], wanted):
            return why
    return f"works as {with_article(mentor.role.name)}"


def mentor_buttons(matches: Sequence[tuple[m.Mentor, str]]) -> list[dict[str, str]]:
    """One 'Ask X for an intro' button per mentor."""
    return [button(f"Ask {mentor.name} for an intro", n.REQUEST_MENTOR_INTRO, {n.MENTOR: mentor.slack_user_id})
            for mentor, _ in matches]


def role_choice_buttons(mentors: Sequence[m.Mentor]) -> list[dict[str, str]]:
    """One button per role the available mentors hold."""
    roles = unique((x.role for x in mentors if x.availability != "unavailable"), key=lambda r: r.id)
    return [button(f"A mentor who is {with_article(r.name)}", n.ASK_MENTOR, {n.ROLE: r.name})
            for r in roles]


class ActionSuggestMentors(KnowledgeAction, action_name=n.ACTION_SUGGEST_MENTORS, topic=n.TOPIC_MENTORS,
                           intent=n.ASK_MENTOR):
    """"Can I talk to a mentor?", "connect me with a director": up to three mentors, with intro buttons."""

    def answer(self, ctx: Context) -> Reply:
        """Mentors for the role or topic the message names, else for the user's target role."""
        s = ctx.session
        everyone = q.mentors(s, include_unavailable=True)
        if not everyone:
            return Reply([Message(response=n.UTTER_NO_MENTOR_DIRECTORY)], self.topic)
        wanted, subject = self.wanted(ctx)
        if wanted is None:
            return Reply([Message(response=n.UTTER_ASK_MENTOR_SUBJECT, buttons=role_choice_buttons(everyone))],
                         self.topic)
        available = q.mentors(s)
        matches = match_mentors(available, wanted)
        if not matches:
            return Reply([Message(text=render_no_mentor_match(subject, len(available)),
                                  buttons=role_choice_buttons(everyone))], self.topic)
        text = render_mentors(matches, on_slack(ctx.tracker), subject)
        slots = {n.ROLE: wanted.roles[0].name} if wanted.roles else {}
        return Reply([Message(text=text, buttons=mentor_buttons(matches))], self.topic, slots)

    def wanted(self, ctx: Context) -> tuple[Wanted | None, str]:
        """What to match and how to name it: the roles and topics the message names, else the target role
        (and the roles on the way from the current one); (None, '') when there is nothing to go on."""
        s = ctx.session
        roles = [r for r in (q.role(s, x) for x in ctx.names(n.ROLE)) if r is not None]
        areas = [q.Name(kind, x) for kind in _AREA_KINDS for x in ctx.names(kind)]
        if roles or areas:
            subject = join_names([with_article(r.name) for r in roles] + [a.canonical for a in areas])
            return Wanted(tuple(roles), tuple(areas)), subject
        prof = p.load_profile(s, ctx.tracker)
        if prof.target is None:
            return None, ""
        chain = q.shortest_path(s, prof.current, prof.target) if prof.current is not None else None
        nearby = tuple(t.to_role for t in (chain or [])[:-1])
        return Wanted((prof.target,), (), nearby), f"your goal, {prof.target.name}"


class ActionRequestMentorIntro(KnowledgeAction, action_name=n.ACTION_REQUEST_MENTOR_INTRO, topic=n.TOPIC_MENTORS):
    """The intro button: how to reach the mentor and a message to send them."""

    def answer(self, ctx: Context) -> Reply:
        """The mentor named by the button (or by name in the text), or a polite 'not found'."""
        mentor = self.find(ctx)
        if mentor is None:
            return Reply([Message(response=n.UTTER_UNKNOWN_MENTOR)], self.topic)
        if mentor.availability == "unavailable":
            return Reply([Message(response=n.UTTER_MENTOR_UNAVAILABLE, values={"mentor_name": mentor.name})],
                         self.topic)
        prof = p.load_profile(ctx.session, ctx.tracker)
        if on_slack(ctx.tracker):
            return Reply([Message(custom=slack_intro(mentor, prof, why_this_mentor(ctx, mentor, prof)))], self.topic)
        draft = intro_draft(mentor, prof)
        return Reply([Message(text=render_mentor_intro(mentor, draft))], self.topic)

    @staticmethod
    def find(ctx: Context) -> m.Mentor | None:
        """The mentor the message names: the button's `mentor` entity (a Slack member ID), or a name typed."""
        message = ctx.tracker.latest_message or {}
        for e in message.get("entities") or []:
            if isinstance(e, dict) and e.get("entity") == n.MENTOR and isinstance(e.get("value"), str):
                found = q.mentor(ctx.session, e["value"])
                if found is not None:
                    return found
        text = normalize_name(ctx.text)
        return next((x for x in q.mentors(ctx.session, include_unavailable=True)
                     if normalize_name(x.name) in text), None)
