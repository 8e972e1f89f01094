"""The socket.io channel's limits, one at a time, against the real servers: the length cap and the transport's
payload limit, error events for malformed payloads, the per-conversation rate limit, and CORS from the
allowlist (exact origins only)."""
from __future__ import annotations

import asyncio
import urllib.request

import pytest

from bot.channels import socketio as sio_channel
from bot.channels.validation import max_message_chars

pytest.register_assert_rewrite("channels_fixtures")
from channels_fixtures import SioClient, run_async  # noqa: E402

pytest_plugins = ["channels_fixtures"]
pytestmark = pytest.mark.e2e


def test_too_long_and_blank_messages_get_polite_replies_and_a_huge_one_is_dropped(guarded_stack) -> None:
    async def scenario() -> tuple[dict, dict, bool]:
        client = SioClient()
        await client.connect(guarded_stack.rasa.url)
        try:
            await client.session()
            too_long = await client.ask("a" * (max_message_chars() + 1), timeout=30)
            blank = await client.ask("   ", timeout=30)
            await client.client.emit("user_uttered", {"message": "b" * 200_000})  # over engine.io's limit
            for _ in range(40):
                if not client.client.connected:
                    break
                await asyncio.sleep(0.25)
            return too_long, blank, client.client.connected
        finally:
            await client.close()

    too_long, blank, still_connected = run_async(scenario())
    assert too_long["text"].startswith("Sorry, that message is too long for me"), too_long
    assert "didn't catch that" in blank["text"], blank
    assert not still_connected  # the transport dropped the connection instead of reading 200 KB
    assert "Traceback" not in guarded_stack.rasa.log_text()


@pytest.mark.parametrize("event, payload, code", [
    ("user_uttered", "a string", "invalid_payload"),
    ("user_uttered", {"message": {"text": "hi"}}, "not_text"),
    ("user_uttered", {"message": "hi", "metadata": "{not json"}, "invalid_metadata"),
    ("session_request", ["a", "list"], "invalid_session_request"),
    ("no_such_event", {}, "unknown_event"),
])
def test_malformed_events_get_an_error_event(guarded_stack, event, payload, code) -> None:
    async def scenario() -> dict:
        client = SioClient()
        await client.connect(guarded_stack.rasa.url)
        try:
            if event != "session_request":
                await client.session()
            await client.client.emit(event, payload)
            return await client.next(sio_channel.ERROR_EVENT, timeout=30)
        finally:
            await client.close()

    error = run_async(scenario())
    assert error["error"] == code and error["message"], error


def test_a_flooding_conversation_is_asked_to_slow_down(guarded_stack) -> None:
    async def scenario() -> list[tuple[str, object]]:
        client = SioClient()
        await client.connect(guarded_stack.rasa.url)
        try:
            await client.session()
            for _ in range(30):
                await client.client.emit("user_uttered", {"message": "hi"})
            await asyncio.sleep(5)
            return list(client.log)
        finally:
            await client.close()

    log = run_async(scenario(), timeout=300)
    errors = [data for name, data in log if name == sio_channel.ERROR_EVENT]
    said = [data["text"] for name, data in log if name == "bot_uttered"]
    assert errors and all(e["error"] == "rate_limited" for e in errors), errors
    assert sio_channel.SLOW_DOWN_REPLY in said  # said in the chat, once
    assert said.count(sio_channel.SLOW_DOWN_REPLY) == 1
    answered = len(said) - 1
    assert 1 <= answered <= 9, said  # the burst (8) is answered, the rest is refused


def test_only_the_allowed_origin_may_open_a_socket(guarded_stack) -> None:
    url = guarded_stack.rasa.url

    async def connect(origin: str, transport: str) -> bool:
        client = SioClient()
        try:
            await client.connect(url, transport=transport, headers={"Origin": origin})
        except Exception:  # noqa: BLE001 - socketio.exceptions.ConnectionError: refused
            return False
        await client.close()
        return True

    async def scenario() -> dict[tuple[str, str], bool]:
        return {(origin, transport): await connect(origin, transport)
                for origin in (guarded_stack.origin, "https://evil.example", guarded_stack.origin + ".evil.example")
                for transport in ("websocket", "polling")}

    allowed = run_async(scenario())
    assert allowed == {key: key[0] == guarded_stack.origin for key in allowed}, allowed

    # REST's CORS (make serve's --cors): the allowed origin is echoed, another is not.
    for origin, echoed in ((guarded_stack.origin, True), ("https://evil.example", False)):
        request = urllib.request.Request(url + "/webhooks/rest/webhook", method="OPTIONS", headers={
            "Origin": origin, "Access-Control-Request-Method": "POST"})
        with urllib.request.urlopen(request, timeout=30) as reply:
            assert (reply.headers.get("Access-Control-Allow-Origin") == origin) is echoed, dict(reply.headers)
