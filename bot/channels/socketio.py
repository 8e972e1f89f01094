"""careerbot's socket.io channel (what the web widget talks to): Rasa's socket.io channel, closed to abuse.

Registered in credentials.yml as `bot.channels.socketio.CareerbotSocketIOInput:` (same URL and events as Rasa's
`socketio:`: /socket.io, `session_request`/`session_confirm`, `user_uttered`/`bot_uttered`). What differs:

- Every message goes through bot.channels.validation (type, length cap, control characters, blank text,
  `/`-commands); a refused message gets the polite reply as a `bot_uttered`, never silence.
- The engine.io and websocket payload limits follow the length cap (payload_limit()), so a huge message is
  dropped by the transport before it is read into a Python string.
- A malformed event or payload (wrong type, bad JSON, unknown event, binary packet, no session yet) gets an
  ERROR_EVENT {"error": code, "message": sentence} and one warning line in the log, never a traceback.
- Session ids: the server makes them (32 lowercase hex, the widget's format) and confirms them with a secret
  (an HMAC of the id under CAREERBOT_SESSION_KEY, random per process when unset). A socket resumes a session
  only by presenting its secret; otherwise it gets a new session, so no socket can join another's
  conversation by knowing its id. The conversation (tracker) id is `web:<session id>`: a channel prefix no
  other channel uses (see docs/security.md for the namespacing rule).
- Rate limits per session (messages) and per client IP (every event), token buckets configured with
  CAREERBOT_SOCKETIO_SESSION_RATE / CAREERBOT_SOCKETIO_IP_RATE as "N/SECONDS" (or credentials
  `session_rate` / `ip_rate`); over the limit a message is answered "please slow down".
- One answer is one `bot_uttered`: the turn's messages are collected and joined (paragraphs kept), the
  buttons attached to it, minus any that repeat the question just answered.
- CORS: exact origins from CAREERBOT_ALLOWED_ORIGINS (default http://127.0.0.1:$WEB_PORT, the `make web`
  demo page); a regex-looking entry refuses to start (docs/security.md).
- Websocket closes no longer log Sanic's "Invalid response type None": the engine.io route is marked as the
  websocket handler it is.
- Optional JWT (Rasa's `jwt_key`/`jwt_method`, or CAREERBOT_SOCKETIO_JWT_KEY): a connection must carry a
  valid token in its auth ({token: ...}); the decoded claims reach the actions as metadata["jwt"].
"""
from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import re
import secrets
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import rasa.core.channels.channel
from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, OutputChannel, UserMessage
from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from sanic import Blueprint, Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse
import engineio
from engineio.async_socket import AsyncSocket
from socketio import AsyncServer

from bot.channels.validation import BLANK_REPLY, InvalidMessage, check_message, max_message_chars

logger = logging.getLogger(__name__)

ERROR_EVENT = "careerbot_error"
SENDER_PREFIX = "web:"
SESSION_ID = re.compile(r"[0-9a-f]{32}")
ORIGINS_ENV = "CAREERBOT_ALLOWED_ORIGINS"
SESSION_KEY_ENV = "CAREERBOT_SESSION_KEY"
SESSION_RATE_ENV = "CAREERBOT_SOCKETIO_SESSION_RATE"
IP_RATE_ENV = "CAREERBOT_SOCKETIO_IP_RATE"
JWT_KEY_ENV = "CAREERBOT_SOCKETIO_JWT_KEY"
DEFAULT_SESSION_RATE = "8/10"  # 8 messages at once, then 8 per 10 s
DEFAULT_IP_RATE = "120/10"  # every event (connect, session_request, message) of one client address
SLOW_DOWN_REPLY = ("You're sending messages faster than I can read them. Please slow down and try again in a "
                   "few seconds.")
BUSY_REPLY = "Sorry, something went wrong on my side. Please try again in a moment."
_REGEX_CHARS = set("*\\]?$^[]()+|{}")


class ConfigError(ValueError):
    """A setting of the channel that cannot be used (message names the variable)."""


