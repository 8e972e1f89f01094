"""The fallback action: when the NLU is unsure, offer the likeliest topics as buttons."""
from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.nlu.verdicts import ABOUT_MOVE, ABOUT_NAME, GUARD_KEY, NOT_COVERED, OUT_OF_SCOPE

from . import names as n
from .base import KnowledgeRun, action_for_kind, answer_before_asking, topic_action, utter
from .buttons import button
from .render.text import unique

logger = logging.getLogger(__name__)

# intent -> button title. Intents not listed here (small talk, inform) are never offered.
TOPIC_TITLES: dict[str, str] = {
    n.ASK_PATH: "How to reach a role",
    n.ASK_DURATION: "How long it takes",
    n.ASK_NEXT_ROLE: "What comes next after a role",
    n.ASK_ROLE_DUTIES: "What a role does",
    n.ASK_REPORTS_TO: "Who reports to whom",
    n.COMPARE: "Compare roles or degrees",
    n.ASK_CERTIFICATIONS: "Certifications",
    n.ASK_EDUCATION: "Degrees (bachelor's, MEM, MBA)",
    n.ASK_SKILLS: "Skills to build",
    n.ASK_SALARY: "Salaries",
    n.ASK_OUTLOOK: "Job outlook",
    n.ASK_SPECIALIZATIONS: "Specializations",
    n.ASK_INDUSTRIES: "Industries",
    n.ASK_DISCIPLINE_MOVES: "Moves by engineering discipline",
    n.ASK_CAPABILITIES: "What can you do?",
}
# Offered when the ranking holds nothing useful.
DEFAULT_TOPICS = (n.ASK_PATH, n.ASK_CERTIFICATIONS, n.ASK_SALARY)
MAX_TOPICS = 3


def likeliest_topics(intent_ranking: list[dict[str, Any]], limit: int = MAX_TOPICS) -> list[str]:
    """The likeliest offerable intents of a ranking (fallback, out-of-scope and small talk skipped)."""
    ranked = sorted((r for r in intent_ranking or [] if isinstance(r, dict)),
                    key=lambda r: r.get("confidence") or 0.0, reverse=True)
    out = [r.get("name") for r in ranked if r.get("name") in TOPIC_TITLES]
    return unique(out)[:limit] or list(DEFAULT_TOPICS)[:limit]


def topic_buttons(intents: list[str], entities: dict[str, Any] | None = None) -> list[dict[str, str]]:
    """One button per intent, carrying the entities the message had."""
    return [button(TOPIC_TITLES[i], i, entities) for i in intents if i in TOPIC_TITLES]


def message_entities(message: dict[str, Any]) -> dict[str, Any]:
    """The first value of each knowledge-base entity kind in a parsed message."""
    entities: dict[str, Any] = {}
    for e in message.get("entities") or []:
        if isinstance(e, dict) and e.get("entity") in n.ENTITIES and isinstance(e.get("value"), str):
            entities.setdefault(e["entity"], e["value"])
    return entities


def answer_not_covered(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    """Outcome (b): "my knowledge base doesn't cover that" (utter_not_covered) and buttons for the two or
    three nearest topics it does know (the classifier's runners-up, with the message's entities). The one
    place that says so: chain it after any other lookup (an FAQ) that found nothing. Never raises."""
    try:
        message = tracker.latest_message or {}
        buttons = topic_buttons(likeliest_topics(message.get("intent_ranking") or []),
                                message_entities(message) or None)
    except Exception:  # a malformed tracker must not leave the user without an answer
        logger.exception("answer_not_covered failed")
        buttons = topic_buttons(list(DEFAULT_TOPICS))
    dispatcher.utter_message(response=n.UTTER_NOT_COVERED, buttons=buttons)
    return []


class ActionNotCovered(KnowledgeRun, Action, action_name=n.ACTION_NOT_COVERED):
    """Outcome (b) for a career question the knowledge base has nothing on (intent not_covered)."""

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        """Say it is not covered and offer the nearest topics."""
        return answer_not_covered(dispatcher, tracker)


class ActionOfferTopics(KnowledgeRun, Action, action_name=n.ACTION_OFFER_TOPICS):
    """"I'm not sure I understood" with buttons for the likeliest topics."""

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        """The topic guard's verdict (bot/nlu/topic_guard.py) when it gave one: not covered (b) or out of
        scope (c); else offer up to three topics from the message's intent ranking (never raises)."""
        verdict = ((tracker.latest_message or {}).get(GUARD_KEY) or {}).get("outcome")
        if verdict == ABOUT_NAME:
            kinds = list(message_entities(tracker.latest_message or {}))
            action = action_for_kind(kinds[0], self._sessions) if kinds else None
            if action is not None:
                return action.run(dispatcher, tracker, domain)
            verdict = NOT_COVERED
        if verdict == ABOUT_MOVE:
            path = topic_action(n.TOPIC_PATH, self._sessions)
            if path is not None:
                return path.run(dispatcher, tracker, domain)
            verdict = NOT_COVERED
        if self.answered_before_asking(dispatcher, tracker):  # the career FAQ, on the question's own words
            return []
        if verdict == NOT_COVERED:
            return answer_not_covered(dispatcher, tracker)
        if verdict == OUT_OF_SCOPE:  # (c), with the topics it does know as buttons
            buttons = topic_buttons(list(DEFAULT_TOPICS))
            dispatcher.utter_message(response=n.UTTER_OUT_OF_SCOPE, buttons=buttons)
            return []
        try:
            message = tracker.latest_message or {}
            buttons = topic_buttons(likeliest_topics(message.get("intent_ranking") or []),
                                    message_entities(message) or None)
        except Exception:  # a malformed tracker must not leave the user without an answer
            logger.exception("action %s failed", self.name())
            buttons = topic_buttons(list(DEFAULT_TOPICS))
        dispatcher.utter_message(response=n.UTTER_OFFER_TOPICS, buttons=buttons)
        return []

    def answered_before_asking(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> bool:
        """Utter the first BEFORE_ASKING answer (the career FAQ) to the message, if any; False when there is
        none or the lookup failed (then the fallback goes on as if there were none)."""
        try:
            with self._session() as session:
                reply = answer_before_asking(session, (tracker.latest_message or {}).get("text") or "")
        except Exception:  # the fallback must answer whatever went wrong
            logger.exception("action %s: the answers before asking failed", self.name())
            return False
        if reply is None:
            return False
        utter(dispatcher, reply)
        return True
