"""Actions made without a session factory (as the action server makes them) share one cached session over
the configured database: fast, yet a reload with `knowledge.loader.load` is seen by the very next run, the
reload is not blocked by the action server, and a failed run leaves nothing behind. Actions given a factory
(the other tests) still open a fresh session per run."""
from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine
from sqlalchemy.engine import Engine

from tests.support.builders import run, tracker
from bot import actions
from bot.actions import names as n
from knowledge import db
from knowledge import loader
from knowledge import queries as q

OUTLOOK = ("What's the job outlook?", n.ASK_OUTLOOK)
POLITE = "I can't look that up right now, please try again in a moment."
SHIPPED_OUTLOOK = "The job market for engineering management remains strong."


@pytest.fixture()
def data(tmp_path: Path) -> Path:
    """A writable copy of the shipped knowledge files."""
    return Path(shutil.copytree(loader.DATA_DIR, tmp_path / "data"))


@pytest.fixture()
def configured(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """CAREERBOT_DB_URL names a temporary SQLite file holding the shipped knowledge base."""
    path = tmp_path / "kb.db"
    url = f"sqlite:///{path}"
    monkeypatch.setenv(db.ENV_VAR, url)
    loader.load(db.get_engine())
    yield path
    db.shared_sessions().discard()
    db.get_engine().dispose()


def cli_engine(path: Path) -> Engine:
    """An engine of its own, as `python -m knowledge load` in another process has; it gives up on a lock
    after 0.2 s instead of SQLite's default 5 s."""
    return create_engine(f"sqlite:///{path}", future=True, connect_args={"timeout": 0.2})


def reword_outlook(data: Path, figure: str) -> None:
    """Change the outlook figure in the knowledge files at `data`."""
    market = data / "market.yml"
    text = market.read_text(encoding="utf-8")
    assert text.count(SHIPPED_OUTLOOK) == 1
    market.write_text(text.replace(SHIPPED_OUTLOOK, figure), encoding="utf-8")


def test_default_actions_share_one_cached_session(configured):
    seen = []
    for _ in range(2):
        action = actions.ActionShowOutlook()  # the action server's way: no factory
        real = action.answer
        action.answer = lambda ctx, real=real: seen.append(ctx.session) or real(ctx)
        assert SHIPPED_OUTLOOK in run(action, tracker(*OUTLOOK)).text
    assert seen[0] is seen[1] and q.cache_enabled(seen[0])


def test_a_reload_is_seen_by_the_next_run(configured, data):
    assert SHIPPED_OUTLOOK in run(actions.ActionShowOutlook(), tracker(*OUTLOOK)).text
    reword_outlook(data, "Engineering managers are hired everywhere.")
    engine = cli_engine(configured)
    loader.load(engine, data)
    engine.dispose()
    answer = run(actions.ActionShowOutlook(), tracker(*OUTLOOK))
    assert "Engineering managers are hired everywhere." in answer.text
    assert SHIPPED_OUTLOOK not in answer.text


def test_a_reload_while_the_cached_session_exists_is_not_locked_out(configured, data):
    run(actions.ActionShowPath(), tracker("How do I become a director?", n.ASK_PATH, [(n.ROLE, "director")]))
    assert db.get_engine().pool.checkedout() == 0  # no connection, so no transaction, held between runs
    reword_outlook(data, "Steady.")
    engine = cli_engine(configured)
    for _ in range(2):  # twice: the second load also replaces the build the first one wrote
        loader.load(engine, data)  # "database is locked" after 0.2 s if a reader held on
        assert "Steady." in run(actions.ActionShowOutlook(), tracker(*OUTLOOK)).text
    engine.dispose()


def test_a_failing_run_answers_politely_and_discards_the_session(configured):
    seen = []
    first = actions.ActionShowOutlook()
    first.answer = lambda ctx: seen.append(ctx.session) or 1 / 0
    assert run(first, tracker(*OUTLOOK)).texts == [f"Sorry, {POLITE}"]
    second = actions.ActionShowOutlook()
    real = second.answer
    second.answer = lambda ctx: seen.append(ctx.session) or real(ctx)
    assert SHIPPED_OUTLOOK in run(second, tracker(*OUTLOOK)).text
    assert seen[1] is not seen[0]


def test_an_injected_factory_gets_a_fresh_plain_session_per_run(kb_sessions, tmp_path, monkeypatch):
    unused = tmp_path / "unused" / "kb.db"
    monkeypatch.setenv(db.ENV_VAR, f"sqlite:///{unused}")
    made = []

    def factory():
        made.append(kb_sessions())
        return made[-1]

    action = actions.ActionShowOutlook(factory)
    for _ in range(2):
        assert SHIPPED_OUTLOOK in run(action, tracker(*OUTLOOK)).text
    assert len(made) == 2 and made[0] is not made[1]
    assert not any(q.cache_enabled(s) or s.in_transaction() for s in made)  # closed after each run
    assert not unused.parent.exists()  # the configured database was never opened
