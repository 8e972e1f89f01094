"""The one guarded installer of careerbot's changes to Rasa's internals: every patch is listed in `PATCHES`.

`install()` is called by bot.server.prepare, before Rasa is imported, for every Rasa server careerbot starts:
`make serve`, `make run` (bot.shell -> bot.server.rasa_main), the tests and the benchmark. It

- checks `rasa.__version__`: the patches were written against Rasa `RASA_VERSION` only. On any other
  version it applies nothing, logs an error saying so, and the bot runs on Rasa's own code;
- checks each original's source against the fingerprint pinned here (sha256 of `inspect.getsource`): a
  patch whose original changed is skipped and logged (tests/rasa_plugins/test_patches.py fails on it too);
- applies the SAFETY patches always (group "safeguards": a polite answer when the action server is down,
  no silent in-memory tracker store; group "console": `rasa shell` readable, its input checked, Ctrl-D
  leaving it);
- applies the SPEED groups unless switched off: CAREERBOT_SPEEDUPS=0 turns every speed group off;
  CAREERBOT_SPEEDUPS_OFF=group,group turns some off (names in `SPEED_GROUPS`; an unknown name is an error).

docs/operations.md ("Rasa patches") lists each patch, its group and what the benchmark measured it buys.
"""
from __future__ import annotations

import hashlib
import importlib
import inspect
import logging
import os
from dataclasses import dataclass, field
from typing import Any, Callable

logger = logging.getLogger(__name__)

RASA_VERSION = "3.6.21"
SPEEDUPS_ENV = "CAREERBOT_SPEEDUPS"
SPEEDUPS_OFF_ENV = "CAREERBOT_SPEEDUPS_OFF"

# Speed groups, each switched off as a whole (bench/run.py --patch-groups measures each).
SPEED_GROUPS = ("lean_start", "graph", "states", "rules", "nlu", "domain", "action_check", "keepalive",
                "tracker_cache")
SAFETY_GROUPS = ("safeguards", "console")


class PatchConfigError(ValueError):
    """CAREERBOT_SPEEDUPS / CAREERBOT_SPEEDUPS_OFF name something that does not exist."""


@dataclass(frozen=True)
class Patch:
    """One Rasa attribute replaced: where (`module:Class.attr` or `module:attr`), by what (`module:function`;
    with `wraps`, a function taking the original and returning the replacement), in which group, and the
    fingerprint of the original's source it was written against."""

    target: str
    replacement: str
    group: str
    fingerprint: str
    wraps: bool = False
    when: str | None = None  # a condition of `install`'s context, e.g. "tensorflow_free"


@dataclass(frozen=True)
class Pinned:
    """Rasa source an extension point (not a patch) copies or relies on: pinned like a patch's original."""

    target: str
    group: str
    fingerprint: str


PATCHES: tuple[Patch, ...] = (
    Patch("rasa.engine.runner.dask:DaskGraphRunner.run", "bot.rasa_plugins.speedups:sequential_run",
          "graph", "45f0f52f574f3aa9"),
    Patch("rasa.shared.core.trackers:DialogueStateTracker.past_states",
          "bot.rasa_plugins.speedups:incremental_past_states", "states", "5463eefb5c69d27f"),
    Patch("rasa.shared.core.trackers:DialogueStateTracker.applied_events",
          "bot.rasa_plugins.speedups:memoised_applied_events", "states", "764d5065ea9997d6"),
    Patch("rasa.core.policies.rule_policy:RulePolicy._get_possible_keys",
          "bot.rasa_plugins.speedups:possible_rule_keys", "rules", "2915fd81711e194c"),
    Patch("rasa.nlu.classifiers.logistic_regression_classifier:LogisticRegressionClassifier._create_X",
          "bot.rasa_plugins.speedups:single_message_X", "nlu", "6f50b5eef8a879c4"),
    Patch("rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer:CountVectorsFeaturizer._create_features",
          "bot.rasa_plugins.speedups:sentence_features_only", "nlu", "d841f50f6649704a", when="tensorflow_free"),
    Patch("rasa.shared.core.domain:Domain.is_empty", "bot.rasa_plugins.speedups:domain_is_empty", "domain",
          "884be90ef485f1d2"),
    Patch("rasa.core.actions.action:RemoteAction._validate_action_result",
          "bot.rasa_plugins.speedups:validate_action_result", "action_check", "f8cdb4be68123961"),
    Patch("rasa.core.agent:Agent.__init__", "bot.rasa_plugins.safeguards:polite_agent_init", "safeguards",
          "ccaa168ffee74e4e", wraps=True),
    Patch("rasa.core.agent:Agent._create_tracker_store", "bot.rasa_plugins.safeguards:unwrapped_tracker_store",
          "safeguards", "97499b594b45581b"),
    # `rasa shell` for a person at a terminal (bot/shell.py): markdown, titles-only suggestions, the channels'
    # input check, Ctrl-D leaving. Inert in `rasa run`, which never calls the console.
    Patch("rasa.core.channels.console:_print_bot_output", "bot.shell:terminal_output", "console",
          "6b153a1d7b65276d", wraps=True),
    Patch("rasa.core.channels.console:_get_user_input", "bot.shell:terminal_input", "console",
          "72943a5ff71d48f4", wraps=True),
)

