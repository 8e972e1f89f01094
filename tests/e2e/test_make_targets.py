"""The make targets and commands the README documents, run as a user runs them: `make help`, `make clean`,
`make actions`, `make serve` (Ctrl-C stops both servers), and the knowledge CLI. `make run` has its own test
(tests/test_make_run.py); `make test` is what CI runs, and it runs venv, kb, nlu-model, train, lint and
validate on the way. A last test keeps the README to commands covered here."""
from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
from pathlib import Path

import pytest
import requests
from sqlalchemy.orm import Session

from support.chat import RestChat, assert_mentions
from support.env import BIN, REPO_ROOT, make_env, require_built, tracker_store_url
from support.ports import free_port, wait_port_closed
from support.servers import Server, http_ok, start_server, wait_until
from knowledge import queries as q

TARGETS = ("help", "venv", "setup", "kb", "nlu-model", "train", "web-deps", "browser-deps", "services", "actions",
           "run", "serve", "web", "validate", "lint", "unit", "scale-test", "bench", "insights", "test", "clean")


def make(*args: str, cwd: Path = REPO_ROOT, timeout: float = 120) -> subprocess.CompletedProcess:
    """Run make with `args` and capture its output."""
    return subprocess.run(["make", *args], cwd=cwd, env=make_env(), stdin=subprocess.DEVNULL, capture_output=True,
                          text=True, timeout=timeout)


def ctrl_c(server: Server, timeout: float = 90) -> int | None:
    """Press Ctrl-C: SIGINT to make's whole process group, as a terminal does. Returns make's exit code, or
    None when make is still running after `timeout` seconds."""
    try:
        os.killpg(server.process.pid, signal.SIGINT)
        return server.process.wait(timeout=timeout)
    except ProcessLookupError:
        return server.process.poll()
    except subprocess.TimeoutExpired:
        return None


def test_help_lists_every_target() -> None:
    """`make help` (also plain `make`) names every target with a description."""
    for args in (("help",), ()):
        result = make(*args)
        assert result.returncode == 0, result.stderr
        for target in TARGETS:
            assert re.search(rf"^\s+make {re.escape(target)}\s+\S", result.stdout, re.M), \
                f"`make {' '.join(args)}` does not describe {target}:\n{result.stdout}"


