"""One career-plan conversation end to end over REST: a real action server and a real `rasa run` with the
trained model (var/models/careerbot.tar.gz, built by `make train` before the tests), on loopback ports,
with the knowledge base loaded from knowledge/data into a temporary SQLite file."""
from __future__ import annotations

from collections.abc import Iterator

import pytest

from sqlalchemy import create_engine

from e2e.harness import BIN, REPO_ROOT, RestChat, Server, assert_mentions, assert_polite, free_port, http_ok, \
    server_env, start_server, tracker_store_url, wait_until
from knowledge.loader import load
from plan_helpers import plan_model

pytestmark = pytest.mark.e2e

STARTUP_TIMEOUT = 240


@pytest.fixture(scope="module")
def chat(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RestChat]:
    """A REST client of careerbot: `rasa run actions` and `rasa run` started for this module, then stopped."""
    model = plan_model()
    folder = tmp_path_factory.mktemp("plan-e2e")
    db_url = f"sqlite:///{folder / 'kb.db'}"
    engine = create_engine(db_url, future=True)
    load(engine)
    engine.dispose()
    actions_port, rasa_port = free_port(), free_port()
    env = server_env(ACTIONS_PORT=str(actions_port), TRACKER_STORE_URL=tracker_store_url(folder),
                     CAREERBOT_DB_URL=db_url)
    endpoints = folder / "endpoints.yml"
    endpoints.write_text((REPO_ROOT / "endpoints.yml").read_text().replace("${ACTIONS_PORT}", str(actions_port)))
    servers: list[Server] = []
    try:
        actions = start_server("action server", [str(BIN / "rasa"), "run", "actions", "--actions", "bot.actions",
                                                 "--port", str(actions_port)], env, folder / "actions.log")
        servers.append(actions)
        rasa = start_server("rasa server", [str(BIN / "python"), "-m", "bot.server", "run", "--model", str(model),
                                            "--endpoints",
                                            str(endpoints), "--credentials", "credentials.yml", "-i", "127.0.0.1",
                                            "-p", str(rasa_port)], env, folder / "rasa.log")
        servers.append(rasa)
        wait_until(actions, lambda: http_ok(f"http://127.0.0.1:{actions_port}/health"), "GET /health",
                   STARTUP_TIMEOUT)
        client = RestChat(f"http://127.0.0.1:{rasa_port}")
        wait_until(rasa, lambda: http_ok(client.base_url + "/"), "GET /", STARTUP_TIMEOUT)
        wait_until(rasa, lambda: bool(client.ask("readiness-probe", "hello").messages), "first reply",
                   STARTUP_TIMEOUT)
        yield client
    finally:
        for server in reversed(servers):
            server.stop()


def say(conversation, text: str, transcript: list[str]):
    """Send `text`, record the exchange, check the reply is polite, return it."""
    reply = conversation.ask(text)
    transcript.append(f"You: {text}\nBot: {reply.text}")
    assert_polite(reply)
    return reply


def test_a_plan_conversation(chat: RestChat):
    talk, transcript = chat.conversation(), []
    try:
        reply = say(talk, "I'm a project engineer with 4 years' experience and I want to be an engineering "
                          "director — what's my plan?", transcript)
        assert_mentions(reply, "Which engineering discipline do you come from?", "Mechanical engineering")
        reply = say(talk, "mechanical engineering", transcript)
        assert_mentions(reply, "Your career plan: project engineer → engineering director",
                        "Based on: 4 years of experience · mechanical engineering",
                        "Step 1: project engineer → engineering manager",
                        "Certifications: PMP (Project Management Professional)",
                        "Step 2: engineering manager → engineering director", "manufacturing management")
        reply = say(talk, "I already have PMP", transcript)
        assert_mentions(reply, "Noted — you hold PMP")
        reply = say(talk, "which certifications should I get?", transcript)
        assert_mentions(reply, "You already hold every certification tied to your plan")
        reply = say(talk, "can I talk to a mentor?", transcript)
        assert_mentions(reply, "Mentors for your goal, engineering director", "Alex Example")
        reply = say(talk, "what's my plan again?", transcript)
        assert_mentions(reply, "Your career plan: project engineer → engineering director", "you hold PMP")
        reply = say(talk, "forget my details", transcript)
        assert_mentions(reply, "I've forgotten your current role, years of experience, target role, discipline "
                               "and the certifications you hold")
        reply = say(talk, "what's my plan?", transcript)
        assert_mentions(reply, "What's your current role?")
        reply = say(talk, "never mind", transcript)
        assert_mentions(reply, "OK, I've stopped the plan.")
    finally:
        print("\n\n".join(transcript))
