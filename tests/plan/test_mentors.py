"""The mentor directory: its validation by the loader, the matching, and the suggest / intro actions on Slack
and elsewhere."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import sessionmaker
from sqlalchemy.pool import StaticPool

from bot.actions import names as n
from bot.actions.mentors import ActionRequestMentorIntro, ActionSuggestMentors, Wanted, match_mentors
from knowledge import queries as q
from knowledge.loader import DATA_DIR, KnowledgeError, load, read_files
from tests.support.builders import run, tracker

MENTORS = DATA_DIR / "mentors.yml"


@pytest.fixture()
def data(tmp_path: Path) -> Path:
    return Path(shutil.copytree(DATA_DIR, tmp_path / "data"))


def problems(data: Path) -> list:
    with pytest.raises(KnowledgeError) as err:
        read_files(data)
    return err.value.problems


def write_mentors(data: Path, body: str) -> None:
    (data / "mentors.yml").write_text("mentors:\n" + body, encoding="utf-8")


def sessions_over(data: Path) -> sessionmaker:
    engine = create_engine("sqlite://", future=True, poolclass=StaticPool, connect_args={"check_same_thread": False})
    load(engine, data)
    return sessionmaker(bind=engine, future=True, expire_on_commit=False)


# ------------------------------------------------------------------ the data file
def test_the_shipped_directory_says_it_is_example_data():
    head = MENTORS.read_text(encoding="utf-8").splitlines()[0]
    assert head.startswith("# EXAMPLE DATA") and "not real people" in MENTORS.read_text(encoding="utf-8")


def test_the_shipped_mentors_load_with_kb_roles_and_areas(kb):
    everyone = q.mentors(kb, include_unavailable=True)
    assert len(everyone) >= 3
    for mentor in everyone:
        assert q.role(kb, mentor.role.name) is not None
        assert mentor.slack_user_id.startswith("U")
        for area in mentor.areas:
            assert q.resolve(kb, area.canonical, area.kind) is not None


def test_a_bad_mentor_entry_is_reported_by_file_entry_and_field(data):
    write_mentors(data, "  - name: Pat Example\n    role: astronaut\n    areas: [PMP, knitting]\n"
                        "    slack_user_id: pat\n    availability: sometimes\n")
    found = {(x.file, x.entry, x.field) for x in problems(data)}
    assert ("mentors.yml", "entry 1 ('Pat Example')", "availability") in found
    write_mentors(data, "  - name: Pat Example\n    role: astronaut\n    areas: [PMP, knitting]\n"
                        "    slack_user_id: pat\n    availability: open\n")
    by_field = {x.field: x.message for x in problems(data)}
    assert by_field["role"].startswith("refers to unknown role 'astronaut'")
    assert by_field["areas[2]"].startswith("'knitting' is not a name or alias in the knowledge base")
    assert by_field["slack_user_id"].startswith("must be a Slack member ID")
    assert "areas[1]" not in by_field


def test_duplicate_slack_ids_and_names(data):
    write_mentors(data, "  - {name: A B, role: director, slack_user_id: U1, availability: open}\n"
                        "  - {name: C D, role: director, slack_user_id: U1, availability: open}\n"
                        "  - {name: A B, role: director, slack_user_id: U2, availability: open}\n")
    found = {(x.entry, x.field, x.message) for x in problems(data)}
    assert found == {("entry 2 ('C D')", "slack_user_id", "duplicate Slack member ID 'U1'"),
                     ("entry 3 ('A B')", "name", "duplicate name 'A B'")}


def test_a_missing_slack_id(data):
    write_mentors(data, "  - {name: E F, role: director, availability: open}\n")
    found = {(x.entry, x.field, x.message) for x in problems(data)}
    assert found == {("entry 1 ('E F')", "slack_user_id", "is required but missing")}


def test_no_mentor_file_means_an_empty_directory(data):
    (data / "mentors.yml").unlink()
    with sessions_over(data)() as s:
        assert q.mentors(s, include_unavailable=True) == []
        assert q.role(s, "director") is not None


# ------------------------------------------------------------------ matching
def test_mentors_in_the_role_come_first_then_topics_open_before_limited(kb):
    director = q.role(kb, "director")
    matches = match_mentors(q.mentors(kb), Wanted((director,)))
    names = [(mentor.name, why) for mentor, why in matches]
    assert names == [("Alex Example", "works as an engineering director today"),
                     ("Jordan Demo", "works as an engineering director today"),
                     ("Robin Placeholder", "talks about engineering director")]


def test_unavailable_mentors_never_match(kb):
    cto = q.role(kb, "cto")
    assert match_mentors(q.mentors(kb, include_unavailable=True), Wanted((cto,))) == []


def test_roles_on_the_way_are_a_weaker_match(kb):
    matches = match_mentors(q.mentors(kb), Wanted((q.role(kb, "senior engineering director"),), (),
                                                  (q.role(kb, "engineering manager"),)))
    assert [(x.name, why) for x, why in matches] == [
        ("Sam Sample", "has made the move into engineering manager, a step on your way")]


# ------------------------------------------------------------------ actions
def test_connect_me_with_a_director_on_slack_mentions_them(ask):
    answer = ask(ActionSuggestMentors, "connect me with a director", n.ASK_MENTOR, [(n.ROLE, "director")],
                 channel="slack")
    assert answer.text.startswith("Mentors for an engineering director:\n- <@U0EXAMPLE1> — an engineering director;")
    assert "<@U0EXAMPLE4>" in answer.text and "<@U0EXAMPLE3>" in answer.text
    assert "Casey" not in answer.text and "U0EXAMPLE5" not in answer.text
    assert [b["payload"] for b in answer.buttons] == [
        '/request_mentor_intro{"mentor": "U0EXAMPLE1"}', '/request_mentor_intro{"mentor": "U0EXAMPLE4"}',
        '/request_mentor_intro{"mentor": "U0EXAMPLE3"}']


def test_elsewhere_mentors_are_named_and_the_way_to_reach_them_is_said(ask):
    answer = ask(ActionSuggestMentors, "connect me with a director", n.ASK_MENTOR, [(n.ROLE, "director")])
    assert "<@" not in answer.text
    assert "- **Alex Example** — an engineering director; works as an engineering director today." in answer.text
    assert "They're on Slack: press a button for their member ID and an intro message to send them." in answer.text


def test_the_target_role_in_the_profile_picks_the_mentors(ask):
    answer = ask(ActionSuggestMentors, "can I talk to a mentor?", n.ASK_MENTOR,
                 slots={n.CURRENT_ROLE: "project engineer", n.TARGET_ROLE: "VP of engineering"})
    assert answer.text.startswith("Mentors for your goal, VP of engineering:\n- **Robin Placeholder** — a VP of "
                                  "engineering; works as a VP of engineering today.")
    assert len(answer.buttons) <= 3


def test_a_topic_named_picks_mentors_who_talk_about_it(ask):
    answer = ask(ActionSuggestMentors, "any mentor for PMP?", n.ASK_MENTOR, [(n.CERTIFICATION, "PMP")])
    assert answer.text.startswith("Mentors for PMP:\n- **Sam Sample** — an engineering manager; talks about PMP.")


def test_nothing_to_go_on_asks_which_role(ask):
    answer = ask(ActionSuggestMentors, "can I talk to a mentor?", n.ASK_MENTOR)
    assert answer.text.startswith("Which role should your mentor have?")
    titles = [b["title"] for b in answer.buttons]
    assert "A mentor who is an engineering director" in titles
    assert "A mentor who is a chief technology officer" not in titles  # Casey is unavailable


def test_no_match_says_so(ask):
    answer = ask(ActionSuggestMentors, "connect me with a staff engineer", n.ASK_MENTOR,
                 [(n.ROLE, "staff engineer")])
    assert answer.text.startswith("None of the 4 available mentors in the directory matches a staff engineer.")


def test_no_directory_says_so(data):
    (data / "mentors.yml").unlink()
    answer = run(ActionSuggestMentors(sessions_over(data)), tracker("can I talk to a mentor?", n.ASK_MENTOR))
    assert answer.text.startswith("There's no mentor directory set up, so I can't connect you with a person.")
    assert answer.buttons == []


def test_intro_on_slack_mentions_the_mentor_and_drafts_a_message(ask):
    answer = ask(ActionRequestMentorIntro, '/request_mentor_intro{"mentor": "U0EXAMPLE1"}', n.REQUEST_MENTOR_INTRO,
                 [(n.MENTOR, "U0EXAMPLE1")], slots={n.CURRENT_ROLE: "project engineer", n.YEARS_EXPERIENCE: 4,
                                                   n.TARGET_ROLE: "engineering director"}, channel="slack")
    assert answer.text.startswith("Here's <@U0EXAMPLE1>: send them a direct message on Slack.")
    assert ("> Hi Alex, careerbot suggested you as a mentor. I'm a project engineer with 4 years of experience. "
            "I'm aiming to become an engineering director. Could we have a short chat") in answer.text
    assert "I can't send it for you" in answer.text


def test_intro_elsewhere_gives_the_member_id(ask):
    answer = ask(ActionRequestMentorIntro, '/request_mentor_intro{"mentor": "U0EXAMPLE2"}', n.REQUEST_MENTOR_INTRO,
                 [(n.MENTOR, "U0EXAMPLE2")])
    assert answer.text.startswith("Sam Sample is on Slack (member ID U0EXAMPLE2): find them by name in Slack")
    assert "They usually take mentoring chats: Wednesday mornings." in answer.text


def test_intro_to_nobody_or_to_an_unavailable_mentor(ask):
    unknown = ask(ActionRequestMentorIntro, "introduce me", n.REQUEST_MENTOR_INTRO, [(n.MENTOR, "U0NOBODY")])
    assert unknown.text.startswith("I can't find that mentor in the directory.")
    away = ask(ActionRequestMentorIntro, "introduce me to Casey Mockup", n.REQUEST_MENTOR_INTRO)
    assert away.text == ("Casey Mockup isn't taking mentoring chats at the moment. Ask me for a mentor to see who "
                         "is.")
