"""Fixtures of the end-to-end tests: a real action server and a real Rasa server on free loopback ports,
started once per test session with the trained model, and a REST chat client over them."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from e2e.harness import BIN, REPO_ROOT, RestChat, Server, free_port, http_ok, require_model, server_env, start_server, \
    tracker_store_url, wait_until

STARTUP_TIMEOUT = 240  # seconds; loading the model takes ~15 s on an idle machine, far more on a busy one


@pytest.fixture(scope="session")
def server_logs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder the servers' logs are written to."""
    return tmp_path_factory.mktemp("server-logs")


@pytest.fixture(scope="session")
def bot(server_logs: Path) -> Iterator[RestChat]:
    """A REST client of a running careerbot: `rasa run` + `rasa run actions`, stopped after the session."""
    model = require_model()
    actions_port, rasa_port = free_port(), free_port()
    env = server_env(ACTIONS_PORT=str(actions_port), TRACKER_STORE_URL=tracker_store_url(server_logs))
    # A copy of endpoints.yml with the port written in; the real file's ${ACTIONS_PORT} wiring is tested
    # through `make run`/`make serve` and test_endpoints_follow_actions_port.
    endpoints_text = (REPO_ROOT / "endpoints.yml").read_text()
    assert "${ACTIONS_PORT}" in endpoints_text, "endpoints.yml must take the action server's port from ACTIONS_PORT"
    endpoints = server_logs / "endpoints.yml"
    endpoints.write_text(endpoints_text.replace("${ACTIONS_PORT}", str(actions_port)))
    servers: list[Server] = []
    try:
        actions = start_server("action server", [str(BIN / "rasa"), "run", "actions", "--actions", "bot.actions",
                                                 "--port", str(actions_port)], env, server_logs / "actions.log")
        servers.append(actions)
        rasa = start_server("rasa server", [str(BIN / "python"), "-m", "bot.server", "run", "--model", str(model),
                                            "--endpoints", str(endpoints), "--credentials", "credentials.yml",
                                            "-i", "127.0.0.1", "-p", str(rasa_port)], env, server_logs / "rasa.log")
        servers.append(rasa)
        wait_until(actions, lambda: http_ok(f"http://127.0.0.1:{actions_port}/health"), "GET /health",
                   STARTUP_TIMEOUT)
        chat = RestChat(f"http://127.0.0.1:{rasa_port}")
        wait_until(rasa, lambda: http_ok(chat.base_url + "/"), "GET /", STARTUP_TIMEOUT)
        # GET / answers once the HTTP server is up; a first message proves the model is loaded.
        wait_until(rasa, lambda: bool(chat.ask("readiness-probe", "hello").messages), "first reply",
                   STARTUP_TIMEOUT)
        yield chat
    finally:
        for server in reversed(servers):
            server.stop()
