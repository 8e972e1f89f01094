"""Helpers for the action tests: build a Tracker, run an action with CollectingDispatcher, and show the
messages as the user would see them (domain responses rendered the way Rasa renders them)."""
# A plain module (not conftest.py) so that test modules can import it by a name no other folder uses.
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from rasa.core.nlg.interpolator import interpolate_text
from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.actions import names as n

DOMAIN_FILE = Path(__file__).resolve().parents[2] / "bot" / "domain.yml"
PAYLOAD = re.compile(r"^/(?P<intent>\w+)(?P<entities>\{.*\})?$")


def domain() -> dict[str, Any]:
    """bot/domain.yml, parsed."""
    return yaml.safe_load(DOMAIN_FILE.read_text(encoding="utf-8"))


def entity(text: str, kind: str, value: str) -> dict[str, Any]:
    """An entity as the NLU reports it, located in `text` when it occurs there."""
    start = text.lower().find(value.lower())
    start = start if start >= 0 else 0
    return {"entity": kind, "value": value, "start": start, "end": start + len(value), "extractor": "test"}


def tracker(text: str, intent: str, entities: list[tuple[str, str]] = (), slots: dict[str, Any] | None = None,
            intent_ranking: list[dict[str, Any]] | None = None) -> Tracker:
    """A Tracker whose latest message is `text` with `intent` and `entities` [(kind, value)], and `slots`."""
    latest = {"text": text, "intent": {"name": intent, "confidence": 0.95},
              "entities": [entity(text, kind, value) for kind, value in entities]}
    if intent_ranking is not None:
        latest["intent_ranking"] = intent_ranking
    return Tracker("test-user", dict(slots or {}), latest, [], False, None, {}, "action_listen")


@dataclass
class Answer:
    """What one action run produced: the user-visible text, the buttons and the events."""

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
    name = message.get("response")
    assert name in responses, f"response {name!r} is not in bot/domain.yml"
    values = {**slots, **{k: v for k, v in message.items()
                          if k not in ("text", "buttons", "elements", "custom", "template", "response", "image",
                                       "attachment")}}
    text = interpolate_text(responses[name][0]["text"], values)
    assert "{" not in text, f"unfilled placeholder in {name}: {text}"
    return text


def check_buttons(buttons: list[dict[str, str]]) -> None:
    """Every button has a title and a payload Rasa parses without NLU: /intent{json entities}."""
    dom = domain()
    for b in buttons:
        assert b["title"].strip(), b
        match = PAYLOAD.match(b["payload"])
        assert match, f"not a Rasa payload: {b['payload']}"
        assert match["intent"] in dom["intents"], b["payload"]
        if match["entities"]:
            entities = json.loads(match["entities"])
            assert set(entities) <= set(n.ENTITIES), b["payload"]


def run(action: Action, t: Tracker) -> Answer:
    """Run `action` on tracker `t` and collect what the user would see."""
    dispatcher = CollectingDispatcher()
    events = action.run(dispatcher, t, {})
    responses = domain()["responses"]
    answer = Answer(dispatcher.messages, events, [shown(m, responses, t.slots) for m in dispatcher.messages])
    check_buttons(answer.buttons)
    return answer
