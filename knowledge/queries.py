"""Read functions over the knowledge base. Each takes a Session first and returns ORM objects or
small frozen dataclasses, never text.

A session can opt in to memoising these functions with `enable_cache(session)`: a long-lived reader (the
action server) then runs each distinct question once per knowledge-base build instead of once per request.
Without it every call runs its SQL, as the CLI, the loader and the tests expect. `build_id(session)` tells
which load wrote the content, so the holder of a caching session knows when to drop it.
"""
from __future__ import annotations

import functools
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass
from difflib import get_close_matches
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from . import models as m
from .names import normalize_name

_CACHE_KEY = "knowledge.queries.cache"
#: default bound on the entries of one session's memo (keys include user text, so it must not grow forever)
DEFAULT_CACHE_ENTRIES = 20_000
_MISSING = object()
_F = TypeVar("_F", bound=Callable[..., Any])


class _Memo(OrderedDict):
    """A session's memo: (function, args, kwargs) -> result, least recently used first."""

    def __init__(self, max_entries: int) -> None:
        super().__init__()
        self.max_entries = max_entries


def enable_cache(session: Session, max_entries: int = DEFAULT_CACHE_ENTRIES) -> None:
    """Memoise this module's query functions on `session` from now on (kept in `session.info`).

    Only for a session over a knowledge base that does not change while the session lives (check
    `build_id` and drop the session when it changes). Cached ORM objects are shared by every caller that
    asks the same question, so callers must treat them as read-only; lists are copied on every call.
    """
    if not isinstance(session.info.get(_CACHE_KEY), _Memo):
        session.info[_CACHE_KEY] = _Memo(max_entries)


def cache_enabled(session: Session) -> bool:
    """Whether `enable_cache` was called on `session`."""
    return isinstance(session.info.get(_CACHE_KEY), _Memo)


def _memoised(fn: _F) -> _F:
    """Wrap a read-only, deterministic query function so that a caching session answers repeats from memory.

    Sessions without `enable_cache` (and calls with unhashable arguments) go straight through.
    """
    @functools.wraps(fn)
    def wrapper(session: Session, *args: Any, **kwargs: Any) -> Any:
        memo = session.info.get(_CACHE_KEY)
        if memo is None:
            return fn(session, *args, **kwargs)
        key = (fn, args, tuple(sorted(kwargs.items())) if kwargs else ())
        try:
            found = memo.get(key, _MISSING)
        except TypeError:  # an unhashable argument: no caching for this call
            return fn(session, *args, **kwargs)
        if found is _MISSING:
            found = fn(session, *args, **kwargs)
            memo[key] = found
            if len(memo) > memo.max_entries:
                memo.popitem(last=False)
        else:
            memo.move_to_end(key)
        return list(found) if isinstance(found, list) else found  # callers may change their list, not ours

    return wrapper  # type: ignore[return-value]


_LATEST_BUILD = (f"SELECT build_id FROM {m.KnowledgeBuild.__tablename__} "
                 "ORDER BY id DESC LIMIT 1")


def build_id(session: Session) -> str | None:
    """The id of the load that wrote the current content; None for a database without one (an older
    schema, an empty file) or that cannot be read now (locked, unreachable). Never cached; leaves `session`
    usable. On SQLite a failed SELECT leaves the transaction as it was, so the plain statement runs in it
    directly (this runs before every action); elsewhere (PostgreSQL aborts the transaction on any error) it
    runs in a savepoint."""
    try:
        if session.get_bind().dialect.name == "sqlite":
            return session.connection().exec_driver_sql(_LATEST_BUILD).scalar()
        with session.begin_nested():
            return session.scalars(select(m.KnowledgeBuild.build_id)
                                   .order_by(m.KnowledgeBuild.id.desc()).limit(1)).first()
    except SQLAlchemyError:
        return None


@dataclass(frozen=True)
class Name:
    """A resolved user-facing name: the kind of thing and its canonical name."""

    kind: str
    canonical: str


@_memoised
def resolve(session: Session, text: str, kind: str | None = None) -> Name | None:
    """The thing `text` names (any alias, any case), optionally only of `kind`; None when unknown."""
    if not text:
        return None
    stmt = select(m.Alias).where(m.Alias.text == normalize_name(text))
    if kind:
        stmt = stmt.where(m.Alias.kind == kind)
    alias = session.scalars(stmt).first()
    return Name(alias.kind, alias.canonical) if alias else None


