"""The servers of the reliability tests, built from the test harness's pieces (tests/support).

- `Services`: PostgreSQL and Redis started by scripts/services/*.sh on loopback, data in a temporary folder.
- `Bot`: one Rasa server (careerbot's REST channel) with its action server, on free loopback ports (inside
  CAREERBOT_TEST_PORTS when it is set); can be stopped and started again on the same ports.
- `ask` / `health`: the REST webhook and the health route, keeping status codes (support.chat's `post`).
Nothing here runs at import time; conftest.py builds these in fixtures.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests

from support.chat import Answer, ask_rest, describe, normalize, post, says
from support.env import MODEL, REPO_ROOT, require, server_env
from support.ports import allowed_ports, free_port, port_free, wait_port_free
from support.servers import STARTUP_TIMEOUT, Server, actions_command, http_ok, rasa_command, start_server, \
    wait_for, wait_until

__all__ = ["Answer", "Bot", "Services", "ask", "describe", "free_port", "health", "make_services_root",
           "normalize", "port_free", "post", "require", "says", "service_port", "services_missing", "start_all",
           "stop_all", "wait_for", "write_credentials"]

PG_PORT, REDIS_PORT = 55432, 56379
SCRIPTS = REPO_ROOT / "scripts" / "services"
CHANNEL = "bot.channels.rest.RestInput"


def service_port(preferred: int) -> int:
    """A port for PostgreSQL or Redis: from CAREERBOT_TEST_PORTS when it is set, else `preferred` if free, else
    any free loopback port."""
    if allowed_ports() is None and port_free(preferred):
        return preferred
    return free_port()


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
        self.actions = start_server(f"{self.name} action server", actions_command(self.actions_port), self._env(),
                                    self.logs / f"{self.name}-actions-{self._starts}.log",
                                    f"http://127.0.0.1:{self.actions_port}")

    def start_rasa(self) -> None:
        """Start the Rasa server (returns at once; see wait_ready)."""
        self._starts += 1
        api = ("--enable-api", "--auth-token", self.api_token) if self.api_token else ()
        self.rasa = start_server(f"{self.name} rasa server",
                                 rasa_command(MODEL, self.rasa_port, credentials=self.credentials, extra=api),
                                 self._env(), self.logs / f"{self.name}-rasa-{self._starts}.log", self.url)

    def wait_actions(self) -> None:
        """Wait until the action server answers /health."""
        assert self.actions is not None
        wait_until(self.actions, lambda: http_ok(f"http://127.0.0.1:{self.actions_port}/health"),
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
        wait_port_free(self.rasa_port)

    def stop_actions(self) -> None:
        """Stop the action server and wait until its port is free."""
        if self.actions is not None:
            self.actions.stop()
            self.actions = None
        wait_port_free(self.actions_port)

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
def ask(bot: Bot, sender: str, message: str, timeout: float = 120) -> Answer:
    """Send `message` as `sender` to `bot`'s REST channel."""
    return ask_rest(bot.webhook, sender, message, timeout)


def health(bot: Bot) -> tuple[int, dict]:
    """The bot's health report: (status code, report); (0, {}) when it does not answer."""
    try:
        response = requests.get(f"{bot.url}/webhooks/rest/", timeout=10)
        return response.status_code, response.json()
    except (requests.RequestException, ValueError):
        return 0, {}
