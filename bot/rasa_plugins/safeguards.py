"""Make the Rasa server's failures polite for users and visible for operators.

Rasa 3.6 hides two failures by default:
- action server unreachable: RemoteAction raises, the processor logs it and goes on, and the user gets
  silence. `PoliteActionEndpoint` answers such a call itself, as the action server would, with the domain
  response utter_kb_unavailable ("Sorry, I can't look that up right now..."). The next message tries the
  action server again, so the conversation recovers as soon as it is back.
- tracker store unreachable: the Agent wraps every store in a FailSafeTrackerStore, which logs the error,
  starts the conversation afresh and saves it in memory. `install` removes that wrapper, so the error
  reaches the channel (bot.channels.rest answers 503) and the health check reports it.

(Kept-alive connections to the action server were removed: bench/PATCH_GROUPS.md measured no gain.)

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
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
from rasa.core.tracker_store import InMemoryTrackerStore, TrackerStore
from rasa.utils.endpoints import ClientResponseError, EndpointConfig

from bot.actions.names import UTTER_KB_UNAVAILABLE

logger = logging.getLogger(__name__)

ACTION_TIMEOUT_ENV = "CAREERBOT_ACTION_TIMEOUT"
DEFAULT_ACTION_TIMEOUT = 30.0  # seconds; Rasa waits 5 minutes, far longer than anyone waits for a chat reply
PROBE_TIMEOUT = 3.0  # seconds for each check of the health report


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
    """The action server's endpoint: utter_kb_unavailable as the answer when the server is down, fails or is
    slow."""

    @classmethod
    def wrap(cls, endpoint: EndpointConfig) -> PoliteActionEndpoint:
        """The same endpoint (URL, headers, auth...) with polite failure handling."""
        polite = cls(endpoint.url, endpoint.params, endpoint.headers, endpoint.basic_auth, endpoint.token,
                     endpoint.token_name, endpoint.cafile, **endpoint.kwargs)
        polite.type = endpoint.type
        return polite

    async def request(self, method: str = "post", subpath: str | None = None,
                      content_type: str | None = "application/json", compress: bool = False,
                      **kwargs: Any) -> Any:
        """Call the action server (Rasa's EndpointConfig.request); on a connection error, timeout or 5xx, log
        it and answer politely."""
        kwargs["timeout"] = min(float(kwargs.get("timeout") or action_timeout()), action_timeout())
        try:
            return await super().request(method, subpath, content_type, compress, **kwargs)
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
