"""Helpers for the end-to-end tests: free loopback ports, server processes, readiness polling, a REST chat
client and assertions on what the user sees. Nothing here runs at import time."""
from __future__ import annotations

import os
import random
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

REPO_ROOT = Path(__file__).resolve().parents[2]
MODEL = REPO_ROOT / "var" / "models" / "careerbot.tar.gz"
BIN = Path(sys.executable).parent  # the virtual environment running the tests
_handed_out: set[int] = set()


def in_ci() -> bool:
    """True when the CI environment variable says we run under CI."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def require_model() -> Path:
    """The trained model; skips the test when it is missing (fails instead under CI)."""
    if MODEL.exists():
        return MODEL
    message = f"no trained model at {MODEL}: run `make train` (`make test` trains before testing)"
    if in_ci():
        pytest.fail(message + "; under CI the end-to-end tests must run", pytrace=False)
    pytest.skip(message)


BUILT_FILES = ("var/careerbot.db", "var/spacy_model/meta.json", "var/models/careerbot.tar.gz")


def require_built() -> None:
    """Skip (fail under CI) unless the database, spaCy model and trained model are up to date for make, so
    that a test running a make target never starts a build or a training of its own."""
    require_model()
    env = make_env()
    if "CAREERBOT_DB_URL" in env:
        return  # the database is elsewhere; its stamp is not ours to judge
    result = subprocess.run(["make", "-q", *BUILT_FILES], cwd=REPO_ROOT, env=env, stdin=subprocess.DEVNULL,
                            capture_output=True, text=True, timeout=60)
    if result.returncode != 0:
        message = "var/ is out of date with its inputs: run `make train` (`make test` builds before testing)"
        if in_ci():
            pytest.fail(message, pytrace=False)
        pytest.skip(message)


def run_rasa_command(args: list[str], tmp_path: Path, timeout: float = 900) -> subprocess.CompletedProcess:
    """Run a Rasa command (or script) from the repository root, Rasa's cache and outputs kept in `tmp_path`."""
    env = server_env(ACTIONS_PORT=str(free_port()), RASA_CACHE_DIRECTORY=str(tmp_path / "rasa-cache"),
                     TRACKER_STORE_URL=tracker_store_url(tmp_path))
    return subprocess.run(args, cwd=REPO_ROOT, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          timeout=timeout)


def tail(text: str, lines: int = 60) -> str:
    """The last lines of a command's output."""
    return "\n".join(text.splitlines()[-lines:])


def make_env(**extra: str) -> dict[str, str]:
    """The environment for a make command started by a test (no flags inherited from an outer make)."""
    env = server_env(**extra)
    for name in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES"):
        env.pop(name, None)
    return env


def free_port() -> int:
    """A loopback port nobody listens on (from CAREERBOT_TEST_PORTS, e.g. '5200-5299', when it is set)."""
    spec = os.environ.get("CAREERBOT_TEST_PORTS", "")
    if spec:
        low, high = (int(part) for part in spec.split("-"))
        candidates = random.sample(range(low, high + 1), high - low + 1)
    else:
        candidates = [0] * 20
    for candidate in candidates:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            try:
                sock.bind(("127.0.0.1", candidate))
            except OSError:
                continue
            port = sock.getsockname()[1]
        if port not in _handed_out:
            _handed_out.add(port)
            return port
    raise RuntimeError(f"no free loopback port (CAREERBOT_TEST_PORTS={spec!r})")


