"""The personal career plan, as pure logic.

`make_plan` is the pure computation (ORM objects in, a CareerPlan out): the chain of role transitions from
the current role to the target, what to build at each step (what helps, certifications not yet held,
degrees, the skills of each new career stage), the time where the source gives one, and the moves the
source names for the user's discipline. `plan_for` gathers those objects with the knowledge-base queries.
The form and the actions showing the plan are in bot/actions/plan.py.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from knowledge import models as m
from knowledge import queries as q

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
    timed = q.timed_transitions(session)
    return make_plan(current, target, chain, way_back=way_back, years=years, discipline=discipline,
                     other_discipline=other_discipline, held=held, skills=q.skills(session),
                     next_steps=q.next_steps(session, current),
                     ladder=q.ladder_to(session, target) if chain is None and not way_back else (),
                     timed=timed)
