"""Slack channel: pure formatting and verification units, then the whole bot over Slack against a fake Web API.

The end-to-end tests use the real action server (tests/channels/conftest.py) and start a real Rasa server
(model var/models/careerbot.tar.gz) whose credentials file configures `bot.channels.slack.CareerbotSlackInput`
pointed at a fake Slack Web API on 127.0.0.1 (tests/channels/slack_fake.py); they send signed Events API and
interactivity POSTs and assert exactly which chat.postMessage calls Slack would have received. Without the
model they are skipped, and under CI=true they fail.
"""
from __future__ import annotations

import asyncio
import importlib.util
import itertools
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import pytest
from e2e.harness import free_port
from rasa.core.channels.channel import UserMessage

from bot.channels.slack import (
    APOLOGY,
    DEFAULT_API_URL,
    CareerbotSlackBot,
    CareerbotSlackInput,
    SeenCache,
    SignatureCheck,
    check_signature,
    conversation_id,
    settings_from,
    sign,
    FILE_NOTICE,
    turn_from_event,
    turn_from_interaction,
)
from bot.channels.slack_format import (
    button_blocks,
    clean_user_text,
    split_text,
    to_mrkdwn,
)

ROOT = Path(__file__).resolve().parents[2]
RASA_START_SECONDS = 300
TOKEN = "xoxb-fake-token"
SECRET = "fake-signing-secret"
BOT_USER = "UCAREERBOT"
TEAM = "TCAREER"
WEBHOOK = "/webhooks/slack/webhook"
RETRY_REASONS = ("http_timeout", "http_error", "too_many_attempts", "unknown")

DIRECTOR_DUTIES = ("Resource allocation", "Strategic planning", "Risk management")
MANAGER_DUTIES = ("Budgets", "Project timelines", "Cross-functional collaboration")


def _load_fake() -> Any:
    """Import tests/channels/slack_fake.py by path, whatever the test package layout."""
    spec = importlib.util.spec_from_file_location("careerbot_slack_fake", Path(__file__).with_name("slack_fake.py"))
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


slack_fake = _load_fake()


# ---------------------------------------------------------------------------------------------------
# Formatting: bot Markdown -> Slack mrkdwn and Block Kit
# ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("markdown", "mrkdwn"),
    [
        ("**Resource allocation:** distribute people", "*Resource allocation:* distribute people"),
        ("__Budgets__ matter", "*Budgets* matter"),
        ("- Teams\n- Budgets", "• Teams\n• Budgets"),
        ("  * nested item\n+ plus item", "  • nested item\n• plus item"),
        ("See [the PMI site](https://www.pmi.org/certifications) now",
         "See <https://www.pmi.org/certifications|the PMI site> now"),
        ("[a|b](https://example.org/?x=1&y=2)", "<https://example.org/?x=1&amp;y=2|a/b>"),
        ("an *important* step", "an _important_ step"),
        ("**Director** vs *manager*", "*Director* vs _manager_"),
        ("## Engineering director", "*Engineering director*"),
        ("~~old~~ new", "~old~ new"),
        ("R&D <team> > 5", "R&amp;D &lt;team&gt; &gt; 5"),
        ("5 * 3 * 2 = 30", "5 * 3 * 2 = 30"),
        ("`**not bold**` and **bold**", "`**not bold**` and *bold*"),
        ("```\n- keep\n**as is**\n```", "```\n- keep\n**as is**\n```"),
        ("already <https://slack.com|linked>", "already <https://slack.com|linked>"),
        ("ask <@U0EXAMPLE1> for an intro", "ask <@U0EXAMPLE1> for an intro"),
        ("not a mention: <@alex>", "not a mention: &lt;@alex&gt;"),
        ("snake_case_name stays", "snake_case_name stays"),
    ],
)
def test_markdown_becomes_slack_mrkdwn(markdown: str, mrkdwn: str) -> None:
    assert to_mrkdwn(markdown) == mrkdwn


def test_bulleted_bold_answer_reads_like_slack() -> None:
    answer = ("An engineering director:\n- **Resource allocation**: distribute personnel\n"
              "- **Strategic planning**: roadmaps")
    assert to_mrkdwn(answer) == (
        "An engineering director:\n• *Resource allocation*: distribute personnel\n• *Strategic planning*: roadmaps"
    )


def test_buttons_become_an_actions_block_whose_values_are_the_payloads() -> None:
    blocks = button_blocks(
        "Did you mean **one** of these?",
        [{"title": "What a director does", "payload": '/ask_role_duties{"role": "engineering director"}'},
         {"title": "Salaries", "payload": "/ask_salary"},
         {"title": "No payload"}],
    )
    assert blocks[0] == {"type": "section", "text": {"type": "mrkdwn", "text": "Did you mean *one* of these?"}}
    assert blocks[1]["type"] == "actions"
    elements = blocks[1]["elements"]
    assert [e["value"] for e in elements] == ['/ask_role_duties{"role": "engineering director"}', "/ask_salary"]
    assert [e["text"]["text"] for e in elements] == ["What a director does", "Salaries"]
    assert all(e["type"] == "button" and e["text"]["type"] == "plain_text" for e in elements)
    assert len({e["action_id"] for e in elements}) == 2
    assert len(blocks) == 2


