"""Buttons: a Rasa payload that works without NLU, and the few button builders more than one topic offers."""
from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy.orm import Session

from knowledge import queries as q

from . import names as n
from .render.text import cap, with_article


def payload(intent: str, entities: dict[str, Any] | None = None) -> str:
    """A Rasa message payload that works without NLU: '/intent{"role": "engineering director"}'."""
    return f"/{intent}{json.dumps(entities) if entities else ''}"


def button(title: str, intent: str, entities: dict[str, Any] | None = None) -> dict[str, str]:
    """A button that sends `intent` with `entities` when clicked."""
    return {"title": title, "payload": payload(intent, entities)}


def role_buttons(roles: Sequence[Any], intent: str, question: Callable[[str], str]) -> list[dict[str, str]]:
    """One button per role, sending `intent` with that role."""
    return [button(question(r.name), intent, {n.ROLE: r.name}) for r in roles]


def role_choices(roles: Sequence[Any], intent: str = n.INFORM) -> list[dict[str, str]]:
    """One button per role titled with its name ('Engineering manager'), sending `intent` with that role."""
    return [button(cap(r.name), intent, {n.ROLE: r.name}) for r in roles]


def compare_degrees_button(session: Session) -> list[dict[str, str]]:
    """'MEM vs MBA' when both degrees exist."""
    mem, mba = q.degree(session, q.MEM_KEY), q.degree(session, q.MBA_KEY)
    if mem is None or mba is None:
        return []
    return [button(f"{mem.key} vs {mba.key}", n.COMPARE, {n.DEGREE: [mem.key, mba.key]})]


def mem_button() -> dict[str, str]:
    """'What is an MEM?'."""
    return button(f"What is {with_article(q.MEM_KEY)}?", n.ASK_EDUCATION, {n.DEGREE: q.MEM_KEY})


def plan_button() -> dict[str, str]:
    """'Make my career plan'."""
    return button("Make my career plan", n.ASK_CAREER_PLAN)
