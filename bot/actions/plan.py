"""The personal career plan: the form that collects the profile, and the plan made from the knowledge base.

`make_plan` is the pure computation (ORM objects in, a CareerPlan out): the chain of role transitions from
the current role to the target, what to build at each step (what helps, certifications not yet held,
degrees, the skills of each new career stage), the time where the source gives one, and the moves the
source names for the user's discipline. `plan_for` gathers those objects with the knowledge-base queries.
The actions: `validate_career_plan_form` (reads answers in any order, one message or several), the
questions the form asks, and `action_show_career_plan`.
"""
from __future__ import annotations

import logging
from collections import deque
from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict
from sqlalchemy.orm import Session

from knowledge import models as m
from knowledge import queries as q

from . import names as n
from . import profile as p
from . import render
from .base import Context, KnowledgeAction, Message, Reply, SessionFactory, featured_roles, open_session

logger = logging.getLogger(__name__)

# Plan outcomes.
PLAN_OK = "plan"
ALREADY_THERE = "already_there"
STEP_DOWN = "step_down"
NO_ROUTE = "no_route"

STAGE_ORDER = ("entry", "mid", "advanced", "executive")


@dataclass(frozen=True)
class PlanStep:
    """One move of the plan and what to build for it."""

    transition: m.Transition
    certifications: tuple[m.Certification, ...]  # attached to the move and not held yet
    held: tuple[m.Certification, ...]  # attached to the move and already held
    degrees: tuple[m.Degree, ...]
    new_stages: tuple[str, ...]  # career stages this move enters for the first time on the way
    skills: tuple[m.Skill, ...]  # the skills of those stages


@dataclass(frozen=True)
class CareerPlan:
    """A personal plan from `current` to `target`, or why there is none (`status`)."""

    status: str
    current: m.Role
    target: m.Role
    steps: tuple[PlanStep, ...] = ()
    years: float | int | None = None
    discipline: m.Discipline | None = None
    other_discipline: bool = False
    held: tuple[m.Certification, ...] = ()  # the certifications the user holds
    way_back: tuple[m.Transition, ...] = ()  # STEP_DOWN: the usual chain from the target up to the current role
    next_steps: tuple[m.Transition, ...] = ()  # moves out of the current role (ALREADY_THERE, STEP_DOWN, NO_ROUTE)
    ladder: tuple[m.Transition, ...] = ()  # NO_ROUTE: the usual ladder into the target from an entry-level role
    timed: tuple[m.Transition, ...] = ()  # every transition the source gives a time for

    @property
    def first_time_left(self) -> tuple[float, float] | None:
        """Years left for the first step, counting the user's experience from the start of their career:
        only when they start from an entry-level role and the source gives that step a time."""
        if not self.steps or self.years is None or "entry" not in self.current.stage_names:
            return None
        t = self.steps[0].transition
        return time_left(t.min_years, t.max_years, self.years)


def time_left(min_years: int | None, max_years: int | None, years: float | int) -> tuple[float, float] | None:
    """(fewest, most) years left of a step that typically takes min–max years, after `years` already
    spent; None when the step has no known time."""
    if min_years is None and max_years is None:
        return None
    lo = min_years if min_years is not None else max_years
    hi = max_years if max_years is not None else min_years
    return max(0.0, lo - years), max(0.0, hi - years)


def _stage_rank(stage: str) -> int:
    return STAGE_ORDER.index(stage) if stage in STAGE_ORDER else len(STAGE_ORDER)