def allowed_origins() -> list[str]:
    """The origins allowed to open a socket: CAREERBOT_ALLOWED_ORIGINS (comma or space separated, exact
    `scheme://host[:port]`), default the `make web` demo page http://127.0.0.1:$WEB_PORT (8080)."""
    raw = os.environ.get(ORIGINS_ENV, "").replace(",", " ").split()
    if not raw:
        return [f"http://127.0.0.1:{os.environ.get('WEB_PORT', '8080')}"]
    origins = []
    for origin in raw:
        if origin == "*":
            logger.warning("%s=*: every web page may talk to the bot (not for production)", ORIGINS_ENV)
            return ["*"]
        parts = urlsplit(origin)
        if (_REGEX_CHARS & set(origin) or parts.scheme not in ("http", "https") or not parts.netloc
                or parts.path not in ("", "/") or parts.query or parts.fragment):
            raise ConfigError(f"{ORIGINS_ENV}: {origin!r} is not an exact origin like https://www.example.com "
                              "(no paths, wildcards or regular expressions: see docs/security.md)")
        origins.append(f"{parts.scheme}://{parts.netloc}")
    return origins


def payload_limit(max_chars: int | None = None) -> int:
    """The largest engine.io/websocket payload in bytes: a message at the cap, each character as a JSON
    escape (6 bytes), plus 4 KB for the event's other fields."""
    return 6 * (max_message_chars() if max_chars is None else max_chars) + 4096


@dataclass
class Rate:
    """A token bucket: `burst` events at once, refilled at burst/seconds per second."""

    burst: int
    seconds: float

    @classmethod
    def parse(cls, text: str, setting: str) -> Rate | None:
        """'N/SECONDS' as a Rate; 'off' as None (no limit)."""
        if text.strip().lower() == "off":
            return None
        match = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+(?:\.\d+)?)\s*", text)
        if not match or int(match[1]) < 1 or float(match[2]) <= 0:
            raise ConfigError(f"{setting}={text!r}: expected N/SECONDS, e.g. 8/10, or off")
        return cls(int(match[1]), float(match[2]))


class RateLimiter:
    """Token buckets by key (a session, an address); old full buckets are forgotten."""

    MAX_KEYS = 50_000

    def __init__(self, rate: Rate | None) -> None:
        self.rate = rate
        self._buckets: dict[str, tuple[float, float]] = {}

    def allow(self, key: str) -> bool:
        """Take one token for `key`; False when its bucket is empty."""
        if self.rate is None:
            return True
        now = time.monotonic()
        per_second = self.rate.burst / self.rate.seconds
        tokens, last = self._buckets.get(key, (float(self.rate.burst), now))
        tokens = min(float(self.rate.burst), tokens + (now - last) * per_second)
        if len(self._buckets) > self.MAX_KEYS:
            self._forget_full(now, per_second)
        if tokens < 1:
            self._buckets[key] = (tokens, now)
            return False
        self._buckets[key] = (tokens - 1, now)
        return True

    def _forget_full(self, now: float, per_second: float) -> None:
        full = [key for key, (tokens, last) in self._buckets.items()
                if tokens + (now - last) * per_second >= self.rate.burst]
        for key in full:
            del self._buckets[key]


def session_secret(key: bytes, session_id: str) -> str:
    """The secret proving ownership of `session_id` (HMAC-SHA256 under the server's key)."""
    return hmac.new(key, session_id.encode("ascii"), hashlib.sha256).hexdigest()


def _same_question(button: dict[str, Any], question: str) -> bool:
    """Whether a suggestion button repeats `question` (its payload, or its title ignoring case/punctuation)."""
    def plain(text: str) -> str:
        return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())
    return button.get("payload") == question or plain(str(button.get("title", ""))) == plain(question)


def merge_turn(messages: list[dict[str, Any]], question: str) -> list[dict[str, Any]]:
    """A turn's collected messages as socket.io events: every text joined into one answer (paragraphs kept) with
    the buttons of all of them (first of each payload, none repeating `question`); images and custom JSON
    follow as they came."""
    texts, buttons, extras, seen = [], [], [], set()
    for message in messages:
        if message.get("text"):
            texts.append(str(message["text"]).strip())
        for button in message.get("buttons") or []:
            if button.get("payload") not in seen and not _same_question(button, question):
                seen.add(button.get("payload"))
                buttons.append({"content_type": "text", "title": button.get("title"),
                                "payload": button.get("payload")})
        if message.get("image"):
            extras.append({"attachment": {"type": "image", "payload": {"src": message["image"]}}})
        if message.get("attachment"):
            extras.append({"attachment": message["attachment"]})
        if message.get("custom"):
            extras.append(message["custom"])
    events = []
    if texts or buttons:
        event: dict[str, Any] = {"text": "\n\n".join(t for t in texts if t)}
        if buttons:
            event["quick_replies"] = buttons
        events.append(event)
    return events + extras