def test_clean_removes_generated_state_and_keeps_the_venv(tmp_path: Path) -> None:
    """`make clean` in a scratch copy removes var/ and caches but keeps .venv."""
    shutil.copy(REPO_ROOT / "Makefile", tmp_path / "Makefile")
    for folder in ("var/models", ".rasa/cache", "results", ".venv/bin"):
        (tmp_path / folder).mkdir(parents=True)
        (tmp_path / folder / "marker").write_text("x")
    result = make("clean", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert not (tmp_path / "var").exists() and not (tmp_path / ".rasa").exists()
    assert not (tmp_path / "results").exists()
    assert (tmp_path / ".venv" / "bin" / "marker").exists()


def test_make_unit_runs_the_tests_not_marked_e2e() -> None:
    """`make unit` is `pytest -m "not e2e"` spread over the cores (pytest-xdist), and of the builds it needs the
    knowledge database only: even with every
    build out of date (`make -B -n`) it neither builds the spaCy model, nor trains, nor installs web packages."""
    result = make("-B", "-n", "unit")
    assert result.returncode == 0, result.stderr
    assert re.search(r'pytest -m "not e2e" -n auto\s*$', result.stdout, re.M), result.stdout
    assert "-m knowledge load" in result.stdout, result.stdout
    assert not re.search(r"rasa train|-m bot\.spacy_model|npm ci", result.stdout), result.stdout


def test_knowledge_check_accepts_the_shipped_data() -> None:
    """`.venv/bin/python -m knowledge check` validates knowledge/data and says so."""
    result = subprocess.run([str(BIN / "python"), "-m", "knowledge", "check"], cwd=REPO_ROOT, env=make_env(),
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("OK:"), result.stdout


def test_knowledge_show_describes_a_role(kb: Session) -> None:
    """`.venv/bin/python -m knowledge show engineering director` prints the director's duties."""
    result = subprocess.run([str(BIN / "python"), "-m", "knowledge", "show", "engineering", "director"],
                            cwd=REPO_ROOT, env=make_env(), capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    for duty in q.role(kb, "engineering director").responsibilities:
        assert duty.title in result.stdout, result.stdout


@pytest.mark.e2e
def test_endpoints_follow_actions_port() -> None:
    """Rasa reads the action server's URL from endpoints.yml with ACTIONS_PORT filled in."""
    port = free_port()
    code = ("from rasa.core.utils import read_endpoints_from_path\n"
            "print(read_endpoints_from_path('endpoints.yml').action.url)")
    result = subprocess.run([str(BIN / "python"), "-c", code], cwd=REPO_ROOT, env=make_env(ACTIONS_PORT=str(port)),
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().splitlines()[-1] == f"http://127.0.0.1:{port}/webhook", result.stdout


@pytest.mark.e2e
def test_make_actions_serves_until_ctrl_c(tmp_path: Path) -> None:
    """`make actions` runs the action server in the foreground until Ctrl-C."""
    require_built()
    port = free_port()
    server = start_server("make actions", ["make", "actions", f"ACTIONS_PORT={port}"], make_env(),
                          tmp_path / "make-actions.log")
    try:
        wait_until(server, lambda: http_ok(f"http://127.0.0.1:{port}/health"), "GET /health", 240)
        actions = requests.get(f"http://127.0.0.1:{port}/actions", timeout=10).json()
        assert {"action_show_path", "action_answer_followup"} <= {a["name"] for a in actions}, actions
        assert ctrl_c(server) is not None, f"make actions still runs after Ctrl-C:\n{server.log_tail()}"
        assert wait_port_closed(port), f"the action server still listens on {port} after Ctrl-C"
    finally:
        server.stop()


@pytest.mark.e2e
def test_make_serve_answers_over_rest_and_stops_both_on_ctrl_c(tmp_path: Path, kb: Session) -> None:
    """`make serve` answers on RASA_PORT over REST; Ctrl-C stops Rasa and the action server."""
    require_built()
    rasa_port, actions_port = free_port(), free_port()
    server = start_server("make serve", ["make", "serve", f"RASA_PORT={rasa_port}", f"ACTIONS_PORT={actions_port}"],
                          make_env(CAREERBOT_LOG_DIR=str(tmp_path), TRACKER_STORE_URL=tracker_store_url(tmp_path)),
                          tmp_path / "make-serve.log")
    chat = RestChat(f"http://127.0.0.1:{rasa_port}")
    try:
        wait_until(server, lambda: http_ok(chat.base_url + "/"), "GET /", 300)
        reply = chat.conversation().ask("what does an engineering director do?")
        assert_mentions(reply, *[r.title for r in q.role(kb, "engineering director").responsibilities])
        status = requests.get(chat.base_url + "/status", timeout=10).status_code
        assert status in (403, 404), f"the HTTP API must stay off by default; GET /status gave {status}"
        # Ctrl-C reaches make, rasa and the script; the script's trap must stop the action server, which
        # ignores SIGINT as a background job. Nothing else cleans up before these checks.
        assert ctrl_c(server) is not None, f"make serve still runs after Ctrl-C:\n{server.log_tail()}"
        assert wait_port_closed(rasa_port), f"rasa still listens on {rasa_port} after Ctrl-C"
        assert wait_port_closed(actions_port), f"the action server still listens on {actions_port} after Ctrl-C"
    finally:
        server.stop()


@pytest.mark.e2e
def test_make_web_serves_the_demo_page_with_the_widget(tmp_path: Path) -> None:
    """`make web` serves the demo page, the widget and its local socket.io client on WEB_PORT until Ctrl-C."""
    require_built()
    web_port, rasa_port = free_port(), free_port()
    server = start_server("make web", ["make", "web", f"WEB_PORT={web_port}", f"RASA_PORT={rasa_port}"], make_env(),
                          tmp_path / "make-web.log")
    base = f"http://127.0.0.1:{web_port}"
    try:
        wait_until(server, lambda: http_ok(base + "/"), "GET /", 120)
        page = requests.get(base + "/", timeout=10).text
        assert re.search(r'<script[^>]+careerbot-widget\.js', page), page[:2000]
        assert f"http://127.0.0.1:{rasa_port}" in page, "the page's widget must point at make serve's RASA_PORT"
        widget = requests.get(base + "/careerbot-widget.js", timeout=10)
        client = requests.get(base + "/vendor/socket.io.min.js", timeout=10)
        assert widget.status_code == 200 and "socket" in widget.text
        assert client.status_code == 200 and len(client.content) > 10_000, "socket.io client must be served locally"
        assert ctrl_c(server) is not None, f"make web still runs after Ctrl-C:\n{server.log_tail()}"
        assert wait_port_closed(web_port), f"the web server still listens on {web_port} after Ctrl-C"
    finally:
        server.stop()


# Commands the README may show, each with the test or CI step that runs it.
COVERED = {
    r"make run( RASA_PORT=\d+ ACTIONS_PORT=\d+)?": "tests/test_make_run.py",
    r"make test": ".ci/run",
    r"make help": "test_help_lists_every_target",
    r"make": "test_help_lists_every_target",
    r"make (venv|setup|kb|nlu-model|train|web-deps|browser-deps|services|lint|validate)": "prerequisites of make test",
    r"make web": "test_make_web_serves_the_demo_page_with_the_widget",
    r"make scale-test": "make test runs tests/reliability, the whole of make scale-test",
    r"make unit": "test_make_unit_runs_the_tests_not_marked_e2e; make test runs every test of make unit",
    r"make bench": "tests/bench/test_bench_smoke.py runs its script (python -m bench.run) in the --tiny setting",
    r"make actions": "test_make_actions_serves_until_ctrl_c",
    r"make serve": "test_make_serve_answers_over_rest_and_stops_both_on_ctrl_c",
    r"make clean": "test_clean_removes_generated_state_and_keeps_the_venv",
    r"make insights( SINCE=\w+)?": "tests/insights/test_insights_cli.py runs make insights SINCE=all",
    r"\.venv/bin/python -m bot\.insights export --unanswered": "tests/insights/test_report_e2e.py runs the export",
    r"\.venv/bin/python -m knowledge check": "test_knowledge_check_accepts_the_shipped_data",
    r"\.venv/bin/python -m knowledge show engineering director": "test_knowledge_show_describes_a_role",
}


def readme_commands() -> list[str]:
    """The command lines of the README's shell code blocks, and its inline `make ...` commands."""
    text = (REPO_ROOT / "README.md").read_text()
    commands = []
    for block in re.findall(r"```(?:sh|bash|shell|console)\n(.*?)```", text, re.S):
        for line in block.splitlines():
            line = line.split(" #", 1)[0].strip()
            if line and not line.startswith("#"):
                commands.append(line.removeprefix("$ "))
    commands += re.findall(r"`(make(?: [^`]*)?)`", text)
    return commands


def test_readme_shows_only_commands_the_tests_run() -> None:
    """Every command in the README is one that this suite or CI runs (so the README stays true)."""
    commands = readme_commands()
    assert "make run" in commands and "make test" in commands, commands
    uncovered = [c for c in commands if not any(re.fullmatch(p, c) for p in COVERED)]
    assert not uncovered, f"README commands no test runs: {uncovered}"


@pytest.mark.parametrize("target", TARGETS)
def test_readme_documents_every_target(target: str) -> None:
    """The README names every make target."""
    assert f"make {target}" in (REPO_ROOT / "README.md").read_text() or target in ("help", "setup"), target
