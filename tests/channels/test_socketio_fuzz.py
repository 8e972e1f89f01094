"""Acceptance: a flood of hostile socket.io traffic against the real servers leaves no traceback in the log,
keeps REST answering at its usual speed, and the bot answers normally afterwards over REST and socket.io.

Bounded: FLOOD_EVENTS events (at least 1,000) from SOCKETS concurrent sockets, within FLOOD_SECONDS, loopback
only. Prints the counts and the REST latencies it measured (pytest -s shows them)."""
from __future__ import annotations

import asyncio
import json
import random
import statistics
import threading
import time

import pytest

from bot.channels import socketio as sio_channel
from bot.channels.validation import max_message_chars

pytest.register_assert_rewrite("channels_fixtures")
from channels_fixtures import SioClient, rest_post, run_async  # noqa: E402

pytest_plugins = ["channels_fixtures"]
pytestmark = pytest.mark.e2e

SOCKETS = 50
FLOOD_EVENTS = 1200
FLOOD_SECONDS = 120
REST_QUESTION = "what is PMP?"


def hostile_events(rng: random.Random, count: int) -> list[tuple[str, object]]:
    """(kind, payload) pairs: what a socket sends. 'raw' payloads go straight to engine.io."""
    cap = max_message_chars()
    cases: list[tuple[str, object]] = [
        ("user_uttered", {"message": "x" * (cap + 1)}),  # over the cap: polite "too long"
        ("user_uttered", {"message": {"text": "hi"}}),
        ("user_uttered", {"message": ["hi"]}),
        ("user_uttered", {"message": 42}),
        ("user_uttered", {"message": None}),
        ("user_uttered", {"message": True}),
        ("user_uttered", {"message": ""}),
        ("user_uttered", {"message": "   \t "}),
        ("user_uttered", {"message": "\x00\x01\x02"}),
        ("user_uttered", {"message": "/restart" + "{" * 50}),
        ("user_uttered", {"message": "/no_such_intent"}),
        ("user_uttered", {"message": '/ask_role_duties{"role": ["x"]}'}),
        ("user_uttered", {"message": "hi", "metadata": "{not json"}),
        ("user_uttered", {"message": "hi", "metadata": "[1, 2]"}),
        ("user_uttered", {"message": "hi", "metadata": [1]}),
        ("user_uttered", "just a string"),
        ("user_uttered", ["a", "list"]),
        ("user_uttered", 3.14),
        ("user_uttered", None),
        ("session_request", {"session_id": 12345}),
        ("session_request", {"session_id": "x" * 10_000}),
        ("session_request", "not a dict"),
        ("session_request", [1, 2]),
        ("no_such_event", {"a": 1}),
        ("message", "hello"),
        ("raw", '2["user_uttered", {"message": "unterminated'),
        ("raw", "2[not json at all"),
        ("raw", '2{"a": 1}'),
        ("raw", "2" + "[" * 5000),
        ("raw", "9garbage"),
        ("raw", '5-["user_uttered",{"_placeholder":true,"num":0}]'),
        ("raw", '2/nowhere,["user_uttered", {}]'),
        ("raw", ""),
        ("flood", None),  # a valid question, sent as fast as possible: the rate limit answers
    ]
    return [rng.choice(cases) for _ in range(count)]


