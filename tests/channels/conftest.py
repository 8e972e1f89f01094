"""Fixtures for the channel tests: a real action server, a real Rasa server, the widget's web server
and a headless Chromium driven by Playwright.

Everything listens on the loopback interface on free ports. Missing prerequisites (the trained
model, Chromium, Playwright, the socket.io client in web/node_modules) skip these tests with the
reason, except under CI=true, where they fail: CI must run the whole system.
"""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from e2e.harness import free_port  # one port allocator for every suite: no port handed out twice

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
MODEL = ROOT / "var" / "models" / "careerbot.tar.gz"
SPACY_MODEL = ROOT / "var" / "spacy_model"
SOCKETIO_CLIENT = ROOT / "web" / "node_modules" / "socket.io-client" / "dist" / "socket.io.min.js"
CHROMIUM = Path(os.environ.get("CAREERBOT_CHROMIUM", "/usr/bin/chromium"))
ARTIFACTS = ROOT / "tests" / "artifacts"

RASA_START_SECONDS = 300  # loading TensorFlow and the model takes a while on a small machine
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]


def require(condition: bool, reason: str) -> None:
    """Skip the test with `reason` when `condition` is false; under CI=true fail instead."""
    if condition:
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI=true: the channel tests must run)", pytrace=False)
    pytest.skip(reason)


@dataclass
class Server:
    """A server process started by the tests, with its log file."""

    name: str
    url: str
    process: subprocess.Popen
    log: Path

    @property
    def port(self) -> int:
        """The loopback port the server listens on."""
        return urlsplit(self.url).port

    def log_tail(self, lines: int = 40) -> str:
        """The last lines of the server's log, for failure messages."""
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    def stop(self) -> None:
        """Stop the process group this fixture started (the server and any child it made)."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


def start_server(name: str, command: Callable[[int], list[str]], ready_path: str,
                 log_dir: Path, env: dict[str, str], timeout: float, attempts: int = 3) -> Server:
    """Start `command(port)` on a free loopback port and wait until GET ready_path answers 200.

    When the port was taken in the meantime (another test run), it tries again on another port;
    any other early exit or a timeout fails the test with the end of the server's log.
    """
    full_env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", **env}
    for _ in range(attempts):
        port = free_port()
        log = log_dir / f"{name}-{port}.log"
        with log.open("wb") as out:
            process = subprocess.Popen(command(port), cwd=ROOT, env=full_env, stdout=out,
                                       stderr=subprocess.STDOUT, start_new_session=True)
        server = Server(name, f"http://127.0.0.1:{port}", process, log)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and process.poll() is None:
            if _answers(server.url + ready_path):
                time.sleep(0.5)  # a server that answered but then exits did not own the port
                if process.poll() is None:
                    return server
            time.sleep(1)
        if process.poll() is None:
            server.stop()
            pytest.fail(f"{name} did not answer on {server.url}{ready_path} within {timeout:.0f}s:\n"
                        f"{server.log_tail()}", pytrace=False)
        if "address already in use" not in server.log_tail().lower():
            pytest.fail(f"{name} exited with code {process.returncode}:\n{server.log_tail()}", pytrace=False)
    pytest.fail(f"{name}: every port tried was taken ({attempts} attempts)", pytrace=False)


@pytest.fixture(scope="session")
def servers_log_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A temporary folder for the servers' logs and the test knowledge database."""
    return tmp_path_factory.mktemp("channel-servers")


@pytest.fixture(scope="session")
def knowledge_db_url(servers_log_dir: Path) -> str:
    """An SQLite file in a temporary folder, loaded from knowledge/data, for the action server."""
    from knowledge.db import make_engine
    from knowledge.loader import load

    url = f"sqlite:///{servers_log_dir / 'careerbot.db'}"
    engine = make_engine(url)
    load(engine)
    engine.dispose()
    return url


@pytest.fixture(scope="session")
def trained_model() -> Path:
    """The trained model (and the spaCy pipeline it loads at run time), or a skip with the reason."""
    require(MODEL.is_file(), f"no trained model at {MODEL.relative_to(ROOT)} (run the training first)")
    require(SPACY_MODEL.is_dir(), f"no spaCy pipeline at {SPACY_MODEL.relative_to(ROOT)} "
                                  "(run: python -m bot.spacy_model)")
    return MODEL


@pytest.fixture(scope="session")
def action_server(trained_model: Path, servers_log_dir: Path, knowledge_db_url: str) -> Iterator[Server]:
    """The real action server (bot.actions) on a free loopback port, over a temporary database."""
    server = start_server(
        "action-server",
        lambda port: [str(VENV_BIN / "rasa"), "run", "actions", "--actions", "bot.actions",
                      "--port", str(port)],
        ready_path="/health",
        log_dir=servers_log_dir,
        env={"PYTHONPATH": str(ROOT), "SANIC_HOST": "127.0.0.1", "CAREERBOT_DB_URL": knowledge_db_url},
        timeout=120,
    )
    yield server
    server.stop()


