"""`python -m bot.server [rasa arguments]`: the `rasa` command (`run`, `shell`...), with careerbot's Rasa patches.

`make serve`, `make run` (through bot.shell), the tests and the benchmark start Rasa this way. The only
difference from `.venv/bin/rasa` is `prepare()`, which runs before Rasa is imported: it reads which
components the model the command will load (`--model`, default `models/`) uses, and hands them to
bot.rasa_plugins.patches.install, the one guarded installer of every change to Rasa's internals (version
check, safety patches always, speed groups unless CAREERBOT_SPEEDUPS=0 / CAREERBOT_SPEEDUPS_OFF).
bot.rasa_plugins.lean_start explains how a model that needs no TensorFlow starts without it.
docs/operations.md ("Rasa patches") lists the patches and what each group buys.
"""
from __future__ import annotations

import json
import logging
import sys
import tarfile
from pathlib import Path
from typing import Any, Callable, Sequence

from bot.rasa_plugins.lean_start import (  # noqa: F401  (re-exported: the launcher's names)
    SKOPS_COMPONENT,
    TENSORFLOW_ENV,
    TF_FREE_COMPONENTS,
    TensorFlowNotLoaded,
    install_tensorflow_placeholders,
    tensorflow_placeholders_installed,
)
from bot.rasa_plugins.patches import PatchConfigError

logger = logging.getLogger(__name__)


def model_argument(argv: Sequence[str]) -> Path:
    """The model a `rasa run`/`rasa shell` command line will load: --model/-m, default `models`."""
    for index, arg in enumerate(argv):
        if arg in ("--model", "-m") and index + 1 < len(argv):
            return Path(argv[index + 1])
        if arg.startswith("--model="):
            return Path(arg.split("=", 1)[1])
    return Path("models")


def model_components(model: Path) -> set[str] | None:
    """The classes of the model's prediction graph (from its metadata.json); None when it cannot be read.

    A folder means its newest .tar.gz, as Rasa picks it."""
    if model.is_dir():
        archives = sorted(model.glob("*.tar.gz"), key=lambda path: path.stat().st_mtime)
        if not archives:
            return None
        model = archives[-1]
    try:
        with tarfile.open(model, "r:gz") as archive:
            member = archive.extractfile("metadata.json")
            metadata = json.load(member) if member is not None else None
    except (OSError, KeyError, tarfile.TarError, ValueError):
        return None
    try:
        return {node["uses"] for node in metadata["predict_schema"]["nodes"].values()}
    except (TypeError, KeyError, AttributeError):
        return None


def prepare(argv: Sequence[str]) -> dict[str, Any]:
    """Before importing Rasa: install careerbot's Rasa patches for a `rasa run` / `rasa shell` command.

    Returns what was done: {"skops_first", "tensorflow_placeholders", "speedups" (any speed patch applied),
    "groups" (the patch groups applied), "rasa_version"}. PatchConfigError for a bad CAREERBOT_SPEEDUPS*."""
    from bot.rasa_plugins import patches

    done: dict[str, Any] = {"skops_first": False, "tensorflow_placeholders": False, "speedups": False,
                            "groups": []}
    if not argv or argv[0] not in ("run", "shell") or argv[:2] == ["run", "actions"]:
        return done
    installed = patches.install(model_components(model_argument(argv)))
    # Rasa configures logging only later: say once, on stderr, what this server runs with.
    print(f"careerbot: Rasa {installed.rasa_version}; patch groups applied: "
          f"{', '.join(sorted(installed.groups)) or 'none'}", file=sys.stderr, flush=True)
    done.update(skops_first="skops first" in installed.applied,
                tensorflow_placeholders="tensorflow placeholders" in installed.applied,
                speedups=bool(installed.groups & set(patches.SPEED_GROUPS)),
                groups=sorted(installed.groups), rasa_version=installed.rasa_version)
    return done


def rasa_main(argv: Sequence[str], before: Callable[[], None] | None = None) -> None:
    """Run the rasa command line with `argv` (without the program name) after `prepare`, and after
    `before()` (e.g. bot.shell's) when given. A bad CAREERBOT_SPEEDUPS* value exits with status 2."""
    try:
        prepare(argv)
    except PatchConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        raise SystemExit(2) from error
    if before is not None:
        before()
    from rasa.__main__ import main

    sys.argv = ["rasa", *argv]
    main()


if __name__ == "__main__":
    rasa_main(sys.argv[1:])
