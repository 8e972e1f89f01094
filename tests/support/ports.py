"""Loopback ports for the servers the tests start: one allocator for every suite, inside CAREERBOT_TEST_PORTS
(e.g. '5400-5499') when it is set, never handing out a port twice in one test run."""
from __future__ import annotations

import os
import random
import socket
import time

_handed_out: set[int] = set()


def allowed_ports() -> range | None:
    """The ports CAREERBOT_TEST_PORTS allows ('LOW-HIGH', both included), or None when it is unset."""
    spec = os.environ.get("CAREERBOT_TEST_PORTS", "").strip()
    if not spec:
        return None
    try:
        low, high = (int(part) for part in spec.split("-"))
    except ValueError:
        raise RuntimeError(f"CAREERBOT_TEST_PORTS={spec!r} is not LOW-HIGH, e.g. 5200-5299") from None
    return range(low, high + 1)




def port_free(port: int) -> bool:
    """True when nothing listens on 127.0.0.1:`port` and we can bind it."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_port(candidates: range | None = None) -> int:
    """A free loopback port not handed out before in this run: from `candidates` when given, else from
    CAREERBOT_TEST_PORTS, else one the system picks. Tried in random order, so that two test runs on one
    machine rarely reach for the same port at the same moment."""
    candidates = candidates if candidates is not None else allowed_ports()
    if candidates is None:
        for _ in range(50):
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
                sock.bind(("127.0.0.1", 0))
                port = sock.getsockname()[1]
            if port not in _handed_out:
                _handed_out.add(port)
                return port
        raise RuntimeError("no free loopback port")
    for port in random.sample(candidates, len(candidates)):
        if port not in _handed_out and port_free(port):
            _handed_out.add(port)
            return port
    raise RuntimeError(f"no free loopback port in {candidates.start}-{candidates.stop - 1} "
                       f"(CAREERBOT_TEST_PORTS={os.environ.get('CAREERBOT_TEST_PORTS', '')!r})")


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


def wait_port_free(port: int, timeout: float = 30) -> bool:
    """Wait until `port` can be bound again; True if that happened within `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if port_free(port):
            return True
        time.sleep(0.2)
    return port_free(port)
