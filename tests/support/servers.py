"""Server processes started by the tests: start in a process group of its own, poll until ready (failing with
the end of the log when the process dies or time runs out), stop the whole group. On top of them,
`ServerPair`: an action server and a Rasa server (careerbot's REST and socket.io channels, CORS open) with the
trained model, the knowledge base and the conversations in a temporary folder, on free loopback ports."""
from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests

from support.chat import RestChat
from support.env import BIN, REPO_ROOT, load_kb, server_env, tracker_store_url
from support.ports import free_port

STARTUP_TIMEOUT = 300  # seconds; loading the model takes ~15 s on an idle machine, far more on a busy one
# Settings a server must get only from its starter, never from the shell that runs pytest.
_STORE_SETTINGS = ("TRACKER_STORE_URL", "LOCK_STORE_URL", "CAREERBOT_DB_URL", "SANIC_WORKERS")


@dataclass
class Server:
    """A server process started by a test, with its log file and (when it listens on HTTP) its base URL."""

    name: str
    process: subprocess.Popen
    log: Path
    url: str = ""

    @property
    def port(self) -> int | None:
        """The loopback port the server listens on."""
        return urlsplit(self.url).port if self.url else None

    def alive(self) -> bool:
        """True while the process runs."""
        return self.process.poll() is None

    def log_tail(self, lines: int = 40) -> str:
        """The last lines of the server's log."""
        if not self.log.exists():
            return ""
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])

    def stop(self, timeout: float = 20) -> None:
        """Stop the server's whole process group (children included): SIGTERM, then SIGKILL after `timeout`."""
        stop_group(self.process, timeout)


def stop_group(process: subprocess.Popen, timeout: float = 20) -> None:
    """Stop the process group led by `process` (children included): SIGTERM, then SIGKILL after `timeout`."""
    deadline = time.monotonic() + timeout
    _signal_group(process.pid, signal.SIGTERM)
    while time.monotonic() < deadline and _signal_group(process.pid, 0):
        process.poll()  # reap the leader so that an exited group reads as empty
        time.sleep(0.2)
    _signal_group(process.pid, signal.SIGKILL)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        pass


