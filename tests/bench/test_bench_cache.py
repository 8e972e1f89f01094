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
    assert [bench.cached_model(v, stale_ok=False)[1] for v in bench.VARIANTS[:2]] == [20.0, 500.0]


def test_a_damaged_index_means_no_kept_model(cache: Path) -> None:
    cache.mkdir()
    (cache / "train.json").write_text("{not json")
    assert bench.cached_model(bench.VARIANTS[0], stale_ok=True) is None


def test_contradicting_options_are_refused() -> None:
    result = subprocess.run([sys.executable, "-m", "bench.run", "--retrain", "--skip-train"], cwd=REPO_ROOT,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "contradict" in result.stderr


# ---------------------------------------------------------------- CAREERBOT_SPEEDUPS column and --patch-groups
def test_the_third_column_serves_the_careerbot_model_with_every_speed_patch_off() -> None:
    unpatched = next(v for v in bench.VARIANTS if v.key == bench.SPEEDUPS_OFF)
    assert unpatched.model_of == "careerbot" and dict(unpatched.env) == {"CAREERBOT_SPEEDUPS": "0"}
    settings = bench.parse_args(["--tiny"])
    lines = bench.table({"single_p50_ms": 5.0}, {"single_p50_ms": 30.0}, settings, {"single_p50_ms": 10.0})
    assert lines[0][1:4] == ["careerbot (config.yml)", "Rasa default", "careerbot, CAREERBOT_SPEEDUPS=0"]
    p50 = next(line for line in lines if line[0] == "Reply latency p50, 1 user")
    assert p50[4:6] == ["6.00x", "2.00x"]
    assert bench.markdown(lines).splitlines()[1].count("---:") == 5


def test_a_group_that_saves_under_5_percent_of_cpu_is_marked_for_removal() -> None:
    on = {"single_p50_ms": 9.7, "throughput": 150.0, "load_cpu_ms": 9.8, "ready_s": 4.0, "rasa_rss_mb": 350.0}
    slightly = {"single_p50_ms": 10.0, "throughput": 146.0, "load_cpu_ms": 10.0, "ready_s": 4.1, "rasa_rss_mb": 350.0}
    much = {"single_p50_ms": 20.0, "throughput": 100.0, "load_cpu_ms": 20.0, "ready_s": 4.0, "rasa_rss_mb": 350.0}
    lean = {"single_p50_ms": 9.7, "throughput": 150.0, "load_cpu_ms": 9.8, "ready_s": 20.0, "rasa_rss_mb": 700.0}
    small = bench.gains(on, slightly)
    assert round(small["p50_pct"], 1) == 3.0 and round(small["throughput_pct"], 1) == 2.7
    assert round(small["cpu_pct"], 1) == 2.0
    assert bench.verdict([small, small]) == "remove"
    big = bench.gains(on, much)
    assert big["cpu_pct"] == 51.0
    assert bench.verdict([small, big]) == "keep"
    startup = bench.gains(on, lean)
    assert startup["rss_mb"] == 350.0 and startup["ready_s"] == 16.0
    assert bench.verdict([startup, startup]) == "keep (ready, RSS)"


def test_patch_groups_serve_every_group_off_alone_and_all_off(tmp_path: Path) -> None:
    from bot.rasa_plugins.patches import SPEED_GROUPS

    settings = bench.parse_args(["--patch-groups"])
    assert settings.patch_groups == SPEED_GROUPS and settings.out == bench.GROUPS_OUT
    assert (settings.passes, settings.duration, settings.repeat) == (3, 15.0, 2)
    configurations = dict(bench.group_configurations(("graph", "rules")))
    assert configurations == {"all on": (), "graph off": (("CAREERBOT_SPEEDUPS_OFF", "graph"),),
                              "rules off": (("CAREERBOT_SPEEDUPS_OFF", "rules"),),
                              "all off (CAREERBOT_SPEEDUPS=0)": (("CAREERBOT_SPEEDUPS", "0"),)}
    with pytest.raises(SystemExit):
        bench.parse_args(["--patch-groups", "graph,warp"])
