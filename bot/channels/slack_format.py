"""Pure text conversions for the Slack channel: bot Markdown -> Slack mrkdwn and Block Kit, Slack text -> plain.

Nothing here talks to Slack or Rasa; `bot/channels/slack.py` calls these functions and the tests call them
directly. Slack's rules: https://api.slack.com/reference/surfaces/formatting (mrkdwn, escaping) and
https://api.slack.com/reference/block-kit/blocks (limits).
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

# Block Kit limits (https://api.slack.com/reference/block-kit).
SECTION_TEXT_LIMIT = 3000
BUTTON_TEXT_LIMIT = 75
BUTTON_VALUE_LIMIT = 2000
ACTIONS_ELEMENTS_LIMIT = 25
ACTION_ID_PREFIX = "careerbot_button_"

# Private-use characters stand in for protected spans and bold markers while the other rules run.
_HOLE = "\ue000"
_BOLD = "\ue001"

_FENCED_CODE = re.compile(r"```.*?```", re.DOTALL)
_INLINE_CODE = re.compile(r"`[^`\n]+`")
# Ready-made Slack links and user mentions (<@U123ABC>, as the mentor hand-off writes them) stay as they are.
_SLACK_LINK = re.compile(r"<(?:https?://|mailto:)[^<>\s|]+(?:\|[^<>]*)?>|<@[UW][A-Z0-9]+>")
_MD_LINK = re.compile(r"\[([^\]\n]+)\]\(((?:https?://|mailto:)[^)\s]+)\)")
_HEADING = re.compile(r"^[ \t]*#{1,6}[ \t]+(.+?)[ \t]*#*[ \t]*$", re.MULTILINE)
_BULLET = re.compile(r"^([ \t]*)[-*+][ \t]+", re.MULTILINE)
_BOLD_STARS = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
_BOLD_UNDERSCORES = re.compile(r"(?<!\w)__(?=\S)(.+?)(?<=\S)__(?!\w)")
_ITALIC_STAR = re.compile(r"(?<![*\w])\*(?=[^\s*])([^*\n]*?[^\s*])\*(?![*\w])")
_STRIKE = re.compile(r"~~(?=\S)(.+?)(?<=\S)~~")
_HOLE_REF = re.compile(_HOLE + r"(\d+)" + _HOLE)

_INCOMING_LINK = re.compile(r"<((?:https?://|mailto:)[^<>|]*)(?:\|([^<>]*))?>")
_INCOMING_CHANNEL = re.compile(r"<#[A-Z0-9]+\|([^<>]*)>")
_INCOMING_MENTION = re.compile(r"<@([A-Z0-9]+)(?:\|[^<>]*)?>")
_INCOMING_SPECIAL = re.compile(r"<!([a-z]+)(?:\^[^<>|]*)?(?:\|[^<>]*)?>")


def escape(text: str) -> str:
    """Escape the three characters Slack reserves for its markup (&, <, >)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def unescape(text: str) -> str:
    """Undo Slack's escaping of &, < and > in text received from Slack."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def to_mrkdwn(text: str) -> str:
    """Convert the bot's Markdown-ish text to Slack mrkdwn: bold, italics, bullets, headings, links, escaping."""
    holes: list[str] = []

    def keep(fragment: str) -> str:
        holes.append(fragment)
        return f"{_HOLE}{len(holes) - 1}{_HOLE}"

    # Code and ready-made Slack links pass through untouched (code is only escaped).
    text = _FENCED_CODE.sub(lambda m: keep(escape(m.group(0))), text)
    text = _INLINE_CODE.sub(lambda m: keep(escape(m.group(0))), text)
    text = _SLACK_LINK.sub(lambda m: keep(m.group(0)), text)
    text = _MD_LINK.sub(lambda m: keep(_slack_link(m.group(2), m.group(1))), text)
    text = escape(text)
    text = _HEADING.sub(lambda m: f"{_BOLD}{m.group(1)}{_BOLD}", text)
    text = _BULLET.sub(lambda m: f"{m.group(1)}• ", text)
    text = _BOLD_STARS.sub(lambda m: f"{_BOLD}{m.group(1)}{_BOLD}", text)
    text = _BOLD_UNDERSCORES.sub(lambda m: f"{_BOLD}{m.group(1)}{_BOLD}", text)
    text = _ITALIC_STAR.sub(lambda m: f"_{m.group(1)}_", text)
    text = _STRIKE.sub(lambda m: f"~{m.group(1)}~", text)
    text = text.replace(_BOLD, "*")
    return _HOLE_REF.sub(lambda m: holes[int(m.group(1))], text)


