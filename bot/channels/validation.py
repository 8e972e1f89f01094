"""The one input check every channel runs on a user's message (REST, socket.io, Slack, the shell).

    from bot.channels.validation import InvalidMessage, check_message

    try:
        text = check_message(raw)          # the cleaned text to hand to Rasa
    except InvalidMessage as bad:
        reply(bad.reply)                   # a polite sentence for the user (bad.code names the problem)

What it checks, in order:
- type: the message must be a string (``not_text``);
- text that is not valid Unicode (lone surrogates) is refused (``invalid_text``);
- length: at most ``max_message_chars()`` characters, one setting for every channel: the environment variable
  CAREERBOT_MAX_MESSAGE_CHARS, default 2,000 (``too_long``);
- control characters (C0, DEL and C1, except tab and newline) become spaces, never reach NLU or the logs;
- empty or blank text (``blank``), answered like the domain's utter_default;
- ``/``-commands (Rasa's ``/intent{"entity": "value"}`` syntax, what buttons send): at most
  MAX_COMMAND_CHARS characters, an intent name of letters, digits and ``_``, entities as a flat JSON object
  of strings/numbers, and, when the channel passes the domain's intents, a known intent (``bad_command``).

It never imports Rasa, so any channel (and the shell before Rasa loads) can use it.
"""
from __future__ import annotations

import json
import os
import re

MAX_MESSAGE_CHARS_ENV = "CAREERBOT_MAX_MESSAGE_CHARS"
DEFAULT_MAX_MESSAGE_CHARS = 2000
MAX_COMMAND_CHARS = 300
COMMAND_PREFIX = "/"

BLANK_REPLY = "Sorry, I didn't catch that. Could you rephrase?"
NOT_TEXT_REPLY = "Sorry, I can only read text messages."
INVALID_TEXT_REPLY = "Sorry, your message contains characters I can't read. Could you type it again?"
BAD_COMMAND_REPLY = "Sorry, I don't know that command. Ask me a question in your own words instead."

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_COMMAND = re.compile(r"/(?P<intent>[A-Za-z_][A-Za-z0-9_]{0,80})(?P<entities>\{.*\})?(?:@[0-9.]+)?", re.DOTALL)


class InvalidMessage(Exception):
    """A message a channel must not pass on: `code` names the problem, `reply` is the sentence for the user,
    `status` the HTTP status a web channel answers with (200 when the reply itself is the answer)."""

    def __init__(self, code: str, reply: str, status: int = 400) -> None:
        super().__init__(code, reply, status)
        self.code, self.reply, self.status = code, reply, status

    def __str__(self) -> str:
        return f"{self.code}: {self.reply}"


def max_message_chars() -> int:
    """The length cap of a user's message: CAREERBOT_MAX_MESSAGE_CHARS, default 2,000 (at least 1)."""
    raw = os.environ.get(MAX_MESSAGE_CHARS_ENV, "").strip()
    if not raw:
        return DEFAULT_MAX_MESSAGE_CHARS
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(f"{MAX_MESSAGE_CHARS_ENV}={raw!r} is not a whole number of characters") from None
    if value < 1:
        raise ValueError(f"{MAX_MESSAGE_CHARS_ENV}={raw!r} must be at least 1")
    return value


def too_long_reply(limit: int) -> str:
    """The polite answer to a message over `limit` characters."""
    return f"Sorry, that message is too long for me: please keep it under {limit:,} characters."


def _check_command(text: str, intents: frozenset[str] | set[str] | None) -> None:
    """Raise InvalidMessage unless `text` is a well-formed, short `/intent{...}` command (of a known intent)."""
    bad = InvalidMessage("bad_command", BAD_COMMAND_REPLY)
    if len(text) > MAX_COMMAND_CHARS:
        raise bad
    match = _COMMAND.fullmatch(text)
    if match is None:
        raise bad
    if intents is not None and match["intent"] not in intents:
        raise bad
    if match["entities"]:
        try:
            entities = json.loads(match["entities"])
        except ValueError:
            raise bad from None
        if not isinstance(entities, dict) or not all(
                isinstance(key, str) and isinstance(value, (str, int, float)) and not isinstance(value, bool)
                for key, value in entities.items()):
            raise bad


def check_message(value: object, *, max_chars: int | None = None,
                  intents: frozenset[str] | set[str] | None = None) -> str:
    """The message's text, cleaned (control characters made spaces, outer whitespace stripped), or
    InvalidMessage naming the problem with a polite reply. `max_chars` defaults to max_message_chars();
    `intents`, when given, are the only intents a `/`-command may name."""
    if not isinstance(value, str):
        raise InvalidMessage("not_text", NOT_TEXT_REPLY)
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidMessage("invalid_text", INVALID_TEXT_REPLY) from None
    limit = max_message_chars() if max_chars is None else max_chars
    if len(value) > limit:
        raise InvalidMessage("too_long", too_long_reply(limit), status=413)
    text = _CONTROL.sub(" ", value).strip()
    if not text:
        raise InvalidMessage("blank", BLANK_REPLY, status=200)
    if text.startswith(COMMAND_PREFIX):
        _check_command(text, intents)
    return text
