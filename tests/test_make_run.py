"""`make run` as a user runs it: the terminal chat starts, answers questions including a follow-up, ends on
/stop or Ctrl-C, and leaves no action server behind. Driven through a pseudo-terminal with pexpect."""
from __future__ import annotations

import os
import re
import signal
import time
from pathlib import Path

import pexpect
import pytest
from sqlalchemy.orm import Session

from support.chat import normalize
from support.env import REPO_ROOT, make_env, require_built, tracker_store_url
from support.ports import free_port, port_open, wait_port_closed
from knowledge import queries as q

# rasa shell's prompt with nothing typed after it (colour codes and padding allowed); once a line is sent,
# the prompt is redrawn with that line after it, which this does not match.
EMPTY_PROMPT = r"Your input ->(?:\x1b\[[0-9;?]*[A-Za-z]|[ \t])*[\r\n]"
# The last choice of the menu rasa shell makes of a reply's buttons.
FREE_TEXT = "Type out your own message..."
STARTUP_TIMEOUT = 300  # make checks the build, starts the action server, rasa shell loads the model (~15 s idle)
ANSWER_TIMEOUT = 60
pytestmark = pytest.mark.e2e

ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]")


def said(child: pexpect.spawn) -> str:
    """What the terminal showed before the last match, without colour and cursor codes, normalized."""
    return normalize(ANSI.sub("", child.before or ""))


def ask(child: pexpect.spawn, question: str) -> str:
    """Type `question` at the prompt and return what the bot printed before the next prompt."""
    child.sendline(question)
    menu = child.expect([EMPTY_PROMPT, re.escape(FREE_TEXT)], timeout=ANSWER_TIMEOUT)
    answer = said(child)
    if menu:  # the reply ended with buttons, which rasa shell offers as a menu; choose to type instead
        child.send("\x1b[A")  # up from the first choice wraps round to the last, FREE_TEXT
        child.send("\r")
        child.expect(EMPTY_PROMPT, timeout=ANSWER_TIMEOUT)
    return answer


@pytest.fixture()
def make_run(tmp_path: Path):
    """A `make run` session on free ports; yields (child, ports) and kills whatever is left at the end."""
    require_built()
    rasa_port, actions_port = free_port(), free_port()
    env = make_env(TERM="xterm", COLUMNS="200", CAREERBOT_LOG_DIR=str(tmp_path),
                   TRACKER_STORE_URL=tracker_store_url(tmp_path))
    transcript = (tmp_path / "make-run.log").open("w")
    child = pexpect.spawn("make", ["run", f"RASA_PORT={rasa_port}", f"ACTIONS_PORT={actions_port}"], cwd=REPO_ROOT,
                          env=env, encoding="utf-8", codec_errors="replace", timeout=STARTUP_TIMEOUT,
                          dimensions=(50, 200))
    child.logfile_read = transcript
    try:
        yield child, rasa_port, actions_port, tmp_path
    finally:
        if child.isalive():
            os.killpg(child.pid, signal.SIGTERM)
            child.close(force=True)
        transcript.close()


@pytest.mark.parametrize("leave", ["/stop", "ctrl-c", "ctrl-d"])
def test_make_run_chat_and_clean_exit(make_run, kb: Session, leave: str) -> None:
    """Questions asked in `make run` are answered from the KB; /stop, Ctrl-C or Ctrl-D ends the shell and the
    action server. (Plain rasa shell 3.6 hangs on Ctrl-D; bot/shell.py makes it leave like /stop.)"""
    child, rasa_port, actions_port, log_dir = make_run
    child.expect(EMPTY_PROMPT, timeout=STARTUP_TIMEOUT)
    assert port_open(actions_port), "the action server is not listening while the shell runs"

    director = q.role(kb, "engineering director")
    answer = ask(child, "what does an engineering director do?")
    missing = [r.title for r in director.responsibilities if normalize(r.title) not in answer]
    assert not missing, f"director responsibilities {missing} missing from the answer: {answer!r}"

    manager = q.role(kb, "engineering manager")
    answer = ask(child, "and a manager?")
    missing = [r.title for r in manager.responsibilities if normalize(r.title) not in answer]
    assert not missing, f"the follow-up did not answer for the engineering manager ({missing}): {answer!r}"

    answer = ask(child, "what is PMP?")
    assert normalize(q.certification(kb, "PMP").name) in answer, answer

    if leave == "ctrl-c":
        child.sendcontrol("c")
    elif leave == "ctrl-d":
        child.sendcontrol("d")
    else:
        child.sendline(leave)
    child.expect(pexpect.EOF, timeout=120)
    child.close()
    assert child.exitstatus == 0, f"make run exited with {child.exitstatus}: {said(child)[-2000:]!r}"
    assert wait_port_closed(actions_port, timeout=30), f"the action server still listens on {actions_port}"
    assert wait_port_closed(rasa_port, timeout=30), f"rasa shell's server still listens on {rasa_port}"
    assert (log_dir / f"actions-{actions_port}.log").exists(), "the action server's log is not in CAREERBOT_LOG_DIR"


# ------------------------------------------------------------------ the shell reads cleanly, and closes cleanly
WARNING_LINE = re.compile(r"\w*Warning\b|warnings\.warn|TF-TRT|tensorflow/", re.IGNORECASE)


