"""The `/careerbot` slash command: parsing, and the output channel that answers privately (ephemeral).

- `/careerbot <question>` is answered privately in the channel where it was typed, through the command's
  `response_url` (which works in every channel and DM, even where the bot is not a member), or through
  chat.postEphemeral when there is none.
- `/careerbot plan` starts the career plan in the user's DM with the bot.
- `/careerbot help` (or no text) lists the command's uses, followed by the bot's own "what I can do".

bot/channels/slack.py dispatches commands (over Socket Mode or HTTPS) to `SlashCommand`s and answers them.
"""
from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.webhook.async_client import AsyncWebhookClient

from bot.channels.slack_format import clean_user_text

logger = logging.getLogger(__name__)

COMMAND = "/careerbot"
HELP, PLAN, ASK = "help", "plan", "ask"
# Rasa payloads of the bot's own intents (bot/domain.yml): what it can do, and the career-plan form.
CAPABILITIES_PAYLOAD = "/ask_capabilities"
PLAN_PAYLOAD = "/ask_career_plan"

HELP_TEXT = (
    "*/careerbot* answers only you, right here:\n"
    "• `/careerbot how do I become an engineering director?` asks a question\n"
    "• `/careerbot plan` starts your career plan in our direct messages\n"
    "• `/careerbot help` shows this\n"
    "You can also write to me in a direct message, or mention me in a channel."
)
PLAN_STARTED_TEXT = "I've started your career plan in our direct messages: answer me there."


@dataclass(frozen=True)
class SlashCommand:
    """One `/careerbot` invocation: who typed what where, and where to answer privately."""

    user: str
    channel: str
    text: str
    response_url: str | None
    trigger_id: str | None
    team: str | None = None

    @property
    def kind(self) -> str:
        """`help`, `plan` or `ask`, from the command's first word."""
        first = self.text.split(maxsplit=1)[0].lower() if self.text else ""
        if first in ("", "help", "?"):
            return HELP
        if first == "plan" and len(self.text.split()) == 1:
            return PLAN
        return ASK

    @property
    def key(self) -> str:
        """The delivery key (Slack gives each invocation its own trigger_id)."""
        return f"command:{self.trigger_id or self.response_url}"


def command_from_payload(payload: Mapping[str, Any]) -> SlashCommand | None:
    """The `/careerbot` command in a slash-command payload (Socket Mode envelope or HTTPS form), or None."""
    def field(name: str) -> str:
        value = payload.get(name)
        return str(value[0] if isinstance(value, list) and value else value or "").strip()

    user, channel = field("user_id"), field("channel_id")
    if field("command") != COMMAND or not (user and channel):
        return None
    return SlashCommand(user=user, channel=channel, text=clean_user_text(field("text")),
                        response_url=field("response_url") or None, trigger_id=field("trigger_id") or None,
                        team=field("team_id") or None)


class EphemeralOutput:
    """Posts answers only the user sees: to the command's response_url, else with chat.postEphemeral.

    Mixed into the Slack output channel (bot/channels/slack.py) by overriding its `post`.
    """

    def __init__(self, client: Any, channel: str, user: str, response_url: str | None) -> None:
        """Answer `user` privately in `channel`."""
        self.client = client
        self.channel = channel
        self.user = user
        self.response_url = response_url

    async def post(self, **message: Any) -> None:
        """One private message; errors are logged (with the user id only), not raised."""
        message.pop("mrkdwn", None)
        message.pop("thread_ts", None)
        message.pop("channel", None)
        try:
            if self.response_url:
                webhook = AsyncWebhookClient(self.response_url, retry_handlers=self.client.retry_handlers)
                reply = await webhook.send_dict({"response_type": "ephemeral", "replace_original": False,
                                                 **message})
                if reply.status_code != 200:
                    logger.error("Slack response_url for %s answered %s", self.user, reply.status_code)
            else:
                await self.client.chat_postEphemeral(channel=self.channel, user=self.user, **message)
        except SlackApiError as error:
            logger.error("Slack rejected an ephemeral message for %s: %s", self.user, error.response.get("error"))

