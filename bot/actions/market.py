"""Market actions: salaries (with source and year) and the job outlook."""
from __future__ import annotations

from knowledge import labor as lab
from knowledge import queries as q

from . import names as n
from .buttons import button, compare_degrees_button, mem_button
from .render.labor import render_salary_bls
from .render.market import render_outlook, render_salary, render_sources, scope_note
from .render.text import paragraphs
from .scope import place_named
from .base import Context, KnowledgeAction, Message, Reply, answer_before_asking

# Keys of the market facts each answer shows, in order.
SALARY_FACTS = ("average_salary", "salary_range")
OUTLOOK_FACTS = ("outlook", "roi")
# The role the salary figures are about (the facts' labels say "engineering manager").
SALARY_ROLE = "engineering manager"


class ActionShowSalary(KnowledgeAction, action_name=n.ACTION_SHOW_SALARY, topic=n.TOPIC_SALARY,
                       takes=(n.ROLE, n.INDUSTRY), intent=n.ASK_SALARY, mention_kinds=(n.ROLE,)):
    """Salaries: average and range with source and year, the best-paying industries, the MBA premium."""

    def answer(self, ctx: Context) -> Reply:
        """The salary facts; a note when the role in question is not the one the figures are about. A cost
        question about a certification ("how much does the PMP exam cost?") is no salary question: the career
        FAQ's answer if it has one, else not covered."""
        s = ctx.session
        if ctx.first(n.CERTIFICATION) and not ctx.first(n.ROLE):
            return answer_before_asking(s, ctx.text) or Reply([Message(response=n.UTTER_NOT_COVERED,
                                  buttons=[button("Certifications", n.ASK_CERTIFICATIONS,
                                                  {n.CERTIFICATION: ctx.first(n.CERTIFICATION)}),
                                           button("Salaries", n.ASK_SALARY)])], None)
        role_name = ctx.first(n.ROLE) or ctx.slot(n.ROLE)
        salary_role = q.resolve(s, SALARY_ROLE, n.ROLE)
        about = role_name if role_name and (salary_role is None or role_name != salary_role.canonical) else None
        industry_name = ctx.first(n.INDUSTRY)
        industry = q.industry(s, industry_name) if industry_name else None
        facts = [f for f in (q.market_fact(s, key) for key in SALARY_FACTS) if f is not None]
        premium = q.market_fact(s, q.MBA_PREMIUM_FACT) if q.degree(s, q.MBA_KEY) is not None else None
        place = place_named(ctx.text, lambda phrase: ctx.resolve_phrase(phrase) is not None)
        # BLS's median pay for the role's O*NET occupation, beside the article's figures (other source and year)
        role_ = q.role(s, role_name or SALARY_ROLE)
        occ = lab.role_onet(s, role_).primary if role_ is not None else None
        profile = lab.bls_profile(s, occ) if occ is not None else None
        bls = lab.bls_figures(profile, "median_annual_pay") if profile is not None else []
        text = render_salary(facts, q.industries(s, "high"), q.industries(s, "competitive"), premium,
                             about, industry, place, occ.title if bls else None)
        if bls:
            text = paragraphs(text, render_salary_bls(occ, bls))
        buttons = [button("What's the job outlook?", n.ASK_OUTLOOK)] + compare_degrees_button(s)
        if q.degree(s, q.MEM_KEY) is not None:
            buttons.append(mem_button())
        return self.reply(text, buttons, role=role_name, industry=industry.name if industry else None)


class ActionShowOutlook(KnowledgeAction, action_name=n.ACTION_SHOW_OUTLOOK, topic=n.TOPIC_OUTLOOK, takes=(),
                        intent=n.ASK_OUTLOOK):
    """The job outlook, return on investment and the employers named, with their source."""

    def answer(self, ctx: Context) -> Reply:
        """The outlook facts and employers; for a degree named ("is the MBA worth it?"), that degree's answer."""
        s = ctx.session
        if ctx.first(n.DEGREE) is not None:
            other = self.redirect(ctx)
            if other is not None:
                return other
        facts = [f for f in (q.market_fact(s, key) for key in OUTLOOK_FACTS) if f is not None]
        buttons = [button("What do engineering managers earn?", n.ASK_SALARY),
                   button("Which specializations are there?", n.ASK_SPECIALIZATIONS)]
        if q.degree(s, q.MEM_KEY) is not None:
            buttons.append(mem_button())
        place = place_named(ctx.text, lambda phrase: ctx.resolve_phrase(phrase) is not None)
        text = render_outlook(facts, q.employers(s))
        return self.reply(paragraphs(scope_note(place, facts), text) if place else text, buttons)


# The market facts behind each topic's figures; every other answer comes from the seed article.
TOPIC_FACTS = {n.TOPIC_SALARY: SALARY_FACTS + (q.MBA_PREMIUM_FACT,), n.TOPIC_OUTLOOK: OUTLOOK_FACTS}
SEED_SOURCE = "seed"


class ActionShowSource(KnowledgeAction, action_name=n.ACTION_SHOW_SOURCE, topic=None, takes=None,
                       intent=n.ASK_SOURCE):
    """'Where is that from?': the sources (publisher, year, URL, scope) of the facts of the last answer."""

    def answer(self, ctx: Context) -> Reply:
        """The last topic's facts with their sources; the seed article for every other topic."""
        s = ctx.session
        last = ctx.tracker.get_slot(n.TOPIC)
        facts = [f for f in (q.market_fact(s, key) for key in TOPIC_FACTS.get(last, ())) if f is not None]
        seed = next((f.source for f in q.market_facts(s) if f.source.key == SEED_SOURCE), None)
        buttons = [button("What do engineering managers earn?", n.ASK_SALARY),
                   button("What's the job outlook?", n.ASK_OUTLOOK)]
        return Reply([Message(text=render_sources(facts, seed), buttons=buttons)], None)
