"""bot.rasa_plugins.speedups gives Rasa's own results: the action-answer check's verdicts and errors and the
incremental dialogue states are compared with the originals."""
from __future__ import annotations

import copy
from typing import Any

import pytest
from jsonschema import ValidationError, validate
from rasa.core.actions.action import RemoteAction
from rasa.shared.core import events as rasa_events

from bot.rasa_plugins import speedups
from e2e.harness import REPO_ROOT

SCHEMA = RemoteAction.action_response_format_spec()


def sample_events() -> list[dict[str, Any]]:
    """One serialised example of each kind of event an action may return."""
    made = [
        rasa_events.SlotSet("role", "engineering manager"), rasa_events.SlotSet("years", 4.0),
        rasa_events.FollowupAction("action_show_path"), rasa_events.ActiveLoop("career_plan_form"),
        rasa_events.ActiveLoop(None), rasa_events.BotUttered("hi", {"buttons": [{"title": "a", "payload": "/b"}]}),
        rasa_events.UserUttered("hello", {"name": "greet", "confidence": 0.9}, []),
        rasa_events.Restarted(), rasa_events.SessionStarted(), rasa_events.AllSlotsReset(),
        rasa_events.ActionExecuted("action_listen"), rasa_events.UserUtteranceReverted(),
        rasa_events.ActionReverted(), rasa_events.StoryExported(), rasa_events.ConversationPaused(),
        rasa_events.ConversationResumed(), rasa_events.AgentUttered("x"), rasa_events.LoopInterrupted(True),
        rasa_events.ActionExecutionRejected("action_x"),
    ]
    return [event.as_dict() for event in made]


def valid_results() -> list[dict[str, Any]]:
    events = sample_events()
    return [{}, {"events": []}, {"events": events}, {"responses": [{"text": "x"}], "events": events[:3]},
            {"events": [events[0]] * 10, "responses": []}]


def invalid_results() -> list[Any]:
    return [
        [], "text", {"events": "x"}, {"events": [{"event": "nonsense"}]}, {"events": [{"event": "slot"}]},
        {"events": [{}]}, {"events": [3]}, {"events": [{"event": 7}]}, {"responses": [1]},
        {"events": [{"event": "slot", "name": "a", "value": 1, "timestamp": "yesterday"}]},
        {"events": [{"event": "slot", "name": 5, "value": 1}]}, {"events": [{"event": "user", "text": 5}]},
        {"events": [{"event": "user", "parse_data": {"entities": [{"entity": "x"}]}}]},
        {"events": [*sample_events(), {"event": "action", "name": 3}]},
        {"events": [{"event": "bot", "text": "x", "metadata": 5}]}, {"events": [{"event": "slot"}], "responses": "x"},
    ]


@pytest.mark.parametrize("result", valid_results())
def test_valid_answers_pass_as_with_jsonschema(result: dict[str, Any]) -> None:
    validate(result, SCHEMA)  # the original check accepts it ...
    assert speedups.validate_action_result(None, copy.deepcopy(result)) is True  # ... and so does ours


@pytest.mark.parametrize("result", invalid_results())
def test_invalid_answers_raise_the_original_error(result: Any) -> None:
    with pytest.raises(ValidationError) as original:
        validate(result, SCHEMA)
    with pytest.raises(ValidationError) as ours:
        speedups.validate_action_result(None, result)
    assert ours.value.message.startswith(original.value.message)
    assert "Failed to validate Action server response" in ours.value.message
    assert list(ours.value.absolute_path) == list(original.value.absolute_path)


# ------------------------------------------------------------------------------------------ tracker states
def story_trackers() -> list[Any]:
    """Trackers of every test story and training story/rule (bot/data, tests/data), without augmentation."""
    from rasa.core.training import load_data
    from rasa.shared.core.domain import Domain

    domain = Domain.load(str(REPO_ROOT / "bot" / "domain.yml"))
    trackers = []
    for folder in (REPO_ROOT / "bot" / "data", REPO_ROOT / "tests" / "data"):
        for path in sorted(folder.glob("*.yml")):
            if "nlu" in path.name:
                continue
            trackers += load_data(str(path), domain, augmentation_factor=0, use_story_concatenation=False)
    return [domain, trackers]


RULE_ONLY_DATA = ({"rule_only_slots": ["requested_slot"], "rule_only_loops": ["career_plan_form"]}, None)


def test_incremental_states_equal_rasas_at_every_step_of_every_story() -> None:
    """Replay each story event by event into one tracker; after every event the incremental states (resumed
    from the previous call) equal Rasa's full replay, for every combination of arguments."""
    from rasa.shared.core.trackers import DialogueStateTracker

    domain, trackers = story_trackers()
    assert len(trackers) > 50
    compared = 0
    for story in trackers:
        tracker = DialogueStateTracker(story.sender_id, domain.slots)
        for event in story.events:
            tracker.update(event)
            applied = speedups.memoised_applied_events(tracker)
            assert applied == speedups.ORIGINAL_APPLIED_EVENTS(tracker)
            applied.clear()  # a caller's list is its own
            assert speedups.memoised_applied_events(tracker) == speedups.ORIGINAL_APPLIED_EVENTS(tracker)
            for omit in (False, True):
                for ignore in (False, True):
                    for rules in RULE_ONLY_DATA:
                        ours = speedups.incremental_past_states(tracker, domain, omit, ignore, rules)
                        assert ours == speedups.ORIGINAL_PAST_STATES(tracker, domain, omit, ignore, rules)
                        compared += 1
    assert compared > 5000


def test_incremental_states_are_copies_and_start_over_after_an_undo() -> None:
    from rasa.shared.core.events import ActionExecuted, UserUttered, UserUtteranceReverted
    from rasa.shared.core.trackers import DialogueStateTracker

    domain, _ = story_trackers()
    tracker = DialogueStateTracker("t", domain.slots)
    for event in (ActionExecuted("action_listen"), UserUttered("hi", {"name": "greet", "confidence": 1.0}),
                  ActionExecuted("utter_greet"), ActionExecuted("action_listen"),
                  UserUttered("how?", {"name": "ask_path", "confidence": 1.0})):
        tracker.update(event)
    first = speedups.incremental_past_states(tracker, domain)
    first[-1].clear()  # callers may change what they get
    first[0]["prev_action"] = {"action_name": "changed"}
    assert speedups.incremental_past_states(tracker, domain) == speedups.ORIGINAL_PAST_STATES(tracker, domain)
    tracker.update(UserUtteranceReverted())  # the applied events shrink: the replay starts over
    assert speedups.incremental_past_states(tracker, domain) == speedups.ORIGINAL_PAST_STATES(tracker, domain)
