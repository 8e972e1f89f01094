"""bot.rasa_plugins.patches: the one guarded installer of careerbot's Rasa patches.

The fingerprint tests pin the source of every Rasa function careerbot replaces or copies: a Rasa upgrade that
changes one fails here, loudly, instead of silently changing the bot's behaviour."""
from __future__ import annotations

import inspect
import logging
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from typing import Any

import pytest

from bot import server
from bot.rasa_plugins import patches
from e2e.harness import REPO_ROOT, require_model

ITEMS = [*patches.PATCHES, *patches.PINNED]


@pytest.fixture
def clean() -> Iterator[None]:
    """Rasa's originals before and after the test."""
    patches.uninstall()
    yield
    patches.uninstall()


@pytest.mark.parametrize("item", ITEMS, ids=[item.target.split(":")[1] for item in ITEMS])
def test_every_patched_rasa_function_has_the_source_the_patch_was_written_for(item: Any) -> None:
    assert patches.fingerprint(patches.original(item.target)) == item.fingerprint, (
        f"Rasa's {item.target} changed: review the {item.group} patch against the new source, then pin the new "
        "fingerprint in bot/rasa_plugins/patches.py")


def test_the_components_lean_start_trusts_have_the_sources_they_were_read_from() -> None:
    assert patches.lean_start_fingerprint() == patches.LEAN_START_FINGERPRINT


TENSORFLOW_MODULES = ("tensorflow", "keras", "rasa.utils.tensorflow", "rasa.nlu.classifiers.diet_classifier",
                      "rasa.core.policies.ted_policy")


