"""`python -m bot.shell [rasa shell options]`: Rasa's `rasa shell`, started lean as bot.server starts Rasa, where
Ctrl-D (end of input) leaves the chat as /stop does. Rasa 3.6's console lets the EOFError escape its input
loop, which leaves the shell hanging."""
from __future__ import annotations

import sys
from typing import Any, Awaitable, Callable

from bot.server import rasa_main


def _input_or_none_at_eof(read_input: Callable[[Any], Awaitable[str]]) -> Callable[[Any], Awaitable[str | None]]:
    """Rasa's console input, with end of input (Ctrl-D) read as "leave", which Rasa signals with None."""
    async def read(previous_response: Any) -> str | None:
        try:
            return await read_input(previous_response)
        except EOFError:
            return None
    return read


def main(argv: list[str] | None = None) -> None:
    """Run `rasa shell` with the given options, Ctrl-D leaving cleanly."""
    args = ["shell", *(sys.argv[1:] if argv is None else argv)]

    def patch_console() -> None:
        from rasa.core.channels import console

        console._get_user_input = _input_or_none_at_eof(console._get_user_input)

    rasa_main(args, before=patch_console)


if __name__ == "__main__":
    main()
