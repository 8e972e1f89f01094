"""Slack channel for careerbot (Events API + interactivity), configured from the environment.

Referenced in a credentials file as `bot.channels.slack.CareerbotSlackInput`; it serves
`/webhooks/slack/webhook` (events and Block Kit button clicks) and `/webhooks/slack/` (health).
Unlike Rasa's built-in `slack` channel it reads its secrets from SLACK_BOT_TOKEN / SLACK_SIGNING_SECRET
(and the Web API base URL from SLACK_API_URL), accepts `application/json; charset=utf-8`, drops every
redelivery of an event it has already taken (by event id and by message, whatever the retry reason),
answers in the thread the user wrote in, and renders answers as mrkdwn and Block Kit buttons.
docs/slack.md is the setup walkthrough.
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
from dataclasses import dataclass
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

from bot.channels.slack_format import button_blocks, clean_user_text, text_blocks, to_mrkdwn

logger = logging.getLogger(__name__)

ENV_BOT_TOKEN = "SLACK_BOT_TOKEN"
ENV_SIGNING_SECRET = "SLACK_SIGNING_SECRET"
ENV_API_URL = "SLACK_API_URL"
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
    """Posts the bot's answers into one Slack thread through chat.postMessage."""

    @classmethod
    def name(cls) -> str:
        """Channel name used by Rasa for channel-specific responses."""
        return "slack"

    def __init__(self, client: AsyncWebClient, channel: str, thread_ts: str | None) -> None:
        """Answer in `channel`, inside the thread started by `thread_ts` (top level if None)."""
        super().__init__()
        self.client = client
        self.channel = channel
        self.thread_ts = thread_ts

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
        """Send a custom response as chat.postMessage arguments (e.g. hand-made `blocks`)."""
        await self.post(**dict(json_message))


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
    """Where the channel's secrets and Web API come from once credentials and environment are merged."""

    bot_token: str
    signing_secret: str
    api_url: str = DEFAULT_API_URL
    conversation_granularity: str = "channel"


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
    return SlackSettings(bot_token=pick("slack_token", ENV_BOT_TOKEN),
                         signing_secret=pick("slack_signing_secret", ENV_SIGNING_SECRET),
                         api_url=pick("slack_api_url", ENV_API_URL, DEFAULT_API_URL),
                         conversation_granularity=granularity)


class CareerbotSlackInput(InputChannel):
    """Slack Events API and interactivity endpoint for careerbot (see docs/slack.md)."""

    @classmethod
    def name(cls) -> str:
        """The webhook lives under /webhooks/slack/."""
        return "slack"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> CareerbotSlackInput:
        """Build the channel from its credentials.yml entry (may be empty) and the environment."""
        return cls(settings_from(credentials, os.environ))

    def __init__(self, settings: SlackSettings, seen: SeenCache | None = None,
                 clock: Callable[[], float] = time.time) -> None:
        """A channel answering with `settings`; `seen` remembers deliveries, `clock` is the wall clock."""
        self.settings = settings
        self.seen = seen or SeenCache()
        self.clock = clock
        self.client = web_client(settings.bot_token, settings.api_url)
        self._tasks: set[asyncio.Task] = set()
        missing = [name for name, value in ((ENV_SIGNING_SECRET, settings.signing_secret),
                                            (ENV_BOT_TOKEN, settings.bot_token)) if not value]
        if missing:
            logger.warning("Slack channel is not configured (%s unset): /webhooks/slack/webhook will "
                           "answer 503 until it is. See docs/slack.md.", ", ".join(missing))

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """Routes: GET / (health) and POST /webhook (events, url_verification, button clicks)."""
        slack_webhook = Blueprint("careerbot_slack_webhook", __name__)

        @slack_webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok",
                                  "configured": bool(self.settings.signing_secret and self.settings.bot_token)})

        @slack_webhook.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> HTTPResponse:
            return await self.handle_request(request, on_new_message)

        return slack_webhook

    async def handle_request(self, request: Request,
                             on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> HTTPResponse:
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
                turn = turn_from_event(body)
            elif media_type == "application/x-www-form-urlencoded":
                form = parse_qs(request.body.decode("utf-8"))
                payload = json.loads(form["payload"][0]) if "payload" in form else {}
                if not isinstance(payload, dict):
                    raise ValueError("not an object")
                turn = turn_from_interaction(payload)
            else:
                return response.text("Unsupported content type.", status=HTTPStatus.UNSUPPORTED_MEDIA_TYPE)
        except (ValueError, UnicodeDecodeError) as error:
            logger.warning("Unreadable Slack request body: %s", error)
            return response.text("Unreadable body.", status=HTTPStatus.BAD_REQUEST)

        if turn is None:
            return response.text("")
        if not self.settings.bot_token:
            return response.text("Slack channel not configured.", status=HTTPStatus.SERVICE_UNAVAILABLE)
        if not self.seen.add(*turn.keys):
            logger.info("Dropping redelivery %s (retry #%s, reason %s).", turn.keys[0],
                        request.headers.get("X-Slack-Retry-Num"), request.headers.get("X-Slack-Retry-Reason"))
            return response.text("", headers={"X-Slack-No-Retry": "1"})
        self._start(self._answer(turn, on_new_message))
        return response.text("")

    def _start(self, work: Awaitable[None]) -> None:
        """Run the answer in the background (Slack wants a reply within 3 s) and keep a reference to it."""
        task = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _answer(self, turn: SlackTurn, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> None:
        """Hand the turn to Rasa; if that fails, apologise in the thread rather than stay silent."""
        output = CareerbotSlackBot(self.client, turn.channel, turn.thread_ts)
        message = UserMessage(turn.text, output, conversation_id(turn, self.settings.conversation_granularity),
                              input_channel=self.name(), message_id=turn.message_id,
                              metadata={"slack": {"user": turn.user, "channel": turn.channel,
                                                  "thread_ts": turn.thread_ts, "team": turn.team}})
        if turn.notice:
            await output.post(text=turn.notice)
        if not turn.text:
            return
        try:
            await on_new_message(message)
        except Exception:  # any failure must still leave the user a reply
            logger.exception("Failed to answer Slack message in %s/%s", turn.channel, turn.thread_ts)
            await output.post(text=APOLOGY)

    def get_output_channel(self) -> OutputChannel | None:
        """No default Slack destination: answers always go to the thread a message came from."""
        return None