PINNED: tuple[Pinned, ...] = (
    # PoliteActionEndpoint._call is EndpointConfig.request over a kept-alive session.
    Pinned("rasa.utils.endpoints:EndpointConfig.request", "keepalive", "ccdb778aed8208e2"),
    # stores.TrackerStore writes rows as SQLTrackerStore.save does and reads as its retrieve does.
    Pinned("rasa.core.tracker_store:SQLTrackerStore.save", "tracker_cache", "57165e46eab3de08"),
    Pinned("rasa.core.tracker_store:SQLTrackerStore._retrieve", "tracker_cache", "c8adbf6f4b61ddd1"),
)


def fingerprint(obj: Any) -> str:
    """The first 16 hex digits of the sha256 of `obj`'s source (a function, method or class)."""
    return hashlib.sha256(inspect.getsource(obj).encode()).hexdigest()[:16]


def lean_start_fingerprint() -> str:
    """The fingerprint of every component lean_start.TF_FREE_COMPONENTS names: their sources are what says
    they never call TensorFlow and never read sequence features."""
    from bot.rasa_plugins.lean_start import TF_FREE_COMPONENTS

    digest = hashlib.sha256()
    for path in sorted(TF_FREE_COMPONENTS):
        module, name = path.rsplit(".", 1)
        digest.update(inspect.getsource(getattr(importlib.import_module(module), name)).encode())
    return digest.hexdigest()[:16]


LEAN_START_FINGERPRINT = "ec50c7e19d3ccaf4"


def resolve(target: str) -> tuple[Any, str]:
    """(owner, attribute) of a `module:Class.attr` or `module:attr` target; imports the module."""
    module_name, _, path = target.partition(":")
    owner: Any = importlib.import_module(module_name)
    *owners, attribute = path.split(".")
    for name in owners:
        owner = getattr(owner, name)
    return owner, attribute


def _load(path: str) -> Any:
    module_name, _, name = path.partition(":")
    return getattr(importlib.import_module(module_name), name)


def rasa_version() -> str:
    """The installed Rasa's version (`import rasa` is cheap: it imports no TensorFlow)."""
    import rasa

    return str(rasa.__version__)


def disabled_speed_groups(environ: dict[str, str] | None = None) -> set[str]:
    """The speed groups the environment switches off; PatchConfigError for an unknown value or name."""
    env = os.environ if environ is None else environ
    switch = (env.get(SPEEDUPS_ENV) or "1").strip()
    if switch not in ("0", "1"):
        raise PatchConfigError(f"{SPEEDUPS_ENV}={switch!r}: use 1 (default: every speed patch) or 0 (none); "
                               f"{SPEEDUPS_OFF_ENV}=group,group switches single groups off")
    if switch == "0":
        return set(SPEED_GROUPS)
    names = {name.strip() for name in (env.get(SPEEDUPS_OFF_ENV) or "").split(",") if name.strip()}
    unknown = names - set(SPEED_GROUPS)
    if unknown:
        raise PatchConfigError(f"{SPEEDUPS_OFF_ENV} names unknown speed groups {sorted(unknown)}; "
                               f"the groups are {', '.join(SPEED_GROUPS)}")
    return names


@dataclass
class Installed:
    """What `install` did: the Rasa version, the groups applied, the patches applied and those refused."""

    rasa_version: str
    version_ok: bool
    groups: set[str] = field(default_factory=set)
    applied: list[str] = field(default_factory=list)
    refused: dict[str, str] = field(default_factory=dict)  # target -> why


