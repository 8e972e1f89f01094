"""The report and retention on PostgreSQL, careerbot's production tracker store: a private server from
Debian's packages (scripts/services/postgres.sh) in a temporary folder on a loopback port, stopped afterwards."""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.insights import store
from bot.insights.__main__ import collect
from e2e.harness import free_port, in_ci
from insights_synthetic import BASE, DAY, Conversation, write_store, write_store_url
from test_aggregate import KEY, conversations

REPO_ROOT = Path(__file__).resolve().parents[2]
SCRIPT = REPO_ROOT / "scripts" / "services" / "postgres.sh"


@pytest.fixture(scope="module")
def postgres_url() -> Iterator[str]:
    """The URL of a database on a private PostgreSQL server, started for this module."""
    if not list(Path("/usr/lib/postgresql").glob("*/bin/initdb")):
        message = "PostgreSQL is not installed (make services)"
        if in_ci():
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    folder = Path(tempfile.mkdtemp(prefix="insights-pg-"))
    folder.chmod(0o755)  # the server runs as `postgres` when the tests run as root
    env = dict(os.environ, PG_DIR=str(folder / "postgres"), PG_PORT=str(free_port()), PG_DATABASES="insights_test",
               PG_OPTIONS="-c fsync=off")
    try:
        subprocess.run(["bash", str(SCRIPT), "start"], env=env, check=True, capture_output=True, timeout=120)
        yield subprocess.run(["bash", str(SCRIPT), "url", "insights_test"], env=env, check=True,
                             capture_output=True, text=True).stdout.strip()
    finally:
        subprocess.run(["bash", str(SCRIPT), "stop"], env=env, capture_output=True, timeout=120)
        shutil.rmtree(folder, ignore_errors=True)


def test_the_same_figures_on_postgresql_as_on_sqlite(postgres_url: str, tmp_path: Path) -> None:
    on_postgres = collect(write_store_url(postgres_url, conversations()), None, BASE + 3 * DAY, batch_size=7,
                          progress=False, key=KEY)
    on_sqlite = collect(write_store(tmp_path / "tracker.db", conversations()), None, BASE + 3 * DAY,
                        batch_size=7, progress=False, key=KEY)
    assert (on_postgres.conversations, on_postgres.messages) == (5, 16)
    for name in ("per_day", "channels", "intents", "outcomes", "unanswered", "rephrases", "rephrase_examples",
                 "funnel", "entities", "events"):
        assert getattr(on_postgres, name) == getattr(on_sqlite, name), name
    assert list(on_postgres.latencies) == pytest.approx(list(on_sqlite.latencies))


def test_retention_on_postgresql(postgres_url: str) -> None:
    now = time.time()
    old = Conversation("old-one", now - 200 * DAY).user("hello", "greet").act("utter_greet")
    ongoing = Conversation("ongoing", now - 100 * DAY).user("hi", "greet").act("utter_greet")
    recent = Conversation("ongoing", now - 3600).user("what is PMP", "ask_certifications").act(
        "action_show_certifications")
    fresh = Conversation("fresh", now - 60).user("blorp", "nlu_fallback", 0.1).act("action_offer_topics")
    url = write_store_url(postgres_url, [old, ongoing, recent, fresh])
    engine = store.open_store(url)
    try:
        plan = store.plan_retention(engine, now - 90 * DAY)
        assert (plan.old_senders, plan.trimmed_senders) == (1, 1)
        assert store.apply_retention(engine, plan) == plan.events == len(old.rows) + len(ongoing.rows)
        kept = collect(url, None, time.time(), progress=False, key=KEY)
        assert (kept.conversations, kept.messages) == (2, 2)
    finally:
        engine.dispose()
