"""Fixtures of the career-plan tests: actions over the shipped knowledge base (in-memory SQLite)."""
from __future__ import annotations

import pytest

from bot.actions.plan import ValidateCareerPlanForm
from tests.support.builders import Answer, run, tracker


@pytest.fixture()
def ask(kb_sessions):
    """ask(ActionClass, text, intent, entities=[(kind, value)], slots={}, channel='rest') -> Answer."""
    def _ask(cls, text: str, intent: str, entities=(), slots=None, channel: str = "rest") -> Answer:
        return run(cls(kb_sessions), tracker(text, intent, list(entities), slots, channel=channel))
    return _ask


@pytest.fixture()
def validator(kb_sessions) -> ValidateCareerPlanForm:
    """The form's validation action over the shipped knowledge base."""
    return ValidateCareerPlanForm(kb_sessions)
