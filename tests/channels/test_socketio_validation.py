"""The input check every channel shares (bot/channels/validation.py), the socket.io channel's pure parts
(origins, rates, one answer per turn) and the NLU fix: an empty or blank message parsed by the trained model."""
from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.channels import socketio as sio_channel
from bot.channels.validation import (BAD_COMMAND_REPLY, BLANK_REPLY, InvalidMessage, check_message,
                                     max_message_chars)

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "var" / "models" / "careerbot.tar.gz"


def refusal(value: object, **kwargs: object) -> InvalidMessage:
    with pytest.raises(InvalidMessage) as caught:
        check_message(value, **kwargs)
    return caught.value


@pytest.mark.parametrize("value", [None, 42, 4.2, True, ["hi"], {"text": "hi"}, b"hi"])
def test_only_text_is_a_message(value: object) -> None:
    bad = refusal(value)
    assert bad.code == "not_text" and "text" in bad.reply


@pytest.mark.parametrize("value", ["", " ", "\t\n ", "\x00\x01", "\u00a0\u2003", "\x85"])
def test_blank_text_gets_the_polite_default(value: str) -> None:
    bad = refusal(value)
    assert (bad.code, bad.reply, bad.status) == ("blank", BLANK_REPLY, 200)


def test_length_cap_is_one_setting(monkeypatch) -> None:
    monkeypatch.delenv("CAREERBOT_MAX_MESSAGE_CHARS", raising=False)
    assert max_message_chars() == 2000
    assert check_message("a" * 2000) == "a" * 2000
    bad = refusal("a" * 2001)
    assert (bad.code, bad.status) == ("too_long", 413) and "2,000" in bad.reply
    monkeypatch.setenv("CAREERBOT_MAX_MESSAGE_CHARS", "10")
    assert refusal("a" * 11).code == "too_long"
    assert sio_channel.payload_limit() == 6 * 10 + 4096
    monkeypatch.setenv("CAREERBOT_MAX_MESSAGE_CHARS", "ten")
    with pytest.raises(ValueError, match="CAREERBOT_MAX_MESSAGE_CHARS"):
        max_message_chars()


def test_control_characters_become_spaces_and_invalid_unicode_is_refused() -> None:
    assert check_message("what\x00is\x1bPMP?\x7f") == "what is PMP?"
    assert check_message("two\nlines\tand tab") == "two\nlines\tand tab"
    assert refusal("bad \ud800 surrogate").code == "invalid_text"


@pytest.mark.parametrize("command", [
    "/ask_role_duties", '/ask_role_duties{"role": "engineering director"}', "/restart",
])
def test_well_formed_commands_of_known_intents_pass(command: str) -> None:
    assert check_message(command, intents={"ask_role_duties", "restart"}) == command


@pytest.mark.parametrize("command", [
    "/", "/ask role", "/no_such_intent", '/ask_role_duties{"role": ["a list"]}', "/ask_role_duties{not json}",
    '/ask_role_duties{"role": {"nested": 1}}', "/ask_role_duties" + "{" * 40, "/" + "a" * 400,
    '/ask_role_duties{"role": "' + "x" * 400 + '"}',
])
def test_malformed_unknown_or_long_commands_are_refused(command: str) -> None:
    bad = refusal(command, intents={"ask_role_duties", "restart"})
    assert (bad.code, bad.reply) == ("bad_command", BAD_COMMAND_REPLY)


def test_allowed_origins_are_exact(monkeypatch) -> None:
    monkeypatch.delenv("CAREERBOT_ALLOWED_ORIGINS", raising=False)
    monkeypatch.delenv("WEB_PORT", raising=False)
    assert sio_channel.allowed_origins() == ["http://127.0.0.1:8080"]
    monkeypatch.setenv("CAREERBOT_ALLOWED_ORIGINS", "https://www.example.com, http://127.0.0.1:8080/")
    assert sio_channel.allowed_origins() == ["https://www.example.com", "http://127.0.0.1:8080"]
    for unsafe in ("https://.*\\.example\\.com", "https://*.example.com", "example.com", "https://a.com/path",
                   "^https://a.com$", "ftp://a.com"):
        monkeypatch.setenv("CAREERBOT_ALLOWED_ORIGINS", unsafe)
        with pytest.raises(sio_channel.ConfigError, match="CAREERBOT_ALLOWED_ORIGINS"):
            sio_channel.allowed_origins()