class WholeMessageSocketIOOutput(SocketIOOutput):
    """Rasa's socket.io output without its split of a message into one event per paragraph."""

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        """Send the text as one event."""
        await self._send_message(recipient_id, {"text": text.strip()})

    async def send_text_with_buttons(self, recipient_id: str, text: str, buttons: list[dict[str, Any]],
                                     **kwargs: Any) -> None:
        """Send the text and its buttons as one event."""
        await self._send_message(recipient_id, merge_turn([{"text": text, "buttons": buttons}], "")[0])


class GuardedEngineIOSocket(AsyncSocket):
    """An engine.io socket whose unreadable long-polling POST (bad payload, more packets than engine.io decodes
    at once) closes the connection with one warning line, instead of engine.io's logged traceback."""

    async def handle_post_request(self, environ: dict) -> None:
        try:
            await super().handle_post_request(environ)
        except ValueError as error:
            logger.warning("socket.io: unreadable polling request from %s: %s", self.sid, error)
            raise engineio.exceptions.ContentTooLongError() from None  # engine.io answers 400 and disconnects


class GuardedEngineIO(engineio.AsyncServer):
    """engine.io's server with GuardedEngineIOSocket sockets."""

    def _get_socket(self, sid: str) -> AsyncSocket:
        socket = super()._get_socket(sid)
        if type(socket) is AsyncSocket:
            socket.__class__ = GuardedEngineIOSocket
        return socket


class GuardedAsyncServer(AsyncServer):
    """python-socketio's server where a packet it cannot decode is answered with ERROR_EVENT, not a traceback."""

    def _engineio_server_class(self) -> type:
        return GuardedEngineIO

    async def _handle_eio_message(self, eio_sid: str, data: Any) -> None:
        if isinstance(data, bytes) or (isinstance(data, str) and data[:1] in ("5", "6")):
            await self._refuse(eio_sid, "binary_not_supported", "Binary messages are not accepted.")
            return
        try:
            await super()._handle_eio_message(eio_sid, data)
        except (ValueError, TypeError, KeyError, IndexError, AttributeError, RecursionError) as error:
            logger.warning("socket.io: malformed packet from %s: %s", eio_sid, type(error).__name__)
            await self._refuse(eio_sid, "malformed_packet", "That message could not be read.")
        except Exception as error:  # noqa: BLE001 - one line in the log and an answer, not a traceback
            logger.error("socket.io: packet from %s failed: %s: %s", eio_sid, type(error).__name__, error)
            await self._refuse(eio_sid, "internal_error", BUSY_REPLY)

    async def _refuse(self, eio_sid: str, code: str, message: str) -> None:
        sid = self.manager.sid_from_eio_sid(eio_sid, "/")
        if sid is not None:
            await self.emit(ERROR_EVENT, {"error": code, "message": message}, room=sid)


@dataclass
class SocketState:
    """What the channel knows about one connected socket."""

    ip: str
    session_id: str | None = None
    jwt: dict[str, Any] | None = None
    slowed_at: float = 0.0


