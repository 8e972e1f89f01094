"""The servers of the reliability tests and a client that keeps status codes.

- `Services`: PostgreSQL and Redis started by scripts/services/*.sh on loopback, data in a temporary folder.
- `Bot`: one Rasa server (careerbot's REST channel) with its action server, on ports 5500-5599; can be
  stopped and started again on the same ports.
- `post` / `ask`: the REST webhook, returning the status code and the decoded body.
Nothing here runs at import time; conftest.py builds these in fixtures.
"""
from __future__ import annotations

import json
import os
import random
import shutil
import socket
import subprocess
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests

from e2e.harness import BIN, MODEL, REPO_ROOT, Server, in_ci, server_env, start_server, wait_until

PORTS = range(5500, 5600)
PG_PORT, REDIS_PORT = 55432, 56379
SCRIPTS = REPO_ROOT / "scripts" / "services"
STARTUP_TIMEOUT = 300  # seconds; a Rasa server loads in ~16 s on an idle machine, far slower when busy
CHANNEL = "bot.channels.rest.RestInput"
_taken: set[int] = set()


def require(condition: bool, reason: str) -> None:
    """Skip the test with `reason` when `condition` is false; under CI=true fail instead."""
    if condition:
        return
    if in_ci():
        pytest.fail(f"{reason} (CI=true: the reliability tests must run)", pytrace=False)
    pytest.skip(reason)


def port_free(port: int) -> bool:
    """True when nothing listens on 127.0.0.1:`port` and we can bind it."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_port(candidates: range = PORTS) -> int:
    """A free loopback port from `candidates` that this test run has not handed out yet, tried in random
    order so that two test runs on one machine rarely reach for the same port at the same moment."""
    for port in random.sample(candidates, len(candidates)):
        if port not in _taken and port_free(port):
            _taken.add(port)
            return port
    raise RuntimeError(f"no free port in {candidates.start}-{candidates.stop - 1}")


# ---------------------------------------------------------------------------------------------- services
def services_missing() -> str | None:
    """Why PostgreSQL or Redis cannot be started here (not installed), or None."""
    missing = []
    if not list(Path("/usr/lib/postgresql").glob("*/bin/initdb")):
        missing.append("PostgreSQL")
    if shutil.which("redis-server") is None:
        missing.append("Redis")
    if missing:
        return (f"{' and '.join(missing)} not installed: run scripts/services/install.sh "
                "(`make scale-test` does)")
    return None


@dataclass
class Services:
    """PostgreSQL and Redis on loopback, run by scripts/services with their data in `root`."""

    root: Path
    pg_port: int
    redis_port: int

    @property
    def env(self) -> dict[str, str]:
        """The scripts' settings."""
        return {**os.environ, "PG_DIR": str(self.root / "postgres"), "PG_PORT": str(self.pg_port),
                "REDIS_DIR": str(self.root / "redis"), "REDIS_PORT": str(self.redis_port),
                "PG_DATABASES": "careerbot careerbot_tracker careerbot_kbtest",
                # a throw-away server: durability is not what these tests measure
                "PG_OPTIONS": "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"}

    def run(self, script: str, *args: str) -> str:
        """Run scripts/services/`script` with `args`; its output, or a test failure showing it."""
        result = subprocess.run(["bash", str(SCRIPTS / script), *args], env=self.env, stdin=subprocess.DEVNULL,
                                capture_output=True, text=True, timeout=120)
        if result.returncode != 0:
            pytest.fail(f"scripts/services/{script} {' '.join(args)} failed ({result.returncode}):\n"
                        f"{result.stdout}{result.stderr}", pytrace=False)
        return result.stdout.strip()

    def pg_url(self, database: str) -> str:
        """The SQLAlchemy URL of `database` (password included)."""
        return self.run("postgres.sh", "url", database)

    def redis_url(self) -> str:
        """The Redis URL for LOCK_STORE_URL (password included)."""
        return self.run("redis.sh", "url")

    def start(self) -> None:
        """Start both servers."""
        self.start_postgres()
        self.start_redis()

    def stop(self) -> None:
        """Stop both servers (errors ignored: this runs in teardown)."""
        for script in ("redis.sh", "postgres.sh"):
            subprocess.run(["bash", str(SCRIPTS / script), "stop"], env=self.env, stdin=subprocess.DEVNULL,
                           capture_output=True, timeout=120)

    def start_postgres(self) -> None:
        """Start PostgreSQL (creating the cluster, role and databases the first time)."""
        self.run("postgres.sh", "start")

    def stop_postgres(self) -> None:
        """Stop PostgreSQL."""
        self.run("postgres.sh", "stop")

    def start_redis(self) -> None:
        """Start Redis."""
        self.run("redis.sh", "start")

    def stop_redis(self) -> None:
        """Stop Redis."""
        self.run("redis.sh", "stop")


