"""A fake Slack Web API on 127.0.0.1 that records the calls careerbot makes, for offline channel tests.

It answers like Slack does (HTTP 200 with `{"ok": ...}`), checks the bot token (the app token for
apps.connections.open), and lets a test wait until the calls it expects have arrived. Methods:
chat.postMessage, chat.postEphemeral, conversations.open, views.publish, apps.connections.open (which
hands out the fake Socket Mode server's WebSocket URL, tests/channels/slack_fake_socket.py), and
`POST /response/<id>`, a slash command's response_url. `rate_limit()` makes the next calls of a method
answer HTTP 429 with a Retry-After header, as Slack does.
"""
from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs


@dataclass(frozen=True)
class ApiCall:
    """One Web API request the fake received."""

    method: str
    token: str
    args: dict[str, Any] = field(default_factory=dict)
    status: int = 200
    at: float = 0.0  # time.monotonic() when it arrived

    @property
    def channel(self) -> str | None:
        """The `channel` argument."""
        return self.args.get("channel")

    @property
    def thread_ts(self) -> str | None:
        """The `thread_ts` argument (None for a top-level message)."""
        return self.args.get("thread_ts")

    @property
    def text(self) -> str:
        """The `text` argument (the mrkdwn answer, or the notification text of a blocks message)."""
        return self.args.get("text") or ""

    @property
    def blocks(self) -> list[dict[str, Any]]:
        """The Block Kit blocks, decoded if they were sent as a JSON string."""
        blocks = self.args.get("blocks") or []
        return json.loads(blocks) if isinstance(blocks, str) else blocks

    @property
    def buttons(self) -> list[dict[str, Any]]:
        """Every button element of the message's actions blocks."""
        return [element for block in self.blocks if block.get("type") == "actions"
                for element in block.get("elements", []) if element.get("type") == "button"]


class FakeSlack:
    """A threaded HTTP server speaking enough of the Slack Web API for chat.postMessage."""

    def __init__(self, token: str, host: str = "127.0.0.1", port: int = 0, app_token: str = "",
                 socket_url: Callable[[], str] | None = None) -> None:
        """Accept requests bearing `token` on host:port (0 = any free port); apps.connections.open wants
        `app_token` and answers with `socket_url()`."""
        self.token = token
        self.app_token = app_token
        self.socket_url = socket_url
        self._rate_limited: dict[str, list[int]] = {}
        self._calls: list[ApiCall] = []
        self._lock = threading.Condition()
        self._ts = 1_700_000_000
        self._server = ThreadingHTTPServer((host, port), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="fake-slack", daemon=True)

    @property
    def api_url(self) -> str:
        """Base URL to give the Slack client (like https://slack.com/api/)."""
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/api/"

    @property
    def response_url_base(self) -> str:
        """Prefix of the response_url this fake accepts (a slash command's private reply channel)."""
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/response/"

    def start(self) -> FakeSlack:
        """Serve in a background thread."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and free the port."""
        self._server.shutdown()
        self._server.server_close()

    def rate_limit(self, method: str, times: int = 1, retry_after: int = 1) -> None:
        """Answer the next `times` calls of `method` with HTTP 429 and `Retry-After: retry_after`."""
        with self._lock:
            self._rate_limited.setdefault(method, []).extend([retry_after] * times)

    def calls(self, method: str = "chat.postMessage", *, rejected: bool = False) -> list[ApiCall]:
        """A snapshot of the calls received for `method` (answered 200, or with `rejected` also the 429s)."""
        with self._lock:
            return [call for call in self._calls if call.method == method and (rejected or call.status == 200)]

    def all_calls(self) -> list[ApiCall]:
        """Every call received, any method and status, oldest first."""
        with self._lock:
            return list(self._calls)

    def wait_for(self, predicate: Callable[[list[ApiCall]], bool], timeout: float = 60.0,
                 method: str = "chat.postMessage") -> list[ApiCall]:
        """Wait until `predicate(calls of method)` holds; returns the calls, or raises TimeoutError."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                calls = [call for call in self._calls if call.method == method and call.status == 200]
                if predicate(calls):
                    return calls
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"Slack calls so far: {[c.args for c in calls]}")
                self._lock.wait(remaining)

    def _take_rate_limit(self, method: str) -> int | None:
        with self._lock:
            pending = self._rate_limited.get(method)
            return pending.pop(0) if pending else None

    def _record(self, call: ApiCall) -> dict[str, Any]:
        with self._lock:
            self._calls.append(call)
            self._ts += 1
            self._lock.notify_all()
            ts = f"{self._ts}.000200"
        if call.status != 200:
            return {"ok": False, "error": "ratelimited"}
        if call.method == "response_url":
            return {"ok": True}
        if call.method == "apps.connections.open":
            if not self.app_token or call.token != self.app_token or self.socket_url is None:
                return {"ok": False, "error": "invalid_auth"}
            return {"ok": True, "url": self.socket_url()}
        if call.token != self.token:
            return {"ok": False, "error": "invalid_auth"}
        if call.method == "chat.postMessage":
            if not call.channel:
                return {"ok": False, "error": "channel_not_found"}
            return {"ok": True, "channel": call.channel, "ts": ts,
                    "message": {"type": "message", "text": call.text, "ts": ts, "bot_id": "BFAKE",
                                **({"thread_ts": call.thread_ts} if call.thread_ts else {})}}
        if call.method == "chat.postEphemeral":
            if not (call.channel and call.args.get("user")):
                return {"ok": False, "error": "channel_not_found"}
            return {"ok": True, "message_ts": ts}
        if call.method == "conversations.open":
            users = sorted(u for u in str(call.args.get("users") or "").split(",") if u)
            if not users:
                return {"ok": False, "error": "users_list_not_supplied"}
            prefix = "D" if len(users) == 1 else "G"
            return {"ok": True, "channel": {"id": prefix + "".join(u[-4:] for u in users).upper()}}
        if call.method == "views.publish":
            view = call.args.get("view")
            view = json.loads(view) if isinstance(view, str) else view
            if not call.args.get("user_id") or not isinstance(view, dict) or view.get("type") != "home":
                return {"ok": False, "error": "invalid_arguments"}
            return {"ok": True, "view": {"id": f"V{self._ts}", **view}}
        return {"ok": False, "error": "unknown_method"}

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode("utf-8")
                kind = (self.headers.get("Content-Type") or "").split(";")[0].strip()
                if kind == "application/json":
                    args = json.loads(raw or "{}")
                else:
                    args = {key: values[0] for key, values in parse_qs(raw).items()}
                if "?" in self.path:  # some slack_sdk methods send their arguments as query parameters
                    query = {key: values[0] for key, values in parse_qs(self.path.split("?", 1)[1]).items()}
                    args = {**query, **args}
                auth = self.headers.get("Authorization") or ""
                token = auth[len("Bearer "):] if auth.startswith("Bearer ") else args.get("token", "")
                path = self.path.split("?")[0]
                method = "response_url" if path.startswith("/response/") else path.rsplit("/", 1)[-1]
                if method == "response_url":
                    args["response_url"] = path
                retry_after = fake._take_rate_limit(method)
                status = 200 if retry_after is None else 429
                call = ApiCall(method=method, token=token, args=args, status=status, at=time.monotonic())
                body = json.dumps(fake._record(call)).encode()
                self.send_response(status)
                if retry_after is not None:
                    self.send_header("Retry-After", str(retry_after))
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        return Handler
