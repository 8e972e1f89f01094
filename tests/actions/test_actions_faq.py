"""action_answer_faq: answers from the career FAQ with its sources and follow-up buttons, or hands over to
the fallback when no entry is confident enough."""
from __future__ import annotations

import re

import pytest
import yaml

from bot.actions import ActionAnswerFaq
from bot.actions import base
from bot.actions.fallback import ActionOfferTopics
from bot.actions.market import ActionShowSalary
from bot.actions.labor import ASPECT_OF_INTENT, ActionShowLabor
from bot.actions.paths import ActionShowDuration, ActionShowNextRoles
from bot.actions import names as n
from bot.actions.faq import answer_from_faq
from bot.actions.render.faq import render_faq_answer
from knowledge import faq
from knowledge.db import REPO_ROOT
from tests.support.builders import run, tracker

NLU_FILE = REPO_ROOT / "bot" / "data" / "nlu.yml"


def test_a_question_the_faq_covers_is_answered_with_its_sources(ask):
    answer = ask(ActionAnswerFaq, "How many questions does the CSM test have?", "nlu_fallback")
    assert "50 multiple-choice questions" in answer.text and "37 correct" in answer.text
    assert "- Becoming a Certified ScrumMaster® (Scrum Alliance, undated): https://www.scrumalliance.org/" \
        in answer.text
    payloads = answer.payloads()
    assert f'/{n.ASK_FAQ}{{"{n.FAQ_ENTRY}": "csm_certification"}}' in payloads
    assert len(answer.text.splitlines()) <= 12


def test_a_follow_up_button_names_its_entry(ask):
    answer = ask(ActionAnswerFaq, '/ask_faq{"faq_entry": "pmp_renewal"}', n.ASK_FAQ, [(n.FAQ_ENTRY, "pmp_renewal")])
    assert "60 PDUs" in answer.text and "Project Management Academy" in answer.text


def test_an_uncovered_question_gets_the_fallback_answer_in_the_same_turn(ask):
    """No FollowupAction: the policies have no rule for the step after one (Rasa's "could you rephrase?")."""
    answer = ask(ActionAnswerFaq, "how do I bake sourdough bread", "nlu_fallback")
    assert [m.get("response") for m in answer.messages] == [n.UTTER_OFFER_TOPICS]
    assert [e for e in answer.events if e.get("event") == "followup"] == []


def test_a_career_question_the_faq_lacks_is_not_covered_in_the_same_turn(ask):
    answer = ask(ActionAnswerFaq, "how do I handle office politics as a director", n.NOT_COVERED)
    assert [m.get("response") for m in answer.messages] == [n.UTTER_NOT_COVERED]


def test_answer_from_faq_is_callable_from_the_fallback_path(kb):
    reply = answer_from_faq(kb, "Can I do the Certified ScrumMaster course remotely?")
    assert reply is not None and "Live Online" in reply.messages[0].text
    assert answer_from_faq(kb, "what's the weather like") is None


def test_every_answer_fits_the_widget(kb):
    for entry in faq.entries(kb):
        assert len(render_faq_answer(entry).splitlines()) <= 12, entry.key


# ------------------------------------------------------------------ the FAQ before asking back
def test_a_question_that_would_be_asked_back_is_answered_from_the_faq(ask):
    """No role named, so the next-steps action would ask "which role?": the FAQ answers the question itself."""
    answer = ask(ActionShowNextRoles, "can I go back to engineering after managing?", n.ASK_NEXT_ROLE)
    assert "Charity Majors" in answer.text and "Sources:" in answer.text
    assert not [m for m in answer.messages if m.get("response") == n.UTTER_ASK_WHICH]


@pytest.mark.parametrize("text", ["How long does it take?", "how long would that take?"])
def test_a_short_question_leaning_on_the_conversation_is_still_asked_back(ask, text):
    """Too few words to say what they are about (the FAQ has an entry on how long an MBA takes)."""
    answer = ask(ActionShowDuration, text, n.ASK_DURATION)
    assert [m.get("response") for m in answer.messages] == [n.UTTER_ASK_WHICH]