def test_buttons_respect_slack_limits() -> None:
    many = [{"title": f"Topic {i} " + "x" * 100, "payload": f"/ask_{i}"} for i in range(30)]
    blocks = button_blocks("Pick one", many)
    actions = [b for b in blocks if b["type"] == "actions"]
    assert [len(b["elements"]) for b in actions] == [25, 5]
    assert all(len(e["text"]["text"]) <= 75 for b in actions for e in b["elements"])
    assert len({e["action_id"] for b in actions for e in b["elements"]}) == 30
    too_long = button_blocks("x", [{"title": "huge", "payload": "/" + "a" * 2000}])
    assert [b["type"] for b in too_long] == ["section"]


def test_long_text_is_split_at_paragraphs_within_the_section_limit() -> None:
    paragraphs = [f"p{i} " + "word " * 150 for i in range(10)]
    chunks = split_text("\n\n".join(paragraphs), limit=3000)
    assert len(chunks) > 1
    assert all(len(c) <= 3000 for c in chunks)
    assert " ".join(" ".join(chunks).split()) == " ".join(" ".join(paragraphs).split())
    assert all(c.startswith("p") for c in chunks)


def test_slack_text_is_cleaned_to_what_the_user_typed() -> None:
    text = "<@UCAREERBOT> what does a <https://x.org|director> do &amp; earn? cc <@UOTHER> in <#C1|general>"
    assert clean_user_text(text, {"UCAREERBOT"}) == "what does a director do & earn? cc @UOTHER in #general"
    assert clean_user_text("<mailto:a@b.org|a@b.org> &lt;3") == "a@b.org <3"


# ---------------------------------------------------------------------------------------------------
# Verification, de-duplication, parsing
# ---------------------------------------------------------------------------------------------------

def test_signature_check() -> None:
    body = b'{"type":"event_callback"}'
    now = 1_700_000_000.0
    good = sign(SECRET, "1700000000", body)
    assert good.startswith("v0=") and len(good) == 3 + 64
    assert check_signature(SECRET, "1700000000", good, body, now) is SignatureCheck.VALID
    assert check_signature("other", "1700000000", good, body, now) is SignatureCheck.INVALID
    assert check_signature(SECRET, "1700000000", good, body + b" ", now) is SignatureCheck.INVALID
    assert check_signature(SECRET, "1700000000", None, body, now) is SignatureCheck.INVALID
    assert check_signature(SECRET, "1700000000", good, body, now + 301) is SignatureCheck.STALE
    assert check_signature(SECRET, "1700000000", good, body, now - 301) is SignatureCheck.STALE
    assert check_signature(SECRET, "1700000000", good, body, now + 299) is SignatureCheck.VALID
    assert check_signature(SECRET, None, good, body, now) is SignatureCheck.MALFORMED
    assert check_signature(SECRET, "soon", good, body, now) is SignatureCheck.MALFORMED
    # Non-ASCII headers: Arabic-Indic digits (int() accepts them) and a non-ASCII signature of the right length.
    assert check_signature(SECRET, "١٧٠٠٠٠٠٠٠٠", good, body, now) is SignatureCheck.MALFORMED
    assert check_signature(SECRET, "1700000000", good[:-1] + "é", body, now) is SignatureCheck.INVALID
    assert check_signature(SECRET, "1700000000", "v0=" + "ü" * 64, body, now) is SignatureCheck.INVALID


def test_seen_cache_forgets_after_ttl_and_stays_bounded() -> None:
    now = [0.0]
    seen = SeenCache(ttl=10, max_entries=3, clock=lambda: now[0])
    assert seen.add("event:1", "message:D:1")
    assert not seen.add("event:1")
    assert not seen.add("event:2", "message:D:1")  # same message under another event id
    now[0] = 11.0
    assert seen.add("event:1")
    for key in ("a", "b", "c", "d"):
        seen.add(key)
    assert len(seen) == 3
    assert seen.add("a")  # evicted as the oldest


def _envelope(event: dict[str, Any], event_id: str = "Ev1") -> dict[str, Any]:
    return {"type": "event_callback", "team_id": TEAM, "api_app_id": "AAPP", "event_id": event_id,
            "event_time": 1_700_000_000, "event": event,
            "authorizations": [{"team_id": TEAM, "user_id": BOT_USER, "is_bot": True}]}


def test_top_level_direct_message_is_answered_in_the_dm_and_a_thread_reply_in_its_thread() -> None:
    turn = turn_from_event(_envelope({"type": "message", "channel_type": "im", "channel": "D1",
                                      "user": "U1", "text": "what does a director do?", "ts": "100.1"}))
    assert turn is not None
    assert (turn.text, turn.user, turn.channel, turn.thread_ts) == ("what does a director do?", "U1", "D1", None)
    assert turn.notice is None
    assert turn.keys == ("event:Ev1", "message:D1:100.1")
    reply = turn_from_event(_envelope({"type": "message", "channel_type": "im", "channel": "D1", "user": "U1",
                                       "text": "and a CTO?", "ts": "101.1", "thread_ts": "100.1"}))
    assert reply is not None and reply.thread_ts == "100.1"