async def flood(url: str, rng: random.Random) -> dict[str, int]:
    """Send FLOOD_EVENTS hostile events over SOCKETS sockets at once; count what was sent and received."""
    counts = {"sent": 0, "oversize_dropped": 0, "sockets": 0, "connect_refused": 0}
    per_socket = FLOOD_EVENTS // SOCKETS
    received: dict[str, int] = {}

    async def one_socket(index: int) -> None:
        client = SioClient()
        try:
            await client.connect(url, transport="websocket" if index % 5 else "polling")
        except Exception:  # noqa: BLE001 - a refused connection (rate limit) is an expected outcome
            counts["connect_refused"] += 1
            return
        counts["sockets"] += 1
        try:
            if index % 3:
                await client.client.emit("session_request", {"session_id": None})
                counts["sent"] += 1
            for kind, payload in hostile_events(rng, per_socket):
                if not client.client.connected:
                    break
                if kind == "raw":
                    await client.client.eio.send(payload)
                elif kind == "flood":
                    await client.client.emit("user_uttered", {"message": "what is PMP?"})
                else:
                    await client.client.emit(kind, payload)
                counts["sent"] += 1
            if index == 0:  # one payload far over the engine.io limit: the server drops the connection
                await client.client.emit("user_uttered", {"message": "y" * 300_000})
                counts["sent"] += 1
                counts["oversize_dropped"] += 1
            await asyncio.sleep(3)  # let the answers come
        finally:
            for name, _ in client.log:
                received[name] = received.get(name, 0) + 1
            try:
                await client.close()
            except Exception:  # noqa: BLE001 - the server may have closed it first
                pass

    await asyncio.wait_for(asyncio.gather(*(one_socket(i) for i in range(SOCKETS))), timeout=FLOOD_SECONDS)
    counts.update({f"received_{name}": n for name, n in received.items()})
    return counts


def rest_latencies(url: str, stop: threading.Event | None, count: int, results: list[float]) -> None:
    """Ask REST_QUESTION over REST `count` times (or until `stop`), appending each latency in seconds."""
    for number in range(count):
        if stop is not None and stop.is_set():
            break
        started = time.perf_counter()
        status, reply = rest_post(url, {"sender": f"latency-{number}-{time.time_ns()}", "message": REST_QUESTION})
        results.append(time.perf_counter() - started)
        assert status == 200 and reply, (status, reply)


def test_hostile_socketio_flood_leaves_no_traceback_and_rest_stays_fast(guarded_stack) -> None:
    url = guarded_stack.rasa.url
    log_before = len(guarded_stack.rasa.log_text())

    rest_latencies(url, None, 3, [])  # warm-up
    idle: list[float] = []
    rest_latencies(url, None, 15, idle)

    during: list[float] = []
    stop = threading.Event()
    measuring = threading.Thread(target=rest_latencies, args=(url, stop, 1000, during), daemon=True)
    started = time.monotonic()
    measuring.start()
    counts = run_async(flood(url, random.Random(14)), timeout=FLOOD_SECONDS + 60)
    flood_seconds = time.monotonic() - started
    stop.set()
    measuring.join(timeout=120)

    log = guarded_stack.rasa.log_text()[log_before:]
    idle_p50, during_p50 = statistics.median(idle), statistics.median(during)
    print(f"\nsocket.io flood: {json.dumps(counts, sort_keys=True)} in {flood_seconds:.1f}s; REST p50 idle "
          f"{idle_p50 * 1000:.0f} ms (n={len(idle)}), during the flood {during_p50 * 1000:.0f} ms "
          f"(n={len(during)}, max {max(during) * 1000:.0f} ms); server log lines: {log.count(chr(10))}")

    assert counts["sent"] >= 1000, counts
    assert counts["sockets"] >= SOCKETS - 5, counts
    assert counts.get(f"received_{sio_channel.ERROR_EVENT}", 0) > 0, counts
    assert "Traceback" not in log, log[log.find("Traceback") - 2000: log.find("Traceback") + 3000]
    assert "Invalid response type" not in log
    assert len(during) >= 3, during
    assert during_p50 <= 3 * idle_p50, (idle, during)

    # Afterwards the bot answers normally over both channels.
    status, reply = rest_post(url, {"sender": "after-the-flood", "message": REST_QUESTION})
    assert status == 200 and "Project Management Professional" in " ".join(m.get("text", "") for m in reply)

    async def socketio_answer() -> dict:
        await asyncio.sleep(3)  # the flood's address may still be over its rate for a moment
        client = SioClient()
        await client.connect(url)
        try:
            await client.session()
            return await client.ask(REST_QUESTION)
        finally:
            await client.close()

    answer = run_async(socketio_answer())
    assert "Project Management Professional" in answer["text"], answer
