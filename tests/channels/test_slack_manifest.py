"""The Slack app manifests (slack/manifest.yml, slack/manifest.https.yml) agree with the code.

- Bot scopes: exactly those needed by the Web API methods the channel's code calls (found by reading the
  code: every call of an AsyncWebClient method in bot/channels/slack*.py), by the events it answers and by the
  slash command — no more (least privilege), no fewer (a missing scope fails at run time with
  `missing_scope`). The method → scope table below is Slack's (the "Required scopes" of each method's
  reference page, https://api.slack.com/methods); a new method called in the code fails this test until
  its scopes are added here, to the manifests and to docs/slack.md.
- Events: every subscribed event is one the code answers, and every event the code answers is subscribed.
- The slash command, App Home, interactivity and Socket Mode settings match the code.
"""
from __future__ import annotations

import ast
import asyncio
from pathlib import Path
from typing import Any

import pytest
import yaml
from slack_sdk.web.async_client import AsyncWebClient

from bot.channels import slack as channel
from bot.channels.slack_commands import COMMAND

ROOT = Path(__file__).resolve().parents[2]
MANIFESTS = {"socket": ROOT / "slack" / "manifest.yml", "https": ROOT / "slack" / "manifest.https.yml"}
CODE = sorted((ROOT / "bot" / "channels").glob("slack*.py"))
DOCS = ROOT / "docs" / "slack.md"

# Web API method -> bot scopes it needs (api.slack.com/methods/<method>, "Required scopes", bot token).
METHOD_SCOPES: dict[str, set[str]] = {
    "chat.postMessage": {"chat:write"},
    "chat.postEphemeral": {"chat:write"},
    "conversations.open": {"im:write", "mpim:write"},  # a DM with one user; a group DM for mentor intros
    "views.publish": set(),  # App Home: no scope, only the Home tab enabled
}
# Methods called with the app-level token (xapp-), whose scope is set on the token, not in the manifest.
APP_TOKEN_METHODS = {"apps.connections.open": "connections:write"}
# Bot event -> scope it needs (api.slack.com/events/<event>).
EVENT_SCOPES: dict[str, set[str]] = {
    "message.im": {"im:history"},
    "app_mention": {"app_mentions:read"},
    "app_home_opened": set(),
}
COMMAND_SCOPES = {"commands"}
# Example events, by subscription name: those the manifest may subscribe to and others it must not need.
EXAMPLE_EVENTS: dict[str, dict[str, Any]] = {
    "message.im": {"type": "message", "channel_type": "im", "channel": "D1", "user": "U1", "text": "hi",
                   "ts": "1.1"},
    "app_mention": {"type": "app_mention", "channel": "C1", "user": "U1", "text": "<@UBOT> hi", "ts": "1.2"},
    "app_home_opened": {"type": "app_home_opened", "user": "U1", "channel": "D1", "tab": "home",
                        "event_ts": "1.3"},
    "message.channels": {"type": "message", "channel_type": "channel", "channel": "C1", "user": "U1",
                         "text": "hi", "ts": "1.4"},
    "message.groups": {"type": "message", "channel_type": "group", "channel": "G1", "user": "U1", "text": "hi",
                       "ts": "1.5"},
    "message.mpim": {"type": "message", "channel_type": "mpim", "channel": "G2", "user": "U1", "text": "hi",
                     "ts": "1.6"},
    "reaction_added": {"type": "reaction_added", "user": "U1", "reaction": "thumbsup", "item": {}},
    "member_joined_channel": {"type": "member_joined_channel", "user": "U1", "channel": "C1"},
}


def _manifest(kind: str) -> dict[str, Any]:
    return yaml.safe_load(MANIFESTS[kind].read_text())


def web_api_methods_called() -> dict[str, list[str]]:
    """Web API methods (dotted) called through an AsyncWebClient method in the channel's code, with where."""
    found: dict[str, list[str]] = {}
    for path in CODE:
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                name = node.func.attr
                if "_" in name and not name.startswith("_") and callable(getattr(AsyncWebClient, name, None)) \
                        and name not in ("api_call",):
                    found.setdefault(name.replace("_", "."), []).append(f"{path.name}:{node.lineno}")
    return found