def test_mention_turn_drops_the_bot_mention() -> None:
    turn = turn_from_event(_envelope({"type": "app_mention", "channel": "C1", "user": "U1", "ts": "5.5",
                                      "text": "<@UCAREERBOT> what is PMP?"}))
    assert turn is not None and turn.text == "what is PMP?" and turn.thread_ts == "5.5"  # mentions stay threaded
    no_auth = _envelope({"type": "app_mention", "channel": "C1", "user": "U1", "ts": "5.6",
                         "text": "<@UBOTX> what is PMP?"})
    no_auth.pop("authorizations")
    assert turn_from_event(no_auth).text == "what is PMP?"
    bare = turn_from_event(_envelope({"type": "app_mention", "channel": "C1", "user": "U1", "ts": "5.7",
                                      "text": "<@UCAREERBOT>"}))
    assert bare is not None and bare.text == "/greet"


@pytest.mark.parametrize(
    "event",
    [
        {"type": "message", "channel_type": "im", "channel": "D1", "user": "U1", "ts": "1.0", "text": "hi",
         "bot_id": "B1"},
        {"type": "message", "subtype": "bot_message", "channel_type": "im", "channel": "D1", "ts": "1.0",
         "text": "hi"},
        {"type": "message", "subtype": "message_changed", "channel_type": "im", "channel": "D1", "ts": "1.0",
         "message": {"type": "message", "user": "U1", "text": "edited"}},
        {"type": "message", "subtype": "message_deleted", "channel_type": "im", "channel": "D1", "ts": "1.0"},
        {"type": "message", "channel_type": "channel", "channel": "C1", "user": "U1", "ts": "1.0", "text": "hi"},
        {"type": "message", "channel_type": "im", "channel": "D1", "user": BOT_USER, "ts": "1.0", "text": "hi"},
        {"type": "message", "channel_type": "im", "channel": "D1", "user": "U1", "ts": "1.0", "text": "  "},
        {"type": "reaction_added", "user": "U1", "reaction": "thumbsup", "item": {}},
    ],
    ids=["bot_id", "bot_message", "message_changed", "message_deleted", "channel_message", "own_user",
         "blank", "reaction"],
)
def test_events_the_bot_must_not_answer(event: dict[str, Any]) -> None:
    assert turn_from_event(_envelope(event)) is None


def test_direct_message_with_a_file_gets_the_text_only_notice() -> None:
    files = [{"id": "F1", "name": "cv.pdf", "mimetype": "application/pdf"}]
    only_file = turn_from_event(_envelope({"type": "message", "subtype": "file_share", "channel_type": "im",
                                           "channel": "D1", "user": "U1", "text": "", "ts": "9.1",
                                           "files": files}))
    assert only_file is not None
    assert (only_file.notice, only_file.text, only_file.thread_ts) == (FILE_NOTICE, "", None)
    with_text = turn_from_event(_envelope({"type": "message", "channel_type": "im", "channel": "D1",
                                           "user": "U1", "text": "what is PMP?", "ts": "9.2", "files": files}))
    assert with_text is not None and (with_text.notice, with_text.text) == (FILE_NOTICE, "what is PMP?")
    assert "only read text" in FILE_NOTICE


def test_button_click_turn_answers_in_the_thread_of_the_buttons() -> None:
    payload = _click_payload("U1", "D1", message_ts="200.2", thread_ts="200.1", value="/ask_salary")
    turn = turn_from_interaction(payload)
    assert turn is not None
    assert (turn.text, turn.channel, turn.thread_ts) == ("/ask_salary", "D1", "200.1")
    payload["actions"][0]["action_ts"] = "999.9"  # a second click of the same button: same key
    assert turn_from_interaction(payload).keys == turn.keys
    top_level = _click_payload("U1", "D1", message_ts="300.2", thread_ts=None, value="/ask_salary")
    assert turn_from_interaction(top_level).thread_ts is None  # a DM's top level stays the top level
    in_channel = _click_payload("U1", "C1", message_ts="300.2", thread_ts=None, value="/ask_salary")
    assert turn_from_interaction(in_channel).thread_ts == "300.2"
    link = _click_payload("U1", "D1", message_ts="300.2", thread_ts=None, value=None)
    assert turn_from_interaction(link) is None


def test_conversation_granularity() -> None:
    turn = turn_from_event(_envelope({"type": "message", "channel_type": "im", "channel": "D1", "user": "U1",
                                      "text": "hi", "ts": "7.1", "thread_ts": "7.0"}))
    assert conversation_id(turn, "sender") == "U1"
    assert conversation_id(turn, "channel") == "U1_D1"
    assert conversation_id(turn, "thread") == "U1_D1_7.0"
    top = turn_from_event(_envelope({"type": "message", "channel_type": "im", "channel": "D1", "user": "U1",
                                     "text": "hi", "ts": "7.2"}))
    assert conversation_id(top, "thread") == "U1_D1"


