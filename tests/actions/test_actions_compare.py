"""action_compare over the shipped knowledge base: every row of the stored table in the user's order,
other role pairs on what the knowledge base knows, and degrees."""
from __future__ import annotations

import pytest

from bot.actions import ActionCompare
from bot.actions import names as n
from knowledge import queries as q


def rows_in_order(kb, text: str, first: str) -> None:
    """Assert every row of the manager/director table is shown, with `first`'s text before the other's."""
    view = q.comparison(kb, q.role(kb, "engineering manager"), q.role(kb, "engineering director"))
    rows = view.comparison.rows
    assert len(rows) == 7
    for row in rows:
        assert f"**{row.aspect}**" in text
        mine, theirs = (row.left_text, row.right_text) if first == "engineering manager" else (row.right_text,
                                                                                              row.left_text)
        assert mine in text and theirs in text
        assert text.index(mine) < text.index(theirs), row.aspect


@pytest.mark.parametrize("first, second, first_canonical", [
    ("engineering manager", "engineering director", "engineering manager"),
    ("engineering director", "engineering manager", "engineering director"),
    ("EM", "director of engineering", "engineering manager"),
    ("Director", "eng manager", "engineering director"),
])
def test_manager_vs_director_shows_every_row_in_the_users_order(ask, kb, first, second, first_canonical):
    answer = ask(ActionCompare, f"{first} vs {second}", n.COMPARE, [(n.ROLE, first), (n.ROLE, second)])
    rows_in_order(kb, answer.text, first_canonical)
    other = "engineering director" if first_canonical == "engineering manager" else "engineering manager"
    assert answer.text.startswith(f"**{first_canonical.capitalize()} vs {other}**")
    assert "tactical focus" in answer.text and "strategic focus" in answer.text
    assert answer.slots == {n.ROLE: other, n.TOPIC: n.TOPIC_COMPARE}


def test_comparison_found_from_the_text_when_the_nlu_missed_the_entities(ask, kb):
    answer = ask(ActionCompare, "What's the difference between a director and a manager?", n.COMPARE)
    rows_in_order(kb, answer.text, "engineering director")


def test_one_role_is_compared_with_the_remembered_one(ask, kb):
    answer = ask(ActionCompare, "how does that compare with a director?", n.COMPARE, [(n.ROLE, "director")],
                 {n.ROLE: "engineering manager"})
    rows_in_order(kb, answer.text, "engineering manager")


def test_one_role_alone_is_compared_with_its_stored_partner(ask, kb):
    answer = ask(ActionCompare, "how does the director role compare?", n.COMPARE, [(n.ROLE, "director")])
    rows_in_order(kb, answer.text, "engineering director")


def test_other_role_pair_is_compared_on_what_the_kb_knows(ask):
    answer = ask(ActionCompare, "engineering manager vs VP of engineering", n.COMPARE,
                 [(n.ROLE, "engineering manager"), (n.ROLE, "VP of engineering")])
    text = answer.text
    assert "no side-by-side table for these two roles" in text
    assert "- Engineering manager: advanced\n- VP of engineering: executive" in text
    assert "- Engineering manager: engineering director or VP of engineering" in text
    assert "- VP of engineering: not stated in the knowledge base" in text
    assert "engineering manager → engineering director → VP of engineering" in text


def test_same_role_twice(ask):
    answer = ask(ActionCompare, "EM vs engineering manager", n.COMPARE,
                 [(n.ROLE, "EM"), (n.ROLE, "engineering manager")])
    assert answer.texts == ["Those are two names for the same role: **engineering manager**."]


@pytest.mark.parametrize("first, second", [("MEM", "MBA"), ("MBA", "master of engineering management")])
def test_mem_vs_mba(ask, first, second):
    answer = ask(ActionCompare, f"{first} vs {second}", n.COMPARE, [(n.DEGREE, first), (n.DEGREE, second)])
    text = answer.text
    assert "- MEM: 1–2 years, depending on the program" in text
    assert "- MBA: not stated in the knowledge base" in text
    assert "- Both: Project planning, Operations, Finance, Problem-solving, Decision-making, Leadership" in text
    assert "around $30,000 more on average than other experienced, direct-from-industry hires" in text
    assert "GMAC 2024 Corporate Recruiters Survey" in text and "(2024)" in text
    mem_first = first == "MEM"
    assert (text.index("- MEM: 1–2") < text.index("- MBA: not stated")) == mem_first


def test_unknown_side_is_reported(ask):
    answer = ask(ActionCompare, "compare engineering manager and astronaut", n.COMPARE,
                 [(n.ROLE, "engineering manager")], {n.ROLE: "engineering director"})
    assert 'nothing on "astronaut"' in answer.text
    assert "tactical focus" not in answer.text


def test_nothing_to_compare_asks_with_buttons(ask):
    answer = ask(ActionCompare, "compare them", n.COMPARE)
    assert answer.texts == ["Which two roles or two degrees do you mean? Pick one below or just type it."]
    assert answer.payloads() == ['/compare{"role": ["engineering manager", "engineering director"]}',
                                 '/compare{"degree": ["MEM", "MBA"]}']


def test_role_and_degree_cannot_be_compared(ask):
    answer = ask(ActionCompare, "manager vs MBA", n.COMPARE, [(n.ROLE, "manager"), (n.DEGREE, "MBA")])
    assert answer.texts == ["Which two roles or two degrees do you mean? Pick one below or just type it."]
