"""The report's figures on a small synthetic tracker store whose every number is known by construction."""
from __future__ import annotations

from pathlib import Path

import pytest

from bot.insights import store
from bot.insights.__main__ import collect
from bot.insights.aggregate import day_of
from bot.insights.privacy import Pseudonymizer
from bot.insights.report import latency_summary

from insights_synthetic import BASE, DAY, Conversation, write_store

KEY = b"unit-test-key"
ED = {"role": "engineering director"}


def conversations() -> list[Conversation]:
    """Five conversations over three days; the expected figures are in the tests below."""
    alice = (Conversation("alice-sender", BASE, "rest")
             .user("How do I become an engineering director?", "ask_path", entities=ED).act("action_show_path")
             .user("how do i become an engineering director exactly", "ask_path", 0.5, ED, after=20)
             .act("action_show_path")
             .user("blorp zorg", "nlu_fallback", 0.2, ranking=("ask_salary", "ask_path")).act("action_offer_topics"))
    bob = (Conversation("bob-sender", BASE + DAY, "socketio")
           .user("what's the weather", "out_of_scope").act("utter_out_of_scope")
           .user("how many reports does an EM have", "ask_role_duties", 0.9).action("action_show_role_duties")
           .bot_says("utter_not_covered").listen()
           .user("email me at bob@example.com or +44 20 7946 0958 about blorp", "nlu_fallback", 0.1,
                 ranking=("ask_mentor",)).act("action_offer_topics"))
    carol = (Conversation("carol-sender", BASE + DAY + 100, "slack")
             .user("help me plan my career", "ask_career_plan").action("career_plan_form").loop("career_plan_form")
             .slot("current_role", "project engineer").slot("years_experience", 4.0)
             .slot("target_role", None).bot_says("utter_ask_target_role").listen()
             .user("engineering director", "inform", entities=ED).action("career_plan_form")
             .slot("target_role", "engineering director").slot("discipline", "mechanical engineering")
             .loop(None).act("action_show_career_plan")
             .user("/request_mentor_intro", "request_mentor_intro", 1.0).act("action_request_mentor_intro"))
    dave = (Conversation("dave-sender", BASE + 2 * DAY, "rest")
            .user("what does an engineering manager do?", "ask_role_duties", entities={"role": "engineering manager"})
            .act("action_show_role_duties").slot("discipline", "civil engineering")
            .user("what does an engineering director do?", "ask_role_duties", entities=ED, after=10)
            .act("action_show_role_duties")
            .user("what does an engineering director do all day", "ask_role_duties", entities=ED, after=300)
            .act("action_show_role_duties")
            .user("no, I meant the salary", "ask_salary", after=5).act("action_show_salary"))
    erin = (Conversation("erin-sender", BASE + 2 * DAY + 50, "rest")
            .user("blorp zorg", "nlu_fallback", 0.3, ranking=("ask_salary",)).act("action_offer_topics")
            .user("Blorp zorg quux!", "nlu_fallback", 0.3, ranking=("ask_skills",)).act("action_offer_topics")
            .user("what is PMP", "ask_certifications", entities={"certification": "pmp"})
            .action("action_show_certifications").bot_says("utter_kb_unavailable").listen())
    return [alice, bob, carol, dave, erin]


