"""Wait until an HTTP server answers a GET with a 2xx status: `python scripts/wait_http.py URL [--pid N]`.

Used by scripts/with_actions.sh to wait for the action server. Exits 0 once the server answers, 1 when the
timeout passes or the process --pid dies first (then prints the end of --log, so the cause is visible).
"""
from __future__ import annotations

import argparse
import os
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path


def answers(url: str) -> bool:
    """True when a GET of `url` returns a 2xx status within two seconds."""
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return 200 <= response.status < 300
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return False


def alive(pid: int) -> bool:
    """True while process `pid` exists and is not a zombie."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    stat = Path(f"/proc/{pid}/stat")
    if stat.exists():
        try:
            return stat.read_text().split(") ", 1)[1][:1] != "Z"
        except (OSError, IndexError):
            return True
    return True


def tail(path: Path | None, lines: int = 30) -> str:
    """The last `lines` lines of the file at `path` ('' when there is none)."""
    if path is None or not path.exists():
        return ""
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


def main(argv: list[str] | None = None) -> int:
    """Poll the URL until it answers; returns the process exit code."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("url")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds to wait (default 120)")
    parser.add_argument("--pid", type=int, help="give up early when this process dies")
    parser.add_argument("--log", type=Path, help="log file of that process, shown on failure")
    parser.add_argument("--name", default="the server", help="what to call the server in messages")
    args = parser.parse_args(argv)
    deadline = time.monotonic() + args.timeout
    while time.monotonic() < deadline:
        if answers(args.url):
            return 0
        if args.pid is not None and not alive(args.pid):
            print(f"error: {args.name} stopped before answering {args.url}.", file=sys.stderr)
            break
        time.sleep(0.5)
    else:
        print(f"error: {args.name} did not answer {args.url} within {args.timeout:.0f} s.", file=sys.stderr)
    log_tail = tail(args.log)
    if log_tail:
        print(f"--- last lines of {args.log}:\n{log_tail}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