@_memoised
def suggest(session: Session, text: str, kind: str | None = None, n: int = 3) -> list[Name]:
    """The known names closest to `text` (for "did you mean"), best first."""
    stmt = select(m.Alias)
    if kind:
        stmt = stmt.where(m.Alias.kind == kind)
    by_text = {a.text: a for a in session.scalars(stmt)}
    out: list[Name] = []
    for match in get_close_matches(normalize_name(text or ""), list(by_text), n=n * 3, cutoff=0.5):
        name = Name(by_text[match].kind, by_text[match].canonical)
        if name not in out:
            out.append(name)
    return out[:n]


@_memoised
def aliases(session: Session) -> list[m.Alias]:
    """Every alias row (canonical names included), ordered by kind then text."""
    return list(session.scalars(select(m.Alias).order_by(m.Alias.kind, m.Alias.text)))


def _one_by_alias(session: Session, model, column, kind: str, text: str):
    name = resolve(session, text, kind)
    return session.scalars(select(model).where(column == name.canonical)).first() if name else None


# ---------------------------------------------------------------- roles and the ladder
@_memoised
def role(session: Session, name: str) -> m.Role | None:
    """The role called `name` (any alias), or None."""
    return _one_by_alias(session, m.Role, m.Role.name, "role", name)


@_memoised
def roles(session: Session, stage: str | None = None) -> list[m.Role]:
    """All roles in data order, or those named at `stage`."""
    stmt = select(m.Role).order_by(m.Role.position)
    if stage:
        stmt = stmt.join(m.RoleStage).where(m.RoleStage.stage == stage)
    return list(session.scalars(stmt).unique())


@_memoised
def transitions(session: Session) -> list[m.Transition]:
    """Every role transition in data order."""
    return list(session.scalars(select(m.Transition).order_by(m.Transition.position)))


@_memoised
def next_steps(session: Session, role_: m.Role) -> list[m.Transition]:
    """Transitions leading out of `role_`."""
    return list(session.scalars(select(m.Transition).where(m.Transition.from_role_id == role_.id)
                                .order_by(m.Transition.position)))


@_memoised
def ways_in(session: Session, role_: m.Role) -> list[m.Transition]:
    """Transitions leading into `role_`."""
    return list(session.scalars(select(m.Transition).where(m.Transition.to_role_id == role_.id)
                                .order_by(m.Transition.position)))


@_memoised
def shortest_path(session: Session, start: m.Role, goal: m.Role) -> list[m.Transition] | None:
    """The fewest-steps chain of transitions from `start` to `goal` ([] when equal, None when unreachable)."""
    if start.id == goal.id:
        return []
    out: dict[int, list[m.Transition]] = {}
    for t in transitions(session):
        out.setdefault(t.from_role_id, []).append(t)
    previous: dict[int, m.Transition] = {}
    queue, seen = deque([start.id]), {start.id}
    while queue:
        here = queue.popleft()
        for t in out.get(here, []):
            if t.to_role_id in seen:
                continue
            seen.add(t.to_role_id)
            previous[t.to_role_id] = t
            if t.to_role_id == goal.id:
                chain = [t]
                while chain[0].from_role_id != start.id:
                    chain.insert(0, previous[chain[0].from_role_id])
                return chain
            queue.append(t.to_role_id)
    return None


@_memoised
def ladder_to(session: Session, goal: m.Role) -> list[m.Transition]:
    """The shortest ladder of transitions from an entry-level role up to `goal` ([] if none or entry-level)."""
    best: list[m.Transition] | None = None
    for start in roles(session, "entry"):
        chain = shortest_path(session, start, goal)
        if chain is not None and (best is None or len(chain) < len(best)):
            best = chain
    return best or []


# ---------------------------------------------------------------- comparisons
@dataclass(frozen=True)
class ComparisonView:
    """A stored comparison seen from the order the user asked in (`swapped` when asked right-to-left)."""

    comparison: m.Comparison
    swapped: bool


@_memoised
def comparison(session: Session, a: m.Role, b: m.Role) -> ComparisonView | None:
    """The stored comparison between roles `a` and `b`, in either order, or None."""
    for left, right, swapped in ((a, b, False), (b, a, True)):
        found = session.scalars(select(m.Comparison).where(
            m.Comparison.left_role_id == left.id, m.Comparison.right_role_id == right.id)).first()
        if found:
            return ComparisonView(found, swapped)
    return None


