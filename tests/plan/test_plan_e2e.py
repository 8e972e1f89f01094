"""One career-plan conversation end to end over REST: the session's shared real action server and real Rasa
server (tests/support) with the trained model (var/models/careerbot.tar.gz, built by `make train` before the
tests, or CAREERBOT_E2E_MODEL), on loopback ports, with the knowledge base loaded from knowledge/data into a
temporary SQLite file."""
from __future__ import annotations

import pytest

from support.chat import RestChat, assert_mentions, assert_polite

pytestmark = pytest.mark.e2e


@pytest.fixture()
def chat(bot: RestChat) -> RestChat:
    """A REST client of careerbot: the session's shared server pair (tests/support/fixtures.py)."""
    return bot


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
