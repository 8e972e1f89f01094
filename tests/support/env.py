"""Where things are and how test processes are started: the repository, the venv, the trained model, the one
`in_ci` rule, skip-or-fail for missing prerequisites, and the environment servers and make are run with."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
MODEL = REPO_ROOT / "var" / "models" / "careerbot.tar.gz"
SPACY_MODEL = REPO_ROOT / "var" / "spacy_model"
BIN = Path(sys.executable).parent  # the virtual environment running the tests
BUILT_FILES = ("var/careerbot.db", "var/spacy_model/meta.json", "var/models/careerbot.tar.gz")


def in_ci() -> bool:
    """True when the CI environment variable says we run under CI (anything but empty, 0, false or no)."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def require(condition: bool, reason: str) -> None:
    """Skip the test with `reason` when `condition` is false; under CI fail instead: CI must run everything."""
    if condition:
        return
    if in_ci():
        pytest.fail(f"{reason} (CI: these tests must run)", pytrace=False)
    pytest.skip(reason)


def model_path() -> Path:
    """The model the servers load: var/models/careerbot.tar.gz, or CAREERBOT_E2E_MODEL when it is set."""
    return Path(os.environ.get("CAREERBOT_E2E_MODEL") or MODEL)


def require_model() -> Path:
    """The trained model; skips the test when it is missing (fails instead under CI)."""
    model = model_path()
    require(model.exists(), f"no trained model at {model}: run `make train` (`make test` trains before testing)")
    return model


def require_trained() -> Path:
    """The trained model and the spaCy pipeline it loads at run time, or a skip (a failure under CI)."""
    model = require_model()
    require(SPACY_MODEL.is_dir(), f"no spaCy pipeline at {SPACY_MODEL}: run `make nlu-model`")
    return model


def require_built() -> None:
    """Skip (fail under CI) unless the database, spaCy model and trained model are up to date for make, so
    that a test running a make target never starts a build or a training of its own."""
    require_model()
    env = make_env()
    if "CAREERBOT_DB_URL" in env:
        return  # the database is elsewhere; its stamp is not ours to judge
    result = subprocess.run(["make", "-q", *BUILT_FILES], cwd=REPO_ROOT, env=env, stdin=subprocess.DEVNULL,
                            capture_output=True, text=True, timeout=60)
    require(result.returncode == 0,
            "var/ is out of date with its inputs: run `make train` (`make test` builds before testing)")


def tracker_store_url(folder: Path) -> str:
    """A conversations database inside `folder` (TRACKER_STORE_URL), so no test writes var/tracker.db."""
    return f"sqlite:///{folder / 'tracker.db'}"


def server_env(**extra: str) -> dict[str, str]:
    """The environment for servers and make: this venv first on PATH, the repo importable, no telemetry."""
    env = dict(os.environ)
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env["PYTHONPATH"] = str(REPO_ROOT)
    env["RASA_TELEMETRY_ENABLED"] = "false"
    env.update(extra)
    return env


def make_env(**extra: str) -> dict[str, str]:
    """The environment for a make command started by a test (no flags inherited from an outer make)."""
    env = server_env(**extra)
    for name in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES"):
        env.pop(name, None)
    return env


def run_rasa_command(args: list[str], tmp_path: Path, timeout: float = 900) -> subprocess.CompletedProcess:
    """Run a Rasa command (or script) from the repository root, Rasa's cache and outputs kept in `tmp_path`."""
    from support.ports import free_port

    env = server_env(ACTIONS_PORT=str(free_port()), RASA_CACHE_DIRECTORY=str(tmp_path / "rasa-cache"),
                     TRACKER_STORE_URL=tracker_store_url(tmp_path))
    return subprocess.run(args, cwd=REPO_ROOT, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          timeout=timeout)


def tail(text: str, lines: int = 60) -> str:
    """The last lines of a command's output."""
    return "\n".join(text.splitlines()[-lines:])


def load_kb(url: str) -> str:
    """Load the shipped knowledge base (knowledge/data) into the database at `url`; returns `url`."""
    from knowledge.db import make_engine
    from knowledge.loader import load

    engine = make_engine(url)
    try:
        load(engine)
    finally:
        engine.dispose()
    return url
