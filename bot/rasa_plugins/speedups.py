"""Faster equivalents of two Rasa 3.6 internals that run on every message; installed by bot.server.

Found with py-spy on the Rasa server under the benchmark's conversation (bench/RESULTS.md):

- `SequentialGraphRunner.run` replaces `DaskGraphRunner.run`. Rasa runs the NLU graph once and the policy
  graph twice per message, each time building a dask task graph and scheduling it on dask's synchronous
  scheduler. The graphs are small chains, so the same nodes are now called in a topological order computed
  once per target list, with the same inputs, outputs and GraphRunError.
- `validate_action_result` replaces `RemoteAction._validate_action_result`, which checked every answer of
  the action server with `jsonschema.validate()`: the schema re-checked on each call (19.6 ms), then each
  event against all ~30 event schemas of a `oneOf` (0.8 ms for three events). Here the validator is built
  once, and each event is checked against the schemas whose `event` constant is its own, which gives the
  same verdict because the other branches of the `oneOf` fail on that constant. When anything is invalid,
  the full schema is run to raise exactly the error Rasa raised.
"""
from __future__ import annotations

import logging
from typing import Any

from jsonschema.exceptions import best_match
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.engine.exceptions import GraphRunError
from rasa.engine.runner.dask import DaskGraphRunner
from rasa.shared.constants import DOCS_BASE_URL

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


def install() -> None:
    """Put both replacements in place (idempotent)."""
    DaskGraphRunner.run = sequential_run
    RemoteAction._validate_action_result = validate_action_result
