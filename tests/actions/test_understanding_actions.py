"""Actions of issue 12 on the shipped knowledge base: not covered (b) with the nearest topics, the topic
guard's verdict on a fallback, two-role paths, the scope of a place, the ladder, sources, and "why would I
need it?"."""
from __future__ import annotations

from bot.actions import names as n
from bot.actions.fallback import ActionNotCovered, ActionOfferTopics
from bot.actions.followup import ActionExplainLast
from bot.actions.ladder import ActionShowLadder
from bot.actions.market import ActionShowSalary, ActionShowSource
from bot.actions.paths import ActionShowPath
from knowledge import queries as q
from tests.support.builders import run, tracker

RANKING = [{"name": n.ASK_SALARY, "confidence": 0.5}, {"name": n.ASK_ROLE_DUTIES, "confidence": 0.3},
           {"name": n.GREET, "confidence": 0.1}]


def test_not_covered_offers_the_nearest_topics(ask) -> None:
    """utter_not_covered, with the classifier's runners-up (small talk skipped) as buttons."""
    answer = ask(ActionNotCovered, "how do I negotiate a raise", n.NOT_COVERED, intent_ranking=RANKING)
    assert [m.get("response") for m in answer.messages] == [n.UTTER_NOT_COVERED]
    assert [b["payload"].split("{")[0] for b in answer.buttons] == ["/ask_salary", "/ask_role_duties"]


def test_fallback_follows_the_guard(kb_sessions) -> None:
    """A fallback the guard judged (b) or (c) gets that reply, not "did you mean"."""
    for outcome, response in ((n.NOT_COVERED, n.UTTER_NOT_COVERED), (n.OUT_OF_SCOPE, n.UTTER_OUT_OF_SCOPE)):
        t = tracker("xyz", n.NLU_FALLBACK, intent_ranking=RANKING)
        t.latest_message["topic_guard"] = {"from": n.NLU_FALLBACK, "outcome": outcome}
        assert [m.get("response") for m in run(ActionOfferTopics(kb_sessions), t).messages] == [response]


def test_path_between_current_and_target(kb_sessions, kb) -> None:
    """Entity roles current/target: the path from one to the other, not from the bottom of the ladder."""
    text = "I'm an engineering manager. How do I get to CTO?"
    t = tracker(text, n.ASK_PATH, [(n.ROLE, "engineering manager"), (n.ROLE, "CTO")])
    t.latest_message["entities"][0]["role"] = n.PLACE_CURRENT
    t.latest_message["entities"][1]["role"] = n.PLACE_TARGET
    answer = run(ActionShowPath(kb_sessions), t)
    steps = q.shortest_path(kb, q.role(kb, "engineering manager"), q.role(kb, "chief technology officer"))
    assert "From **engineering manager** to **chief technology officer**" in answer.text
    assert all(s.to_role.name in answer.text for s in steps)
    assert "project engineer →" not in answer.text


def test_salary_names_its_scope_for_a_place(ask, kb) -> None:
    """A place the figures don't cover: the figures, said to be US figures and whose."""
    answer = ask(ActionShowSalary, "what do engineering managers earn in Germany?", n.ASK_SALARY,
                 [(n.ROLE, "engineering managers")])
    fact = q.market_fact(kb, "average_salary")
    assert f"not specific to Germany: they are US figures from {fact.source.publisher}, {fact.year}" in answer.text


def test_salary_in_an_industry_is_not_a_place(ask) -> None:
    """"in construction" is an industry the knowledge base knows, not a place."""
    answer = ask(ActionShowSalary, "what do engineering managers earn in construction", n.ASK_SALARY,
                 [(n.INDUSTRY, "construction")])
    assert "not specific to" not in answer.text


def test_ladder_and_one_stage(ask, kb) -> None:
    """Every stage with its roles; "entry-level roles" lists only that stage."""
    everything = ask(ActionShowLadder, "outline the career ladder", n.ASK_LADDER)
    assert all(r.name in everything.text for st in ("entry", "mid", "advanced", "executive")
               for r in q.roles(kb, st))
    entry = ask(ActionShowLadder, "what are the entry-level roles?", n.ASK_LADDER)
    assert all(r.name in entry.text for r in q.roles(kb, "entry"))
    assert "chief technology officer" not in entry.text


def test_source_of_the_last_salary(ask, kb) -> None:
    """After a salary answer: each figure's publisher and year, and the source's URL."""
    answer = ask(ActionShowSource, "where is that from?", n.ASK_SOURCE, slots={n.TOPIC: n.TOPIC_SALARY})
    fact = q.market_fact(kb, "average_salary")
    assert fact.source.publisher in answer.text and str(fact.year) in answer.text and fact.source.url in answer.text


def test_why_would_i_need_it(ask, kb) -> None:
    """After PMP: the PMP answer, with what it does for a career."""
    answer = ask(ActionExplainLast, "why would I need it?", n.ASK_WHY,
                 slots={n.TOPIC: n.TOPIC_CERTIFICATIONS, n.CERTIFICATION: "PMP"})
    assert q.certification(kb, "PMP").signals[0].text in answer.text


