"""Identity across channels: no client of one channel can reach another channel's conversation, and a
socket.io session belongs to the socket that created it (or whoever holds its secret: the widget after a reload).

Against the real Rasa and action servers (tests/channels/channels_fixtures.py), plus the pure rules."""
from __future__ import annotations

import sqlite3
from pathlib import Path
from types import SimpleNamespace

import pytest

from bot.channels import rest as rest_channel
from bot.channels import socketio as sio_channel

pytest.register_assert_rewrite("channels_fixtures")
from channels_fixtures import SioClient, rest_post, run_async  # noqa: E402

pytest_plugins = ["channels_fixtures"]

SLACK_STYLE_ID = "U0123ABCD_C0456EFGH"  # what Slack's channel uses as a conversation id (user_channel)


def conversation_ids(database: Path) -> set[str]:
    """Every conversation id in the test tracker store."""
    with sqlite3.connect(database) as connection:
        return {row[0] for row in connection.execute("SELECT DISTINCT sender_id FROM events")}


# ------------------------------------------------------------------ the rules, as plain functions
@pytest.mark.parametrize("sender", [SLACK_STYLE_ID, "web:" + "a" * 32, "rest:x", "slack:U1_C1", ":"])
def test_rest_conversation_ids_always_carry_the_rest_prefix(sender: str) -> None:
    # parse_request accepts the sender as given; the channel stores it as rest:<sender>, which contains a ':'
    # where no Slack id does and starts with a prefix socket.io's web: ids never have.
    assert rest_channel.parse_request({"sender": sender, "message": "hi"})[0] == sender
    stored = rest_channel.conversation_id(sender)
    assert stored == "rest:" + sender and not stored.startswith("web:")


def test_a_long_rest_sender_still_fits_the_tracker_store_under_the_rest_prefix() -> None:
    long_sender = "x" * 255
    stored = rest_channel.conversation_id(long_sender)
    assert stored.startswith("rest:sha256:") and len(stored) <= 255
    assert stored == rest_channel.conversation_id(long_sender) != rest_channel.conversation_id("y" * 255)


def test_rest_refuses_to_start_on_a_network_interface_without_a_token(monkeypatch, caplog) -> None:
    monkeypatch.delenv(rest_channel.TOKEN_ENV, raising=False)
    for host in ("0.0.0.0", "192.0.2.10", "::"):
        with pytest.raises(SystemExit):
            rest_channel.require_token_off_loopback(host)
    assert rest_channel.TOKEN_ENV in caplog.text
    rest_channel.require_token_off_loopback("127.0.0.1")  # loopback stays open
    rest_channel.require_token_off_loopback("::1")
    monkeypatch.setenv(rest_channel.TOKEN_ENV, "s3cret")
    rest_channel.require_token_off_loopback("0.0.0.0")  # with a token it may serve the network


def _request(server_host: str, authorization: str | None = None) -> SimpleNamespace:
    headers = {"authorization": authorization} if authorization else {}
    return SimpleNamespace(conn_info=SimpleNamespace(sockname=(server_host, 5005)), headers=headers)


def test_rest_token_rule(monkeypatch) -> None:
    monkeypatch.delenv(rest_channel.TOKEN_ENV, raising=False)
    assert rest_channel.authorized(_request("127.0.0.1"))
    assert not rest_channel.authorized(_request("10.1.2.3"))  # served on another interface: never open
    monkeypatch.setenv(rest_channel.TOKEN_ENV, "s3cret")
    assert not rest_channel.authorized(_request("127.0.0.1"))  # a configured token is always required
    assert not rest_channel.authorized(_request("10.1.2.3", "Bearer wrong"))
    assert not rest_channel.authorized(_request("10.1.2.3", "Bearer s3cret\u00e9"))
    assert rest_channel.authorized(_request("10.1.2.3", "Bearer s3cret"))


def test_session_secret_is_bound_to_the_server_key() -> None:
    session = "0" * 32
    assert sio_channel.session_secret(b"k1", session) != sio_channel.session_secret(b"k2", session)
    assert sio_channel.session_secret(b"k1", session) != sio_channel.session_secret(b"k1", "1" * 32)


# ------------------------------------------------------------------ over the real servers
def test_forged_slack_id_over_rest_gets_a_conversation_of_its_own(guarded_stack, servers_log_dir) -> None:
    url = guarded_stack.rasa.url
    status, reply = rest_post(url, {"sender": SLACK_STYLE_ID, "message": "I already have PMP"})
    assert status == 200 and reply, reply
    assert reply[0]["recipient_id"] == SLACK_STYLE_ID  # the client sees its own sender back
    ids = conversation_ids(servers_log_dir / "guarded-tracker.db")
    assert "rest:" + SLACK_STYLE_ID in ids
    assert SLACK_STYLE_ID not in ids  # the Slack user's conversation was never touched


