"""action_answer_followup (bare follow-ups re-answer the last topic) and action_offer_topics."""
from __future__ import annotations

from bot.actions import ActionAnswerFollowup, ActionOfferTopics
from bot.actions import names as n

from tests.support.builders import run, tracker


def test_followup_reanswers_the_path_topic_with_the_new_role(ask):
    answer = ask(ActionAnswerFollowup, "and a director?", n.INFORM, [(n.ROLE, "director")],
                 {n.TOPIC: n.TOPIC_PATH, n.ROLE: "engineering manager"})
    assert "project engineer → engineering manager → engineering director" in answer.text
    assert answer.slots == {n.ROLE: "engineering director", n.TOPIC: n.TOPIC_PATH}


def test_followup_on_duties(ask):
    answer = ask(ActionAnswerFollowup, "and an engineering manager?", n.INFORM, [(n.ROLE, "engineering manager")],
                 {n.TOPIC: n.TOPIC_DUTIES, n.ROLE: "engineering director"})
    assert "Lead, mentor, and support engineering teams" in answer.text


def test_followup_with_a_certification_on_the_certifications_topic(ask):
    answer = ask(ActionAnswerFollowup, "what about CSM?", n.INFORM, [(n.CERTIFICATION, "CSM")],
                 {n.TOPIC: n.TOPIC_CERTIFICATIONS})
    assert answer.text.startswith("**CSM** — Certified ScrumMaster")


def test_followup_with_a_kind_the_topic_cannot_take_gets_its_usual_answer(ask):
    answer = ask(ActionAnswerFollowup, "what about CSM?", n.INFORM, [(n.CERTIFICATION, "CSM")],
                 {n.TOPIC: n.TOPIC_DUTIES, n.ROLE: "engineering manager"})
    assert answer.text.startswith("**CSM** — Certified ScrumMaster")
    assert answer.slots == {n.CERTIFICATION: "CSM", n.TOPIC: n.TOPIC_CERTIFICATIONS}


def test_followup_compares_with_the_remembered_role(ask):
    answer = ask(ActionAnswerFollowup, "and a VP?", n.INFORM, [(n.ROLE, "VP")],
                 {n.TOPIC: n.TOPIC_COMPARE, n.ROLE: "engineering director"})
    assert answer.text.startswith("**Engineering director vs VP of engineering**")


def test_followup_duration_with_a_degree(ask):
    answer = ask(ActionAnswerFollowup, "and an MEM?", n.INFORM, [(n.DEGREE, "MEM")],
                 {n.TOPIC: n.TOPIC_DURATION, n.ROLE: "engineering director"})
    assert "1–2 years to complete, depending on the program" in answer.text


def test_followup_salary_for_another_role(ask):
    answer = ask(ActionAnswerFollowup, "and for a CTO?", n.INFORM, [(n.ROLE, "CTO")], {n.TOPIC: n.TOPIC_SALARY})
    assert "not for a chief technology officer" in answer.text and "$121,560" in answer.text


def test_followup_without_a_topic_answers_about_the_thing(ask):
    answer = ask(ActionAnswerFollowup, "engineering director", n.INFORM, [(n.ROLE, "engineering director")])
    assert "Resource allocation" in answer.text
    assert answer.slots[n.TOPIC] == n.TOPIC_DUTIES


def test_followup_about_an_unknown_thing(ask):
    answer = ask(ActionAnswerFollowup, "and an astronaut?", n.INFORM, [],
                 {n.TOPIC: n.TOPIC_PATH, n.ROLE: "engineering manager"})
    assert 'nothing on "astronaut"' in answer.text and "→" not in answer.text
    assert '/ask_path{"role": "engineering manager"}' in answer.payloads()
    cert = ask(ActionAnswerFollowup, "and the XYZ certification?", n.INFORM, [], {n.TOPIC: n.TOPIC_CERTIFICATIONS})
    assert 'nothing on "XYZ"' in cert.text and "It knows these certifications" in cert.text


def test_followup_naming_nothing_asks_and_keeps_the_topic(ask):
    answer = ask(ActionAnswerFollowup, "ok and?", n.INFORM, [], {n.TOPIC: n.TOPIC_PATH})
    assert answer.texts == ["Which role, certification or degree do you mean? Pick one below or just type it."]
    assert '/ask_path{"role": "engineering director"}' in answer.payloads()
    assert answer.slots == {n.TOPIC: n.TOPIC_PATH}


# ------------------------------------------------------------------ offer topics
def test_offer_topics_from_the_intent_ranking():
    ranking = [{"name": n.NLU_FALLBACK, "confidence": 0.5}, {"name": n.ASK_SALARY, "confidence": 0.3},
               {"name": n.OUT_OF_SCOPE, "confidence": 0.1}, {"name": n.GREET, "confidence": 0.05},
               {"name": n.ASK_PATH, "confidence": 0.03}, {"name": n.ASK_OUTLOOK, "confidence": 0.04},
               {"name": n.ASK_SKILLS, "confidence": 0.01}]
    answer = run(ActionOfferTopics(), tracker("blah pay thing", n.NLU_FALLBACK, intent_ranking=ranking))
    assert answer.texts == ["I'm not sure I understood. Did you mean one of these?"]
    assert answer.payloads() == ["/ask_salary", "/ask_outlook", "/ask_path"]
    assert answer.events == []


def test_offer_topics_carries_the_entities_and_has_defaults():
    ranking = [{"name": n.ASK_ROLE_DUTIES, "confidence": 0.4}]
    answer = run(ActionOfferTopics(), tracker("director ???", n.NLU_FALLBACK, [(n.ROLE, "director")], None, ranking))
    assert answer.payloads() == ['/ask_role_duties{"role": "director"}']
    empty = run(ActionOfferTopics(), tracker("zzz", n.NLU_FALLBACK))
    assert empty.payloads() == ["/ask_path", "/ask_certifications", "/ask_salary"]


def test_offer_topics_survives_a_malformed_ranking():
    answer = run(ActionOfferTopics(), tracker("zzz", n.NLU_FALLBACK, intent_ranking=[None, {"name": 3}]))
    assert answer.texts == ["I'm not sure I understood. Did you mean one of these?"]
    assert len(answer.buttons) == 3
