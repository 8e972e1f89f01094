"""careerbot's App Home tab on Slack: the user's own profile and plan, up to three mentors, common questions.

`HomeData` gathers what one user's Home shows, from three places:

- the profile slots of **that user's own DM conversation** with the bot (read from the Rasa agent's tracker
  store; nobody else's conversation is ever read for a user's Home);
- the knowledge base (CAREERBOT_DB_URL): the plan's chain of roles from the current to the target role, and
  up to three *available* mentors for the target role (never one marked unavailable);
- the tracker store's events: which question intents users ask most (buttons for the top four).

`home_view()` turns that into a Block Kit `home` view (pure); bot/channels/slack.py publishes it with
views.publish when the user opens the Home tab, and again after a DM turn that changed the profile or plan.
"""
from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from bot.channels.slack_format import escape

logger = logging.getLogger(__name__)

MAX_MENTORS = 3
MAX_QUESTIONS = 4
QUESTION_COUNTS_TTL_SECONDS = 600.0
INTRO_INTENT = "request_mentor_intro"
PLAN_PAYLOAD = "/ask_career_plan"
# Profile slots of the career plan (bot/actions/profile.py).
CURRENT_ROLE, YEARS, TARGET_ROLE, DISCIPLINE, CERTIFICATIONS = (
    "current_role", "years_experience", "target_role", "discipline", "certifications_held")

# The question buttons, by the intent they ask (in the default order, used when nobody has asked anything yet).
QUESTIONS: dict[str, tuple[str, str]] = {
    "ask_path": ("How do I become an engineering manager?", '/ask_path{"role": "engineering manager"}'),
    "ask_role_duties": ("What does an engineering director do?", '/ask_role_duties{"role": "engineering director"}'),
    "ask_certifications": ("Which certifications should I get?", "/ask_certifications"),
    "ask_salary": ("How much does an engineering manager make?", '/ask_salary{"role": "engineering manager"}'),
    "ask_education": ("Which degree should I get?", "/ask_education"),
    "ask_skills": ("Which skills should I build?", "/ask_skills"),
    "ask_outlook": ("Who is hiring engineering managers?", "/ask_outlook"),
    "ask_career_plan": ("Make my career plan", PLAN_PAYLOAD),
    "ask_mentor": ("Can I talk to a mentor?", "/ask_mentor"),
}


@dataclass(frozen=True)
class HomeMentor:
    """A mentor suggested on the Home tab."""

    name: str
    slack_user_id: str
    role: str
    why: str
    availability: str


@dataclass(frozen=True)
class HomeState:
    """Everything one user's Home tab shows; equal states render equal views."""

    current_role: str | None = None
    years: float | None = None
    target_role: str | None = None
    discipline: str | None = None
    certifications: tuple[str, ...] = ()
    plan: tuple[str, ...] = ()  # role names from current to target, when a path is known
    mentors: tuple[HomeMentor, ...] = ()
    questions: tuple[tuple[str, str], ...] = field(default_factory=tuple)  # (title, payload)

    @property
    def has_profile(self) -> bool:
        """True when the user told the bot anything about themselves."""
        return any((self.current_role, self.years is not None, self.target_role, self.discipline,
                    self.certifications))


def profile_from_slots(slots: Mapping[str, Any]) -> dict[str, Any]:
    """The profile fields of HomeState from a tracker's slot values (wrong types are ignored)."""
    def text(name: str) -> str | None:
        value = slots.get(name)
        return value.strip() if isinstance(value, str) and value.strip() else None

    years = slots.get(YEARS)
    certs = slots.get(CERTIFICATIONS)
    return {"current_role": text(CURRENT_ROLE), "target_role": text(TARGET_ROLE), "discipline": text(DISCIPLINE),
            "years": float(years) if isinstance(years, (int, float)) and not isinstance(years, bool) else None,
            "certifications": tuple(c for c in certs if isinstance(c, str)) if isinstance(certs, list) else ()}