def test_rest_cannot_reach_a_socketio_conversation(guarded_stack, servers_log_dir) -> None:
    async def scenario() -> tuple[str, dict]:
        client = SioClient()
        await client.connect(guarded_stack.rasa.url)
        try:
            confirm = await client.session()
            said = await client.ask("I already have PMP")
        finally:
            await client.close()
        return confirm["session_id"], said

    session_id, said = run_async(scenario())
    assert "PMP" in said["text"], said
    forged = "web:" + session_id
    status, reply = rest_post(guarded_stack.rasa.url, {"sender": forged, "message": "what is CSM?"})
    assert status == 200 and reply, reply
    ids = conversation_ids(servers_log_dir / "guarded-tracker.db")
    assert forged in ids and "rest:" + forged in ids


def test_session_id_of_another_socket_gives_a_new_conversation(guarded_stack) -> None:
    url = guarded_stack.rasa.url

    async def scenario() -> dict:
        owner, intruder, reloaded = SioClient(), SioClient(), SioClient()
        await owner.connect(url)
        await intruder.connect(url, transport="polling")
        await reloaded.connect(url)
        try:
            mine = await owner.session()
            assert len(mine["session_id"]) == 32 and mine["session_secret"]
            first = await owner.ask("what does an engineering director do?")

            stolen = await intruder.session(mine["session_id"])  # the id alone, no secret
            guessed = await intruder.session(mine["session_id"], "0" * 64)  # a wrong secret
            intruders_answer = await intruder.ask("who do they report to?")

            resumed = await reloaded.session(mine["session_id"], mine["session_secret"])
            follow_up = await reloaded.ask("who do they report to?")
            await owner.next("bot_uttered")  # the owner's other tab sees its own conversation go on
            return {"mine": mine, "first": first, "stolen": stolen, "guessed": guessed,
                    "intruders_answer": intruders_answer, "resumed": resumed, "follow_up": follow_up,
                    "owner_log": owner.log, "intruder_log": intruder.log}
        finally:
            for client in (owner, intruder, reloaded):
                await client.close()

    result = run_async(scenario())
    mine = result["mine"]["session_id"]
    assert "engineering director" in result["first"]["text"].lower()
    assert result["stolen"]["session_id"] != mine and result["guessed"]["session_id"] != mine
    assert "engineering director reports to" not in result["intruders_answer"]["text"].lower()
    # nothing of the owner's conversation reached the intruder, nothing of the intruder's reached the owner
    assert not any("engineering director reports to" in str(data).lower() for name, data in result["intruder_log"])
    assert [name for name, _ in result["owner_log"]].count("bot_uttered") == 2  # its answer + its other tab's
    assert result["resumed"]["session_id"] == mine  # the secret proves ownership
    assert "engineering director reports to" in result["follow_up"]["text"].lower()


@pytest.mark.parametrize("bad_id", [12345, "x" * 10_000, "ABCDEF" * 6, ["a"], {"id": 1}])
def test_malformed_session_ids_are_refused_with_an_error_event(guarded_stack, bad_id) -> None:
    async def scenario() -> tuple[dict, dict]:
        client = SioClient()
        await client.connect(guarded_stack.rasa.url)
        try:
            await client.client.emit("session_request", {"session_id": bad_id})
            error = await client.next(sio_channel.ERROR_EVENT, timeout=30)
            confirm = await client.next("session_confirm", timeout=30)
        finally:
            await client.close()
        return error, confirm

    error, confirm = run_async(scenario())
    assert error["error"] == "invalid_session_id" and error["message"]
    assert sio_channel.SESSION_ID.fullmatch(confirm["session_id"])


def test_a_rest_client_cannot_pass_as_slack(guarded_stack, servers_log_dir) -> None:
    import json

    sender = "channel-claim-test"
    status, reply = rest_post(guarded_stack.rasa.url, {"sender": sender, "message": "what is PMP?",
                                                       "input_channel": "slack"})
    assert status == 200 and reply, reply
    with sqlite3.connect(servers_log_dir / "guarded-tracker.db") as connection:
        rows = connection.execute("SELECT data FROM events WHERE sender_id = ? AND type_name = 'user'",
                                  ("rest:" + sender,)).fetchall()
    assert rows and {json.loads(data)["input_channel"] for (data,) in rows} == {"rest"}
