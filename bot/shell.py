"""`python -m bot.shell [rasa shell options]`: Rasa's `rasa shell`, where Ctrl-D (end of input) leaves the chat
as /stop does. Rasa 3.6's console lets the EOFError escape its input loop, which leaves the shell hanging."""
from __future__ import annotations

import sys
from typing import Any

from rasa.core.channels import console

_read_input = console._get_user_input


async def _input_or_none_at_eof(previous_response: Any) -> str | None:
    """Rasa's console input, with end of input (Ctrl-D) read as "leave", which Rasa signals with None."""
    try:
        return await _read_input(previous_response)
    except EOFError:
        return None


def main(argv: list[str] | None = None) -> None:
    """Run `rasa shell` with the given options, Ctrl-D leaving cleanly."""
    console._get_user_input = _input_or_none_at_eof
    from rasa.__main__ import main as rasa_main

    sys.argv = ["rasa", "shell", *(sys.argv[1:] if argv is None else argv)]
    rasa_main()


if __name__ == "__main__":
    main()
