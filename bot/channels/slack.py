"""Slack channel for careerbot: Events API, interactivity and `/careerbot` over HTTPS, or Socket Mode.

Referenced in a credentials file as `bot.channels.slack.CareerbotSlackInput`; it serves
`/webhooks/slack/webhook` (events, Block Kit button clicks and the slash command) and `/webhooks/slack/`
(health). It reads its secrets from SLACK_BOT_TOKEN / SLACK_SIGNING_SECRET (and the Web API base URL from
SLACK_API_URL). With SLACK_APP_TOKEN (xapp-...) it also opens a Socket Mode connection when the server has
started (bot/channels/slack_socket.py) and needs no public URL; every envelope is acked at once.

Whatever the transport, a delivery goes through `dispatch()`: it is dropped if this server (SeenCache) or
any other server of the deployment (DeliveryLog, bot/channels/slack_dedupe.py) already took it, then
answered in the background: top-level DMs in the DM, DM threads in their thread, mentions in a thread,
slash commands privately (bot/channels/slack_commands.py). Opening the App Home tab publishes the user's
own profile, plan and mentors (bot/channels/slack_home.py); a mentor-intro payload from the action opens a
group DM (bot/channels/slack_intro.py). Logs name Slack user and channel ids, never message text (that only
at DEBUG level). docs/slack.md is the setup walkthrough.
"""
from __future__ import annotations

import asyncio
import enum
import hashlib
import hmac
import json
import logging
import os
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, replace
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qs

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

from bot.channels.slack_commands import (
    CAPABILITIES_PAYLOAD,
    HELP,
    HELP_TEXT,
    PLAN,
    PLAN_PAYLOAD,
    PLAN_STARTED_TEXT,
    EphemeralOutput,
    SlashCommand,
    command_from_payload,
)
from bot.channels.slack_dedupe import DeliveryLog, IntroLog
from bot.channels.slack_format import button_blocks, clean_user_text, text_blocks, to_mrkdwn
from bot.channels.slack_home import HomeData, HomeState, home_view
from bot.channels.slack_intro import FAILED_NOTICE, INTRO_KEY, introduce, intro_from_json
from bot.channels.slack_socket import DEFAULT_PING_INTERVAL, EnvelopeInfo, SocketMode

logger = logging.getLogger(__name__)

ENV_BOT_TOKEN = "SLACK_BOT_TOKEN"
ENV_SIGNING_SECRET = "SLACK_SIGNING_SECRET"
ENV_API_URL = "SLACK_API_URL"
ENV_APP_TOKEN = "SLACK_APP_TOKEN"
ENV_PING_INTERVAL = "SLACK_SOCKET_PING_INTERVAL"
DEFAULT_API_URL = "https://slack.com/api/"

# Slack's own replay window for signed requests (https://api.slack.com/authentication/verifying-requests-from-slack).
MAX_CLOCK_SKEW_SECONDS = 300
# Slack retries an event three times over about six minutes; remember deliveries well past that.
SEEN_TTL_SECONDS = 3600.0
SEEN_MAX_ENTRIES = 10_000

GRANULARITIES = ("sender", "channel", "thread")
APOLOGY = "Sorry, something went wrong on my side and I couldn't answer that. Please try again in a moment."
# A bare "@careerbot" mention carries no question: greet, so the user learns what to ask.
EMPTY_MENTION_PAYLOAD = "/greet"


