"""The follow-up action: a bare "and a director?" or "what about CSM?" re-answers the last topic with the
new entity; an entity the last topic cannot take gets the usual answer for its kind. Which action answers a
topic, which kinds it takes and which action answers a kind come from the actions' own declarations (the
registry in base.py)."""
from __future__ import annotations

from . import names as n
from .base import Context, KnowledgeAction, Reply, action_for_kind, featured_roles, topic_action
from .buttons import button
from .render.text import cap


class ActionAnswerFollowup(KnowledgeAction, action_name=n.ACTION_ANSWER_FOLLOWUP,
                           mention_kinds=(n.ROLE, n.CERTIFICATION, None)):
    """Re-answer the last topic (the `topic` slot) about the thing the follow-up names."""

    def topic_action(self, ctx: Context) -> tuple[KnowledgeAction | None, tuple[str, ...]]:
        """The action of the topic in context and the kinds it takes (None, () without a known topic)."""
        action = topic_action(ctx.tracker.get_slot(n.TOPIC), self._sessions)
        return action, (action.takes if action is not None else ())

    def unknown_reply(self, ctx: Context) -> Reply | None:
        """An unknown thing is reported as the topic in context would report it."""
        unknown = ctx.unknown(self.mention_kinds)
        if unknown is None:
            return None
        action, _ = self.topic_action(ctx)
        return (action or action_for_kind(n.ROLE, self._sessions)).nothing_on(ctx, unknown)

    def answer(self, ctx: Context) -> Reply:
        """Dispatch on the topic in context and the kinds of things the message names."""
        action, kinds = self.topic_action(ctx)
        named = ctx.named_kinds()
        if not named:
            intent = action.intent if action is not None and n.ROLE in kinds else n.ASK_ROLE_DUTIES
            buttons = [button(cap(r.name), intent, {n.ROLE: r.name}) for r in featured_roles(ctx.session)]
            reply = self.ask_which("role, certification or degree", buttons)
            reply.topic = action.topic if action is not None else None
            return reply
        if action is not None and any(kind in kinds for kind in named):
            return action.answer(ctx)
        return action_for_kind(named[0], self._sessions).answer(ctx)


class ActionExplainLast(KnowledgeAction, action_name=n.ACTION_EXPLAIN_LAST, mention_kinds=()):
    """'Why would I need it?', 'what's the point of it?': re-answer the last topic about the thing it was
    about (the certification, degree, role... remembered in the slots), which says what it is good for."""

    def answer(self, ctx: Context) -> Reply:
        """The last topic's answer about the remembered thing; without one, a question back."""
        action = topic_action(ctx.tracker.get_slot(n.TOPIC), self._sessions)
        if action is not None and not ctx.named_kinds():
            for kind in action.takes or ():
                value = ctx.tracker.get_slot(kind)
                if isinstance(value, str) and ctx.assume(kind, value):
                    return action.answer(ctx)
        if action is not None and ctx.named_kinds():
            return action.answer(ctx)
        buttons = [button(cap(r.name), n.ASK_ROLE_DUTIES, {n.ROLE: r.name}) for r in featured_roles(ctx.session)]
        return self.ask_which("role, certification or degree", buttons)
