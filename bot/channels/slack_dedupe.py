"""The Slack deliveries already taken, shared by every Rasa server of one workspace.

Slack redelivers an event it thinks was not received (an HTTP retry, or a Socket Mode envelope sent again,
possibly over another replica's connection). Each server first checks its own in-memory `SeenCache`
(bot/channels/slack.py); this module is the second check, shared by all servers: a row per delivery key in
the table `careerbot_slack_deliveries` of the conversations database (the tracker store's
TRACKER_STORE_URL, default var/tracker.db), which the servers of one deployment already share. The
primary key makes the insert atomic: of two servers claiming the same key at the same moment exactly one
succeeds, whatever the database (SQLite, PostgreSQL...). Rows older than `ttl` are deleted now and then.

Redis (LOCK_STORE_URL) would do as well, but is optional in careerbot while the conversations database
is always there; docs/slack.md explains the choice.
"""
from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

logger = logging.getLogger(__name__)

TABLE = "careerbot_slack_deliveries"
#: keep markers well past Slack's retry window (three retries over about six minutes)
DELIVERY_TTL_SECONDS = 3600.0
#: delete expired markers once every this many claims
PURGE_EVERY = 200

_metadata = sa.MetaData()
deliveries = sa.Table(
    TABLE, _metadata,
    sa.Column("key", sa.String(255), primary_key=True),
    sa.Column("seen_at", sa.Float, nullable=False, index=True),
)


def make_engine(url: str) -> sa.engine.Engine:
    """An engine for the shared table; SQLite waits up to 15 s for another server's write lock."""
    if url.startswith("sqlite"):
        return sa.create_engine(url, future=True, connect_args={"timeout": 15, "check_same_thread": False})
    return sa.create_engine(url, future=True, pool_pre_ping=True)


class DeliveryLog:
    """Atomic 'this delivery is taken' markers in a database table shared by every server."""

    def __init__(self, engine: sa.engine.Engine, ttl: float = DELIVERY_TTL_SECONDS,
                 clock: Callable[[], float] = time.time) -> None:
        """Markers in `engine`'s database, forgotten after `ttl` seconds (`clock` is the wall clock)."""
        self.engine = engine
        self.ttl = ttl
        self.clock = clock
        self._claims = 0
        self._ready = False

    @classmethod
    def from_url(cls, url: str) -> DeliveryLog:
        """A log in the database at `url` (an SQLAlchemy URL)."""
        return cls(make_engine(url))

    def _ensure_table(self) -> None:
        if not self._ready:
            _metadata.create_all(self.engine, checkfirst=True)
            self._ready = True

    def claim(self, *keys: str) -> bool:
        """Record the keys in order; True if every one was new (this server takes the delivery).

        Each key is inserted in its own transaction, and the first key already recorded (by this server or
        another) stops the claim: of several servers claiming the same keys at the same moment exactly one
        gets True. (Inserting the later keys anyway could let two servers each lose one key and both drop
        the delivery.)
        """
        self._ensure_table()
        now = self.clock()
        is_new = True
        for key in keys:
            try:
                with self.engine.begin() as connection:
                    connection.execute(deliveries.insert().values(key=key[:255], seen_at=now))
            except IntegrityError:
                is_new = False
                break
        self._claims += 1
        if self._claims % PURGE_EVERY == 0:
            self.purge()
        return is_new

    def purge(self) -> int:
        """Delete the markers older than the TTL; returns how many."""
        with self.engine.begin() as connection:
            result = connection.execute(deliveries.delete().where(deliveries.c.seen_at < self.clock() - self.ttl))
        return result.rowcount or 0

    async def aclaim(self, *keys: str) -> bool:
        """`claim` off the event loop. If the database cannot be reached the delivery is taken (True): a rare
        duplicate answer beats a lost one, and the server's own SeenCache still stops its own redeliveries."""
        try:
            return await asyncio.to_thread(self.claim, *keys)
        except SQLAlchemyError as error:
            logger.warning("Shared Slack delivery log unavailable (%s); answering without it.",
                           type(error).__name__)
            return True


INTRO_TABLE = "careerbot_slack_intros"
#: the same mentee is introduced to the same mentor at most once in this many seconds
INTRO_INTERVAL_SECONDS = 24 * 3600.0

intros = sa.Table(
    INTRO_TABLE, _metadata,
    sa.Column("pair", sa.String(255), primary_key=True),  # "<mentee id>:<mentor id>"
    sa.Column("sent_at", sa.Float, nullable=False),
)


class IntroLog:
    """When each mentee was last introduced to each mentor, in the same shared database as `DeliveryLog`."""

    def __init__(self, engine: sa.engine.Engine, interval: float = INTRO_INTERVAL_SECONDS,
                 clock: Callable[[], float] = time.time) -> None:
        """At most one intro per pair per `interval` seconds."""
        self.engine = engine
        self.interval = interval
        self.clock = clock
        self._ready = False

    def claim(self, mentee: str, mentor: str) -> bool:
        """Record an intro of `mentee` to `mentor` now; False if one was recorded within the interval.

        Atomic for several servers: a first intro is an insert (the primary key lets one win); a later one
        is an update that only matches while the last intro is older than the interval.
        """
        if not self._ready:
            _metadata.create_all(self.engine, checkfirst=True)
            self._ready = True
        pair, now = f"{mentee}:{mentor}"[:255], self.clock()
        try:
            with self.engine.begin() as connection:
                connection.execute(intros.insert().values(pair=pair, sent_at=now))
            return True
        except IntegrityError:
            pass
        with self.engine.begin() as connection:
            result = connection.execute(intros.update()
                                        .where(intros.c.pair == pair, intros.c.sent_at <= now - self.interval)
                                        .values(sent_at=now))
        return result.rowcount == 1

    def release(self, mentee: str, mentor: str) -> None:
        """Forget the pair's last intro (used when posting the intro failed, so it can be tried again)."""
        with self.engine.begin() as connection:
            connection.execute(intros.delete().where(intros.c.pair == f"{mentee}:{mentor}"[:255]))

    async def aclaim(self, mentee: str, mentor: str) -> bool:
        """`claim` off the event loop."""
        return await asyncio.to_thread(self.claim, mentee, mentor)

    async def arelease(self, mentee: str, mentor: str) -> None:
        """`release` off the event loop."""
        await asyncio.to_thread(self.release, mentee, mentor)
