"""`python -m bot.insights` as an author runs it: the report, the export, retention, and bad command lines."""
from __future__ import annotations

import fcntl
import os
import pty
import re
import sqlite3
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest
import yaml

from bot.insights import privacy, store
from bot.insights.__main__ import parse_duration, UsageError
from insights_synthetic import DAY, Conversation, write_store

REPO_ROOT = Path(__file__).resolve().parents[2]


def run(tmp_path: Path, url: str, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    """The CLI in a child process, its key and output in `tmp_path`."""
    env = dict(os.environ, TRACKER_STORE_URL=url, CAREERBOT_INSIGHTS_KEY="cli-test-key", PYTHONPATH=str(REPO_ROOT))
    return subprocess.run([sys.executable, "-m", "bot.insights", *args], cwd=REPO_ROOT, env=env, input=stdin,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture()
def recent_store(tmp_path: Path) -> str:
    """Three conversations of the last days and two old ones (100 and 200 days ago), one of them still going."""
    now = time.time()
    fresh = [Conversation(f"fresh-{n}", now - (n + 1) * 3600).user("blorp zorg", "nlu_fallback", 0.2,
                                                                   ranking=("ask_salary",))
             .act("action_offer_topics") for n in range(3)]
    old = Conversation("old-one", now - 200 * DAY).user("hello", "greet").act("utter_greet")
    ongoing = Conversation("ongoing", now - 100 * DAY).user("hi", "greet").act("utter_greet")
    second_session = Conversation("ongoing", now - 3600)
    second_session.user("what is PMP", "ask_certifications").act("action_show_certifications")
    return write_store(tmp_path / "tracker.db", [*fresh, old, ongoing, second_session])


def senders(url: str) -> dict[str, int]:
    """Events per sender, counted straight from the file."""
    with sqlite3.connect(url[len("sqlite:///"):]) as connection:
        return dict(connection.execute("SELECT sender_id, count(*) FROM events GROUP BY sender_id"))


def test_report_writes_one_self_contained_page(tmp_path: Path, recent_store: str) -> None:
    result = run(tmp_path, recent_store, "--since", "30d", "--out", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    assert "4 conversations, 4 messages, 3 unanswered" in result.stdout and "index.html" in result.stdout
    page = (tmp_path / "out" / "index.html").read_text()
    assert page.startswith("<!DOCTYPE html>") and page.count("<svg") == 9
    assert "http" not in re.sub(r'xmlns(:\w+)?="[^"]+"', "", page)  # nothing to fetch: no CDN, no link
    assert "<script" not in page


def test_export_writes_nlu_yaml_and_faq_stubs(tmp_path: Path, recent_store: str) -> None:
    result = run(tmp_path, recent_store, "export", "--unanswered", "--since", "all", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    nlu = yaml.safe_load((tmp_path / "unanswered_nlu.yml").read_text())
    assert nlu["nlu"] == [{"intent": "TODO", "examples": "- blorp zorg\n"}]
    assert "likely intents: ask_salary (3)" in (tmp_path / "unanswered_nlu.yml").read_text()
    faq = yaml.safe_load((tmp_path / "unanswered_faq.yml").read_text())
    assert faq == [{"questions": ["blorp zorg"], "answer": "TODO", "sources": []}]


def test_retention_deletes_old_conversations_and_old_sessions_only_with_yes(tmp_path: Path,
                                                                            recent_store: str) -> None:
    before = senders(recent_store)
    refused = run(tmp_path, recent_store, "--retention", "90d", stdin="")
    assert refused.returncode == 1 and "--yes" in refused.stderr
    assert senders(recent_store) == before
    done = run(tmp_path, recent_store, "--retention", "90d", "--yes")
    assert done.returncode == 0, done.stderr
    assert "1 conversations older than 90d and the older sessions of 1 ongoing ones" in done.stdout
    after = senders(recent_store)
    assert "old-one" not in after
    assert {f"fresh-{n}" for n in range(3)} <= set(after) and all(after[s] == before[s] for s in after
                                                                  if s.startswith("fresh"))
    assert 0 < after["ongoing"] < before["ongoing"]
    with sqlite3.connect(recent_store[len("sqlite:///"):]) as connection:
        first = connection.execute("SELECT type_name, action_name FROM events WHERE sender_id = 'ongoing' "
                                   "ORDER BY id LIMIT 1").fetchone()
        oldest = connection.execute("SELECT min(timestamp) FROM events WHERE sender_id = 'ongoing'").fetchone()[0]
    assert first == ("action", "action_session_start")  # the kept session starts cleanly
    assert oldest > time.time() - 90 * DAY
    again = run(tmp_path, recent_store, "--retention", "90d", "--yes")
    assert again.returncode == 0 and "Nothing older than 90d" in again.stdout


def test_retention_store_unchanged_when_the_answer_is_no(recent_store: str) -> None:
    engine = store.open_store(recent_store)
    try:
        plan = store.plan_retention(engine, time.time() - 90 * DAY)
        assert (plan.old_senders, plan.trimmed_senders) == (1, 1)
    finally:
        engine.dispose()
    assert "old-one" in senders(recent_store)


@pytest.mark.parametrize("args, message", [
    (["--since", "soon"], "not a duration: 'soon'"),
    (["--retention", "0d"], "not a duration: '0d'"),
    (["export"], "export needs --unanswered"),
    (["--unanswered"], "--unanswered goes with the export command"),
])
def test_bad_command_lines_exit_2_with_a_message(tmp_path: Path, recent_store: str, args: list[str],
                                                 message: str) -> None:
    result = run(tmp_path, recent_store, *args, "--out", str(tmp_path / "out"))
    assert result.returncode == 2 and message in result.stderr


def test_a_store_without_conversations_exits_1_naming_it(tmp_path: Path) -> None:
    result = run(tmp_path, f"sqlite:///{tmp_path / 'none.db'}")
    assert result.returncode == 1 and "no tracker store at" in result.stderr and "none.db" in result.stderr


def test_durations() -> None:
    assert parse_duration("30d") == 30 * DAY and parse_duration("12h") == 12 * 3600
    assert parse_duration("2w") == 14 * DAY
    with pytest.raises(UsageError):
        parse_duration("30")


def test_masking_keeps_figures_and_hides_contacts() -> None:
    assert privacy.mask("mail jane.doe@example.co.uk or call +1 (555) 123-4567") == "mail <email> or call <phone>"
    assert privacy.mask("I have 4 years and earn $121,560 in 2025") == "I have 4 years and earn $121,560 in 2025"
    assert privacy.mask("ring 0612345678.") == "ring <phone>."


def test_the_pseudonym_key_is_made_once_and_kept_private(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(privacy.KEY_ENV, raising=False)
    key_file = tmp_path / "var" / "pseudonym.key"
    key = privacy.load_key(key_file)
    assert len(key) == 64 and privacy.load_key(key_file) == key
    assert key_file.stat().st_mode & 0o777 == 0o600
    monkeypatch.setenv(privacy.KEY_ENV, "from-the-environment")
    assert privacy.load_key(key_file) == b"from-the-environment"


def test_make_insights_writes_the_report(tmp_path: Path, recent_store: str) -> None:
    env = dict(os.environ, TRACKER_STORE_URL=recent_store, CAREERBOT_INSIGHTS_KEY="cli-test-key")
    for name in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES"):
        env.pop(name, None)
    out = tmp_path / "make-out"
    result = subprocess.run(["make", "insights", "SINCE=all", f"OUT={out}"], cwd=REPO_ROOT, env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "5 conversations, 6 messages, 3 unanswered (all stored conversations)" in result.stdout
    assert (out / "index.html").read_text().count("<svg") == 9


def test_a_progress_bar_on_a_terminal_only(tmp_path: Path, recent_store: str) -> None:
    env = dict(os.environ, TRACKER_STORE_URL=recent_store, CAREERBOT_INSIGHTS_KEY="cli-test-key",
               PYTHONPATH=str(REPO_ROOT))
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    process = subprocess.Popen([sys.executable, "-m", "bot.insights", "--since", "all", "--out", str(tmp_path)],
                               cwd=REPO_ROOT, env=env, stdin=slave, stdout=slave, stderr=slave)
    os.close(slave)
    output = b""
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        output += chunk
    os.close(master)
    assert process.wait(timeout=300) == 0
    assert re.search(rb"reading conversations: 100%\|", output), output.decode(errors="replace")
    piped = run(tmp_path, recent_store, "--since", "all", "--out", str(tmp_path))
    assert piped.returncode == 0 and "reading conversations" not in piped.stderr + piped.stdout
