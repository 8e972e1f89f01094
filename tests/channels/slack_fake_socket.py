"""A fake Slack Socket Mode server on 127.0.0.1: the WebSocket endpoint apps.connections.open points to.

The fake Web API (slack_fake.py) answers apps.connections.open with `url()`, a fresh `ws://` URL of this
server. Tests then push envelopes to the connected clients (`send`), to one connection (as Slack does) or
to every one (a redelivery reaching each replica), ask a client to reconnect (`disconnect`, as Slack's
`refresh_requested`), or drop a socket without a close frame (`drop`). Every ack is recorded with the
time from sending the envelope to receiving its ack.

It runs aiohttp's server in its own thread and event loop; the public methods are called from the test's
thread.
"""
from __future__ import annotations

import asyncio
import itertools
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web


@dataclass
class Connection:
    """One client WebSocket."""

    number: int
    ws: web.WebSocketResponse
    opened_at: float
    closed_at: float | None = None


@dataclass(frozen=True)
class Ack:
    """An acknowledgement received for an envelope."""

    envelope_id: str
    connection: int
    ms: float  # from sending the envelope to receiving the ack
    payload: dict[str, Any] | None = None


@dataclass
class Sent:
    """An envelope sent to a connection."""

    envelope_id: str
    kind: str
    connection: int
    at: float
    payload: dict[str, Any] = field(default_factory=dict)


