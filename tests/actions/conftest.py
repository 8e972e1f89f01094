"""Fixtures for the action tests."""
from __future__ import annotations

import pytest

from tests.support.builders import Answer, run, tracker


@pytest.fixture()
def ask(kb_sessions):
    """ask(ActionClass, text, intent, entities=[(kind, value)], slots={}) -> Answer, over the shipped KB."""
    def _ask(cls, text: str, intent: str, entities=(), slots=None, intent_ranking=None) -> Answer:
        return run(cls(kb_sessions), tracker(text, intent, list(entities), slots, intent_ranking))
    return _ask