# ---------------------------------------------------------------- certifications, degrees, skills
@_memoised
def certification(session: Session, name: str) -> m.Certification | None:
    """The certification called `name` (abbreviation, full name or alias), or None."""
    return _one_by_alias(session, m.Certification, m.Certification.abbreviation, "certification", name)


@_memoised
def certifications(session: Session, stage: str | None = None) -> list[m.Certification]:
    """All certifications in data order, or those that help at `stage`."""
    stmt = select(m.Certification).order_by(m.Certification.position)
    if stage:
        stmt = stmt.join(m.CertificationStage).where(m.CertificationStage.stage == stage)
    return list(session.scalars(stmt).unique())


@_memoised
def degree(session: Session, name: str) -> m.Degree | None:
    """The degree called `name` (key, name or alias), or None."""
    return _one_by_alias(session, m.Degree, m.Degree.key, "degree", name)


@_memoised
def degrees(session: Session) -> list[m.Degree]:
    """All degrees in data order."""
    return list(session.scalars(select(m.Degree).order_by(m.Degree.position)))


@_memoised
def skills(session: Session, stage: str | None = None) -> list[m.Skill]:
    """Skills in data order, all or for one stage ('general', 'entry', 'mid', 'advanced', 'executive')."""
    stmt = select(m.Skill).order_by(m.Skill.position)
    if stage:
        stmt = stmt.where(m.Skill.stage == stage)
    return list(session.scalars(stmt))


# ---------------------------------------------------------------- specializations, industries, disciplines
@_memoised
def specialization(session: Session, name: str) -> m.Specialization | None:
    """The specialization called `name`, or None."""
    return _one_by_alias(session, m.Specialization, m.Specialization.name, "specialization", name)


@_memoised
def specializations(session: Session) -> list[m.Specialization]:
    """All specializations in data order."""
    return list(session.scalars(select(m.Specialization).order_by(m.Specialization.position)))


@_memoised
def specializations_for_role(session: Session, role_: m.Role) -> list[m.Specialization]:
    """Specializations that lead to `role_`."""
    return [s for s in specializations(session) if any(r.id == role_.id for r in s.roles)]


@_memoised
def industry(session: Session, name: str) -> m.Industry | None:
    """The industry called `name`, or None."""
    return _one_by_alias(session, m.Industry, m.Industry.name, "industry", name)


@_memoised
def industries(session: Session, pay: str | None = None) -> list[m.Industry]:
    """All industries in data order, or those whose pay is `pay` ('high' or 'competitive')."""
    stmt = select(m.Industry).order_by(m.Industry.position)
    if pay:
        stmt = stmt.where(m.Industry.pay == pay)
    return list(session.scalars(stmt))


@_memoised
def discipline(session: Session, name: str) -> m.Discipline | None:
    """The discipline called `name`, or None."""
    return _one_by_alias(session, m.Discipline, m.Discipline.name, "discipline", name)


@_memoised
def disciplines(session: Session) -> list[m.Discipline]:
    """All disciplines in data order."""
    return list(session.scalars(select(m.Discipline).order_by(m.Discipline.position)))


# ---------------------------------------------------------------- market
@_memoised
def market_fact(session: Session, key: str) -> m.MarketFact | None:
    """The market fact with `key` (average_salary, salary_range, mba_premium, outlook, roi), or None."""
    return session.scalars(select(m.MarketFact).where(m.MarketFact.key == key)).first()


@_memoised
def market_facts(session: Session) -> list[m.MarketFact]:
    """All market facts in data order."""
    return list(session.scalars(select(m.MarketFact).order_by(m.MarketFact.position)))


@_memoised
def employers(session: Session) -> list[m.Employer]:
    """Companies named as continuously posting engineering-management roles."""
    return list(session.scalars(select(m.Employer).order_by(m.Employer.position)))


# ---------------------------------------------------------------- anything by name
@_memoised
def lookup(session: Session, text: str):
    """The role, certification, degree, specialization, industry or discipline `text` names, or None."""
    name = resolve(session, text)
    if name is None:
        return None
    return {"role": role, "certification": certification, "degree": degree, "specialization": specialization,
            "industry": industry, "discipline": discipline}[name.kind](session, name.canonical)


