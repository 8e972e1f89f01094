"""Fixtures for the channel tests: the widget's web server and a headless Chromium driven by Playwright.

The real action server and Rasa server are the shared pair of the test harness (tests/support/fixtures.py:
`action_server`, `rasa_server`, `trained_model`, `servers_log_dir`...). Everything listens on the loopback
interface on free ports. Missing prerequisites (the trained model, Chromium, Playwright, the socket.io client
in web/node_modules) skip these tests with the reason, except under CI, where they fail: CI must run the whole
system.
"""
from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from support.env import REPO_ROOT as ROOT
from support.env import require
from support.ports import free_port
from support.servers import Server, start_listening

SOCKETIO_CLIENT = ROOT / "web" / "node_modules" / "socket.io-client" / "dist" / "socket.io.min.js"
CHROMIUM = Path(os.environ.get("CAREERBOT_CHROMIUM", "/usr/bin/chromium"))
ARTIFACTS = ROOT / "tests" / "artifacts"

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


@pytest.fixture(scope="session")
def web_server_for(servers_log_dir: Path) -> Iterator[Callable[[str], Server]]:
    """Starts (once per Rasa URL) web/serve.py with the demo page's widget pointed at that URL."""
    require(SOCKETIO_CLIENT.is_file(), "the socket.io client is not installed (run: cd web && npm ci)")
    started: dict[str, Server] = {}

    def start(rasa_url: str) -> Server:
        if rasa_url not in started:
            started[rasa_url] = start_listening(
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
