"""Rasa's own evaluations for the career plan: the plan test stories are predicted without a single error, and
the held-out plan NLU examples pass the same quality gate as the rest (scripts/check_nlu_gate.py)."""
from __future__ import annotations

from pathlib import Path

import pytest

from e2e.harness import BIN, REPO_ROOT, tail
from e2e.harness import run_rasa_command as run
from plan_helpers import plan_model
from support.evaluation import StoryEvaluation, assert_stories_pass

pytestmark = pytest.mark.e2e

TEST_STORIES = REPO_ROOT / "tests" / "data" / "test_stories_plan.yml"
NLU_HELDOUT = REPO_ROOT / "tests" / "data" / "nlu_heldout_plan.yml"
GATE = REPO_ROOT / "scripts" / "check_nlu_gate.py"


def test_plan_test_stories_pass(story_evaluation: StoryEvaluation) -> None:
    """`rasa test core` (one run over every test story file: tests/support/evaluation.py) predicts every action
    of tests/data/test_stories_plan.yml, which holds at least 8 stories."""
    assert_stories_pass(story_evaluation, TEST_STORIES, at_least=8)


def test_heldout_plan_nlu_passes_the_gate(tmp_path: Path) -> None:
    """`rasa test nlu` on tests/data/nlu_heldout_plan.yml, then the gate: intent accuracy and entity F1 >= 0.95."""
    model, out = plan_model(), tmp_path / "nlu"
    result = run([str(BIN / "rasa"), "test", "nlu", "--model", str(model), "--nlu", str(NLU_HELDOUT), "--no-plot",
                  "--out", str(out)], tmp_path)
    assert result.returncode == 0, f"rasa test nlu failed (exit {result.returncode}):\n{tail(result.stdout)}"
    gate = run([str(BIN / "python"), str(GATE), str(out), "--model", str(model), "--nlu", str(NLU_HELDOUT)], tmp_path)
    assert gate.returncode == 0, f"NLU gate failed:\n{gate.stdout}\n{tail(gate.stderr, 20)}"
