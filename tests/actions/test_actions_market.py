"""action_show_salary and action_show_outlook: figures always with their source and year."""
from __future__ import annotations

from bot.actions import ActionShowOutlook, ActionShowSalary
from bot.actions import names as n
from knowledge import labor as lab
from knowledge import queries as q

PAYSCALE_URL = "https://www.payscale.com/research/US/Job=Engineering_Manager/Salary"


def test_salary_figures_with_source_year_and_industries(ask):
    answer = ask(ActionShowSalary, "What does an engineering manager earn?", n.ASK_SALARY,
                 [(n.ROLE, "engineering manager")])
    text = answer.text
    assert "- Average engineering manager salary (2025): $121,560 per year." in text
    assert "around $90,000 to $150,000+ per year" in text
    assert f"Source: PayScale: Engineering Manager Salary — {PAYSCALE_URL}" in text
    assert "- High-paying industries: software development, aerospace and pharmaceuticals" in text
    assert "- Also competitive salaries: construction and manufacturing" in text
    assert "MBA graduates' pay premium (2024): around $30,000 more" in text
    assert "GMAC 2024 Corporate Recruiters Survey" in text
    assert "figures are for engineering managers" not in text
    assert answer.slots == {n.ROLE: "engineering manager", n.TOPIC: n.TOPIC_SALARY}
    assert "/ask_outlook" in answer.payloads()


def test_salary_for_another_role_says_the_figures_are_for_managers(ask):
    answer = ask(ActionShowSalary, "What does a director earn?", n.ASK_SALARY, [(n.ROLE, "director")])
    assert answer.text.startswith("The knowledge base's PayScale figures are for engineering managers, not for an "
                                  "engineering director.")
    # the director's own figure: BLS pay of the occupation O*NET files "Engineering Director" under, scope named
    assert "Architectural and Engineering Managers" in answer.text and "doesn't cover" not in answer.text
    assert "$121,560" in answer.text and "PayScale" in answer.text and "2025" in answer.text


def test_salary_for_a_role_without_any_figure_says_it_is_not_covered(ask):
    """A staff engineer maps to no O*NET occupation (onet_mapping.yml): no figure of its own at all."""
    answer = ask(ActionShowSalary, "What does a staff engineer earn?", n.ASK_SALARY, [(n.ROLE, "staff engineer")])
    assert "it has none for a staff engineer" in answer.text and "doesn't cover that role's pay" in answer.text
    assert "$121,560" in answer.text


def test_salary_for_the_role_in_context(ask):
    answer = ask(ActionShowSalary, "and the salary?", n.ASK_SALARY, [], {n.ROLE: "chief technology officer"})
    assert "not for a chief technology officer" in answer.text


def test_salary_shows_bls_median_pay_beside_the_article(ask, kb_sessions):
    answer = ask(ActionShowSalary, "What does a CTO earn?", n.ASK_SALARY, [(n.ROLE, "chief technology officer")])
    with kb_sessions() as s:
        occ = lab.role_onet(s, q.role(s, "chief technology officer")).primary
        figures = lab.bls_figures(lab.bls_profile(s, occ), "median_annual_pay")
        expected = [(f"${f.figure.amount:,}", f.figure.when, f.stale, f.secondary) for f in figures]
    text = answer.text
    assert "$121,560" in text and "PayScale" in text  # the article's figure stays, with its source
    assert f"BLS median pay ({occ.title})" in text
    for amount, when, stale, secondary in expected:
        assert amount in text and when in text
    assert "older than 5 years" in text and "secondary source" in text
    assert len([ln for ln in text.splitlines() if ln.strip()]) <= 14


def test_salary_in_an_industry(ask):
    answer = ask(ActionShowSalary, "salary in aerospace?", n.ASK_SALARY, [(n.INDUSTRY, "aerospace")])
    assert answer.text.startswith("**Aerospace**: One of the high-paying industries")
    assert "no salary figure for a single industry" in answer.text
    assert answer.slots[n.INDUSTRY] == "aerospace"


def test_salary_of_an_unknown_role(ask):
    answer = ask(ActionShowSalary, "how much does an astronaut earn?", n.ASK_SALARY)
    assert 'nothing on "astronaut"' in answer.text and "$121,560" not in answer.text


def test_outlook_with_employers_and_source(ask):
    answer = ask(ActionShowOutlook, "What's the job outlook?", n.ASK_OUTLOOK)
    text = answer.text
    assert "The job market for engineering management remains strong." in text
    assert "operations management, technology leadership, and consulting" in text
    assert "Return on investment of an engineering management degree (2025): Often high" in text
    assert "Deloitte, Actalent and Black & Veatch" in text
    assert "Source: How to Advance in Engineering: The Path from Early Steps to Leadership Roles" in text
    assert answer.slots == {n.TOPIC: n.TOPIC_OUTLOOK}
