"""careerbot's REST channel: Rasa's REST channel (same URL, same reply format) that checks its input, reports
its health and never fails silently. Registered in credentials.yml as `bot.channels.rest.RestInput:`.

POST /webhooks/rest/webhook {"sender": "...", "message": "..."} answers 200 with the bot's messages, as
Rasa's channel does. What differs:
- a body that is not a JSON object, a missing or malformed sender or message, or a metadata that is not an
  object: 400 with {"error": ..., "message": ...}; a message over the length cap (bot.channels.validation,
  CAREERBOT_MAX_MESSAGE_CHARS, default 2,000 characters): 413.
  (Rasa's channel answers 500 to some of these and silence to others.)
- every message goes through bot.channels.validation, the check all channels share: an empty or blank
  message gets the domain's utter_default ("Sorry, I didn't catch that...") and so does a message the bot
  handled without a word (e.g. "/restart" while the domain has no utter_restart); a malformed or unknown
  `/`-command gets a polite reply; control characters in a message become spaces; text with lone surrogates
  (invalid Unicode) is refused with 400.
- the conversation id is `rest:<sender>` (`rest:sha256:<digest>` for a sender too long to fit): a client of
  this channel can never reach a conversation of another channel (socket.io's are `web:...`, Slack's carry
  no prefix; docs/security.md); and its input channel is always `rest`, whatever the body's `input_channel`.
- on any interface but loopback the channel requires `Authorization: Bearer $CAREERBOT_REST_TOKEN` (401
  without it) and the server refuses to start when the token is unset; with the token set it is always
  required. On 127.0.0.1 without a token it stays open for local tools, the tests and the bench.
- a failure while handling the message is no longer hidden behind an empty 200: 503 when the conversation
  store, the lock store or the model is unavailable, 500 for anything else; both are logged.
GET /webhooks/rest/ reports the health of the model, tracker store, lock store and action server
(200 ok/degraded, 503 failing). The safeguards behind it (polite answer when the action server is down, no
silent in-memory tracker store) are installed for every channel by bot.rasa_plugins.patches.
"""
from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import logging
import os
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

from bot.channels.validation import InvalidMessage, check_message, max_message_chars
from bot.rasa_plugins import safeguards

logger = logging.getLogger(__name__)

SENDER_PREFIX = "rest:"
MAX_SENDER_CHARS = 255  # the SQL tracker store's sender_id column
TOKEN_ENV = "CAREERBOT_REST_TOKEN"
DEFAULT_RESPONSE = "utter_default"
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
    if len(message) > max_message_chars():
        raise BadRequest(413, "message_too_long", check_error(message).reply)
    input_channel = body.get("input_channel")
    if input_channel is not None and not isinstance(input_channel, str):
        raise BadRequest(400, "invalid_input_channel", '"input_channel" must be a string.')
    metadata = body.get("metadata")
    if metadata is not None and not isinstance(metadata, dict):
        raise BadRequest(400, "invalid_metadata", '"metadata" must be a JSON object.')
    return sender, message, input_channel, metadata


def conversation_id(sender: str) -> str:
    """The conversation id of a REST sender: `rest:<sender>`, or, when that would not fit the tracker store's
    255 characters, `rest:sha256:<hex digest of the sender>`."""
    if len(SENDER_PREFIX) + len(sender) <= MAX_SENDER_CHARS:
        return SENDER_PREFIX + sender
    return SENDER_PREFIX + "sha256:" + hashlib.sha256(sender.encode("utf-8")).hexdigest()


def check_error(message: str, intents: set[str] | None = None) -> InvalidMessage:
    """The validator's verdict on a message it refuses (for building the reply)."""
    try:
        check_message(message, intents=intents)
    except InvalidMessage as bad:
        return bad
    raise ValueError("the message is valid")


def _loopback(address: str) -> bool:
    try:
        return ipaddress.ip_address(address.strip("[]")).is_loopback
    except ValueError:
        return address == "localhost"


def authorized(request: Request) -> bool:
    """Whether a request may use the channel: always on loopback without CAREERBOT_REST_TOKEN; otherwise only
    with `Authorization: Bearer <token>`."""
    token = os.environ.get(TOKEN_ENV, "")
    if not token:
        sockname = getattr(request.conn_info, "sockname", None) if request.conn_info else None
        return bool(sockname) and isinstance(sockname, tuple) and _loopback(str(sockname[0]))
    given = request.headers.get("authorization", "")
    scheme, _, value = given.partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(value.strip().encode("utf-8", "replace"),
                                                              token.encode("utf-8"))


def require_token_off_loopback(host: str) -> None:
    """Refuse to serve REST on a non-loopback interface without CAREERBOT_REST_TOKEN (SystemExit)."""
    if host and not _loopback(host) and not os.environ.get(TOKEN_ENV):
        logger.error("The REST channel would be open to the network on %s without a token. Set %s (clients "
                     "send 'Authorization: Bearer <token>') or serve on 127.0.0.1.", host, TOKEN_ENV)
        raise SystemExit(2)


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

        @bp.listener("before_server_start")
        async def refuse_open_network(app: Any, _loop: Any) -> None:
            require_token_off_loopback(str(getattr(app.state, "host", "") or ""))

        @bp.listener("before_server_stop")
        async def close_connections(app: Any, _loop: Any) -> None:
            await safeguards.shutdown(getattr(app.ctx, "agent", None))

        @bp.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            agent = getattr(request.app.ctx, "agent", None)
            status, report = await safeguards.health(agent)
            if status != 200:
                logger.error("Health check failing: %s", report)
            return response.json(report, status=status)

        @bp.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> Any:
            if not authorized(request):
                return error_response(401, "unauthorized", f"This channel needs 'Authorization: Bearer "
                                                           f"<{TOKEN_ENV}>'.")
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
            domain = getattr(agent, "domain", None)
            try:
                text = check_message(text, intents=set(domain.intents) if domain is not None else None)
            except InvalidMessage as bad:
                if bad.code == "blank":
                    return response.json(default_reply(agent, sender))
                if bad.status == 200 or bad.code == "bad_command":
                    return response.json([{"recipient_id": sender, "text": bad.reply}])
                return error_response(bad.status, bad.code, bad.reply)
            client_sender, sender = sender, conversation_id(sender)
            # The body's input_channel is checked but not believed: a REST client must not pass as Slack (whose
            # answers mention Slack users) or as any other channel.
            input_channel = self.name()
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
                return response.json(default_reply(agent, client_sender))
            return response.json([{**message, "recipient_id": client_sender} for message in collector.messages])

        return bp
