"""Benchmark of the insights report (`python -m bot.insights`) on a big tracker store: a script, not a test.

Fills a tracker store with N conversations (default 100,000, about 20 events each: about 2 million events)
shaped like careerbot's real ones (session start, questions with their NLU parse, answers, fallbacks,
out-of-scope replies, career plans with their slots, mentor intros, emails and phone numbers in some
messages), spread over the last 29 days, then runs the report exactly as `make insights` does, in a child
process, and prints its wall time and peak resident memory (the child's ru_maxrss from wait4).

Backends: SQLite (a file in a temporary folder) and PostgreSQL (a private server from Debian's packages,
started with scripts/services/postgres.sh in a temporary folder on a loopback port, fsync off, and stopped
afterwards). Targets (issue 16): at most 60 s and 500 MB on a 2-core machine.

Usage:
    .venv/bin/python -m bench.insights_bench                          # both backends, 100,000 conversations
    .venv/bin/python -m bench.insights_bench --backend sqlite --conversations 10000
    .venv/bin/python -m bench.insights_bench --pg-port 5590           # PostgreSQL's port (default 5590)
"""
from __future__ import annotations

import argparse
import io
import json
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from bot.insights import store  # noqa: E402

TARGET_SECONDS = 60
TARGET_MB = 500
DAY = 86400
META = {"model_id": "0123456789abcdef0123456789abcdef", "assistant_id": "careerbot"}
CHANNELS = ("rest", "rest", "socketio", "socketio", "socketio", "slack", "cmdline")
ROLES = ("engineering manager", "engineering director", "vp of engineering", "cto", "project manager",
         "senior engineer", "project engineer")
CERTS = ("pmp", "csm", "eit", "cpe", "lean six sigma")
DEGREES = ("mem", "mba", "bachelor's degree")
QUESTIONS = (
    ("ask_path", "action_show_path", "role", ROLES, ("how do I become an {}?", "path to {}", "how can I get to {}")),
    ("ask_salary", "action_show_salary", "role", ROLES, ("how much does an {} make?", "{} salary")),
    ("ask_role_duties", "action_show_role_duties", "role", ROLES, ("what does an {} do?", "{} duties")),
    ("ask_certifications", "action_show_certifications", "certification", CERTS, ("what is {}?", "should I get {}")),
    ("ask_education", "action_show_education", "degree", DEGREES, ("is an {} worth it?", "what does an {} teach")),
)
UNCOVERED = ("how do I prepare for an engineering manager interview", "first 90 days as a new manager",
             "how many people does an engineering manager manage", "what do engineering managers earn in germany",
             "can I go back to engineering after managing", "how do I negotiate my offer",
             "best books for new managers", "how to handle a difficult report", "remote team tips",
             "do I need to code as a director")
OUT_OF_SCOPE = ("what's the weather", "tell me a joke", "I have a headache what medicine", "who won the game")
ANSWER = "**Answer**\n\n" + "A sourced answer line from the knowledge base (PayScale, 2025). " * 10


class Events:
    """Builds the rows of one conversation, as careerbot's tracker store writes them."""

    def __init__(self, sender: str, start: float) -> None:
        self.sender = sender
        self.t = start
        self.rows: list[tuple] = []

    def add(self, type_name: str, data: dict, intent: str | None = None, action: str | None = None,
            step: float = 0.002) -> None:
        self.t += step
        data = {"event": type_name, "timestamp": self.t, "metadata": META, **data}
        self.rows.append((self.sender, type_name, self.t, intent, action, json.dumps(data)))

    def action(self, name: str, step: float = 0.002) -> None:
        self.add("action", {"name": name, "policy": "RulePolicy", "confidence": 1.0, "action_text": None,
                            "hide_rule_turn": False}, action=name, step=step)

    def user(self, text: str, intent: str, confidence: float, channel: str, entities: list[dict],
             ranking: list[str]) -> None:
        tokens = []
        position = 0
        for word in text.split():
            tokens.append([position, position + len(word)])
            position += len(word) + 1
        parse = {"intent": {"name": intent, "confidence": confidence}, "entities": entities, "text": text,
                 "message_id": f"{random.getrandbits(64):x}", "metadata": {}, "text_tokens": tokens,
                 "intent_ranking": [{"name": intent, "confidence": confidence}]
                 + [{"name": r, "confidence": round(random.random() * confidence, 3)} for r in ranking]}
        self.add("user", {"text": text, "parse_data": parse, "input_channel": channel,
                          "message_id": parse["message_id"]}, intent=intent, step=random.uniform(3, 40))
        self.add("user_featurization", {"use_text_for_featurization": False})

    def bot(self, text: str, response: str | None = None, latency: float | None = None) -> None:
        meta = dict(META, utter_action=response) if response else META
        self.t += latency if latency is not None else random.uniform(0.02, 0.3)
        data = {"event": "bot", "timestamp": self.t, "metadata": meta, "text": text,
                "data": {"elements": None, "quick_replies": None, "buttons": None, "attachment": None,
                         "image": None, "custom": None}}
        self.rows.append((self.sender, "bot", self.t, None, None, json.dumps(data)))

    def slot(self, name: str, value: object) -> None:
        self.add("slot", {"name": name, "value": value}, action=name)


