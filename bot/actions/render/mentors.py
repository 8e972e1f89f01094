"""Rendering of the mentor answers (bot/actions/mentors.py)."""
from __future__ import annotations

from collections.abc import Sequence

from knowledge import models as m

from .text import bullets, cap, join_names, paragraphs, with_article


def mentor_handle(mentor: m.Mentor, on_slack: bool) -> str:
    """'<@U0EXAMPLE1>' on Slack (a mention); elsewhere the name."""
    return f"<@{mentor.slack_user_id}>" if on_slack else f"**{mentor.name}**"


def _availability(mentor: m.Mentor) -> str:
    label = {"open": "Open to mentoring chats", "limited": "Limited availability"}.get(mentor.availability,
                                                                                       cap(mentor.availability))
    return label + (f" ({mentor.hours})" if mentor.hours else "")


def render_mentors(matches: Sequence[tuple[m.Mentor, str]], on_slack: bool, subject: str) -> str:
    """Up to three mentors for `subject`, each with why they match, availability and how to reach them."""
    lines = []
    for mentor, why in matches:
        others = [a.canonical for a in mentor.areas if a.canonical not in why]
        lines.append(f"{mentor_handle(mentor, on_slack)} — {with_article(mentor.role.name)}; {why}."
                     + (f" Also talks about {join_names(others)}." if others else "")
                     + f" {_availability(mentor)}.")
    reach = ("Press a button to get an intro message to send them." if on_slack else
             "They're on Slack: press a button for their member ID and an intro message to send them.")
    return paragraphs(f"Mentors for {subject}:\n" + bullets(lines), reach)


def render_no_mentor_match(subject: str, count: int) -> str:
    """Nobody in the directory matches."""
    return (f"None of the {count} available mentor{'' if count == 1 else 's'} in the directory matches "
            f"{subject}. Pick a role below to see who's there.")


def render_mentor_intro(mentor: m.Mentor, on_slack: bool, draft: str) -> str:
    """How to reach a mentor, with an intro message the user can send."""
    if on_slack:
        how = f"Here's {mentor_handle(mentor, True)}: send them a direct message on Slack."
    else:
        how = (f"{mentor.name} is on Slack (member ID {mentor.slack_user_id}): find them by name in Slack and send "
               "them a direct message.")
    when = f"They usually take mentoring chats: {mentor.hours}." if mentor.hours else ""
    return paragraphs(how, when, "A message you could send:\n> " + draft,
                      "I can't send it for you — I only suggest who to talk to.")
