"""action_show_role_duties and action_show_reporting_line over the shipped knowledge base."""
from __future__ import annotations

import pytest

from bot.actions import ActionShowReportingLine, ActionShowRoleDuties
from bot.actions import names as n
from knowledge import queries as q


def test_director_duties_show_all_five_responsibilities(ask, kb):
    answer = ask(ActionShowRoleDuties, "What does an engineering director do?", n.ASK_ROLE_DUTIES,
                 [(n.ROLE, "engineering director")])
    director = q.role(kb, "engineering director")
    assert len(director.responsibilities) == 5
    for duty in director.responsibilities:
        assert f"- **{duty.title}**: {duty.description}" in answer.text
    for title in ("Resource allocation", "Strategic planning", "Risk management",
                  "High-level stakeholder communication", "Assist in organizational decision-making"):
        assert title in answer.text
    assert director.summary in answer.text
    assert answer.slots == {n.ROLE: "engineering director", n.TOPIC: n.TOPIC_DUTIES}
    assert '/compare{"role": ["engineering director", "engineering manager"]}' in answer.payloads()
    assert '/ask_reports_to{"role": "engineering director"}' in answer.payloads()


@pytest.mark.parametrize("said", ["EM", "eng manager", "engineering managers", "Manager of Engineering"])
def test_manager_duties_by_any_alias(ask, kb, said):
    answer = ask(ActionShowRoleDuties, f"what does a {said} do", n.ASK_ROLE_DUTIES, [(n.ROLE, said)])
    for duty in q.role(kb, "engineering manager").responsibilities:
        assert duty.description in answer.text
    assert "Lead, mentor, and support engineering teams" in answer.text


def test_role_without_duties_gives_the_summary_and_says_so(ask, kb):
    answer = ask(ActionShowRoleDuties, "What does a staff engineer do?", n.ASK_ROLE_DUTIES,
                 [(n.ROLE, "staff engineer")])
    assert q.role(kb, "staff engineer").summary in answer.text
    assert "The knowledge base holds no more detail on what a staff engineer does." in answer.text


def test_duties_of_the_remembered_role(ask):
    answer = ask(ActionShowRoleDuties, "what do they do?", n.ASK_ROLE_DUTIES, [], {n.ROLE: "engineering manager"})
    assert "Manage project and departmental budgets" in answer.text


def test_unknown_role_is_not_answered_from_the_slot(ask):
    answer = ask(ActionShowRoleDuties, "What does an astronaut do?", n.ASK_ROLE_DUTIES, [],
                 {n.ROLE: "engineering manager"})
    assert 'nothing on "astronaut"' in answer.text
    assert "Manage project and departmental budgets" not in answer.text


def test_misspelt_role_gets_did_you_mean(ask):
    answer = ask(ActionShowRoleDuties, "What does a drector do?", n.ASK_ROLE_DUTIES)
    assert "Did you mean engineering director" in answer.text
    assert answer.payloads()[0] == '/ask_role_duties{"role": "engineering director"}'


def test_tell_me_about_a_certification_is_answered_about_it(ask):
    answer = ask(ActionShowRoleDuties, "tell me about PMP", n.ASK_ROLE_DUTIES, [(n.CERTIFICATION, "PMP")])
    assert "**PMP** — Project Management Professional" in answer.text
    assert answer.slots[n.TOPIC] == n.TOPIC_CERTIFICATIONS


def test_manager_reports_to_director_or_vp(ask):
    answer = ask(ActionShowReportingLine, "Who does an engineering manager report to?", n.ASK_REPORTS_TO,
                 [(n.ROLE, "engineering manager")])
    assert answer.texts == ["An engineering manager reports to an engineering director or a VP of engineering."]
    assert answer.slots == {n.ROLE: "engineering manager", n.TOPIC: n.TOPIC_REPORTS_TO}


def test_director_reporting_line_both_ways(ask):
    answer = ask(ActionShowReportingLine, "Who does a director report to?", n.ASK_REPORTS_TO, [(n.ROLE, "director")])
    assert "An engineering director reports to a VP of engineering, a chief technology officer or a chief " \
           "executive officer." in answer.text
    assert "Reporting to an engineering director: an engineering manager." in answer.text


def test_unknown_reporting_line_is_said_honestly(ask):
    answer = ask(ActionShowReportingLine, "Who does a staff engineer report to?", n.ASK_REPORTS_TO,
                 [(n.ROLE, "staff engineer")])
    assert answer.texts == ["The knowledge base doesn't say whom a staff engineer reports to."]


def test_reporting_line_without_a_role_asks(ask):
    answer = ask(ActionShowReportingLine, "who's the boss?", n.ASK_REPORTS_TO)
    assert answer.texts == ["Which role do you mean? Pick one below or just type it."]
    assert "Who does an engineering manager report to?" in [b["title"] for b in answer.buttons]
