"""Make the Rasa server's failures polite for users and visible for operators.

Rasa 3.6 hides two failures by default:
- action server unreachable: RemoteAction raises, the processor logs it and goes on, and the user gets
  silence. `PoliteActionEndpoint` answers such a call itself, as the action server would, with the domain
  response utter_kb_unavailable ("Sorry, I can't look that up right now..."). The next message tries the
  action server again, so the conversation recovers as soon as it is back.
- tracker store unreachable: the Agent wraps every store in a FailSafeTrackerStore, which logs the error,
  starts the conversation afresh and saves it in memory. `install` removes that wrapper, so the error
  reaches the channel (bot.channels.rest answers 503) and the health check reports it.

`PoliteActionEndpoint` also keeps one aiohttp session with keep-alive connections to the action server,
where Rasa opens a new session and TCP connection for every call (profiled with py-spy; bench/RESULTS.md):
the speed group "keepalive", read from `KEEP_ALIVE`.

bot.rasa_plugins.patches installs these for every Rasa server careerbot starts (any channel, `rasa shell`
included): `polite_agent_init` wraps Agent.__init__ (every agent, also one loaded later through the HTTP
API, gets the polite endpoint before its processor is made) and `unwrapped_tracker_store` replaces
Agent._create_tracker_store (no FailSafeTrackerStore). `input_or_none_at_eof` makes Ctrl-D leave `rasa shell`.
"""
from __future__ import annotations

import asyncio
import functools
import logging
import os
import ssl
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
import ujson
from rasa.core.tracker_store import InMemoryTrackerStore, TrackerStore
from rasa.utils.endpoints import ClientResponseError, EndpointConfig, concat_url

from bot.actions.names import UTTER_KB_UNAVAILABLE

logger = logging.getLogger(__name__)

ACTION_TIMEOUT_ENV = "CAREERBOT_ACTION_TIMEOUT"
DEFAULT_ACTION_TIMEOUT = 30.0  # seconds; Rasa waits 5 minutes, far longer than anyone waits for a chat reply
PROBE_TIMEOUT = 3.0  # seconds for each check of the health report
# Idle keep-alive connections to the action server are closed after this many seconds: under the 5 s after
# which the action server (Sanic's KEEP_ALIVE_TIMEOUT) closes them, so that we rarely reuse a closing one.
KEEPALIVE_SECONDS = 4.0
#: the "keepalive" speed group (set by bot.rasa_plugins.patches): False calls Rasa's EndpointConfig.request,
#: a new session and connection per call, still answered politely on failure
KEEP_ALIVE = True


def action_timeout() -> float:
    """Seconds to wait for the action server (CAREERBOT_ACTION_TIMEOUT, default 30)."""
    try:
        return float(os.environ.get(ACTION_TIMEOUT_ENV) or DEFAULT_ACTION_TIMEOUT)
    except ValueError:
        return DEFAULT_ACTION_TIMEOUT


def unavailable_reply() -> dict[str, list]:
    """What the action server would answer to say it cannot look things up: utter_kb_unavailable."""
    return {"events": [], "responses": [{"response": UTTER_KB_UNAVAILABLE}]}


class PoliteActionEndpoint(EndpointConfig):
    """The action server's endpoint: calls over kept-alive connections, and utter_kb_unavailable as the answer
    when the server is down, fails or is slow."""

    @classmethod
    def wrap(cls, endpoint: EndpointConfig) -> PoliteActionEndpoint:
        """The same endpoint (URL, headers, auth...) with pooled connections and polite failure handling."""
        polite = cls(endpoint.url, endpoint.params, endpoint.headers, endpoint.basic_auth, endpoint.token,
                     endpoint.token_name, endpoint.cafile, **endpoint.kwargs)
        polite.type = endpoint.type
        return polite

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pool: aiohttp.ClientSession | None = None
        self._pool_loop: asyncio.AbstractEventLoop | None = None

    def _session(self) -> aiohttp.ClientSession:
        """The session of the running event loop (made on first use; a new loop gets a new one)."""
        loop = asyncio.get_running_loop()
        if self._pool is None or self._pool.closed or self._pool_loop is not loop:
            auth = None
            if self.basic_auth:
                auth = aiohttp.BasicAuth(self.basic_auth["username"], self.basic_auth["password"])
            connector = aiohttp.TCPConnector(keepalive_timeout=KEEPALIVE_SECONDS,
                                             ssl=ssl.create_default_context(cafile=self.cafile)
                                             if self.cafile else None)
            self._pool = aiohttp.ClientSession(connector=connector, headers=self.headers, auth=auth,
                                               json_serialize=ujson.dumps)  # 3x faster than json.dumps
            self._pool_loop = loop
        return self._pool

    async def close(self) -> None:
        """Close the kept-alive connections (when the server stops)."""
        if self._pool is not None and not self._pool.closed:
            await self._pool.close()

    async def _call(self, method: str, subpath: str | None, content_type: str | None, compress: bool,
                    **kwargs: Any) -> Any:
        """EndpointConfig.request (rasa/utils/endpoints.py, 3.6) over the pooled session."""
        if not KEEP_ALIVE:
            return await super().request(method, subpath, content_type, compress, **kwargs)
        headers = {"Content-Type": content_type} if content_type else {}
        headers.update(kwargs.pop("headers", None) or {})
        if self.headers:
            headers.update(self.headers)
        timeout = aiohttp.ClientTimeout(total=float(kwargs.pop("timeout")))
        async with self._session().request(method, concat_url(self.url, subpath), headers=headers,
                                           params=self.combine_parameters(kwargs), compress=compress,
                                           timeout=timeout, **kwargs) as response:
            if response.status >= 400:
                raise ClientResponseError(response.status, response.reason, await response.content.read())
            try:
                return await response.json()
            except aiohttp.ContentTypeError:
                return None

    async def request(self, method: str = "post", subpath: str | None = None,
                      content_type: str | None = "application/json", compress: bool = False,
                      **kwargs: Any) -> Any:
        """Call the action server; on a connection error, timeout or 5xx, log it and answer politely.

        A kept-alive connection the action server closed meanwhile (it restarted, or its keep-alive ran out
        as we sent) is retried once on a new connection before the server counts as down."""
        kwargs["timeout"] = min(float(kwargs.get("timeout") or action_timeout()), action_timeout())
        try:
            try:
                return await self._call(method, subpath, content_type, compress, **kwargs)
            except (aiohttp.ServerDisconnectedError, aiohttp.ClientOSError):
                return await self._call(method, subpath, content_type, compress, **kwargs)
        except ClientResponseError as error:
            if error.status == 400:  # an action rejecting itself: Rasa's own handling applies
                raise
            reason = f"HTTP {error.status} {error.message}"
        except (aiohttp.ClientError, asyncio.TimeoutError, OSError) as error:
            reason = f"{type(error).__name__}: {error}".rstrip(": ")
        logger.error("The action server at %s is unavailable (%s); the user is told %s.",
                     self.url, reason, UTTER_KB_UNAVAILABLE)
        return unavailable_reply()


