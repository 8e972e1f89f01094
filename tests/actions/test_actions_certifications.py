"""action_show_certifications over the shipped knowledge base."""
from __future__ import annotations

import pytest

from bot.actions import ActionShowCertifications
from bot.actions import names as n
from knowledge import queries as q

FIVE = {"PMP": "Project Management Professional", "EIT": "Engineer In Training",
        "CPE": "Certified Planning Engineer", "CSM": "Certified ScrumMaster", "Lean Six Sigma": "Lean Six Sigma"}


@pytest.mark.parametrize("text", ["Which certifications help?", "Why do certifications matter?",
                                  "What is the best certification?"])
def test_general_question_lists_all_five_with_full_names_and_why(ask, kb, text):
    answer = ask(ActionShowCertifications, text, n.ASK_CERTIFICATIONS)
    for cert in q.certifications(kb):
        assert cert.abbreviation in answer.text and cert.name in answer.text
        for signal in cert.signals:
            assert signal.text in answer.text
    for abbreviation, name in FIVE.items():
        assert abbreviation in answer.text and name in answer.text
    assert "Why they matter:" in answer.text
    assert answer.slots == {n.TOPIC: n.TOPIC_CERTIFICATIONS}


@pytest.mark.parametrize("said, abbreviation", [("CSM", "CSM"), ("scrum master", "CSM"),
                                                ("six sigma", "Lean Six Sigma"), ("Engineer-in-Training", "EIT")])
def test_one_certification_by_any_name(ask, kb, said, abbreviation):
    answer = ask(ActionShowCertifications, f"What is {said}?", n.ASK_CERTIFICATIONS, [(n.CERTIFICATION, said)])
    cert = q.certification(kb, abbreviation)
    assert cert.name in answer.text
    for signal in cert.signals:
        assert signal.text in answer.text
    assert answer.slots == {n.CERTIFICATION: abbreviation, n.TOPIC: n.TOPIC_CERTIFICATIONS}


def test_pmp_names_its_stages(ask):
    answer = ask(ActionShowCertifications, "What is PMP?", n.ASK_CERTIFICATIONS, [(n.CERTIFICATION, "PMP")])
    assert answer.text.startswith("**PMP** — Project Management Professional")
    assert "It helps at the entry-level and mid-level stages." in answer.text
    assert "Can enhance credibility and may open doors to higher management positions." in answer.text


def test_certifications_for_the_manager_come_from_the_moves_into_it(ask):
    answer = ask(ActionShowCertifications, "Which certifications help an engineering manager?",
                 n.ASK_CERTIFICATIONS, [(n.ROLE, "engineering manager")])
    assert "Certifications that help with the move into **engineering manager**:\n- PMP (Project Management " \
           "Professional)" in answer.text
    assert "Degrees that help too: Master's in Engineering Management (MEM)." in answer.text
    assert "EIT" not in answer.text
    assert answer.slots == {n.ROLE: "engineering manager", n.TOPIC: n.TOPIC_CERTIFICATIONS}


def test_certifications_for_the_director_come_from_the_way_up(ask):
    answer = ask(ActionShowCertifications, "Which certifications help a director?", n.ASK_CERTIFICATIONS,
                 [(n.ROLE, "director")])
    assert "No certification is tied to the move into **engineering director** itself." in answer.text
    assert "- project engineer → engineering manager: PMP (Project Management Professional)" in answer.text


def test_certifications_for_an_entry_role_come_from_its_stage(ask):
    answer = ask(ActionShowCertifications, "certs for a staff engineer?", n.ASK_CERTIFICATIONS,
                 [(n.ROLE, "staff engineer")])
    assert "PMP (Project Management Professional) and Lean Six Sigma" in answer.text


def test_role_with_no_certification_says_so_and_lists_them(ask):
    answer = ask(ActionShowCertifications, "certs for a principal engineer?", n.ASK_CERTIFICATIONS,
                 [(n.ROLE, "principal engineer")])
    assert "The knowledge base ties no certification to **principal engineer**." in answer.text
    for abbreviation in FIVE:
        assert abbreviation in answer.text


def test_unknown_certification_is_reported_with_the_known_ones(ask):
    answer = ask(ActionShowCertifications, "What is the XYZ certification?", n.ASK_CERTIFICATIONS, [],
                 {n.ROLE: "engineering manager"})
    assert answer.text.startswith('Sorry, my knowledge base has nothing on "XYZ"')
    assert "It knows these certifications: PMP (Project Management Professional), EIT (Engineer In Training), " \
           "CPE (Certified Planning Engineer), CSM (Certified ScrumMaster) and Lean Six Sigma." in answer.text
    assert "move into **engineering manager**" not in answer.text
    assert '/ask_certifications{"certification": "PMP"}' in answer.payloads()


def test_certifications_for_it_use_the_role_in_context(ask):
    answer = ask(ActionShowCertifications, "which certifications help for it?", n.ASK_CERTIFICATIONS, [],
                 {n.ROLE: "engineering manager", n.TOPIC: n.TOPIC_DUTIES})
    assert "Certifications that help with the move into **engineering manager**" in answer.text
    assert "EIT" not in answer.text


def test_general_answer_offers_the_remembered_role(ask):
    answer = ask(ActionShowCertifications, "Which certifications help?", n.ASK_CERTIFICATIONS, [],
                 {n.ROLE: "engineering director"})
    assert answer.payloads()[0] == '/ask_certifications{"role": "engineering director"}'
