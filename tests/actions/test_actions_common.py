"""What every action shares: registration with the action server, the polite answer when the knowledge
base is unreachable or empty, unknown entities, stale slots, and the domain responses they utter."""
from __future__ import annotations

import logging
import re

import pytest
from rasa_sdk.executor import ActionExecutor
from sqlalchemy import create_engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import sessionmaker
from sqlalchemy.pool import StaticPool

import bot.actions as actions
from bot.actions import names as n
from bot.actions.base import KnowledgeAction
from knowledge import models as m

from tests.support.builders import DOMAIN_FILE, domain, run, tracker

ACTION_NAMES = sorted(v for k, v in vars(n).items() if k.startswith("ACTION_") and v not in n.CAREER_ACTIONS)
KB_ACTIONS = [getattr(actions, name) for name in actions.__all__
              if issubclass(getattr(actions, name), KnowledgeAction)]

# One ordinary question per knowledge-base action, as the NLU would hand it over.
QUESTIONS = {
    actions.ActionShowPath: ("How do I become an engineering manager?", n.ASK_PATH, [(n.ROLE, "engineering manager")]),
    actions.ActionShowDuration: ("How long does an MEM take?", n.ASK_DURATION, [(n.DEGREE, "MEM")]),
    actions.ActionShowNextRoles: ("What comes after director?", n.ASK_NEXT_ROLE, [(n.ROLE, "director")]),
    actions.ActionShowRoleDuties: ("What does a director do?", n.ASK_ROLE_DUTIES, [(n.ROLE, "director")]),
    actions.ActionShowReportingLine: ("Who does an EM report to?", n.ASK_REPORTS_TO, [(n.ROLE, "EM")]),
    actions.ActionCompare: ("MEM vs MBA", n.COMPARE, [(n.DEGREE, "MEM"), (n.DEGREE, "MBA")]),
    actions.ActionShowCertifications: ("What is PMP?", n.ASK_CERTIFICATIONS, [(n.CERTIFICATION, "PMP")]),
    actions.ActionShowEducation: ("What is an MEM?", n.ASK_EDUCATION, [(n.DEGREE, "MEM")]),
    actions.ActionShowSkills: ("What skills do I need?", n.ASK_SKILLS, []),
    actions.ActionShowSalary: ("What does an engineering manager earn?", n.ASK_SALARY, []),
    actions.ActionShowOutlook: ("What's the job outlook?", n.ASK_OUTLOOK, []),
    actions.ActionShowSpecializations: ("Which specializations are there?", n.ASK_SPECIALIZATIONS, []),
    actions.ActionShowIndustries: ("Which industries hire?", n.ASK_INDUSTRIES, []),
    actions.ActionShowDisciplineMoves: ("I'm a civil engineer", n.ASK_DISCIPLINE_MOVES,
                                        [(n.DISCIPLINE, "civil engineer")]),
    actions.ActionAnswerFollowup: ("and a director?", n.INFORM, [(n.ROLE, "director")]),
    actions.ActionShowLadder: ("outline the career ladder", n.ASK_LADDER, []),
    actions.ActionShowSource: ("where is that from?", n.ASK_SOURCE, []),
    actions.ActionExplainLast: ("why would I need it?", n.ASK_WHY, []),
    actions.ActionShowLabor: ("What tools does an EM use?", n.ASK_ONET_TECHNOLOGY, [(n.ROLE, "EM")]),
}
POLITE = "I can't look that up right now, please try again in a moment."


def test_every_action_in_the_contract_registers_with_the_action_server():
    executor = ActionExecutor()
    executor.register_package("bot.actions")
    assert set(ACTION_NAMES) <= set(executor.actions)
    declared = {next(iter(entry)) if isinstance(entry, dict) else entry for entry in domain()["actions"]}
    assert set(ACTION_NAMES) <= declared  # an entry is a name, or {name: {send_domain: true}}


def test_only_the_form_validation_gets_the_domain_sent():
    """endpoints.yml enables selective domain; rasa_sdk's FormValidationAction needs the domain (the form's
    required slots), every other action answers from the knowledge base and must not need it."""
    import yaml

    endpoints = yaml.safe_load((DOMAIN_FILE.parents[1] / "endpoints.yml").read_text(encoding="utf-8"))
    assert endpoints["action_endpoint"]["enable_selective_domain"] is True
    flagged = {name for entry in domain()["actions"] if isinstance(entry, dict)
               for name, options in entry.items() if options.get("send_domain")}
    assert flagged == {"validate_career_plan_form"}


def test_class_names_follow_the_action_names():
    by_name = {cls().name(): cls.__name__ for cls in (getattr(actions, c) for c in actions.__all__)}
    assert set(by_name) == set(ACTION_NAMES)
    for action_name, class_name in by_name.items():
        assert class_name == "Action" + "".join(w.capitalize() for w in action_name.split("_")[1:])


def test_every_knowledge_action_has_a_question_here():
    assert set(KB_ACTIONS) == set(QUESTIONS)


def test_domain_holds_the_responses_the_actions_utter():
    responses = domain()["responses"]
    for name in (n.UTTER_KB_UNAVAILABLE, n.UTTER_ASK_WHICH, n.UTTER_OFFER_TOPICS):
        assert name in responses
    assert POLITE in responses[n.UTTER_KB_UNAVAILABLE][0]["text"]
    text = DOMAIN_FILE.read_text(encoding="utf-8")
    block = text.index("  # --- responses used by custom actions ---")
    assert text.index(f"  {n.UTTER_KB_UNAVAILABLE}:") > block < text.index(f"  {n.UTTER_ASK_WHICH}:")


