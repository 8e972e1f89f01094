"""Faults: the action server down, the knowledge base locked or missing, the tracker store or the lock store
unreachable. Users get a polite answer or a visible error (never silence), operators see it in the health
report and the log, and everything works again without a restart once the fault is gone."""
from __future__ import annotations

import os
import sqlite3
import uuid
from pathlib import Path

from sqlalchemy.orm import Session

from knowledge import queries as q
from reliability.stack import Bot, Services, ask, describe, health, says, wait_for


def sender(prefix: str) -> str:
    """A fresh conversation id."""
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def kb_file(bot: Bot) -> Path:
    """The SQLite file of the bot's knowledge base."""
    return Path(bot.env["CAREERBOT_DB_URL"].removeprefix("sqlite:///"))


def pmp_name(kb: Session) -> str:
    """The full name of PMP, which the answer to "what is PMP?" shows."""
    certification = q.certification(kb, "PMP")
    assert certification is not None
    return certification.name


def test_action_server_down_gets_a_polite_reply_and_recovers(solo: Bot, kb: Session,
                                                             domain_text: dict[str, str]) -> None:
    user = sender("actions-down")
    director = q.role(kb, "engineering director")
    assert says(ask(solo, user, "what does an engineering manager do?"), "engineering manager")
    solo.stop_actions()
    try:
        down = ask(solo, user, "and a director?")
        assert down.status == 200 and down.text == domain_text["utter_kb_unavailable"], describe(down)
        status, report = health(solo)
        assert status == 200 and report["status"] == "degraded", report
        assert report["action_server"].startswith("error"), report
        assert "The action server at" in solo.log_text() and "is unavailable" in solo.log_text()
    finally:
        solo.start_actions()
        solo.wait_actions()
    back = ask(solo, user, "and a director?")  # the same conversation, its topic still remembered
    assert says(back, director.name, director.summary[:60]), describe(back)
    assert health(solo)[1]["status"] == "ok"


def test_knowledge_base_locked_gets_a_polite_reply_and_recovers(solo: Bot, kb: Session,
                                                                domain_text: dict[str, str]) -> None:
    user = sender("kb-locked")
    lock = sqlite3.connect(kb_file(solo), timeout=5, isolation_level=None)
    try:
        lock.execute("BEGIN EXCLUSIVE")  # nobody else can read until we let go
        locked = ask(solo, user, "what is PMP?")
        assert locked.status == 200 and locked.text == domain_text["utter_kb_unavailable"], describe(locked)
    finally:
        lock.execute("ROLLBACK")
        lock.close()
    back = ask(solo, user, "what is PMP?")
    assert says(back, "PMP", pmp_name(kb)), describe(back)


def test_knowledge_base_missing_gets_a_polite_reply_and_recovers(solo: Bot, kb: Session,
                                                                 domain_text: dict[str, str]) -> None:
    user = sender("kb-missing")
    path = kb_file(solo)
    aside = path.with_suffix(".aside")
    os.replace(path, aside)
    try:
        missing = ask(solo, user, "what is PMP?")
        assert missing.status == 200 and missing.text == domain_text["utter_kb_unavailable"], describe(missing)
    finally:
        os.replace(aside, path)  # over the empty file SQLite made in its place
    back = ask(solo, user, "what is PMP?")
    assert says(back, "PMP", pmp_name(kb)), describe(back)


def test_tracker_store_down_is_visible_and_recovers(cluster: dict[str, Bot], services: Services,
                                                    kb: Session) -> None:
    a, b = cluster["a"], cluster["b"]
    user = sender("tracker-down")
    director = q.role(kb, "engineering director")
    assert says(ask(a, user, "what does an engineering manager do?"), "engineering manager")
    services.stop_postgres()
    try:
        down = ask(b, user, "and a director?")
        # Not an answer from a blank conversation kept in memory: an error the client can see and retry.
        assert down.status == 503 and down.body["error"] == "store_unavailable", describe(down)
        status, report = health(a)
        assert status == 503 and report["tracker_store"].startswith("error"), report
        assert "Conversation store unavailable" in b.log_text()
        assert "Health check failing" in a.log_text()
    finally:
        services.start_postgres()
    wait_for(lambda: health(a)[0] == 200 and health(b)[0] == 200, "both servers healthy again")
    back = ask(b, user, "and a director?")
    assert says(back, director.name, director.summary[:60]), describe(back)


def test_lock_store_down_is_visible_and_recovers(cluster: dict[str, Bot], services: Services,
                                                 domain_text: dict[str, str]) -> None:
    a = cluster["a"]
    user = sender("locks-down")
    services.stop_redis()
    try:
        down = ask(a, user, "hello")
        assert down.status == 503 and down.body["error"] == "store_unavailable", describe(down)
        status, report = health(a)
        assert status == 503 and report["lock_store"].startswith("error"), report
    finally:
        services.start_redis()
    wait_for(lambda: health(a)[0] == 200, "server a healthy again")
    back = ask(a, user, "hello")
    assert back.status == 200 and back.text == domain_text["utter_greet"], describe(back)