# ---------------------------------------------------------------- mentors
@_memoised
def mentors(session: Session, include_unavailable: bool = False) -> list[m.Mentor]:
    """The mentors in data order; those marked unavailable only when asked for."""
    stmt = select(m.Mentor).order_by(m.Mentor.position)
    if not include_unavailable:
        stmt = stmt.where(m.Mentor.availability != "unavailable")
    return list(session.scalars(stmt))


@_memoised
def mentor(session: Session, slack_user_id: str) -> m.Mentor | None:
    """The mentor with this Slack member ID, or None."""
    return session.scalars(select(m.Mentor).where(m.Mentor.slack_user_id == (slack_user_id or "").strip())).first()


@_memoised
def mentors_in_role(session: Session, role_: m.Role) -> list[m.Mentor]:
    """The available mentors whose current role is `role_`."""
    return [x for x in mentors(session) if x.role_id == role_.id]


@_memoised
def mentors_with_area(session: Session, name: Name) -> list[m.Mentor]:
    """The available mentors who list `name` (a resolved KB name) among their areas."""
    return [x for x in mentors(session)
            if any(a.kind == name.kind and a.canonical == name.canonical for a in x.areas)]


# ---------------------------------------------------------------- across topics
# Keys of entries that answers tie together: MEM programs offer the specializations, the MBA pay premium
# and the MEM's return on investment are market facts, and "the bachelor's degree" is the degree of that level.
MEM_KEY = "MEM"
MBA_KEY = "MBA"
MBA_PREMIUM_FACT = "mba_premium"
DEGREE_ROI_FACT = "roi"  # "Return on investment of an engineering management degree" (the MEM)
BACHELOR_LEVEL = "bachelor"


@_memoised
def managed_by(session: Session, role_: m.Role) -> list[m.Role]:
    """The roles that report to `role_` (the inverse of Role.reports_to), in data order."""
    stmt = (select(m.Role).join(m.ReportingLine, m.ReportingLine.role_id == m.Role.id)
            .where(m.ReportingLine.manager_id == role_.id).order_by(m.Role.position))
    return list(session.scalars(stmt).unique())


@_memoised
def compared_with(session: Session, role_: m.Role) -> list[m.Role]:
    """The roles `role_` has a stored side-by-side comparison with."""
    stmt = select(m.Comparison).where((m.Comparison.left_role_id == role_.id)
                                      | (m.Comparison.right_role_id == role_.id))
    return [c.right_role if c.left_role_id == role_.id else c.left_role for c in session.scalars(stmt)]


@_memoised
def stored_pairs(session: Session) -> list[tuple[m.Role, m.Role]]:
    """The role pairs the knowledge base has a side-by-side table for."""
    return [(c.left_role, c.right_role) for c in session.scalars(select(m.Comparison).order_by(m.Comparison.id))]


@_memoised
def reachable_roles(session: Session, start: m.Role) -> list[m.Role]:
    """Every role the transitions lead to from `start`, nearest first."""
    out: dict[int, list[m.Role]] = {}
    for t in transitions(session):
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


@_memoised
def timed_transitions(session: Session) -> list[m.Transition]:
    """The transitions the source gives a typical time for."""
    return [t for t in transitions(session) if t.min_years is not None or t.max_years is not None]


@_memoised
def bachelor_degree(session: Session) -> m.Degree | None:
    """The bachelor's degree entry of the knowledge base, if any."""
    return next((d for d in degrees(session) if d.level == BACHELOR_LEVEL), None)


@_memoised
def mba_premium(session: Session, degrees_: tuple[m.Degree, ...]) -> m.MarketFact | None:
    """The MBA pay-premium fact when one of `degrees_` is the MBA, else None."""
    if any(d.key == MBA_KEY for d in degrees_):
        return market_fact(session, MBA_PREMIUM_FACT)
    return None


@_memoised
def degree_facts(session: Session, degree_: m.Degree) -> list[m.MarketFact]:
    """The market facts about `degree_`: the MBA's pay premium, the MEM's return on investment."""
    key = {MBA_KEY: MBA_PREMIUM_FACT, MEM_KEY: DEGREE_ROI_FACT}.get(degree_.key)
    fact = market_fact(session, key) if key else None
    return [fact] if fact is not None else []


@_memoised
def degree_specializations(session: Session, degree_: m.Degree) -> list[m.Specialization]:
    """The specializations a degree opens (the MEM's program specializations)."""
    return specializations(session) if degree_.key == MEM_KEY else []
