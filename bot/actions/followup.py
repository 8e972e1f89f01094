"""The follow-up action: a bare "and a director?" or "what about CSM?" re-answers the last topic with the
new entity; an entity the last topic cannot take gets the usual answer for its kind."""
from __future__ import annotations


from . import names as n
from . import render
from .base import Context, KnowledgeAction, Reply, SessionFactory, featured_roles
from .certifications import ActionShowCertifications
from .comparisons import ActionCompare
from .education import ActionShowEducation, ActionShowSkills
from .market import ActionShowOutlook, ActionShowSalary
from .paths import ActionShowDuration, ActionShowNextRoles, ActionShowPath
from .roles import ActionShowReportingLine, ActionShowRoleDuties
from .specializations import ActionShowDisciplineMoves, ActionShowIndustries, ActionShowSpecializations

# topic -> (action answering it, the entity kinds it takes)
TOPICS: dict[str, tuple[type[KnowledgeAction], tuple[str, ...]]] = {
    n.TOPIC_PATH: (ActionShowPath, (n.ROLE,)),
    n.TOPIC_DURATION: (ActionShowDuration, (n.ROLE, n.DEGREE)),
    n.TOPIC_NEXT: (ActionShowNextRoles, (n.ROLE,)),
    n.TOPIC_DUTIES: (ActionShowRoleDuties, (n.ROLE,)),
    n.TOPIC_REPORTS_TO: (ActionShowReportingLine, (n.ROLE,)),
    n.TOPIC_COMPARE: (ActionCompare, (n.ROLE, n.DEGREE)),
    n.TOPIC_CERTIFICATIONS: (ActionShowCertifications, (n.CERTIFICATION, n.ROLE)),
    n.TOPIC_EDUCATION: (ActionShowEducation, (n.DEGREE,)),
    n.TOPIC_SKILLS: (ActionShowSkills, (n.ROLE,)),
    n.TOPIC_SALARY: (ActionShowSalary, (n.ROLE, n.INDUSTRY)),
    n.TOPIC_OUTLOOK: (ActionShowOutlook, ()),
    n.TOPIC_SPECIALIZATIONS: (ActionShowSpecializations, (n.SPECIALIZATION, n.ROLE)),
    n.TOPIC_INDUSTRIES: (ActionShowIndustries, (n.INDUSTRY,)),
    n.TOPIC_DISCIPLINE: (ActionShowDisciplineMoves, (n.DISCIPLINE,)),
}

# The usual answer for a thing of each kind when the topic in context cannot take it.
FOR_KIND: dict[str, type[KnowledgeAction]] = {
    n.ROLE: ActionShowRoleDuties, n.CERTIFICATION: ActionShowCertifications, n.DEGREE: ActionShowEducation,
    n.SPECIALIZATION: ActionShowSpecializations, n.INDUSTRY: ActionShowIndustries,
    n.DISCIPLINE: ActionShowDisciplineMoves,
}


def action_for_kind(kind: str, sessions: SessionFactory | None = None) -> KnowledgeAction | None:
    """The action that usually answers about a thing of `kind`, or None for an unknown kind."""
    cls = FOR_KIND.get(kind)
    return cls(sessions) if cls else None


class ActionAnswerFollowup(KnowledgeAction):
    """Re-answer the last topic (the `topic` slot) about the thing the follow-up names."""

    mention_kinds = (n.ROLE, n.CERTIFICATION, None)

    def name(self) -> str:
        """The action's name in the domain."""
        return n.ACTION_ANSWER_FOLLOWUP

    def topic_action(self, ctx: Context) -> tuple[KnowledgeAction | None, tuple[str, ...]]:
        """The action of the topic in context and the kinds it takes (None, () without a known topic)."""
        cls, kinds = TOPICS.get(ctx.tracker.get_slot(n.TOPIC), (None, ()))
        return (cls(self._sessions) if cls else None), kinds

    def unknown_reply(self, ctx: Context) -> Reply | None:
        """An unknown thing is reported as the topic in context would report it."""
        unknown = ctx.unknown(self.mention_kinds)
        if unknown is None:
            return None
        action, _ = self.topic_action(ctx)
        return (action or ActionShowRoleDuties(self._sessions)).nothing_on(ctx, unknown)

    def answer(self, ctx: Context) -> Reply:
        """Dispatch on the topic in context and the kinds of things the message names."""
        action, kinds = self.topic_action(ctx)
        named = ctx.named_kinds()
        if not named:
            intent = action.intent if action is not None and n.ROLE in kinds else n.ASK_ROLE_DUTIES
            buttons = [render.button(render.cap(r.name), intent, {n.ROLE: r.name}) for r in featured_roles(ctx.session)]
            reply = self.ask_which("role, certification or degree", buttons)
            reply.topic = action.topic if action is not None else None
            return reply
        if action is not None and any(kind in kinds for kind in named):
            return action.answer(ctx)
        return action_for_kind(named[0], self._sessions).answer(ctx)