def _signal_group(pgid: int, signum: int) -> bool:
    """Send `signum` to process group `pgid`; False when the group has no process left."""
    try:
        os.killpg(pgid, signum)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def start_server(name: str, args: list[str], env: dict[str, str], log: Path, url: str = "") -> Server:
    """Start `args` from the repository root in its own process group, output to `log`; returns at once."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as out:
        process = subprocess.Popen(args, cwd=REPO_ROOT, env=env, stdin=subprocess.DEVNULL, stdout=out,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    return Server(name, process, log, url)


def wait_for(condition: Callable[[], bool], what: str, timeout: float = 60, interval: float = 0.3) -> None:
    """Poll `condition()` until true; fail naming `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(interval)
    pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}", pytrace=False)


def wait_until(server: Server, ready: Callable[[], bool], what: str, timeout: float = STARTUP_TIMEOUT) -> None:
    """Poll `ready` until it is true; fail with the server's log if it dies or `timeout` passes first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            pytest.fail(f"{server.name} exited with {server.process.returncode} before {what}; "
                        f"log {server.log}:\n{server.log_tail()}", pytrace=False)
        try:
            if ready():
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    pytest.fail(f"{server.name} not ready ({what}) after {timeout:.0f} s; log {server.log}:\n{server.log_tail()}",
                pytrace=False)


def http_ok(url: str) -> bool:
    """True when a GET of `url` answers 2xx (False when nothing answers)."""
    try:
        return requests.get(url, timeout=3).ok
    except requests.RequestException:
        return False


def lost_port(server: Server) -> bool:
    """True when the server exited because its port was taken in the meantime (by another test run)."""
    return server.process.poll() is not None and "address already in use" in server.log_tail().lower()


def start_listening(name: str, command: Callable[[int], list[str]], ready_path: str, log_dir: Path,
                    env: dict[str, str], timeout: float = STARTUP_TIMEOUT, attempts: int = 3) -> Server:
    """Start `command(port)` on a free loopback port and wait until GET `ready_path` answers 2xx. When the port
    was taken in the meantime it tries another; any other early exit or a timeout fails with the log."""
    full_env = server_env(**env)
    for _ in range(attempts):
        port = free_port()
        server = start_server(name, command(port), full_env, log_dir / f"{name}-{port}.log",
                              f"http://127.0.0.1:{port}")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and server.alive():
            if http_ok(server.url + ready_path):
                time.sleep(0.5)  # a server that answered but then exits did not own the port
                if server.alive():
                    return server
            time.sleep(0.5)
        if server.alive():
            server.stop()
            pytest.fail(f"{name} did not answer on {server.url}{ready_path} within {timeout:.0f} s:\n"
                        f"{server.log_tail()}", pytrace=False)
        if not lost_port(server):
            pytest.fail(f"{name} exited with code {server.process.returncode}:\n{server.log_tail()}",
                        pytrace=False)
    pytest.fail(f"{name}: every port tried was taken ({attempts} attempts)", pytrace=False)


def actions_command(port: int) -> list[str]:
    """The action server (bot.actions) on `port`."""
    return [str(BIN / "rasa"), "run", "actions", "--actions", "bot.actions", "--port", str(port)]


def rasa_command(model: Path, port: int, credentials: Path | str = "credentials.yml",
                 endpoints: Path | str = "endpoints.yml", extra: tuple[str, ...] = ()) -> list[str]:
    """The Rasa server as `make serve` starts it (python -m bot.server run), on 127.0.0.1:`port`."""
    return [str(BIN / "python"), "-m", "bot.server", "run", "--model", str(model), "--endpoints", str(endpoints),
            "--credentials", str(credentials), "-i", "127.0.0.1", "-p", str(port), *extra]


@dataclass
class ServerPair:
    """An action server and a Rasa server (REST + socket.io, CORS open) with its REST chat client."""

    name: str
    folder: Path
    model: Path
    env: dict[str, str] = field(default_factory=dict)
    actions: Server | None = None
    rasa: Server | None = None

    @property
    def chat(self) -> RestChat:
        """A REST client of the Rasa server."""
        assert self.rasa is not None, f"{self.name}: the Rasa server is not running"
        return RestChat(self.rasa.url)

    def _env(self, actions_port: int) -> dict[str, str]:
        env = server_env(ACTIONS_PORT=str(actions_port), SANIC_HOST="127.0.0.1")
        for name in _STORE_SETTINGS:
            env.pop(name, None)  # only what this pair was given
        env.update({"TRACKER_STORE_URL": tracker_store_url(self.folder),
                    "CAREERBOT_DB_URL": f"sqlite:///{self.folder / 'careerbot.db'}"})
        env.update(self.env)
        return env

    def _launch_actions(self, port: int, attempt: int) -> None:
        self.actions = start_server(f"{self.name} action server", actions_command(port), self._env(port),
                                    self.folder / f"actions-{attempt}.log", f"http://127.0.0.1:{port}")

    def _launch_rasa(self, port: int, attempt: int) -> None:
        assert self.actions is not None and self.actions.port is not None
        self.rasa = start_server(f"{self.name} rasa server", rasa_command(self.model, port, extra=("--cors", "*")),
                                 self._env(self.actions.port), self.folder / f"rasa-{attempt}.log",
                                 f"http://127.0.0.1:{port}")

    def _prepare(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        if "CAREERBOT_DB_URL" not in self.env and not (self.folder / "careerbot.db").exists():
            load_kb(f"sqlite:///{self.folder / 'careerbot.db'}")
        endpoints_text = (REPO_ROOT / "endpoints.yml").read_text()
        assert "${ACTIONS_PORT}" in endpoints_text, \
            "endpoints.yml must take the action server's port from ACTIONS_PORT"

    def _retrying(self, launch: Callable[[int], None], wait: Callable[[], None], stop: Callable[[], None],
                  servers: Callable[[], list[Server | None]], attempts: int) -> None:
        """Launch and wait; when a server lost its port to another run meanwhile, stop and try new ports."""
        for attempt in range(1, attempts + 1):
            launch(attempt)
            try:
                wait()
                return
            except BaseException:
                lost = any(s is not None and lost_port(s) for s in servers())
                stop()
                if not lost or attempt == attempts:
                    raise

    def start_actions(self, timeout: float = STARTUP_TIMEOUT, attempts: int = 3) -> Server:
        """Start the action server and wait until it answers /health."""
        self._prepare()
        self._retrying(lambda attempt: self._launch_actions(free_port(), attempt),
                       lambda: self.wait_actions(timeout), self.stop, lambda: [self.actions], attempts)
        assert self.actions is not None
        return self.actions

    def start_rasa(self, timeout: float = STARTUP_TIMEOUT, attempts: int = 3) -> Server:
        """Start the Rasa server (the action server runs already) and wait until it answers a first message."""
        self._retrying(lambda attempt: self._launch_rasa(free_port(), attempt), lambda: self.wait_rasa(timeout),
                       self.stop_rasa, lambda: [self.rasa], attempts)
        assert self.rasa is not None
        return self.rasa

    def start(self, timeout: float = STARTUP_TIMEOUT, attempts: int = 3) -> ServerPair:
        """Start both servers side by side (the Rasa server loads its model while the action server comes up)
        and wait until both are ready."""
        self._prepare()

        def launch(attempt: int) -> None:
            self._launch_actions(free_port(), attempt)
            self._launch_rasa(free_port(), attempt)

        def wait() -> None:
            self.wait_actions(timeout)
            self.wait_rasa(timeout)

        self._retrying(launch, wait, self.stop, lambda: [self.actions, self.rasa], attempts)
        return self

    def wait_actions(self, timeout: float = STARTUP_TIMEOUT) -> None:
        """Wait until the action server answers GET /health."""
        assert self.actions is not None
        actions = self.actions
        wait_until(actions, lambda: http_ok(actions.url + "/health"), "GET /health", timeout)

    def wait_rasa(self, timeout: float = STARTUP_TIMEOUT) -> None:
        """Wait until the Rasa server answers GET / and a first message."""
        assert self.rasa is not None
        rasa, chat = self.rasa, self.chat
        wait_until(rasa, lambda: http_ok(rasa.url + "/"), "GET /", timeout)
        # GET / answers once the HTTP server is up; a first message proves the model is loaded.
        wait_until(rasa, lambda: bool(chat.ask("readiness-probe", "hello").messages), "first reply", timeout)

    def stop_rasa(self) -> None:
        """Stop the Rasa server."""
        if self.rasa is not None:
            self.rasa.stop()

    def stop(self) -> None:
        """Stop both servers (the Rasa server first)."""
        for server in (self.rasa, self.actions):
            if server is not None:
                server.stop()
