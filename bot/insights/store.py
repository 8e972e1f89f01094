"""Reading careerbot's conversations (Rasa's SQL tracker store `events` table) in batches, and deleting old ones.

Only SQLAlchemy: the table is declared here with the columns Rasa's SQLTrackerStore writes (sender_id,
type_name, timestamp, intent_name, action_name, data), so reading needs no Rasa import. Batches are read by
primary key (`id > last ORDER BY id LIMIT n`): each batch is one short query, so a report never holds a
long transaction against the running bot, and memory stays flat however big the store is. The JSON `data`
column is fetched only for the events the report needs it for (user messages, bot messages naming a
response, the plan form's slots).
"""
from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import urlsplit

import sqlalchemy as sa

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_TRACKER_DB = REPO_ROOT / "var" / "tracker.db"
TRACKER_STORE_URL_ENV = "TRACKER_STORE_URL"
BATCH_SIZE = 20_000
#: slots whose values the report reads (the career plan form's)
PLAN_SLOTS = ("current_role", "years_experience", "target_role", "discipline")

metadata = sa.MetaData()
#: Rasa's events table (rasa.core.tracker_store.SQLTrackerStore.SQLEvent)
events = sa.Table(
    "events", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("sender_id", sa.String(255), nullable=False, index=True),
    sa.Column("type_name", sa.String(255), nullable=False),
    sa.Column("timestamp", sa.Float),
    sa.Column("intent_name", sa.String(255)),
    sa.Column("action_name", sa.String(255)),
    sa.Column("data", sa.Text),
)


def tracker_store_url() -> str:
    """The conversations database: TRACKER_STORE_URL, else the SQLite file var/tracker.db."""
    return os.environ.get(TRACKER_STORE_URL_ENV) or f"sqlite:///{DEFAULT_TRACKER_DB}"


def redact(url: str) -> str:
    """`url` without its user name and password, for messages."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return parts._replace(netloc=parts.netloc.rsplit("@", 1)[1]).geturl()


class StoreError(Exception):
    """The tracker store cannot be read: missing file, no events table, database down."""


def open_store(url: str) -> sa.engine.Engine:
    """An engine on the tracker store at `url`; StoreError when it has no events table (or no file)."""
    if url.startswith("sqlite:///") and ":memory:" not in url:
        path = Path(url[len("sqlite:///"):])
        if not path.exists():
            raise StoreError(f"no tracker store at {path}: the bot has not stored a conversation yet "
                             f"(or set {TRACKER_STORE_URL_ENV})")
    try:
        engine = sa.create_engine(url, future=True)
        with engine.connect() as connection:
            if not sa.inspect(connection).has_table("events"):
                raise StoreError(f"the tracker store {redact(url)} has no events table")
    except sa.exc.SQLAlchemyError as error:
        raise StoreError(f"cannot read the tracker store {redact(url)}: {error.__class__.__name__}: "
                         f"{str(error).splitlines()[0]}") from error
    except ImportError as error:
        raise StoreError(f"cannot open the tracker store {redact(url)}: {error}") from error
    return engine


class Row(NamedTuple):
    """One stored event; `data` is the raw JSON, or None when the report does not need it. (read_events yields
    SQLAlchemy rows of the same fields, in the same order.)"""

    id: int
    sender_id: str
    type_name: str
    timestamp: float
    intent_name: str | None
    action_name: str | None
    data: str | None


#: actions that only mark a turn's or a session's boundary: the report needs none of them
BOUNDARY_ACTIONS = ("action_listen", "action_session_start")


def _wanted() -> sa.sql.ColumnElement:
    """The events the report reads: user and bot messages, actions run, the plan form's slots and activation.

    Left out (about half of a store): action_listen and session starts (a turn ends at the next message),
    user_featurization, session_started and every other slot.
    """
    c = events.c
    return sa.or_(c.type_name.in_(("user", "bot", "active_loop")),
                  sa.and_(c.type_name == "action", c.action_name.notin_(BOUNDARY_ACTIONS)),
                  sa.and_(c.type_name == "slot", c.action_name.in_(PLAN_SLOTS)))


def count_events(engine: sa.engine.Engine, since: float | None) -> int:
    """How many events the report reads from `since` on (all when None)."""
    query = sa.select(sa.func.count()).select_from(events).where(_wanted())
    if since is not None:
        query = query.where(events.c.timestamp >= since)
    with engine.connect() as connection:
        return int(connection.execute(query).scalar() or 0)


def read_events(engine: sa.engine.Engine, since: float | None, batch_size: int = BATCH_SIZE,
                progress: Callable[[int], None] | None = None) -> Iterator[tuple]:
    """The events the report needs (`_wanted`) stored at or after `since`, in stored order, `batch_size` at a
    time, as plain tuples of Row's fields (`data` only for user, bot and slot events)."""
    c = events.c
    data = sa.case((c.type_name.in_(("user", "bot", "slot")), c.data), else_=sa.null())
    query = (sa.select(c.id, c.sender_id, c.type_name, c.timestamp, c.intent_name, c.action_name, data)
             .where(c.id > sa.bindparam("last", 0, type_=sa.Integer), _wanted()).order_by(c.id).limit(batch_size))
    if since is not None:
        query = query.where(c.timestamp >= sa.bindparam("since", 0.0, type_=sa.Float))
    compiled = query.compile(dialect=engine.dialect, compile_kwargs={"render_postcompile": True})
    sql = str(compiled)

    def parameters(last: int) -> Any:
        values = dict(compiled.params, last=last, since=since)
        if compiled.positional:
            return tuple(values[name] for name in compiled.positiontup)
        return values

    last = -1
    # The DBAPI cursor directly: SQLAlchemy's row objects cost more than the report's own work per event.
    connection = engine.raw_connection()
    try:
        while True:
            cursor = connection.cursor()
            try:
                cursor.execute(sql, parameters(last))
                batch = cursor.fetchall()
            finally:
                cursor.close()
            connection.rollback()  # end the read transaction between batches: no long snapshot held
            if not batch:
                return
            yield from batch
            last = batch[-1][0]
            if progress is not None:
                progress(len(batch))
            if len(batch) < batch_size:
                return
    finally:
        connection.close()


