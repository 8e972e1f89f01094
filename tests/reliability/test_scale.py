"""Scale-out: two Rasa servers share the PostgreSQL tracker store and the Redis lock store, each with its own
action server. A conversation alternating between the servers keeps its context; 20 messages sent at once
for one user are all answered, one at a time, in order (sent to one server, and spread over both); 50 users
x 10 messages over both servers lose no turn (checked in the tracker store's database and through the
token-protected HTTP API)."""
from __future__ import annotations

import json
import random
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pytest
import requests
import sqlalchemy as sa
from sqlalchemy.orm import Session

from knowledge import queries as q
from reliability.stack import Answer, Bot, Services, ask, describe, says
from bot.channels.rest import conversation_id

USERS, MESSAGES_PER_USER = 50, 10
BURST = 20
TIME_LIMIT = 240  # seconds for the 50 x 10 run


@dataclass(frozen=True)
class Turn:
    """A message and what its answer must contain."""

    message: str
    expect: tuple[str, ...]


def role_turn(kb: Session, message: str, role: str, duties: bool) -> Turn:
    """A question about `role`; a duties answer also shows the start of the role's summary."""
    found = q.role(kb, role)
    assert found is not None, role
    return Turn(message, (found.name, found.summary[:60]) if duties else (found.name,))


def cert_turn(kb: Session, message: str, abbreviation: str) -> Turn:
    """A question about a certification: the answer names it in full."""
    found = q.certification(kb, abbreviation)
    assert found is not None, abbreviation
    return Turn(message, (found.abbreviation, found.name))


def pairs(kb: Session) -> list[tuple[Turn, Turn]]:
    """Question + follow-up pairs; each follow-up only makes sense with the question's context."""
    return [
        (role_turn(kb, "what does an engineering manager do?", "engineering manager", True),
         role_turn(kb, "and a director?", "engineering director", True)),
        (role_turn(kb, "how do I become a CTO?", "chief technology officer", False),
         role_turn(kb, "and a VP of engineering?", "VP of engineering", False)),
        (cert_turn(kb, "what is PMP?", "PMP"), cert_turn(kb, "what about CSM?", "CSM")),
        (role_turn(kb, "what does a project manager do?", "project manager", True),
         role_turn(kb, "and a program manager?", "program manager", True)),
    ]


def events(services: Services, sender: str) -> list[dict]:
    """Every event the tracker store's database holds for `sender`, in order."""
    engine = sa.create_engine(services.pg_url("careerbot_tracker"), future=True)
    try:
        with engine.connect() as connection:
            rows = connection.execute(sa.text("SELECT data FROM events WHERE sender_id = :sender ORDER BY id"),
                                      {"sender": conversation_id(sender)})
            return [json.loads(data) for (data,) in rows]
    finally:
        engine.dispose()


def turns_in_store(stored: list[dict]) -> list[tuple[str, list[str]]]:
    """(user text, the bot's texts up to the next user message) for each user message stored."""
    turns: list[tuple[str, list[str]]] = []
    for event in stored:
        if event["event"] == "user":
            turns.append((event.get("text"), []))
        elif event["event"] == "bot" and turns:
            turns[-1][1].append(event.get("text") or "")
    return turns


def reply_texts(answer: Answer) -> list[str]:
    """The texts of the bot's messages in an HTTP answer (what the tracker stores as bot events)."""
    return [m.get("text") or "" for m in answer.messages]


def check_turns(services: Services, sender: str, sent: list[str], answers: list[Answer],
                sequential: bool = True) -> list[str]:
    """The store holds every message of `sender` once, each followed by exactly its own reply; messages
    sent one after the other (`sequential`) are stored in the order sent. Returns the stored order."""
    stored = turns_in_store(events(services, sender))
    order = [text for text, _ in stored]
    if sequential:
        assert order == sent, f"{sender}: stored {order}, sent {sent}"
        replies = answers
    else:  # sent together: the store's order is checked by the caller; messages are distinct
        assert sorted(order) == sorted(sent) and len(set(sent)) == len(sent), f"{sender}: stored {order}"
        replies = [dict(zip(sent, answers))[text] for text in order]
    for (text, bot_texts), answer in zip(stored, replies):
        assert bot_texts == reply_texts(answer), \
            f"{sender}: after {text!r} stored {bot_texts}, sent back {reply_texts(answer)}"
    return order


def test_a_conversation_alternating_between_servers_keeps_its_context(cluster: dict[str, Bot], kb: Session,
                                                                      services: Services) -> None:
    a, b = cluster["a"], cluster["b"]
    user = f"alternate-{uuid.uuid4().hex[:8]}"
    script = [turn for pair in pairs(kb) for turn in pair]
    answers = []
    for index, turn in enumerate(script):
        answer = ask((a, b)[index % 2], user, turn.message)
        assert says(answer, *turn.expect), describe(answer)
        answers.append(answer)
    check_turns(services, user, [t.message for t in script], answers)
    # Server a's HTTP API (token-protected) sees the whole conversation, half of it handled by b.
    tracker = requests.get(f"{a.url}/conversations/{conversation_id(user)}/tracker", params={"token": a.api_token},
                           timeout=30)
    assert tracker.status_code == 200
    assert [e["text"] for e in tracker.json()["events"] if e["event"] == "user"] == [t.message for t in script]


def test_the_http_api_is_off_unless_asked_for_and_token_protected(cluster: dict[str, Bot]) -> None:
    a, b = cluster["a"], cluster["b"]
    path = "/conversations/nobody/tracker"
    assert requests.get(b.url + path, timeout=30).status_code == 404  # b runs without --enable-api
    assert requests.get(a.url + path, timeout=30).status_code == 401
    assert requests.get(a.url + path, params={"token": "wrong"}, timeout=30).status_code == 401
    assert requests.get(a.url + path, params={"token": a.api_token}, timeout=30).status_code == 200


def burst_questions(kb: Session) -> list[Turn]:
    """BURST different questions, each with an answer that tells it apart from the others."""
    roles = [r.name for r in q.roles(kb)]
    turns = [role_turn(kb, f"what does a {name} do?", name, True) for name in roles[:BURST]]
    assert len(turns) == BURST, "the knowledge base has fewer roles than the burst needs"
    return turns


def max_in_flight(intervals: list[tuple[float, float]]) -> int:
    """The largest number of requests that were open at the same moment."""
    points = sorted([(start, 1) for start, _ in intervals] + [(end, -1) for _, end in intervals])
    open_now = peak = 0
    for _, step in points:
        open_now += step
        peak = max(peak, open_now)
    return peak


def burst_over(bots: list[Bot], user: str, turns: list[Turn]) -> tuple[list[Answer], list[tuple[float, float]]]:
    """Send every turn as `user` at the same moment from its own thread, alternating between `bots`;
    the answers and each request's (start, end) times."""
    answers: list[Answer | None] = [None] * len(turns)
    intervals: list[tuple[float, float]] = [(0.0, 0.0)] * len(turns)
    barrier = threading.Barrier(len(turns))

    def send(index: int) -> None:
        barrier.wait()
        began = time.monotonic()
        answers[index] = ask(bots[index % len(bots)], user, turns[index].message)
        intervals[index] = (began, time.monotonic())

    threads = [threading.Thread(target=send, args=(i,)) for i in range(len(turns))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    missing = [turns[i].message for i, answer in enumerate(answers) if answer is None]
    assert not missing, f"no answer within 180 s to {missing}"
    return [a for a in answers if a is not None], intervals


@pytest.mark.parametrize("servers", [("a",), ("a", "b")], ids=["one server", "both servers"])
def test_twenty_messages_at_once_for_one_user_are_all_answered_in_order(cluster: dict[str, Bot], kb: Session,
                                                                        services: Services,
                                                                        servers: tuple[str, ...]) -> None:
    turns = burst_questions(kb)
    sent = [t.message for t in turns]
    out_of_order = []
    for burst in range(2):  # two servers drawing tickets at the same instant is a race: give it two chances
        user = f"burst-{len(servers)}-{burst}-{uuid.uuid4().hex[:8]}"
        answers, intervals = burst_over([cluster[name] for name in servers], user, turns)
        for turn, answer in zip(turns, answers):
            assert says(answer, *turn.expect), describe(answer)
        assert max_in_flight(intervals) >= 5, "the messages were not in flight together: nothing was tested"
        # One at a time: each message is stored right before its own reply, nothing interleaved...
        stored = check_turns(services, user, sent, answers, sequential=False)
        # ...and the answers came back in the order the conversation holds the messages, which is the order
        # in which the server(s) drew the lock's tickets (the order of arrival, which a client cannot see).
        # The client's clock for "came back" is its threads' wake-ups, which a busy 2-core machine can swap:
        # one burst of the two must show the exact order.
        received = [sent[i] for i in sorted(range(BURST), key=lambda i: intervals[i][1])]
        if received == stored:
            return
        out_of_order.append((received, stored))
    assert not out_of_order, f"both bursts came back out of the stored order: {out_of_order}"


def conversation(rng: random.Random, kb_pairs: list[tuple[Turn, Turn]]) -> list[Turn]:
    """MESSAGES_PER_USER turns: questions, each followed by its follow-up."""
    return [turn for _ in range(MESSAGES_PER_USER // 2) for turn in rng.choice(kb_pairs)]


def test_fifty_users_ten_messages_each_over_both_servers_lose_no_turn(cluster: dict[str, Bot], kb: Session,
                                                                      services: Services) -> None:
    bots = [cluster["a"], cluster["b"]]
    rng = random.Random(50)
    kb_pairs = pairs(kb)
    run = uuid.uuid4().hex[:6]
    scripts = {f"crowd-{run}-{i:02d}": conversation(rng, kb_pairs) for i in range(USERS)}
    started = time.monotonic()
    failures: list[str] = []

    def talk(index_user: tuple[int, str]) -> list[Answer]:
        index, user = index_user
        answers = []
        for step, turn in enumerate(scripts[user]):
            if time.monotonic() - started > TIME_LIMIT:
                failures.append(f"{user}: out of time at message {step}")
                break
            answer = ask(bots[(index + step) % 2], user, turn.message)  # each follow-up goes to the other server
            if not says(answer, *turn.expect):
                failures.append(describe(answer))
            answers.append(answer)
        return answers

    with ThreadPoolExecutor(USERS) as pool:
        results: dict[str, list[Answer]] = dict(zip(scripts, pool.map(talk, enumerate(scripts))))
    elapsed = time.monotonic() - started
    print(f"\n{USERS} users x {MESSAGES_PER_USER} messages over 2 servers: {elapsed:.0f} s, "
          f"{USERS * MESSAGES_PER_USER / elapsed:.1f} messages/s")
    assert not failures, f"{len(failures)} wrong or missing answers, e.g. {failures[:5]}"
    for user, answers in results.items():
        sent = [t.message for t in scripts[user]]
        assert len(answers) == len(sent), f"{user}: {len(answers)} answers to {len(sent)} messages"
        check_turns(services, user, sent, answers)
    # The HTTP API reads the same store: one conversation, event for event.
    user = next(iter(scripts))
    tracker = requests.get(f"{bots[0].url}/conversations/{conversation_id(user)}/tracker",
                           params={"token": bots[0].api_token}, timeout=30).json()
    assert len(tracker["events"]) == len(events(services, user))


def test_max_in_flight_counts_overlaps() -> None:
    assert max_in_flight([(0, 1), (2, 3)]) == 1
    assert max_in_flight([(0, 3), (1, 4), (2, 5)]) == 3

