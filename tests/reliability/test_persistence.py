"""Conversations survive a restart of the Rasa server (SQL tracker store), the knowledge base runs unchanged
on PostgreSQL, and no code builds SQL from text."""
from __future__ import annotations

import ast
import asyncio
import json
import os
import subprocess
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
import yaml
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from bot.rasa_plugins import stores
from support.env import BIN, REPO_ROOT
from knowledge import queries as q
from knowledge.db import make_engine
from reliability.stack import Bot, Services, ask, describe, says


def role_facts(kb: Session, name: str) -> tuple[str, str]:
    """What a user sees when asking about role `name`: its name and the start of its summary."""
    role = q.role(kb, name)
    assert role is not None and role.summary, f"the knowledge base lacks {name!r}"
    return role.name, role.summary[:60]


def user_texts(tracker_db_url: str, sender: str) -> list[str]:
    """The user messages the tracker store holds for `sender`, in order."""
    engine = sa.create_engine(tracker_db_url, future=True)
    try:
        with engine.connect() as connection:
            rows = connection.execute(sa.text("SELECT data FROM events WHERE sender_id = :sender AND "
                                              "type_name = 'user' ORDER BY id"), {"sender": sender})
            return [json.loads(data)["text"] for (data,) in rows]
    finally:
        engine.dispose()


def test_endpoints_use_the_sql_tracker_store_and_its_default_is_var_tracker_db(monkeypatch: pytest.MonkeyPatch
                                                                               ) -> None:
    endpoints = yaml.safe_load((REPO_ROOT / "endpoints.yml").read_text())
    assert endpoints["tracker_store"]["type"] == "bot.rasa_plugins.stores.TrackerStore"
    assert endpoints["lock_store"]["type"] == "bot.rasa_plugins.stores.LockStore"
    assert "url" not in endpoints["tracker_store"], "no database URL (and so no password) in endpoints.yml"
    monkeypatch.delenv(stores.TRACKER_STORE_URL_ENV, raising=False)
    assert stores.tracker_store_url() == f"sqlite:///{REPO_ROOT / 'var' / 'tracker.db'}"
    monkeypatch.setenv(stores.TRACKER_STORE_URL_ENV, "postgresql+psycopg2://u:secret@db:5432/t")
    assert stores.tracker_store_url() == "postgresql+psycopg2://u:secret@db:5432/t"
    assert stores.redact(stores.tracker_store_url()) == "postgresql+psycopg2://db:5432/t"
    assert stores.redact("redis://:pw@127.0.0.1:6379/1") == "redis://127.0.0.1:6379/1"


def test_restarting_the_rasa_server_keeps_each_conversation(solo: Bot, kb: Session) -> None:
    manager, director = role_facts(kb, "engineering manager"), role_facts(kb, "engineering director")
    duties, duration = f"restart-{uuid.uuid4().hex[:8]}", f"restart-{uuid.uuid4().hex[:8]}"
    first = ask(solo, duties, "what does an engineering manager do?")
    assert says(first, *manager), describe(first)
    second = ask(solo, duration, "how long does it take to become an engineering manager?")
    assert says(second, "engineering manager") and second.text != first.text, describe(second)

    solo.stop_rasa()
    solo.start_rasa()
    solo.wait_rasa()

    # The same follow-up continues each conversation's own topic, remembered across the restart.
    follow_duties = ask(solo, duties, "and a director?")
    assert says(follow_duties, *director), describe(follow_duties)
    follow_duration = ask(solo, duration, "and a director?")
    assert says(follow_duration, director[0]) and not says(follow_duration, director[1]), describe(follow_duration)
    assert user_texts(solo.env["TRACKER_STORE_URL"], duties) == [
        "what does an engineering manager do?", "and a director?"]


