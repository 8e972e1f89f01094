"""Where the last answer's facts come from ("where is that from?", "how old is that number?"): the sources of
the topic in context, with their year and scope."""
from __future__ import annotations

from knowledge import queries as q

from . import names as n
from .base import Context, KnowledgeAction, Message, Reply
from .market import OUTLOOK_FACTS, SALARY_FACTS
from .render.market import render_sources

# The market facts behind each topic's figures; every other answer comes from the seed article.
TOPIC_FACTS = {n.TOPIC_SALARY: SALARY_FACTS + (q.MBA_PREMIUM_FACT,), n.TOPIC_OUTLOOK: OUTLOOK_FACTS}
SEED_SOURCE = "seed"


class ActionShowSource(KnowledgeAction):
    """The sources (title, publisher, year, URL, scope) of the facts of the last answer."""

    topic = None
    takes = None
    intent = n.ASK_SOURCE

    action_name = n.ACTION_SHOW_SOURCE

    def answer(self, ctx: Context) -> Reply:
        """The last topic's facts with their sources; the seed article for every other topic."""
        s = ctx.session
        last = ctx.tracker.get_slot(n.TOPIC)
        facts = [f for f in (q.market_fact(s, key) for key in TOPIC_FACTS.get(last, ())) if f is not None]
        seed = next((f.source for f in q.market_facts(s) if f.source.key == SEED_SOURCE), None)
        return Reply([Message(text=render_sources(facts, seed))], None)