class SignatureCheck(enum.Enum):
    """Outcome of checking a request's X-Slack-Signature."""

    VALID = "valid"
    MALFORMED = "malformed"  # missing, non-numeric or non-ASCII timestamp
    STALE = "stale"  # timestamp outside the replay window
    INVALID = "invalid"  # missing, non-ASCII or wrong signature


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The X-Slack-Signature Slack sends for `body` at `timestamp`: v0= + HMAC-SHA256 of `v0:{ts}:{body}`."""
    base = f"v0:{timestamp}:".encode() + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def check_signature(secret: str, timestamp: str | None, signature: str | None, body: bytes,
                    now: float) -> SignatureCheck:
    """Check a Slack request signature and its timestamp against the replay window."""
    # Only ASCII digits: int() would also accept other scripts' digits, and compare_digest() raises on
    # non-ASCII text, so both headers are checked (and compared) as ASCII bytes.
    if not timestamp or not timestamp.isascii() or not timestamp.isdigit():
        return SignatureCheck.MALFORMED
    if abs(now - int(timestamp)) > MAX_CLOCK_SKEW_SECONDS:
        return SignatureCheck.STALE
    if not signature or not signature.isascii():
        return SignatureCheck.INVALID
    if not hmac.compare_digest(sign(secret, timestamp, body).encode(), signature.encode()):
        return SignatureCheck.INVALID
    return SignatureCheck.VALID


class SeenCache:
    """Bounded in-memory set of delivery keys that forgets entries after a TTL (one per process)."""

    def __init__(self, ttl: float = SEEN_TTL_SECONDS, max_entries: int = SEEN_MAX_ENTRIES,
                 clock: Callable[[], float] = time.monotonic) -> None:
        """Remember keys for `ttl` seconds, at most `max_entries` of them (oldest dropped first)."""
        self._ttl = ttl
        self._max_entries = max_entries
        self._clock = clock
        self._seen: OrderedDict[str, float] = OrderedDict()

    def add(self, *keys: str) -> bool:
        """Record the keys; True if none of them was seen within the TTL (the delivery is new)."""
        now = self._clock()
        while self._seen and next(iter(self._seen.values())) <= now - self._ttl:
            self._seen.popitem(last=False)
        is_new = not any(key in self._seen for key in keys)
        for key in keys:
            self._seen.pop(key, None)
            self._seen[key] = now
        while len(self._seen) > self._max_entries:
            self._seen.popitem(last=False)
        return is_new

    def __len__(self) -> int:
        """Number of remembered keys."""
        return len(self._seen)


@dataclass(frozen=True)
class SlackTurn:
    """One thing a Slack user said to the bot: where to answer and the keys that identify the delivery.

    `thread_ts` is the thread to answer in, or None to answer at the top level of `channel` (a top-level
    direct message is answered in the DM itself); `ts` is the message's own timestamp. `notice` is a
    message to post before the answer (e.g. that an attached file was not read); `text` may then be empty.
    """

    text: str
    user: str
    channel: str
    thread_ts: str | None
    keys: tuple[str, ...]
    message_id: str | None = None
    team: str | None = None
    ts: str | None = None
    notice: str | None = None


# A DM with a file: the bot reads no file, and says so instead of staying silent.
FILE_NOTICE = ("I can only read text, so I didn't look at the file you sent. "
               "Please type your question as a message.")
# Message subtypes a user's own message can carry and still be answered (anything else is an edit, a join...).
_USER_SUBTYPES = {None, "", "file_share", "thread_broadcast"}


def _bot_user_ids(envelope: Mapping[str, Any]) -> set[str]:
    """User ids of this app's bot user, as Slack lists them in an event envelope."""
    ids = {a.get("user_id") for a in envelope.get("authorizations") or [] if isinstance(a, Mapping)}
    ids.update(envelope.get("authed_users") or [])
    return {i for i in ids if i}


def is_direct_channel(channel: str) -> bool:
    """True for a direct-message channel id (Slack's DM ids start with D)."""
    return channel.startswith("D")


