"""Mentor introductions on Slack: a group DM with the mentee and the mentor, and a short intro posted in it.

The action `action_request_mentor_intro` (bot/actions/mentors.py) decides whom to introduce and why, and on
Slack sends a custom payload `{"careerbot_intro": {...}}` (see `IntroRequest`). The Slack output channel
hands it to `introduce()`, which:

1. claims the (mentee, mentor) pair in the shared `IntroLog` — the same intro is not sent twice within a day;
2. opens the group DM with both users (conversations.open users=mentee,mentor);
3. posts the intro there: who is asking, their goal, and why this mentor;
4. returns the notice the mentee gets in their own conversation.

The texts are pure functions of the request, so the tests check them directly.
"""
from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from slack_sdk.errors import SlackApiError

from bot.channels.slack_dedupe import IntroLog
from bot.channels.slack_format import escape

logger = logging.getLogger(__name__)

INTRO_KEY = "careerbot_intro"


@dataclass(frozen=True)
class IntroRequest:
    """What the action tells the channel: the mentor, and what the intro should say."""

    mentor: str  # the mentor's Slack member ID
    mentor_name: str
    goal: str = ""  # e.g. "become an engineering director"
    about: str = ""  # e.g. "a project engineer with 4 years of experience"
    why: str = ""  # third person, after the mentor's first name: "works as an engineering director today"


def intro_from_json(message: Mapping[str, Any]) -> IntroRequest | None:
    """The intro request in a custom payload, or None if it holds none (or an unusable one)."""
    data = message.get(INTRO_KEY)
    if not isinstance(data, Mapping):
        return None
    mentor, name = str(data.get("mentor") or "").strip(), str(data.get("mentor_name") or "").strip()
    if not (mentor and name and mentor[0] in "UW" and mentor.isalnum()):
        return None
    return IntroRequest(mentor=mentor, mentor_name=name, goal=str(data.get("goal") or "").strip(),
                        about=str(data.get("about") or "").strip(), why=str(data.get("why") or "").strip())


def intro_text(mentee: str, request: IntroRequest) -> str:
    """The intro posted in the group DM (Slack mrkdwn): who asks, their goal, why this mentor."""
    lines = [f"Hi <@{request.mentor}> and <@{mentee}>! careerbot here, with an introduction."]
    who = f"<@{mentee}>" + (f" is {escape(request.about)}" if request.about else " asked to meet a mentor")
    lines.append(who + (f" and wants to {escape(request.goal)}." if request.goal else "."))
    if request.why:
        first = escape(request.mentor_name.split()[0])
        lines.append(f"I suggested <@{request.mentor}> because {first} {escape(request.why)}.")
    lines.append("Over to you: a short chat when it suits you both.")
    return "\n".join(lines)


def introduced_notice(request: IntroRequest, group: str) -> str:
    """What the mentee is told in their own conversation after the intro was posted (Slack mrkdwn)."""
    return (f"Done: I've introduced you to {escape(request.mentor_name)} in a group message with both of you "
            f"(<#{group}>). They'll see why I suggested them.")


def already_notice(request: IntroRequest) -> str:
    """What the mentee is told when the same intro was already sent within the day (Slack mrkdwn)."""
    return (f"I already introduced you to {escape(request.mentor_name)} today, so I won't send it again: "
            "your group message with them is in your Slack sidebar.")


FAILED_NOTICE = ("Sorry, I couldn't set up the introduction just now. Please try again later, "
                 "or write to the mentor directly.")


async def introduce(client: Any, log: IntroLog, mentee: str, request: IntroRequest) -> str:
    """Introduce `mentee` to the request's mentor (at most once a day); returns the notice for the mentee."""
    if request.mentor == mentee:
        return "That mentor is you, so there's nobody to introduce."
    if not await log.aclaim(mentee, request.mentor):
        logger.info("Intro %s -> %s already sent within the day", mentee, request.mentor)
        return already_notice(request)
    try:
        opened = await client.conversations_open(users=f"{mentee},{request.mentor}")
        group = opened["channel"]["id"]
        await client.chat_postMessage(channel=group, text=intro_text(mentee, request))
    except (SlackApiError, KeyError, TypeError) as error:
        logger.error("Intro %s -> %s failed: %s", mentee, request.mentor, type(error).__name__)
        await log.arelease(mentee, request.mentor)
        return FAILED_NOTICE
    logger.info("Introduced %s to %s in %s", mentee, request.mentor, group)
    return introduced_notice(request, group)
