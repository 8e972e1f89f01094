"""action_answer_faq: answers from the career FAQ with its sources and follow-up buttons, or hands over to
the fallback when no entry is confident enough."""
from __future__ import annotations

from rasa_sdk.events import FollowupAction

from bot.actions import ActionAnswerFaq
from bot.actions import names as n
from bot.actions.faq import answer_from_faq
from bot.actions.render.faq import render_faq_answer
from knowledge import faq


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


def test_an_uncovered_question_goes_to_the_fallback(ask):
    answer = ask(ActionAnswerFaq, "how do I bake sourdough bread", "nlu_fallback")
    assert answer.text == "" and FollowupAction(n.ACTION_OFFER_TOPICS) in answer.events


def test_answer_from_faq_is_callable_from_the_fallback_path(kb):
    reply = answer_from_faq(kb, "Can I do the Certified ScrumMaster course remotely?")
    assert reply is not None and "Live Online" in reply.messages[0].text
    assert answer_from_faq(kb, "what's the weather like") is None


def test_every_answer_fits_the_widget(kb):
    for entry in faq.entries(kb):
        assert len(render_faq_answer(entry).splitlines()) <= 12, entry.key
