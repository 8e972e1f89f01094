"""End-to-end: single questions sent over the REST channel to the real Rasa server and action server. Each
reply must carry the knowledge-base fact a user asked for; expected strings come from the knowledge base
(the `kb` fixture, loaded from knowledge/data) or from bot/domain.yml, never from the bot's own code."""
from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

import pytest
import yaml
from sqlalchemy.orm import Session

from support.chat import RestChat, assert_matches, assert_mentions, assert_polite
from support.env import REPO_ROOT
from knowledge import queries as q

pytestmark = pytest.mark.e2e

Expect = Callable[[Session], list[str]]


def _role(kb: Session, name: str):
    role = q.role(kb, name)
    assert role is not None, f"the knowledge base has no role {name!r}"
    return role


def duties(name: str) -> Expect:
    """The titles of a role's responsibilities."""
    return lambda kb: [r.title for r in _role(kb, name).responsibilities]


def managers(name: str) -> Expect:
    """The names of the roles `name` reports to."""
    return lambda kb: [line.manager.name for line in _role(kb, name).reports_to]


def next_roles(name: str) -> Expect:
    """The names of the roles that typically follow `name`."""
    return lambda kb: [t.to_role.name for t in q.next_steps(kb, _role(kb, name))]


def ladder(name: str) -> Expect:
    """The roles on the shortest ladder from an entry-level role up to `name`."""
    def expected(kb: Session) -> list[str]:
        chain = q.ladder_to(kb, _role(kb, name))
        assert chain, f"the knowledge base has no ladder up to {name!r}"
        return [chain[0].from_role.name] + [t.to_role.name for t in chain]
    return expected


def cert_name(abbreviation: str) -> Expect:
    """A certification's full name."""
    return lambda kb: [q.certification(kb, abbreviation).name]


def market(key: str, *fragments: str) -> Expect:
    """Fragments of a market fact's figure (checked against the knowledge base) that must appear."""
    def expected(kb: Session) -> list[str]:
        fact = q.market_fact(kb, key)
        assert fact is not None and all(f in fact.figure for f in fragments), f"KB fact {key} changed"
        return list(fragments)
    return expected


# (question, expected strings taken from the knowledge base)
CASES: list[tuple[str, Expect]] = [
    # career path and next steps
    ("How do I become an engineering manager?", ladder("engineering manager")),
    ("how do i become an engineering director?", ladder("engineering director")),
    ("How can I become a CTO?", ladder("chief technology officer")),
    ("where do I start?", lambda kb: [r.name for r in q.roles(kb, "entry")]),
    ("what comes after engineering manager?", next_roles("engineering manager")),
    ("what's the next step after engineering director?", next_roles("engineering director")),
    # duties, reporting lines, manager vs director
    ("what does an engineering manager do?", duties("engineering manager")),
    ("What does an engineering director do?", duties("engineering director")),
    ("what are the responsibilities of a director of engineering?", duties("engineering director")),
    ("who does an engineering manager report to?", managers("engineering manager")),
    ("who does an engineering director report to?", managers("engineering director")),
    ("engineering manager vs engineering director", lambda kb: ["tactical", "strategic"]),
    ("what's the difference between a manager and a director?", lambda kb: ["tactical", "strategic"]),
    # certifications
    ("which certifications should I get?", lambda kb: [c.abbreviation for c in q.certifications(kb)]),
    ("what is PMP?", cert_name("PMP")),
    ("what is EIT?", cert_name("EIT")),
    ("what is the CPE certification?", cert_name("CPE")),
    ("what does CSM stand for?", cert_name("CSM")),
    ("why does the PMP matter?", lambda kb: ["credibility"]),
    ("is Lean Six Sigma worth getting?", lambda kb: ["Lean Six Sigma", "hands-on experience"]),
    # education
    ("which bachelor's degree should I get?", lambda kb: q.degree(kb, "bachelors").fields),
    ("what is an MEM?", lambda kb: [q.degree(kb, "MEM").name]),
    ("what does an MEM teach?", lambda kb: q.degree(kb, "MEM").skills),
    ("MEM vs MBA", lambda kb: [q.degree(kb, "MEM").name, "MBA"]),
    # skills
    ("should I learn Gantt charts and Agile?", lambda kb: ["Gantt charts", "Agile"]),
    ("what should I master mid-career?",
     lambda kb: ["Stakeholder communication", "Process optimization", "Technical decision-making"]),
    ("what skills does a CTO need?", lambda kb: [s.name for s in q.skills(kb, "executive")][:3]),
    ("which skills does an engineering manager need?", lambda kb: [
        s.name for s in q.skills(kb, _role(kb, "engineering manager").stage_names[0])]),
    # salary and outlook
    ("how much does an engineering manager make?", market("average_salary", "121,560")),
    ("what is the salary range for engineering managers?", market("salary_range", "90,000", "150,000")),
    ("which industries pay the most?", lambda kb: [i.name for i in q.industries(kb, "high")]),
    ("what is the job outlook for engineering managers?", lambda kb: ["remains strong"]),
    ("who is hiring engineering managers?", lambda kb: [e.name for e in q.employers(kb)]),
    ("is an engineering management degree worth it?", lambda kb: ["often high"]),
    # specializations, industries, disciplines
    ("what specializations are there in an MEM?", lambda kb: [s.name for s in q.specializations(kb)]),
    ("what jobs does the project management specialization lead to?",
     lambda kb: [r.name for r in q.specialization(kb, "project management").roles]),
    ("which industries hire engineering managers?", lambda kb: [i.name for i in q.industries(kb)]),
    ("I'm a mechanical engineer, where can I go?", lambda kb: [m.target for m in q.discipline(kb, "mechanical").moves]),
    ("I'm a software engineer, what management roles can I move into?",
     lambda kb: [m.target for m in q.discipline(kb, "software engineer").moves]),
    ("what can a civil engineer move into?", lambda kb: [m.target for m in q.discipline(kb, "civil").moves]),
]