def conversation(number: int, now: float) -> list[tuple]:
    """The rows of one synthetic conversation."""
    rng = random
    events = Events(f"bench-{number:06d}-{rng.getrandbits(32):08x}", now - rng.uniform(0.01, 29) * DAY)
    channel = rng.choice(CHANNELS)
    events.action("action_session_start")
    events.add("session_started", {})
    events.action("action_listen")
    for _ in range(rng.choice((1, 2, 2, 3, 3, 4))):
        kind = rng.random()
        if kind < 0.62:  # an answered question
            intent, action, entity, values, phrasings = rng.choice(QUESTIONS)
            value = rng.choice(values)
            text = rng.choice(phrasings).format(value)
            confidence = rng.uniform(0.45, 0.99)
            events.user(text, intent, confidence, channel,
                        [{"entity": entity, "value": value, "start": 0, "end": 1, "confidence": None,
                          "extractor": "SpacyEntityExtractor"}], ["ask_outlook", "ask_skills"])
            events.action(action)
            events.bot(ANSWER)
            events.slot(entity, value)
            events.slot("topic", intent[4:])
        elif kind < 0.74:  # not understood: fallback with topic buttons
            text = rng.choice(UNCOVERED)
            if rng.random() < 0.4:
                text += f" {rng.choice(('please', 'in 2025', 'asap', 'for my team'))} {rng.randrange(1000)}"
            if rng.random() < 0.05:
                text += f" mail me at user{number}@example.com or +1 555 {rng.randrange(1000, 9999)} 123"
            events.user(text, "nlu_fallback", rng.uniform(0.1, 0.39), channel, [], ["ask_path", "ask_salary"])
            events.action("action_offer_topics")
            events.bot("I'm not sure I understood. Did you mean one of these?", "utter_offer_topics")
        elif kind < 0.80:  # out of scope
            events.user(rng.choice(OUT_OF_SCOPE), "out_of_scope", rng.uniform(0.6, 0.99), channel, [],
                        ["greet"])
            events.action("utter_out_of_scope")
            events.bot("Sorry, that's outside what I know.", "utter_out_of_scope")
        elif kind < 0.90:  # a career plan, sometimes given, sometimes with a mentor intro
            events.user("help me plan my career", "ask_career_plan", 0.97, channel, [], ["ask_path"])
            events.action("career_plan_form")
            events.add("active_loop", {"name": "career_plan_form"}, action="career_plan_form")
            events.slot("current_role", rng.choice(ROLES))
            events.slot("years_experience", float(rng.randrange(1, 20)))
            events.slot("requested_slot", "target_role")
            events.bot("Which role do you want to reach?", "utter_ask_target_role")
            events.action("action_listen")
            if rng.random() < 0.7:
                events.user(rng.choice(ROLES), "inform", 0.9, channel, [], [])
                events.action("career_plan_form")
                events.slot("target_role", rng.choice(ROLES))
                events.slot("discipline", "mechanical engineering")
                events.add("active_loop", {"name": None}, action=None)
                events.action("action_show_career_plan")
                events.bot(ANSWER)
                if rng.random() < 0.3:
                    events.action("action_listen")
                    events.user("/request_mentor_intro", "request_mentor_intro", 1.0, channel, [], [])
                    events.action("action_request_mentor_intro")
                    events.bot("I've asked them to reach out.")
        else:  # small talk
            events.user(rng.choice(("hi", "hello", "thanks", "bye")), "greet", 0.95, channel, [], [])
            events.action("utter_greet")
            events.bot("Hi! I'm careerbot.", "utter_greet")
        events.action("action_listen")
    return events.rows


def rows(conversations: int, seed: int = 16) -> Iterator[list[tuple]]:
    """The rows of `conversations` conversations, a conversation at a time."""
    random.seed(seed)
    now = time.time()
    for number in range(conversations):
        yield conversation(number, now)


def fill_sqlite(path: Path, conversations: int) -> int:
    """Create the events table in a new SQLite file and fill it; the number of events."""
    import sqlalchemy as sa

    engine = sa.create_engine(f"sqlite:///{path}", future=True)
    store.metadata.create_all(engine)
    engine.dispose()
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA journal_mode=WAL")
    total = 0
    batch: list[tuple] = []
    insert = ("INSERT INTO events (sender_id, type_name, timestamp, intent_name, action_name, data) "
              "VALUES (?, ?, ?, ?, ?, ?)")
    for conversation_rows in rows(conversations):
        batch += conversation_rows
        if len(batch) >= 50_000:
            connection.executemany(insert, batch)
            connection.commit()
            total += len(batch)
            batch = []
    connection.executemany(insert, batch)
    connection.commit()
    total += len(batch)
    connection.close()
    return total