def test_compound_parts_in_order_with_context(kb_sessions, kb) -> None:
    """Each part answered by its own action, in order; "they" in the second part is the first part's role;
    a fourth part gets the "one at a time" note."""
    from bot.actions.compound import ActionAnswerParts
    text = "what does a director do and how much do they make and what certs do they need and who is hiring?"
    t = tracker(text, n.COMPOUND)
    t.latest_message["compound"] = [
        {"text": "what does a director do", "intent": n.ASK_ROLE_DUTIES,
         "entities": [{"entity": n.ROLE, "value": "director", "start": 12, "end": 20}]},
        {"text": "how much do they make", "intent": n.ASK_SALARY, "entities": []},
        {"text": "what certs do they need", "intent": n.ASK_CERTIFICATIONS, "entities": []},
        {"text": "who is hiring", "intent": n.ASK_OUTLOOK, "entities": []}]
    answer = run(ActionAnswerParts(kb_sessions), t)
    duties = q.role(kb, "engineering director").responsibilities[0].title
    assert answer.text.index(duties) < answer.text.index("not for an engineering director")
    assert answer.messages[-1].get("response") == n.UTTER_ONE_AT_A_TIME


def test_fallback_that_only_names_a_thing_gets_its_answer(kb_sessions, kb) -> None:
    """"what's CPE?" left to the fallback, judged about_name by the guard: the certification's answer."""
    t = tracker("what's CPE?", n.NLU_FALLBACK, [(n.CERTIFICATION, "CPE")], intent_ranking=RANKING)
    t.latest_message["topic_guard"] = {"from": n.NLU_FALLBACK, "outcome": "about_name"}
    assert q.certification(kb, "CPE").name in run(ActionOfferTopics(kb_sessions), t).text


def test_a_path_question_naming_only_the_users_role_goes_on_from_it(kb_sessions, kb) -> None:
    """"I work as a project manager ... what's the path": the next steps up from project manager, not the way
    into it."""
    t = tracker("I work as a project manager, what's the path", n.ASK_PATH, [(n.ROLE, "project manager")])
    t.latest_message["entities"][0]["role"] = n.PLACE_CURRENT
    answer = run(ActionShowPath(kb_sessions), t)
    nexts = [s.to_role.name for s in q.next_steps(kb, q.role(kb, "project manager"))]
    assert nexts and all(name in answer.text for name in nexts)
    assert "The usual way up to **project manager**" not in answer.text


def test_a_fallback_about_a_move_gets_the_path_between(kb_sessions, kb) -> None:
    """The guard's about_move verdict: the path from the current role to the target."""
    t = tracker("project engineer → engineering manager: what helps?", n.NLU_FALLBACK,
                [(n.ROLE, "project engineer"), (n.ROLE, "engineering manager")], intent_ranking=RANKING)
    t.latest_message["entities"][0]["role"] = n.PLACE_CURRENT
    t.latest_message["entities"][1]["role"] = n.PLACE_TARGET
    t.latest_message["topic_guard"] = {"from": n.NLU_FALLBACK, "outcome": "about_move"}
    answer = run(ActionOfferTopics(kb_sessions), t)
    assert "project engineer → engineering manager" in answer.text


def test_an_aspect_of_a_degree_the_kb_lacks_is_said_first(ask) -> None:
    """(b) with the nearest facts: "without a degree" and "the best program" are not in the knowledge base."""
    from bot.actions.education import ActionShowEducation
    answer = ask(ActionShowEducation, "can I become a manager without a degree?", n.ASK_EDUCATION)
    assert answer.text.startswith("My knowledge base doesn't cover whether you can do it without one")
    answer = ask(ActionShowEducation, "what's the best online MEM program?", n.ASK_EDUCATION, [(n.DEGREE, "MEM")])
    assert answer.text.startswith("My knowledge base doesn't cover which schools, programs or course providers")
    assert "Master's in Engineering Management" in answer.text
    plain = ask(ActionShowEducation, "what is an MEM program?", n.ASK_EDUCATION, [(n.DEGREE, "MEM")])
    assert "doesn't cover" not in plain.text


def test_the_ladder_of_a_new_graduate_is_the_entry_stage(ask, kb) -> None:
    answer = ask(ActionShowLadder, "which jobs can I start with as a new graduate?", n.ASK_LADDER)
    assert all(r.name in answer.text for r in q.roles(kb, "entry"))
    assert "chief technology officer" not in answer.text.lower()


def test_a_place_is_a_place_and_people_are_not() -> None:
    from bot.actions.scope import place_named
    unknown = lambda phrase: False  # noqa: E731
    assert place_named("what do EMs make in france", unknown) == "France"
    assert place_named("engineering manager salary for Canada?", unknown) == "Canada"
    assert place_named("is the MBA worth it for engineers", unknown) is None
    assert place_named("is it a good job for developers?", unknown) is None
    assert place_named("how much do they earn in the UK", unknown) == "UK"


def test_a_degree_worth_question_gets_the_degree(ask) -> None:
    from bot.actions.market import ActionShowOutlook
    answer = ask(ActionShowOutlook, "is the M.B.A. worth it for engineers", n.ASK_OUTLOOK, [(n.DEGREE, "MBA")])
    assert "MBA" in answer.text and "not specific to" not in answer.text