def test_knowledge_base_runs_unchanged_on_postgresql(services: Services, kb: Session) -> None:
    url = services.pg_url("careerbot_kbtest")
    loaded = subprocess.run([str(BIN / "python"), "-m", "knowledge", "load"], cwd=REPO_ROOT,
                            env={**os.environ, "CAREERBOT_DB_URL": url}, capture_output=True, text=True, timeout=300)
    assert loaded.returncode == 0, loaded.stdout + loaded.stderr
    shown = subprocess.run([str(BIN / "python"), "-m", "knowledge", "show", "PMP"], cwd=REPO_ROOT,
                           env={**os.environ, "CAREERBOT_DB_URL": url}, capture_output=True, text=True, timeout=300)
    assert shown.returncode == 0 and "Project Management Professional" in shown.stdout, shown.stdout + shown.stderr

    engine = make_engine(url)
    try:
        with Session(engine, future=True) as pg:
            assert engine.dialect.name == "postgresql"
            assert [r.name for r in q.roles(pg)] == [r.name for r in q.roles(kb)]
            for alias in q.aliases(kb):  # every name and alias resolves the same way
                assert q.resolve(pg, alias.text) == q.resolve(kb, alias.text), alias.text
            for role in q.roles(kb):
                assert [t.to_role.name for t in q.ladder_to(pg, q.role(pg, role.name))] == \
                    [t.to_role.name for t in q.ladder_to(kb, role)], role.name
            assert [c.abbreviation for c in q.certifications(pg)] == [c.abbreviation for c in q.certifications(kb)]
            assert [i.name for i in q.industries(pg)] == [i.name for i in q.industries(kb)]
            assert q.suggest(pg, "enginering manger", "role") == q.suggest(kb, "enginering manger", "role")
            # Text that looks like SQL is only ever a value.
            assert q.resolve(pg, "'; DROP TABLE roles; --") is None
            assert len(q.roles(pg)) == len(q.roles(kb))
    finally:
        engine.dispose()


# ------------------------------------------------------------------------ queries are parameterised
_SQL_CALLS = {"text", "execute", "exec_driver_sql", "executescript", "executemany"}


def _dynamic_string(node: ast.AST) -> bool:
    """True for an f-string with placeholders, a `+` or `%` expression, or a `.format()` call."""
    if isinstance(node, ast.JoinedStr):
        return any(isinstance(value, ast.FormattedValue) for value in node.values)
    if isinstance(node, ast.BinOp):
        return isinstance(node.op, (ast.Add, ast.Mod))
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format"


def sql_built_from_text(tree: ast.AST) -> list[int]:
    """Lines where text(), execute() and the like receive SQL pieced together from strings."""
    lines = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and node.args:
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name in _SQL_CALLS and _dynamic_string(node.args[0]):
                lines.add(node.lineno)
    return sorted(lines)


def legacy_queries(tree: ast.AST) -> list[int]:
    """Lines calling `.query(...)` (the legacy ORM API; the house style is select())."""
    return sorted({node.lineno for node in ast.walk(tree) if isinstance(node, ast.Call)
                   and isinstance(node.func, ast.Attribute) and node.func.attr == "query"})


def test_sql_check_catches_sql_built_from_text() -> None:
    bad = ast.parse('session.execute(text(f"SELECT * FROM roles WHERE name = \'{name}\'"))\n'
                    'session.execute("SELECT * FROM roles WHERE name = " + name)\n'
                    'conn.exec_driver_sql("SELECT {}".format(name))\n'
                    'session.query(Role).filter(Role.name == name)\n')
    good = ast.parse('session.scalars(select(Role).where(Role.name == name))\n'
                     'connection.execute(text("SELECT 1"))\n')
    assert sql_built_from_text(bad) == [1, 2, 3]
    assert legacy_queries(bad) == [4]
    assert sql_built_from_text(good) == [] and legacy_queries(good) == []


@pytest.mark.parametrize("folder", ["knowledge", "bot"])
def test_every_query_is_parameterised(folder: str) -> None:
    offenders = []
    for path in sorted((REPO_ROOT / folder).rglob("*.py")):
        tree = ast.parse(path.read_text(), str(path))
        name = path.relative_to(REPO_ROOT)
        offenders += [f"{name}:{line} builds SQL from strings" for line in sql_built_from_text(tree)]
        if folder == "knowledge" or "actions" in path.parts:
            offenders += [f"{name}:{line} uses .query()" for line in legacy_queries(tree)]
    assert not offenders, f"use select() with bound values: {offenders}"


def test_tracker_store_unreachable_at_start_recovers_without_restart(tmp_path: Path) -> None:
    path = tmp_path / "tracker.db"
    path.mkdir()  # a folder where the database file should be: the database cannot be opened
    store = stores.TrackerStore(domain=Domain.empty(), host=f"sqlite:///{path}")
    with pytest.raises(SQLAlchemyError):
        store.ping()  # the health check fails...
    with pytest.raises(SQLAlchemyError):
        asyncio.run(store.retrieve("someone"))  # ...and so does every use: no silent fall-back
    path.rmdir()  # the database is back: the next message is stored (its table made on the way)
    tracker = DialogueStateTracker.from_events("someone", [UserUttered("what is PMP?")])
    asyncio.run(store.save(tracker))
    stored = asyncio.run(store.retrieve("someone"))
    assert stored is not None and stored.latest_message.text == "what is PMP?"
    store.ping()
