"""Market actions: salaries (with source and year) and the job outlook."""
from __future__ import annotations

from knowledge import labor as lab
from knowledge import queries as q

from . import names as n
from .buttons import button, compare_degrees_button, mem_button
from .render.labor import render_salary_bls
from .render.market import render_outlook, render_salary
from .render.text import paragraphs
from .base import Context, KnowledgeAction, Reply

# Keys of the market facts each answer shows, in order.
SALARY_FACTS = ("average_salary", "salary_range")
OUTLOOK_FACTS = ("outlook", "roi")
# The role the salary figures are about (the facts' labels say "engineering manager").
SALARY_ROLE = "engineering manager"


class ActionShowSalary(KnowledgeAction):
    """Salaries: average and range with source and year, the best-paying industries, the MBA premium."""

    topic = n.TOPIC_SALARY
    takes = (n.ROLE, n.INDUSTRY)
    intent = n.ASK_SALARY
    mention_kinds = (n.ROLE,)

    action_name = n.ACTION_SHOW_SALARY

    def answer(self, ctx: Context) -> Reply:
        """The salary facts; a note when the role in question is not the one the figures are about."""
        s = ctx.session
        role_name = ctx.first(n.ROLE) or ctx.slot(n.ROLE)
        salary_role = q.resolve(s, SALARY_ROLE, n.ROLE)
        about = role_name if role_name and (salary_role is None or role_name != salary_role.canonical) else None
        industry_name = ctx.first(n.INDUSTRY)
        industry = q.industry(s, industry_name) if industry_name else None
        facts = [f for f in (q.market_fact(s, key) for key in SALARY_FACTS) if f is not None]
        premium = q.market_fact(s, q.MBA_PREMIUM_FACT) if q.degree(s, q.MBA_KEY) is not None else None
        text = render_salary(facts, q.industries(s, "high"), q.industries(s, "competitive"), premium,
                                    about, industry)
        # BLS's median pay for the role's O*NET occupation, beside the article's figures (other source and year)
        role_ = q.role(s, role_name or SALARY_ROLE)
        occ = lab.role_onet(s, role_).primary if role_ is not None else None
        profile = lab.bls_profile(s, occ) if occ is not None else None
        if profile is not None:
            text = paragraphs(text, render_salary_bls(occ, lab.bls_figures(profile, "median_annual_pay")))
        buttons = [button("What's the job outlook?", n.ASK_OUTLOOK)] + compare_degrees_button(s)
        if q.degree(s, q.MEM_KEY) is not None:
            buttons.append(mem_button())
        return self.reply(text, buttons, role=role_name, industry=industry.name if industry else None)


class ActionShowOutlook(KnowledgeAction):
    """The job outlook, return on investment and the employers named, with their source."""

    topic = n.TOPIC_OUTLOOK
    takes = ()
    intent = n.ASK_OUTLOOK

    action_name = n.ACTION_SHOW_OUTLOOK

    def answer(self, ctx: Context) -> Reply:
        """The outlook facts and employers."""
        s = ctx.session
        facts = [f for f in (q.market_fact(s, key) for key in OUTLOOK_FACTS) if f is not None]
        buttons = [button("What do engineering managers earn?", n.ASK_SALARY),
                   button("Which specializations are there?", n.ASK_SPECIALIZATIONS)]
        if q.degree(s, q.MEM_KEY) is not None:
            buttons.append(mem_button())
        return self.reply(render_outlook(facts, q.employers(s)), buttons)