# target -> (owner, attribute, the value Rasa had): what `uninstall` puts back.
_ORIGINALS: dict[str, tuple[Any, str, Any]] = {}


def _apply(patch: Patch) -> str | None:
    """Put `patch` in place (idempotent); the reason when it is refused."""
    owner, attribute = resolve(patch.target)
    if patch.target in _ORIGINALS:
        return None
    raw = owner.__dict__[attribute] if isinstance(owner, type) else getattr(owner, attribute)
    original = raw.__func__ if isinstance(raw, staticmethod) else raw
    found = fingerprint(original)
    if found != patch.fingerprint:
        return f"its source changed (fingerprint {found}, written for {patch.fingerprint})"
    new = _load(patch.replacement)
    if patch.wraps:
        new = new(original)
    if isinstance(raw, staticmethod):
        new = staticmethod(new)
    _ORIGINALS[patch.target] = (owner, attribute, raw)
    setattr(owner, attribute, new)
    return None


def _set_switches(groups: set[str]) -> None:
    """The speed groups that live in careerbot's own extension points read a switch, not a patch."""
    from bot.rasa_plugins import safeguards, stores

    safeguards.KEEP_ALIVE = "keepalive" in groups
    stores.CACHE_TRACKERS = "tracker_cache" in groups


def install(components: set[str] | None = None, environ: dict[str, str] | None = None) -> Installed:
    """Apply the safety patches and the speed groups not switched off, when Rasa is RASA_VERSION.

    `components`: the classes of the served model's prediction graph (None: unknown, so no lean start and
    no sequence-feature shortcut). Must run before Rasa's modules are imported (lean_start needs that)."""
    from bot.rasa_plugins import lean_start

    off = disabled_speed_groups(environ)
    version = rasa_version()
    done = Installed(version, version == RASA_VERSION)
    if not done.version_ok:
        logger.error("Rasa %s is installed, but careerbot's Rasa patches are written for Rasa %s only: none is "
                     "applied (no speedups, no safeguards); the bot runs on Rasa's own code. See docs/operations.md"
                     ", 'Rasa patches'.", version, RASA_VERSION)
        return done
    wanted = (set(SPEED_GROUPS) - off) | set(SAFETY_GROUPS)
    env = os.environ if environ is None else environ
    tensorflow_free = components is not None and lean_start.tensorflow_free(components)
    if "lean_start" in wanted and components is not None:
        if tensorflow_free and env.get(lean_start.TENSORFLOW_ENV, "").strip() != "1":
            lean_start.install_tensorflow_placeholders()
            done.applied.append("tensorflow placeholders")
        if lean_start.loads_with_skops(components):
            import skops.io  # noqa: F401  (imported early for speed; see lean_start)
            done.applied.append("skops first")
    context = {"tensorflow_free": tensorflow_free}
    for patch in PATCHES:
        if patch.group not in wanted or (patch.when is not None and not context[patch.when]):
            continue
        reason = _apply(patch)
        if reason is None:
            done.applied.append(patch.target)
        else:
            done.refused[patch.target] = reason
            logger.error("Not patching %s (group %s): %s. Rasa's own code runs instead; run "
                         "tests/rasa_plugins/test_patches.py and review the patch.", patch.target, patch.group,
                         reason)
    _set_switches(wanted)
    done.groups = wanted
    logger.info("Rasa %s: patch groups applied: %s%s", version, ", ".join(sorted(wanted)),
                f"; switched off: {', '.join(sorted(off))}" if off else "")
    return done


def uninstall() -> None:
    """Put Rasa's originals back and the switches to their defaults (tests; TensorFlow placeholders stay)."""
    for owner, attribute, raw in _ORIGINALS.values():
        setattr(owner, attribute, raw)
    _ORIGINALS.clear()
    _set_switches(set(SPEED_GROUPS))


def original(target: str) -> Callable[..., Any]:
    """Rasa's own function behind `target`, patched or not."""
    if target in _ORIGINALS:
        raw = _ORIGINALS[target][2]
    else:
        owner, attribute = resolve(target)
        raw = owner.__dict__[attribute] if isinstance(owner, type) else getattr(owner, attribute)
    return raw.__func__ if isinstance(raw, staticmethod) else raw
