"""The career-plan actions: the form that collects the profile (`validate_career_plan_form` reads answers in
any order, one message or several; the questions it asks) and `action_show_career_plan`. The plan itself
is computed in bot/actions/career/plan.py, the profile read in bot/actions/career/profile.py.
"""
from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from knowledge import queries as q

from . import names as n
from .base import Context, KnowledgeAction, KnowledgeRun, Message, Reply, featured_roles
from .buttons import button, plan_button, role_choices
from .career import profile as p
from .career.plan import CareerPlan, plan_for
from .render.plan import render_career_plan, render_unknown_profile_role
from .render.profile import render_corrected
from .render.text import cap, join_names, unique, with_article


def plan_buttons(plan: CareerPlan) -> list[dict[str, str]]:
    """The natural next questions after a plan."""
    goal = {n.ROLE: plan.target.name}
    return [button("Which certifications should I get?", n.ASK_CERTIFICATIONS),
            button(f"Talk to a mentor who is {with_article(plan.target.name)}", n.ASK_MENTOR, goal),
            button("Forget my details", n.FORGET_PROFILE)]


# ------------------------------------------------------------------ showing the plan
class ActionShowCareerPlan(KnowledgeAction, action_name=n.ACTION_SHOW_CAREER_PLAN, topic=n.TOPIC_PLAN):
    """The plan for the profile in the slots (after the form, or "what's my plan again?")."""

    def answer(self, ctx: Context) -> Reply:
        """The plan; or what is still missing to make one."""
        prof = p.load_profile(ctx.session, ctx.tracker)
        if not prof.complete():
            missing = [label for label, value in (("your current role", prof.current),
                                                   ("the role you're aiming for", prof.target)) if value is None]
            return Reply([Message(response=n.UTTER_PLAN_MISSING, values={"missing": join_names(missing)},
                                  buttons=[plan_button()])], self.topic)
        plan = plan_for(ctx.session, prof.current, prof.target, prof.years, prof.discipline, prof.other_discipline,
                        prof.held)
        return Reply([Message(text=render_career_plan(plan), buttons=plan_buttons(plan))], self.topic,
                     {n.ROLE: plan.target.name})


# ------------------------------------------------------------------ the form's questions
class ActionAskCurrentRole(KnowledgeAction, action_name=n.ACTION_ASK_CURRENT_ROLE):
    """The form asks for the current role, with the entry- and mid-level roles as buttons."""

    def answer(self, ctx: Context) -> Reply:
        """'What's your current role?'"""
        roles = unique([*q.roles(ctx.session, "entry"), *q.roles(ctx.session, "mid")], key=lambda r: r.id)
        buttons = role_choices(roles[:6])
        if not roles:
            return Reply([Message(response=n.UTTER_FORM_CURRENT_ROLE_NO_EXAMPLE, buttons=buttons)])
        return Reply([Message(response=n.UTTER_FORM_CURRENT_ROLE, values={"example": roles[0].name}, buttons=buttons)])


class ActionAskTargetRole(KnowledgeAction, action_name=n.ACTION_ASK_TARGET_ROLE):
    """The form asks for the target role, offering the roles reachable from the current one."""

    def answer(self, ctx: Context) -> Reply:
        """'Which role are you aiming for?'"""
        current = q.role(ctx.session, ctx.tracker.get_slot(n.CURRENT_ROLE) or "")
        options = q.reachable_roles(ctx.session, current) if current is not None else []
        options = options or featured_roles(ctx.session)
        buttons = role_choices(options[:6])
        if current is None:
            return Reply([Message(response=n.UTTER_FORM_TARGET_ROLE, buttons=buttons)])
        return Reply([Message(response=n.UTTER_FORM_TARGET_ROLE_FROM, values={"current": current.name},
                              buttons=buttons)])


class ActionAskDiscipline(KnowledgeAction, action_name=n.ACTION_ASK_DISCIPLINE):
    """The form asks for the engineering discipline, with the known ones and 'Other' as buttons."""

    def answer(self, ctx: Context) -> Reply:
        """'Which engineering discipline do you come from?'"""
        disciplines = q.disciplines(ctx.session)
        buttons = [button(cap(d.name), n.INFORM, {n.DISCIPLINE: d.name}) for d in disciplines]
        buttons.append(button("Other", n.INFORM, {n.DISCIPLINE: p.OTHER_DISCIPLINE}))
        return Reply([Message(response=n.UTTER_FORM_DISCIPLINE, buttons=buttons)])