def listening_addresses(port: int) -> set[str]:
    """The local addresses (hex, as /proc/net/tcp* writes them) of sockets listening on `port`."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            address, hex_port = fields[1].rsplit(":", 1)
            if int(hex_port, 16) == port and fields[3] == "0A":  # 0A: LISTEN
                found.add(address)
    return found


def processes_mentioning(*needles: str) -> list[str]:
    """Command lines of running processes that contain every one of `needles`."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            raw = (entry / "cmdline").read_bytes()
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        command = raw.replace(b"\0", b" ").decode("utf-8", "replace")
        if state != "Z" and all(needle in command for needle in needles):
            found.append(f"{entry.name}: {command}")
    return found


def test_make_run_reads_cleanly_and_a_closed_terminal_stops_everything(make_run) -> None:
    """No third-party warning before the prompt; bold and lists rendered; the menu shows titles only; the shell's
    server listens on 127.0.0.1 only; closing the terminal stops the shell and the action server and frees
    both ports."""
    child, rasa_port, actions_port, _ = make_run
    child.expect(EMPTY_PROMPT, timeout=STARTUP_TIMEOUT)
    startup = ANSI.sub("", child.before or "")
    assert not WARNING_LINE.search(startup), f"warnings before the prompt:\n{startup}"
    assert f"http://127.0.0.1:{rasa_port}" in startup, startup
    assert listening_addresses(rasa_port) == {"0100007F"}, listening_addresses(rasa_port)  # 127.0.0.1 only

    child.sendline("how do I become an engineering director?")
    child.expect(re.escape(FREE_TEXT), timeout=ANSWER_TIMEOUT)  # the answer ends with suggestions
    raw = child.before or ""
    shown = ANSI.sub("", raw)
    assert "\x1b[1m" in raw and "**" not in shown, shown  # bold is bold, not asterisks
    assert "•" in shown, shown  # "- " items are bullets
    assert "Suggestions:" in shown and "(/" not in shown and "/ask_" not in shown, shown  # titles only
    child.send("\x1b[A")
    child.send("\r")
    child.expect(EMPTY_PROMPT, timeout=ANSWER_TIMEOUT)

    child.sendline("   ")  # blank: a polite reply from the shared validator, and the prompt again
    child.expect("didn't catch that", timeout=ANSWER_TIMEOUT)
    child.expect(EMPTY_PROMPT, timeout=ANSWER_TIMEOUT)

    # Close the terminal window: the pseudo-terminal's master side goes away (the kernel hangs up the terminal
    # and sends SIGHUP to make, its controlling process).
    child.ptyproc.fileobj.close()
    child.ptyproc.closed = True
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and (child.isalive() or processes_mentioning("bot.shell", f"-p {rasa_port}")
                                           or processes_mentioning("run actions", f"--port {actions_port}")):
        time.sleep(0.5)
    assert not processes_mentioning("bot.shell", f"-p {rasa_port}"), "the shell survived its terminal"
    assert not processes_mentioning("run actions", f"--port {actions_port}"), "the action server survived"
    assert not child.isalive(), "make run survived its terminal"
    assert wait_port_closed(rasa_port, timeout=10) and wait_port_closed(actions_port, timeout=10)


def test_make_run_stops_on_sighup_to_its_process_group(make_run) -> None:
    """SIGHUP to `make run` and its jobs (what a shell does to its jobs when its terminal closes) stops all."""
    child, rasa_port, actions_port, _ = make_run
    child.expect(EMPTY_PROMPT, timeout=STARTUP_TIMEOUT)
    os.killpg(os.getpgid(child.pid), signal.SIGHUP)
    child.expect(pexpect.EOF, timeout=60)
    assert wait_port_closed(rasa_port, timeout=30) and wait_port_closed(actions_port, timeout=30)
    assert not processes_mentioning("run actions", f"--port {actions_port}")


def test_markdown_is_rendered_for_the_terminal() -> None:
    from bot.shell import render_markdown

    text = "The way up to **engineering director**:\n- lead a **team**\n* learn budgets\nSee [PMI](https://pmi.org)"
    assert render_markdown(text, bold=False) == ("The way up to engineering director:\n  • lead a team\n"
                                                 "  • learn budgets\nSee PMI (https://pmi.org)")
    assert "\x1b[1mengineering director\x1b[22m" in render_markdown(text)


def test_quiet_silences_third_party_warnings_only_and_debug_shows_them(tmp_path: Path) -> None:
    import subprocess
    import sys
    import sysconfig

    site = Path(sysconfig.get_paths()["purelib"]) / "somelib" / "mod.py"
    own = REPO_ROOT / "bot" / "actions" / "base.py"
    script = (
        "import warnings, bot.quiet as q; q.install()\n"
        f"warnings.warn_explicit('third-party deprecation', DeprecationWarning, {str(site)!r}, 1)\n"
        f"warnings.warn_explicit('third-party user warning', UserWarning, {str(site)!r}, 2)\n"
        f"warnings.warn_explicit('careerbot deprecation', DeprecationWarning, {str(own)!r}, 3)\n"
    )
    for debug, expected in (("", {"careerbot deprecation"}),
                            ("1", {"careerbot deprecation", "third-party deprecation", "third-party user warning"})):
        result = subprocess.run([sys.executable, "-W", "always", "-c", script], cwd=REPO_ROOT, capture_output=True,
                                text=True, env={**os.environ, "CAREERBOT_DEBUG": debug}, timeout=60)
        assert result.returncode == 0, result.stderr
        shown = {m for m in ("third-party deprecation", "third-party user warning", "careerbot deprecation")
                 if m in result.stderr}
        assert shown == expected, (debug, result.stderr)