def _years(years: float) -> str:
    whole = int(years) if float(years).is_integer() else years
    return f"{whole} year{'' if whole == 1 else 's'} of experience"


def _button(text: str, value: str, action_id: str, style: str | None = None) -> dict[str, Any]:
    button: dict[str, Any] = {"type": "button", "text": {"type": "plain_text", "text": text[:75], "emoji": True},
                              "value": value, "action_id": action_id}
    if style:
        button["style"] = style
    return button


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text[:3000]}}


def home_view(state: HomeState) -> dict[str, Any]:
    """The Block Kit `home` view for `state`."""
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": "Your engineering-management career"}},
    ]
    if state.has_profile:
        facts = []
        if state.current_role:
            facts.append(f"*Now:* {escape(state.current_role)}"
                         + (f", {_years(state.years)}" if state.years is not None else ""))
        elif state.years is not None:
            facts.append(f"*Experience:* {_years(state.years)}")
        if state.target_role:
            facts.append(f"*Goal:* {escape(state.target_role)}")
        if state.discipline:
            facts.append(f"*Discipline:* {escape(state.discipline)}")
        if state.certifications:
            facts.append(f"*Certifications held:* {escape(', '.join(state.certifications))}")
        blocks.append(_section("*Your profile* (what you told me in our direct messages)\n" + "\n".join(facts)))
    else:
        blocks.append(_section("*Your profile*\nYou haven't told me about yourself yet."))
    if state.plan:
        steps = len(state.plan) - 1
        blocks.append(_section(f"*Your plan*\n{escape(' → '.join(state.plan))} "
                               f"({steps} step{'' if steps == 1 else 's'})"))
        blocks.append({"type": "actions", "elements": [_button("Show my full plan", PLAN_PAYLOAD, "home_plan")]})
    else:
        blocks.append(_section("*Your plan*\nNo plan yet. Tell me where you are and where you want to go, "
                               "and I'll work out the steps."))
        blocks.append({"type": "actions", "elements": [_button("Start my career plan", PLAN_PAYLOAD,
                                                               "home_plan", "primary")]})
    blocks.append({"type": "divider"})
    if state.mentors:
        blocks.append(_section("*Mentors for your goal*"))
        for index, mentor in enumerate(state.mentors):
            note = " (limited availability)" if mentor.availability == "limited" else ""
            blocks.append({**_section(f"*{escape(mentor.name)}*, {escape(mentor.role)}: "
                                      f"{escape(mentor.why)}{note}"),
                           "accessory": _button("Request an intro",
                                                f'/{INTRO_INTENT}{json.dumps({"mentor": mentor.slack_user_id})}',
                                                f"home_intro_{index}")})
    else:
        blocks.append(_section("*Mentors*\nSet a goal (start your plan) and I'll suggest up to three mentors."))
    blocks.append({"type": "divider"})
    if state.questions:
        blocks.append(_section("*Most asked questions*"))
        blocks.append({"type": "actions", "elements": [_button(title, payload, f"home_question_{i}")
                                                       for i, (title, payload) in enumerate(state.questions)]})
    blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text":
                   "Only you see this page. Buttons answer in our direct messages."}]})
    return {"type": "home", "blocks": blocks}


def rank_questions(counts: Mapping[str, int], limit: int = MAX_QUESTIONS) -> tuple[tuple[str, str], ...]:
    """The `limit` question buttons asked most (by intent counts), ties and unasked ones in default order."""
    order = list(QUESTIONS)
    ranked = sorted(order, key=lambda intent: (-counts.get(intent, 0), order.index(intent)))
    return tuple(QUESTIONS[intent] for intent in ranked[:limit])


