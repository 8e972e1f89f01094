"""careerbot's tracker store and lock store, named by class path in endpoints.yml.

- `TrackerStore`: Rasa's SQLTrackerStore at TRACKER_STORE_URL (any SQLAlchemy URL; default the SQLite file
  var/tracker.db), with connections checked before use so that a database restart costs no request, and
  the events table created on first use when the database was down at start (Rasa only tries once). A
  missing database driver stops the server instead of Rasa's silent fall-back to memory. It keeps the
  trackers it saved in memory (`TrackerCache`) and hands one out again only while the database's newest event
  of that conversation is still the one it wrote: one indexed `max(id)` query instead of reading and
  replaying every event of the session, and no `count(*)` before saving (profiled: 32 % of the server's CPU
  per message). A conversation another server or process wrote to is read from the database as before.
  SQLite runs in WAL mode with synchronous=NORMAL: a commit survives the server crashing, not the
  machine losing power (docs/operations.md).
- `LockStore`: the per-conversation ticket lock. In memory for one server; in Redis at LOCK_STORE_URL
  (redis://[:password@]host:port/db) when several Rasa servers share the conversations. Unlike Rasa's own
  RedisLockStore, each read-modify-write of a lock runs under a short Redis mutex, so two servers taking a
  ticket for the same conversation at the same moment cannot both get the same number.

Both read their URL from the environment when the Rasa server starts, so endpoints.yml holds no address and
no password. docs/operations.md explains the layout and its limits.
"""
from __future__ import annotations

import contextlib
import itertools
import json
import logging
import os
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import sqlalchemy as sa
from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError
from rasa.core.lock_store import LockStore as RasaLockStore
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs
from rasa.shared.core.events import ActionExecuted, SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY
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
#: conversations whose tracker is kept in memory by each server (least recently used ones are dropped)
TRACKER_CACHE_SIZE = 2000
#: the "tracker_cache" speed group (set by bot.rasa_plugins.patches): False reads and saves as Rasa's
#: SQLTrackerStore does, every time
CACHE_TRACKERS = True


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
        sqlite = url.startswith("sqlite")
        options: dict[str, Any] = dict(create_engine_kwargs(url))
        if sqlite and ":memory:" not in url:
            # SQLAlchemy 1.4 opens a new SQLite connection per session (NullPool): 7 % of the server's CPU.
            # Keep them in a pool; one connection is only ever used by one thread at a time.
            options.update(poolclass=sa.pool.QueuePool, connect_args={"check_same_thread": False})
        self.engine = sa.create_engine(url, pool_pre_ping=not sqlite, **options)
        if sqlite:
            sa.event.listen(self.engine, "connect", _sqlite_wal)
        self.sessionmaker = sessionmaker(bind=self.engine)
        self.url = url
        self.cache = TrackerCache(TRACKER_CACHE_SIZE)
        events = self.SQLEvent.__table__
        self._newest_event = sa.select(sa.func.max(events.c.id)).where(events.c.sender_id == sa.bindparam("sid"))
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

    def newest_event_id(self, sender_id: str) -> int | None:
        """The id of the conversation's newest stored event (None: no event)."""
        with self.engine.connect() as connection:
            return connection.execute(self._newest_event, {"sid": sender_id}).scalar()

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        """The tracker of the conversation's latest session: the one this server saved last when the database
        has nothing newer for it, else read from the database (as Rasa does)."""
        self._ensure_tables()
        if not CACHE_TRACKERS:
            return await super().retrieve(sender_id)
        newest = self.newest_event_id(sender_id)
        cached = self.cache.take(sender_id, newest)
        if cached is not None:
            return cached
        with self.session_scope() as session:
            rows = self._event_query(session, sender_id, fetch_events_from_all_sessions=False).all()
            if not rows or not self.domain:
                return None
            tracker = DialogueStateTracker.from_dict(sender_id, [json.loads(row.data) for row in rows],
                                                     self.domain.slots)
        self.cache.lend(sender_id, tracker, rows[-1].id)
        return tracker

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Store the events the database does not have yet (known without asking it when `tracker` is the one
        this store handed out), then keep the tracker for the conversation's next message."""
        if not CACHE_TRACKERS:
            self._ensure_tables()
            await super().save(tracker)
            return
        await self.stream_events(tracker)
        stored = self.cache.stored_count(tracker)
        if stored is not None:  # ours: the new events are known; one transaction on a plain connection
            new_events = list(itertools.islice(tracker.events, stored, len(tracker.events)))
            newest = None
            if new_events:
                self._ensure_tables()
                with self.engine.begin() as connection:
                    newest = self._insert(connection, tracker.sender_id, new_events)
        else:  # not ours: Rasa's way, count what the database holds of this session
            with self.session_scope() as session:
                newest = self._insert(session, tracker.sender_id, self._additional_events(session, tracker))
                session.commit()
        if newest is None and stored is None:
            self.cache.forget(tracker.sender_id)  # nothing written and nothing known: ask the database next time
        else:
            self.cache.keep(tracker, newest)
        logger.debug("Tracker with sender_id '%s' stored to database", tracker.sender_id)

    def _insert(self, executor: Any, sender_id: str, events: Any) -> int | None:
        """Write `events` with one executemany (no ORM unit of work) through `executor` (a connection or a
        session, inside its transaction); the id of the conversation's newest row, None when nothing was
        written."""
        rows = [self._row(sender_id, event) for event in events]
        if not rows:
            return None
        executor.execute(self.SQLEvent.__table__.insert(), rows)
        return executor.execute(self._newest_event, {"sid": sender_id}).scalar()

    @staticmethod
    def _row(sender_id: str, event: Any) -> dict[str, Any]:
        """The events-table row of `event`, as Rasa's SQLTrackerStore.save writes it."""
        data = event.as_dict()
        return {"sender_id": sender_id, "type_name": event.type_name, "timestamp": data.get("timestamp"),
                "intent_name": data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
                "action_name": data.get("name"), "data": json.dumps(data)}

    def ping(self) -> None:
        """Check that the database answers and holds the events table; raises when it does not."""
        self._ensure_tables()
        with self.engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))

    def describe(self) -> str:
        """Where the conversations are, password hidden."""
        return redact(self.url)


