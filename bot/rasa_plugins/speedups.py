"""Faster equivalents of Rasa 3.6 internals that run on every message; installed by bot.rasa_plugins.patches
(which lists each one, its speed group and the fingerprint of the original it replaces).

Found with py-spy on the Rasa server under the benchmark's conversation (bench/RESULTS.md):

- `incremental_past_states` replaces `DialogueStateTracker.past_states`. Every policy call turns the whole
  conversation into dialogue states by replaying all its events (5 calls per message: MemoizationPolicy
  and RulePolicy, which asks twice, for each of the two predictions), so a message cost grew with the
  conversation's length (15 % of the server's CPU by message 16, cProfile). The state of each step depends
  only on the events before it, so the replay is kept on the tracker, per set of arguments, and resumed
  from the first event not seen yet; when the applied events no longer start with the ones replayed (an
  undo, a restart, a new session) it starts over. Callers get copies, two levels deep (the featurizers
  delete keys from the sub-states); the loop itself is Rasa's, step for step.
  `memoised_applied_events` computes `applied_events()` once per tracker state instead of once per call.
- `validate_action_result` replaces `RemoteAction._validate_action_result`, which checked every answer of
  the action server with `jsonschema.validate()`: the schema re-checked on each call (19.6 ms), then each
  event against all ~30 event schemas of a `oneOf` (0.8 ms for three events). Here the validator is built
  once, and each event is checked against the schemas whose `event` constant is its own, which gives the
  same verdict because the other branches of the `oneOf` fail on that constant. When anything is invalid,
  the full schema is run to raise exactly the error Rasa raised.

The graph runner without dask, the rule-key search, the intent classifier's and featurizers' shortcuts and
the remembered Domain.is_empty were removed: bench/PATCH_GROUPS.md measured under 5 % for each.
"""
from __future__ import annotations

import copy
import logging
from typing import Any

from jsonschema.exceptions import best_match
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL
from rasa.shared.core.constants import PREVIOUS_ACTION
from rasa.shared.core.events import ActionExecuted
from rasa.shared.core.trackers import DialogueStateTracker

logger = logging.getLogger(__name__)


# ------------------------------------------------------------------------------------------ tracker states
ORIGINAL_PAST_STATES = DialogueStateTracker.past_states
_IMMUTABLE = (str, int, float, bool, type(None), tuple, frozenset)