def test_settings_come_from_credentials_else_environment() -> None:
    env = {"SLACK_BOT_TOKEN": "xoxb-env", "SLACK_SIGNING_SECRET": "env-secret"}
    from_env = settings_from(None, env)
    assert (from_env.bot_token, from_env.signing_secret, from_env.api_url) == ("xoxb-env", "env-secret",
                                                                                 DEFAULT_API_URL)
    explicit = settings_from({"slack_token": "xoxb-yml", "slack_signing_secret": "",
                              "slack_api_url": "http://127.0.0.1:5401/api/"}, env)
    assert (explicit.bot_token, explicit.signing_secret, explicit.api_url) == (
        "xoxb-yml", "env-secret", "http://127.0.0.1:5401/api/")
    assert settings_from({}, {"SLACK_API_URL": "http://127.0.0.1:1/api/"}).api_url == "http://127.0.0.1:1/api/"
    assert settings_from({}, {}).bot_token == ""
    with pytest.raises(ValueError, match="conversation_granularity"):
        settings_from({"conversation_granularity": "team"}, env)


@dataclass
class _RecordingClient:
    """Stands in for AsyncWebClient in unit tests of the output channel."""

    posted: list[dict[str, Any]] = field(default_factory=list)

    async def chat_postMessage(self, **kwargs: Any) -> dict[str, Any]:  # noqa: N802 - slack_sdk's name
        self.posted.append(kwargs)
        return {"ok": True}


def test_output_channel_posts_mrkdwn_and_buttons_into_the_thread() -> None:
    client = _RecordingClient()
    bot = CareerbotSlackBot(client, "D9", "42.0")  # type: ignore[arg-type]
    asyncio.run(bot.send_response("U1_D9", {"text": "**Teams:** lead\n- one"}))
    asyncio.run(bot.send_response("U1_D9", {"text": "Pick",
                                            "buttons": [{"title": "Salary", "payload": "/ask_salary"}]}))
    first, second = client.posted
    assert first == {"channel": "D9", "thread_ts": "42.0", "text": "*Teams:* lead\n• one", "mrkdwn": True}
    assert (second["channel"], second["thread_ts"], second["text"]) == ("D9", "42.0", "Pick")
    assert second["blocks"][1]["elements"][0]["value"] == "/ask_salary"


def test_a_failure_while_answering_gets_a_polite_reply_in_the_thread() -> None:
    channel = CareerbotSlackInput(settings_from({}, {"SLACK_BOT_TOKEN": TOKEN, "SLACK_SIGNING_SECRET": SECRET}))
    client = _RecordingClient()
    channel.client = client  # type: ignore[assignment]
    turn = turn_from_event(_envelope({"type": "message", "channel_type": "im", "channel": "D1", "user": "U1",
                                      "text": "what does a director do?", "ts": "8.1"}))
    received: list[UserMessage] = []

    async def broken_rasa(message: UserMessage) -> None:
        received.append(message)
        raise ConnectionError("action server unreachable")

    asyncio.run(channel._answer(turn, broken_rasa))
    assert [m.text for m in received] == ["what does a director do?"]
    assert received[0].sender_id == "U1_D1"
    assert client.posted == [{"channel": "D1", "text": APOLOGY}]  # a top-level DM: answered at the top level
    assert "Traceback" not in APOLOGY and "ConnectionError" not in APOLOGY


# ---------------------------------------------------------------------------------------------------
# The whole system over Slack: real Rasa server and action server, fake Slack Web API
# ---------------------------------------------------------------------------------------------------

def _click_payload(user: str, channel: str, message_ts: str, thread_ts: str | None,
                   value: str | None, action_id: str = "careerbot_button_0") -> dict[str, Any]:
    message: dict[str, Any] = {"type": "message", "user": BOT_USER, "bot_id": "BFAKE", "ts": message_ts,
                               "text": "Pick one"}
    container: dict[str, Any] = {"type": "message", "message_ts": message_ts, "channel_id": channel,
                                 "is_ephemeral": False}
    if thread_ts:
        message["thread_ts"] = container["thread_ts"] = thread_ts
    action: dict[str, Any] = {"action_id": action_id, "block_id": "blk", "type": "button",
                              "text": {"type": "plain_text", "text": "Pick"}, "action_ts": f"{time.time():.6f}"}
    if value is not None:
        action["value"] = value
    return {"type": "block_actions", "user": {"id": user, "username": "ada", "team_id": TEAM},
            "api_app_id": "AAPP", "team": {"id": TEAM}, "container": container,
            "channel": {"id": channel, "name": "directmessage"}, "message": message,
            "trigger_id": "1.2.3", "response_url": "https://hooks.invalid/actions/1", "actions": [action]}


def _free_port(taken: set[int]) -> int:
    """A free loopback port (from CAREERBOT_TEST_PORTS when set) not handed out before."""
    port = free_port()
    taken.add(port)
    return port


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=5) as reply:
            return reply.status, reply.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def _wait_until_up(url: str, process: subprocess.Popen, log: Path, timeout: float) -> bytes:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"server exited with {process.returncode}:\n{log.read_text()[-4000:]}")
        try:
            status, body = _get(url)
            if status == 200:
                return body
        except OSError:
            pass
        time.sleep(0.5)
    pytest.fail(f"{url} not up after {timeout:.0f} s:\n{log.read_text()[-4000:]}")


