"""Rasa's own evaluations of the trained model: the dialogue test stories must be predicted without a single
error, and the held-out NLU examples must pass the quality gate (intent accuracy and entity F1 >= 0.95)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from e2e.harness import BIN, REPO_ROOT, require_model, tail
from e2e.harness import run_rasa_command as run

pytestmark = pytest.mark.e2e

TEST_STORIES = REPO_ROOT / "tests" / "data" / "test_stories.yml"
NLU_HELDOUT = REPO_ROOT / "tests" / "data" / "nlu_heldout.yml"
GATE = REPO_ROOT / "scripts" / "check_nlu_gate.py"


def require(path: Path) -> Path:
    """`path`, failing the test with a clear message when the file is missing."""
    if not path.exists():
        pytest.fail(f"{path.relative_to(REPO_ROOT)} is missing", pytrace=False)
    return path


def test_dialogue_test_stories_pass(tmp_path: Path) -> None:
    """`rasa test core --fail-on-prediction-errors` predicts every action of tests/data/test_stories.yml."""
    model, stories = require_model(), require(TEST_STORIES)
    out = tmp_path / "core"
    result = run([str(BIN / "rasa"), "test", "core", "--model", str(model), "--stories", str(stories),
                  "--fail-on-prediction-errors", "--no-plot", "--out", str(out)], tmp_path)
    failed = out / "failed_test_stories.yml"
    details = failed.read_text() if failed.exists() else ""
    assert result.returncode == 0, (f"rasa test core failed (exit {result.returncode}).\n{details}\n"
                                    f"{tail(result.stdout + result.stderr)}")
    report = json.loads((out / "story_report.json").read_text())
    stories_run = report.get("conversation_accuracy", {})
    assert stories_run.get("total", 0) > 0, f"rasa test core evaluated no story: {stories_run}"
    assert stories_run["correct"] == stories_run["total"], f"failed stories: {stories_run}\n{details}"


def test_heldout_nlu_passes_the_gate(tmp_path: Path) -> None:
    """`rasa test nlu` on tests/data/nlu_heldout.yml, then scripts/check_nlu_gate.py: both scores >= 0.95."""
    model, heldout = require_model(), require(NLU_HELDOUT)
    out = tmp_path / "nlu"
    result = run([str(BIN / "rasa"), "test", "nlu", "--model", str(model), "--nlu", str(heldout), "--no-plot",
                  "--out", str(out)], tmp_path)
    assert result.returncode == 0, \
        f"rasa test nlu failed (exit {result.returncode}):\n{tail(result.stdout + result.stderr)}"
    gate = run([str(BIN / "python"), str(GATE), str(out), "--model", str(model), "--nlu", str(heldout)], tmp_path)
    assert gate.returncode == 0, f"NLU gate failed:\n{gate.stdout}\n{tail(gate.stderr, 20)}"
