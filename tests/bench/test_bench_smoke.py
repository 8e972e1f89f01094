"""Smoke test of `make bench`: the benchmark's --tiny setting runs against the real servers, exits 0 and prints
its table with every row and both columns. It checks that the benchmark works, not how fast anything is."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from support.env import REPO_ROOT, require_model, server_env

pytestmark = pytest.mark.e2e

ROWS = (
    "Training wall time",
    "Ready: Rasa process start -> first answer",
    "Action server start -> /health",
    "Reply latency p50, 1 user",
    "Reply latency p95, 1 user",
    "Reply latency p99, 1 user",
    "Reply latency p50, 1 user, custom-action turns",
    "Reply latency p50, 1 user, response-only turns",
    "Reply latency p50, 2 conversations",
    "Reply latency p95, 2 conversations",
    "Reply latency p99, 2 conversations",
    "Throughput, 2 conversations",
    "Errors, 2 conversations",
    "Peak RSS, Rasa server",
    "Peak RSS, action server",
    "Held-out intent accuracy (top intent, as rasa test nlu scores it)",
    "Held-out answers as served (a fallback counts as a miss)",
    "Scripted questions given their intended intent",
)
# Rows whose careerbot column must hold a measured number (the tiny setting trains nothing).
MEASURED = {
    "Ready: Rasa process start -> first answer": r"\d+\.\d s",
    "Reply latency p50, 1 user": r"\d[\d,]*\.\d ms",
    "Throughput, 2 conversations": r"\d[\d,]*\.\d msg/s",
    "Errors, 2 conversations": r"0 of [1-9][\d,]*",
    "Peak RSS, Rasa server": r"[1-9][\d,]* MB",
    "Held-out intent accuracy (top intent, as rasa test nlu scores it)": r"\d+\.\d %",
}
SKIPPED = "n/a (skipped in --tiny)"


def test_tiny_benchmark_prints_every_row_for_both_models(tmp_path: Path) -> None:
    """`python -m bench.run --tiny --out TMP` exits 0; its table names both models, has every row with a
    measured figure for careerbot and the baseline marked as skipped; the report goes to --out only."""
    require_model()
    results = REPO_ROOT / "bench" / "RESULTS.md"
    before = results.read_bytes() if results.exists() else None
    out = tmp_path / "RESULTS.md"
    run = subprocess.run([sys.executable, "-m", "bench.run", "--tiny", "--out", str(out)], cwd=REPO_ROOT,
                         env=server_env(), stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, f"bench --tiny failed ({run.returncode}):\n{run.stdout[-3000:]}\n{run.stderr[-3000:]}"

    lines = run.stdout.splitlines()
    header = next((line for line in lines if line.startswith("Figure")), "")
    assert "careerbot (config.yml)" in header and "Rasa default" in header, f"no table header:\n{run.stdout}"
    for row in ROWS:
        line = next((line for line in lines if line.startswith(row)), None)
        assert line is not None, f"row {row!r} missing from the table:\n{run.stdout}"
        assert SKIPPED in line, f"the default column of {row!r} should say it was skipped:\n{line}"
        if row in MEASURED:
            careerbot_cell = line[len(row):].split(SKIPPED)[0]
            assert re.search(MEASURED[row], careerbot_cell), f"no measured figure for {row!r}:\n{line}"

    report = out.read_text()
    assert "| Figure | careerbot (config.yml) | Rasa default |" in report
    assert "## Machine" in report and "load average" in report
    after = results.read_bytes() if results.exists() else None
    assert after == before, "the smoke test must not overwrite bench/RESULTS.md"
