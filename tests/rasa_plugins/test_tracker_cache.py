"""bot.rasa_plugins.stores.TrackerStore keeps saved trackers in memory: it must read exactly what Rasa's own
SQLTrackerStore reads, write each event once, and notice every change made by someone else."""
from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.rasa_plugins.stores import TrackerCache, TrackerStore
from e2e.harness import REPO_ROOT

DOMAIN = Domain.load(str(REPO_ROOT / "bot" / "domain.yml"))


def run(coroutine: Any) -> Any:
    return asyncio.run(coroutine)


@pytest.fixture
def db(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'tracker.db'}"


def store(url: str) -> TrackerStore:
    return TrackerStore(domain=DOMAIN, host=url)


def turn(text: str, role: str | None = None) -> list[Any]:
    events: list[Any] = [UserUttered(text, {"name": "ask_path", "confidence": 1.0})]
    if role:
        events.append(SlotSet("role", role))
    return events + [ActionExecuted("action_show_path"), BotUttered(f"answer to {text}"),
                     ActionExecuted("action_listen")]


def new_tracker(sender: str) -> DialogueStateTracker:
    tracker = DialogueStateTracker(sender, DOMAIN.slots)
    for event in [ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen")]:
        tracker.update(event)
    return tracker


def rows(url: str, sender: str) -> int:
    with sqlite3.connect(url[len("sqlite:///"):]) as connection:
        return connection.execute("SELECT count(*) FROM events WHERE sender_id = ?", (sender,)).fetchone()[0]


PRE_SESSION = 1  # new_tracker's action_session_start: stored, but before the session Rasa reads


def rasa_view(url: str, sender: str) -> list[dict[str, Any]] | None:
    """What Rasa's own SQLTrackerStore reads for `sender`."""
    tracker = run(SQLTrackerStore(domain=DOMAIN, host=url).retrieve(sender))
    return None if tracker is None else [event.as_dict() for event in tracker.events]


def add(tracker: DialogueStateTracker, events: list[Any]) -> None:
    for event in events:
        tracker.update(event)


def test_a_saved_tracker_is_handed_back_and_each_event_written_once(db: str) -> None:
    careerbot = store(db)
    tracker = new_tracker("u1")
    add(tracker, turn("first"))
    run(careerbot.save(tracker))
    for number in range(3):
        again = run(careerbot.retrieve("u1"))
        assert again is tracker  # served from memory
        add(again, turn(f"turn {number}", role="engineering manager"))
        run(careerbot.save(again))
    assert rows(db, "u1") == len(tracker.events) + PRE_SESSION
    assert rasa_view(db, "u1") == [event.as_dict() for event in tracker.events]
    assert run(careerbot.retrieve("u1")).get_slot("role") == "engineering manager"


def test_a_conversation_written_by_another_server_is_read_again(db: str) -> None:
    server_a, server_b = store(db), store(db)
    tracker = new_tracker("u2")
    add(tracker, turn("on A"))
    run(server_a.save(tracker))
    on_b = run(server_b.retrieve("u2"))
    add(on_b, turn("on B", role="cto"))
    run(server_b.save(on_b))
    back_on_a = run(server_a.retrieve("u2"))
    assert back_on_a is not tracker
    assert [e.as_dict() for e in back_on_a.events] == rasa_view(db, "u2")
    assert back_on_a.get_slot("role") == "cto"
    add(back_on_a, turn("on A again"))
    run(server_a.save(back_on_a))
    assert rows(db, "u2") == len(rasa_view(db, "u2")) + PRE_SESSION == len(back_on_a.events) + PRE_SESSION


def test_changes_that_were_not_saved_are_dropped(db: str) -> None:
    careerbot = store(db)
    tracker = new_tracker("u3")
    add(tracker, turn("saved"))
    run(careerbot.save(tracker))
    lent = run(careerbot.retrieve("u3"))
    add(lent, turn("never saved", role="cto"))  # e.g. the processing failed before the save
    fresh = run(careerbot.retrieve("u3"))
    assert fresh is not lent
    assert [e.as_dict() for e in fresh.events] == rasa_view(db, "u3")
    assert fresh.get_slot("role") is None


def test_a_tracker_is_lent_to_one_caller_at_a_time(db: str) -> None:
    careerbot = store(db)
    tracker = new_tracker("u4")
    add(tracker, turn("x"))
    run(careerbot.save(tracker))
    first, second = run(careerbot.retrieve("u4")), run(careerbot.retrieve("u4"))
    assert first is tracker and second is not tracker
    assert [e.as_dict() for e in second.events] == [e.as_dict() for e in first.events]
    add(second, turn("from the second caller"))
    run(careerbot.save(second))  # the second caller's tracker is now the one kept
    add(first, turn("from the first caller"))
    run(careerbot.save(first))  # not the kept one: counted the way Rasa counts, nothing written twice
    assert rows(db, "u4") == len(rasa_view(db, "u4")) + PRE_SESSION


def test_a_new_session_is_read_from_the_database_as_rasa_reads_it(db: str) -> None:
    careerbot = store(db)
    tracker = new_tracker("u5")
    add(tracker, turn("old session"))
    run(careerbot.save(tracker))
    first_session = len(tracker.events) + PRE_SESSION
    tracker = run(careerbot.retrieve("u5"))
    add(tracker, [ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen"),
                  *turn("new session")])
    run(careerbot.save(tracker))
    again = run(careerbot.retrieve("u5"))
    assert again is not tracker  # two sessions: not kept
    assert [e.as_dict() for e in again.events] == rasa_view(db, "u5")
    assert rows(db, "u5") == first_session + len(again.events) + 1  # + the new action_session_start


def test_unknown_conversations_and_a_deleted_history(db: str) -> None:
    careerbot = store(db)
    assert run(careerbot.retrieve("nobody")) is None
    tracker = new_tracker("u6")
    add(tracker, turn("x"))
    run(careerbot.save(tracker))
    with sqlite3.connect(db[len("sqlite:///"):]) as connection:
        connection.execute("DELETE FROM events WHERE sender_id = 'u6'")
    assert run(careerbot.retrieve("u6")) is None


def test_the_cache_keeps_the_most_recent_conversations() -> None:
    cache = TrackerCache(size=2)
    trackers = [new_tracker(f"s{i}") for i in range(3)]
    for number, tracker in enumerate(trackers, start=1):
        cache.lend(tracker.sender_id, tracker, number)
        cache.keep(tracker, number)
    assert len(cache) == 2
    assert cache.take("s0", 1) is None
    assert cache.take("s2", 3) is trackers[2]
    assert cache.take("s1", 99) is None  # the database moved on


def test_sqlite_runs_in_wal_mode(db: str) -> None:
    careerbot = store(db)
    with careerbot.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL
