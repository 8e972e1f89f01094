"""Fuzzing the REST channel: thousands of seeded, generated requests (blank, huge, control characters, emoji,
right-to-left text, SQL/HTML/script injection, Rasa payload syntax, malformed JSON, wrong types, missing
fields) against both Rasa servers of the cluster. Every request must be answered (200 with at least one
message) or refused with a 4xx; never a 5xx, a dropped connection or a dead server; and a normal question
is answered correctly afterwards."""
from __future__ import annotations

import json
import random
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import requests
import yaml
from sqlalchemy.orm import Session

from support.env import REPO_ROOT
from knowledge import queries as q
from reliability.stack import Bot, ask, describe, health, says

SEED = 20261125
REQUESTS = 2000
WORKERS = 4
TIME_LIMIT = 300  # seconds for the whole run; the loop stops there and the test fails
QUESTIONS = ["what does an engineering manager do?", "how do I become a CTO?", "what is PMP?",
             "MEM vs MBA?", "what do engineering managers earn?", "and a director?", "hi", "thanks"]
WEIRD = [
    "", " ", "\t\n\r", "\u00a0\u2003\u3000", "\u200b\u200c\u200d\ufeff", "\x00", "\x00\x01\x02\x1b[31m",
    "🙂", "👩‍💻🚀🏳️‍🌈", "كيف أصبح مدير هندسة؟", "מה עושה מנהל הנדסה?", "\u202eregnam gnireenigne\u202c",
    "ｗｈａｔ ｉｓ ＰＭＰ？", "e\u0301\u0302\u0303\u0304\u0305\u0306", "𝕨𝕙𝕒𝕥 𝕚𝕤 𝕄𝔼𝕄", "\ud7ff\ue000\uffff",
    "'; DROP TABLE events; --", "1' OR '1'='1", "engineering manager'; DELETE FROM roles; --",
    "\" OR 1=1 --", "UNION SELECT password FROM users", "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>", "</p><b>bold</b>", "{{7*7}}", "${ACTIONS_PORT}", "%s%s%s%n", "{role}",
    "{0}", "\\x00\\u0000", "/restart", "/back", "/session_start", "/action_listen",
    '/ask_path{"role": "engineering director"}',
    "/ask_path{bad json", "/nonexistent_intent", '/ask_path{"role": 5}', '/inform{"role": [1, 2]}', "/",
    "//", "/greet{}", '/ask_path{"role": "\'; DROP TABLE roles; --"}', '/compare{"role": "CTO", "degree": "MBA"}',
    '/ask_role_duties{"role": "<script>alert(1)</script>"}', "12345", "-1", "1e309", "NaN", "null", "true",
    "?" * 50, "a" * 4990, "how do I become " + "very " * 900 + "senior engineer?",
]


@dataclass(frozen=True)
class Case:
    """One generated request: what it tests, the HTTP method, path, body and headers."""

    kind: str
    body: bytes
    method: str = "POST"
    path: str = "/webhooks/rest/webhook"
    headers: tuple[tuple[str, str], ...] = (("Content-Type", "application/json"),)
    reaches_bot: bool = False  # a well-formed message that the bot must answer


def _json(payload: object) -> bytes:
    return json.dumps(payload).encode()


def generate(rng: random.Random, count: int) -> list[Case]:
    """`count` requests drawn with `rng` from the families below."""
    senders = [f"fuzz-{i}" for i in range(40)] + ["🙂-user", "مستخدم", "../../etc/passwd", "' OR 1=1 --",
                                                 "x" * 255, "12345"]

    def text_message() -> Case:
        base = rng.choice(WEIRD + QUESTIONS)
        if rng.random() < 0.3:  # garbage around a real question
            base = rng.choice(WEIRD) + " " + rng.choice(QUESTIONS) + " " + rng.choice(WEIRD)
        if rng.random() < 0.1:
            base = "".join(chr(rng.randrange(1, 0x2FFF)) for _ in range(rng.randrange(1, 80)))
        base = base[:5000]
        return Case("text", _json({"sender": rng.choice(senders), "message": base}), reaches_bot=True)

    def huge_message() -> Case:
        size = rng.choice([5001, 20_000, 100_000, 102_400])
        return Case("huge", _json({"sender": rng.choice(senders), "message": rng.choice("ab🙂 ") * size}))

    def malformed_json() -> Case:
        bodies = [b'{"sender": "a", "message": "hi"', b"{", b"}", b"[]", b"null", b"true", b"1", b'"str"',
                  b'{"sender": "a", "message": "hi"} trailing', b"\xff\xfe\x00", b'{"sender":"a","message":"\xff"}',
                  b"[" * 100_000, b'{"a":' * 5000, b'{"sender":"a","message":NaN}', b"", b"   ",
                  b'{"sender":"a","message":"\\ud800"}', b'{"sender":"\\ud800","message":"hi"}',
                  bytes(rng.randrange(256) for _ in range(rng.randrange(1, 300)))]
        return Case("malformed", rng.choice(bodies))

    bad_values: dict[str, list[object]] = {  # an integer sender is accepted on purpose
        "sender": [1.5, True, None, [], {}, ["hi"], {"text": "hi"}, ""],
        "message": [1, 1.5, True, None, [], {}, ["hi"], {"text": "hi"}],
        "metadata": ["x", 7, [], True],
        "input_channel": [3, [], {}, True],
    }

    def wrong_types() -> Case:
        body: dict[str, object] = {"sender": rng.choice(senders), "message": rng.choice(QUESTIONS)}
        field = rng.choice(sorted(bad_values))
        body[field] = rng.choice(bad_values[field])
        return Case("types", _json(body))

    def missing_fields() -> Case:
        return Case("missing", _json(rng.choice([{}, {"message": "hi"}, {"sender": "x"}, {"text": "hi"},
                                                  {"sender": "", "message": "hi"}, {"sender": "  ", "message": "hi"},
                                                  {"sender": "a\x00b", "message": "hi"},
                                                  {"sender": "x" * 256, "message": "hi"}])))

    def http_level() -> Case:
        return rng.choice([
            Case("http", b"sender=a&message=hi", headers=(("Content-Type", "application/x-www-form-urlencoded"),)),
            Case("http", b"", method="GET"),
            Case("http", _json({"sender": "a", "message": "hi"}), method="PUT"),
            Case("http", _json({"sender": "a", "message": "hi"}), path="/webhooks/rest/nowhere"),
            Case("http", _json({"sender": "a", "message": "hi"}), path="/webhooks/nosuchchannel/webhook"),
        ])

    families: list[tuple[float, Callable[[], Case]]] = [
        (0.45, text_message), (0.05, huge_message), (0.18, malformed_json), (0.15, wrong_types),
        (0.09, missing_fields), (0.08, http_level)]
    weights = [w for w, _ in families]
    return [rng.choices([f for _, f in families], weights)[0]() for _ in range(count)]


@dataclass(frozen=True)
class Outcome:
    """What a server did with one case."""

    case: Case
    status: int  # 0: no HTTP answer at all
    body: object
    problem: str | None


def judge(case: Case, status: int, body: object) -> str | None:
    """Why this answer is wrong, or None."""
    if status == 0:
        return "no HTTP answer (connection dropped or timed out)"
    if status >= 500:
        return f"server error {status}"
    if 200 <= status < 300:
        if not isinstance(body, list) or not any(m.get("text") or m.get("buttons") for m in body):
            return f"answered {status} without a message: {str(body)[:200]}"
        text = " ".join(str(m.get("text")) for m in body)
        if "Traceback" in text or "Exception" in text:
            return f"reply shows an internal error: {text[:200]}"
        return None
    if 400 <= status < 500:
        return None if case.kind == "http" or (isinstance(body, dict) and "error" in body) else \
            f"{status} without an error description: {str(body)[:200]}"
    return f"unexpected status {status}"


def send(bot: Bot, case: Case, session: requests.Session) -> Outcome:
    """Send one case to `bot`."""
    try:
        response = session.request(case.method, bot.url + case.path, data=case.body, headers=dict(case.headers),
                                    timeout=120)
    except requests.RequestException as error:
        return Outcome(case, 0, None, f"no HTTP answer: {type(error).__name__}")
    try:
        body = response.json()
    except ValueError:
        body = response.text[:200]
    return Outcome(case, response.status_code, body, judge(case, response.status_code, body))


def test_generator_is_seeded_and_covers_every_family() -> None:
    first, second = generate(random.Random(SEED), REQUESTS), generate(random.Random(SEED), REQUESTS)
    assert first == second and len(first) >= 2000
    kinds = Counter(case.kind for case in first)
    assert set(kinds) == {"text", "huge", "malformed", "types", "missing", "http"} and min(kinds.values()) >= 50


def test_judge_rejects_silence_server_errors_and_bare_4xx() -> None:
    text = Case("text", b"{}", reaches_bot=True)
    assert judge(text, 200, [{"recipient_id": "a", "text": "Hi"}]) is None
    assert judge(text, 200, []) is not None  # silence
    assert judge(text, 500, {"error": "internal_error"}) is not None
    assert judge(text, 0, None) is not None
    assert judge(text, 400, {"error": "invalid_message", "message": "..."}) is None
    assert judge(text, 400, {"description": "Bad Request"}) is not None


def test_credentials_register_the_checked_rest_channel() -> None:
    credentials = yaml.safe_load((REPO_ROOT / "credentials.yml").read_text()) or {}
    assert "bot.channels.rest.RestInput" in credentials and "rest" not in credentials, \
        "credentials.yml must name bot.channels.rest.RestInput instead of Rasa's plain `rest` channel"


def test_fuzzed_requests_are_answered_or_refused_never_crash(cluster: dict[str, Bot], kb: Session) -> None:
    bots = [cluster["a"], cluster["b"]]
    cases = generate(random.Random(SEED), REQUESTS)
    started = time.monotonic()
    sessions = [requests.Session() for _ in range(WORKERS)]

    def run(index: int) -> Outcome | None:
        if time.monotonic() - started > TIME_LIMIT:
            return None
        return send(bots[index % 2], cases[index], sessions[index % WORKERS])

    with ThreadPoolExecutor(WORKERS) as pool:
        outcomes = list(pool.map(run, range(len(cases))))
    for session in sessions:
        session.close()  # an open keep-alive connection would hold the servers' shutdown
    elapsed = time.monotonic() - started
    done = [o for o in outcomes if o is not None]
    statuses = Counter(o.status for o in done)
    print(f"\nfuzz: {len(done)} requests in {elapsed:.0f} s, statuses {dict(sorted(statuses.items()))}")
    assert len(done) == len(cases), f"only {len(done)} of {len(cases)} requests within {TIME_LIMIT} s"
    problems = [o for o in done if o.problem]
    assert not problems, f"{len(problems)} bad answers, e.g.: " + "; ".join(
        f"[{o.case.kind}] {o.case.body[:120]!r} -> {o.problem}" for o in problems[:8])
    refused = [o for o in done if o.case.reaches_bot and o.status != 200]
    assert not refused, f"{len(refused)} well-formed messages refused, e.g. {refused[0]}"
    assert statuses.get(413, 0) > 0 and statuses.get(400, 0) > 0

    # Still alive, still healthy, still right.
    pmp = q.certification(kb, "PMP")
    for bot in bots:
        assert bot.alive(), f"{bot.name} died; log {bot.rasa_log}"
        assert health(bot)[0] == 200, health(bot)
        answer = ask(bot, "fuzz-after", "what is PMP?")
        assert says(answer, "PMP", pmp.name), describe(answer)
