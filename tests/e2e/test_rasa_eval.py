"""Rasa's own evaluations of the trained model: the dialogue test stories must be predicted without a single
error, and the held-out NLU examples must pass the quality gate (intent accuracy and entity F1 >= 0.95).

`rasa test core` runs once for both story files (this one and tests/data/test_stories_plan.yml, checked by
tests/plan/test_plan_dialogue.py), through the session fixture `story_evaluation`. `rasa test nlu` stays one
run per held-out file: scripts/check_nlu_gate.py gates the intent accuracy of one results folder, and a run
over both files would let one file's misses hide behind the other's hits."""
from __future__ import annotations

from pathlib import Path

import pytest

from support.env import BIN, REPO_ROOT, require_model, tail
from support.env import run_rasa_command as run
from support.evaluation import StoryEvaluation, assert_stories_pass

pytestmark = pytest.mark.e2e

TEST_STORIES = REPO_ROOT / "tests" / "data" / "test_stories.yml"
NLU_HELDOUT = REPO_ROOT / "tests" / "data" / "nlu_heldout.yml"
GATE = REPO_ROOT / "scripts" / "check_nlu_gate.py"


def require(path: Path) -> Path:
    """`path`, failing the test with a clear message when the file is missing."""
    if not path.exists():
        pytest.fail(f"{path.relative_to(REPO_ROOT)} is missing", pytrace=False)
    return path


def test_dialogue_test_stories_pass(story_evaluation: StoryEvaluation) -> None:
    """`rasa test core` (one run over every test story file: tests/support/evaluation.py) predicts every action
    of tests/data/test_stories.yml."""
    assert_stories_pass(story_evaluation, require(TEST_STORIES))


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