def make_plan(current: m.Role, target: m.Role, chain: Sequence[m.Transition] | None, *,
              way_back: Sequence[m.Transition] | None = None, years: float | int | None = None,
              discipline: m.Discipline | None = None, other_discipline: bool = False,
              held: Sequence[m.Certification] = (), skills: Sequence[m.Skill] = (),
              next_steps: Sequence[m.Transition] = (), ladder: Sequence[m.Transition] = (),
              timed: Sequence[m.Transition] = ()) -> CareerPlan:
    """The plan from `current` to `target` given `chain`, the shortest chain of transitions between them
    (None: none), and `way_back`, the chain from `target` to `current` (None: none). Pure: it only reads
    the objects it is given. `skills` are every stage skill; each step lists those of the stages it enters
    for the first time on the way (beyond the stages of the current role)."""
    common = dict(years=years, discipline=discipline, other_discipline=other_discipline, held=tuple(held),
                  timed=tuple(timed), next_steps=tuple(next_steps))
    if current.id == target.id:
        return CareerPlan(ALREADY_THERE, current, target, **common)
    if chain is None:
        if way_back:
            return CareerPlan(STEP_DOWN, current, target, way_back=tuple(way_back), **common)
        return CareerPlan(NO_ROUTE, current, target, ladder=tuple(ladder), **common)
    held_ids = {c.id for c in held}
    seen_stages = set(current.stage_names)
    top = max((_stage_rank(s) for s in seen_stages), default=-1)
    steps = []
    for t in chain:
        new = tuple(s for s in t.to_role.stage_names if s not in seen_stages and _stage_rank(s) > top)
        seen_stages.update(t.to_role.stage_names)
        top = max([top, *(_stage_rank(s) for s in t.to_role.stage_names)])
        steps.append(PlanStep(
            transition=t,
            certifications=tuple(c for c in t.certifications if c.id not in held_ids),
            held=tuple(c for c in t.certifications if c.id in held_ids),
            degrees=tuple(t.degrees),
            new_stages=new,
            skills=tuple(sk for sk in skills if sk.stage in new)))
    return CareerPlan(PLAN_OK, current, target, tuple(steps), **common)


def plan_for(session: Session, current: m.Role, target: m.Role, years: float | int | None = None,
             discipline: m.Discipline | None = None, other_discipline: bool = False,
             held: Sequence[m.Certification] = ()) -> CareerPlan:
    """The plan from `current` to `target`, from the knowledge base's transitions, skills and timings."""
    chain = q.shortest_path(session, current, target)
    way_back = q.shortest_path(session, target, current) if chain is None else None
    timed = [t for t in q.transitions(session) if t.min_years is not None or t.max_years is not None]
    return make_plan(current, target, chain, way_back=way_back, years=years, discipline=discipline,
                     other_discipline=other_discipline, held=held, skills=q.skills(session),
                     next_steps=q.next_steps(session, current),
                     ladder=q.ladder_to(session, target) if chain is None and not way_back else (),
                     timed=timed)


def reachable_roles(session: Session, start: m.Role) -> list[m.Role]:
    """Every role the transitions lead to from `start`, nearest first."""
    out: dict[int, list[m.Role]] = {}
    for t in q.transitions(session):
        out.setdefault(t.from_role_id, []).append(t.to_role)
    found: list[m.Role] = []
    queue, seen = deque([start.id]), {start.id}
    while queue:
        for r in out.get(queue.popleft(), []):
            if r.id not in seen:
                seen.add(r.id)
                found.append(r)
                queue.append(r.id)
    return found


def plan_buttons(plan: CareerPlan) -> list[dict[str, str]]:
    """The natural next questions after a plan."""
    goal = {n.ROLE: plan.target.name}
    return [render.button("Which certifications should I get?", n.ASK_CERTIFICATIONS),
            render.button(f"Talk to a mentor who is {render.with_article(plan.target.name)}", p.ASK_MENTOR, goal),
            render.button("Forget my details", p.FORGET_PROFILE)]


# ------------------------------------------------------------------ showing the plan
class ActionShowCareerPlan(KnowledgeAction):
    """The plan for the profile in the slots (after the form, or "what's my plan again?")."""

    topic = p.TOPIC_PLAN

    def name(self) -> str:
        """The action's name in the domain."""
        return p.ACTION_SHOW_CAREER_PLAN

    def answer(self, ctx: Context) -> Reply:
        """The plan; or what is still missing to make one."""
        prof = p.load_profile(ctx.session, ctx.tracker)
        if not prof.complete():
            missing = [label for label, value in (("your current role", prof.current),
                                                   ("the role you're aiming for", prof.target)) if value is None]
            return Reply([Message(text=render.render_plan_missing(missing), buttons=[p.plan_button()])], self.topic)
        plan = plan_for(ctx.session, prof.current, prof.target, prof.years, prof.discipline, prof.other_discipline,
                        prof.held)
        return Reply([Message(text=render.render_career_plan(plan), buttons=plan_buttons(plan))], self.topic,
                     {n.ROLE: plan.target.name})


