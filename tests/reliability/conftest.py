"""Fixtures of the reliability tests (persistence, scale-out, faults, fuzzing).

- `solo`: one Rasa server with the default layout (SQLite tracker store, in-memory lock) and its action
  server over an SQLite knowledge base, all files in a temporary folder.
- `services`: real PostgreSQL and Redis on loopback (scripts/services), data in a temporary folder.
- `cluster`: two Rasa servers sharing the PostgreSQL tracker store and the Redis lock store, each with its
  own action server reading the knowledge base from PostgreSQL; server "a" has the HTTP API on, behind a
  token made for the run.
Each is started once per test run and stopped at its end; all are built from the harness's pieces
(tests/support, through reliability/stack.py). A missing prerequisite (trained model,
PostgreSQL or Redis not installed) skips the tests, or fails them under CI=true.
"""
from __future__ import annotations

import secrets
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from reliability.stack import PG_PORT, REDIS_PORT, Bot, Services, make_services_root, require, service_port, \
    services_missing, start_all, stop_all, write_credentials
from support.env import MODEL, REPO_ROOT, load_kb


@pytest.fixture(scope="session")
def domain_text() -> dict[str, str]:
    """The first text of each response in bot/domain.yml (what the user sees)."""
    domain = yaml.safe_load((REPO_ROOT / "bot" / "domain.yml").read_text())
    return {name: variants[0]["text"] for name, variants in domain["responses"].items()
            if variants and "text" in variants[0]}


@pytest.fixture(scope="session")
def reliability_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Logs, credentials and SQLite files of the reliability servers."""
    return tmp_path_factory.mktemp("reliability")


@pytest.fixture(scope="session")
def solo(reliability_dir: Path) -> Iterator[Bot]:
    """One Rasa server + action server: SQLite tracker store and SQLite knowledge base in a temporary folder."""
    require(MODEL.exists(), f"no trained model at {MODEL}: run `make train`")
    folder = reliability_dir / "solo"
    folder.mkdir()
    kb = folder / "careerbot.db"
    load_kb(f"sqlite:///{kb}")
    bot = Bot("solo", folder, write_credentials(folder),
              {"TRACKER_STORE_URL": f"sqlite:///{folder / 'tracker.db'}", "CAREERBOT_DB_URL": f"sqlite:///{kb}"})
    start_all([bot])
    yield bot
    bot.stop()


@pytest.fixture(scope="session")
def services() -> Iterator[Services]:
    """PostgreSQL (port 55432) and Redis (56379), on free ports of CAREERBOT_TEST_PORTS when it is set or those
    are taken; stopped at the end."""
    missing = services_missing()
    require(missing is None, missing or "")
    pg_port, redis_port = service_port(PG_PORT), service_port(REDIS_PORT)
    root = make_services_root()
    running = Services(root, pg_port, redis_port)
    try:
        running.start()
        yield running
    finally:
        running.stop()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def cluster(services: Services, reliability_dir: Path) -> Iterator[dict[str, Bot]]:
    """Rasa servers "a" (HTTP API on, token-protected) and "b" sharing PostgreSQL conversations and Redis
    locks, each with its own action server over the knowledge base in PostgreSQL."""
    require(MODEL.exists(), f"no trained model at {MODEL}: run `make train`")
    folder = reliability_dir / "cluster"
    folder.mkdir()
    load_kb(services.pg_url("careerbot"))
    shared = {"TRACKER_STORE_URL": services.pg_url("careerbot_tracker"), "LOCK_STORE_URL": services.redis_url(),
              "CAREERBOT_DB_URL": services.pg_url("careerbot")}
    credentials = write_credentials(folder)
    bots = {"a": Bot("a", folder, credentials, dict(shared), api_token=secrets.token_urlsafe(24)),
            "b": Bot("b", folder, credentials, dict(shared))}
    start_all(list(bots.values()))
    yield bots
    stop_all(list(bots.values()))