def test_rate_limiter_allows_a_burst_then_refills(monkeypatch) -> None:
    clock = [100.0]
    monkeypatch.setattr(sio_channel.time, "monotonic", lambda: clock[0])
    limiter = sio_channel.RateLimiter(sio_channel.Rate.parse("3/3", "test"))
    assert [limiter.allow("a") for _ in range(4)] == [True, True, True, False]
    assert limiter.allow("b")  # buckets are per key
    clock[0] += 1.0  # one token back per second
    assert limiter.allow("a") and not limiter.allow("a")
    assert sio_channel.RateLimiter(sio_channel.Rate.parse("off", "test")).allow("a")
    with pytest.raises(sio_channel.ConfigError):
        sio_channel.Rate.parse("fast", "CAREERBOT_SOCKETIO_SESSION_RATE")


def test_one_turn_is_one_answer_without_the_question_among_its_suggestions() -> None:
    question = "What does an engineering director do?"
    events = sio_channel.merge_turn([
        {"recipient_id": "web:x", "text": "**Engineering director**\n\nLeads managers."},
        {"recipient_id": "web:x", "text": "- sets strategy\n- owns budgets", "buttons": [
            {"title": "What does an engineering director do?", "payload": "/ask_role_duties"},
            {"title": "Who does a director report to?", "payload": "/ask_reporting"},
        ]},
        {"recipient_id": "web:x", "text": "", "buttons": [{"title": "again", "payload": "/ask_reporting"}]},
    ], question)
    assert events == [{
        "text": "**Engineering director**\n\nLeads managers.\n\n- sets strategy\n- owns budgets",
        "quick_replies": [{"content_type": "text", "title": "Who does a director report to?",
                           "payload": "/ask_reporting"}],
    }]
    assert sio_channel.merge_turn([], "hi") == []


@pytest.mark.e2e  # loads the trained model
def test_the_trained_model_parses_empty_and_blank_text() -> None:
    if not MODEL.is_file():
        pytest.skip(f"no trained model at {MODEL} (make train)")
    from rasa.core.agent import Agent

    from bot.nlu.blank_safe_classifier import BlankSafeLogisticRegressionClassifier  # noqa: F401

    agent = Agent.load(str(MODEL))

    async def parse_all() -> list[dict]:
        return [await agent.parse_message(text) for text in ("", "   ", "\t", "what is PMP?")]

    empty, blank, tab, normal = asyncio.run(parse_all())
    for result in (empty, blank, tab):
        assert result["intent"]["name"] == "nlu_fallback", result["intent"]
    assert normal["intent"]["name"] != "nlu_fallback"


def test_jwt_claims_are_read_only_from_a_valid_token(caplog) -> None:
    import jwt

    channel = sio_channel.CareerbotSocketIOInput.from_credentials({"jwt_key": "k" * 32, "jwt_method": "HS256"})
    token = jwt.encode({"sub": "alice@example.com"}, "k" * 32, algorithm="HS256")
    assert channel._decode_jwt({"token": token}) == {"sub": "alice@example.com"}
    assert channel._decode_jwt({"token": "Bearer " + token}) == {"sub": "alice@example.com"}
    forged = jwt.encode({"sub": "mallory"}, "other-key" * 4, algorithm="HS256")
    for auth in ({"token": forged}, {"token": "not.a.jwt"}, {"token": 42}, {}, None, "token"):
        assert channel._decode_jwt(auth) is None
    assert "Traceback" not in caplog.text
