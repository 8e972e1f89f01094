"""careerbot's tracker store and lock store, named by class path in endpoints.yml.

- `TrackerStore`: Rasa's SQLTrackerStore at TRACKER_STORE_URL (any SQLAlchemy URL; default the SQLite file
  var/tracker.db), with connections checked before use so that a database restart costs no request, and
  the events table created on first use when the database was down at start (Rasa only tries once). A
  missing database driver stops the server instead of Rasa's silent fall-back to memory.
- `LockStore`: the per-conversation ticket lock. In memory for one server; in Redis at LOCK_STORE_URL
  (redis://[:password@]host:port/db) when several Rasa servers share the conversations. Unlike Rasa's own
  RedisLockStore, each read-modify-write of a lock runs under a short Redis mutex, so two servers taking a
  ticket for the same conversation at the same moment cannot both get the same number.

Both read their URL from the environment when the Rasa server starts, so endpoints.yml holds no address and
no password. docs/operations.md explains the layout and its limits.
"""
from __future__ import annotations

import contextlib
import json
import logging
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import sqlalchemy as sa
from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError
from rasa.core.lock_store import LockStore as RasaLockStore
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs
from rasa.utils.endpoints import EndpointConfig
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import sessionmaker

logger = logging.getLogger(__name__)

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_TRACKER_DB = REPO_ROOT / "var" / "tracker.db"
TRACKER_STORE_URL_ENV = "TRACKER_STORE_URL"
LOCK_STORE_URL_ENV = "LOCK_STORE_URL"
#: seconds between two looks at a busy conversation's lock (Rasa's default is a whole second)
LOCK_POLL_SECONDS = 0.1
#: a lock's read-modify-write holds the Redis mutex for milliseconds; these bound a stuck holder
MUTEX_TIMEOUT_SECONDS = 5.0
KEY_PREFIX = "careerbot:lock:"


def tracker_store_url() -> str:
    """The conversations database URL: TRACKER_STORE_URL, else the SQLite file var/tracker.db."""
    return os.environ.get(TRACKER_STORE_URL_ENV) or f"sqlite:///{DEFAULT_TRACKER_DB}"


def lock_store_url() -> str | None:
    """The Redis URL of the shared lock store (LOCK_STORE_URL), or None for an in-memory lock."""
    return os.environ.get(LOCK_STORE_URL_ENV) or None


def redact(url: str) -> str:
    """`url` without its user name and password, for logs and the health report."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return parts._replace(netloc=parts.netloc.rsplit("@", 1)[1]).geturl()


class TrackerStore(SQLTrackerStore):
    """SQLTrackerStore on TRACKER_STORE_URL (default: var/tracker.db) that pings connections before use."""

    def __init__(self, domain: Any = None, host: str | None = None, event_broker: Any = None,
                 **kwargs: Any) -> None:
        """Connect to `host` (a URL from endpoints.yml) or TRACKER_STORE_URL; waits while the database is down."""
        url = host if host and "://" in host else tracker_store_url()
        if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
            Path(url[len("sqlite:///"):]).parent.mkdir(parents=True, exist_ok=True)
        try:
            super().__init__(domain=domain, host=url, event_broker=event_broker, **kwargs)
        except (ImportError, AttributeError) as error:
            # Rasa would swallow these and silently keep conversations in memory; stop instead.
            raise RuntimeError(f"cannot open the tracker store {redact(url)}: {error}") from error
        # Same engine, plus a cheap liveness check at each checkout: after a database restart the pool's old
        # connections are replaced instead of failing the next request.
        self.engine.dispose()
        self.engine = sa.create_engine(url, pool_pre_ping=True, **create_engine_kwargs(url))
        self.sessionmaker = sessionmaker(bind=self.engine)
        self.url = url
        # Rasa only logs a failure to create the table (a database down at start): try again on each use.
        self._tables_ready = False
        with contextlib.suppress(SQLAlchemyError):
            self._ensure_tables()
        logger.info("Conversations are stored in %s", redact(url))

    def _ensure_tables(self) -> None:
        if not self._tables_ready:
            self.Base.metadata.create_all(self.engine)
            self._tables_ready = True

    @contextlib.contextmanager
    def session_scope(self) -> Iterator[Any]:
        """Rasa's session scope, creating the events table first if it could not be created at start."""
        self._ensure_tables()
        with super().session_scope() as session:
            yield session

    def ping(self) -> None:
        """Check that the database answers and holds the events table; raises when it does not."""
        self._ensure_tables()
        with self.engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))

    def describe(self) -> str:
        """Where the conversations are, password hidden."""
        return redact(self.url)


