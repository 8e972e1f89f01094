"""Builders for the action tests: a Tracker (slots, latest message, input channel), an action run with
CollectingDispatcher, the text the user sees (domain responses filled the way Rasa fills them), and the
career-plan form driven the way Rasa's FormAction drives it (ask for the first missing slot, validate
each message)."""
from __future__ import annotations

import asyncio
import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from rasa.core.nlg.interpolator import interpolate_text
from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.actions import names as n

DOMAIN_FILE = Path(__file__).resolve().parents[2] / "bot" / "domain.yml"
PAYLOAD = re.compile(r"^/(?P<intent>\w+)(?P<entities>\{.*\})?$")
BUTTON_ENTITIES = set(n.ENTITIES) | {n.MENTOR, n.FAQ_ENTRY}
# Keys of a dispatched message that are not values for its response's placeholders.
_NOT_VALUES = ("text", "buttons", "elements", "custom", "template", "response", "image", "attachment")


@lru_cache(maxsize=1)
def domain() -> dict[str, Any]:
    """bot/domain.yml, parsed (once per test run; nothing changes it)."""
    return yaml.safe_load(DOMAIN_FILE.read_text(encoding="utf-8"))


def entity(text: str, kind: str, value: str) -> dict[str, Any]:
    """An entity as the NLU reports it, located in `text` when it occurs there."""
    start = text.lower().find(value.lower())
    start = start if start >= 0 else 0
    return {"entity": kind, "value": value, "start": start, "end": start + len(value), "extractor": "test"}


def tracker(text: str, intent: str | None, entities: list[tuple[str, str]] = (), slots: dict[str, Any] | None = None,
            intent_ranking: list[dict[str, Any]] | None = None, channel: str = "rest") -> Tracker:
    """A Tracker whose latest message is `text` (`intent`, `entities` [(kind, value)]) from `channel`, with
    `slots` (and the NLU's `intent_ranking` when given)."""
    latest: dict[str, Any] = {"text": text, "intent": {"name": intent, "confidence": 0.95},
                              "entities": [entity(text, kind, value) for kind, value in entities]}
    if intent_ranking is not None:
        latest["intent_ranking"] = intent_ranking
    events = [{"event": "user", "text": text, "parse_data": latest, "input_channel": channel}]
    return Tracker("test-user", dict(slots or {}), latest, events, False, None, {}, "action_listen")


@dataclass
class Answer:
    """What one action run produced: the messages, the events, and the text the user sees."""

    messages: list[dict[str, Any]]
    events: list[dict[str, Any]]
    texts: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        """All the user-visible text, messages separated by blank lines."""
        return "\n\n".join(self.texts)

    @property
    def buttons(self) -> list[dict[str, str]]:
        """Every button of every message."""
        return [b for m in self.messages for b in m.get("buttons") or []]

    @property
    def slots(self) -> dict[str, Any]:
        """The slots set by the run (last value wins)."""
        return {e["name"]: e["value"] for e in self.events if e.get("event") == "slot"}

    def payloads(self) -> list[str]:
        """The button payloads."""
        return [b["payload"] for b in self.buttons]


def shown(message: dict[str, Any], responses: dict[str, Any], slots: dict[str, Any]) -> str:
    """The text the user sees for one dispatched message: its text, or its domain response filled from
    the message's values and the slots, as Rasa's template generator fills it."""
    if message.get("text"):
        return message["text"]
    if message.get("custom") and not message.get("response"):
        return ""  # a payload for the channel to act on (the Slack mentor intro), no text of its own
    name = message.get("response")
    assert name in responses, f"response {name!r} is not in bot/domain.yml"
    values = {**slots, **{k: v for k, v in message.items() if k not in _NOT_VALUES}}
    text = interpolate_text(responses[name][0]["text"], values)
    assert "{" not in text, f"unfilled placeholder in {name}: {text}"
    return text


def check_buttons(buttons: list[dict[str, str]]) -> None:
    """Every button has a title and a payload Rasa parses without NLU: /intent{json entities}, naming a
    domain intent and domain entities."""
    dom = domain()
    for b in buttons:
        assert b["title"].strip(), b
        match = PAYLOAD.match(b["payload"])
        assert match, f"not a Rasa payload: {b['payload']}"
        assert match["intent"] in dom["intents"], b["payload"]
        if match["entities"]:
            entities = set(json.loads(match["entities"]))
            assert entities <= BUTTON_ENTITIES, b["payload"]
            assert entities <= set(dom["entities"]), b["payload"]


def collect(dispatcher: CollectingDispatcher, events: list[dict[str, Any]], t: Tracker) -> Answer:
    """The Answer of a finished run."""
    responses = domain()["responses"]
    answer = Answer(dispatcher.messages, events, [shown(m, responses, t.slots) for m in dispatcher.messages])
    check_buttons(answer.buttons)
    return answer


def run(action: Action, t: Tracker) -> Answer:
    """Run a (synchronous) action on tracker `t`; like the action server with selective domain, it gets no
    domain."""
    dispatcher = CollectingDispatcher()
    return collect(dispatcher, action.run(dispatcher, t, {}), t)


def run_async(action: Action, t: Tracker) -> Answer:
    """Run an asynchronous action (the form validation, which gets the domain) on tracker `t`."""
    dispatcher = CollectingDispatcher()
    return collect(dispatcher, asyncio.run(action.run(dispatcher, t, domain())), t)


@dataclass
class FormRun:
    """A conversation with the form: the slots after each turn and what the user saw."""

    slots: dict[str, Any]
    answers: list[Answer]
    requested: str | None

    @property
    def done(self) -> bool:
        """True when every required slot is filled (Rasa would deactivate the form and show the plan)."""
        return self.requested is None


def next_requested(slots: dict[str, Any]) -> str | None:
    """The slot the form asks for next: the first required slot without a value."""
    return next((s for s in n.PLAN_SLOTS if slots.get(s) is None), None)


def drive_form(validator: Action, turns: list[tuple], slots: dict[str, Any] | None = None) -> FormRun:
    """Feed `turns` [(text, intent, [(kind, value)])] to the validation action as Rasa's FormAction does:
    the first turn activates the form (nothing requested yet), each later one answers the requested slot."""
    slots = dict(slots or {})
    answers = []
    requested = None
    for text, intent, entities in turns:
        state = {**slots, n.REQUESTED_SLOT: requested}
        answer = run_async(validator, tracker(text, intent, list(entities), state))
        answers.append(answer)
        slots.update({k: v for k, v in answer.slots.items() if k != n.REQUESTED_SLOT})
        requested = next_requested(slots)
    return FormRun(slots, answers, requested)
