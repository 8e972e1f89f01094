"""The benchmark keeps trained models in var/bench/ and reuses one only while its inputs are unchanged."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bench import run as bench
from e2e.harness import REPO_ROOT


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(bench, "CACHE_DIR", tmp_path / "bench")
    return tmp_path / "bench"


def trained(tmp_path: Path, name: str) -> Path:
    model = tmp_path / f"{name}.tar.gz"
    model.write_bytes(b"model bytes")
    return model


def test_a_kept_model_is_reused_with_its_training_time(cache: Path, tmp_path: Path) -> None:
    variant = bench.VARIANTS[0]
    assert bench.cached_model(variant, stale_ok=False) is None
    bench.cache_model(variant, trained(tmp_path, variant.model_name), 24.5)
    model, seconds, note = bench.cached_model(variant, stale_ok=False)
    assert model == cache / f"{variant.model_name}.tar.gz" and model.read_bytes() == b"model bytes"
    assert seconds == 24.5 and "model reused" in note and "STALE" not in note


def test_a_model_trained_from_other_inputs_is_not_reused(cache: Path, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    variant = bench.VARIANTS[1]
    bench.cache_model(variant, trained(tmp_path, variant.model_name), 600.0)
    monkeypatch.setattr(bench, "inputs_digest", lambda _variant: "changed-inputs")
    assert bench.cached_model(variant, stale_ok=False) is None
    model, seconds, note = bench.cached_model(variant, stale_ok=True)  # --skip-train takes it, flagged
    assert seconds == 600.0 and "STALE" in note


def test_the_two_variants_are_kept_side_by_side(cache: Path, tmp_path: Path) -> None:
    for variant, seconds in zip(bench.VARIANTS, (20.0, 500.0)):
        bench.cache_model(variant, trained(tmp_path, variant.model_name), seconds)
    assert [bench.cached_model(v, stale_ok=False)[1] for v in bench.VARIANTS] == [20.0, 500.0]


def test_a_damaged_index_means_no_kept_model(cache: Path) -> None:
    cache.mkdir()
    (cache / "train.json").write_text("{not json")
    assert bench.cached_model(bench.VARIANTS[0], stale_ok=True) is None


def test_contradicting_options_are_refused() -> None:
    result = subprocess.run([sys.executable, "-m", "bench.run", "--retrain", "--skip-train"], cwd=REPO_ROOT,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "contradict" in result.stderr