def make_services_root() -> Path:
    """A fresh folder for the services' data that the `postgres` user can reach (pytest's tmp is private)."""
    root = Path(tempfile.mkdtemp(prefix="careerbot-services-", dir="/tmp"))
    root.chmod(0o755)
    return root


# ---------------------------------------------------------------------------------------------- bots
def write_credentials(folder: Path) -> Path:
    """A credentials file with careerbot's REST channel only (no secrets needed)."""
    path = folder / "credentials.yml"
    path.write_text(f"{CHANNEL}:\n")
    return path


@dataclass
class Bot:
    """A Rasa server and its action server. `env` holds the settings both are started with."""

    name: str
    logs: Path
    credentials: Path
    env: dict[str, str]
    api_token: str | None = None
    rasa_port: int = field(default_factory=free_port)
    actions_port: int = field(default_factory=free_port)
    rasa: Server | None = None
    actions: Server | None = None
    _starts: int = 0

    @property
    def url(self) -> str:
        """The Rasa server's base URL."""
        return f"http://127.0.0.1:{self.rasa_port}"

    @property
    def webhook(self) -> str:
        """The REST channel's webhook."""
        return f"{self.url}/webhooks/rest/webhook"

    @property
    def rasa_log(self) -> Path:
        """The current Rasa server log."""
        return self.rasa.log if self.rasa else self.logs / f"{self.name}-rasa.log"

    def _env(self) -> dict[str, str]:
        env = server_env(ACTIONS_PORT=str(self.actions_port))
        for name in ("TRACKER_STORE_URL", "LOCK_STORE_URL", "CAREERBOT_DB_URL", "SANIC_WORKERS"):
            env.pop(name, None)  # only what this bot was given
        env.update(self.env)
        return env

    def start_actions(self) -> None:
        """Start the action server (returns at once; see wait_ready)."""
        self._starts += 1
        self.actions = start_server(f"{self.name} action server",
                                    [str(BIN / "rasa"), "run", "actions", "--actions", "bot.actions",
                                     "--port", str(self.actions_port)],
                                    self._env(), self.logs / f"{self.name}-actions-{self._starts}.log")

    def start_rasa(self) -> None:
        """Start the Rasa server (returns at once; see wait_ready)."""
        self._starts += 1
        args = [str(BIN / "python"), "-m", "bot.server", "run", "--model", str(MODEL), "--endpoints", "endpoints.yml",
                "--credentials", str(self.credentials), "-i", "127.0.0.1", "-p", str(self.rasa_port)]
        if self.api_token:
            args += ["--enable-api", "--auth-token", self.api_token]
        self.rasa = start_server(f"{self.name} rasa server", args, self._env(),
                                 self.logs / f"{self.name}-rasa-{self._starts}.log")

    def wait_actions(self) -> None:
        """Wait until the action server answers /health."""
        assert self.actions is not None
        wait_until(self.actions, lambda: _ok(f"http://127.0.0.1:{self.actions_port}/health"),
                   "GET /health", STARTUP_TIMEOUT)

    def wait_rasa(self) -> None:
        """Wait until the Rasa server's health report says ok (model loaded, stores and action server up)."""
        assert self.rasa is not None
        wait_until(self.rasa, lambda: health(self)[1].get("status") == "ok", "GET /webhooks/rest/ (health ok)",
                   STARTUP_TIMEOUT)

    def stop_rasa(self) -> None:
        """Stop the Rasa server and wait until its port is free."""
        if self.rasa is not None:
            self.rasa.stop()
            self.rasa = None
        _wait_port_free(self.rasa_port)

    def stop_actions(self) -> None:
        """Stop the action server and wait until its port is free."""
        if self.actions is not None:
            self.actions.stop()
            self.actions = None
        _wait_port_free(self.actions_port)

    def stop(self) -> None:
        """Stop both servers."""
        with ThreadPoolExecutor(2) as pool:
            list(pool.map(lambda stop: stop(), (self.stop_rasa, self.stop_actions)))

    def alive(self) -> bool:
        """True while both processes run."""
        return all(s is not None and s.process.poll() is None for s in (self.rasa, self.actions))

    def log_text(self) -> str:
        """Everything the current Rasa server logged."""
        return self.rasa_log.read_text(errors="replace") if self.rasa_log.exists() else ""