@pytest.fixture(scope="session")
def rasa_server(trained_model: Path, servers_log_dir: Path, action_server: Server) -> Iterator[Server]:
    """The real Rasa server (REST + socket.io, CORS open) with the trained model."""
    server = start_server(
        "rasa-server",
        lambda port: [str(VENV_BIN / "python"), "-m", "bot.server", "run", "--model", str(trained_model),
                      "--endpoints", "endpoints.yml", "--credentials", "credentials.yml",
                      "-i", "127.0.0.1", "-p", str(port), "--cors", "*"],
        ready_path="/webhooks/socketio/",
        log_dir=servers_log_dir,
        # Conversations go to a database in the temporary folder, never to var/tracker.db.
        env={"ACTIONS_PORT": str(action_server.port),
             "TRACKER_STORE_URL": f"sqlite:///{servers_log_dir / 'tracker.db'}"},
        timeout=RASA_START_SECONDS,
    )
    yield server
    server.stop()


@pytest.fixture(scope="session")
def web_server_for(servers_log_dir: Path) -> Iterator[Callable[[str], Server]]:
    """Starts (once per Rasa URL) web/serve.py with the demo page's widget pointed at that URL."""
    require(SOCKETIO_CLIENT.is_file(), "the socket.io client is not installed (run: cd web && npm ci)")
    started: dict[str, Server] = {}

    def start(rasa_url: str) -> Server:
        if rasa_url not in started:
            started[rasa_url] = start_server(
                "web",
                lambda port: [sys.executable, str(ROOT / "web" / "serve.py"), "--port", str(port),
                              "--server-url", rasa_url],
                ready_path="/",
                log_dir=servers_log_dir,
                env={},
                timeout=30,
            )
        return started[rasa_url]

    yield start
    for server in started.values():
        server.stop()


@pytest.fixture(scope="session")
def web_server(web_server_for: Callable[[str], Server], rasa_server: Server) -> Server:
    """The demo page's web server, its widget talking to the test Rasa server."""
    return web_server_for(rasa_server.url)


@pytest.fixture(scope="session")
def offline_web_server(web_server_for: Callable[[str], Server]) -> Server:
    """The demo page's web server, its widget pointed at a loopback port where nothing listens."""
    return web_server_for(f"http://127.0.0.1:{free_port()}")


# Module scope: Playwright's sync API keeps an asyncio loop running until it stops, which would break
# asyncio.run() in every later test module.
@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Headless Chromium (the system's, never a downloaded one) under Playwright."""
    require(CHROMIUM.is_file() or shutil.which(str(CHROMIUM)) is not None,
            f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        require(False, "Playwright is not installed (pip install -r requirements.txt)")
    playwright = sync_playwright().start()
    chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS,
                                          headless=True)
    yield chromium
    chromium.close()
    playwright.stop()


@dataclass
class PageWatch:
    """What a page did that a test may want to forbid: dialogs, script errors, outside requests."""

    dialogs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)


@pytest.fixture()
def open_page(browser) -> Iterator[Callable[..., tuple[object, PageWatch]]]:
    """Opens pages in fresh browser contexts (empty storage) that can only reach 127.0.0.1."""
    contexts = []

    def open_(url: str, viewport: dict[str, int] | None = None) -> tuple[object, PageWatch]:
        context = browser.new_context(viewport=viewport or {"width": 1280, "height": 800})
        contexts.append(context)
        watch = PageWatch()

        def only_loopback(route) -> None:
            if urlsplit(route.request.url).hostname == "127.0.0.1":
                route.continue_()
            else:
                watch.blocked.append(route.request.url)
                route.abort()

        context.route("**/*", only_loopback)
        page = context.new_page()
        page.set_default_timeout(15_000)

        def on_dialog(dialog) -> None:
            watch.dialogs.append(f"{dialog.type}: {dialog.message}")
            dialog.dismiss()

        page.on("dialog", on_dialog)
        page.on("pageerror", lambda error: watch.errors.append(str(error)))
        page.goto(url)
        return page, watch

    yield open_
    for context in contexts:
        context.close()


@pytest.fixture()
def screenshot(request: pytest.FixtureRequest) -> Callable[[object, str], Path]:
    """Saves a screenshot of a page to tests/artifacts/<test>-<step>.png and prints its path."""

    def take(page, step: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{request.node.name}-{step}.png"
        page.screenshot(path=str(path))
        print(f"screenshot: {path}")
        return path

    return take