def turn_from_event(envelope: Mapping[str, Any]) -> SlackTurn | None:
    """The user turn in an Events API `event_callback`, or None for events the bot must not answer.

    Answered: direct messages (`message` with channel_type `im`) and `app_mention`s. A top-level DM is
    answered in the DM itself, a DM in a thread in that thread, a mention always in a thread. A DM with a
    file gets FILE_NOTICE (and its text, if any, is answered). Ignored: bot messages, the bot's own
    messages, message subtypes (edits, deletions, joins...), empty texts.
    """
    event = envelope.get("event")
    if envelope.get("type") != "event_callback" or not isinstance(event, Mapping):
        return None
    bot_ids = _bot_user_ids(envelope)
    kind = event.get("type")
    user, channel, ts = event.get("user"), event.get("channel"), event.get("ts")
    if kind == "message":
        if event.get("channel_type") != "im":
            return None
    elif kind != "app_mention":
        return None
    if event.get("subtype") not in _USER_SUBTYPES or event.get("bot_id") or event.get("bot_profile"):
        return None
    if not (user and channel and ts) or user in bot_ids:
        return None
    has_file = bool(event.get("files")) or event.get("subtype") == "file_share"
    raw = str(event.get("text") or "")
    drop = set(bot_ids)
    if kind == "app_mention" and raw.startswith("<@"):
        # The leading mention is the bot's even when the envelope lists no authorizations.
        drop.add(raw[2:].split(">", 1)[0].split("|", 1)[0])
    text = clean_user_text(raw, drop)
    if not text and not has_file:
        if kind != "app_mention":
            return None
        text = EMPTY_MENTION_PAYLOAD
    keys = [f"message:{channel}:{ts}"]
    if envelope.get("event_id"):
        keys.insert(0, f"event:{envelope['event_id']}")
    thread_ts = event.get("thread_ts") or (None if kind == "message" else ts)
    return SlackTurn(text=text, user=user, channel=channel, thread_ts=thread_ts,
                     keys=tuple(keys), message_id=envelope.get("event_id") or ts,
                     team=envelope.get("team_id") or event.get("team"), ts=ts,
                     notice=FILE_NOTICE if has_file else None)


def turn_from_interaction(payload: Mapping[str, Any]) -> SlackTurn | None:
    """The user turn in a `block_actions` payload (a button click), or None if it carries no payload.

    A click answers in the thread of the message that held the button; in a DM, a button on a top-level
    message is answered at the top level. Its delivery key is the message, button and user, so a double
    click (or a redelivery) is answered once.
    """
    if payload.get("type") != "block_actions":
        return None
    actions = payload.get("actions") or []
    action = actions[0] if actions and isinstance(actions[0], Mapping) else {}
    value = action.get("value")
    if action.get("type") != "button" or not value:
        return None  # link buttons have no value; other elements are not used by the bot
    user = (payload.get("user") or {}).get("id")
    container = payload.get("container") or {}
    message = payload.get("message") or {}
    channel = (payload.get("channel") or {}).get("id") or container.get("channel_id")
    message_ts = message.get("ts") or container.get("message_ts")
    thread_ts = message.get("thread_ts") or container.get("thread_ts")
    if not (user and channel and (thread_ts or message_ts)):
        return None
    if not thread_ts and not is_direct_channel(channel):
        thread_ts = message_ts
    key = f"action:{channel}:{message_ts}:{action.get('action_id') or action.get('block_id')}:{user}"
    return SlackTurn(text=str(value), user=user, channel=channel, thread_ts=thread_ts, keys=(key,),
                     message_id=action.get("action_ts"), team=(payload.get("team") or {}).get("id"),
                     ts=message_ts)


def conversation_id(turn: SlackTurn, granularity: str) -> str:
    """The Rasa conversation a turn belongs to: per user, per user and channel, or per user and thread."""
    if granularity == "sender":
        return turn.user
    if granularity == "thread":
        # The top level of a DM is one conversation; each thread is another.
        return f"{turn.user}_{turn.channel}_{turn.thread_ts}" if turn.thread_ts else f"{turn.user}_{turn.channel}"
    return f"{turn.user}_{turn.channel}"


