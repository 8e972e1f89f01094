"""action_answer_followup (bare follow-ups re-answer the last topic) and action_offer_topics."""
from __future__ import annotations

from bot.actions import ActionAnswerFollowup, ActionOfferTopics, ActionShowSalary
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
    assert answer.slots == {} and [s["payload"] for s in answer.suggestions] == answer.payloads()


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
def test_ordinals_of_a_choice():
    from bot.actions.mentions import ordinal_in
    assert [ordinal_in(t) for t in ("the first one", "the 2nd one", "option 3", "the last one", "that one",
                                    "this one please", "go with the second", "number one", "one", "the fifth one")
            ] == [0, 1, 2, -1, None, None, 1, 0, 0, 4]


def test_the_second_one_answers_the_second_button(ask):
    from bot.actions.followup import ActionTakeSuggestion
    offered = [{"title": "PMP", "payload": '/ask_certifications{"certification": "PMP"}'},
               {"title": "CSM", "payload": '/ask_certifications{"certification": "CSM"}'}]
    answer = ask(ActionTakeSuggestion, "the second one", n.CHOOSE_SUGGESTION, slots={n.SUGGESTIONS: offered})
    assert "ScrumMaster" in answer.text and "Project Management Professional" not in answer.text


def test_that_one_of_a_single_suggestion_takes_it(ask):
    from bot.actions.followup import ActionTakeSuggestion
    offered = [{"title": "MBA", "payload": '/ask_education{"degree": "MBA"}'}]
    answer = ask(ActionTakeSuggestion, "yes, that one", n.CHOOSE_SUGGESTION, slots={n.SUGGESTIONS: offered})
    assert "MBA" in answer.text and answer.slots.get(n.DEGREE)


def test_that_one_of_several_asks_which_with_the_same_buttons(ask):
    from bot.actions.followup import ActionTakeSuggestion
    offered = [{"title": "Salaries", "payload": "/ask_salary"}, {"title": "Job outlook", "payload": "/ask_outlook"}]
    for text in ("that one", "the fifth one"):
        answer = ask(ActionTakeSuggestion, text, n.CHOOSE_SUGGESTION, slots={n.SUGGESTIONS: offered})
        assert [m.get("response") for m in answer.messages] == [n.UTTER_WHICH_SUGGESTION]
        assert answer.payloads() == ["/ask_salary", "/ask_outlook"]


def test_nothing_suggested_says_so(ask):
    from bot.actions.followup import ActionTakeSuggestion
    answer = ask(ActionTakeSuggestion, "the first one", n.CHOOSE_SUGGESTION)
    assert [m.get("response") for m in answer.messages] == [n.UTTER_NO_SUGGESTIONS]


def test_every_answer_remembers_its_buttons(ask):
    answer = ask(ActionShowSalary, "what do engineering managers earn?", n.ASK_SALARY,
                 [(n.ROLE, "engineering manager")])
    assert [s["payload"] for s in answer.suggestions] == answer.payloads()


def test_that_one_after_a_reply_without_buttons_has_nothing_to_pick(kb_sessions):
    from bot.actions.followup import ActionTakeSuggestion, last_reply_had_buttons
    offered = [{"title": "MBA", "payload": '/ask_education{"degree": "MBA"}'}]
    user = {"event": "user", "text": "x"}
    with_buttons = {"event": "bot", "text": "Here", "data": {"buttons": offered}}
    plain = {"event": "bot", "text": "Hello!", "data": {}}
    assert last_reply_had_buttons([user, with_buttons, user]) is True
    assert last_reply_had_buttons([user, with_buttons, user, plain, user]) is False  # a greeting came between
    assert last_reply_had_buttons([user]) is None and last_reply_had_buttons([]) is None
    chat = tracker("that one", n.CHOOSE_SUGGESTION, slots={n.SUGGESTIONS: offered})
    chat.events = [user, with_buttons, user, plain, *chat.events]
    answer = run(ActionTakeSuggestion(kb_sessions), chat)
    assert [m.get("response") for m in answer.messages] == [n.UTTER_NO_SUGGESTIONS]
    chat.events = [user, with_buttons, *chat.events[-1:]]  # the answer with the button came just before
    assert "MBA" in run(ActionTakeSuggestion(kb_sessions), chat).text
