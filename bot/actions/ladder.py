"""The career ladder as a whole ("outline the career ladder"), or one stage of it ("what are the entry-level
roles?"): the knowledge base's roles by stage and the progression the source gives."""
from __future__ import annotations

from knowledge import models as m
from knowledge import queries as q

from . import mentions
from . import names as n
from .base import Context, KnowledgeAction, Reply
from .buttons import button
from .render.paths import render_ladder
from .render.text import with_article


class ActionShowLadder(KnowledgeAction, action_name=n.ACTION_SHOW_LADDER, topic=n.TOPIC_LADDER, takes=(),
                       intent=n.ASK_LADDER):
    """Every stage of the ladder with its roles (or the stage asked about) and the typical progression."""

    def answer(self, ctx: Context) -> Reply:
        """The ladder, or one stage of it when the message names a stage."""
        s = ctx.session
        stage = mentions.stage_in(ctx.text)
        stages = [stage] if stage in m.STAGES else list(m.STAGES)
        by_stage = [(st, q.roles(s, st)) for st in stages]
        director = q.role(s, "engineering director")
        typical = q.ladder_to(s, director) if director is not None and len(stages) > 1 else []
        timed = [t for t in q.timed_transitions(s) if len(stages) > 1 or t.from_role.stage_names[:1] == stages]
        buttons = [button(f"How do I become {with_article(r.name)}?", n.ASK_PATH, {n.ROLE: r.name})
                   for r in (by_stage[0][1][:1] + ([director] if director is not None else []))]
        return self.reply(render_ladder(by_stage, typical, timed), buttons)
