"""The session fixtures of the test harness, registered for every test directory by tests/conftest.py.

One careerbot server pair (action server + Rasa server with the trained model) is started the first time a
test asks for it and shared by every suite until the session ends: `action_server`, `rasa_server` and the REST
client `bot` are its parts. A second pair with CAREERBOT_SPEEDUPS=0 (`speedups_off_pair`) starts only for the
test comparing the two. Every test that uses a fixture of SERVER_FIXTURES is marked `e2e` (tests/conftest.py),
so `pytest -m "not e2e"` (`make unit`) runs what needs no server. `story_evaluation` is the one
`rasa test core` run over every test story file, shared by the tests of each file."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from support.chat import RestChat
from support.env import load_kb, require_model, require_trained
from support.evaluation import StoryEvaluation, evaluate_stories
from support.servers import Server, ServerPair

# Fixtures that start a server or load the trained model (directly or through the fixtures they use): this
# module's, tests/channels' (web server, browser), tests/reliability's (their own stacks) and the Rasa agents
# loaded by tests/test_aliases.py (`rasa_agent`) and tests/rasa_plugins/test_speedups.py (`agent`).
SERVER_FIXTURES = frozenset({"server_pair", "action_server", "rasa_server", "bot", "speedups_off_pair",
                             "story_evaluation", "web_server_for", "browser", "services", "solo", "cluster",
                             "rasa_agent", "agent"})


@pytest.fixture(scope="session")
def servers_log_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A temporary folder for the shared servers' logs, conversations and knowledge database."""
    return tmp_path_factory.mktemp("servers")


@pytest.fixture(scope="session")
def server_logs(servers_log_dir: Path) -> Path:
    """The folder the shared servers' logs are written to (the same as `servers_log_dir`)."""
    return servers_log_dir


@pytest.fixture(scope="session")
def trained_model() -> Path:
    """The trained model (and the spaCy pipeline it loads at run time), or a skip with the reason."""
    return require_trained()


@pytest.fixture(scope="session")
def knowledge_db_url(servers_log_dir: Path) -> str:
    """An SQLite file in a temporary folder, loaded from knowledge/data, for the action servers."""
    return load_kb(f"sqlite:///{servers_log_dir / 'careerbot.db'}")


@pytest.fixture(scope="session")
def server_pair(trained_model: Path, servers_log_dir: Path, knowledge_db_url: str) -> Iterator[ServerPair]:
    """The shared careerbot servers (not started yet: `action_server` and `rasa_server` start their part)."""
    pair = ServerPair("careerbot", servers_log_dir / "careerbot", trained_model,
                      {"CAREERBOT_DB_URL": knowledge_db_url})
    yield pair
    pair.stop()


@pytest.fixture(scope="session")
def action_server(server_pair: ServerPair) -> Server:
    """The real action server (bot.actions) on a free loopback port, over a temporary knowledge database."""
    return server_pair.start_actions()


@pytest.fixture(scope="session")
def rasa_server(server_pair: ServerPair, action_server: Server) -> Server:
    """The real Rasa server (REST + socket.io, CORS open) with the trained model, using `action_server`."""
    return server_pair.start_rasa()


@pytest.fixture(scope="session")
def bot(rasa_server: Server) -> RestChat:
    """A REST client of the running careerbot (`rasa_server` + `action_server`)."""
    return RestChat(rasa_server.url)


@pytest.fixture(scope="session")
def speedups_off_pair(trained_model: Path, servers_log_dir: Path, knowledge_db_url: str) -> Iterator[ServerPair]:
    """A second careerbot server pair started with CAREERBOT_SPEEDUPS=0 (every Rasa speed patch off)."""
    pair = ServerPair("speedups-off", servers_log_dir / "speedups-off", trained_model,
                      {"CAREERBOT_DB_URL": knowledge_db_url, "CAREERBOT_SPEEDUPS": "0"})
    try:
        yield pair.start()
    finally:
        pair.stop()


@pytest.fixture(scope="session")
def story_evaluation(tmp_path_factory: pytest.TempPathFactory) -> StoryEvaluation:
    """One `rasa test core` over every test story file (tests/support/evaluation.py), run once per session."""
    return evaluate_stories(require_model(), tmp_path_factory.mktemp("rasa-test-core"))
