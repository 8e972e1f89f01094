"""A fake Slack Web API on 127.0.0.1 that records chat.postMessage calls, for offline channel tests.

It answers like Slack does (HTTP 200 with `{"ok": ...}`), checks the bot token, and lets a test wait
until the calls it expects have arrived.
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

    def __init__(self, token: str, host: str = "127.0.0.1", port: int = 0) -> None:
        """Accept requests bearing `token` on host:port (0 = any free port)."""
        self.token = token
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

    def start(self) -> FakeSlack:
        """Serve in a background thread."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and free the port."""
        self._server.shutdown()
        self._server.server_close()

    def calls(self, method: str = "chat.postMessage") -> list[ApiCall]:
        """A snapshot of the calls received for `method`, oldest first."""
        with self._lock:
            return [call for call in self._calls if call.method == method]

    def wait_for(self, predicate: Callable[[list[ApiCall]], bool], timeout: float = 60.0) -> list[ApiCall]:
        """Wait until `predicate(chat.postMessage calls)` holds; returns the calls, or raises TimeoutError."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                calls = [call for call in self._calls if call.method == "chat.postMessage"]
                if predicate(calls):
                    return calls
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"Slack calls so far: {[c.args for c in calls]}")
                self._lock.wait(remaining)

    def _record(self, call: ApiCall) -> dict[str, Any]:
        with self._lock:
            self._calls.append(call)
            self._ts += 1
            self._lock.notify_all()
            ts = f"{self._ts}.000200"
        if call.token != self.token:
            return {"ok": False, "error": "invalid_auth"}
        if call.method != "chat.postMessage":
            return {"ok": False, "error": "unknown_method"}
        if not call.channel:
            return {"ok": False, "error": "channel_not_found"}
        return {"ok": True, "channel": call.channel, "ts": ts,
                "message": {"type": "message", "text": call.text, "ts": ts, "bot_id": "BFAKE",
                            **({"thread_ts": call.thread_ts} if call.thread_ts else {})}}

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
                auth = self.headers.get("Authorization") or ""
                token = auth[len("Bearer "):] if auth.startswith("Bearer ") else args.get("token", "")
                method = self.path.split("?")[0].rsplit("/", 1)[-1]
                body = json.dumps(fake._record(ApiCall(method=method, token=token, args=args))).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        return Handler