def profile_certifications(ctx: Context) -> Reply | None:
    """"Which certifications should I get?" for a user who told their profile: those of the next steps of
    their plan, without the ones they hold; None when they told nothing that changes the general answer."""
    prof = p.load_profile(ctx.session, ctx.tracker)
    if prof.complete():
        plan = plan_for(ctx.session, prof.current, prof.target, prof.years, prof.discipline, prof.other_discipline,
                        prof.held)
        text = render.render_plan_certifications(plan, prof.held)
    elif prof.held:
        text = render.render_certifications_not_held(q.certifications(ctx.session), prof.held)
    else:
        return None
    buttons = [render.button(f"What is {c.abbreviation}?", n.ASK_CERTIFICATIONS, {n.CERTIFICATION: c.abbreviation})
               for c in q.certifications(ctx.session) if c not in prof.held][:2]
    return Reply([Message(text=text, buttons=buttons)], n.TOPIC_CERTIFICATIONS)


# ------------------------------------------------------------------ the form's questions
class ActionAskCurrentRole(KnowledgeAction):
    """The form asks for the current role, with the entry- and mid-level roles as buttons."""

    def name(self) -> str:
        """The action's name in the domain."""
        return p.ACTION_ASK_CURRENT_ROLE

    def answer(self, ctx: Context) -> Reply:
        """'What's your current role?'"""
        roles = render.unique([*q.roles(ctx.session, "entry"), *q.roles(ctx.session, "mid")], key=lambda r: r.id)
        buttons = [render.button(render.cap(r.name), n.INFORM, {n.ROLE: r.name}) for r in roles[:6]]
        return Reply([Message(text=render.render_ask_current_role(roles[:1]), buttons=buttons)])


class ActionAskTargetRole(KnowledgeAction):
    """The form asks for the target role, offering the roles reachable from the current one."""

    def name(self) -> str:
        """The action's name in the domain."""
        return p.ACTION_ASK_TARGET_ROLE

    def answer(self, ctx: Context) -> Reply:
        """'Which role are you aiming for?'"""
        current = q.role(ctx.session, ctx.tracker.get_slot(p.CURRENT_ROLE) or "")
        options = reachable_roles(ctx.session, current) if current is not None else []
        options = options or featured_roles(ctx.session)
        buttons = [render.button(render.cap(r.name), n.INFORM, {n.ROLE: r.name}) for r in options[:6]]
        return Reply([Message(text=render.render_ask_target_role(current), buttons=buttons)])


class ActionAskDiscipline(KnowledgeAction):
    """The form asks for the engineering discipline, with the known ones and 'Other' as buttons."""

    def name(self) -> str:
        """The action's name in the domain."""
        return p.ACTION_ASK_DISCIPLINE

    def answer(self, ctx: Context) -> Reply:
        """'Which engineering discipline do you come from?'"""
        disciplines = q.disciplines(ctx.session)
        buttons = [render.button(render.cap(d.name), n.INFORM, {n.DISCIPLINE: d.name}) for d in disciplines]
        buttons.append(render.button("Other", n.INFORM, {n.DISCIPLINE: p.OTHER_DISCIPLINE}))
        return Reply([Message(text=render.render_ask_discipline(disciplines), buttons=buttons)])


