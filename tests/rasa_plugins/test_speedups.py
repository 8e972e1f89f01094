"""bot.rasa_plugins.speedups gives Rasa's own results: the graph runner's outputs and the action-answer check's
verdicts and errors are compared with the originals."""
from __future__ import annotations

import asyncio
import copy
import os
from collections.abc import Iterator
from typing import Any

import pytest
from jsonschema import ValidationError, validate
from rasa.core.actions.action import RemoteAction
from rasa.engine.runner.dask import DaskGraphRunner
from rasa.shared.core import events as rasa_events

from bot.rasa_plugins import speedups
from e2e.harness import REPO_ROOT, require_model

ORIGINAL_RUN = DaskGraphRunner.run
ORIGINAL_CREATE_X = speedups.ORIGINAL_CREATE_X
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


@pytest.fixture(scope="module")
def agent() -> Iterator[Any]:
    """The shipped model, loaded in this process with Rasa's own dask runner."""
    model = require_model()
    from rasa.core.agent import Agent

    previous = os.getcwd()
    os.chdir(REPO_ROOT)
    DaskGraphRunner.run = ORIGINAL_RUN
    try:
        yield Agent.load(str(model))
    finally:
        DaskGraphRunner.run = ORIGINAL_RUN
        os.chdir(previous)


def heldout_texts() -> list[str]:
    """Every message of the held-out NLU file."""
    from rasa.shared.nlu.training_data.loading import load_data

    return [example.get("text")
            for example in load_data(str(REPO_ROOT / "tests" / "data" / "nlu_heldout.yml")).intent_examples]


def parse(agent: Any, text: str) -> dict[str, Any]:
    return asyncio.run(agent.parse_message(text))


@pytest.mark.parametrize("text", ["how do I become an engineering manager?", "what does a CTO earn",
                                  "compare MEM and MBA", "asdkjh qwe", "PMP"])
def test_the_sequential_runner_parses_like_dask(agent: Any, text: str) -> None:
    DaskGraphRunner.run = ORIGINAL_RUN
    expected = parse(agent, text)
    DaskGraphRunner.run = speedups.sequential_run
    try:
        assert parse(agent, text) == expected
    finally:
        DaskGraphRunner.run = ORIGINAL_RUN


def test_the_sequential_runner_predicts_like_dask(agent: Any) -> None:
    from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

    async def conversation(sender: str) -> list[Any]:
        predictions = []
        for text in ("hi", "how do I become an engineering director?", "what does a CTO do?", "thanks"):
            tracker = await agent.processor.get_tracker(sender)
            message = UserMessage(text, CollectingOutputChannel(), sender)
            await agent.processor._handle_message_with_tracker(message, tracker)
            prediction = agent.processor._predict_next_with_tracker(tracker)
            predictions.append((prediction.max_confidence_index, prediction.policy_name,
                                [round(p, 6) for p in prediction.probabilities]))
        return predictions

    DaskGraphRunner.run = ORIGINAL_RUN
    expected = asyncio.run(conversation("dask"))
    DaskGraphRunner.run = speedups.sequential_run
    try:
        assert asyncio.run(conversation("sequential")) == expected
    finally:
        DaskGraphRunner.run = ORIGINAL_RUN


def test_the_sequential_runner_rejects_inputs_named_like_nodes(agent: Any) -> None:
    from rasa.engine.exceptions import GraphRunError

    runner = agent.processor.graph_runner
    node = next(iter(runner._graph_schema.nodes))
    with pytest.raises(GraphRunError, match="clashes with a node name"):
        speedups.sequential_run(runner, inputs={"x": node})


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


def test_rule_keys_equal_rasas_for_every_state_of_every_story(agent: Any) -> None:
    """The trained RulePolicy's lookups, asked with the states after each event of each story: the
    shortened search finds exactly the rules Rasa's full search finds."""
    from rasa.core.policies.rule_policy import RULES, RULES_FOR_LOOP_UNHAPPY_PATH, RulePolicy
    from rasa.shared.core.trackers import DialogueStateTracker

    policy = next(node._component for node in agent.processor.graph_runner._instantiated_nodes.values()
                  if isinstance(getattr(node, "_component", None), RulePolicy))
    domain, trackers = story_trackers()
    compared = found = 0
    for story in trackers:
        tracker = DialogueStateTracker(story.sender_id, domain.slots)
        for event in story.events:
            tracker.update(event)
            states = speedups.ORIGINAL_PAST_STATES(tracker, domain, rule_only_data=policy._get_rule_only_data())
            for lookup in (policy.lookup[RULES], policy.lookup.get(RULES_FOR_LOOP_UNHAPPY_PATH, {})):
                expected = speedups.ORIGINAL_GET_POSSIBLE_KEYS(policy, lookup, states)
                assert speedups.possible_rule_keys(policy, lookup, states) == expected
                compared += 1
                found += bool(expected)
    assert compared > 1000 and found > 100  # many states, and rules really matched


def test_the_intent_classifier_gives_the_same_probabilities_for_every_held_out_message(
        agent: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Parse the held-out file with Rasa's feature stacking and with the single-row shortcut: the same intent
    and exactly the same confidences, message by message."""
    from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier

    texts = heldout_texts()
    assert len(texts) > 400
    try:
        LogisticRegressionClassifier._create_X = ORIGINAL_CREATE_X
        expected = [parse(agent, text)["intent_ranking"] for text in texts]
        LogisticRegressionClassifier._create_X = speedups.single_message_X
        stacked = []
        monkeypatch.setattr(speedups, "ORIGINAL_CREATE_X", lambda *args: stacked.append(args) or 1 / 0)
        assert [parse(agent, text)["intent_ranking"] for text in texts] == expected
        assert stacked == []  # every message took the shortcut
    finally:
        LogisticRegressionClassifier._create_X = ORIGINAL_CREATE_X


def test_domain_is_empty_is_remembered_per_domain() -> None:
    from rasa.shared.core.domain import Domain

    loaded = Domain.load(str(REPO_ROOT / "bot" / "domain.yml"))
    empty = Domain.empty()
    assert speedups.domain_is_empty(loaded) is speedups.ORIGINAL_IS_EMPTY(loaded) is False
    assert speedups.domain_is_empty(empty) is speedups.ORIGINAL_IS_EMPTY(empty) is True
    assert speedups.domain_is_empty(loaded) is False  # the remembered answer


def test_sentence_features_alone_give_the_same_parse_for_every_held_out_message(agent: Any) -> None:
    """With the featurizers making sentence features only, every held-out message parses exactly as with
    Rasa's own featurization: intent, confidences, ranking and entities."""
    from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import CountVectorsFeaturizer

    texts = heldout_texts()
    try:
        CountVectorsFeaturizer._create_features = speedups.ORIGINAL_CREATE_FEATURES
        expected = [parse(agent, text) for text in texts]
        CountVectorsFeaturizer._create_features = speedups.sentence_features_only
        assert [parse(agent, text) for text in texts] == expected
    finally:
        CountVectorsFeaturizer._create_features = speedups.ORIGINAL_CREATE_FEATURES


def test_the_served_model_reads_no_sequence_features(agent: Any) -> None:
    """The condition under which bot.server skips them: every component of the shipped model's prediction
    graph is one that reads no sequence features."""
    from bot import server
    from bot.rasa_plugins import lean_start

    components = server.model_components(require_model())
    assert components is not None and lean_start.tensorflow_free(components), components