def plan_and_mentors(session: Any, current: str | None, target: str | None
                     ) -> tuple[tuple[str, ...], tuple[HomeMentor, ...]]:
    """From the knowledge base: the role chain from `current` to `target`, and up to three available mentors
    for `target` (in that role, then talking about it, then in a role on the way; open before limited)."""
    from knowledge import queries as q

    goal = q.role(session, target) if target else None
    if goal is None:
        return (), ()
    start = q.role(session, current) if current else None
    chain = q.shortest_path(session, start, goal) if start is not None else None
    plan = (start.name, *(t.to_role.name for t in chain)) if start is not None and chain else ()
    on_the_way = {t.to_role.id for t in (chain or [])[:-1]}
    ranked = []
    for position, mentor in enumerate(q.mentors(session)):  # available ones only
        if mentor.availability == "unavailable":
            continue
        if mentor.role_id == goal.id:
            rank, why = 0, f"works as {_article(goal.name)} today"
        elif any(a.canonical == goal.name for a in mentor.areas):
            rank, why = 1, f"talks about becoming {_article(goal.name)}"
        elif mentor.role_id in on_the_way:
            rank, why = 2, f"has made the move into {mentor.role.name}, a step on your way"
        else:
            continue
        ranked.append((rank, 0 if mentor.availability == "open" else 1, position,
                       HomeMentor(mentor.name, mentor.slack_user_id, mentor.role.name, why, mentor.availability)))
    return plan, tuple(x[-1] for x in sorted(ranked, key=lambda x: x[:3])[:MAX_MENTORS])


def _article(name: str) -> str:
    return f"{'an' if name[:1].lower() in 'aeiou' else 'a'} {name}"


class HomeData:
    """Reads one user's Home state: tracker slots (their DM conversation), knowledge base, question counts."""

    def __init__(self, tracker_store: Any, tracker_db_url: str | None) -> None:
        """`tracker_store` is the Rasa agent's; `tracker_db_url` the SQL database holding its events."""
        self.tracker_store = tracker_store
        self.tracker_db_url = tracker_db_url
        self._counts: tuple[float, dict[str, int]] | None = None
        self._events_engine: sa.engine.Engine | None = None

    async def state(self, conversation_id: str) -> HomeState:
        """The Home state of the user whose DM conversation is `conversation_id`."""
        slots: dict[str, Any] = {}
        if self.tracker_store is not None:
            tracker = await self.tracker_store.retrieve(conversation_id)
            if tracker is not None:
                slots = tracker.current_slot_values()
        profile = profile_from_slots(slots)
        plan, mentors = await asyncio.to_thread(self._from_knowledge, profile["current_role"],
                                                profile["target_role"])
        questions = rank_questions(await asyncio.to_thread(self._question_counts))
        return HomeState(**profile, plan=plan, mentors=mentors, questions=questions)

    @staticmethod
    def _from_knowledge(current: str | None, target: str | None
                        ) -> tuple[tuple[str, ...], tuple[HomeMentor, ...]]:
        from knowledge.db import session_factory

        try:
            with session_factory()() as session:
                return plan_and_mentors(session, current, target)
        except sa.exc.SQLAlchemyError as error:
            logger.warning("App Home: knowledge base unavailable (%s)", type(error).__name__)
            return (), ()

    def _question_counts(self) -> dict[str, int]:
        """How often each question intent was asked, over every stored conversation (cached 10 minutes)."""
        now = time.monotonic()
        if self._counts and now - self._counts[0] < QUESTION_COUNTS_TTL_SECONDS:
            return self._counts[1]
        counts: dict[str, int] = {}
        if self.tracker_db_url:
            try:
                if self._events_engine is None:
                    self._events_engine = sa.create_engine(self.tracker_db_url, future=True)
                with self._events_engine.connect() as connection:
                    rows = connection.execute(sa.text(
                        "SELECT intent_name, COUNT(*) FROM events WHERE type_name = 'user' "
                        "GROUP BY intent_name"))
                    counts = {str(name): int(count) for name, count in rows if name in QUESTIONS}
            except sa.exc.SQLAlchemyError as error:
                logger.warning("App Home: question counts unavailable (%s)", type(error).__name__)
        self._counts = (now, counts)
        return counts