def _slack_link(url: str, label: str) -> str:
    """A Slack link `<url|label>`; `|`, `<` and `>` cannot appear inside it, so they are escaped or dropped."""
    label = escape(label.replace("|", "/")).strip()
    url = url.replace("&", "&amp;").replace("|", "%7C")
    return f"<{url}|{label}>" if label and label != url else f"<{url}>"


def split_text(text: str, limit: int = SECTION_TEXT_LIMIT) -> list[str]:
    """Split text into chunks of at most `limit` characters, preferring paragraph, then line, then word breaks."""
    chunks: list[str] = []
    rest = text.strip()
    while len(rest) > limit:
        window = rest[: limit + 1]
        cut = -1
        for separator in ("\n\n", "\n", " "):
            cut = window.rfind(separator)
            if cut > 0:
                break
        if cut <= 0:
            cut = limit
        chunks.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        chunks.append(rest)
    return chunks


def text_blocks(mrkdwn: str) -> list[dict[str, Any]]:
    """Section blocks holding already-converted mrkdwn text, split to Slack's 3000-character limit."""
    return [{"type": "section", "text": {"type": "mrkdwn", "text": chunk}} for chunk in split_text(mrkdwn)]


def button_element(index: int, title: str, payload: str) -> dict[str, Any]:
    """One Block Kit button whose value is the Rasa payload sent back when it is clicked."""
    label = " ".join(title.split()) or payload
    if len(label) > BUTTON_TEXT_LIMIT:
        label = label[: BUTTON_TEXT_LIMIT - 1].rstrip() + "…"
    return {
        "type": "button",
        "text": {"type": "plain_text", "text": label, "emoji": True},
        "value": payload,
        "action_id": f"{ACTION_ID_PREFIX}{index}",
    }


def button_blocks(text: str, buttons: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Blocks for a bot answer with buttons: the text as mrkdwn sections, then actions blocks of buttons.

    Buttons without a payload, or with a payload longer than Slack accepts, are left out: a button that
    cannot send its payload back would only mislead the user.
    """
    blocks = text_blocks(to_mrkdwn(text))
    elements = [
        button_element(index, str(button.get("title") or ""), str(button["payload"]))
        for index, button in enumerate(buttons)
        if button.get("payload") and len(str(button["payload"])) <= BUTTON_VALUE_LIMIT
    ]
    for start in range(0, len(elements), ACTIONS_ELEMENTS_LIMIT):
        blocks.append({"type": "actions", "elements": elements[start : start + ACTIONS_ELEMENTS_LIMIT]})
    return blocks


def clean_user_text(text: str, drop_mentions: Iterable[str] = ()) -> str:
    """Turn Slack message text into what the user typed: drop mentions of the bot, unwrap links, unescape."""
    dropped = set(drop_mentions)
    text = _INCOMING_MENTION.sub(lambda m: " " if m.group(1) in dropped else f"@{m.group(1)}", text)
    text = _INCOMING_LINK.sub(lambda m: m.group(2) or m.group(1), text)
    text = _INCOMING_CHANNEL.sub(lambda m: f"#{m.group(1)}", text)
    text = _INCOMING_SPECIAL.sub(lambda m: f"@{m.group(1)}", text)
    return " ".join(unescape(text).split())
