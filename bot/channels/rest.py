"""careerbot's REST channel: Rasa's REST channel (same URL, same reply format) that checks its input, reports
its health and never fails silently. Registered in credentials.yml as `bot.channels.rest.RestInput:`.

POST /webhooks/rest/webhook {"sender": "...", "message": "..."} answers 200 with the bot's messages, as
Rasa's channel does. What differs:
- a body that is not a JSON object, a missing or malformed sender or message, or a metadata that is not an
  object: 400 with {"error": ..., "message": ...}; a message over MAX_MESSAGE_CHARS characters: 413.
  (Rasa's channel answers 500 to some of these and silence to others.)
- an empty or blank message gets the domain's utter_default ("Sorry, I didn't catch that...") instead of
  the NLU pipeline's crash, and so does a message the bot handled without a word (e.g. "/restart" while the
  domain has no utter_restart); control characters in a message become spaces; text with lone surrogates
  (invalid Unicode) is refused with 400.
- a failure while handling the message is no longer hidden behind an empty 200: 503 when the conversation
  store, the lock store or the model is unavailable, 500 for anything else; both are logged.
GET /webhooks/rest/ reports the health of the model, tracker store, lock store and action server
(200 ok/degraded, 503 failing). The safeguards behind it (polite answer when the action server is down, no
silent in-memory tracker store) are installed for every channel by bot.rasa_plugins.patches.
"""
from __future__ import annotations

import json
import logging
import re
from asyncio import CancelledError
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput as RasaRestInput
from rasa.core.lock_store import LockError
from rasa.utils.endpoints import bool_arg
from redis.exceptions import RedisError
from sanic import Blueprint, response
from sanic.exceptions import SanicException
from sanic.request import Request
from sanic.response import HTTPResponse
from sqlalchemy.exc import SQLAlchemyError

from bot.rasa_plugins import safeguards

logger = logging.getLogger(__name__)

MAX_MESSAGE_CHARS = 5000
MAX_SENDER_CHARS = 255  # the SQL tracker store's sender_id column
DEFAULT_RESPONSE = "utter_default"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SENDER_FORBIDDEN = re.compile(r"[\x00-\x1f\x7f]")


class BadRequest(Exception):
    """A request the channel refuses: HTTP status, error code and a sentence for people."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def error_response(status: int, code: str, message: str) -> HTTPResponse:
    """A JSON error: {"error": code, "message": sentence}."""
    return response.json({"error": code, "message": message}, status=status)


def _store_error(error: BaseException) -> bool:
    """True for errors that mean the conversation store or the lock store is unreachable."""
    return isinstance(error, (SQLAlchemyError, RedisError, LockError, OSError))


def parse_request(body: Any) -> tuple[str, str, str | None, dict | None]:
    """Check a webhook body: (sender, message, input_channel, metadata), or raise BadRequest."""
    if not isinstance(body, dict):
        raise BadRequest(400, "invalid_body", 'The body must be a JSON object: {"sender": ..., "message": ...}.')
    try:  # JSON can smuggle in lone surrogates (\\ud800), which no database or log can store
        json.dumps(body, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        raise BadRequest(400, "invalid_text", "The body contains text that is not valid Unicode.") from None
    sender = body.get("sender")
    if isinstance(sender, int) and not isinstance(sender, bool):
        sender = str(sender)
    if not isinstance(sender, str) or not sender.strip():
        raise BadRequest(400, "invalid_sender", '"sender" must be a non-empty string identifying the user.')
    if len(sender) > MAX_SENDER_CHARS or _SENDER_FORBIDDEN.search(sender):
        raise BadRequest(400, "invalid_sender",
                         f'"sender" must be at most {MAX_SENDER_CHARS} characters, without control characters.')
    message = body.get("message")
    if not isinstance(message, str):
        raise BadRequest(400, "invalid_message", '"message" must be a string.')
    if len(message) > MAX_MESSAGE_CHARS:
        raise BadRequest(413, "message_too_long",
                         f"Sorry, that message is too long for me: please keep it under {MAX_MESSAGE_CHARS} "
                         "characters.")
    input_channel = body.get("input_channel")
    if input_channel is not None and not isinstance(input_channel, str):
        raise BadRequest(400, "invalid_input_channel", '"input_channel" must be a string.')
    metadata = body.get("metadata")
    if metadata is not None and not isinstance(metadata, dict):
        raise BadRequest(400, "invalid_metadata", '"metadata" must be a JSON object.')
    return sender, _CONTROL.sub(" ", message), input_channel, metadata


def default_reply(agent: Any, sender: str) -> list[dict[str, Any]]:
    """The domain's utter_default as the channel's reply (for a blank message)."""
    domain = getattr(agent, "domain", None)
    variants = (domain.responses.get(DEFAULT_RESPONSE) if domain is not None else None) or []
    text = next((v["text"] for v in variants if v.get("text")), "Sorry, I didn't catch that. Could you rephrase?")
    return [{"recipient_id": sender, "text": text}]


class RestInput(RasaRestInput):
    """Rasa's REST channel with input checks, a health report and visible failures (see module docstring)."""

    @classmethod
    def name(cls) -> str:
        """The channel's name, and so its URL: /webhooks/rest/."""
        return "rest"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """The channel's routes: GET / (health) and POST /webhook."""
        bp = Blueprint("careerbot_rest", __name__)

        @bp.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            agent = getattr(request.app.ctx, "agent", None)
            status, report = await safeguards.health(agent)
            if status != 200:
                logger.error("Health check failing: %s", report)
            return response.json(report, status=status)

        @bp.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> Any:
            try:
                body = request.json
            except (SanicException, ValueError, RecursionError):  # RecursionError: absurdly nested JSON
                return error_response(400, "invalid_json", "The body is not valid JSON.")
            try:
                sender, text, input_channel, metadata = parse_request(body)
            except BadRequest as bad:
                return error_response(bad.status, bad.code, bad.message)
            agent = getattr(request.app.ctx, "agent", None)
            if agent is None or not agent.is_ready():
                return error_response(503, "not_ready", "The bot is starting or has no model; try again soon.")
            if not text.strip():
                return response.json(default_reply(agent, sender))
            input_channel = input_channel or self.name()
            if bool_arg(request, "stream", default=False):
                return response.stream(
                    self.stream_response(on_new_message, text, sender, input_channel, metadata),
                    content_type="text/event-stream")
            collector = CollectingOutputChannel()
            try:
                await on_new_message(UserMessage(text, collector, sender, input_channel=input_channel,
                                                 metadata=metadata))
            except CancelledError:
                logger.error("Timed out handling a message from %r", sender)
                return error_response(503, "timeout", "Sorry, I'm too busy to answer right now; please retry.")
            except Exception as error:  # logged, and answered with a status that says what happened
                if _store_error(error):
                    logger.error("Conversation store unavailable while handling a message from %r: %s: %s",
                                 sender, type(error).__name__, error)
                    return error_response(503, "store_unavailable",
                                          "Sorry, I can't keep track of our conversation right now; please "
                                          "try again in a moment.")
                logger.exception("Failed to handle a message from %r", sender)
                return error_response(500, "internal_error", "Sorry, something went wrong on my side.")
            if not collector.messages:
                # e.g. "/restart" when the domain has no utter_restart: never leave the user in silence
                logger.warning("No reply to %r from %r; answering %s", text[:80], sender, DEFAULT_RESPONSE)
                return response.json(default_reply(agent, sender))
            return response.json(collector.messages)

        return bp