class Progress:
    """A progress bar on stderr when it is a terminal (tqdm); silent otherwise."""

    def __init__(self, total: int, description: str, enabled: bool | None = None) -> None:
        self._bar: Any = None
        if enabled is None:
            enabled = sys.stderr.isatty()
        if enabled:
            from tqdm import tqdm

            self._bar = tqdm(total=total, desc=description, unit=" events", unit_scale=True, file=sys.stderr)

    def __call__(self, done: int) -> None:
        """Advance by `done` events."""
        if self._bar is not None:
            self._bar.update(done)

    def close(self) -> None:
        """Finish the bar."""
        if self._bar is not None:
            self._bar.close()


# ------------------------------------------------------------------ retention
@dataclass(frozen=True)
class RetentionPlan:
    """What `--retention` would delete: whole old conversations, and the old sessions of ongoing ones."""

    cutoff: float
    old_senders: int  # conversations whose every event is older than the cutoff
    trimmed_senders: int  # ongoing conversations whose sessions that ended before the cutoff go
    events: int  # events deleted in all
    _trim: tuple[tuple[str, int], ...] = ()  # (sender_id, first id kept)


def plan_retention(engine: sa.engine.Engine, cutoff: float) -> RetentionPlan:
    """What deleting everything older than `cutoff` means, without deleting anything.

    A conversation whose newest event is older than the cutoff goes entirely. In a conversation that is still
    going, the sessions (from one `action_session_start` to the next) that ended before the cutoff go; the
    session the cutoff falls into is kept whole, so that Rasa still reads a consistent conversation.
    """
    c = events.c
    per_sender = (sa.select(c.sender_id, sa.func.min(c.timestamp).label("first"),
                            sa.func.max(c.timestamp).label("last"), sa.func.count().label("n"))
                  .group_by(c.sender_id).subquery())
    with engine.connect() as connection:
        old = connection.execute(sa.select(sa.func.count(), sa.func.coalesce(sa.func.sum(per_sender.c.n), 0))
                                 .where(per_sender.c.last < cutoff)).one()
        mixed = connection.execute(sa.select(per_sender.c.sender_id)
                                   .where(per_sender.c.first < cutoff, per_sender.c.last >= cutoff)).scalars().all()
        trim: list[tuple[str, int]] = []
        trimmed_events = 0
        for sender_id in mixed:
            first_new = connection.execute(sa.select(sa.func.min(c.id)).where(
                c.sender_id == sender_id, c.timestamp >= cutoff)).scalar()
            start = connection.execute(sa.select(sa.func.max(c.id)).where(
                c.sender_id == sender_id, c.id <= first_new, c.type_name == "action",
                c.action_name == "action_session_start")).scalar()
            if start is None:
                continue
            gone = connection.execute(sa.select(sa.func.count()).where(
                c.sender_id == sender_id, c.id < start)).scalar()
            if gone:
                trim.append((sender_id, start))
                trimmed_events += gone
    return RetentionPlan(cutoff, int(old[0]), len(trim), int(old[1]) + trimmed_events, tuple(trim))


def apply_retention(engine: sa.engine.Engine, plan: RetentionPlan) -> int:
    """Delete what `plan` names (in one transaction); the number of events deleted."""
    c = events.c
    old_senders = (sa.select(c.sender_id).group_by(c.sender_id)
                   .having(sa.func.max(c.timestamp) < plan.cutoff).scalar_subquery())
    deleted = 0
    with engine.begin() as connection:
        deleted += connection.execute(sa.delete(events).where(c.sender_id.in_(old_senders))).rowcount or 0
        for sender_id, first_kept in plan._trim:
            deleted += connection.execute(sa.delete(events).where(c.sender_id == sender_id,
                                                                  c.id < first_kept)).rowcount or 0
    return deleted


def now() -> float:
    """The current time as a Unix timestamp (the unit of the events' timestamp column)."""
    return time.time()
