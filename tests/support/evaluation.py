"""Rasa's own evaluation of the trained model's dialogue, run once for every test story file: one
`rasa test core` over a folder holding all of them, whose results each test reads for its own file (which
stories it has, which of them failed).

Without `--fail-on-prediction-errors`, which would stop at the first wrong prediction whatever file it is in:
every story is evaluated, and Rasa lists each one with a prediction error in failed_test_stories.yml, named
"<story> (<path of its file>)"."""
from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import yaml

from support.env import BIN, REPO_ROOT, run_rasa_command, tail

TEST_DATA = REPO_ROOT / "tests" / "data"
STORY_FILES = (TEST_DATA / "test_stories.yml", TEST_DATA / "test_stories_plan.yml")


def story_names(path: Path) -> list[str]:
    """The names of the stories of a test story file."""
    return [block["story"] for block in (yaml.safe_load(path.read_text()) or {}).get("stories") or []]


@dataclass(frozen=True)
class StoryEvaluation:
    """The outcome of one `rasa test core` over several story files."""

    result: subprocess.CompletedProcess
    out: Path
    stories: Path  # the folder the story files were copied to
    files: tuple[Path, ...]

    @property
    def report(self) -> dict:
        """story_report.json ({} when Rasa wrote none)."""
        path = self.out / "story_report.json"
        return json.loads(path.read_text()) if path.exists() else {}

    @property
    def conversation_accuracy(self) -> dict:
        """How many stories were evaluated (`total`) and predicted without error (`correct`), all files."""
        return self.report.get("conversation_accuracy", {})

    @property
    def failed_stories(self) -> list[str]:
        """The names of the stories with a prediction error (failed_test_stories.yml)."""
        path = self.out / "failed_test_stories.yml"
        if not path.exists():
            return []
        return [block.get("story", "") for block in (yaml.safe_load(path.read_text()) or {}).get("stories") or []]

    def failed_in(self, path: Path) -> list[str]:
        """The failed stories that belong to the story file `path`."""
        suffix = f" ({self.stories / path.name})"
        return [name.removesuffix(suffix) for name in self.failed_stories if name.endswith(suffix)]

    def details(self) -> str:
        """The failed stories as Rasa wrote them and the end of its output, for assertion messages."""
        path = self.out / "failed_test_stories.yml"
        failed = path.read_text() if path.exists() else ""
        return f"exit {self.result.returncode}\n{failed}\n{tail(self.result.stdout + self.result.stderr)}"


def evaluate_stories(model: Path, folder: Path, files: tuple[Path, ...] = STORY_FILES) -> StoryEvaluation:
    """Copy `files` into `folder`/stories and run one `rasa test core` over them."""
    stories = folder / "stories"
    stories.mkdir(parents=True, exist_ok=True)
    names = [path.name for path in files]
    assert len(set(names)) == len(names), f"story files must have distinct names: {names}"
    for path in files:
        shutil.copy(path, stories / path.name)
    out = folder / "core"
    result = run_rasa_command([str(BIN / "rasa"), "test", "core", "--model", str(model), "--stories", str(stories),
                               "--no-plot", "--out", str(out)], folder)
    return StoryEvaluation(result, out, stories, tuple(files))


def assert_stories_pass(evaluation: StoryEvaluation, path: Path, at_least: int = 1) -> None:
    """Fail unless the evaluation ran (exit 0, every story of every file evaluated), `path` holds at least
    `at_least` stories and none of them had a prediction error."""
    assert evaluation.result.returncode == 0, f"rasa test core failed: {evaluation.details()}"
    ran = evaluation.conversation_accuracy
    expected = sum(len(story_names(f)) for f in evaluation.files)
    assert ran.get("total", 0) >= expected, \
        f"rasa test core evaluated {ran} of the {expected} stories of {[f.name for f in evaluation.files]}"
    stories = story_names(path)
    assert len(stories) >= at_least, f"{path.name} holds {len(stories)} stories, fewer than {at_least}"
    failed = evaluation.failed_in(path)
    assert not failed, f"stories of {path.name} with prediction errors: {failed}\n{evaluation.details()}"
