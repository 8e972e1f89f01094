"""`make run` as a user runs it: the terminal chat starts, answers questions including a follow-up, ends on
/stop or Ctrl-C, and leaves no action server behind. Driven through a pseudo-terminal with pexpect."""
from __future__ import annotations

import os
import re
import signal
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
