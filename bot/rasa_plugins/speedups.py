"""Faster equivalents of Rasa 3.6 internals that run on every message; installed by bot.rasa_plugins.patches
(which lists each one, its speed group and the fingerprint of the original it replaces).

Found with py-spy on the Rasa server under the benchmark's conversation (bench/RESULTS.md):

- `sequential_run` replaces `DaskGraphRunner.run`. Rasa runs the NLU graph once and the policy
  graph twice per message, each time building a dask task graph and scheduling it on dask's synchronous
  scheduler. The graphs are small chains, so the same nodes are now called in a topological order computed
  once per target list, with the same inputs, outputs and GraphRunError.
- `incremental_past_states` replaces `DialogueStateTracker.past_states`. Every policy call turns the whole
  conversation into dialogue states by replaying all its events (5 calls per message: MemoizationPolicy
  and RulePolicy, which asks twice, for each of the two predictions), so a message cost grew with the
  conversation's length (15 % of the server's CPU by message 16, cProfile). The state of each step depends
  only on the events before it, so the replay is kept on the tracker, per set of arguments, and resumed
  from the first event not seen yet; when the applied events no longer start with the ones replayed (an
  undo, a restart, a new session) it starts over. Callers get copies, two levels deep (the featurizers
  delete keys from the sub-states); the loop itself is Rasa's, step for step.
  `memoised_applied_events` computes `applied_events()` once per tracker state instead of once per call.
- `possible_rule_keys` replaces `RulePolicy._get_possible_keys`, which checks every rule against every state
  of the conversation, oldest included, although a rule can only fail on the states within its own length
  (`_is_rule_applicable` is true beyond it). It stops once no remaining rule is that long, and parses each
  rule once instead of on every comparison; same result.
- `single_message_X` replaces `LogisticRegressionClassifier._create_X` for one message without dense features
  (careerbot's pipeline has none): the sentence's sparse features as a CSR row, where Rasa stacked them with
  an empty dense matrix and stacked the one row again (two scipy sparse constructions per message); the
  same numbers as float64, as the stacking made them.
- `sentence_features_only` replaces `CountVectorsFeaturizer._create_features` when bot.server finds that
  no component of the model reads sequence (per-token) features (every one is in TF_FREE_COMPONENTS;
  careerbot's classifier reads sentence features only): each featurizer then makes the sentence
  features alone, one sklearn transform per message instead of two (7 % of the server's CPU).
- `domain_is_empty` answers `Domain.is_empty()` once per domain: Rasa checks it for every message (before
  warning about unknown intents) by serialising the whole domain and an empty one and comparing them.
- `validate_action_result` replaces `RemoteAction._validate_action_result`, which checked every answer of
  the action server with `jsonschema.validate()`: the schema re-checked on each call (19.6 ms), then each
  event against all ~30 event schemas of a `oneOf` (0.8 ms for three events). Here the validator is built
  once, and each event is checked against the schemas whose `event` constant is its own, which gives the
  same verdict because the other branches of the `oneOf` fail on that constant. When anything is invalid,
  the full schema is run to raise exactly the error Rasa raised.
"""
from __future__ import annotations

import copy
import logging
from typing import Any

import numpy as np
from jsonschema.exceptions import best_match
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.core.policies.rule_policy import RulePolicy
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.nlu.constants import DENSE_FEATURIZABLE_ATTRIBUTES
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import CountVectorsFeaturizer
from rasa.engine.exceptions import GraphRunError
from rasa.engine.runner.dask import DaskGraphRunner
from rasa.shared.constants import DOCS_BASE_URL
from rasa.shared.core.constants import PREVIOUS_ACTION, SHOULD_NOT_BE_SET
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import ACTION_NAME, TEXT
from scipy.sparse import csr_matrix

logger = logging.getLogger(__name__)


# ------------------------------------------------------------------------------------------ graph runner
def _execution_order(runner: DaskGraphRunner, targets: tuple[str, ...]) -> list[tuple[str, tuple[str, ...]]]:
    """(node, the names its inputs come from) for every node `targets` need, dependencies first."""
    cache = runner.__dict__.setdefault("_careerbot_orders", {})
    if targets not in cache:
        schema = runner._graph_schema.minimal_graph_schema(list(targets))
        order: list[tuple[str, tuple[str, ...]]] = []
        placed: set[str] = set()

        def place(name: str, path: tuple[str, ...]) -> None:
            if name in placed or name not in schema.nodes:
                return  # done already, or a run input
            if name in path:
                raise GraphRunError(f"The graph has a cycle through '{name}'.")
            needs = tuple(schema.nodes[name].needs.values())
            for need in needs:
                place(need, (*path, name))
            placed.add(name)
            order.append((name, needs))

        for target in targets:
            place(target, ())
        cache[targets] = order
    return cache[targets]


def sequential_run(self: DaskGraphRunner, inputs: dict[str, Any] | None = None,
                   targets: list[str] | None = None) -> dict[str, Any]:
    """DaskGraphRunner.run without dask: each needed node once, in dependency order (same results)."""
    run_targets = tuple(targets if targets else self._graph_schema.target_names)
    order = _execution_order(self, run_targets)
    results: dict[str, Any] = {}
    for name, value in (inputs or {}).items():
        if isinstance(value, str) and value in self._graph_schema.nodes:
            raise GraphRunError(f"Input value '{value}' clashes with a node name. Make sure that none of the "
                                "input names passed to the `run` method are the same as node names in the "
                                "graph schema.")
        results[name] = (name, value)  # what dask hands a node for a run input
    try:
        for name, needs in order:
            results[name] = self._instantiated_nodes[name](*(results[need] for need in needs))
    except RuntimeError as error:
        raise GraphRunError("Error running runner.") from error
    return dict(results[target] for target in run_targets)


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


