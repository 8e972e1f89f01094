"""`python -m bot.shell [rasa shell options]`: Rasa's `rasa shell`, started lean as bot.server starts Rasa, and made
readable for a person at a terminal:

- no third-party warnings before the prompt (bot.quiet, installed before Rasa is imported; CAREERBOT_DEBUG=1
  shows them);
- answers rendered for the terminal: **bold** in bold, `- ` lists as bullets, [links](url) as "links (url)";
- suggestions show their titles only (Rasa's menu shows "1: Title (/payload{...})");
- every message goes through bot.channels.validation (the check all channels share): blank, too long or a
  malformed `/`-command gets a polite reply and a new prompt instead of a round trip to the bot;
- the shell's server listens on 127.0.0.1 only (`--interface 127.0.0.1` unless given) and its conversation id
  is `shell:<random>` (channel-prefixed like REST's and socket.io's: docs/security.md);
- Ctrl-D leaves as /stop does (Rasa 3.6's console lets the EOFError escape its input loop, which hangs), and
  so does a closed terminal: SIGHUP, or the terminal going away, ends the process at once, so
  scripts/with_actions.sh then stops the action server and no port stays taken.
"""
from __future__ import annotations

import functools
import os
import re
import signal
import sys
import threading
import time
import uuid
from typing import Any, Callable

from bot import quiet

INTERFACE = "127.0.0.1"
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_LINK = re.compile(r"\[([^\]\n]+)\]\(([^)\s]+)\)")
_BULLET = re.compile(r"^(\s*)[-*•]\s+")


def render_markdown(text: str, bold: bool = True) -> str:
    """The light markdown of the bot's answers (**bold**, `- ` lists, [text](url)) for a terminal."""
    lines = []
    for line in str(text).splitlines():
        line = _BULLET.sub(lambda m: m.group(1) + "  • ", line)
        line = _LINK.sub(lambda m: f"{m.group(1)} ({m.group(2)})", line)
        line = _BOLD.sub(lambda m: f"\x1b[1m{m.group(1)}\x1b[22m" if bold else m.group(1), line)
        lines.append(line)
    return "\n".join(lines)


def with_defaults(args: list[str]) -> list[str]:
    """`rasa shell` options with the interface (127.0.0.1) and a `shell:` conversation id unless given."""
    args = list(args)
    if not any(a in ("-i", "--interface") or a.startswith("--interface=") for a in args):
        args += ["--interface", INTERFACE]
    if not any(a == "--conversation-id" or a.startswith("--conversation-id=") for a in args):
        args += ["--conversation-id", f"shell:{uuid.uuid4().hex}"]
    return args


def _leave_on_hangup() -> None:
    """A closed terminal ends the shell: on SIGHUP, or once the controlling terminal is gone (its window closed
    while `make` alone got the SIGHUP and waits for us), exit at once; nobody is left to read a goodbye."""
    def hang_up(*_: Any) -> None:
        os._exit(128 + signal.SIGHUP)

    signal.signal(signal.SIGHUP, hang_up)
    if not sys.stdin.isatty():
        return

    def watch() -> None:
        while True:
            time.sleep(0.5)
            try:
                os.close(os.open("/dev/tty", os.O_RDWR | os.O_NOCTTY))
            except OSError:
                hang_up()

    threading.Thread(target=watch, name="careerbot-terminal-watch", daemon=True).start()


def terminal_output(original: Callable[..., Any]) -> Callable[..., Any]:
    """Rasa's console output (`rasa.core.channels.console._print_bot_output`) for a person at a terminal:
    markdown rendered, suggestions by their titles only; anything else goes to Rasa's `original`. Applied by
    bot.rasa_plugins.patches (group "console"), which pins `original`'s source."""
    import questionary
    from prompt_toolkit.styles import Style
    from rasa.cli import utils as cli_utils
    from rasa.shared.utils.cli import print_color
    from rasa.shared.utils.io import bcolors

    bold = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    free_text = cli_utils.FREE_TEXT_INPUT_PROMPT

    @functools.wraps(original)
    def print_output(message: dict[str, Any], is_latest_message: bool = False,
                     color: str = bcolors.OKBLUE) -> Any:
        if message.get("text"):
            print_color(render_markdown(message["text"], bold=bold), color=color)
        buttons = [b for b in message.get("buttons") or [] if isinstance(b, dict) and b.get("title")]
        rest = {k: v for k, v in message.items() if k not in ("text", "buttons", "recipient_id")}
        if rest:
            original(rest, False, color)
        if not buttons:
            return None
        if not is_latest_message:
            print_color("Suggestions: " + " · ".join(b["title"] for b in buttons), color=color)
            return None
        choices = [questionary.Choice(title=b["title"], value=b.get("payload") or b["title"]) for b in buttons]
        return questionary.select("Suggestions:", choices + [free_text],
                                  style=Style([("qmark", "#6d91d3"), ("", "#6d91d3"), ("answer", "#b373d6")]))
    return print_output


def terminal_input(original: Callable[..., Any]) -> Callable[..., Any]:
    """Rasa's console input (`rasa.core.channels.console._get_user_input`, whose prompt it re-creates): the
    suggestion menu of the (patched) output, every message through the channels' one input check, and Ctrl-D
    (end of input) read as "leave", as /stop. Applied by bot.rasa_plugins.patches (group "console")."""
    import questionary
    from prompt_toolkit.styles import Style
    from rasa.cli import utils as cli_utils
    from rasa.core.channels import console
    from rasa.shared.utils.cli import print_color
    from rasa.shared.utils.io import bcolors

    from bot.channels.validation import InvalidMessage, check_message
    from bot.rasa_plugins.safeguards import input_or_none_at_eof

    free_text = cli_utils.FREE_TEXT_INPUT_PROMPT

    async def ask(previous_response: dict[str, Any] | None) -> str | None:
        if previous_response is not None:
            menu = console._print_bot_output(previous_response, is_latest_message=True)
            if menu is not None:
                choice = await menu.ask_async()
                if choice is None or choice != free_text:
                    return choice
        question = questionary.text("", qmark="Your input ->", style=Style([("qmark", "#b373d6"), ("", "#b373d6")]))
        answer = await question.ask_async()
        return answer.strip() if answer is not None else None

    read_one = input_or_none_at_eof(ask)

    @functools.wraps(original)
    async def read_message(previous_response: dict[str, Any] | None) -> str | None:
        while True:
            text = await read_one(previous_response)
            if text is None or text == "/stop":
                return text
            try:
                return check_message(text)
            except InvalidMessage as bad:
                print_color(bad.reply, color=bcolors.OKBLUE)
                previous_response = None
    return read_message


def main(argv: list[str] | None = None) -> None:
    """Run `rasa shell` with the given options, readable and closing cleanly (module docstring)."""
    quiet.install()  # before anything imports Rasa
    from bot.server import rasa_main

    _leave_on_hangup()
    args = ["shell", *with_defaults(sys.argv[1:] if argv is None else argv)]
    rasa_main(args)


if __name__ == "__main__":
    main()