class FakeSocketMode:
    """The fake Socket Mode server (start/stop it around the tests)."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        """Listen on host:port (0 = any free port) once started."""
        self.host, self.port = host, port
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="fake-socket-mode", daemon=True)
        self._runner: web.AppRunner | None = None
        self._lock = threading.Condition()
        self._numbers = itertools.count(1)
        self._tickets = itertools.count(1)
        self._envelopes = itertools.count(1)
        self.connections: list[Connection] = []
        self.sent: list[Sent] = []
        self.acks: list[Ack] = []
        self.urls_issued = 0
        self.log: list[str] = []  # a transcript: what the fake sent and received, in order

    # ------------------------------------------------------------------ lifecycle
    def start(self) -> FakeSocketMode:
        """Start serving in the background thread."""
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._serve(), self._loop).result(10)
        return self

    async def _serve(self) -> None:
        app = web.Application()
        app.router.add_get("/link", self._websocket)
        self._runner = web.AppRunner(app, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    def stop(self) -> None:
        """Close every socket, stop the server and its thread."""
        async def shutdown() -> None:
            for connection in self.open_connections():
                await connection.ws.close()
            if self._runner is not None:
                await self._runner.cleanup()

        asyncio.run_coroutine_threadsafe(shutdown(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    def url(self) -> str:
        """A fresh WebSocket URL, as apps.connections.open hands out."""
        with self._lock:
            self.urls_issued += 1
            ticket = next(self._tickets)
        return f"ws://{self.host}:{self.port}/link?ticket={ticket}"

    # ------------------------------------------------------------------ the WebSocket endpoint
    async def _websocket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        connection = Connection(next(self._numbers), ws, time.monotonic())
        with self._lock:
            self.connections.append(connection)
            self.log.append(f"socket #{connection.number} opened")
            self._lock.notify_all()
        await ws.send_json({"type": "hello", "num_connections": len(self.open_connections()),
                            "connection_info": {"app_id": "AAPP"},
                            "debug_info": {"host": "fake", "approximate_connection_time": 3600}})
        try:
            async for message in ws:
                if message.type == WSMsgType.TEXT:
                    self._on_text(connection, message.data)
        finally:
            with self._lock:
                connection.closed_at = time.monotonic()
                self.log.append(f"socket #{connection.number} closed")
                self._lock.notify_all()
        return ws

    def _on_text(self, connection: Connection, data: str) -> None:
        now = time.monotonic()
        try:
            message = json.loads(data)
        except ValueError:
            return
        envelope_id = message.get("envelope_id") if isinstance(message, dict) else None
        if not envelope_id:
            return
        with self._lock:
            sent = next((s for s in reversed(self.sent)
                         if s.envelope_id == envelope_id and s.connection == connection.number), None)
            ms = (now - sent.at) * 1000 if sent else float("nan")
            self.acks.append(Ack(envelope_id, connection.number, ms, message.get("payload")))
            self.log.append(f"ack {envelope_id} on #{connection.number} after {ms:.1f} ms")
            self._lock.notify_all()

    # ------------------------------------------------------------------ what tests call
    def open_connections(self) -> list[Connection]:
        """The sockets open now, oldest first."""
        with self._lock:
            return [c for c in self.connections if c.closed_at is None and not c.ws.closed]

    def wait(self, predicate: Callable[[], bool], timeout: float = 60.0, what: str = "condition") -> None:
        """Wait until `predicate()` holds (it is evaluated under the lock) or fail with TimeoutError."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while not predicate():
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"fake Socket Mode: no {what} within {timeout:.0f} s; log: {self.log[-20:]}")
                self._lock.wait(min(remaining, 0.2))

    def wait_connections(self, count: int, timeout: float = 60.0) -> list[Connection]:
        """Wait until `count` sockets are open; returns them."""
        self.wait(lambda: len([c for c in self.connections if c.closed_at is None]) >= count, timeout,
                  f"{count} open sockets")
        return self.open_connections()

    def send(self, kind: str, payload: dict[str, Any], to: str | int = "one", envelope_id: str | None = None,
             retry_attempt: int = 0, retry_reason: str = "") -> str:
        """Send an envelope of `kind` (events_api, slash_commands, interactive) to `to`: "one" (the newest
        connection), "all", or a connection number. Returns its envelope id."""
        envelope_id = envelope_id or f"env-{next(self._envelopes)}-{int(time.time() * 1000)}"
        envelope = {"envelope_id": envelope_id, "type": kind, "payload": payload,
                    "accepts_response_payload": kind != "events_api",
                    "retry_attempt": retry_attempt, "retry_reason": retry_reason}
        open_now = self.open_connections()
        if to == "one":
            targets = open_now[-1:]
        elif to == "all":
            targets = open_now
        else:
            targets = [c for c in open_now if c.number == to]
        if not targets:
            raise RuntimeError(f"no open connection to send to ({to!r})")
        for connection in targets:
            self._send_json(connection, envelope, Sent(envelope_id, kind, connection.number, 0.0, payload))
        return envelope_id

    def _send_json(self, connection: Connection, message: dict[str, Any], sent: Sent | None) -> None:
        async def go() -> None:
            if sent is not None:
                sent.at = time.monotonic()
                with self._lock:
                    self.sent.append(sent)
                    self.log.append(f"sent {sent.kind} {sent.envelope_id} to #{connection.number}")
            await connection.ws.send_str(json.dumps(message))

        asyncio.run_coroutine_threadsafe(go(), self._loop).result(10)

    def disconnect(self, connection: int, reason: str = "refresh_requested") -> None:
        """Send a `disconnect` envelope (the client should open a new connection and close this one)."""
        target = next(c for c in self.open_connections() if c.number == connection)
        with self._lock:
            self.log.append(f"sent disconnect ({reason}) to #{connection}")
        self._send_json(target, {"type": "disconnect", "reason": reason,
                                 "debug_info": {"host": "fake"}}, None)

    def drop(self, connection: int) -> None:
        """Drop a socket abruptly: the TCP connection is cut without a WebSocket close frame."""
        target = next(c for c in self.open_connections() if c.number == connection)
        with self._lock:
            self.log.append(f"dropped #{connection} (no close frame)")

        def cut() -> None:
            transport = target.ws._req.transport if target.ws._req is not None else None  # type: ignore[union-attr]
            if transport is not None:
                transport.abort()

        self._loop.call_soon_threadsafe(cut)

    def acks_for(self, envelope_id: str) -> list[Ack]:
        """The acks received for one envelope."""
        with self._lock:
            return [a for a in self.acks if a.envelope_id == envelope_id]