def test_a_short_question_matches_no_entry_on_the_fallback_routes(kb):
    assert faq.match(kb, "how much does it pay?", own_words=faq.MIN_OWN_WORDS) is None


def test_the_fallback_answers_from_the_faq_on_the_questions_own_words(kb_sessions):
    """A fallback the guard judged not covered, about the CSM course: the FAQ's answer, not "not covered"."""
    t = tracker("can I take the CSM online?", n.NLU_FALLBACK, [(n.CERTIFICATION, "CSM")])
    t.latest_message["topic_guard"] = {"from": n.NLU_FALLBACK, "outcome": n.NOT_COVERED}
    answer = run(ActionOfferTopics(kb_sessions), t)
    assert "Certified Scrum Trainer" in answer.text and "Sources:" in answer.text


@pytest.mark.parametrize("text", ["path to VPE", "i am currently an EM and want to reach VP of engineering"])
def test_the_fallback_does_not_answer_a_question_sharing_only_names_with_an_entry(kb_sessions, text):
    """These share the names "VP of engineering" and "engineering manager" with the entry on how many managers
    a director has, and nothing else: the fallback says it is not covered."""
    t = tracker(text, n.NLU_FALLBACK)
    t.latest_message["topic_guard"] = {"from": n.NLU_FALLBACK, "outcome": n.NOT_COVERED}
    assert [m.get("response") for m in run(ActionOfferTopics(kb_sessions), t).messages] == [n.UTTER_NOT_COVERED]


def test_the_faq_rarely_takes_the_place_of_a_topic_answer_on_the_training_examples(kb):
    """knowledge.faq.STRONG on the training examples of every intent a topic action answers: the FAQ takes the
    topic's place on under 1 % of them (8 of 987 when STRONG was chosen)."""
    intents = {cls.intent for cls in base.TOPICS.values()} | set(ASPECT_OF_INTENT)
    examples = [re.sub(r"\[([^]]*)\]\([^)]*\)", r"\1", line.strip()[2:])
                for block in yaml.safe_load(NLU_FILE.read_text(encoding="utf-8"))["nlu"]
                if block.get("intent") in intents for line in block["examples"].splitlines() if line.strip()]
    fired = {text: found.entry.key for text in examples if (found := faq.match(kb, text, **faq.STRONG))}
    print(f"the FAQ answers {len(fired)} of {len(examples)} topic examples:", fired)
    assert len(examples) > 500 and len(fired) / len(examples) < 0.01, fired


@pytest.mark.parametrize("action, text, intent, entities, expected", [
    (ActionShowNextRoles, "can I go back to being an engineer after being a manager?", n.ASK_NEXT_ROLE,
     [(n.ROLE, "manager")], "pendulum"),
    (ActionShowLabor, "how many people does an EM manage?", n.ASK_BLS, [(n.ROLE, "EM")], "6–8 engineers per manager"),
])
def test_a_strong_faq_match_takes_the_place_of_a_topic_answer(ask, action, text, intent, entities, expected):
    answer = ask(action, text, intent, entities)
    assert expected in answer.text and "Sources:" in answer.text, answer.text


def test_a_topic_question_keeps_its_topic_answer(ask):
    answer = ask(ActionShowNextRoles, "what comes after engineering manager?", n.ASK_NEXT_ROLE,
                 [(n.ROLE, "engineering manager")])
    assert "Sources:" not in answer.text and "engineering director" in answer.text


def test_a_certification_cost_routed_to_salaries_gets_the_faq_or_not_covered(ask):
    """Classified as a salary question, a certification's cost is answered by the FAQ where it has an entry
    and is otherwise not covered (no salary figures)."""
    fee = ask(ActionShowSalary, "how much would PMI charge me for the PMP exam", n.ASK_SALARY,
              [(n.CERTIFICATION, "PMP")])
    assert "US$405" in fee.text and "Sources:" in fee.text
    unknown = ask(ActionShowSalary, "how much does the CPE cost?", n.ASK_SALARY, [(n.CERTIFICATION, "CPE")])
    assert [m.get("response") for m in unknown.messages] == [n.UTTER_NOT_COVERED]
