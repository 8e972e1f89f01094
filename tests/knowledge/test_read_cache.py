"""Cheap repeated reads: the opt-in per-session memo of the query functions, the build id every load writes,
the SQLite engine's pool, and KnowledgeSessions (one cached session, replaced when the build changes)."""
from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import QueuePool, StaticPool
from sqlalchemy import create_engine

from knowledge import loader
from knowledge import models as m
from knowledge import queries as q
from knowledge.db import KnowledgeSessions, make_engine, session_factory
from knowledge.loader import KnowledgeError


@contextmanager
def statements(engine: Engine) -> Iterator[list[str]]:
    """The SQL statements `engine` runs inside the block."""
    seen: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany) -> None:
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def _role(s: Session, name: str) -> m.Role:
    found = q.role(s, name)
    assert found is not None, name
    return found


# Every memoised query function, called as the actions call it (ORM arguments are looked up first).
CALLS: dict[str, Callable[[Session], object]] = {
    "resolve": lambda s: q.resolve(s, "EM"),
    "resolve unknown": lambda s: q.resolve(s, "space cowboy", "role"),
    "suggest": lambda s: q.suggest(s, "enginering manger", "role"),
    "aliases": q.aliases,
    "role": lambda s: q.role(s, "director"),
    "roles": lambda s: q.roles(s, "entry"),
    "transitions": q.transitions,
    "next_steps": lambda s: q.next_steps(s, _role(s, "engineering manager")),
    "ways_in": lambda s: q.ways_in(s, _role(s, "engineering director")),
    "shortest_path": lambda s: q.shortest_path(s, _role(s, "project engineer"), _role(s, "CTO")),
    "ladder_to": lambda s: q.ladder_to(s, _role(s, "VP of engineering")),
    "comparison": lambda s: q.comparison(s, _role(s, "director"), _role(s, "EM")),
    "certification": lambda s: q.certification(s, "PMP"),
    "certifications": lambda s: q.certifications(s, stage="mid"),
    "degree": lambda s: q.degree(s, "MEM"),
    "degrees": q.degrees,
    "skills": lambda s: q.skills(s, "entry"),
    "specialization": lambda s: q.specialization(s, "supply chain management"),
    "specializations": q.specializations,
    "specializations_for_role": lambda s: q.specializations_for_role(s, _role(s, "engineering manager")),
    "industry": lambda s: q.industry(s, "pharma"),
    "industries": lambda s: q.industries(s, pay="high"),
    "discipline": lambda s: q.discipline(s, "civil engineer"),
    "disciplines": q.disciplines,
    "market_fact": lambda s: q.market_fact(s, "average_salary"),
    "market_facts": q.market_facts,
    "employers": q.employers,
    "lookup": lambda s: q.lookup(s, "MBA"),
    "mentors": lambda s: q.mentors(s, include_unavailable=True),
    "mentor": lambda s: q.mentor(s, q.mentors(s)[0].slack_user_id),
    "mentors_in_role": lambda s: q.mentors_in_role(s, q.mentors(s)[0].role),
    "mentors_with_area": lambda s: q.mentors_with_area(s, q.Name(q.mentors(s)[0].areas[0].kind,
                                                                 q.mentors(s)[0].areas[0].canonical)),
}


@pytest.fixture()
def fresh(kb_sessions: sessionmaker) -> Iterator[Session]:
    """A new session over the shipped knowledge base (nothing loaded or memoised yet)."""
    with kb_sessions() as session:
        yield session


@pytest.mark.parametrize("call", CALLS.values(), ids=list(CALLS))
def test_a_caching_session_answers_a_repeated_question_without_sql(kb_engine, fresh, call):
    q.enable_cache(fresh)
    with statements(kb_engine) as first_run:
        first = call(fresh)
    with statements(kb_engine) as second_run:
        second = call(fresh)
    assert first_run, "the first call reads the database"
    assert second_run == []
    assert second == first


