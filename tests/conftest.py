"""Shared fixtures: the knowledge base loaded from knowledge/data into an in-memory SQLite."""
from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool
from sqlalchemy import create_engine

from knowledge.loader import load


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
