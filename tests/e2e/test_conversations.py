"""End-to-end: multi-turn conversations over the REST channel, each under its own sender id. Follow-ups
("and a director?", "how long does that take?", "which certifications help for it?") must be answered
about the thing talked about before; expected strings come from the knowledge base."""
from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from support.chat import RestChat, assert_matches, assert_mentions, assert_polite
from knowledge import queries as q

pytestmark = pytest.mark.e2e


def duty_titles(kb: Session, role: str) -> list[str]:
    """The titles of a role's responsibilities."""
    return [r.title for r in q.role(kb, role).responsibilities]


def manager_names(kb: Session, role: str) -> list[str]:
    """The names of the roles `role` reports to."""
    return [line.manager.name for line in q.role(kb, role).reports_to]


def test_duties_then_and_a_director(bot: RestChat, kb: Session) -> None:
    """'and a director?' re-answers the duties question for the director."""
    chat = bot.conversation()
    assert_mentions(chat.ask("what does an engineering manager do?"), *duty_titles(kb, "engineering manager"))
    reply = chat.ask("and a director?")
    assert_mentions(reply, *duty_titles(kb, "engineering director"))
    repeated = [d.title for d in q.role(kb, "engineering manager").responsibilities if reply.mentions(d.description)]
    assert not repeated, f"the follow-up repeated the manager's duties {repeated}:\n{reply.text}"


def test_path_to_director_then_how_long(bot: RestChat, kb: Session) -> None:
    """'how long does that take?' answers for the role of the previous question (the director)."""
    chat = bot.conversation()
    chain = q.ladder_to(kb, q.role(kb, "engineering director"))
    first = chat.ask("how do I become a director?")
    assert_mentions(first, *[t.to_role.name for t in chain])
    reply = chat.ask("how long does that take?")
    assert_polite(reply)
    assert_mentions(reply, "engineering director")
    # Where the knowledge base gives a time for a move into director, the bot must say it.
    for move in (t for t in q.ways_in(kb, q.role(kb, "engineering director")) if t.min_years):
        assert_matches(reply, rf"{move.min_years}\s*(-|to)\s*{move.max_years}")


def test_path_to_project_manager_then_how_long(bot: RestChat, kb: Session) -> None:
    """After a path question about project manager, 'how long does that take?' gives the KB's years."""
    chat = bot.conversation()
    assert_mentions(chat.ask("how do I become a project manager?"), "project manager")
    move = next(t for t in q.ways_in(kb, q.role(kb, "project manager")) if t.min_years)
    assert_matches(chat.ask("how long does that take?"), rf"{move.min_years}\s*(-|to)\s*{move.max_years} years")


def test_pmp_then_what_about_csm(bot: RestChat, kb: Session) -> None:
    """'what about CSM?' answers the certification question for CSM."""
    chat = bot.conversation()
    assert_mentions(chat.ask("what is PMP?"), q.certification(kb, "PMP").name)
    reply = chat.ask("what about CSM?")
    assert_mentions(reply, q.certification(kb, "CSM").name)
    assert not reply.mentions(q.certification(kb, "PMP").name), f"still talking about PMP:\n{reply.text}"


def test_em_role_then_certifications_pay_and_reporting_line(bot: RestChat, kb: Session) -> None:
    """Four turns about 'the EM role': duties, then certifications, pay and reporting line for it."""
    chat = bot.conversation()
    em = q.role(kb, "engineering manager")
    assert_mentions(chat.ask("tell me about the EM role"), *duty_titles(kb, "engineering manager"))
    helpful = {c.abbreviation for t in q.ways_in(kb, em) for c in t.certifications}
    assert helpful, "the knowledge base names no certification for becoming an engineering manager"
    assert_mentions(chat.ask("which certifications help for it?"), *sorted(helpful))
    assert_mentions(chat.ask("how much does it pay?"), "121,560")
    assert_mentions(chat.ask("who do they report to?"), *manager_names(kb, "engineering manager"))


def test_mem_then_how_long(bot: RestChat, kb: Session) -> None:
    """'how long does it take?' after an MEM question gives the degree's 1-2 years."""
    chat = bot.conversation()
    mem = q.degree(kb, "MEM")
    assert_mentions(chat.ask("what is an MEM?"), mem.name)
    assert_matches(chat.ask("how long does it take?"), rf"{mem.min_years}\s*(-|to)\s*{mem.max_years} years")


def test_reports_to_then_and_a_director(bot: RestChat, kb: Session) -> None:
    """'and a director?' after a reporting-line question gives the director's reporting line."""
    chat = bot.conversation()
    assert_mentions(chat.ask("who does an engineering manager report to?"), *manager_names(kb, "engineering manager"))
    assert_mentions(chat.ask("and a director?"), *manager_names(kb, "engineering director"))


def test_next_role_then_and_after_director(bot: RestChat, kb: Session) -> None:
    """'and after a director?' gives the director's next steps."""
    chat = bot.conversation()
    em, director = q.role(kb, "engineering manager"), q.role(kb, "engineering director")
    assert_mentions(chat.ask("what comes after engineering manager?"), *[t.to_role.name for t in q.next_steps(kb, em)])
    assert_mentions(chat.ask("and after engineering director?"), *[t.to_role.name for t in q.next_steps(kb, director)])


def test_discipline_then_what_about_civil(bot: RestChat, kb: Session) -> None:
    """'what about civil engineering?' re-answers the discipline question for civil engineers."""
    chat = bot.conversation()
    assert_mentions(chat.ask("I'm a mechanical engineer, where can I go?"),
                    *[m.target for m in q.discipline(kb, "mechanical engineering").moves])
    assert_mentions(chat.ask("what about civil engineering?"),
                    *[m.target for m in q.discipline(kb, "civil engineering").moves])


def test_salary_then_best_paying_industries(bot: RestChat, kb: Session) -> None:
    """A salary question, then which industries pay the most."""
    chat = bot.conversation()
    assert_mentions(chat.ask("how much does an engineering manager earn?"), "121,560")
    assert_mentions(chat.ask("which industries pay best?"), *[i.name for i in q.industries(kb, "high")])


def test_small_talk_conversation(bot: RestChat, kb: Session) -> None:
    """Greeting, a real question and thanks in one conversation: each turn answered in kind."""
    chat = bot.conversation()
    assert_polite(chat.ask("hello"))
    assert_mentions(chat.ask("what is CPE?"), q.certification(kb, "CPE").name)
    thanks = chat.ask("thank you!")
    assert_polite(thanks)
    assert not thanks.mentions(q.certification(kb, "CPE").name), f"thanks re-answered the question:\n{thanks.text}"
