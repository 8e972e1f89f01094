"""The follow-up action: a bare "and a director?" or "what about CSM?" re-answers the last topic with the
new entity; an entity the last topic cannot take gets the usual answer for its kind. Which action answers a
topic, which kinds it takes and which action answers a kind come from the actions' own declarations (the
registry in base.py). "That one" / "the second one" takes one of the buttons of the reply just before (the bot
events of the tracker) as if it had been clicked."""
from __future__ import annotations

import json
import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from . import mentions
from . import names as n
from .base import (
    Context, KnowledgeAction, KnowledgeRun, Reply, action_for_intent, action_for_kind, featured_roles, topic_action,
    with_message)
from .buttons import button
from .render.text import cap


class ActionAnswerFollowup(KnowledgeAction, action_name=n.ACTION_ANSWER_FOLLOWUP,
                           mention_kinds=(n.ROLE, n.CERTIFICATION, None)):
    """Re-answer the last topic (the `topic` slot) about the thing the follow-up names."""

    def topic_action(self, ctx: Context) -> tuple[KnowledgeAction | None, tuple[str, ...]]:
        """The action of the topic in context and the kinds it takes (None, () without a known topic)."""
        action = topic_action(ctx.tracker.get_slot(n.TOPIC), self._sessions)
        return action, (action.takes if action is not None else ())

    def unknown_reply(self, ctx: Context) -> Reply | None:
        """An unknown thing is reported as the topic in context would report it."""
        unknown = ctx.unknown(self.mention_kinds)
        if unknown is None:
            return None
        action, _ = self.topic_action(ctx)
        return (action or action_for_kind(n.ROLE, self._sessions)).nothing_on(ctx, unknown)

    def answer(self, ctx: Context) -> Reply:
        """Dispatch on the topic in context and the kinds of things the message names."""
        action, kinds = self.topic_action(ctx)
        named = ctx.named_kinds()
        if not named:
            intent = action.intent if action is not None and n.ROLE in kinds else n.ASK_ROLE_DUTIES
            buttons = [button(cap(r.name), intent, {n.ROLE: r.name}) for r in featured_roles(ctx.session)]
            reply = self.ask_which("role, certification or degree", buttons)
            reply.topic = action.topic if action is not None else None
            return reply
        if action is not None and any(kind in kinds for kind in named):
            return action.answer(ctx)
        return action_for_kind(named[0], self._sessions).answer(ctx)


class ActionExplainLast(KnowledgeAction, action_name=n.ACTION_EXPLAIN_LAST, mention_kinds=()):
    """'Why would I need it?', 'what's the point of it?': re-answer the last topic about the thing it was
    about (the certification, degree, role... remembered in the slots), which says what it is good for."""

    def answer(self, ctx: Context) -> Reply:
        """The last topic's answer about the remembered thing; without one, a question back."""
        action = topic_action(ctx.tracker.get_slot(n.TOPIC), self._sessions)
        if action is not None and not ctx.named_kinds():
            for kind in action.takes or ():
                value = ctx.tracker.get_slot(kind)
                if isinstance(value, str) and ctx.assume(kind, value):
                    return action.answer(ctx)
        if action is not None and ctx.named_kinds():
            return action.answer(ctx)
        buttons = [button(cap(r.name), n.ASK_ROLE_DUTIES, {n.ROLE: r.name}) for r in featured_roles(ctx.session)]
        return self.ask_which("role, certification or degree", buttons)


_PAYLOAD = re.compile(r"^/(\w+)(\{.*\})?$", re.DOTALL)


def payload_message(payload: str) -> dict[str, Any] | None:
    """A button payload ('/ask_path{"role": "engineering manager"}') as a parsed message; None if malformed."""
    match = _PAYLOAD.match(payload or "")
    if not match:
        return None
    try:
        values = json.loads(match.group(2)) if match.group(2) else {}
    except ValueError:
        return None
    if not isinstance(values, dict):
        return None
    return {"text": payload, "intent": match.group(1),
            "entities": [{"entity": k, "value": v} for k, v in values.items() if isinstance(v, str)]}


def last_reply_buttons(events: list[dict[str, Any]]) -> list[dict[str, str]]:
    """The buttons ({title, payload}) of the bot's reply between the two latest user messages, in order: what
    "the second one" can pick from. A reply without buttons (a greeting) leaves nothing to pick."""
    users = 0
    replies: list[dict[str, Any]] = []
    for event in reversed(events or []):
        kind = event.get("event") if isinstance(event, dict) else None
        if kind == "user":
            users += 1
            if users == 2:
                break
        elif kind == "bot" and users == 1:
            replies.append(event)
    return [{"title": b["title"], "payload": b["payload"]} for event in reversed(replies)
            for b in (event.get("data") or {}).get("buttons") or []
            if isinstance(b, dict) and isinstance(b.get("title"), str) and isinstance(b.get("payload"), str)]


class ActionTakeSuggestion(KnowledgeRun, Action, action_name=n.ACTION_TAKE_SUGGESTION):
    """"That one", "the second one": answer one of the last reply's buttons as if it had been clicked."""

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        """The chosen button's answer; which one, when the message does not say and there are several."""
        offered = last_reply_buttons(tracker.events)
        if not offered:
            dispatcher.utter_message(response=n.UTTER_NO_SUGGESTIONS)
            return []
        index = mentions.ordinal_in((tracker.latest_message or {}).get("text") or "")
        if index is None and len(offered) == 1:
            index = 0
        if index is None or not -len(offered) <= index < len(offered):  # "that one" of several, "the fifth" of 3
            dispatcher.utter_message(response=n.UTTER_WHICH_SUGGESTION, buttons=offered)
            return []
        message = payload_message(offered[index]["payload"])
        cls = action_for_intent(message["intent"]) if message else None
        if cls is None:  # a button of the form or of small talk: not one this action can replay
            dispatcher.utter_message(response=n.UTTER_WHICH_SUGGESTION, buttons=offered)
            return []
        return cls(self._sessions).run(dispatcher, with_message(tracker, message), domain)
