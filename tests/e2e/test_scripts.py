"""The helper scripts behind the Makefile: the NLU gate's arithmetic and verdicts, the HTTP wait, and
with_actions.sh refusing a busy port. Plain functions and short processes; no model needed."""
from __future__ import annotations

import importlib.util
import json
import socket
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from types import ModuleType

import pytest

from support.env import BIN, REPO_ROOT, server_env
from support.ports import free_port


def load_script(name: str) -> ModuleType:
    """Import scripts/<name>.py as a module (the scripts folder is not a package)."""
    spec = importlib.util.spec_from_file_location(f"scripts_{name}", REPO_ROOT / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def gate() -> ModuleType:
    """scripts/check_nlu_gate.py."""
    return load_script("check_nlu_gate")


def test_entity_score_counts_exact_spans(gate: ModuleType) -> None:
    """Only the same type over the same characters counts as a hit."""
    score = gate.EntityScore()
    score.add("what is pmp vs csm", {("certification", 8, 11), ("certification", 15, 18)},
              {("certification", 8, 11), ("role", 15, 18)})
    assert (score.true_positives, score.false_positives, score.false_negatives) == (1, 1, 1)
    assert score.precision == 0.5 and score.recall == 0.5 and score.f1 == 0.5
    assert score.errors == [{"text": "what is pmp vs csm", "missed": ["'csm' (certification)"],
                             "spurious": ["'csm' (role)"]}]


def test_entity_score_is_zero_without_entities(gate: ModuleType) -> None:
    """No annotation and no prediction gives F1 0, not a free pass."""
    score = gate.EntityScore()
    score.add("hello", set(), set())
    assert score.f1 == 0.0 and score.errors == []


def test_spans_read_rasa_entities(gate: ModuleType) -> None:
    """Rasa entity dicts become (type, start, end) triples."""
    assert gate.spans([{"entity": "role", "start": 3, "end": 11, "value": "director"}]) == {("role", 3, 11)}


def test_intent_accuracy_is_read_from_the_report(gate: ModuleType, tmp_path: Path) -> None:
    """The gate reads the accuracy rasa test nlu wrote."""
    (tmp_path / "intent_report.json").write_text(json.dumps({"accuracy": 0.93, "greet": {"f1-score": 1.0}}))
    assert gate.intent_accuracy(tmp_path) == 0.93


def test_gate_refuses_missing_reports(gate: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    """Without rasa test nlu's reports the gate fails with a usage error that says what to run."""
    code = gate.main([str(tmp_path), "--model", str(tmp_path / "model.tar.gz"), "--nlu", str(tmp_path / "x.yml")])
    assert code == 2
    assert "rasa test nlu" in capsys.readouterr().err


class _Health(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        self.send_response(200 if self.path == "/health" else 404)
        self.end_headers()

    def log_message(self, *args) -> None:
        pass


def test_wait_http_sees_a_server_and_its_absence() -> None:
    """wait_http.answers is true for a 2xx answer and false for a 404 or a closed port."""
    wait_http = load_script("wait_http")
    server = HTTPServer(("127.0.0.1", free_port()), _Health)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        port = server.server_address[1]
        assert wait_http.answers(f"http://127.0.0.1:{port}/health")
        assert not wait_http.answers(f"http://127.0.0.1:{port}/missing")
    finally:
        server.shutdown()
        server.server_close()
    assert not wait_http.answers(f"http://127.0.0.1:{port}/health")
    assert wait_http.main([f"http://127.0.0.1:{port}/health", "--timeout", "1"]) == 1


def test_with_actions_refuses_a_busy_port() -> None:
    """`make run`/`make serve` stop at once, with a fix, when the action server's port is taken."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as busy:
        busy.bind(("127.0.0.1", free_port()))
        busy.listen()
        port = busy.getsockname()[1]
        env = server_env(ACTIONS_PORT=str(port), RASA_PORT=str(free_port()), BIN=str(BIN))
        result = subprocess.run(["bash", "scripts/with_actions.sh", "true"], cwd=REPO_ROOT, env=env,
                                stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert f"port {port} on 127.0.0.1 is already in use" in result.stderr
    assert "ACTIONS_PORT=" in result.stderr