def port_open(port: int) -> bool:
    """True when something accepts TCP connections on 127.0.0.1:`port`."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def wait_port_closed(port: int, timeout: float = 30) -> bool:
    """Wait until nothing listens on `port`; True if that happened within `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not port_open(port):
            return True
        time.sleep(0.5)
    return not port_open(port)


def tracker_store_url(folder: Path) -> str:
    """A conversations database inside `folder` (TRACKER_STORE_URL), so no test writes var/tracker.db."""
    return f"sqlite:///{folder / 'tracker.db'}"


def server_env(**extra: str) -> dict[str, str]:
    """The environment for servers and make: this venv first on PATH, the repo importable, no telemetry."""
    env = dict(os.environ)
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env["PYTHONPATH"] = str(REPO_ROOT)
    env["RASA_TELEMETRY_ENABLED"] = "false"
    env.update(extra)
    return env


@dataclass
class Server:
    """A server process started by a test, with its log file."""

    name: str
    process: subprocess.Popen
    log: Path

    def log_tail(self, lines: int = 40) -> str:
        """The last lines of the server's log."""
        if not self.log.exists():
            return ""
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])

    def stop(self, timeout: float = 20) -> None:
        """Stop the server's whole process group (children included): SIGTERM, then SIGKILL after `timeout`."""
        deadline = time.monotonic() + timeout
        _signal_group(self.process.pid, signal.SIGTERM)
        while time.monotonic() < deadline and _signal_group(self.process.pid, 0):
            self.process.poll()  # reap the leader so that an exited group reads as empty
            time.sleep(0.2)
        _signal_group(self.process.pid, signal.SIGKILL)
        try:
            self.process.wait(timeout=10)
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


def start_server(name: str, args: list[str], env: dict[str, str], log: Path) -> Server:
    """Start `args` from the repository root in its own process group, output to `log`."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as out:
        process = subprocess.Popen(args, cwd=REPO_ROOT, env=env, stdin=subprocess.DEVNULL, stdout=out,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    return Server(name, process, log)


def wait_until(server: Server, ready: Callable[[], bool], what: str, timeout: float) -> None:
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
    """True when a GET of `url` answers 2xx."""
    return requests.get(url, timeout=3).ok


_PUNCTUATION = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-",
                              "\u2014": "-", "*": None, "\u00a0": " "})


def normalize(text: str) -> str:
    """Lower-case text with typographic quotes and dashes made plain, markdown stars dropped, spaces folded."""
    return re.sub(r"\s+", " ", text.translate(_PUNCTUATION)).strip().lower()


@dataclass(frozen=True)
class Reply:
    """What the bot sent back for one user message."""

    question: str
    messages: tuple[dict, ...]

    @property
    def text(self) -> str:
        """Every message's text and button titles, one per line, as a user would read them."""
        parts: list[str] = []
        for message in self.messages:
            if message.get("text"):
                parts.append(message["text"])
            parts += [b.get("title", "") for b in message.get("buttons") or []]
        return "\n".join(parts)

    @property
    def buttons(self) -> list[dict]:
        """All buttons offered in the reply."""
        return [b for message in self.messages for b in message.get("buttons") or []]

    def mentions(self, needle: str) -> bool:
        """True when the reply contains `needle` (case, quotes, dashes and markdown ignored)."""
        return normalize(needle) in normalize(self.text)


def assert_mentions(reply: Reply, *needles: str) -> None:
    """Fail unless the reply contains every needle, naming the missing ones and showing the reply."""
    missing = [n for n in needles if not reply.mentions(n)]
    assert not missing, f"asked {reply.question!r}; reply lacks {missing}; reply was:\n{reply.text}"


def assert_matches(reply: Reply, pattern: str) -> None:
    """Fail unless the normalized reply matches the regular expression `pattern`."""
    assert re.search(pattern, normalize(reply.text)), \
        f"asked {reply.question!r}; reply does not match /{pattern}/; reply was:\n{reply.text}"


_LEAKS = re.compile(r"Traceback|Exception|\bNone\b(?! of)|\{\w+\}")


def assert_polite(reply: Reply) -> None:
    """Fail when the reply is empty, or shows a traceback, a Python None or an unfilled {placeholder}."""
    assert reply.text.strip(), f"asked {reply.question!r}; the bot said nothing"
    leak = _LEAKS.search(reply.text)
    assert leak is None, f"asked {reply.question!r}; reply leaks {leak.group(0)!r}:\n{reply.text}"


class RestChat:
    """A client of Rasa's REST channel (POST /webhooks/rest/webhook)."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.webhook = f"{base_url}/webhooks/rest/webhook"

    def ask(self, sender: str, text: str) -> Reply:
        """Send `text` as `sender` and return the bot's reply."""
        response = requests.post(self.webhook, json={"sender": sender, "message": text}, timeout=60)
        response.raise_for_status()
        return Reply(text, tuple(response.json()))

    def conversation(self) -> Conversation:
        """A new conversation with a sender id of its own."""
        return Conversation(self, f"test-{uuid.uuid4().hex[:12]}")


@dataclass
class Conversation:
    """One user's conversation: every message goes out under the same sender id."""

    chat: RestChat
    sender: str

    def ask(self, text: str) -> Reply:
        """Send `text` in this conversation."""
        return self.chat.ask(self.sender, text)
