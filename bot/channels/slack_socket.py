"""Slack Socket Mode for careerbot: the WebSocket connection that replaces the public HTTPS URL.

With SLACK_APP_TOKEN (xapp-...) set, the Slack channel (bot/channels/slack.py) starts a `SocketMode` when the
Rasa server has started. It asks `apps.connections.open` (at SLACK_API_URL) for a WebSocket URL and connects
with slack_sdk's aiohttp Socket Mode client, which already:

- reconnects on a `disconnect` envelope (reasons `refresh_requested`, `link_disabled`, `warning`...) and on
  a WebSocket close, with a fresh URL;
- notices a dropped socket (closed session, or no pong for 4 ping intervals) and reconnects.

careerbot adds backoff: a failing `apps.connections.open` is retried after 0.5 s, 1 s, 2 s... up to 30 s,
and a burst of reconnections is slowed the same way (see `ReconnectBackoff`), so an outage does not
become a tight loop of requests to Slack.

Every envelope is acknowledged at once, before its answer is computed: the connection runs in its own thread
and event loop, `on_request` sends the ack there, then hands the envelope to the channel's handler on
Rasa's loop.
"""
from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from slack_sdk.socket_mode.aiohttp import SocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse
from slack_sdk.web.async_client import AsyncWebClient

logger = logging.getLogger(__name__)

BACKOFF_FIRST_SECONDS = 0.5
BACKOFF_MAX_SECONDS = 30.0
#: a connection that lived this long resets the backoff
BACKOFF_RESET_SECONDS = 30.0
DEFAULT_PING_INTERVAL = 5.0

EnvelopeHandler = Callable[[str, dict[str, Any], "EnvelopeInfo"], Awaitable[None]]


class ReconnectBackoff:
    """Exponential delays between connection attempts: none for the first after a quiet period, then
    0.5 s, 1 s, 2 s... capped at 30 s."""

    def __init__(self, first: float = BACKOFF_FIRST_SECONDS, cap: float = BACKOFF_MAX_SECONDS,
                 reset_after: float = BACKOFF_RESET_SECONDS,
                 clock: Callable[[], float] = time.monotonic) -> None:
        """Delays start at `first`, double up to `cap`, and reset after `reset_after` quiet seconds."""
        self.first, self.cap, self.reset_after, self.clock = first, cap, reset_after, clock
        self.failures = 0
        self._last_attempt: float | None = None

    def next_delay(self) -> float:
        """How long to wait before the next attempt (and count it)."""
        now = self.clock()
        if self._last_attempt is not None and now - self._last_attempt >= self.reset_after:
            self.failures = 0
        self._last_attempt = now
        delay = 0.0 if self.failures == 0 else min(self.first * 2 ** (self.failures - 1), self.cap)
        self.failures += 1
        return delay


class CareerbotSocketModeClient(SocketModeClient):
    """slack_sdk's aiohttp Socket Mode client with backoff on (re)connection."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        """Same arguments as slack_sdk's client."""
        super().__init__(*args, **kwargs)
        self.backoff = ReconnectBackoff()
        self.connections_opened = 0

    async def issue_new_wss_url(self) -> str:
        """apps.connections.open, retried with backoff until it answers (or the client is closed)."""
        while True:
            delay = self.backoff.next_delay()
            if delay:
                logger.info("Socket Mode: reconnecting in %.1f s", delay)
                await asyncio.sleep(delay)
            try:
                url = await super().issue_new_wss_url()
            except Exception as error:  # network error or an API error: retry, unless closing
                if self.closed:
                    raise
                logger.warning("Socket Mode: apps.connections.open failed (%s)", type(error).__name__)
                continue
            self.connections_opened += 1
            return url


@dataclass(frozen=True)
class EnvelopeInfo:
    """How an envelope arrived: its id, Slack's retry count and reason, and how long the ack took."""

    envelope_id: str
    retry_attempt: int | None = None
    retry_reason: str | None = None
    ack_ms: float = 0.0


class SocketMode:
    """One Socket Mode connection (kept open, reconnected) that acks every envelope, then calls `handler`.

    The connection lives in a thread of its own with its own event loop: Rasa's loop is regularly busy for
    a few hundred milliseconds (NLU, tracker store), and an ack must never wait for that. The handler runs
    on Rasa's loop (`run_coroutine_threadsafe`).
    """

    def __init__(self, app_token: str, api_url: str, handler: EnvelopeHandler,
                 ping_interval: float = DEFAULT_PING_INTERVAL,
                 client_factory: Callable[[str], AsyncWebClient] | None = None) -> None:
        """Connect with `app_token` through the Web API at `api_url`; `handler(type, payload, info)` answers."""
        self.app_token = app_token
        self.api_url = api_url
        self.handler = handler
        self.ping_interval = ping_interval
        self.client_factory = client_factory or (lambda url: AsyncWebClient(base_url=url))
        self.client: CareerbotSocketModeClient | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._main_loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None

    async def start(self) -> None:
        """Start the connection's thread and connect in the background (the server starts even while Slack
        is unreachable)."""
        self._main_loop = asyncio.get_running_loop()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="slack-socket-mode", daemon=True)
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._connect(), self._loop)
        logger.info("Slack Socket Mode: connecting through %s", self.api_url)

    async def _connect(self) -> None:
        self.client = CareerbotSocketModeClient(app_token=self.app_token,
                                                web_client=self.client_factory(self.api_url),
                                                ping_interval=self.ping_interval, logger=logger)
        self.client.socket_mode_request_listeners.append(self.on_request)
        await self.client.connect()

    @property
    def connected(self) -> bool:
        """True while a WebSocket is open."""
        session = self.client.current_session if self.client else None
        return bool(session is not None and not session.closed)

    async def stop(self) -> None:
        """Close the connection, stop reconnecting and end the thread."""
        if self._loop is None:
            return
        if self.client is not None:
            closing = asyncio.run_coroutine_threadsafe(self.client.close(), self._loop)
            await asyncio.wrap_future(closing)
        self._loop.call_soon_threadsafe(self._loop.stop)
        if self._thread is not None:
            await asyncio.to_thread(self._thread.join, 5)

    async def on_request(self, client: SocketModeClient, request: SocketModeRequest) -> None:
        """Ack the envelope at once (on the connection's loop), then answer it on Rasa's loop."""
        started = time.perf_counter()
        await client.send_socket_mode_response(SocketModeResponse(envelope_id=request.envelope_id))
        info = EnvelopeInfo(request.envelope_id, request.retry_attempt, request.retry_reason,
                            (time.perf_counter() - started) * 1000)
        logger.debug("Socket Mode: acked %s envelope %s in %.1f ms", request.type, request.envelope_id, info.ack_ms)
        assert self._main_loop is not None
        asyncio.run_coroutine_threadsafe(self.handler(request.type, request.payload, info), self._main_loop)