@pytest.mark.parametrize(("question", "expect"), CASES, ids=[c[0] for c in CASES])
def test_reply_carries_the_kb_fact(bot: RestChat, kb: Session, question: str, expect: Expect) -> None:
    """A single question gets an answer that names the facts the knowledge base holds for it."""
    needles = expect(kb)
    assert needles, f"no expected facts for {question!r}: the test would prove nothing"
    reply = bot.conversation().ask(question)
    assert_polite(reply)
    assert_mentions(reply, *needles)


def test_average_salary_names_payscale_and_2025(bot: RestChat, kb: Session) -> None:
    """The salary figure comes with its source and year, as the knowledge base records them."""
    fact = q.market_fact(kb, "average_salary")
    reply = bot.conversation().ask("what is the average salary of an engineering manager?")
    assert_mentions(reply, "121,560", fact.source.publisher, str(fact.year))


def test_transition_time_is_five_to_eight_years(bot: RestChat, kb: Session) -> None:
    """The time to move from an entry-level role to project manager is the KB's 5-8 years."""
    move = next(t for t in q.ways_in(kb, q.role(kb, "project manager")) if t.min_years)
    reply = bot.conversation().ask("how long does it take to become a project manager?")
    assert_matches(reply, rf"{move.min_years}\s*(-|to)\s*{move.max_years} years")


def test_mem_takes_one_to_two_years(bot: RestChat, kb: Session) -> None:
    """An MEM takes the KB's 1-2 years."""
    mem = q.degree(kb, "MEM")
    reply = bot.conversation().ask("how long does a master's in engineering management take?")
    assert_matches(reply, rf"{mem.min_years}\s*(-|to)\s*{mem.max_years} years")


def test_unknown_role_gets_a_polite_answer(bot: RestChat, kb: Session) -> None:
    """A role the knowledge base does not know is not answered with another role's facts."""
    reply = bot.conversation().ask("what does an astronaut do?")
    assert_polite(reply)
    invented = [r.title for role in q.roles(kb) for r in role.responsibilities if reply.mentions(r.description)]
    assert not invented, f"the bot answered 'astronaut' with duties of a known role: {invented}\n{reply.text}"


def test_gibberish_gets_topic_buttons(bot: RestChat) -> None:
    """A message the NLU cannot place is answered with buttons for the likeliest topics."""
    reply = bot.conversation().ask("qwrtz plmok zxvbn")
    assert_polite(reply)
    assert reply.buttons, f"no buttons offered; reply was:\n{reply.text}"
    assert all(b.get("payload", "").startswith("/") for b in reply.buttons), reply.buttons


@lru_cache(maxsize=1)
def domain_responses() -> dict[str, list[str]]:
    """The fixed texts of bot/domain.yml, by response name."""
    domain = yaml.safe_load((REPO_ROOT / "bot" / "domain.yml").read_text())
    return {name: [v["text"] for v in variants if "text" in v] for name, variants in domain["responses"].items()}


SMALL_TALK = [
    ("hi", "utter_greet"),
    ("are you a bot?", "utter_bot_challenge"),
    ("what can you do?", "utter_capabilities"),
    ("thanks a lot", "utter_thank"),
    ("bye", "utter_goodbye"),
    ("what's the weather like in Paris today?", "utter_out_of_scope"),
    ("can you book me a flight to Berlin?", "utter_out_of_scope"),
]


@pytest.mark.parametrize(("message", "response"), SMALL_TALK, ids=[m for m, _ in SMALL_TALK])
def test_small_talk_and_out_of_scope(bot: RestChat, message: str, response: str) -> None:
    """Small talk and out-of-scope messages get the fixed responses of the domain."""
    texts = domain_responses()[response]
    reply = bot.conversation().ask(message)
    assert any(reply.mentions(t) for t in texts), f"{message!r} should get {response}; reply was:\n{reply.text}"
