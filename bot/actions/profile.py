"""Profile actions: "I already have PMP" (remember what the user tells about themselves) and "forget my
details". The parsing is bot/actions/career/profile.py; the career-plan form (plan.py) and the mentor
actions (mentors.py) read the same slots.
"""
from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from . import names as n
from .base import Context, KnowledgeAction, Message, Reply
from .buttons import button, plan_button
from .career.profile import entity_spans, held_certifications, merge_held, profile_of, read_profile
from .render.profile import forgotten_labels, render_profile_noted


class ActionRememberProfile(KnowledgeAction, action_name=n.ACTION_REMEMBER_PROFILE, topic=n.TOPIC_PROFILE,
                            mention_kinds=(n.ROLE, None)):  # "I'm an astronaut": the KB has nothing on it
    """"I already have PMP", "I have 6 years of experience now": remember it and say what was noted."""

    def answer(self, ctx: Context) -> Reply:
        """Set the profile slots the message fills and confirm them; say so when it names nothing usable."""
        known = {k: ctx.tracker.get_slot(k) for k in n.PLAN_SLOTS}
        update = read_profile(ctx.text, entity_spans(ctx.session, ctx.tracker), None, known)
        slots: dict[str, Any] = dict(update.slots())
        if update.held:
            slots[n.CERTIFICATIONS_HELD] = merge_held(ctx.tracker, update.held)
        if not slots:
            return Reply([Message(response=n.UTTER_PROFILE_NOT_UNDERSTOOD)], self.topic)
        new = {**known, **slots}
        held = slots.get(n.CERTIFICATIONS_HELD, held_certifications(ctx.tracker))
        text = render_profile_noted(slots, new, held)
        buttons = [plan_button()] if new.get(n.CURRENT_ROLE) or new.get(n.TARGET_ROLE) else []
        buttons.append(button("Which certifications should I get?", n.ASK_CERTIFICATIONS))
        return Reply([Message(text=text, buttons=buttons)], self.topic, slots)


class ActionForgetProfile(KnowledgeAction, action_name=n.ACTION_FORGET_PROFILE, topic=None):
    """"Forget my details": clear every profile slot."""

    def answer(self, ctx: Context) -> Reply:
        """Say what is forgotten (or that nothing was stored); the run clears the slots."""
        profile = profile_of(ctx.tracker)
        if not profile:
            return Reply([Message(response=n.UTTER_PROFILE_NOTHING_TO_FORGET)])
        return Reply([Message(response=n.UTTER_PROFILE_FORGOTTEN, values={"forgotten": forgotten_labels(profile)})])

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        """Clear the profile slots, whatever the answer step did."""
        events = super().run(dispatcher, tracker, domain)
        return events + [SlotSet(slot, None) for slot in n.PROFILE_SLOTS]