def _copy_states(states: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A copy of `states` that callers may change: states and sub-states are new dicts (their values are
    strings, numbers and tuples; anything else is deep-copied)."""
    copied = []
    for state in states:
        new = {}
        for key, sub in state.items():
            if isinstance(sub, dict) and all(isinstance(value, _IMMUTABLE) for value in sub.values()):
                new[key] = dict(sub)
            else:
                new[key] = copy.deepcopy(sub)
        copied.append(new)
    return copied


class _StatesSoFar:
    """Domain.states_for_tracker_history's loop, stopped after some applied events and resumable: the replay
    tracker, the states of the steps so far, and the loop's two running variables."""

    def __init__(self, tracker: DialogueStateTracker, domain: Any, omit_unset_slots: bool,
                 ignore_rule_only_turns: bool, rule_only_data: dict[str, Any] | None) -> None:
        self.domain, self.omit, self.ignore, self.rules = domain, omit_unset_slots, ignore_rule_only_turns, \
            rule_only_data
        self.replay = tracker.init_copy()
        self.applied: list[Any] = []
        self.states: list[dict[str, Any]] = []
        self.last_ml_action_sub_state: Any = None
        self.turn_was_hidden = False

    def matches(self, domain: Any, omit: bool, ignore: bool, rules: Any, applied: list[Any]) -> bool:
        """Whether these arguments and applied events continue what was computed (same prefix of events)."""
        done = len(self.applied)
        return (self.domain is domain and self.omit == omit and self.ignore == ignore and self.rules == rules
                and len(applied) >= done and all(a is b for a, b in zip(self.applied, applied[:done])))

    def _step(self, states: list[dict[str, Any]], tracker: DialogueStateTracker, hide_rule_turn: bool,
              running: list[Any]) -> None:
        """One iteration of the loop in Domain.states_for_tracker_history (rasa/shared/core/domain.py, 3.6.21)
        for the prior tracker `tracker`; `running` is [last_ml_action_sub_state, turn_was_hidden]."""
        domain = self.domain
        if self.ignore:
            if not running[1]:
                running[0] = domain._get_prev_action_sub_state(tracker)
            if not tracker.followup_action and not tracker.latest_action_name == tracker.active_loop_name:
                running[1] = hide_rule_turn
            if running[1]:
                return
        state = domain.get_active_state(tracker, omit_unset_slots=self.omit)
        if self.ignore:
            domain._remove_rule_only_features(state, self.rules)
            if states:
                domain._substitute_rule_only_user_input(state, states[-1])
            if running[0]:
                state[PREVIOUS_ACTION] = running[0]
        states.append(domain._clean_state(state))

    def extend(self, applied: list[Any]) -> list[dict[str, Any]]:
        """Replay the applied events not seen yet, keep the result, and return all the states (including the
        final one for the tracker as it is now)."""
        running = [self.last_ml_action_sub_state, self.turn_was_hidden]
        for event in applied[len(self.applied):]:
            if isinstance(event, ActionExecuted):
                self._step(self.states, self.replay, event.hide_rule_turn, running)
            self.replay.update(event)
            self.applied.append(event)
        self.last_ml_action_sub_state, self.turn_was_hidden = running
        states = list(self.states)
        self._step(states, self.replay, False, list(running))  # the final step: not kept
        return states


ORIGINAL_APPLIED_EVENTS = DialogueStateTracker.applied_events


def memoised_applied_events(self: DialogueStateTracker) -> list[Any]:
    """DialogueStateTracker.applied_events, computed once while the tracker's events stay the same (a
    prediction asks for them once per policy call); callers get their own list."""
    events = self.events
    last = events[-1] if events else None
    memo = self.__dict__.get("_careerbot_applied")
    if memo is None or memo[0] is not last or memo[1] != len(events):
        memo = (last, len(events), ORIGINAL_APPLIED_EVENTS(self))
        self.__dict__["_careerbot_applied"] = memo
    return list(memo[2])


def incremental_past_states(self: DialogueStateTracker, domain: Any, omit_unset_slots: bool = False,
                            ignore_rule_only_turns: bool = False,
                            rule_only_data: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """DialogueStateTracker.past_states, replaying only the events added since the last call with the same
    arguments on this tracker (the states of earlier steps depend only on earlier events)."""
    applied = self.applied_events()
    kept: list[_StatesSoFar] = self.__dict__.setdefault("_careerbot_states", [])
    for so_far in kept:
        if so_far.matches(domain, omit_unset_slots, ignore_rule_only_turns, rule_only_data, applied):
            return _copy_states(so_far.extend(applied))
    kept[:] = [k for k in kept if not (k.domain is domain and k.omit == omit_unset_slots
                                       and k.ignore == ignore_rule_only_turns and k.rules == rule_only_data)]
    so_far = _StatesSoFar(self, domain, omit_unset_slots, ignore_rule_only_turns, copy.deepcopy(rule_only_data))
    kept.append(so_far)
    return _copy_states(so_far.extend(applied))


# ------------------------------------------------------------------------------------------ action results
class _ActionResultValidator:
    """RemoteAction's response schema, checked event by event against the branches for its type."""

    def __init__(self) -> None:
        schema = RemoteAction.action_response_format_spec()
        cls = validator_for(schema)
        cls.check_schema(schema)
        self.full = cls(schema)
        events_schema = schema["properties"]["events"]
        item = events_schema["items"]
        base = {key: value for key, value in item.items() if key != "oneOf"}
        by_type: dict[str, list[dict[str, Any]]] = {}
        untyped: list[dict[str, Any]] = []
        for branch in item["oneOf"]:
            const = branch.get("properties", {}).get("event", {}).get("const")
            (by_type.setdefault(const, []) if isinstance(const, str) else untyped).append(branch)
        self.event = {name: cls({**base, "oneOf": branches + untyped}) for name, branches in by_type.items()}
        self.untyped_event = cls({**base, "oneOf": untyped}) if untyped else None
        self.any_event = cls(item)
        rest = {**schema, "properties": {k: v for k, v in schema["properties"].items() if k != "events"}}
        self.rest = cls(rest)
        self.events_array = cls({k: v for k, v in events_schema.items() if k != "items"})

    def _event_valid(self, event: Any) -> bool:
        name = event.get("event") if isinstance(event, dict) else None
        if not isinstance(name, str):
            return self.any_event.is_valid(event)
        validator = self.event.get(name, self.untyped_event)
        return validator.is_valid(event) if validator is not None else False

    def is_valid(self, result: Any) -> bool:
        """The verdict of the full schema."""
        if not self.rest.is_valid(result):
            return False
        if not isinstance(result, dict) or "events" not in result:
            return True
        events = result["events"]
        if not self.events_array.is_valid(events):
            return False
        return not isinstance(events, list) or all(self._event_valid(event) for event in events)


_VALIDATOR: _ActionResultValidator | None = None


def validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
    """RemoteAction._validate_action_result, fast; raises the same ValidationError for a bad answer."""
    global _VALIDATOR
    if _VALIDATOR is None:
        _VALIDATOR = _ActionResultValidator()
    if _VALIDATOR.is_valid(result):
        return True
    error = best_match(_VALIDATOR.full.iter_errors(result))
    if error is None:  # cannot happen: both check the same schema; trust the full one
        return True
    error.message += (". Failed to validate Action server response from API, make sure your response from the "
                      f"Action endpoint is valid. For more information about the format visit "
                      f"{DOCS_BASE_URL}/custom-actions")
    raise error