def _stop(process: subprocess.Popen) -> None:
    """Stop the process group started for `process` (it was started in a new session)."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


@dataclass
class SlackSystem:
    """The running system: Rasa's webhook URL, the fake Slack, and helpers to talk like Slack does."""

    webhook: str
    slack: Any
    _ts: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    def ts(self) -> str:
        """A fresh Slack message timestamp."""
        return f"1700000000.{next(self._ts):06d}"

    def post(self, body: bytes, content_type: str = "application/json", secret: str = SECRET,
             timestamp: int | None = None, headers: dict[str, str] | None = None,
             signature: str | None = None) -> tuple[int, dict[str, str], bytes]:
        """POST a request signed the way Slack signs it; returns status, headers, body."""
        stamp = str(int(time.time()) if timestamp is None else timestamp)
        all_headers = {"Content-Type": content_type, "X-Slack-Request-Timestamp": stamp,
                       "X-Slack-Signature": sign(secret, stamp, body) if signature is None else signature,
                       "User-Agent": "Slackbot 1.0 (+https://api.slack.com/robots)", **(headers or {})}
        request = urllib.request.Request(self.webhook, data=body, headers=all_headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=10) as reply:
                return reply.status, dict(reply.headers), reply.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()

    def event(self, event: dict[str, Any], event_id: str | None = None,
              content_type: str = "application/json", headers: dict[str, str] | None = None
              ) -> tuple[bytes, tuple[int, dict[str, str], bytes]]:
        """Deliver an Events API event; returns the body sent (to redeliver it) and the reply."""
        body = json.dumps(_envelope(event, event_id or f"Ev{event['ts'].replace('.', '')}")).encode()
        return body, self.post(body, content_type=content_type, headers=headers)

    def dm(self, user: str, channel: str, text: str, thread_ts: str | None = None,
           **kwargs: Any) -> tuple[str, bytes, tuple[int, dict[str, str], bytes]]:
        """A direct message; returns its ts, the body sent and the reply."""
        ts = self.ts()
        event = {"type": "message", "channel_type": "im", "channel": channel, "user": user, "text": text,
                 "ts": ts, "team": TEAM, "client_msg_id": f"msg-{ts}"}
        if thread_ts:
            event["thread_ts"] = thread_ts
        body, reply = self.event(event, **kwargs)
        return ts, body, reply

    def click(self, payload: dict[str, Any]) -> tuple[int, dict[str, str], bytes]:
        """A Block Kit interaction, form-encoded as Slack sends it."""
        return self.post(urlencode({"payload": json.dumps(payload)}).encode(),
                         content_type="application/x-www-form-urlencoded")

    def replies(self, channel: str, thread_ts: str | None) -> list[Any]:
        """chat.postMessage calls received so far for one thread (None: the channel's top level)."""
        return [c for c in self.slack.calls() if c.channel == channel and c.thread_ts == thread_ts]

    def wait_replies(self, channel: str, thread_ts: str | None, count: int = 1,
                     timeout: float = 90.0) -> list[Any]:
        """Wait until at least `count` answers reached the thread (None: top level); return them all."""
        self.slack.wait_for(lambda calls: sum(c.channel == channel and c.thread_ts == thread_ts
                                              for c in calls) >= count, timeout)
        return self.replies(channel, thread_ts)

    def settle(self, user: str, channel: str) -> None:
        """Wait until the conversation (user, channel) is idle: a sentinel greeting must get its answer.

        Rasa handles one conversation's messages in arrival order, so once the sentinel is answered any
        answer to an earlier delivery has been posted too. The sentinel is sent in a thread of its own (same
        conversation), so its answer is told apart from top-level answers.
        """
        thread = self.ts()
        _, _, (status, _, _) = self.dm(user, channel, "hello", thread_ts=thread)
        assert status == 200
        self.wait_replies(channel, thread)