class LockStore(RasaLockStore):
    """Ticket locks per conversation: in Redis at LOCK_STORE_URL, else in this process's memory."""

    def __init__(self, endpoint_config: EndpointConfig | None = None) -> None:
        """Use endpoints.yml's `url` or LOCK_STORE_URL for Redis; neither: memory (one server only)."""
        url = (endpoint_config.url if endpoint_config else None) or lock_store_url()
        self.url = url
        self.red: Any = None
        self._memory: dict[str, TicketLock] = {}
        if url:
            import redis

            parts = urlsplit(url)
            if parts.scheme not in ("redis", "rediss"):
                raise RuntimeError(f"{LOCK_STORE_URL_ENV} must be a redis:// URL, not {redact(url)}")
            self.red = redis.StrictRedis(
                host=parts.hostname or "localhost", port=parts.port or 6379,
                db=int(parts.path.strip("/") or 0),
                username=unquote(parts.username) if parts.username else None,
                password=unquote(parts.password) if parts.password else None,
                ssl=parts.scheme == "rediss", socket_timeout=MUTEX_TIMEOUT_SECONDS,
                socket_connect_timeout=MUTEX_TIMEOUT_SECONDS)
            logger.info("Conversation locks are kept in Redis at %s", redact(url))
        elif int(os.environ.get("SANIC_WORKERS", "1") or 1) > 1:
            raise RuntimeError(f"SANIC_WORKERS > 1 needs a shared lock store: set {LOCK_STORE_URL_ENV}")
        super().__init__()

    def describe(self) -> str:
        """Where the locks are, password hidden."""
        return redact(self.url) if self.url else "memory"

    def ping(self) -> None:
        """Check that Redis answers (nothing to check in memory); raises when it does not."""
        if self.red is not None:
            self.red.ping()

    # ---------------------------------------------------------------- storage
    def get_lock(self, conversation_id: str) -> TicketLock | None:
        """The lock of `conversation_id`, or None."""
        if self.red is None:
            return self._memory.get(conversation_id)
        serialised = self.red.get(KEY_PREFIX + conversation_id)
        return TicketLock.from_dict(json.loads(serialised)) if serialised else None

    def delete_lock(self, conversation_id: str) -> None:
        """Forget the lock of `conversation_id`."""
        if self.red is None:
            self._memory.pop(conversation_id, None)
        else:
            self.red.delete(KEY_PREFIX + conversation_id)

    def save_lock(self, lock: TicketLock) -> None:
        """Store `lock`."""
        if self.red is None:
            self._memory[lock.conversation_id] = lock
        else:
            self.red.set(KEY_PREFIX + lock.conversation_id, lock.dumps())

    # ------------------------------------------------ read-modify-write, made atomic across servers
    @contextlib.contextmanager
    def _mutex(self, conversation_id: str) -> Iterator[None]:
        """Hold the conversation's Redis mutex (nothing to hold in memory: these methods never await)."""
        if self.red is None:
            yield
            return
        with self.red.lock(KEY_PREFIX + "mutex:" + conversation_id, timeout=MUTEX_TIMEOUT_SECONDS,
                           sleep=0.005, blocking_timeout=MUTEX_TIMEOUT_SECONDS):
            yield

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        """Take the next ticket for `conversation_id`."""
        try:
            with self._mutex(conversation_id):
                lock = self.get_or_create_lock(conversation_id)
                ticket = lock.issue_ticket(lock_lifetime)
                self.save_lock(lock)
                return ticket
        except Exception as error:
            raise LockError(f"Error while acquiring lock. Error:\n{error}") from error

    def update_lock(self, conversation_id: str) -> None:
        """Drop the expired tickets of `conversation_id`."""
        with self._mutex(conversation_id):
            super().update_lock(conversation_id)

    def finish_serving(self, conversation_id: str, ticket_number: int) -> None:
        """Remove ticket `ticket_number`."""
        with self._mutex(conversation_id):
            super().finish_serving(conversation_id, ticket_number)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        """Remove ticket `ticket_number`, and the lock when nobody else waits."""
        with self._mutex(conversation_id):
            lock = self.get_lock(conversation_id)
            if lock is None:
                return
            lock.remove_ticket_for(ticket_number)
            if lock.is_someone_waiting():
                self.save_lock(lock)
            else:
                self.delete_lock(conversation_id)

    @contextlib.asynccontextmanager
    async def lock(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME,
                   wait_time_in_seconds: float = 1) -> Any:
        """Rasa's ticket lock, looking at a busy lock every LOCK_POLL_SECONDS instead of every second."""
        async with super().lock(conversation_id, lock_lifetime,
                                min(wait_time_in_seconds, LOCK_POLL_SECONDS)) as ticket_lock:
            yield ticket_lock