def broken_factory():
    """A session factory whose database cannot be reached."""
    raise OperationalError("SELECT 1", {}, Exception("could not connect to server"))


@pytest.mark.parametrize("cls", KB_ACTIONS, ids=lambda c: c.__name__)
def test_unreachable_knowledge_base_gives_the_polite_message(cls, caplog):
    text, intent, entities = QUESTIONS[cls]
    with caplog.at_level(logging.ERROR):
        answer = run(cls(broken_factory), tracker(text, intent, entities, {n.TOPIC: n.TOPIC_PATH}))
    assert answer.texts == [f"Sorry, {POLITE}"]
    assert answer.events == []
    assert any(r.levelno == logging.ERROR for r in caplog.records)
    assert "could not connect to server" in caplog.text


@pytest.mark.parametrize("cls", KB_ACTIONS, ids=lambda c: c.__name__)
def test_database_file_that_cannot_be_opened_gives_the_polite_message(cls, tmp_path):
    # a SQLite file in a folder that does not exist: connecting fails with OperationalError, nothing is written
    engine = create_engine(f"sqlite:///{tmp_path / 'missing' / 'kb.db'}", future=True)
    text, intent, entities = QUESTIONS[cls]
    answer = run(cls(sessionmaker(bind=engine, future=True)), tracker(text, intent, entities))
    assert answer.texts == [f"Sorry, {POLITE}"]
    assert not (tmp_path / "missing").exists()


@pytest.fixture(scope="module")
def empty_sessions():
    """A session factory over a knowledge base with the tables but no facts."""
    engine = create_engine("sqlite://", future=True, poolclass=StaticPool,
                           connect_args={"check_same_thread": False})
    m.Base.metadata.create_all(engine)
    return sessionmaker(bind=engine, future=True, expire_on_commit=False)


@pytest.mark.parametrize("cls", KB_ACTIONS, ids=lambda c: c.__name__)
def test_empty_knowledge_base_gets_an_honest_answer_not_an_error(cls, empty_sessions):
    text, intent, entities = QUESTIONS[cls]
    answer = run(cls(empty_sessions), tracker(text, intent, entities))
    assert answer.text.strip()
    assert POLITE not in answer.text
    assert "$121,560" not in answer.text  # nothing is made up


def test_empty_knowledge_base_says_it_holds_nothing(empty_sessions):
    answer = run(actions.ActionShowCertifications(empty_sessions),
                 tracker("Which certifications help?", n.ASK_CERTIFICATIONS))
    assert "The knowledge base holds no certifications at the moment." in answer.text
    answer = run(actions.ActionShowRoleDuties(empty_sessions),
                 tracker("What does a director do?", n.ASK_ROLE_DUTIES, [(n.ROLE, "director")]))
    assert 'nothing on "director"' in answer.text and "holds no roles" in answer.text


def test_actions_construct_without_arguments_and_without_touching_the_database(monkeypatch, tmp_path):
    db = tmp_path / "var" / "careerbot.db"
    monkeypatch.setenv("CAREERBOT_DB_URL", f"sqlite:///{db}")
    for name in actions.__all__:
        getattr(actions, name)()  # the action server instantiates every action like this at start-up
    assert not db.parent.exists()


def test_default_factory_reads_the_configured_database(monkeypatch, tmp_path):
    # With CAREERBOT_DB_URL pointing at an empty, unloaded SQLite file, the action answers politely.
    monkeypatch.setenv("CAREERBOT_DB_URL", f"sqlite:///{tmp_path / 'empty.db'}")
    answer = run(actions.ActionShowOutlook(), tracker("What's the job outlook?", n.ASK_OUTLOOK))
    assert answer.texts == [f"Sorry, {POLITE}"]


def test_entity_the_knowledge_base_does_not_know_is_reported_not_replaced_by_the_slot(ask):
    answer = ask(actions.ActionShowRoleDuties, "What does a space cowboy do?", n.ASK_ROLE_DUTIES,
                 [(n.ROLE, "space cowboy")], {n.ROLE: "engineering manager"})
    assert 'nothing on "space cowboy"' in answer.text
    assert "Lead, mentor, and support engineering teams" not in answer.text
    assert answer.slots == {n.TOPIC: n.TOPIC_DUTIES}


def test_stale_slot_value_is_ignored(ask):
    answer = ask(actions.ActionShowRoleDuties, "What do they do?", n.ASK_ROLE_DUTIES, [], {n.ROLE: "wizard"})
    assert answer.texts[0] == "Which role do you mean? Pick one below or just type it."
    assert answer.buttons


def test_every_button_payload_works_without_nlu(ask):
    # run() checks each payload; here many answers in a row, so every kind of button is covered.
    for cls, (text, intent, entities) in QUESTIONS.items():
        answer = ask(cls, text, intent, entities, {n.TOPIC: n.TOPIC_PATH})
        assert answer.buttons, f"{cls.__name__} offers no next question"
        for b in answer.buttons:
            assert re.match(r"^/\w+(\{.*\})?$", b["payload"])