# ------------------------------------------------------------------ the form's validation
class ValidateCareerPlanForm(FormValidationAction):
    """Reads the profile out of each message during career_plan_form (any order, several answers in one
    message, corrections), and checks each value against the knowledge base."""

    def __init__(self, sessions: SessionFactory | None = None) -> None:
        """`sessions` makes a fresh database session per block; default: the action server's shared,
        memoising session (see bot.actions.base)."""
        self._sessions = sessions

    def _session(self) -> AbstractContextManager[Session]:
        return open_session(self._sessions)

    def name(self) -> str:
        """The action's name in the domain."""
        return p.VALIDATE_CAREER_PLAN_FORM

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        """Extract and validate; remember certifications the user says they hold; confirm corrections.
        Any failure becomes a polite message (the form then asks again)."""
        before = {slot: tracker.get_slot(slot) for slot in p.PLAN_SLOTS}
        requested = tracker.get_slot(p.REQUESTED_SLOT)
        try:
            with self._session() as session:
                spans = p.entity_spans(session, tracker)
            update = p.read_profile((tracker.latest_message or {}).get("text") or "", spans, requested, before)
            events = await super().run(dispatcher, tracker, domain)
        except Exception:  # the user gets a polite message whatever went wrong; the log gets the details
            logger.exception("validate_career_plan_form failed on %r", (tracker.latest_message or {}).get("text"))
            dispatcher.utter_message(response=n.UTTER_KB_UNAVAILABLE)
            return []
        if update.held and not self._interrupted(tracker, update):
            events.append(SlotSet(p.CERTIFICATIONS_HELD, p.merge_held(tracker, update.held)))
        changed = {e["name"]: e["value"] for e in events if e.get("event") == "slot" and e["name"] in p.PLAN_SLOTS}
        corrected = {k: v for k, v in changed.items() if v is not None and before.get(k) not in (None, v)}
        if corrected:
            dispatcher.utter_message(text=render.render_corrected(corrected))
        return events

    @staticmethod
    def _interrupted(tracker: Tracker, update: p.ProfileUpdate) -> bool:
        message = tracker.latest_message or {}
        return p.is_interruption(message.get("text") or "", (message.get("intent") or {}).get("name"), update)

    async def get_extraction_events(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                    domain: DomainDict) -> list[EventType]:
        """The slots the latest message fills (none when it is another question, or "stop")."""
        message = tracker.latest_message or {}
        requested = tracker.get_slot(p.REQUESTED_SLOT)
        known = {slot: tracker.get_slot(slot) for slot in p.PLAN_SLOTS}
        with self._session() as session:
            update = p.read_profile(message.get("text") or "", p.entity_spans(session, tracker), requested, known)
        if self._interrupted(tracker, update):
            return []
        values = update.slots()
        if update.free_text is not None and requested in p.PLAN_SLOTS:
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
                text=render.render_unknown_profile_role(value, close, q.roles(session)),
                buttons=[render.button(render.cap(r.name), n.INFORM, {n.ROLE: r.name}) for r in close])
        return {slot: None}

    def validate_current_role(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                              domain: DomainDict) -> dict[str, Any]:
        """A role of the knowledge base (any alias); otherwise the known roles, and the question again."""
        return self._role(p.CURRENT_ROLE, value, dispatcher, tracker)

    def validate_target_role(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                             domain: DomainDict) -> dict[str, Any]:
        """A role of the knowledge base (any alias); otherwise the known roles, and the question again."""
        return self._role(p.TARGET_ROLE, value, dispatcher, tracker)

    def validate_years_experience(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                  domain: DomainDict) -> dict[str, Any]:
        """A number of years from 0 to 50."""
        years = value if isinstance(value, (int, float)) and not isinstance(value, bool) else (
            p.parse_years(value, bare=True) if isinstance(value, str) else None)
        if years is None or not 0 <= years <= p.MAX_YEARS:
            dispatcher.utter_message(text=render.render_bad_years(p.MAX_YEARS))
            return {p.YEARS_EXPERIENCE: None}
        return {p.YEARS_EXPERIENCE: years}

    def validate_discipline(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                            domain: DomainDict) -> dict[str, Any]:
        """A discipline of the knowledge base, or 'other' (an engineering discipline it does not cover)."""
        if not isinstance(value, str) or not value.strip():
            return {p.DISCIPLINE: None}
        if value == p.OTHER_DISCIPLINE:
            return {p.DISCIPLINE: value}
        with self._session() as session:
            name = q.resolve(session, value, n.DISCIPLINE)
            if name is not None:
                return {p.DISCIPLINE: name.canonical}
            known = q.disciplines(session)
            if "engineer" in value.lower():
                dispatcher.utter_message(text=render.render_other_discipline(value, known))
                return {p.DISCIPLINE: p.OTHER_DISCIPLINE}
            dispatcher.utter_message(text=render.render_unknown_discipline(value, known))
        return {p.DISCIPLINE: None}