@pytest.mark.parametrize("call", CALLS.values(), ids=list(CALLS))
def test_without_enable_cache_every_call_runs_its_sql(kb_engine, fresh, call):
    first = call(fresh)
    with statements(kb_engine) as second_run:
        second = call(fresh)
    assert second_run, "a session that did not opt in is never answered from a memo"
    assert second == first
    assert not q.cache_enabled(fresh)


def test_cached_lists_are_copies_the_caller_may_change(fresh):
    q.enable_cache(fresh)
    first = q.roles(fresh)
    count = len(first)
    assert count > 0
    first.clear()
    second = q.roles(fresh)
    assert len(second) == count
    second.append("junk")
    assert len(q.roles(fresh)) == count
    assert q.roles(fresh) is not q.roles(fresh)


def test_cached_orm_objects_are_shared(fresh):
    """Documented: a caching session hands every caller the same objects (to be treated as read-only)."""
    q.enable_cache(fresh)
    assert q.role(fresh, "EM") is q.role(fresh, "EM")
    assert q.roles(fresh)[0] is q.roles(fresh)[0]


def test_unhashable_arguments_are_not_memoised(fresh):
    calls: list[object] = []

    @q._memoised
    def count_of(session: Session, items: object) -> int:
        calls.append(items)
        return len(items)

    q.enable_cache(fresh)
    assert count_of(fresh, ("a", "b")) == count_of(fresh, ("a", "b")) == 2
    assert len(calls) == 1
    assert count_of(fresh, ["a"]) == count_of(fresh, ["a"]) == 1
    assert len(calls) == 3


def test_the_memo_keeps_only_its_most_recent_entries(kb_engine, fresh):
    q.enable_cache(fresh, max_entries=2)
    q.resolve(fresh, "EM")
    q.resolve(fresh, "CTO")
    with statements(kb_engine) as seen:
        q.resolve(fresh, "EM")  # still there (and now the most recent)
    assert seen == []
    q.resolve(fresh, "PMP")  # pushes out "CTO"
    with statements(kb_engine) as seen:
        q.resolve(fresh, "CTO")
    assert seen


# ------------------------------------------------------------------ the build id
@pytest.fixture()
def data(tmp_path: Path) -> Path:
    """A writable copy of the shipped knowledge files."""
    return Path(shutil.copytree(loader.DATA_DIR, tmp_path / "data"))


@pytest.fixture()
def file_engine(tmp_path: Path) -> Iterator[Engine]:
    """A temporary SQLite file holding the shipped knowledge base, through knowledge.db.make_engine."""
    engine = make_engine(f"sqlite:///{tmp_path / 'kb.db'}")
    loader.load(engine)
    yield engine
    engine.dispose()


def build_of(engine: Engine) -> str | None:
    """The build id, read through a new session."""
    with Session(engine, future=True) as session:
        return q.build_id(session)


def test_every_load_writes_a_new_build_id_in_one_row(file_engine):
    first = build_of(file_engine)
    assert first is not None and len(first) == 32 and set(first) <= set("0123456789abcdef")
    loader.load(file_engine)
    second = build_of(file_engine)
    assert second is not None and second != first
    with Session(file_engine, future=True) as session:
        assert session.scalar(select(func.count()).select_from(m.KnowledgeBuild)) == 1
        assert session.scalars(select(m.KnowledgeBuild.loaded_at)).one() is not None


def test_a_failed_load_keeps_the_build_id(file_engine, data):
    before = build_of(file_engine)
    (data / "roles.yml").write_text("roles: not a list\n", encoding="utf-8")
    with pytest.raises(KnowledgeError):
        loader.load(file_engine, data)
    assert build_of(file_engine) == before