def answered_events() -> set[str]:
    """The example events the channel answers (a turn for Rasa, or an App Home publication)."""
    answered = set()
    for name, event in EXAMPLE_EVENTS.items():
        envelope = {"type": "event_callback", "team_id": "T1", "event_id": f"Ev{name}", "event": event,
                    "authorizations": [{"user_id": "UBOT"}]}
        if channel.turn_from_event(envelope) is not None or _home_handles(envelope):
            answered.add(name)
    return answered


def _home_handles(envelope: dict[str, Any]) -> bool:
    inbox = channel.CareerbotSlackInput(channel.SlackSettings(bot_token="xoxb-x", signing_secret="s"),
                                        shared_db_url="sqlite://")
    published: list[str] = []

    async def claim(*keys: str) -> bool:
        return True

    async def refresh(user: str, channel_id: str | None, only_if_changed: bool) -> None:
        published.append(user)

    inbox._claim = claim  # type: ignore[method-assign]
    inbox._refresh_home = refresh  # type: ignore[method-assign]

    async def run() -> Any:
        taken = await inbox.dispatch("events_api", envelope, lambda message: asyncio.sleep(0))
        await asyncio.gather(*inbox._tasks)
        return taken

    return asyncio.run(run()) is channel.Taken.ANSWERING and published == ["U1"]


def test_the_code_calls_only_methods_whose_scopes_are_known() -> None:
    called = web_api_methods_called()
    assert called, "no Web API call found: the scan is broken"
    unknown = {m: where for m, where in called.items() if m not in METHOD_SCOPES and m not in APP_TOKEN_METHODS}
    assert not unknown, f"add these methods' scopes to METHOD_SCOPES, the manifests and docs/slack.md: {unknown}"
    assert {"chat.postMessage", "conversations.open", "views.publish"} <= set(called)


@pytest.mark.parametrize("kind", sorted(MANIFESTS))
def test_manifest_scopes_are_exactly_what_the_code_needs(kind: str) -> None:
    manifest = _manifest(kind)
    needed = set(COMMAND_SCOPES)
    for method in web_api_methods_called():
        needed |= METHOD_SCOPES.get(method, set())
    for event in manifest["settings"]["event_subscriptions"]["bot_events"]:
        needed |= EVENT_SCOPES[event]
    scopes = manifest["oauth_config"]["scopes"]["bot"]
    assert len(scopes) == len(set(scopes))
    assert set(scopes) == needed, f"extra: {set(scopes) - needed}, missing: {needed - set(scopes)}"
    assert "user" not in manifest["oauth_config"]["scopes"]  # the app acts as its bot only


@pytest.mark.parametrize("kind", sorted(MANIFESTS))
def test_manifest_events_are_exactly_the_events_the_code_answers(kind: str) -> None:
    events = set(_manifest(kind)["settings"]["event_subscriptions"]["bot_events"])
    assert events == answered_events()


@pytest.mark.parametrize("kind", sorted(MANIFESTS))
def test_manifest_features_match_the_code(kind: str) -> None:
    manifest = _manifest(kind)
    features, settings = manifest["features"], manifest["settings"]
    [command] = features["slash_commands"]
    assert command["command"] == COMMAND
    assert command["should_escape"] is False  # the code unescapes &lt; &gt; &amp; itself
    assert features["app_home"]["home_tab_enabled"] is True and features["app_home"]["messages_tab_enabled"] is True
    assert settings["interactivity"]["is_enabled"] is True
    assert settings["socket_mode_enabled"] is (kind == "socket")
    urls = [command.get("url"), settings["event_subscriptions"].get("request_url"),
            settings["interactivity"].get("request_url")]
    if kind == "socket":
        assert urls == [None, None, None]
    else:
        assert all(u and u.endswith("/webhooks/slack/webhook") and u.startswith("https://") for u in urls)


def test_docs_explain_every_scope() -> None:
    text = DOCS.read_text()
    for scope in sorted(set(_manifest("socket")["oauth_config"]["scopes"]["bot"]) | set(APP_TOKEN_METHODS.values())):
        assert f"`{scope}`" in text, f"docs/slack.md does not explain {scope}"
