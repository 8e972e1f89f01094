"""Talking to a running bot over Rasa's REST channel as a user would, and checking what the user sees:
`RestChat`/`Conversation` (a reply or an HTTP error), `post` (any status code kept), text normalisation and
assertions on replies."""
from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass
from typing import Any

import requests

_PUNCTUATION = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-",
                              "\u2014": "-", "*": None, "\u00a0": " "})


def normalize(text: str) -> str:
    """Lower-case text with typographic quotes and dashes made plain, markdown stars dropped, spaces folded."""
    return re.sub(r"\s+", " ", text.translate(_PUNCTUATION)).strip().lower()


def message_text(messages: Any) -> str:
    """Every message's text and button titles, one per line, as a user would read them."""
    parts: list[str] = []
    for message in messages if isinstance(messages, (list, tuple)) else []:
        if message.get("text"):
            parts.append(message["text"])
        parts += [b.get("title", "") for b in message.get("buttons") or []]
    return "\n".join(parts)


@dataclass(frozen=True)
class Reply:
    """What the bot sent back for one user message."""

    question: str
    messages: tuple[dict, ...]

    @property
    def text(self) -> str:
        """Every message's text and button titles, one per line, as a user would read them."""
        return message_text(self.messages)

    @property
    def buttons(self) -> list[dict]:
        """All buttons offered in the reply."""
        return [b for message in self.messages for b in message.get("buttons") or []]

    def mentions(self, needle: str) -> bool:
        """True when the reply contains `needle` (case, quotes, dashes and markdown ignored)."""
        return normalize(needle) in normalize(self.text)


def assert_mentions(reply: Reply, *needles: str) -> None:
    """Fail unless the reply contains every needle, naming the missing ones and showing the reply."""
    missing = [n for n in needles if not reply.mentions(n)]
    assert not missing, f"asked {reply.question!r}; reply lacks {missing}; reply was:\n{reply.text}"


def assert_matches(reply: Reply, pattern: str) -> None:
    """Fail unless the normalized reply matches the regular expression `pattern`."""
    assert re.search(pattern, normalize(reply.text)), \
        f"asked {reply.question!r}; reply does not match /{pattern}/; reply was:\n{reply.text}"


_LEAKS = re.compile(r"Traceback|Exception|\bNone\b(?! of)|\{\w+\}")


def assert_polite(reply: Reply) -> None:
    """Fail when the reply is empty, or shows a traceback, a Python None or an unfilled {placeholder}."""
    assert reply.text.strip(), f"asked {reply.question!r}; the bot said nothing"
    leak = _LEAKS.search(reply.text)
    assert leak is None, f"asked {reply.question!r}; reply leaks {leak.group(0)!r}:\n{reply.text}"


class RestChat:
    """A client of Rasa's REST channel (POST /webhooks/rest/webhook)."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.webhook = f"{base_url}/webhooks/rest/webhook"

    def ask(self, sender: str, text: str) -> Reply:
        """Send `text` as `sender` and return the bot's reply (an HTTP error raises)."""
        response = requests.post(self.webhook, json={"sender": sender, "message": text}, timeout=60)
        response.raise_for_status()
        return Reply(text, tuple(response.json()))

    def conversation(self) -> Conversation:
        """A new conversation with a sender id of its own."""
        return Conversation(self, f"test-{uuid.uuid4().hex[:12]}")


@dataclass
class Conversation:
    """One user's conversation: every message goes out under the same sender id."""

    chat: RestChat
    sender: str

    def ask(self, text: str) -> Reply:
        """Send `text` in this conversation."""
        return self.chat.ask(self.sender, text)


@dataclass(frozen=True)
class Answer:
    """One HTTP answer of the webhook: status code and decoded JSON body (None if not JSON)."""

    status: int
    body: Any
    question: str = ""

    @property
    def messages(self) -> list[dict]:
        """The bot's messages (an empty list unless the body is a list)."""
        return self.body if isinstance(self.body, list) else []

    @property
    def text(self) -> str:
        """The messages' texts and button titles, one per line."""
        parts: list[str] = []
        for message in self.messages:
            parts += [message.get("text") or ""] + [b.get("title", "") for b in message.get("buttons") or []]
        return "\n".join(p for p in parts if p)


def post(url: str, data: bytes | str, headers: dict[str, str] | None = None, timeout: float = 120) -> Answer:
    """POST raw `data` to `url`; the answer keeps any status code."""
    response = requests.post(url, data=data, headers=headers or {"Content-Type": "application/json"},
                             timeout=timeout)
    try:
        body = response.json()
    except ValueError:
        body = None
    return Answer(response.status_code, body)


def ask_rest(webhook: str, sender: str, message: str, timeout: float = 120) -> Answer:
    """Send `message` as `sender` to the REST `webhook`; the answer keeps any status code."""
    answer = post(webhook, json.dumps({"sender": sender, "message": message}), timeout=timeout)
    return Answer(answer.status, answer.body, message)


def says(answer: Answer, *needles: str) -> bool:
    """True when the answer is a 200 whose text contains every needle (case and markdown ignored)."""
    return answer.status == 200 and all(normalize(n) in normalize(answer.text) for n in needles)


def describe(answer: Answer) -> str:
    """The answer for an assertion message."""
    return f"asked {answer.question!r}: HTTP {answer.status}, {json.dumps(answer.body)[:600]}"