class CareerbotSocketIOInput(SocketIOInput):
    """Rasa's socket.io channel with input checks, bound sessions, rate limits and CORS (module docstring)."""

    @classmethod
    def name(cls) -> str:
        """The channel's name (and URL /webhooks/socketio/), as Rasa's."""
        return "socketio"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        """The channel from its credentials.yml entry (Rasa's keys plus session_rate, ip_rate)."""
        credentials = credentials or {}
        return cls(
            credentials.get("user_message_evt", "user_uttered"),
            credentials.get("bot_message_evt", "bot_uttered"),
            credentials.get("namespace"),
            True,
            credentials.get("socketio_path", "/socket.io"),
            os.environ.get(JWT_KEY_ENV) or credentials.get("jwt_key"),
            credentials.get("jwt_method", "HS256"),
            credentials.get("metadata_key", "metadata"),
            session_rate=os.environ.get(SESSION_RATE_ENV) or credentials.get("session_rate"),
            ip_rate=os.environ.get(IP_RATE_ENV) or credentials.get("ip_rate"),
        )

    def __init__(self, *args: Any, session_rate: str | None = None, ip_rate: str | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.session_persistence = True
        self.origins = allowed_origins()
        self.max_payload = payload_limit()
        self.session_limiter = RateLimiter(Rate.parse(session_rate or DEFAULT_SESSION_RATE, SESSION_RATE_ENV))
        self.ip_limiter = RateLimiter(Rate.parse(ip_rate or DEFAULT_IP_RATE, IP_RATE_ENV))
        key = os.environ.get(SESSION_KEY_ENV, "")
        self.session_key = key.encode("utf-8") if key else secrets.token_bytes(32)
        self.sockets: dict[str, SocketState] = {}
        self.app: Sanic | None = None

    def get_output_channel(self) -> OutputChannel | None:
        """Output for events outside a turn (e.g. reminders): one event per message."""
        if self.sio is None:
            return None
        return WholeMessageSocketIOOutput(self.sio, self.bot_message_evt)

    # ------------------------------------------------------------------ helpers
    def _intents(self) -> set[str] | None:
        agent = getattr(getattr(self.app, "ctx", None), "agent", None)
        domain = getattr(agent, "domain", None)
        return set(domain.intents) if domain is not None else None

    def _default_reply(self) -> str:
        agent = getattr(getattr(self.app, "ctx", None), "agent", None)
        domain = getattr(agent, "domain", None)
        variants = (domain.responses.get("utter_default") if domain is not None else None) or []
        return next((v["text"] for v in variants if v.get("text")), BLANK_REPLY)

    async def _error(self, sid: str, code: str, message: str) -> None:
        logger.warning("socket.io: %s from %s", code, sid)
        await self.sio.emit(ERROR_EVENT, {"error": code, "message": message}, room=sid, namespace=self.namespace)

    async def _say(self, sid: str, text: str) -> None:
        await self.sio.emit(self.bot_message_evt, {"text": text}, room=sid, namespace=self.namespace)

    async def _slow_down(self, sid: str, state: SocketState) -> None:
        await self._error(sid, "rate_limited", SLOW_DOWN_REPLY)
        now = time.monotonic()
        if now - state.slowed_at > 10:  # say it in the chat once, not once per flooded message
            state.slowed_at = now
            await self._say(sid, SLOW_DOWN_REPLY)

    def _decode_jwt(self, auth: Any) -> dict[str, Any] | None:
        token = auth.get("token") if isinstance(auth, dict) else None
        if not isinstance(token, str) or not token:
            return None
        try:  # not Rasa's decode_bearer_token, which logs a traceback for every malformed token
            payload = rasa.core.channels.channel.decode_jwt(token, self.jwt_key, self.jwt_algorithm)
        except Exception as error:  # noqa: BLE001 - any undecodable token is refused, in one log line
            logger.info("socket.io: token refused: %s", type(error).__name__)
            return None
        return payload if isinstance(payload, dict) else None

    def _new_session(self) -> str:
        return uuid.uuid4().hex

    # ------------------------------------------------------------------ the blueprint
    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """The socket.io server and its health route (GET /webhooks/socketio/)."""
        sio = GuardedAsyncServer(async_mode="sanic", cors_allowed_origins=self.origins, cors_credentials=False,
                                 max_http_buffer_size=self.max_payload)
        self.sio = sio
        channel = self
        namespace = self.namespace

        class Guarded(Blueprint):
            def register(self, app: Sanic, options: dict[str, Any]) -> None:
                channel.app = app
                # The websocket frame limit of Sanic, which engine.io's own check only sees after reading it.
                app.config.WEBSOCKET_MAX_SIZE = channel.max_payload
                path = "/" + channel.socketio_path.strip("/") + "/"

                async def engineio_route(request: Request) -> Any:
                    return await sio.eio.handle_request(request)

                # Sanic logs "Invalid response type None" after every websocket unless the handler says it is
                # one; engine.io's route returns None once a websocket closes.
                engineio_route.is_websocket = True  # type: ignore[attr-defined]
                app.add_route(engineio_route, path, methods=["GET", "POST", "OPTIONS"],
                              name="careerbot_engineio")
                app.enable_websocket()
                super().register(app, options)

        bp = Guarded("careerbot_socketio", __name__)

        @bp.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @sio.on("connect", namespace=namespace)
        async def connect(sid: str, environ: dict, auth: Any = None, *_: Any) -> bool:
            request = environ.get("sanic.request")
            ip = str(getattr(request, "ip", "") or environ.get("REMOTE_ADDR", "?"))
            if not channel.ip_limiter.allow(ip):
                logger.warning("socket.io: connection from %s refused (rate limit)", ip)
                return False
            claims = None
            if channel.jwt_key:
                claims = channel._decode_jwt(auth)
                if claims is None:
                    logger.info("socket.io: connection %s refused: no valid token", sid)
                    return False
            channel.sockets[sid] = SocketState(ip=ip, jwt=claims)
            return True

        @sio.on("disconnect", namespace=namespace)
        async def disconnect(sid: str, *_: Any) -> None:
            channel.sockets.pop(sid, None)

        @sio.on("session_request", namespace=namespace)
        async def session_request(sid: str, *args: Any) -> None:
            state = channel.sockets.get(sid)
            if state is None:
                return
            if not channel.ip_limiter.allow(state.ip):
                await channel._slow_down(sid, state)
                return
            data = args[0] if len(args) == 1 else "malformed"
            if data is None:
                data = {}
            if not isinstance(data, dict):
                await channel._error(sid, "invalid_session_request",
                                     'session_request takes {"session_id": ..., "session_secret": ...}.')
                return
            session_id, secret = data.get("session_id"), data.get("session_secret")
            if session_id is not None and not (isinstance(session_id, str) and SESSION_ID.fullmatch(session_id)):
                await channel._error(sid, "invalid_session_id", "session_id must be 32 lowercase hex digits; "
                                                                "a new session was started.")
                session_id = None
            elif session_id is not None and not (
                    isinstance(secret, str)
                    and hmac.compare_digest(secret.encode("utf-8", "replace"),
                                            session_secret(channel.session_key, session_id).encode("ascii"))):
                logger.info("socket.io: %s asked for a session without its secret: new session", sid)
                session_id = None
            if session_id is None:
                session_id = channel._new_session()
            if state.session_id and state.session_id != session_id:
                sio.leave_room(sid, SENDER_PREFIX + state.session_id, namespace=namespace)
            state.session_id = session_id
            sio.enter_room(sid, SENDER_PREFIX + session_id, namespace=namespace)
            await sio.emit("session_confirm", {
                "session_id": session_id,
                "session_secret": session_secret(channel.session_key, session_id),
            }, room=sid, namespace=namespace)

        @sio.on(self.user_message_evt, namespace=namespace)
        async def handle_message(sid: str, *args: Any) -> None:
            state = channel.sockets.get(sid)
            if state is None:
                return
            if not channel.ip_limiter.allow(state.ip):
                await channel._slow_down(sid, state)
                return
            data = args[0] if len(args) == 1 else None
            if not isinstance(data, dict):
                await channel._error(sid, "invalid_payload",
                                     f'{channel.user_message_evt} takes {{"message": "...", "session_id": "..."}}.')
                return
            if state.session_id is None:
                await channel._error(sid, "no_session", "Send session_request first.")
                return
            if not channel.session_limiter.allow(state.session_id):
                await channel._slow_down(sid, state)
                return
            metadata = data.get(channel.metadata_key)
            if isinstance(metadata, str):
                try:
                    metadata = json.loads(metadata)
                except (ValueError, RecursionError):
                    metadata = "malformed"
            if metadata is None:
                metadata = {}
            if not isinstance(metadata, dict):
                await channel._error(sid, "invalid_metadata", f'"{channel.metadata_key}" must be a JSON object.')
                return
            try:
                text = check_message(data.get("message"), intents=channel._intents())
            except InvalidMessage as bad:
                if bad.code in ("not_text", "invalid_text"):
                    await channel._error(sid, bad.code, bad.reply)
                await channel._say(sid, bad.reply)
                return
            if state.jwt is not None:
                metadata = {**metadata, "jwt": state.jwt}
            sender = SENDER_PREFIX + state.session_id
            collector = CollectingOutputChannel()
            try:
                await on_new_message(UserMessage(text, collector, sender, input_channel=channel.name(),
                                                 metadata=metadata))
            except Exception as error:  # logged in one line and answered, never silence
                logger.error("socket.io: failed to handle a message of %s: %s: %s", sender,
                             type(error).__name__, error)
                await channel._error(sid, "internal_error", BUSY_REPLY)
                await channel._say(sid, BUSY_REPLY)
                return
            events = merge_turn(collector.messages, text) or [{"text": channel._default_reply()}]
            for event in events:
                await sio.emit(channel.bot_message_evt, event, room=sender, namespace=namespace)

        @sio.on("*", namespace=namespace)
        async def unknown_event(event: Any, sid: str, *_: Any) -> None:
            state = channel.sockets.get(sid)
            if state is not None and not channel.ip_limiter.allow(state.ip):
                return
            await channel._error(sid, "unknown_event", f"This server has no event {str(event)[:40]!r}.")

        return bp