def fill_postgres(url: str, conversations: int) -> int:
    """Create the events table in the PostgreSQL database at `url` and fill it with COPY; the number of events."""
    import csv

    import sqlalchemy as sa

    engine = sa.create_engine(url, future=True)
    store.metadata.drop_all(engine)
    store.metadata.create_all(engine)
    total = 0
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        pending = 0

        def flush() -> None:
            buffer.seek(0)
            cursor.copy_expert("COPY events (sender_id, type_name, timestamp, intent_name, action_name, data) "
                               "FROM STDIN WITH (FORMAT csv)", buffer)
            buffer.seek(0)
            buffer.truncate()

        for conversation_rows in rows(conversations):
            writer.writerows(conversation_rows)
            pending += len(conversation_rows)
            total += len(conversation_rows)
            if pending >= 50_000:
                flush()
                pending = 0
        flush()
        raw.commit()
        cursor.execute("ANALYZE events")
        raw.commit()
    finally:
        raw.close()
        engine.dispose()
    return total


def measure(url: str, out: Path) -> tuple[float, float, float, str]:
    """Run the report on `url` as `make insights` does; (wall seconds, CPU seconds, peak resident MB, its first
    output line)."""
    env = dict(os.environ, TRACKER_STORE_URL=url, CAREERBOT_INSIGHTS_KEY="bench-key", PYTHONPATH=str(REPO_ROOT))
    started = time.monotonic()
    process = subprocess.Popen([sys.executable, "-m", "bot.insights", "--since", "30d", "--out", str(out)],
                               cwd=REPO_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.monotonic() - started
    output = process.stdout.read().decode(errors="replace")
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"the report failed ({process.returncode}):\n{output}")
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, output.strip().splitlines()[0]


def postgres(folder: Path, port: int, action: str) -> str:
    """Start or stop the private PostgreSQL server; for start, the URL of its database."""
    env = dict(os.environ, PG_DIR=str(folder / "postgres"), PG_PORT=str(port), PG_DATABASES="insights_bench",
               PG_OPTIONS="-c fsync=off -c synchronous_commit=off -c full_page_writes=off")
    script = str(REPO_ROOT / "scripts" / "services" / "postgres.sh")
    subprocess.run(["bash", script, action], env=env, check=True, stdout=subprocess.DEVNULL)
    if action != "start":
        return ""
    return subprocess.run(["bash", script, "url", "insights_bench"], env=env, check=True, capture_output=True,
                          text=True).stdout.strip()


def report_line(backend: str, events: int, fill: float, seconds: float, cpu: float, megabytes: float,
                output: str) -> str:
    """One result line."""
    verdict = "OK" if seconds <= TARGET_SECONDS and megabytes <= TARGET_MB else "OVER TARGET"
    load = os.getloadavg()[0]
    return (f"{backend:10s} {events:>10,} events  fill {fill:6.1f} s  report {seconds:6.1f} s wall, {cpu:6.1f} s CPU, "
            f"peak {megabytes:6.0f} MB  [{verdict}: targets {TARGET_SECONDS} s, {TARGET_MB} MB; load {load:.1f}]\n"
            f"           {output}")


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; prints one line per backend."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=100_000)
    parser.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--pg-port", type=int, default=5590, help="loopback port of the private PostgreSQL")
    args = parser.parse_args(argv)
    print(f"insights benchmark: {args.conversations:,} conversations, {os.cpu_count()} CPUs", flush=True)
    folder = Path(tempfile.mkdtemp(prefix="insights-bench-"))
    os.chmod(folder, 0o755)  # PostgreSQL runs as `postgres` when we are root
    results = []
    try:
        if args.backend in ("sqlite", "both"):
            started = time.monotonic()
            events = fill_sqlite(folder / "tracker.db", args.conversations)
            fill = time.monotonic() - started
            url = f"sqlite:///{folder / 'tracker.db'}"
            results.append(report_line("SQLite", events, fill, *measure(url, folder / "out-sqlite")))
            print(results[-1], flush=True)
        if args.backend in ("postgres", "both"):
            url = postgres(folder, args.pg_port, "start")
            try:
                started = time.monotonic()
                events = fill_postgres(url, args.conversations)
                fill = time.monotonic() - started
                results.append(report_line("PostgreSQL", events, fill, *measure(url, folder / "out-postgres")))
                print(results[-1], flush=True)
            finally:
                postgres(folder, args.pg_port, "stop")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 0 if all("OVER TARGET" not in line for line in results) else 1


if __name__ == "__main__":
    sys.exit(main())