def test_build_id_is_none_without_the_table_and_the_session_stays_usable():
    engine = create_engine("sqlite://", future=True, poolclass=StaticPool,
                           connect_args={"check_same_thread": False})
    m.Base.metadata.create_all(engine)  # a database from before the build table existed
    with Session(engine, future=True) as session:
        session.add(m.Industry(name="aerospace", position=0))
        session.flush()
        assert q.build_id(session) is None
        assert [i.name for i in q.industries(session)] == ["aerospace"]  # same session, same transaction
        m.BuildBase.metadata.create_all(session.connection())
        assert q.build_id(session) is None  # the table, but no row


# ------------------------------------------------------------------ the SQLite engine
def test_file_sqlite_keeps_its_connections_in_a_pool_without_pre_ping(file_engine, tmp_path):
    assert isinstance(file_engine.pool, QueuePool)
    assert not file_engine.pool._pre_ping
    with Session(file_engine, future=True) as session:
        q.roles(session)
    assert file_engine.pool.checkedout() == 0 and file_engine.pool.checkedin() >= 1  # kept for reuse
    memory = make_engine("sqlite://")
    assert not isinstance(memory.pool, QueuePool)


def test_a_replaced_database_file_is_read_afresh(file_engine, tmp_path):
    """An open SQLite connection keeps reading the file it opened: a pooled one must notice a new file."""
    path = tmp_path / "kb.db"
    old = build_of(file_engine)
    other = make_engine(f"sqlite:///{tmp_path / 'other.db'}")
    loader.load(other)
    new = build_of(other)
    other.dispose()
    os.replace(tmp_path / "other.db", path)
    assert build_of(file_engine) == new != old
    os.replace(path, tmp_path / "aside.db")
    assert build_of(file_engine) is None  # missing: an empty database, not the file that was moved away


# ------------------------------------------------------------------ KnowledgeSessions
@pytest.fixture()
def sessions(file_engine: Engine) -> Iterator[KnowledgeSessions]:
    """KnowledgeSessions over the temporary SQLite file."""
    made = KnowledgeSessions(session_factory(file_engine))
    yield made
    made.discard()


def test_the_cached_session_is_reused_while_the_build_is_unchanged(file_engine, sessions):
    with sessions.session() as first:
        q.role(first, "EM")
        assert q.cache_enabled(first)
    with statements(file_engine) as seen, sessions.session() as second:
        q.role(second, "EM")
    assert second is first
    assert not any("roles" in s or "aliases" in s for s in seen), seen  # only the build id was read


def test_no_connection_is_held_between_blocks(file_engine, sessions):
    with sessions.session() as session:
        q.roles(session)
    assert file_engine.pool.checkedout() == 0
    assert not session.in_transaction()


def test_a_new_build_gets_a_new_session(file_engine, sessions, data):
    with sessions.session() as first:
        before = q.market_fact(first, "outlook").figure
    text = (data / "market.yml").read_text(encoding="utf-8")
    (data / "market.yml").write_text(text.replace(before, "Engineering managers are in demand."), encoding="utf-8")
    loader.load(file_engine, data)
    with sessions.session() as second:
        assert second is not first
        assert q.market_fact(second, "outlook").figure == "Engineering managers are in demand."


def test_a_block_that_raises_discards_the_cached_session(sessions):
    with sessions.session() as first:
        q.roles(first)
    with pytest.raises(RuntimeError), sessions.session() as second:
        assert second is first
        raise RuntimeError("a bug in an action")
    with sessions.session() as third:
        assert third is not first
        assert q.roles(third)


def test_a_database_without_build_id_gets_a_plain_session_per_block(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    m.Base.metadata.create_all(engine)
    old = KnowledgeSessions(session_factory(engine))
    with old.session() as first:
        assert q.roles(first) == [] and not q.cache_enabled(first)
    with old.session() as second:
        assert second is not first and not q.cache_enabled(second)
    engine.dispose()


def test_an_overlapping_block_gets_a_session_of_its_own(sessions):
    with sessions.session() as outer:
        with sessions.session() as inner:
            assert inner is not outer and not q.cache_enabled(inner)
            assert q.role(inner, "EM") is not None
        assert q.role(outer, "EM") is not None
    with sessions.session() as again:
        assert again is outer