@pytest.fixture(scope="module")
def system(trained_model: Path, action_server: Any, tmp_path_factory: pytest.TempPathFactory
           ) -> Iterator[SlackSystem]:
    """Fake Slack + a Rasa server whose temp credentials file configures only the Slack channel.

    `trained_model` and `action_server` come from tests/channels/conftest.py (skip without the model,
    fail under CI=true); the Rasa server and the fake Slack listen on free loopback ports (CAREERBOT_TEST_PORTS).
    """
    tmp = tmp_path_factory.mktemp("slack")
    taken: set[int] = set()
    slack = slack_fake.FakeSlack(TOKEN, port=_free_port(taken)).start()
    rasa_port = _free_port(taken)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "ACTIONS_PORT": str(urlsplit(action_server.url).port),
           "RASA_TELEMETRY_ENABLED": "false", "TRACKER_STORE_URL": f"sqlite:///{tmp / 'tracker.db'}",
           "SLACK_BOT_TOKEN": TOKEN, "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": slack.api_url}
    credentials = tmp / "credentials.yml"
    credentials.write_text("bot.channels.slack.CareerbotSlackInput:\n"
                           "  slack_token: ${SLACK_BOT_TOKEN}\n"
                           "  slack_signing_secret: ${SLACK_SIGNING_SECRET}\n"
                           "  slack_api_url: ${SLACK_API_URL}\n")
    log = tmp / "rasa.log"
    with log.open("w") as out:
        rasa = subprocess.Popen(
            [sys.executable, "-m", "bot.server", "run", "--model", str(trained_model),
             "--credentials", str(credentials),
             "--endpoints", str(ROOT / "endpoints.yml"), "--interface", "127.0.0.1", "--port", str(rasa_port)],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        health = _wait_until_up(f"http://127.0.0.1:{rasa_port}/webhooks/slack/", rasa, log, RASA_START_SECONDS)
        report = json.loads(health)
        assert (report["status"], report["configured"], report["socket_mode"]) == ("ok", True, False)
        yield SlackSystem(webhook=f"http://127.0.0.1:{rasa_port}{WEBHOOK}", slack=slack)
    finally:
        _stop(rasa)
        slack.stop()


def _has_all(text: str, phrases: tuple[str, ...]) -> bool:
    return all(p.lower() in text.lower() for p in phrases)


@pytest.mark.e2e
def test_url_verification_echoes_the_challenge(system: SlackSystem) -> None:
    body = json.dumps({"token": "legacy", "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
                       "type": "url_verification"}).encode()
    status, _, reply = system.post(body)
    assert status == 200
    assert json.loads(reply) == {"challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"}
    status, _, _ = system.post(body, secret="not-the-secret")
    assert status == 401


@pytest.mark.e2e
def test_direct_message_is_answered_in_the_dm_itself_as_mrkdwn(system: SlackSystem) -> None:
    ts, _, (status, _, _) = system.dm("UDM1", "DDM1", "What does an engineering director do?")
    assert status == 200
    [reply] = system.wait_replies("DDM1", None)
    assert reply.token == TOKEN
    assert _has_all(reply.text, DIRECTOR_DUTIES)
    assert "**" not in reply.text and "\n- " not in reply.text
    system.settle("UDM1", "DDM1")
    assert len(system.replies("DDM1", None)) == 1
    assert system.replies("DDM1", ts) == []  # not in a thread under the question


@pytest.mark.e2e
def test_mention_with_charset_content_type_is_answered_in_thread(system: SlackSystem) -> None:
    ts = system.ts()
    _, (status, _, _) = system.event(
        {"type": "app_mention", "channel": "CMENTION", "user": "UMENTION", "ts": ts, "team": TEAM,
         "text": f"<@{BOT_USER}> what does an engineering director do?"},
        content_type="application/json; charset=utf-8")
    assert status == 200
    [reply] = system.wait_replies("CMENTION", ts)
    assert _has_all(reply.text, DIRECTOR_DUTIES)
    # A mention inside an existing thread is answered in that thread, not in a new one.
    parent, child = system.ts(), system.ts()
    system.event({"type": "app_mention", "channel": "CMENTION", "user": "UMENTION", "ts": child,
                  "thread_ts": parent, "text": f"<@{BOT_USER}> what does an engineering manager do?"})
    [threaded] = system.wait_replies("CMENTION", parent)
    assert _has_all(threaded.text, MANAGER_DUTIES)
    assert system.replies("CMENTION", child) == []


@pytest.mark.e2e
def test_thread_reply_is_a_follow_up_in_the_same_thread(system: SlackSystem) -> None:
    ts, _, _ = system.dm("UTHREAD", "DTHREAD", "What does an engineering director do?")
    [first] = system.wait_replies("DTHREAD", None)
    assert _has_all(first.text, DIRECTOR_DUTIES)
    system.dm("UTHREAD", "DTHREAD", "and an engineering manager?", thread_ts=ts)
    [follow_up] = system.wait_replies("DTHREAD", ts)
    assert _has_all(follow_up.text, MANAGER_DUTIES)
    assert "Resource allocation" not in follow_up.text


@pytest.mark.e2e
def test_button_click_sends_its_payload_and_answers_in_the_same_thread(system: SlackSystem) -> None:
    thread, buttons_message = system.ts(), system.ts()
    payload = _click_payload("UCLICK", "DCLICK", message_ts=buttons_message, thread_ts=thread,
                             value='/ask_role_duties{"role": "engineering director"}')
    status, _, _ = system.click(payload)
    assert status == 200
    [reply] = system.wait_replies("DCLICK", thread)
    assert _has_all(reply.text, DIRECTOR_DUTIES)
    # Clicking the same button again (or Slack redelivering the click) does not answer twice.
    payload["actions"][0]["action_ts"] = f"{time.time():.6f}"
    status, headers, _ = system.click(payload)
    assert status == 200 and headers.get("X-Slack-No-Retry") == "1"
    system.settle("UCLICK", "DCLICK")
    assert len(system.replies("DCLICK", thread)) == 1
    assert system.replies("DCLICK", buttons_message) == []


@pytest.mark.e2e
def test_low_confidence_offers_buttons_that_answer_when_clicked(system: SlackSystem) -> None:
    system.dm("UFALLBACK", "DFALLBACK", "blorptastic quibbles zorg")
    [offer] = system.wait_replies("DFALLBACK", None)
    buttons = offer.buttons
    assert buttons, f"expected Block Kit buttons, got {offer.args}"
    assert all(b["value"].startswith("/") for b in buttons)
    assert offer.blocks[0]["type"] == "section" and offer.blocks[0]["text"]["type"] == "mrkdwn"
    chosen = buttons[0]
    click = _click_payload("UFALLBACK", "DFALLBACK", message_ts=system.ts(), thread_ts=None,
                           value=chosen["value"], action_id=chosen["action_id"])
    status, _, _ = system.click(click)
    assert status == 200
    _, answer = system.wait_replies("DFALLBACK", None, count=2)
    assert answer.text.strip()
    assert answer.text != offer.text


@pytest.mark.e2e
def test_every_retry_of_a_handled_event_is_ignored(system: SlackSystem) -> None:
    ts, body, (status, _, _) = system.dm("URETRY", "DRETRY", "What does an engineering director do?")
    assert status == 200
    [reply] = system.wait_replies("DRETRY", None)
    assert _has_all(reply.text, DIRECTOR_DUTIES)
    for number, reason in enumerate(RETRY_REASONS, start=1):
        for content_type in ("application/json", "application/json; charset=utf-8"):
            status, headers, _ = system.post(body, content_type=content_type,
                                             headers={"X-Slack-Retry-Num": str(number),
                                                      "X-Slack-Retry-Reason": reason})
            assert status == 200, reason
            assert headers.get("X-Slack-No-Retry") == "1", reason
    # The same message delivered again under another event id (e.g. as an app_mention) is the same turn.
    again = json.loads(body)
    again["event_id"] = "EvOTHER" + ts.replace(".", "")
    status, headers, _ = system.post(json.dumps(again).encode())
    assert status == 200 and headers.get("X-Slack-No-Retry") == "1"
    system.settle("URETRY", "DRETRY")
    assert len(system.replies("DRETRY", None)) == 1


@pytest.mark.e2e
def test_a_retry_of_an_event_never_handled_is_answered(system: SlackSystem) -> None:
    ts, _, (status, headers, _) = system.dm("UMISSED", "DMISSED", "What does an engineering director do?",
                                            headers={"X-Slack-Retry-Num": "1",
                                                     "X-Slack-Retry-Reason": "http_timeout"})
    assert status == 200 and "X-Slack-No-Retry" not in headers
    [reply] = system.wait_replies("DMISSED", None)
    assert _has_all(reply.text, DIRECTOR_DUTIES)


@pytest.mark.e2e
def test_unsigned_forged_or_stale_requests_are_rejected(system: SlackSystem) -> None:
    question = "What does an engineering director do?"
    forged_ts, stale_ts, unsigned_ts = system.ts(), system.ts(), system.ts()

    def body(ts: str) -> bytes:
        return json.dumps(_envelope({"type": "message", "channel_type": "im", "channel": "DSEC",
                                     "user": "USEC", "text": question, "ts": ts}, f"Ev{ts}")).encode()

    assert system.post(body(forged_ts), secret="guessed-secret")[0] == 401
    assert system.post(body(stale_ts), timestamp=int(time.time()) - 600)[0] == 400
    assert system.post(body(stale_ts), timestamp=int(time.time()) + 600)[0] == 400
    assert system.post(body(unsigned_ts), signature="")[0] == 401
    system.settle("USEC", "DSEC")
    assert len([c for c in system.slack.calls() if c.channel == "DSEC"]) == 1  # the settle greeting only
    assert all(system.replies("DSEC", ts) == [] for ts in (forged_ts, stale_ts, unsigned_ts))


@pytest.mark.e2e
def test_bot_messages_edits_and_channel_chatter_are_not_answered(system: SlackSystem) -> None:
    base = {"channel": "DQUIET", "channel_type": "im", "text": "What does an engineering director do?"}
    ignored = [
        {**base, "type": "message", "user": "UQUIET", "bot_id": "BOTHER", "ts": system.ts()},
        {**base, "type": "message", "subtype": "bot_message", "ts": system.ts()},
        {"type": "message", "subtype": "message_changed", "channel": "DQUIET", "channel_type": "im",
         "ts": system.ts(), "message": {"type": "message", "user": "UQUIET", "text": base["text"]}},
        {**base, "type": "message", "user": BOT_USER, "ts": system.ts()},
        {**base, "type": "message", "channel_type": "channel", "user": "UQUIET", "ts": system.ts()},
    ]
    for event in ignored:
        _, (status, _, _) = system.event(event)
        assert status == 200
    system.settle("UQUIET", "DQUIET")
    assert len([c for c in system.slack.calls() if c.channel == "DQUIET"]) == 1  # the settle greeting only
    assert all(system.replies("DQUIET", e["ts"]) == [] for e in ignored)



@pytest.mark.e2e
def test_malformed_signature_headers_get_401_not_500(system: SlackSystem) -> None:
    ts = system.ts()
    body = json.dumps(_envelope({"type": "message", "channel_type": "im", "channel": "DBADSIG", "user": "UBADSIG",
                                 "text": "What does an engineering director do?", "ts": ts}, f"Ev{ts}")).encode()
    good = sign(SECRET, str(int(time.time())), body)
    # Raw header bytes as a client could send them: non-ASCII signatures and timestamps, junk.
    for signature, stamp in ((good[:-2] + "é", None), ("v0=" + "ü" * 64, None), ("v0=\u00ff", None),
                             (good, "١٧٠٠٠٠٠٠٠٠"), (good, "soon"), (good, "")):
        stamp = str(int(time.time())) if stamp is None else stamp
        request = urllib.request.Request(system.webhook, data=body, method="POST", headers={
            "Content-Type": "application/json",
            "X-Slack-Request-Timestamp": stamp.encode().decode("latin-1"),  # sent as its UTF-8 bytes
            "X-Slack-Signature": signature.encode().decode("latin-1")})
        try:
            with urllib.request.urlopen(request, timeout=10) as reply:
                status = reply.status
        except urllib.error.HTTPError as error:
            status = error.code
        assert status == 401, (signature, stamp)
    system.settle("UBADSIG", "DBADSIG")
    assert system.replies("DBADSIG", None) == []


@pytest.mark.e2e
def test_a_429_is_retried_after_retry_after_and_the_answer_posted_exactly_once(system: SlackSystem) -> None:
    system.slack.rate_limit("chat.postMessage", times=1, retry_after=1)
    started = time.monotonic()
    system.dm("U429", "D429", "What does an engineering director do?")
    [reply] = system.wait_replies("D429", None)
    assert _has_all(reply.text, DIRECTOR_DUTIES)
    attempts = [c for c in system.slack.calls(rejected=True) if c.channel == "D429"]
    assert [c.status for c in attempts] == [429, 200]
    assert attempts[1].at - attempts[0].at >= 0.9  # waited for Retry-After: 1
    system.settle("U429", "D429")
    assert len(system.replies("D429", None)) == 1
    print(f"429 then 200: answer posted {attempts[1].at - attempts[0].at:.2f} s after the 429, "
          f"{attempts[1].at - started:.2f} s after the DM")


@pytest.mark.e2e
def test_a_dm_with_a_file_gets_i_can_only_read_text(system: SlackSystem) -> None:
    ts = system.ts()
    _, (status, _, _) = system.event({"type": "message", "subtype": "file_share", "channel_type": "im",
                                      "channel": "DFILE", "user": "UFILE", "text": "", "ts": ts, "team": TEAM,
                                      "files": [{"id": "F1", "name": "cv.pdf", "mimetype": "application/pdf"}]})
    assert status == 200
    [notice] = system.wait_replies("DFILE", None)
    assert "I can only read text" in notice.text
    system.settle("UFILE", "DFILE")
    assert len(system.replies("DFILE", None)) == 1


@pytest.mark.e2e
def test_slash_command_over_https_is_answered_privately(system: SlackSystem) -> None:
    trigger = f"{time.time():.6f}"
    response_url = f"{system.slack.response_url_base}{trigger}"
    form = {"command": "/careerbot", "text": "what does an engineering director do?", "user_id": "UHTTPCMD",
            "channel_id": "CHTTPCMD", "team_id": TEAM, "response_url": response_url, "trigger_id": trigger}
    status, _, body = system.post(urlencode(form).encode(), content_type="application/x-www-form-urlencoded")
    assert status == 200 and body == b""
    path = "/response/" + trigger
    [answer] = system.slack.wait_for(lambda calls: any(c.args.get("response_url") == path for c in calls),
                                     method="response_url")
    assert answer.args["response_type"] == "ephemeral"
    assert _has_all(answer.args["text"], DIRECTOR_DUTIES)
    assert [c for c in system.slack.calls() if c.channel == "CHTTPCMD"] == []
    # The same command delivered again (a retry) is not answered twice.
    status, headers, _ = system.post(urlencode(form).encode(), content_type="application/x-www-form-urlencoded")
    assert status == 200 and headers.get("X-Slack-No-Retry") == "1"


@pytest.mark.e2e
def test_every_web_api_call_used_the_bot_token(system: SlackSystem) -> None:
    """Runs last: every call the fake recorded bore the bot token; prints the transcript."""
    system.dm("ULAST", "DLAST", "What does an engineering director do?")
    system.wait_replies("DLAST", None)
    calls = [c for c in system.slack.all_calls() if c.method != "response_url"]
    assert calls and all(c.token == TOKEN for c in calls)
    fixtures = importlib.util.spec_from_file_location("careerbot_slack_fixtures_https",
                                                      Path(__file__).with_name("slack_fixtures.py"))
    module = importlib.util.module_from_spec(fixtures)
    sys.modules[fixtures.name] = module  # dataclasses look their module up there
    fixtures.loader.exec_module(module)
    print("fake Web API transcript (HTTPS):\n" + module.transcript(system.slack))
