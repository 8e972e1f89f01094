"""action_show_labor and its pure rendering: O*NET and BLS facts per role, each with source and year."""
from __future__ import annotations

import datetime as dt

import pytest

from bot.actions import ActionShowLabor
from bot.actions import names as n
from bot.actions.render import labor as r
from knowledge import labor as lab
from knowledge import models as m
from knowledge import queries as q

ONET = "O*NET 29.3 (2025)"


@pytest.mark.parametrize("intent, aspect", [(n.ASK_ONET_TASKS, r.TASKS), (n.ASK_ONET_SKILLS, r.SKILLS),
                                            (n.ASK_ONET_TECHNOLOGY, r.TECHNOLOGY),
                                            (n.ASK_ONET_BACKGROUND, r.BACKGROUND),
                                            (n.ASK_RELATED_JOBS, r.RELATED), (n.ASK_BLS, r.BLS)])
def test_each_aspect_names_its_source_and_stays_short(ask, intent, aspect):
    answer = ask(ActionShowLabor, "about engineering managers", intent, [(n.ROLE, "engineering manager")])
    assert "Architectural and Engineering Managers" in answer.text
    assert ONET in answer.text or "BLS Occupational Outlook Handbook" in answer.text
    assert len([ln for ln in answer.text.splitlines() if ln.strip()]) <= 12
    assert answer.slots == {n.ROLE: "engineering manager", n.LABOR_ASPECT: aspect, n.TOPIC: n.TOPIC_LABOR}
    assert all(f"/{intent}{{" not in p for p in answer.payloads())  # the buttons offer the other aspects


def test_follow_up_reuses_the_remembered_aspect(ask):
    answer = ask(ActionShowLabor, "and a construction manager?", n.INFORM, [(n.ROLE, "construction manager")],
                 {n.LABOR_ASPECT: r.RELATED, n.TOPIC: n.TOPIC_LABOR})
    assert "occupations most related to construction manager" in answer.text


def test_unmapped_role_is_said_plainly_with_mapped_neighbours(ask, kb):
    answer = ask(ActionShowLabor, "tasks of a VP of engineering", n.ASK_ONET_TASKS, [(n.ROLE, "VP of engineering")])
    assert answer.text.startswith("I have no O*NET or BLS data for a VP of engineering.")
    reason = lab.role_onet(kb, q.role(kb, "VP of engineering")).unmapped_reason
    assert reason in answer.text
    assert answer.payloads() and all(p.startswith("/ask_onet_tasks{") for p in answer.payloads())


def test_no_role_asks_which(ask):
    answer = ask(ActionShowLabor, "what are the typical tasks?", n.ASK_ONET_TASKS)
    assert answer.payloads() and all(p.startswith("/ask_onet_tasks{") for p in answer.payloads())


def _figure(year, source_type, today_year=2026):
    f = m.BlsFigure(measure="median_annual_pay", value="100000", amount=100000, year=year, when=f"May {year}",
                    url="https://www.bls.gov/ooh/x.htm", source_type=source_type)
    return lab.Figure(f, today_year - year > lab.STALE_AFTER_YEARS, source_type == "secondary")


def test_figure_text_says_year_source_and_caveats():
    fresh = r.figure_text("median_annual_pay", _figure(2023, "primary"))
    assert fresh == ("Median pay: $100,000 per year (May 2023) — BLS Occupational Outlook Handbook "
                     "https://www.bls.gov/ooh/x.htm")
    old = r.figure_text("median_annual_pay", _figure(2010, "primary_archive"))
    assert "(archived edition)" in old and "older than 5 years" in old
    second = r.figure_text("median_annual_pay", _figure(2024, "secondary"))
    assert "a secondary site quoting BLS" in second and "from a secondary source, not BLS itself" in second
    assert "older than" not in second


def test_bls_figures_flag_stale_and_secondary(kb):
    occ = lab.occupation(kb, "Chief Executives")
    figures = lab.bls_figures(lab.bls_profile(kb, occ), "median_annual_pay", dt.date(2026, 1, 1))
    assert [f.stale for f in figures] == [True, False] and [f.secondary for f in figures] == [False, True]


def test_background_without_survey_data_says_so(ask, kb):
    occ = lab.role_onet(kb, q.role(kb, "project manager")).primary
    assert not lab.education_shares(occ, "RL") and not lab.education_shares(occ, "RW")
    answer = ask(ActionShowLabor, "education of project managers", n.ASK_ONET_BACKGROUND,
                 [(n.ROLE, "project manager")])
    assert "O*NET has no survey data for this occupation" in answer.text
    assert f"Job zone {occ.job_zone}" in answer.text
