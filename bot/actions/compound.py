"""Compound questions: answer each part of a message that asks several questions, in order, with the action
of the part's intent (bot/nlu/compound.py found the parts); at most MAX_PARTS, then a "one at a time" note.
Each part sees the slots the earlier parts set, so "what does a director do and how much do they make?"
asks the salary of the director."""
from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from . import names as n
from .base import KnowledgeRun, action_for_intent, with_message

MAX_PARTS = 3
PARTS_KEY = "compound"  # where bot/nlu/compound.py puts the parts in the parse data


class ActionAnswerParts(KnowledgeRun, Action, action_name=n.ACTION_ANSWER_PARTS):
    """Answer up to three questions of one message, in order, each by its own action."""

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        """Run the action of each part; the slots one part sets are seen by the next."""
        parts = [p for p in (tracker.latest_message or {}).get(PARTS_KEY) or [] if isinstance(p, dict)]
        slots = dict(tracker.slots)
        events: list[EventType] = []
        answered = 0
        for part in parts[:MAX_PARTS]:
            cls = action_for_intent(part.get("intent"))
            if cls is None:
                continue
            part_events = cls(self._sessions).run(dispatcher, with_message(tracker, part, slots), domain)
            for event in part_events:
                if event.get("event") == "slot":
                    slots[event["name"]] = event["value"]
            events += part_events
            answered += 1
        if len(parts) > MAX_PARTS:
            dispatcher.utter_message(response=n.UTTER_ONE_AT_A_TIME, count=MAX_PARTS)
        if not answered:
            dispatcher.utter_message(response=n.UTTER_OFFER_TOPICS)
        return events
