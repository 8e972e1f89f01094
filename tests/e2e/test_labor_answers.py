"""End-to-end: the labor-market answers (O*NET and BLS facts about a role's occupation) over REST on the shared
running servers. Every expected figure is read from the knowledge base through knowledge/labor.py, the same
queries the action uses, so the tests check that the running bot shows what the data says, with its source."""
from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from knowledge import labor as lab
from knowledge import queries as q
from support.chat import RestChat, assert_mentions, assert_polite

pytestmark = pytest.mark.e2e

ONET = "O*NET 29.3 (2025)"
MAX_LINES = 14  # "about 12 lines" before the buttons: text lines of the answer itself


@pytest.fixture(scope="module")
def kb(knowledge_db_url: str) -> Iterator[Session]:
    """A session on the knowledge database the running action server reads."""
    engine = create_engine(knowledge_db_url, future=True)
    with Session(engine, future=True) as session:
        yield session
    engine.dispose()


def occupation_of(kb: Session, role: str):
    return lab.role_onet(kb, q.role(kb, role)).primary


def answer_lines(reply) -> int:
    return sum(len([ln for ln in (m.get("text") or "").splitlines() if ln.strip()]) for m in reply.messages)


def test_typical_tasks_by_importance(bot: RestChat, kb: Session):
    occ = occupation_of(kb, "construction manager")
    tasks, rated = lab.top_tasks(occ)
    reply = bot.conversation().ask("what are the typical tasks of a construction manager?")
    assert_polite(reply)
    assert_mentions(reply, ONET, occ.title, occ.code, tasks[0].text, tasks[-1].text, lab.ONET_URL)
    if rated and tasks[0].importance_source:
        assert_mentions(reply, "secondary source")
    assert answer_lines(reply) <= MAX_LINES
    assert any('"role": "construction manager"' in b["payload"] for b in reply.buttons)


def test_skills_knowledge_and_work_styles(bot: RestChat, kb: Session):
    occ = occupation_of(kb, "construction manager")
    reply = bot.conversation().ask("which knowledge areas and work styles matter most for a construction manager")
    assert_polite(reply)
    top = [rows[0] for rows in (lab.top_descriptors(occ, d, 1) for d in ("skill", "knowledge", "work_style"))
           if rows]
    assert len(top) == 3
    assert_mentions(reply, ONET, occ.title, *(d.name for d in top), f"{top[0].importance:.2f}")


def test_an_occupation_without_ratings_says_so(bot: RestChat, kb: Session):
    occ = occupation_of(kb, "project manager")
    assert not any(lab.top_descriptors(occ, d) for d in ("skill", "knowledge", "work_style"))
    reply = bot.conversation().ask("what skills matter most for a project manager according to O*NET")
    assert_mentions(reply, f"{ONET} rates no skills", occ.title)


def test_hot_technologies(bot: RestChat, kb: Session):
    occ = occupation_of(kb, "engineering manager")
    techs = lab.hot_technologies(occ, 6)
    reply = bot.conversation().ask("which tools do engineering managers use?")
    assert_polite(reply)
    assert_mentions(reply, ONET, occ.title, *(t.example for t in techs))


def test_education_experience_and_job_zone(bot: RestChat, kb: Session):
    occ = occupation_of(kb, "chief technology officer")
    edu, exp = lab.education_shares(occ, "RL"), lab.education_shares(occ, "RW")
    zone = lab.job_zone(kb, occ.job_zone)
    reply = bot.conversation().ask("what education and experience do most CTOs have?")
    assert_polite(reply)
    assert_mentions(reply, ONET, occ.title, f"{edu[0].label} {edu[0].percent:.0f}%",
                    f"{exp[0].label} {exp[0].percent:.0f}%", f"Job zone {zone.zone}", zone.name)


def test_related_occupations(bot: RestChat, kb: Session):
    occ = occupation_of(kb, "operations manager")
    related = lab.related_occupations(occ)
    reply = bot.conversation().ask("what jobs are similar to operations manager?")
    assert_polite(reply)
    assert_mentions(reply, ONET, *(r.related_title for r in related))


def test_bls_figures_with_year_source_and_caveats(bot: RestChat, kb: Session):
    occ = occupation_of(kb, "chief technology officer")
    profile = lab.bls_profile(kb, occ)
    pay = lab.bls_figures(profile, "median_annual_pay")
    jobs = lab.bls_figures(profile, "number_of_jobs")
    reply = bot.conversation().ask("how many CTO jobs are there and what is the BLS median pay")
    assert_polite(reply)
    assert_mentions(reply, f"${pay[0].figure.amount:,}", pay[0].figure.when, pay[0].figure.url,
                    f"{jobs[0].figure.amount:,}")
    # the stored BLS edition for chief executives is from 2010, and the newer figure is from a secondary site
    assert any(f.stale for f in pay) and any(f.secondary for f in pay)
    assert_mentions(reply, f"older than {lab.STALE_AFTER_YEARS} years", "secondary source")


def test_bls_follow_up_keeps_the_aspect(bot: RestChat, kb: Session):
    chat = bot.conversation()
    chat.ask("BLS median pay for engineering managers")
    occ = occupation_of(kb, "construction manager")
    pay = lab.bls_figures(lab.bls_profile(kb, occ), "median_annual_pay")
    reply = chat.ask("and for a construction manager?")
    assert_mentions(reply, occ.title, f"${pay[0].figure.amount:,}", "BLS Occupational Outlook Handbook")


def test_unmapped_role_says_so_and_offers_mapped_neighbours(bot: RestChat, kb: Session):
    role = q.role(kb, "VP of engineering")
    mapping = lab.role_onet(kb, role)
    assert mapping.primary is None
    reply = bot.conversation().ask("what tools does a VP of engineering use?")
    assert_polite(reply)
    assert_mentions(reply, "no O*NET or BLS data for a VP of engineering")
    assert reply.buttons
    for b in reply.buttons:  # every offered role does map
        name = b["payload"].split('"role": "')[1].split('"')[0]
        assert lab.role_onet(kb, q.role(kb, name)).primary is not None
