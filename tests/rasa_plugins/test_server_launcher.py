"""bot.server: which models start without TensorFlow, and what a server started that way does."""
from __future__ import annotations

import io
import json
import subprocess
import sys
import tarfile
import textwrap
from pathlib import Path

import pytest

from bot import server
from bot.rasa_plugins import lean_start
from e2e.harness import REPO_ROOT, require_model


def write_model(path: Path, uses: list[str] | None) -> Path:
    """A model archive whose metadata.json names `uses` as its prediction graph (None: no metadata)."""
    with tarfile.open(path, "w:gz") as archive:
        if uses is not None:
            metadata = {"predict_schema": {"nodes": {f"n{i}": {"uses": cls} for i, cls in enumerate(uses)}}}
            data = json.dumps(metadata).encode()
            info = tarfile.TarInfo("metadata.json")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return path


def run_prepare(argv: list[str], env: dict[str, str] | None = None) -> dict:
    """prepare(argv) in a fresh interpreter, then import Rasa's agent: what was done and which TF was loaded."""
    code = textwrap.dedent(f"""
        import json, sys
        from bot import server
        done = server.prepare({argv!r})
        import rasa.core.agent  # imports TensorFlow (or its placeholder)
        tf = sys.modules.get("tensorflow")
        done["tensorflow_module"] = type(tf).__name__
        try:
            tf.constant(1)
            done["call"] = "ok"
        except server.TensorFlowNotLoaded as error:
            done["call"] = str(error)
        except Exception as error:
            done["call"] = type(error).__name__
        print("RESULT" + json.dumps(done))
    """)
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True,
                            timeout=300, env=env)
    assert result.returncode == 0, result.stderr[-3000:]
    line = next(line for line in result.stdout.splitlines() if line.startswith("RESULT"))
    return json.loads(line[len("RESULT"):])


@pytest.mark.e2e  # loads the trained model
def test_the_shipped_model_needs_no_tensorflow() -> None:
    components = server.model_components(require_model())
    assert components is not None and lean_start.loads_with_skops(components)
    assert lean_start.tensorflow_free(components), sorted(components - server.TF_FREE_COMPONENTS)


def test_model_components_reads_archives_and_folders(tmp_path: Path) -> None:
    assert server.model_components(tmp_path / "missing.tar.gz") is None
    assert server.model_components(write_model(tmp_path / "bare.tar.gz", None)) is None
    (tmp_path / "broken.tar.gz").write_text("not a tar file")
    assert server.model_components(tmp_path / "broken.tar.gz") is None
    folder = tmp_path / "models"
    folder.mkdir()
    assert server.model_components(folder) is None
    old = write_model(folder / "old.tar.gz", ["a.Old"])
    new = write_model(folder / "new.tar.gz", ["b.New"])
    import os
    os.utime(old, (1, 1))
    os.utime(new, (2, 2))
    assert server.model_components(folder) == {"b.New"}


@pytest.mark.parametrize(("argv", "expected"), [
    (["run", "--model", "m.tar.gz"], Path("m.tar.gz")),
    (["shell", "-m", "x/y.tar.gz", "--debug"], Path("x/y.tar.gz")),
    (["run", "--model=z.tar.gz"], Path("z.tar.gz")),
    (["run"], Path("models")),
])
def test_model_argument(argv: list[str], expected: Path) -> None:
    assert server.model_argument(argv) == expected


def test_commands_without_a_model_are_left_alone() -> None:
    assert server.prepare(["run", "actions", "--actions", "bot.actions"]) == {
        "skops_first": False, "tensorflow_placeholders": False, "speedups": False, "groups": []}
    assert server.prepare(["train"])["tensorflow_placeholders"] is False


@pytest.mark.e2e  # loads the trained model
def test_a_tensorflow_free_model_gets_placeholders_that_refuse_to_run() -> None:
    done = run_prepare(["run", "--model", str(require_model())])
    assert done["tensorflow_placeholders"] and done["skops_first"] and done["speedups"]
    assert done["tensorflow_module"] == "_PlaceholderModule"
    assert "tensorflow.constant was called" in done["call"] and server.TENSORFLOW_ENV in done["call"]


def test_a_model_with_a_tensorflow_component_gets_tensorflow(tmp_path: Path) -> None:
    model = write_model(tmp_path / "diet.tar.gz", ["rasa.nlu.classifiers.diet_classifier.DIETClassifier",
                                                   "rasa.nlu.utils.spacy_utils.SpacyNLP"])
    done = run_prepare(["run", "--model", str(model)])
    assert not done["tensorflow_placeholders"] and not done["skops_first"]
    assert done["tensorflow_module"] == "module" and done["call"] == "ok"


@pytest.mark.e2e  # loads the trained model
def test_speedups_off_keeps_tensorflow_and_the_safeguards() -> None:
    import os
    done = run_prepare(["run", "--model", str(require_model())], env={**os.environ, "CAREERBOT_SPEEDUPS": "0"})
    assert not done["tensorflow_placeholders"] and not done["skops_first"] and not done["speedups"]
    assert done["tensorflow_module"] == "module" and done["groups"] == ["console", "safeguards"]


@pytest.mark.e2e  # loads the trained model
def test_the_environment_can_ask_for_tensorflow() -> None:
    import os
    done = run_prepare(["run", "--model", str(require_model())], env={**os.environ, server.TENSORFLOW_ENV: "1"})
    assert not done["tensorflow_placeholders"] and done["tensorflow_module"] == "module"