class CareerbotSlackBot(OutputChannel):
    """Posts the bot's answers into one Slack channel or thread through chat.postMessage.

    A custom payload `{"careerbot_intro": {...}}` (the mentor-intro action on Slack) is performed instead of
    posted: see bot/channels/slack_intro.py.
    """

    @classmethod
    def name(cls) -> str:
        """Channel name used by Rasa for channel-specific responses."""
        return "slack"

    def __init__(self, client: AsyncWebClient, channel: str, thread_ts: str | None, user: str | None = None,
                 intros: IntroLog | None = None) -> None:
        """Answer `user` in `channel`, inside the thread started by `thread_ts` (top level if None)."""
        super().__init__()
        self.client = client
        self.channel = channel
        self.thread_ts = thread_ts
        self.user = user
        self.intros = intros

    async def post(self, **message: Any) -> None:
        """Send one chat.postMessage into this channel and thread; Web API errors are logged, not raised."""
        message.setdefault("channel", self.channel)
        if self.thread_ts:
            message.setdefault("thread_ts", self.thread_ts)
        try:
            await self.client.chat_postMessage(**message)
        except SlackApiError as error:
            logger.error("Slack rejected chat.postMessage to %s: %s", message["channel"],
                         error.response.get("error"))

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        """Send a text answer as mrkdwn."""
        converted = to_mrkdwn(text)
        if len(converted) <= 3000:
            await self.post(text=converted, mrkdwn=True)
        else:
            await self.post(text=converted, blocks=text_blocks(converted))

    async def send_text_with_buttons(self, recipient_id: str, text: str, buttons: list[dict[str, Any]],
                                     **kwargs: Any) -> None:
        """Send a text with Block Kit buttons whose values are the Rasa payloads."""
        await self.post(text=to_mrkdwn(text), blocks=button_blocks(text, buttons))

    async def send_image_url(self, recipient_id: str, image: str, **kwargs: Any) -> None:
        """Send an image block."""
        await self.post(text=image, blocks=[{"type": "image", "image_url": image, "alt_text": image}])

    async def send_custom_json(self, recipient_id: str, json_message: dict[str, Any], **kwargs: Any) -> None:
        """Perform a mentor intro, or send a custom response as chat.postMessage arguments (e.g. `blocks`)."""
        request = intro_from_json(json_message)
        if request is not None:
            if self.user is None or self.intros is None:
                await self.post(text=FAILED_NOTICE)
                return
            notice = await introduce(self.client, self.intros, self.user, request)  # already Slack mrkdwn
            await self.post(text=notice, mrkdwn=True)
            return
        if INTRO_KEY in json_message:
            logger.error("Unusable mentor-intro payload for %s", self.user)
            await self.post(text=FAILED_NOTICE)
            return
        await self.post(**dict(json_message))


class EphemeralSlackBot(CareerbotSlackBot):
    """Answers a `/careerbot` command privately (response_url, else chat.postEphemeral)."""

    def __init__(self, client: AsyncWebClient, command: SlashCommand, intros: IntroLog | None = None) -> None:
        """Answer `command`'s user where they typed it, visible to them only."""
        super().__init__(client, command.channel, None, command.user, intros)
        self.private = EphemeralOutput(client, command.channel, command.user, command.response_url)

    async def post(self, **message: Any) -> None:
        """One private message."""
        await self.private.post(**message)


# A 429 from the Web API is retried after the Retry-After it names (up to this many times), so an answer is
# delayed rather than lost; slack_sdk by default retries only connection errors.
RATE_LIMIT_RETRIES = 3


def web_client(token: str, api_url: str) -> AsyncWebClient:
    """The Web API client: `token`, `api_url`, and retries for connection errors and 429s (after Retry-After)."""
    return AsyncWebClient(token=token or None, base_url=api_url,
                          retry_handlers=[AsyncConnectionErrorRetryHandler(),
                                          AsyncRateLimitErrorRetryHandler(max_retry_count=RATE_LIMIT_RETRIES)])


@dataclass(frozen=True)
class SlackSettings:
    """Where the channel's secrets and Web API come from once credentials and environment are merged.

    With `app_token` (SLACK_APP_TOKEN, xapp-...) the channel also opens a Socket Mode connection.
    """

    bot_token: str
    signing_secret: str
    api_url: str = DEFAULT_API_URL
    conversation_granularity: str = "channel"
    app_token: str = ""
    ping_interval: float = DEFAULT_PING_INTERVAL


