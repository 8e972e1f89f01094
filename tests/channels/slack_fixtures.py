"""Fixtures and helpers for the Slack tests: fakes on 127.0.0.1 and real Rasa servers configured for Slack.

Test modules load this file by path (`load_module`) and bind the fixtures they use. It depends only on the
fixtures `trained_model`, `action_server` and `knowledge_db_url` of tests/channels/conftest.py.

`socket_system` starts a fake Slack Web API (slack_fake.py), a fake Socket Mode server
(slack_fake_socket.py) and TWO real Rasa servers ("replicas") whose credentials give them the same app
token: each opens its own Socket Mode connection through the fake apps.connections.open. Both share one
conversations database (TRACKER_STORE_URL), as replicas of one deployment do, and with it the shared
delivery and intro markers (bot/channels/slack_dedupe.py).
"""
from __future__ import annotations

import importlib.util
import itertools
import json
import os
import random
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit

import pytest

from support.servers import stop_group

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
RASA_START_SECONDS = 300
TOKEN = "xoxb-fake-token"
APP_TOKEN = "xapp-1-AFAKE-1-fake"
SECRET = "fake-signing-secret"
BOT_USER = "UCAREERBOT"
TEAM = "TCAREER"
_handed_out: set[int] = set()


def load_module(name: str) -> ModuleType:
    """Import tests/channels/<name>.py by path (whatever the test package layout), once."""
    full = f"careerbot_{name}"
    if full in sys.modules:
        return sys.modules[full]
    spec = importlib.util.spec_from_file_location(full, HERE / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[full] = module
    spec.loader.exec_module(module)
    return module


def free_port() -> int:
    """A free loopback port, from CAREERBOT_TEST_PORTS (e.g. 5700-5799) when set, never handed out twice."""
    spec = os.environ.get("CAREERBOT_TEST_PORTS", "")
    if spec:
        low, high = (int(part) for part in spec.split("-"))
        candidates = random.sample(range(low, high + 1), high - low + 1)
    else:
        candidates = [0] * 20
    for candidate in candidates:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            try:
                probe.bind(("127.0.0.1", candidate))
            except OSError:
                continue
            port = probe.getsockname()[1]
        if port not in _handed_out:
            _handed_out.add(port)
            return port
    raise RuntimeError(f"no free loopback port (CAREERBOT_TEST_PORTS={spec!r})")


def get(url: str, timeout: float = 5) -> tuple[int, bytes]:
    """GET `url`: status and body (HTTP errors included)."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as reply:
            return reply.status, reply.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


@dataclass
class RasaProcess:
    """A Rasa server started for the Slack tests."""

    name: str
    port: int
    process: subprocess.Popen
    log: Path

    @property
    def url(self) -> str:
        """Its base URL."""
        return f"http://127.0.0.1:{self.port}"

    def health(self) -> dict[str, Any]:
        """The Slack channel's health route."""
        status, body = get(self.url + "/webhooks/slack/")
        return json.loads(body) if status == 200 else {}

    def log_text(self) -> str:
        """Everything the server logged."""
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def stop(self) -> None:
        """Stop the process group started for it."""
        if self.process.poll() is None:
            stop_group(self.process)


def start_rasa(name: str, model: Path, credentials: Path, env: dict[str, str], tmp: Path) -> RasaProcess:
    """Start `python -m bot.server run` with `credentials` on a free loopback port (not yet waited for)."""
    port = free_port()
    log = tmp / f"{name}.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot.server", "run", "--model", str(model), "--credentials", str(credentials),
             "--endpoints", str(ROOT / "endpoints.yml"), "--interface", "127.0.0.1", "--port", str(port)],
            cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT), "RASA_TELEMETRY_ENABLED": "false", **env},
            stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    return RasaProcess(name, port, process, log)


