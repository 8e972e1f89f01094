"""A small synthetic tracker store for the insights unit tests: events shaped as careerbot's tracker store
writes them (type, timestamp, intent and action columns, and the event's JSON)."""
from __future__ import annotations

import json
from pathlib import Path

import sqlalchemy as sa

from bot.insights import store

DAY = 86400.0
BASE = 1_780_000_000.0  # 2026-05-28 20:26:40 UTC


class Conversation:
    """Builds one sender's events; `rows` are (sender_id, type_name, timestamp, intent, action, data JSON)."""

    def __init__(self, sender: str, start: float, channel: str = "rest") -> None:
        self.sender = sender
        self.t = start
        self.channel = channel
        self.rows: list[tuple] = []
        self._event("action", {"name": "action_session_start"}, action="action_session_start")
        self._event("session_started", {})
        self._event("action", {"name": "action_listen"}, action="action_listen")

    def _event(self, kind: str, data: dict, intent: str | None = None, action: str | None = None,
               step: float = 0.01) -> None:
        self.t += step
        self.rows.append((self.sender, kind, self.t, intent, action,
                          json.dumps({"event": kind, "timestamp": self.t, **data})))

    def user(self, text: str, intent: str, confidence: float = 0.95, entities: dict | None = None,
             ranking: tuple[str, ...] = (), after: float = 10.0) -> Conversation:
        """A user message `after` seconds after the last event."""
        parse = {"intent": {"name": intent, "confidence": confidence},
                 "entities": [{"entity": k, "value": v} for k, v in (entities or {}).items()],
                 "intent_ranking": [{"name": intent, "confidence": confidence}]
                 + [{"name": name, "confidence": 0.01} for name in ranking], "text": text}
        self._event("user", {"text": text, "parse_data": parse, "input_channel": self.channel}, intent=intent,
                    step=after)
        self._event("user_featurization", {"use_text_for_featurization": False})
        return self

    def act(self, *names: str, latency: float = 0.25) -> Conversation:
        """Actions run for the last message; a name starting with utter_ also records its bot message. Ends
        with action_listen."""
        first = True
        for name in names:
            self._event("action", {"name": name}, action=name)
            if name.startswith("utter_") or name.startswith("action_"):
                metadata = {"utter_action": name} if name.startswith("utter_") else {}
                self._event("bot", {"text": f"reply of {name}", "metadata": metadata},
                            step=latency if first else 0.01)
                first = False
        self._event("action", {"name": "action_listen"}, action="action_listen")
        return self

    def action(self, name: str) -> Conversation:
        """One action event, no message."""
        self._event("action", {"name": name}, action=name)
        return self

    def listen(self) -> Conversation:
        """action_listen: the end of the turn."""
        return self.action("action_listen")

    def bot_says(self, response: str) -> Conversation:
        """A bot message uttering `response` (as a custom action does), without ending the turn."""
        self._event("bot", {"text": f"reply of {response}", "metadata": {"utter_action": response}})
        return self

    def slot(self, name: str, value: object) -> Conversation:
        """A slot event."""
        self._event("slot", {"name": name, "value": value}, action=name)
        return self

    def loop(self, name: str | None) -> Conversation:
        """An active_loop event."""
        self._event("active_loop", {"name": name}, action=name)
        return self


def write_store(path: Path, conversations: list[Conversation], interleave: bool = True) -> str:
    """Create the events table at `path` (SQLite) and write the conversations; the store's URL.

    With `interleave`, rows of different conversations are written in timestamp order, as a live bot would."""
    return write_store_url(f"sqlite:///{path}", conversations, interleave)


def write_store_url(url: str, conversations: list[Conversation], interleave: bool = True) -> str:
    """Create (afresh) the events table in the database at `url` and write the conversations; `url`."""
    engine = sa.create_engine(url, future=True)
    store.metadata.drop_all(engine)
    store.metadata.create_all(engine)
    rows = [row for conversation in conversations for row in conversation.rows]
    if interleave:
        rows.sort(key=lambda row: row[2])
    with engine.begin() as connection:
        connection.execute(store.events.insert(), [
            dict(zip(("sender_id", "type_name", "timestamp", "intent_name", "action_name", "data"), row))
            for row in rows])
    engine.dispose()
    return url