# ------------------------------------------------------------------------------------------ rules
ORIGINAL_GET_POSSIBLE_KEYS = RulePolicy._get_possible_keys


def _reversed_rule(self: RulePolicy, key: str) -> list[dict[str, Any]]:
    """The states of rule `key`, last first, with JSON's lists turned back into tuples (as
    _does_rule_match_state does on every comparison); made once per rule."""
    cache = self.__dict__.setdefault("_careerbot_rules", {})
    states = cache.get(key)
    if states is None:
        states = [{kind: {name: tuple(value) if isinstance(value, list) else value
                          for name, value in sub_state.items()}
                   for kind, sub_state in state.items()}
                  for state in reversed(self._rule_key_to_state(key))]
        cache[key] = states
    return states


def _by_last_action(self: RulePolicy, lookup: dict[str, str]) -> dict[str | None, list[str]]:
    """The keys of `lookup` grouped by the action name their last state requires as previous action (None:
    any, SHOULD_NOT_BE_SET or none); made once per lookup."""
    cache = self.__dict__.setdefault("_careerbot_rule_index", {})
    held = cache.get(id(lookup))
    if held is None or held[0] is not lookup or held[1] != len(lookup):
        groups: dict[str | None, list[str]] = {}
        for key in lookup:
            name = (_reversed_rule(self, key)[0].get(PREVIOUS_ACTION) or {}).get(ACTION_NAME)
            groups.setdefault(name if name and name != SHOULD_NOT_BE_SET else None, []).append(key)
        held = cache[id(lookup)] = (lookup, len(lookup), groups)
    return held[2]


def possible_rule_keys(self: RulePolicy, lookup: dict[str, str], states: list[dict[str, Any]]) -> set[str]:
    """RulePolicy._get_possible_keys, looking back only as far as the longest rule still possible, with
    `_is_rule_applicable` inlined over rules parsed once (the same tests in the same order). For the last
    state, only rules whose last state allows its previous action are tested: a rule naming another action
    fails `_does_rule_match_state` on that name."""
    possible_keys = set(lookup.keys())
    if states:
        groups = _by_last_action(self, lookup)
        name = (states[-1].get(PREVIOUS_ACTION) or {}).get(ACTION_NAME)
        possible_keys = {*groups.get(None, ()), *(groups.get(name, ()) if name is not None else ())}
    for index, state in enumerate(reversed(states)):
        rules = {key: _reversed_rule(self, key) for key in possible_keys}
        if not rules or index >= max(len(rule) for rule in rules.values()):
            break  # every remaining rule is shorter: _is_rule_applicable is true for all of them from here on
        current_previous_action = state.get(PREVIOUS_ACTION)
        kept = set()
        for key, rule in rules.items():
            if index >= len(rule):
                kept.add(key)
                continue
            rule_previous_action = rule[index].get(PREVIOUS_ACTION)
            if not rule_previous_action and not current_previous_action:
                kept.add(key)
            elif rule_previous_action and current_previous_action \
                    and self._does_rule_match_state(rule[index], state):
                kept.add(key)
        possible_keys = kept
    return possible_keys


# ------------------------------------------------------------------------------------------ intent classifier
ORIGINAL_CREATE_X = LogisticRegressionClassifier._create_X


def single_message_X(self: LogisticRegressionClassifier, messages: list[Any]) -> Any:
    """LogisticRegressionClassifier._create_X, without the stacking when there is nothing to stack."""
    if len(messages) == 1:
        sparse = messages[0].get_sparse_features(attribute=TEXT)[1]
        dense = messages[0].get_dense_features(attribute=TEXT)[1]
        if sparse is not None and dense is None:
            return csr_matrix(sparse.features, dtype=np.float64)
    return ORIGINAL_CREATE_X(self, messages)


# ------------------------------------------------------------------------------------------ featurizer
ORIGINAL_CREATE_FEATURES = CountVectorsFeaturizer._create_features


def sentence_features_only(self: CountVectorsFeaturizer, attribute: str,
                           all_tokens: list[list[str]]) -> tuple[list[Any], list[Any]]:
    """CountVectorsFeaturizer._create_features without the sequence features (None, which
    add_features_to_message skips): the sentence features exactly as Rasa makes them."""
    if not self.vectorizers.get(attribute):
        return [None], [None]
    sequence_features: list[Any] = []
    sentence_features: list[Any] = []
    for tokens in all_tokens:
        sequence_features.append(None)
        if not tokens or attribute not in DENSE_FEATURIZABLE_ATTRIBUTES:
            sentence_features.append(None)
            continue
        sentence_vec = self.vectorizers[attribute].transform([" ".join(tokens)])
        sentence_vec.sort_indices()
        sentence_features.append(sentence_vec.tocoo())
    return sequence_features, sentence_features


# ------------------------------------------------------------------------------------------ domain
ORIGINAL_IS_EMPTY = Domain.is_empty


def domain_is_empty(self: Domain) -> bool:
    """Domain.is_empty, remembered per domain (a loaded domain does not change)."""
    answer = self.__dict__.get("_careerbot_is_empty")
    if answer is None:
        answer = self.__dict__["_careerbot_is_empty"] = ORIGINAL_IS_EMPTY(self)
    return answer


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