def settings_from(credentials: Mapping[str, Any] | None, environ: Mapping[str, str]) -> SlackSettings:
    """Merge credentials.yml values with the environment: a value set in credentials wins, else the env var."""
    credentials = credentials or {}

    def pick(key: str, env_name: str, default: str = "") -> str:
        value = credentials.get(key)
        if value in (None, ""):
            value = environ.get(env_name, "")
        return str(value or default).strip()

    granularity = str(credentials.get("conversation_granularity") or "channel")
    if granularity not in GRANULARITIES:
        raise ValueError(f"conversation_granularity must be one of {', '.join(GRANULARITIES)}, "
                         f"not {granularity!r}")
    app_token = pick("slack_app_token", ENV_APP_TOKEN)
    if app_token and not app_token.startswith("xapp-"):
        raise ValueError(f"{ENV_APP_TOKEN} must be an app-level token (xapp-...), see docs/slack.md")
    ping = pick("socket_ping_interval", ENV_PING_INTERVAL, str(DEFAULT_PING_INTERVAL))
    try:
        ping_interval = float(ping)
    except ValueError:
        raise ValueError(f"{ENV_PING_INTERVAL} must be a number of seconds, not {ping!r}") from None
    if not 0.2 <= ping_interval <= 60:
        raise ValueError(f"{ENV_PING_INTERVAL} must be between 0.2 and 60 seconds, not {ping_interval}")
    return SlackSettings(bot_token=pick("slack_token", ENV_BOT_TOKEN),
                         signing_secret=pick("slack_signing_secret", ENV_SIGNING_SECRET),
                         api_url=pick("slack_api_url", ENV_API_URL, DEFAULT_API_URL),
                         conversation_granularity=granularity, app_token=app_token, ping_interval=ping_interval)


OnNewMessage = Callable[[UserMessage], Awaitable[Any]]


class Taken(enum.Enum):
    """What became of one delivery."""

    ANSWERING = "answering"
    DUPLICATE = "duplicate"  # already taken by this server or another
    IGNORED = "ignored"  # nothing to answer (bot message, edit, other event...)