# ------------------------------------------------------------------ the form's validation
class ValidateCareerPlanForm(KnowledgeRun, FormValidationAction, action_name=n.VALIDATE_CAREER_PLAN_FORM):
    """Reads the profile out of each message during career_plan_form (any order, several answers in one
    message, corrections), and checks each value against the knowledge base."""

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        """Extract and validate; remember certifications the user says they hold; confirm corrections.
        Any failure becomes a polite message (the form then asks again)."""
        before = {slot: tracker.get_slot(slot) for slot in n.PLAN_SLOTS}
        requested = tracker.get_slot(n.REQUESTED_SLOT)
        try:
            with self._session() as session:
                spans = p.entity_spans(session, tracker)
            update = p.read_profile((tracker.latest_message or {}).get("text") or "", spans, requested, before)
            events = await super().run(dispatcher, tracker, domain)
        except Exception:  # the user gets a polite message whatever went wrong; the log gets the details
            return self.fail_politely(dispatcher, tracker)
        if update.held and not self._interrupted(tracker, update):
            events.append(SlotSet(n.CERTIFICATIONS_HELD, p.merge_held(tracker, update.held)))
        changed = {e["name"]: e["value"] for e in events if e.get("event") == "slot" and e["name"] in n.PLAN_SLOTS}
        corrected = {k: v for k, v in changed.items() if v is not None and before.get(k) not in (None, v)}
        if corrected:
            dispatcher.utter_message(text=render_corrected(corrected))
        return events

    @staticmethod
    def _interrupted(tracker: Tracker, update: p.ProfileUpdate) -> bool:
        message = tracker.latest_message or {}
        return p.is_interruption(message.get("text") or "", (message.get("intent") or {}).get("name"), update)

    async def get_extraction_events(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                    domain: DomainDict) -> list[EventType]:
        """The slots the latest message fills (none when it is another question, or "stop")."""
        message = tracker.latest_message or {}
        requested = tracker.get_slot(n.REQUESTED_SLOT)
        known = {slot: tracker.get_slot(slot) for slot in n.PLAN_SLOTS}
        with self._session() as session:
            update = p.read_profile(message.get("text") or "", p.entity_spans(session, tracker), requested, known)
        if self._interrupted(tracker, update):
            return []
        values = update.slots()
        if update.free_text is not None and requested in n.PLAN_SLOTS:
            values[requested] = update.free_text
        return [SlotSet(slot, value) for slot, value in values.items()]

    def _role(self, slot: str, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker) -> dict[str, Any]:
        if not isinstance(value, str) or not value.strip():
            return {slot: None}
        with self._session() as session:
            name = q.resolve(session, value, n.ROLE)
            if name is not None:
                return {slot: name.canonical}
            close = [q.role(session, x.canonical) for x in q.suggest(session, value, n.ROLE)]
            dispatcher.utter_message(
                text=render_unknown_profile_role(value, close, q.roles(session)),
                buttons=role_choices(close))
        return {slot: None}

    def validate_current_role(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                              domain: DomainDict) -> dict[str, Any]:
        """A role of the knowledge base (any alias); otherwise the known roles, and the question again."""
        return self._role(n.CURRENT_ROLE, value, dispatcher, tracker)

    def validate_target_role(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                             domain: DomainDict) -> dict[str, Any]:
        """A role of the knowledge base (any alias); otherwise the known roles, and the question again."""
        return self._role(n.TARGET_ROLE, value, dispatcher, tracker)

    def validate_years_experience(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                  domain: DomainDict) -> dict[str, Any]:
        """A number of years from 0 to 50."""
        years = value if isinstance(value, (int, float)) and not isinstance(value, bool) else (
            p.parse_years(value, bare=True) if isinstance(value, str) else None)
        if years is None or not 0 <= years <= p.MAX_YEARS:
            dispatcher.utter_message(response=n.UTTER_FORM_BAD_YEARS, max_years=p.MAX_YEARS)
            return {n.YEARS_EXPERIENCE: None}
        return {n.YEARS_EXPERIENCE: years}

    def validate_discipline(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                            domain: DomainDict) -> dict[str, Any]:
        """A discipline of the knowledge base, or 'other' (an engineering discipline it does not cover)."""
        if not isinstance(value, str) or not value.strip():
            return {n.DISCIPLINE: None}
        if value == p.OTHER_DISCIPLINE:
            return {n.DISCIPLINE: value}
        with self._session() as session:
            name = q.resolve(session, value, n.DISCIPLINE)
            if name is not None:
                return {n.DISCIPLINE: name.canonical}
            known = q.disciplines(session)
            if "engineer" in value.lower():
                dispatcher.utter_message(response=n.UTTER_FORM_OTHER_DISCIPLINE, value=value,
                                         known=join_names(d.name for d in known))
                return {n.DISCIPLINE: p.OTHER_DISCIPLINE}
            dispatcher.utter_message(response=n.UTTER_FORM_UNKNOWN_DISCIPLINE, value=value,
                                     known=join_names(d.name for d in known))
        return {n.DISCIPLINE: None}
