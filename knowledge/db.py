"""Engine and session factory. The URL comes from CAREERBOT_DB_URL; the default is an SQLite file in var/.

`KnowledgeSessions` keeps one caching session for a long-lived reader (the action server) and replaces it
when the knowledge base is reloaded.
"""
from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import QueuePool

from . import queries

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB_PATH = REPO_ROOT / "var" / "careerbot.db"
ENV_VAR = "CAREERBOT_DB_URL"


def database_url() -> str:
    """The configured database URL (CAREERBOT_DB_URL, else the SQLite file var/careerbot.db)."""
    return os.environ.get(ENV_VAR) or f"sqlite:///{DEFAULT_DB_PATH}"


def _sqlite_file(url: str) -> str | None:
    """The database file of an SQLite URL; None for in-memory SQLite and for other databases."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    return parsed.database


def make_engine(url: str | None = None) -> Engine:
    """A new engine for `url` (default: the configured URL); creates the SQLite file's folder if needed."""
    url = url or database_url()
    path = _sqlite_file(url)
    if path is None:
        return create_engine(url, future=True, pool_pre_ping=True)
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    # SQLAlchemy 1.4 gives file SQLite a NullPool: a new sqlite3 connection (and a pre-ping) per session.
    # A local file needs no liveness check, and pooled connections may move between threads (the action
    # server's thread, test threads), which pysqlite refuses unless told otherwise.
    engine = create_engine(url, future=True, poolclass=QueuePool, connect_args={"check_same_thread": False})
    _reconnect_when_replaced(engine, path)
    return engine


def _file_id(path: str) -> tuple[int, int] | None:
    """Which file `path` names now (device, inode); None when there is none."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino


def _reconnect_when_replaced(engine: Engine, path: str) -> None:
    """Drop a pooled connection whose file was since removed or replaced (moved aside, deleted and loaded
    anew, a copy put in its place): an open sqlite3 connection keeps reading the old file, which a new
    connection per session (NullPool) never did. One stat per checkout."""
    @event.listens_for(engine, "connect")
    def _remember_file(dbapi_connection, record) -> None:
        record.info["sqlite_file_id"] = _file_id(path)

    @event.listens_for(engine, "checkout")
    def _check_file(dbapi_connection, record, proxy) -> None:
        if record.info.get("sqlite_file_id") != _file_id(path):
            raise DisconnectionError(f"{path} was removed or replaced")  # the pool reconnects


@lru_cache(maxsize=None)
def _engine_for(url: str) -> Engine:
    return make_engine(url)


def get_engine() -> Engine:
    """The process-wide engine for the configured URL (made once per URL)."""
    return _engine_for(database_url())


def session_factory(engine: Engine | None = None) -> sessionmaker:
    """A session factory bound to `engine` (default: the process-wide engine)."""
    return sessionmaker(bind=engine or get_engine(), future=True, expire_on_commit=False)


class KnowledgeSessions:
    """Sessions for a long-lived reader: one cached, memoising session for as long as the knowledge base
    keeps its build id.

    Each `session()` block first reads the build id (one small query). While it is the one the cached
    session was opened under, the block gets that session back, with everything it already loaded and
    memoised. After a reload (new build id), after a block that raised, or when the build id is missing (an
    old schema) or cannot be read (locked, unreachable), the cached session is closed; without a build id
    each block gets a plain, non-caching session of its own. Every block ends its transaction (commit on
    success, close on error), so no read transaction or SQLite lock is held between blocks and
    `python -m knowledge load` can write.

    The factory must use expire_on_commit=False (as `session_factory` does), or every commit would throw
    the loaded objects away. Meant for one block at a time: rasa_sdk calls synchronous actions one after
    the other on its event-loop thread. A block opened while another is running (another thread, or a
    nested block) is not turned away: it gets a plain session of its own.
    """

    def __init__(self, factory: Callable[[], Session] | None = None) -> None:
        """`factory` makes sessions; default: `session_factory()` over the configured database (made on first use)."""
        self._factory = factory
        self._lock = threading.Lock()
        self._cached: Session | None = None
        self._build: str | None = None

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session for one unit of work (see the class docstring); raise inside to have it discarded."""
        if not self._lock.acquire(blocking=False):  # someone else is using the cached session
            with self._new() as session:
                yield session
            return
        try:
            session, cached = self._current()
            try:
                yield session
                if cached:
                    session.commit()  # ends the read transaction; expire_on_commit=False keeps the objects
            except BaseException:
                if cached:
                    self.discard()
                raise
            finally:
                if not cached:
                    session.close()
        finally:
            self._lock.release()

    def discard(self) -> None:
        """Close the cached session (if any): the next block starts afresh."""
        session, self._cached, self._build = self._cached, None, None
        if session is not None:
            session.close()

    def _new(self) -> Session:
        if self._factory is None:
            self._factory = session_factory()
        return self._factory()

    def _current(self) -> tuple[Session, bool]:
        """The session for the next block and whether it is the cached one."""
        if self._cached is not None:
            build = queries.build_id(self._cached)
            if build is not None and build == self._build:
                return self._cached, True
            self.discard()
            # `build` was read before anything the new session reads, so the content is never older than
            # the id it is filed under: at worst the next block sees a "new" build and starts over once more.
            session = self._new()
        else:
            session = self._new()
            build = queries.build_id(session)
        if build is None:  # no build id (an old schema) or no answer (locked, unreachable): no caching
            return session, False
        queries.enable_cache(session)
        self._cached, self._build = session, build
        return session, True


@lru_cache(maxsize=None)
def _sessions_for(url: str) -> KnowledgeSessions:
    return KnowledgeSessions(session_factory(_engine_for(url)))


def shared_sessions() -> KnowledgeSessions:
    """The process-wide `KnowledgeSessions` over the configured database (one per URL, made on first use)."""
    return _sessions_for(database_url())


__all__ = ["Session", "database_url", "make_engine", "get_engine", "session_factory", "KnowledgeSessions",
           "shared_sessions", "DEFAULT_DB_PATH"]