@pytest.fixture(scope="module")
def store_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The synthetic store in a temporary SQLite file."""
    return write_store(tmp_path_factory.mktemp("insights") / "tracker.db", conversations())


@pytest.fixture(scope="module")
def insights(store_url: str):
    """The figures over every stored event, read 7 events at a time (many batches)."""
    return collect(store_url, None, BASE + 3 * DAY, batch_size=7, progress=False, key=KEY)


def test_conversations_messages_and_days(insights) -> None:
    assert (insights.conversations, insights.messages) == (5, 16)
    assert insights.per_day == [(day_of(BASE), 1, 3), (day_of(BASE + DAY), 2, 6), (day_of(BASE + 2 * DAY), 2, 7)]


def test_channel_mix(insights) -> None:
    assert insights.channels == [("rest", 3, 10), ("slack", 1, 3), ("socketio", 1, 3)]


def test_top_intents(insights) -> None:
    assert insights.intents[:2] == [("ask_role_duties", 4), ("nlu_fallback", 4)]
    assert sum(count for _, count in insights.intents) == 16


def test_outcomes_come_from_recorded_action_and_response_names(insights) -> None:
    assert dict(insights.outcomes) == {"answered": 9, "not covered": 1, "out of scope": 1, "fallback": 4,
                                       "unavailable": 1}


def test_unanswered_groups_similar_messages_most_frequent_first(insights) -> None:
    assert insights.unanswered_messages == 6
    groups = insights.unanswered
    assert [g.count for g in groups] == [3, 1, 1, 1]
    top = groups[0]
    assert top.examples == (("blorp zorg", 2), ("Blorp zorg quux!", 1))
    assert dict(top.reasons) == {"fallback": 3}
    assert top.likely_intents[0] == ("ask_salary", 2)
    reasons = {g.examples[0][0]: dict(g.reasons) for g in groups[1:]}
    assert reasons == {"how do i become an engineering director exactly": {"low confidence": 1},
                       "how many reports does an EM have": {"not covered": 1},
                       "email me at <email> or <phone> about blorp": {"fallback": 1}}


def test_rephrases_right_after_an_answer(insights) -> None:
    assert insights.rephrases == 2
    pairs = [(r.asked, r.answered_by, r.rephrased) for r in insights.rephrase_examples]
    assert pairs == [("How do I become an engineering director?", "action_show_path",
                      "how do i become an engineering director exactly"),
                     ("what does an engineering director do all day", "action_show_role_duties",
                      "no, I meant the salary")]
    assert dict(insights.rephrased_answers) == {"action_show_path": 1, "action_show_role_duties": 1}


def test_plan_funnel_counts_slots_only_once_the_plan_started(insights) -> None:
    assert insights.funnel == [("started", 1), ("current_role given", 1), ("years_experience given", 1),
                               ("target_role given", 1), ("discipline given", 1), ("plan given", 1),
                               ("intro requested", 1)]


def test_roles_certifications_degrees(insights) -> None:
    assert insights.entities == {"role": [("engineering director", 5), ("engineering manager", 1)],
                                 "certification": [("pmp", 1)], "degree": []}


def test_latency_from_message_to_first_reply(insights) -> None:
    summary = latency_summary(insights.latencies)
    assert summary["replies"] == 16
    assert 250 <= summary["p50"] <= 300 and summary["max"] < 400


def test_pseudonyms_are_keyed_and_stable(insights) -> None:
    alice = Pseudonymizer(KEY)("alice-sender")
    assert insights.rephrase_examples[0].conversation == alice
    assert Pseudonymizer(b"another key")("alice-sender") != alice
    assert alice.startswith("c-") and "alice" not in alice


def test_since_keeps_only_the_period(store_url: str) -> None:
    recent = collect(store_url, BASE + 2 * DAY, BASE + 3 * DAY, batch_size=5, progress=False, key=KEY)
    assert (recent.conversations, recent.messages) == (2, 7)
    assert [day for day, _, _ in recent.per_day] == [day_of(BASE + 2 * DAY)]


def test_reading_in_batches_reads_each_wanted_event_once(store_url: str) -> None:
    engine = store.open_store(store_url)
    try:
        whole = list(store.read_events(engine, None, batch_size=10_000))
        small = list(store.read_events(engine, None, batch_size=3))
        assert small == whole
        assert len(whole) == store.count_events(engine, None)
        assert not {row[5] for row in whole} & {"action_listen", "action_session_start"}
    finally:
        engine.dispose()


def test_a_missing_store_is_an_error_naming_the_file(tmp_path: Path) -> None:
    with pytest.raises(store.StoreError, match="no tracker store at .*nothing.db"):
        store.open_store(f"sqlite:///{tmp_path / 'nothing.db'}")