def tensorflow_imports(source: str) -> list[str]:
    """The modules of `source`'s import statements that would load TensorFlow."""
    import ast

    found = []
    for node in ast.walk(ast.parse(source)):
        names = ([alias.name for alias in node.names] if isinstance(node, ast.Import)
                 else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
        found += [name for name in names if name.startswith(TENSORFLOW_MODULES)]
    return found


def test_careerbots_own_components_import_no_tensorflow() -> None:
    """lean_start counts every bot.nlu component as TensorFlow-free: their imports must keep that true."""
    modules = sorted((REPO_ROOT / "bot" / "nlu").glob("*.py"))
    assert modules, "no bot/nlu components found"
    offenders = {m.name: tensorflow_imports(m.read_text()) for m in modules if tensorflow_imports(m.read_text())}
    assert not offenders, offenders
    assert tensorflow_imports("import tensorflow as tf\nfrom rasa.utils.tensorflow.models import X") == [
        "tensorflow", "rasa.utils.tensorflow.models"]


def test_every_patch_names_a_known_group_and_an_existing_replacement() -> None:
    groups = set(patches.SPEED_GROUPS) | set(patches.SAFETY_GROUPS)
    for item in ITEMS:
        assert item.group in groups
    for patch in patches.PATCHES:
        assert callable(patches._load(patch.replacement))


def test_a_changed_rasa_source_fails_the_fingerprint_and_is_not_patched(clean: None,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from rasa.engine.runner.dask import DaskGraphRunner

    rasa_run = DaskGraphRunner.run
    real_getsource = inspect.getsource

    def upgraded(obj: Any) -> str:  # what Rasa 3.x.y+1 might ship
        source = real_getsource(obj)
        return source + "    # changed upstream\n" if obj is rasa_run else source

    monkeypatch.setattr(patches.inspect, "getsource", upgraded)
    graph = next(p for p in patches.PATCHES if p.group == "graph")
    assert patches.fingerprint(patches.original(graph.target)) != graph.fingerprint  # the pin test would fail
    done = patches.install(None, environ={})
    assert graph.target in done.refused and "source changed" in done.refused[graph.target]
    assert DaskGraphRunner.run is rasa_run  # Rasa's own code runs
    assert "rasa.core.agent:Agent.__init__" in done.applied  # the others still apply


def test_an_unknown_rasa_version_gets_no_patch(clean: None, monkeypatch: pytest.MonkeyPatch,
                                               caplog: pytest.LogCaptureFixture) -> None:
    from rasa.core.agent import Agent
    from rasa.engine.runner.dask import DaskGraphRunner

    before = (DaskGraphRunner.run, Agent.__init__, Agent.__dict__["_create_tracker_store"])
    monkeypatch.setattr(patches, "rasa_version", lambda: "3.7.0")
    with caplog.at_level(logging.ERROR, logger=patches.__name__):
        done = patches.install(None, environ={})
    assert not done.version_ok and done.applied == [] and done.groups == set()
    assert (DaskGraphRunner.run, Agent.__init__, Agent.__dict__["_create_tracker_store"]) == before
    assert "Rasa 3.7.0 is installed" in caplog.text and patches.RASA_VERSION in caplog.text
    assert "none is applied" in caplog.text


def test_the_known_version_gets_every_group(clean: None) -> None:
    from rasa.engine.runner.dask import DaskGraphRunner

    from bot.rasa_plugins import safeguards, speedups, stores

    done = patches.install(None, environ={})
    assert done.version_ok and done.refused == {}
    assert done.groups == set(patches.SPEED_GROUPS) | set(patches.SAFETY_GROUPS)
    assert DaskGraphRunner.run is speedups.sequential_run
    assert safeguards.KEEP_ALIVE and stores.CACHE_TRACKERS
    patches.uninstall()
    assert DaskGraphRunner.run is patches.original("rasa.engine.runner.dask:DaskGraphRunner.run")


def test_speedups_0_keeps_only_the_safety_patches(clean: None) -> None:
    from rasa.core.agent import Agent
    from rasa.core.tracker_store import FailSafeTrackerStore, InMemoryTrackerStore
    from rasa.engine.runner.dask import DaskGraphRunner
    from rasa.utils.endpoints import EndpointConfig

    from bot.rasa_plugins import safeguards, stores

    rasa_run = DaskGraphRunner.run
    done = patches.install(None, environ={patches.SPEEDUPS_ENV: "0"})
    assert done.groups == set(patches.SAFETY_GROUPS)
    assert DaskGraphRunner.run is rasa_run
    assert not safeguards.KEEP_ALIVE and not stores.CACHE_TRACKERS
    agent = Agent(action_endpoint=EndpointConfig("http://127.0.0.1:9/webhook"))
    assert isinstance(agent.action_endpoint, safeguards.PoliteActionEndpoint)
    assert isinstance(agent.tracker_store, InMemoryTrackerStore)
    assert not isinstance(agent.tracker_store, FailSafeTrackerStore)


def test_single_groups_can_be_switched_off(clean: None) -> None:
    from rasa.core.policies.rule_policy import RulePolicy
    from rasa.engine.runner.dask import DaskGraphRunner

    from bot.rasa_plugins import speedups

    rasa_run = DaskGraphRunner.run
    done = patches.install(None, environ={patches.SPEEDUPS_OFF_ENV: "graph, tracker_cache"})
    assert "graph" not in done.groups and "tracker_cache" not in done.groups and "rules" in done.groups
    assert DaskGraphRunner.run is rasa_run
    assert RulePolicy._get_possible_keys is speedups.possible_rule_keys


@pytest.mark.parametrize("environ", [{"CAREERBOT_SPEEDUPS": "no"}, {"CAREERBOT_SPEEDUPS_OFF": "graph,warp"}])
def test_a_bad_switch_is_an_error_naming_the_choices(environ: dict[str, str]) -> None:
    with pytest.raises(patches.PatchConfigError) as error:
        patches.disabled_speed_groups(environ)
    assert "graph" in str(error.value) or "0" in str(error.value)


def test_the_server_command_exits_2_on_a_bad_switch(monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv(patches.SPEEDUPS_OFF_ENV, "warp")
    with pytest.raises(SystemExit) as exit_:
        server.rasa_main(["run", "--model", str(require_model())])
    assert exit_.value.code == 2 and "warp" in capsys.readouterr().err


@pytest.mark.e2e  # loads the trained model
def test_rasa_shell_gets_the_safeguards_too() -> None:
    """`make run` (bot.shell -> bot.server.rasa_main(["shell", ...])): the same installer, the same patches."""
    code = textwrap.dedent(f"""
        import sys
        from bot import server
        done = server.prepare(["shell", "--model", {str(require_model())!r}])
        from rasa.core.agent import Agent
        from rasa.core.channels import console
        from rasa.core.tracker_store import FailSafeTrackerStore
        from rasa.utils.endpoints import EndpointConfig
        from bot.rasa_plugins.safeguards import PoliteActionEndpoint
        agent = Agent(action_endpoint=EndpointConfig("http://127.0.0.1:9/webhook"))
        print("RESULT", sorted(done["groups"]), isinstance(agent.action_endpoint, PoliteActionEndpoint),
              isinstance(agent.tracker_store, FailSafeTrackerStore), hasattr(console._get_user_input, "__wrapped__"))
    """)
    env = {k: v for k, v in os.environ.items() if not k.startswith("CAREERBOT_SPEEDUPS")}
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True,
                            timeout=300, env=env)
    assert result.returncode == 0, result.stderr[-3000:]
    line = next(line for line in result.stdout.splitlines() if line.startswith("RESULT"))
    assert "'safeguards'" in line and "'graph'" in line
    assert line.endswith("True False True")


def test_end_of_input_leaves_the_console() -> None:
    import asyncio

    from bot.rasa_plugins.safeguards import input_or_none_at_eof

    async def typed(_previous: Any) -> str:
        return "hello"

    async def ctrl_d(_previous: Any) -> str:
        raise EOFError

    assert asyncio.run(input_or_none_at_eof(typed)(None)) == "hello"
    assert asyncio.run(input_or_none_at_eof(ctrl_d)(None)) is None