def _ok(url: str) -> bool:
    try:
        return requests.get(url, timeout=3).status_code == 200
    except requests.RequestException:
        return False


def _wait_port_free(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not port_free(port):
        time.sleep(0.2)


def start_all(bots: list[Bot]) -> None:
    """Start the bots' servers side by side and wait until every one is ready; stops them all on failure."""
    try:
        for bot in bots:
            bot.start_actions()
            bot.start_rasa()
        for bot in bots:
            bot.wait_actions()
        for bot in bots:
            bot.wait_rasa()
    except BaseException:
        stop_all(bots)
        raise


def stop_all(bots: list[Bot]) -> None:
    """Stop the bots' servers side by side (each takes a few seconds to shut down)."""
    with ThreadPoolExecutor(max(1, len(bots))) as pool:
        list(pool.map(Bot.stop, bots))


# ---------------------------------------------------------------------------------------------- client
@dataclass(frozen=True)
class Answer:
    """One HTTP answer of the webhook: status code and decoded JSON body (None if not JSON)."""

    status: int
    body: Any
    question: str = ""

    @property
    def messages(self) -> list[dict]:
        """The bot's messages (an empty list unless the body is a list)."""
        return self.body if isinstance(self.body, list) else []

    @property
    def text(self) -> str:
        """The messages' texts and button titles, one per line."""
        parts: list[str] = []
        for message in self.messages:
            parts += [message.get("text") or ""] + [b.get("title", "") for b in message.get("buttons") or []]
        return "\n".join(p for p in parts if p)


def post(url: str, data: bytes | str, headers: dict[str, str] | None = None, timeout: float = 120) -> Answer:
    """POST raw `data` to `url`."""
    response = requests.post(url, data=data, headers=headers or {"Content-Type": "application/json"},
                             timeout=timeout)
    try:
        body = response.json()
    except ValueError:
        body = None
    return Answer(response.status_code, body)


def ask(bot: Bot, sender: str, message: str, timeout: float = 120) -> Answer:
    """Send `message` as `sender` to `bot`'s REST channel."""
    answer = post(bot.webhook, json.dumps({"sender": sender, "message": message}), timeout=timeout)
    return Answer(answer.status, answer.body, message)


def health(bot: Bot) -> tuple[int, dict]:
    """The bot's health report: (status code, report); (0, {}) when it does not answer."""
    try:
        response = requests.get(f"{bot.url}/webhooks/rest/", timeout=10)
        return response.status_code, response.json()
    except (requests.RequestException, ValueError):
        return 0, {}


def wait_for(condition: Any, what: str, timeout: float = 60) -> None:
    """Poll `condition()` until true; fail naming `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.3)
    pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}", pytrace=False)


def normalize(text: str) -> str:
    """Lower case, markdown stars dropped, typographic quotes and dashes made plain, spaces folded."""
    table = str.maketrans({"\u2019": "'", "\u2018": "'", "\u2013": "-", "\u2014": "-", "*": None})
    return " ".join(text.translate(table).lower().split())


def says(answer: Answer, *needles: str) -> bool:
    """True when the answer is a 200 whose text contains every needle (case and markdown ignored)."""
    return answer.status == 200 and all(normalize(n) in normalize(answer.text) for n in needles)


def describe(answer: Answer) -> str:
    """The answer for an assertion message."""
    return f"asked {answer.question!r}: HTTP {answer.status}, {json.dumps(answer.body)[:600]}"
