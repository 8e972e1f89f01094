"""The outcome mapping and the export's YAML, as plain functions."""
from __future__ import annotations

import yaml

from bot.insights import export, outcomes
from bot.insights.aggregate import UnansweredGroup


def test_outcomes_from_recorded_names() -> None:
    assert outcomes.classify(("ask_salary", "action_show_salary")) == outcomes.ANSWERED
    assert outcomes.classify(("nlu_fallback", "action_offer_topics", "utter_offer_topics")) == outcomes.FALLBACK
    assert outcomes.classify(("out_of_scope", "utter_out_of_scope")) == outcomes.OUT_OF_SCOPE
    assert outcomes.classify(("ask_salary", "action_show_salary", "utter_kb_unavailable")) == outcomes.UNAVAILABLE
    # "my knowledge base doesn't cover that" plus the nearest topics as buttons is not covered, not a fallback
    assert outcomes.classify(("nlu_fallback", "action_not_covered", "utter_offer_topics")) == outcomes.NOT_COVERED
    assert outcomes.classify(("ask_salary", "action_show_salary", "utter_salary_not_covered")) == outcomes.NOT_COVERED
    assert outcomes.classify(()) == outcomes.ANSWERED
    # the intent not_covered that the career FAQ answered is answered; not answered, it is not covered
    assert outcomes.classify(("not_covered", "action_answer_faq")) == outcomes.ANSWERED
    assert outcomes.classify(("not_covered", "action_answer_faq", "utter_not_covered")) == outcomes.NOT_COVERED


def group(*texts: str) -> UnansweredGroup:
    return UnansweredGroup(len(texts), tuple((t, 1) for t in texts), texts, (("fallback", len(texts)),),
                           (("ask_salary", 2),), ("c-1",))


def test_nlu_export_is_valid_yaml_whatever_the_messages_hold() -> None:
    odd = ("- what: is #this", "salary [CTO](role)?", 'quotes "and" \'more\'', "multi\nline   text", "{json}: x")
    text = export.nlu_yaml([group(*odd), group("how much does a cto make")], "the last 30d")
    data = yaml.safe_load(text)
    assert data["version"] == "3.1"
    assert [block["intent"] for block in data["nlu"]] == ["TODO", "TODO"]
    examples = data["nlu"][0]["examples"].splitlines()
    assert examples == ["- - what: is #this", "- salary (CTO)(role)?", '- quotes "and" \'more\'',
                        "- multi line text", "- {json}: x"]
    assert "# 5 messages (fallback 5); likely intents: ask_salary (2)" in text


def test_faq_stubs() -> None:
    data = yaml.safe_load(export.faq_yaml([group("how much does a cto make", "cto pay")], "the last 30d"))
    assert data == [{"questions": ["how much does a cto make", "cto pay"], "answer": "TODO", "sources": []}]