def _sqlite_wal(connection: Any, _record: Any) -> None:
    """SQLite: write-ahead log, fsync at checkpoints rather than at every commit (docs/operations.md)."""
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


@dataclass
class _Entry:
    tracker: DialogueStateTracker
    stored: int  # how many of tracker.events are in the database
    newest_id: int | None  # the database id of the conversation's newest event when we last read or wrote it
    lent: bool  # handed out by retrieve and not saved back yet


class TrackerCache:
    """The trackers one server last saved, by conversation, with what the database held at that moment.

    A tracker is handed out (`take`) only when the database's newest event of the conversation is still the
    one we saw, nobody else holds it, and it was not changed without being saved (its length is the stored
    one); then `stored_count` lets `save` write the new events without counting the stored ones. Trackers
    spanning two sessions are not kept: Rasa reads only the latest session, and so does the next `retrieve`.
    A new conversation's first actions before its SessionStarted (action_listen, action_session_start) are
    dropped from the kept tracker, so that it holds what Rasa would read from the database.
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self._entries: OrderedDict[str, _Entry] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    def take(self, sender_id: str, newest_id: int | None) -> DialogueStateTracker | None:
        """The kept tracker of `sender_id` if it is still current, now lent out; else None."""
        entry = self._entries.get(sender_id)
        if (entry is None or entry.lent or newest_id is None or entry.newest_id != newest_id
                or len(entry.tracker.events) != entry.stored):
            return None
        entry.lent = True
        self._entries.move_to_end(sender_id)
        return entry.tracker

    def lend(self, sender_id: str, tracker: DialogueStateTracker, newest_id: int) -> None:
        """Remember a tracker just read from the database and handed out."""
        self._put(sender_id, _Entry(tracker, len(tracker.events), newest_id, lent=True))

    def stored_count(self, tracker: DialogueStateTracker) -> int | None:
        """How many of `tracker`'s events are stored, when it is the tracker this cache handed out."""
        entry = self._entries.get(tracker.sender_id)
        return entry.stored if entry is not None and entry.tracker is tracker else None

    def keep(self, tracker: DialogueStateTracker, newest_id: int | None) -> None:
        """`tracker` was saved (its newest event got `newest_id`; None: nothing new was written)."""
        if newest_id is None:
            entry = self._entries.get(tracker.sender_id)
            newest_id = entry.newest_id if entry is not None and entry.tracker is tracker else None
        starts = [index for index, event in enumerate(tracker.events) if isinstance(event, SessionStarted)]
        head = list(itertools.islice(tracker.events, starts[0])) if starts else []
        if newest_id is None or len(starts) > 1 or not all(isinstance(e, ActionExecuted) for e in head):
            self.forget(tracker.sender_id)
            return
        for _ in head:  # a new conversation's action_listen / action_session_start before its SessionStarted:
            tracker.events.popleft()  # Rasa reads the session from its SessionStarted on, so keep that
        self._put(tracker.sender_id, _Entry(tracker, len(tracker.events), newest_id, lent=False))

    def forget(self, sender_id: str) -> None:
        """Drop what is kept for `sender_id`."""
        self._entries.pop(sender_id, None)

    def _put(self, sender_id: str, entry: _Entry) -> None:
        self._entries[sender_id] = entry
        self._entries.move_to_end(sender_id)
        while len(self._entries) > self.size:
            self._entries.popitem(last=False)


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

