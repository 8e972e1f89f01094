"""Fixtures of the hardened-channel tests (loaded with `pytest_plugins`): a real Rasa server configured as
`make serve` configures it (CORS allowlist = the demo page's origin), the demo page's web server on that
origin, and small socket.io / REST clients.

The action server, the trained model and the browser come from tests/channels/conftest.py (by fixture name).
Everything listens on 127.0.0.1 on ports from CAREERBOT_TEST_PORTS.
"""
from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from e2e.harness import free_port
from support.servers import stop_group

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
START_SECONDS = 300


@dataclass
class Proc:
    """A server process started by these fixtures, with its log."""

    name: str
    url: str
    process: subprocess.Popen
    log: Path

    def log_text(self) -> str:
        """The whole log."""
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def stop(self) -> None:
        """Stop the process group."""
        if self.process.poll() is None:
            stop_group(self.process)


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as reply:
            return reply.status == 200
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return False


def start(name: str, command: list[str], port: int, ready_path: str, log_dir: Path, env: dict[str, str],
          timeout: float) -> Proc:
    """Start `command` (listening on `port`) and wait until GET ready_path answers 200, or fail with its log."""
    log = log_dir / f"{name}-{port}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=ROOT, env={**os.environ, "RASA_TELEMETRY_ENABLED": "false", **env},
                                   stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    proc = Proc(name, f"http://127.0.0.1:{port}", process, log)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        if _answers(proc.url + ready_path):
            return proc
        time.sleep(1)
    proc.stop()
    pytest.fail(f"{name} did not start on {proc.url}:\n{proc.log_text()[-3000:]}", pytrace=False)


@dataclass
class GuardedStack:
    """The Rasa server as `make serve` runs it and the origin of the demo page allowed to use it."""

    rasa: Proc
    web_port: int

    @property
    def origin(self) -> str:
        """The demo page's origin (the one CAREERBOT_ALLOWED_ORIGINS allows)."""
        return f"http://127.0.0.1:{self.web_port}"


@pytest.fixture(scope="session")
def guarded_stack(trained_model: Path, servers_log_dir: Path, action_server: Any) -> Iterator[GuardedStack]:
    """A Rasa server with credentials.yml's channels, CORS limited to the demo page's origin (as `make serve`)."""
    web_port, rasa_port = free_port(), free_port()
    origin = f"http://127.0.0.1:{web_port}"
    rasa = start("guarded-rasa", [
        str(VENV_BIN / "python"), "-m", "bot.server", "run", "--model", str(trained_model),
        "--endpoints", "endpoints.yml", "--credentials", "credentials.yml",
        "-i", "127.0.0.1", "-p", str(rasa_port), "--cors", origin,
    ], rasa_port, "/webhooks/socketio/", servers_log_dir, {
        "ACTIONS_PORT": str(action_server.port),
        "TRACKER_STORE_URL": f"sqlite:///{servers_log_dir / 'guarded-tracker.db'}",
        "CAREERBOT_ALLOWED_ORIGINS": origin,
    }, START_SECONDS)
    yield GuardedStack(rasa, web_port)
    rasa.stop()


@pytest.fixture(scope="session")
def guarded_web(guarded_stack: GuardedStack, servers_log_dir: Path) -> Iterator[Proc]:
    """The demo page (web/serve.py) on the allowed origin, its widget talking to the guarded Rasa server."""
    web = start("guarded-web", [sys.executable, str(ROOT / "web" / "serve.py"), "--port", str(guarded_stack.web_port),
                                "--server-url", guarded_stack.rasa.url],
                guarded_stack.web_port, "/", servers_log_dir, {}, 30)
    yield web
    web.stop()


def rest_post(url: str, body: bytes | dict, timeout: float = 60, headers: dict[str, str] | None = None
              ) -> tuple[int, Any]:
    """POST to the REST webhook: (status, decoded JSON or text)."""
    import json

    data = body if isinstance(body, bytes) else json.dumps(body).encode("utf-8")
    request = urllib.request.Request(url + "/webhooks/rest/webhook", data=data, method="POST",
                                     headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as reply:
            status, raw = reply.status, reply.read()
    except urllib.error.HTTPError as error:
        status, raw = error.code, error.read()
    try:
        return status, json.loads(raw)
    except ValueError:
        return status, raw.decode("utf-8", "replace")


class SioClient:
    """A python-socketio client that records every event it receives."""

    def __init__(self) -> None:
        import socketio

        self.client = socketio.AsyncClient(reconnection=False)
        self.events: asyncio.Queue[tuple[str, Any]] = asyncio.Queue()
        self.log: list[tuple[str, Any]] = []

        @self.client.on("*")
        async def any_event(event: str, *args: Any) -> None:
            item = (event, args[0] if args else None)
            self.log.append(item)
            self.events.put_nowait(item)

    async def connect(self, url: str, transport: str = "websocket", **kwargs: Any) -> None:
        """Connect to the server's socket.io endpoint."""
        await self.client.connect(url, transports=[transport], socketio_path="/socket.io", wait_timeout=30,
                                  **kwargs)

    async def next(self, event: str, timeout: float = 60) -> Any:
        """The data of the next `event` received (other events are kept in the log)."""
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"no {event!r} within {timeout}s; received {self.log[-10:]}")
            name, data = await asyncio.wait_for(self.events.get(), timeout=remaining)
            if name == event:
                return data

    async def session(self, session_id: str | None = None, secret: str | None = None) -> dict[str, str]:
        """Ask for a session (optionally resuming one) and return the confirmation."""
        await self.client.emit("session_request", {"session_id": session_id, "session_secret": secret})
        return await self.next("session_confirm")

    async def ask(self, text: str, timeout: float = 90) -> dict[str, Any]:
        """Send a message and return the next bot_uttered."""
        await self.client.emit("user_uttered", {"message": text})
        return await self.next("bot_uttered", timeout=timeout)

    async def close(self) -> None:
        """Disconnect."""
        await self.client.disconnect()


def run_async(coroutine: Any, timeout: float = 600) -> Any:
    """Run a coroutine in a thread of its own (a fresh event loop whatever Playwright keeps running)."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result(timeout=timeout)
