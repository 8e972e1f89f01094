"""action_answer_followup (bare follow-ups re-answer the last topic) and action_offer_topics."""
from __future__ import annotations

from rasa_sdk import Tracker

from bot.actions import ActionAnswerFollowup, ActionOfferTopics
from bot.actions.followup import ActionTakeSuggestion, last_reply_buttons
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


# ------------------------------------------------------------------ "that one" on the last suggestions
def after(buttons: list[dict[str, str]], text: str, *between: dict) -> Tracker:
    """The tracker of `text` (choose_suggestion) right after a reply with `buttons`, and `between` after it."""
    chat = tracker(text, n.CHOOSE_SUGGESTION)
    reply = {"event": "bot", "text": "Here.", "data": {"buttons": buttons}}
    chat.events = [{"event": "user", "text": "earlier"}, reply, *between, *chat.events]
    return chat


def test_ordinals_of_a_choice():
    from bot.actions.mentions import ordinal_in
    assert [ordinal_in(t) for t in ("the first one", "the 2nd one", "option 3", "the last one", "that one",
                                    "this one please", "go with the second", "number one", "one", "the fifth one")
            ] == [0, 1, 2, -1, None, None, 1, 0, 0, 4]


def test_the_second_one_answers_the_second_button(kb_sessions):
    offered = [{"title": "PMP", "payload": '/ask_certifications{"certification": "PMP"}'},
               {"title": "CSM", "payload": '/ask_certifications{"certification": "CSM"}'}]
    answer = run(ActionTakeSuggestion(kb_sessions), after(offered, "the second one"))
    assert "ScrumMaster" in answer.text and "Project Management Professional" not in answer.text


def test_that_one_of_a_single_suggestion_takes_it(kb_sessions):
    offered = [{"title": "MBA", "payload": '/ask_education{"degree": "MBA"}'}]
    answer = run(ActionTakeSuggestion(kb_sessions), after(offered, "yes, that one"))
    assert "MBA" in answer.text and answer.slots.get(n.DEGREE)


def test_that_one_of_several_asks_which_with_the_same_buttons(kb_sessions):
    offered = [{"title": "Salaries", "payload": "/ask_salary"}, {"title": "Job outlook", "payload": "/ask_outlook"}]
    for text in ("that one", "the fifth one"):
        answer = run(ActionTakeSuggestion(kb_sessions), after(offered, text))
        assert [m.get("response") for m in answer.messages] == [n.UTTER_WHICH_SUGGESTION]
        assert answer.payloads() == ["/ask_salary", "/ask_outlook"]


def test_nothing_suggested_says_so(kb_sessions):
    for chat in (tracker("the first one", n.CHOOSE_SUGGESTION), after([], "the first one")):
        answer = run(ActionTakeSuggestion(kb_sessions), chat)
        assert [m.get("response") for m in answer.messages] == [n.UTTER_NO_SUGGESTIONS]


def test_the_buttons_are_those_of_the_reply_just_before(kb_sessions):
    offered = [{"title": "MBA", "payload": '/ask_education{"degree": "MBA"}'}]
    greeting = [{"event": "user", "text": "hello"}, {"event": "bot", "text": "Hello!", "data": {}}]
    assert last_reply_buttons(after(offered, "x").events) == offered
    assert last_reply_buttons(after(offered, "x", *greeting).events) == []  # a greeting came between
    second = {"event": "bot", "text": "And", "data": {"buttons": [{"title": "T", "payload": "/p"}]}}
    two_parts = after(offered, "x", second)
    assert [b["title"] for b in last_reply_buttons(two_parts.events)] == ["MBA", "T"]  # every part of a compound reply
    assert last_reply_buttons([{"event": "bot", "data": {"buttons": [{"title": 1}]}}, {"event": "user"}]) == []
    answer = run(ActionTakeSuggestion(kb_sessions), after(offered, "that one", *greeting))
    assert [m.get("response") for m in answer.messages] == [n.UTTER_NO_SUGGESTIONS]
