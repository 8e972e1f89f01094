"""Current and target role: marks each `role` entity of a message with Rasa's entity role "current" or
"target" from the words before it, so that "I'm an engineering manager. How do I get to CTO?" is a path from
engineering manager to CTO, not a path to engineering manager.

"I'm / I am / as a / currently / working as / from X" makes X the current role; "become / get to / reach /
move into / to be / aim for / promoted to / path to / to Y" makes Y the target. When a message names two
roles and the grammar places only one, the other takes the other place ("can a staff engineer become a
director?"). A role with no cue keeps no entity role.
"""
from __future__ import annotations

import re
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

ROLE_ENTITY = "role"
CURRENT, TARGET = "current", "target"
_ARTICLE = r"(?:an?\s+|the\s+)?"
_CURRENT_CUE = re.compile(
    r"(?:\bi\s*'?\s*m|\bi\s+am|\bim|\bcurrently|\bnow|\bas|\bworking\s+as|\bwork\s+as|\bbeen|\bbeing|\bfrom"
    r"|\bmy\s+(?:current\s+)?(?:role|job|title|position)\s+is|\bi\s+was|\bstarting\s+as)\s+"
    r"(?:(?:currently|now|already|still|just)\s+)?" + _ARTICLE + r"$")
_TARGET_CUE = re.compile(
    r"(?:\bbecome|\bbecoming|\bget\s+to|\bgetting\s+to|\breach|\breaching|\bmove\s+(?:in)?to|\bmoving\s+(?:in)?to"
    r"|\bmove\s+up\s+to|\bbe|\bto|\binto|\baim(?:ing)?\s+for|\btarget(?:ing)?|\bpromoted\s+to"
    r"|\bpath\s+to|\broute\s+to|\bway\s+to|\bwant\s+to\s+be|\btransition\s+to|\bgoal(?:\s+is)?:?|→|->)\s*"
    + _ARTICLE + r"$")
_TAIL = 40  # characters before an entity that are looked at
_HERE = re.compile(r"^\s*here\b")


def place_of(before: str, after: str) -> str | None:
    """CURRENT, TARGET or None for an entity, from the text just before and just after it."""
    before = re.split(r"[.?!;]", before.lower())[-1][-_TAIL:]
    if _HERE.match(after.lower()):
        return CURRENT  # "junior project manager here"
    if _CURRENT_CUE.search(before):
        return CURRENT
    if _TARGET_CUE.search(before):
        return TARGET
    return None


def mark_roles(text: str, entities: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The entities, role entities with an entity role "current"/"target" where the grammar places them."""
    roles = sorted((e for e in entities if e.get("entity") == ROLE_ENTITY and "start" in e and "end" in e),
                   key=lambda e: e["start"])
    places = [place_of(text[:e["start"]], text[e["end"]:]) for e in roles]
    if len({e.get("value") for e in roles}) == 2 and len(roles) == 2:
        if places == [None, TARGET]:
            places = [CURRENT, TARGET]
        elif places == [CURRENT, None]:
            places = [CURRENT, TARGET]
        elif places == [TARGET, TARGET] and text[roles[0]["end"]:roles[1]["start"]].strip() in ("to", "→", "->"):
            places = [CURRENT, TARGET]  # "from X to Y" without "from": "project engineer to director"
    for entity, place in zip(roles, places):
        if place:
            entity["role"] = place
    return entities


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False)
class RoleGrammar(GraphComponent):
    """Marks role entities as the user's current or target role (after every entity extractor)."""

    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> RoleGrammar:
        """A new component (no trained state)."""
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        """Add entity roles to each message's role entities."""
        for message in messages:
            entities = message.get(ENTITIES) or []
            if sum(e.get("entity") == ROLE_ENTITY for e in entities):
                message.set(ENTITIES, mark_roles(message.get(TEXT) or "", entities), add_to_output=True)
        return messages
