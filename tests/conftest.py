"""Shared fixtures: the knowledge base loaded from knowledge/data into an in-memory SQLite, and the test
harness's session fixtures (tests/support/fixtures.py: the one shared server pair and its parts), available to
every test directory. Every test that uses a server fixture is marked `e2e`; `make unit` runs the others."""
from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool
from sqlalchemy import create_engine

from knowledge.loader import load
from support.fixtures import SERVER_FIXTURES
from support.fixtures import action_server, bot, knowledge_db_url, rasa_server, server_logs, server_pair, \
    servers_log_dir, speedups_off_pair, story_evaluation, trained_model  # noqa: F401  (registered here for every directory)


# Tests that start a Rasa process without a fixture: `python -m bot.server`'s start-up with the trained model,
# TensorFlow imported for real in two of them (about 15 s of CPU together, a quarter of `make unit`).
RASA_PROCESS_TESTS = frozenset({
    "tests/rasa_plugins/test_server_launcher.py::test_a_tensorflow_free_model_gets_placeholders_that_refuse_to_run",
    "tests/rasa_plugins/test_server_launcher.py::test_a_model_with_a_tensorflow_component_gets_tensorflow",
    "tests/rasa_plugins/test_server_launcher.py::test_the_environment_can_ask_for_tensorflow",
})


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark `e2e` every test that starts a server through a fixture (directly or through another fixture), and
    those of RASA_PROCESS_TESTS."""
    for item in items:
        if SERVER_FIXTURES.intersection(getattr(item, "fixturenames", ())) or item.nodeid in RASA_PROCESS_TESTS:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def kb_engine() -> Engine:
    """An in-memory SQLite engine holding the shipped knowledge base (loaded once per test run)."""
    engine = create_engine("sqlite://", future=True, poolclass=StaticPool,
                           connect_args={"check_same_thread": False})
    load(engine)
    return engine


@pytest.fixture(scope="session")
def kb_sessions(kb_engine: Engine) -> sessionmaker:
    """A session factory over the shipped knowledge base (what actions take in their constructor)."""
    return sessionmaker(bind=kb_engine, future=True, expire_on_commit=False)


@pytest.fixture()
def kb(kb_sessions: sessionmaker) -> Iterator[Session]:
    """One session over the shipped knowledge base."""
    with kb_sessions() as session:
        yield session