def polite_agent_init(original: Callable[..., None]) -> Callable[..., None]:
    """Agent.__init__, then the agent's action endpoint becomes a PoliteActionEndpoint (its processor, made
    later by load_model, takes the agent's endpoint)."""
    @functools.wraps(original)
    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        if self.action_endpoint is not None and not isinstance(self.action_endpoint, PoliteActionEndpoint):
            self.action_endpoint = PoliteActionEndpoint.wrap(self.action_endpoint)
    return __init__


def unwrapped_tracker_store(store: TrackerStore | None, domain: Any) -> TrackerStore:
    """Agent._create_tracker_store without the FailSafeTrackerStore around it: a failing store's error reaches
    the channel and the health check instead of a silent fall-back to memory."""
    if store is not None:
        store.domain = domain
        return store
    return InMemoryTrackerStore(domain)


def input_or_none_at_eof(read_input: Callable[[Any], Awaitable[str]]) -> Callable[[Any], Awaitable[str | None]]:
    """Rasa's console input, with end of input (Ctrl-D) read as "leave", which Rasa signals with None (Rasa
    3.6 lets the EOFError escape its input loop, which leaves the shell hanging)."""
    @functools.wraps(read_input)
    async def read(previous_response: Any) -> str | None:
        try:
            return await read_input(previous_response)
        except EOFError:
            return None
    return read


async def shutdown(agent: Any) -> None:
    """Close the kept-alive connections to the action server (the server is stopping)."""
    endpoint = getattr(agent, "action_endpoint", None)
    if isinstance(endpoint, PoliteActionEndpoint):
        await endpoint.close()


async def _probe(check: Any) -> str:
    """Run a blocking check in a thread with a timeout: 'ok', or the error in one line."""
    try:
        await asyncio.wait_for(asyncio.to_thread(check), PROBE_TIMEOUT)
    except Exception as error:  # any failure is the answer
        return f"error: {type(error).__name__}: {str(error).strip().splitlines()[0] if str(error).strip() else ''}"
    return "ok"


async def _probe_action_server(endpoint: EndpointConfig | None) -> str:
    if endpoint is None or not endpoint.url:
        return "not configured"
    url = endpoint.url.rsplit("/webhook", 1)[0] + "/health"
    try:
        timeout = aiohttp.ClientTimeout(total=PROBE_TIMEOUT)
        async with aiohttp.ClientSession(timeout=timeout) as session, session.get(url) as response:
            return "ok" if response.status == 200 else f"error: HTTP {response.status}"
    except (aiohttp.ClientError, asyncio.TimeoutError, OSError) as error:
        return f"error: {type(error).__name__}"


async def health(agent: Any) -> tuple[int, dict[str, Any]]:
    """The server's health: (200 or 503, report). 503 when the model, the tracker store or the lock store
    is unusable; an unreachable action server only degrades the service (users get a polite message)."""
    report: dict[str, Any] = {"model": "ok" if agent is not None and agent.is_ready() else "error: not loaded"}
    failing = report["model"] != "ok"
    for part in ("tracker_store", "lock_store"):
        store = getattr(agent, part, None) if agent is not None else None
        if store is None:
            report[part] = "error: none"
            failing = True
            continue
        ping = getattr(store, "ping", None)
        state = await _probe(ping) if ping is not None else "ok"
        where = store.describe() if hasattr(store, "describe") else type(store).__name__
        report[part] = f"{state} ({where})"
        failing = failing or state != "ok"
    action_server = await _probe_action_server(getattr(agent, "action_endpoint", None))
    report["action_server"] = action_server
    report["status"] = "failing" if failing else ("ok" if action_server == "ok" else "degraded")
    return (503 if failing else 200), report