class CareerbotSlackInput(InputChannel):
    """Slack for careerbot: Events API + interactivity + slash command over HTTPS, and Socket Mode when
    SLACK_APP_TOKEN is set (see docs/slack.md)."""

    @classmethod
    def name(cls) -> str:
        """The webhook lives under /webhooks/slack/."""
        return "slack"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> CareerbotSlackInput:
        """Build the channel from its credentials.yml entry (may be empty) and the environment."""
        return cls(settings_from(credentials, os.environ))

    def __init__(self, settings: SlackSettings, seen: SeenCache | None = None,
                 clock: Callable[[], float] = time.time, shared_db_url: str | None = None) -> None:
        """A channel answering with `settings`; `seen` remembers deliveries, `clock` is the wall clock;
        `shared_db_url` holds the markers shared by every server (default: the tracker store's database)."""
        self.settings = settings
        self.seen = seen or SeenCache()
        self.clock = clock
        self.client = web_client(settings.bot_token, settings.api_url)
        self._tasks: set[asyncio.Future] = set()
        self._shared_db_url = shared_db_url
        self._deliveries: DeliveryLog | None = None
        self._intros: IntroLog | None = None
        self._agent: Any = None
        self._home: HomeData | None = None
        self._published: dict[str, HomeState] = {}
        self._dm_channels: dict[str, str] = {}
        self.socket: SocketMode | None = None
        missing = [name for name, value in ((ENV_BOT_TOKEN, settings.bot_token),) if not value]
        if not settings.app_token and not settings.signing_secret:
            missing.insert(0, ENV_SIGNING_SECRET)
        if missing:
            logger.warning("Slack channel is not configured (%s unset): it will not answer until it is. "
                           "See docs/slack.md.", ", ".join(missing))

    # ------------------------------------------------------------------ shared state (lazy: needs the DB)
    @property
    def shared_db_url(self) -> str:
        """The database of the shared markers: the tracker store's (TRACKER_STORE_URL, else var/tracker.db)."""
        if self._shared_db_url is None:
            from bot.rasa_plugins.stores import tracker_store_url

            self._shared_db_url = tracker_store_url()
        return self._shared_db_url

    @property
    def deliveries(self) -> DeliveryLog:
        """Delivery markers shared by every server (created on first use)."""
        if self._deliveries is None:
            self._deliveries = DeliveryLog.from_url(self.shared_db_url)
        return self._deliveries

    @property
    def intros(self) -> IntroLog:
        """When each mentee was last introduced to each mentor, shared by every server."""
        if self._intros is None:
            self._intros = IntroLog(self.deliveries.engine)
        return self._intros

    # ------------------------------------------------------------------ routes and Socket Mode
    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        """Routes: GET / (health) and POST /webhook (events, url_verification, clicks, slash commands);
        with an app token, the Socket Mode connection runs from server start to server stop."""
        slack_webhook = Blueprint("careerbot_slack_webhook", __name__)

        @slack_webhook.listener("after_server_start")
        async def start(app: Any, _loop: Any) -> None:
            self._agent = getattr(app.ctx, "agent", None)
            if self.settings.app_token and self.settings.bot_token:
                self.socket = SocketMode(self.settings.app_token, self.settings.api_url,
                                         lambda kind, payload, info: self.on_envelope(kind, payload, info,
                                                                                      on_new_message),
                                         ping_interval=self.settings.ping_interval,
                                         client_factory=lambda url: web_client("", url))
                await self.socket.start()

        @slack_webhook.listener("before_server_stop")
        async def stop(_app: Any, _loop: Any) -> None:
            if self.socket is not None:
                await self.socket.stop()

        @slack_webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            client = self.socket.client if self.socket else None
            return response.json({
                "status": "ok",
                "configured": bool(self.settings.bot_token and (self.settings.signing_secret
                                                                 or self.settings.app_token)),
                "socket_mode": bool(self.socket),
                "socket_connected": bool(self.socket and self.socket.connected),
                "socket_connections_opened": client.connections_opened if client else 0,
            })

        @slack_webhook.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> HTTPResponse:
            if self._agent is None:
                self._agent = getattr(request.app.ctx, "agent", None)
            return await self.handle_request(request, on_new_message)

        return slack_webhook

    async def on_envelope(self, kind: str, payload: dict[str, Any], info: EnvelopeInfo,
                          on_new_message: OnNewMessage) -> None:
        """A Socket Mode envelope, already acked: dispatch it (never raises)."""
        try:
            taken = await self.dispatch(kind, payload, on_new_message)
            if taken is Taken.DUPLICATE:
                logger.info("Dropping Socket Mode redelivery %s (retry #%s, reason %s).", info.envelope_id,
                            info.retry_attempt, info.retry_reason)
        except Exception:  # one bad envelope must not stop the connection
            logger.exception("Failed to handle Socket Mode envelope %s (%s)", info.envelope_id, kind)

    async def dispatch(self, kind: str, payload: Mapping[str, Any], on_new_message: OnNewMessage) -> Taken:
        """One delivery, whatever its transport: `events_api`, `interactive` or `slash_commands`."""
        if kind == "events_api":
            event = payload.get("event")
            if (payload.get("type") == "event_callback" and isinstance(event, Mapping)
                    and event.get("type") == "app_home_opened"):
                return await self._home_opened(payload, event)
            turn = turn_from_event(payload)
        elif kind == "interactive":
            turn = await self._interaction_turn(payload)
        elif kind == "slash_commands":
            command = command_from_payload(payload)
            if command is None:
                return Taken.IGNORED
            if not await self._claim(command.key):
                return Taken.DUPLICATE
            self._start(self._command(command, on_new_message))
            return Taken.ANSWERING
        else:
            return Taken.IGNORED
        if turn is None:
            return Taken.IGNORED
        if not await self._claim(*turn.keys):
            return Taken.DUPLICATE
        self._start(self._answer(turn, on_new_message))
        return Taken.ANSWERING

    async def _claim(self, *keys: str) -> bool:
        """True if this server takes the delivery: new to it, and to every other server (shared markers)."""
        if not self.seen.add(*keys):
            return False
        return await self.deliveries.aclaim(*keys)

    async def handle_request(self, request: Request, on_new_message: OnNewMessage) -> HTTPResponse:
        """Verify, parse and dispatch one POST from Slack; always answers quickly (work runs in background)."""
        if not self.settings.signing_secret:
            return response.text("Slack channel not configured.", status=HTTPStatus.SERVICE_UNAVAILABLE)
        verdict = check_signature(self.settings.signing_secret,
                                  request.headers.get("X-Slack-Request-Timestamp"),
                                  request.headers.get("X-Slack-Signature"), request.body, self.clock())
        if verdict in (SignatureCheck.INVALID, SignatureCheck.MALFORMED):
            return response.text("Missing or invalid X-Slack-Signature / X-Slack-Request-Timestamp.",
                                 status=HTTPStatus.UNAUTHORIZED)
        if verdict is SignatureCheck.STALE:
            return response.text("Stale X-Slack-Request-Timestamp.", status=HTTPStatus.BAD_REQUEST)

        media_type = (request.headers.get("Content-Type") or "").split(";", 1)[0].strip().lower()
        try:
            if media_type == "application/json":
                body = json.loads(request.body or b"{}")
                if not isinstance(body, dict):
                    raise ValueError("not an object")
                if body.get("type") == "url_verification":
                    return response.json({"challenge": body.get("challenge", "")})
                kind, payload = "events_api", body
            elif media_type == "application/x-www-form-urlencoded":
                form = parse_qs(request.body.decode("utf-8"))
                if "payload" in form:
                    payload = json.loads(form["payload"][0])
                    if not isinstance(payload, dict):
                        raise ValueError("not an object")
                    kind = "interactive"
                else:
                    kind, payload = "slash_commands", {key: values[0] for key, values in form.items()}
            else:
                return response.text("Unsupported content type.", status=HTTPStatus.UNSUPPORTED_MEDIA_TYPE)
        except (ValueError, UnicodeDecodeError) as error:
            logger.warning("Unreadable Slack request body: %s", type(error).__name__)
            return response.text("Unreadable body.", status=HTTPStatus.BAD_REQUEST)

        if not self.settings.bot_token:
            return response.text("Slack channel not configured.", status=HTTPStatus.SERVICE_UNAVAILABLE)
        taken = await self.dispatch(kind, payload, on_new_message)
        if taken is Taken.DUPLICATE:
            logger.info("Dropping redelivery (retry #%s, reason %s).", request.headers.get("X-Slack-Retry-Num"),
                        request.headers.get("X-Slack-Retry-Reason"))
            return response.text("", headers={"X-Slack-No-Retry": "1"})
        return response.text("")

    def _start(self, work: Awaitable[None]) -> None:
        """Run the answer in the background (Slack wants a reply within 3 s) and keep a reference to it."""
        task = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # ------------------------------------------------------------------ answering
    def _message(self, text: str, output: OutputChannel, turn: SlackTurn) -> UserMessage:
        return UserMessage(text, output, conversation_id(turn, self.settings.conversation_granularity),
                           input_channel=self.name(), message_id=turn.message_id,
                           metadata={"slack": {"user": turn.user, "channel": turn.channel,
                                               "thread_ts": turn.thread_ts, "team": turn.team}})

    async def _answer(self, turn: SlackTurn, on_new_message: OnNewMessage) -> None:
        """Hand the turn to Rasa; if that fails, apologise in the thread rather than stay silent."""
        output = CareerbotSlackBot(self.client, turn.channel, turn.thread_ts, turn.user, self._intros_or_none())
        if turn.notice:
            await output.post(text=turn.notice)
        if not turn.text:
            return
        logger.info("Slack message from %s in %s", turn.user, turn.channel)
        logger.debug("Slack message text from %s: %r", turn.user, turn.text)
        direct = is_direct_channel(turn.channel)
        if direct and turn.user not in self._published:
            # First DM turn of this user on this server: remember the Home as it is before the turn, so a
            # change made by this turn is published even if another server published the Home before.
            await self._refresh_home(turn.user, turn.channel, only_if_changed=True)
        try:
            await on_new_message(self._message(turn.text, output, turn))
        except Exception:  # any failure must still leave the user a reply
            logger.exception("Failed to answer Slack message from %s in %s/%s", turn.user, turn.channel,
                             turn.thread_ts)
            await output.post(text=APOLOGY)
            return
        if direct:
            self._dm_channels[turn.user] = turn.channel
            await self._refresh_home(turn.user, turn.channel, only_if_changed=True)

    def _intros_or_none(self) -> IntroLog | None:
        try:
            return self.intros
        except Exception:  # no database: intros answer with FAILED_NOTICE
            logger.exception("Shared database for mentor intros unavailable")
            return None

    async def _dm_channel(self, user: str) -> str | None:
        """The user's DM channel with the bot (conversations.open, remembered)."""
        if user not in self._dm_channels:
            try:
                opened = await self.client.conversations_open(users=user)
                self._dm_channels[user] = opened["channel"]["id"]
            except (SlackApiError, KeyError, TypeError) as error:
                logger.error("conversations.open for %s failed: %s", user, type(error).__name__)
                return None
        return self._dm_channels[user]

    async def _interaction_turn(self, payload: Mapping[str, Any]) -> SlackTurn | None:
        """A button click; a click on the Home tab (no channel) is answered in the user's DM."""
        container = payload.get("container") or {}
        if payload.get("type") == "block_actions" and container.get("type") == "view":
            user = (payload.get("user") or {}).get("id")
            actions = payload.get("actions") or []
            action = actions[0] if actions and isinstance(actions[0], Mapping) else {}
            if not (user and action.get("value")):
                return None
            channel = await self._dm_channel(user)
            if channel is None:
                return None
            key = f"home:{container.get('view_id')}:{action.get('action_id')}:{action.get('action_ts')}:{user}"
            return SlackTurn(text=str(action["value"]), user=user, channel=channel, thread_ts=None, keys=(key,),
                             message_id=action.get("action_ts"), team=(payload.get("team") or {}).get("id"))
        return turn_from_interaction(payload)

    async def _command(self, command: SlashCommand, on_new_message: OnNewMessage) -> None:
        """Answer `/careerbot`: help, plan (in the DM) or a question (privately, where it was typed)."""
        private = EphemeralSlackBot(self.client, command, self._intros_or_none())
        logger.info("Slack command %s from %s in %s", command.kind, command.user, command.channel)
        try:
            if command.kind == PLAN:
                channel = await self._dm_channel(command.user)
                if channel is None:
                    await private.post(text=APOLOGY)
                    return
                turn = SlackTurn(text=PLAN_PAYLOAD, user=command.user, channel=channel, thread_ts=None,
                                 keys=(command.key,), team=command.team)
                await private.post(text=PLAN_STARTED_TEXT)
                await self._answer(turn, on_new_message)
                return
            turn = SlackTurn(text=command.text, user=command.user, channel=command.channel, thread_ts=None,
                             keys=(command.key,), team=command.team)
            if command.kind == HELP:
                await private.post(text=HELP_TEXT)
                turn = replace(turn, text=CAPABILITIES_PAYLOAD)
            await on_new_message(self._message(turn.text, private, turn))
        except Exception:
            logger.exception("Failed to answer Slack command from %s", command.user)
            await private.post(text=APOLOGY)

    # ------------------------------------------------------------------ App Home
    def _home_data(self) -> HomeData:
        if self._home is None:
            store = getattr(self._agent, "tracker_store", None)
            self._home = HomeData(store, self.shared_db_url)
        return self._home

    async def _home_opened(self, envelope: Mapping[str, Any], event: Mapping[str, Any]) -> Taken:
        """The user opened the Home tab: publish their Home (from their own DM conversation only)."""
        user = event.get("user")
        if event.get("tab", "home") != "home" or not user:
            return Taken.IGNORED
        keys = [f"event:{envelope['event_id']}"] if envelope.get("event_id") else []
        if keys and not await self._claim(*keys):
            return Taken.DUPLICATE
        channel = event.get("channel") or await self._dm_channel(user)
        if channel:
            self._dm_channels[user] = channel
        self._start(self._refresh_home(user, channel, only_if_changed=False))
        return Taken.ANSWERING

    async def _refresh_home(self, user: str, channel: str | None, only_if_changed: bool) -> None:
        """Publish the user's Home (views.publish); with `only_if_changed`, only when it differs from the state
        this server last saw (the first time, just remember the state)."""
        if channel is None:
            return
        granularity = self.settings.conversation_granularity
        home_turn = SlackTurn(text="", user=user, channel=channel, thread_ts=None, keys=())
        conversation = conversation_id(home_turn, "sender" if granularity == "sender" else "channel")
        try:
            state = await self._home_data().state(conversation)
            if only_if_changed and self._published.get(user) in (None, state):
                if user not in self._published:
                    self._published[user] = state
                return
            await self.client.views_publish(user_id=user, view=home_view(state))
            self._published[user] = state
            logger.info("Published App Home for %s", user)
        except SlackApiError as error:
            logger.error("views.publish for %s failed: %s", user, error.response.get("error"))
        except Exception:
            logger.exception("App Home for %s failed", user)

    def get_output_channel(self) -> OutputChannel | None:
        """No default Slack destination: answers always go to the thread a message came from."""
        return None