def wait_up(server: RasaProcess, ready: Any, timeout: float = RASA_START_SECONDS) -> dict[str, Any]:
    """Wait until the server's Slack health satisfies `ready(health)`; fails with the log's end otherwise."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            pytest.fail(f"{server.name} exited with {server.process.returncode}:\n{server.log_text()[-4000:]}")
        try:
            health = server.health()
            if health and ready(health):
                return health
        except OSError:
            pass
        time.sleep(0.5)
    pytest.fail(f"{server.name} not ready after {timeout:.0f} s:\n{server.log_text()[-4000:]}")


def envelope(event: dict[str, Any], event_id: str) -> dict[str, Any]:
    """An Events API `event_callback` as Slack wraps an event."""
    return {"type": "event_callback", "team_id": TEAM, "api_app_id": "AAPP", "event_id": event_id,
            "event_time": int(time.time()), "event": event,
            "authorizations": [{"team_id": TEAM, "user_id": BOT_USER, "is_bot": True}]}


@dataclass
class SocketSystem:
    """Fake Slack (Web API + Socket Mode) and two Rasa replicas connected to it."""

    slack: Any
    sockets: Any
    replicas: list[RasaProcess]
    tracker_db: Path
    _ts: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    def ts(self) -> str:
        """A fresh Slack message timestamp."""
        return f"{int(time.time())}.{next(self._ts):06d}"

    def dm(self, user: str, channel: str, text: str, to: str | int = "one", thread_ts: str | None = None,
           **event: Any) -> tuple[str, str, dict[str, Any]]:
        """A direct message as a Socket Mode events_api envelope; returns (envelope id, ts, payload)."""
        ts = self.ts()
        body = {"type": "message", "channel_type": "im", "channel": channel, "user": user, "text": text,
                "ts": ts, "team": TEAM, **event}
        if thread_ts:
            body["thread_ts"] = thread_ts
        payload = envelope(body, f"Ev{ts.replace('.', '')}")
        return self.sockets.send("events_api", payload, to=to), ts, payload

    def replies(self, channel: str, thread_ts: str | None = None, method: str = "chat.postMessage") -> list[Any]:
        """Calls of `method` so far into one channel (and thread; None = top level)."""
        return [c for c in self.slack.calls(method) if c.channel == channel and c.thread_ts == thread_ts]

    def wait_replies(self, channel: str, thread_ts: str | None = None, count: int = 1,
                     timeout: float = 90.0) -> list[Any]:
        """Wait until `count` messages were posted into the channel (and thread); return them."""
        self.slack.wait_for(lambda calls: sum(c.channel == channel and c.thread_ts == thread_ts
                                              for c in calls) >= count, timeout)
        return self.replies(channel, thread_ts)

    def settle(self, user: str, channel: str, to: str | int = "one") -> None:
        """Wait until the conversation is idle: a greeting sent in a thread of its own gets its answer."""
        thread = self.ts()
        self.dm(user, channel, "hello", to=to, thread_ts=thread)
        self.wait_replies(channel, thread)


@pytest.fixture(scope="module")
def socket_system(trained_model: Path, action_server: Any, knowledge_db_url: str,
                  tmp_path_factory: pytest.TempPathFactory) -> Iterator[SocketSystem]:
    """The fakes and two Socket Mode replicas (module scope: started once per test module)."""
    slack_fake = load_module("slack_fake")
    fake_socket = load_module("slack_fake_socket")
    tmp = tmp_path_factory.mktemp("slack-socket")
    sockets = fake_socket.FakeSocketMode(port=free_port()).start()
    slack = slack_fake.FakeSlack(TOKEN, port=free_port(), app_token=APP_TOKEN, socket_url=sockets.url).start()
    credentials = tmp / "credentials.yml"
    credentials.write_text("bot.channels.slack.CareerbotSlackInput:\n"
                           "  slack_token: ${SLACK_BOT_TOKEN}\n"
                           "  slack_app_token: ${SLACK_APP_TOKEN}\n"
                           "  slack_api_url: ${SLACK_API_URL}\n")
    tracker_db = tmp / "tracker.db"
    env = {"ACTIONS_PORT": str(urlsplit(action_server.url).port), "SLACK_BOT_TOKEN": TOKEN,
           "SLACK_APP_TOKEN": APP_TOKEN, "SLACK_API_URL": slack.api_url, "SLACK_SIGNING_SECRET": "",
           "SLACK_SOCKET_PING_INTERVAL": "1", "TRACKER_STORE_URL": f"sqlite:///{tracker_db}",
           "CAREERBOT_DB_URL": knowledge_db_url}
    replicas = [start_rasa(f"rasa-replica-{i}", trained_model, credentials, env, tmp) for i in (1, 2)]
    try:
        for replica in replicas:
            health = wait_up(replica, lambda h: h.get("socket_connected"))
            assert health["socket_mode"] and health["configured"]
        sockets.wait_connections(2)
        yield SocketSystem(slack=slack, sockets=sockets, replicas=replicas, tracker_db=tracker_db)
    finally:
        for replica in replicas:
            replica.stop()
        slack.stop()
        sockets.stop()


def transcript(slack: Any, width: int = 110) -> str:
    """What the fake Web API recorded, one line per call: method, status, where, and the start of the text."""
    lines = []
    for call in slack.all_calls():
        args = call.args
        where = " ".join(f"{key}={args[key]}" for key in ("channel", "thread_ts", "user", "users", "user_id",
                                                           "response_url", "response_type") if args.get(key))
        text = args.get("text") or ""
        if not text and args.get("view"):
            view = json.loads(args["view"]) if isinstance(args["view"], str) else args["view"]
            text = " | ".join(b["text"]["text"] for b in view.get("blocks", []) if b.get("type") == "section")
        text = " ".join(str(text).split())
        lines.append(f"{call.method} {call.status} {where} :: {text[:width]}")
    return "\n".join(lines)
