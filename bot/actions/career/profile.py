"""The user's career profile, as pure logic: the parsers that read a profile out of a message ("I'm a project
engineer with four years' experience and want to be a director", "I already have PMP"), whether a message
during the form is an answer or another question, and the profile as the knowledge base knows it (read from
the slots). The actions that remember and forget it are in bot/actions/profile.py; the form in plan.py.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from rasa_sdk import Tracker
from sqlalchemy.orm import Session

from knowledge import queries as q
from knowledge.names import normalize_name

from .. import names as n
from ..render.text import unique

OTHER_DISCIPLINE = "other"  # the discipline slot's value for a discipline the knowledge base does not cover
MAX_YEARS = 50

# ------------------------------------------------------------------ years of experience
_UNITS = {"zero": 0, "no": 0, "none": 0, "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
          "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
          "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60}
_NUMBER_WORD = (r"(?:(?:twenty|thirty|forty|fifty|sixty)(?:[\s-]+(?:one|two|three|four|five|six|seven|eight|nine))?"
                r"|zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen"
                r"|sixteen|seventeen|eighteen|nineteen)")
_NUMBER = rf"(?:\d+(?:[.,]\d+)?|{_NUMBER_WORD}|a\s+couple(?:\s+of)?|an?)"
_YEAR_UNIT = r"(?:years?|yrs?\.?|y(?=\b)|yoe)"
_MONTH_UNIT = r"(?:months?|mos?\.?)"
_AMOUNT = re.compile(
    rf"(?<![\w.])(?P<num>{_NUMBER})(?P<half>\s+and\s+a\s+half)?\s*\+?\s*(?:-|to)?\s*(?:\d+\s*)?"
    rf"(?P<unit>{_YEAR_UNIT}|{_MONTH_UNIT})(?P<after>(?:'s|')?(?:\s+\w+){{0,3}})", re.IGNORECASE)
# "in 5 years I want to be...", "within two years": a time frame, not experience.
_TIMEFRAME_BEFORE = re.compile(r"\b(?:in|within|after|by|next|over\s+the\s+next|in\s+the\s+next|takes?|take|"
                               r"took|until|before)\s+(?:about\s+|around\s+|roughly\s+)?$", re.IGNORECASE)
_BARE = re.compile(rf"(?<![\w.])(?P<num>\d+(?:[.,]\d+)?|{_NUMBER_WORD})(?![\w.])", re.IGNORECASE)
_NO_EXPERIENCE = re.compile(r"\b(?:no|zero|without)\s+(?:work\s+|professional\s+|real\s+)?experience\b|"
                            r"\bjust\s+(?:started|graduated)\b|\bfresh\s+(?:grad|graduate)\b|\bnew\s+grad\b|"
                            r"^\s*(?:none|zero|nil|0)\s*[.!]?\s*$", re.IGNORECASE)
_HALF_YEAR = re.compile(r"(?<!and\s)\bhalf\s+a\s+year\b", re.IGNORECASE)


def _number(word: str) -> float | None:
    """'4' -> 4, '4.5' -> 4.5, 'four' -> 4, 'twenty-five' -> 25, 'a couple of' -> 2; None if not a number."""
    w = normalize_name(word).replace(",", ".")
    if re.fullmatch(r"\d+(?:\.\d+)?", w):
        return float(w)
    if w.startswith("a couple"):
        return 2.0
    parts = re.split(r"[\s-]+", w)
    if len(parts) == 1:
        if parts[0] in _UNITS:
            return float(_UNITS[parts[0]])
        return float(_TENS[parts[0]]) if parts[0] in _TENS else None
    if len(parts) == 2 and parts[0] in _TENS and parts[1] in _UNITS:
        return float(_TENS[parts[0]] + _UNITS[parts[1]])
    return None


def _tidy(value: float) -> float | int:
    """4.0 -> 4; 1.25 -> 1.2 (one decimal is precise enough for years)."""
    value = round(value, 1)
    return int(value) if value == int(value) else value


def parse_years(text: str, bare: bool = False) -> float | int | None:
    """The years of experience a message states ("4 years", "four yrs", "18 months", "no experience");
    with `bare`, a lone number ("4", "four", "about 4") counts too. None when it states none."""
    text = normalize_name(text or "").replace("\u00bd", ".5")
    if _HALF_YEAR.search(text):
        return 0.5
    for match in _AMOUNT.finditer(text):
        after = match.group("after").strip().lower()
        if after.startswith("old") or _TIMEFRAME_BEFORE.search(text[:match.start()]):
            continue
        number = _number(match.group("num"))
        if number is None:
            continue
        if match.group("half") or after.startswith("and a half"):
            number += 0.5
        if match.group("unit").lower().startswith("m"):
            number /= 12
        return _tidy(number)
    if _NO_EXPERIENCE.search(text):
        return 0
    if bare and len(text.split()) <= 6:
        match = _BARE.search(text)
        if match and not _TIMEFRAME_BEFORE.search(text[:match.start()]):
            number = _number(match.group("num"))
            return _tidy(number) if number is not None else None
    return None


def years_label(years: float | int) -> str:
    """'1 year', '4 years', '1.5 years', 'no experience yet'."""
    if years == 0:
        return "no experience yet"
    return f"{_tidy(float(years))} year" + ("" if years == 1 else "s")


# ------------------------------------------------------------------ roles, discipline, certifications
@dataclass(frozen=True)
class Span:
    """A knowledge-base thing named in a message: its kind, canonical name and character offsets."""

    kind: str
    name: str
    start: int
    end: int


@dataclass(frozen=True)
class ProfileUpdate:
    """What one message says about the user; None/empty for what it does not say."""

    current_role: str | None = None
    target_role: str | None = None
    years: float | int | None = None
    discipline: str | None = None
    held: tuple[str, ...] = ()
    free_text: str | None = None  # an answer naming nothing known (checked against the KB by the form)
    cued: bool = False  # the message says "I'm…", "I want to be…", "N years"… (so it is not a bare question)

    def slots(self) -> dict[str, Any]:
        """The plan slots this update fills."""
        values = {n.CURRENT_ROLE: self.current_role, n.YEARS_EXPERIENCE: self.years, n.TARGET_ROLE: self.target_role,
                  n.DISCIPLINE: self.discipline}
        return {k: v for k, v in values.items() if v is not None}

    def is_empty(self) -> bool:
        """True when the message says nothing about the profile."""
        return not self.slots() and not self.held and self.free_text is None


# Markers, strongest first: which side of the move a role named after them is on.
_PAST = re.compile(r"\b(?:was|got|been|recently|just)\s+(?:\w+\s+)?(?:promoted\s+to|became|made)\b|"
                   r"\bi\s+became\b", re.IGNORECASE)
_WANT = re.compile(r"\b(?:want|wanna|wants|wanted|would\s+like|'d\s+like|like\s+to|hope|hoping|aim|aiming|aims|"
                   r"aspire|aspiring|aspiration|goal|target|targeting|dream|plan\s+to|planning\s+to|become|becoming|"
                   r"reach|get\s+to|promoted|promotion|move\s+up|moving\s+up|step\s+up|grow\s+into|work\s+towards?|"
                   r"heading|next\s+step|eventually|someday|one\s+day|ambition|end\s+up)\b", re.IGNORECASE)
_NOW = re.compile(r"\b(?:i'?m|im|i\s+am|currently|current|now|at\s+the\s+moment|presently|today|work(?:ing)?\s+as|"
                  r"job\s+is|title\s+is|role\s+is|position\s+is|been\s+(?:a|an)|as\s+(?:a|an)|from|still|my\s+job)\b",
                  re.IGNORECASE)
_TOWARDS = re.compile(r"\b(?:to|towards?|into|for|->)\b|→|->", re.IGNORECASE)
_CLAUSE = re.compile(r"[,.;:!?()]|\s[-–—]\s|\b(?:and|but|so|though|although|while)\b", re.IGNORECASE)
_HELD = re.compile(r"\b(?:have|hold|holding|got|earned|obtained|passed|completed|finished|already|certified|"
                   r"with|own)\b", re.IGNORECASE)
_NOT_HELD = re.compile(r"\b(?:don'?t|do\s+not|haven'?t|have\s+not|no|not|without|yet|need|should|get|getting|"
                       r"which|what|worth|want|plan|planning|thinking|considering|study|studying|will)\b",
                       re.IGNORECASE)
_OTHER = re.compile(r"^\s*(?:other|others|another|none|none\s+of\s+(?:these|those|them|the\s+above)|something\s+else|"
                    r"n/?a|not\s+listed|it'?s\s+not\s+(?:there|listed)|different|skip)\b", re.IGNORECASE)
_FILLER = re.compile(r"^(?:(?:well|um+|uh+|so|ok(?:ay)?|actually|hmm+|i\s+think|i\s+guess|probably|maybe|"
                     r"i'?m|i\s+am|im|a|an|the|currently|my\s+(?:current\s+)?(?:role|job|title|discipline)\s+is|"
                     r"i\s+(?:want|would\s+like|'d\s+like)\s+to\s+(?:be(?:come)?|reach)|to\s+be(?:come)?|"
                     r"it'?s|that'?s|in|from|studied|i\s+studied|i\s+work\s+as)\s+)+", re.IGNORECASE)


def _clause_before(text: str, start: int, floor: int) -> str:
    """The words between the last clause break (or `floor`) and `start`."""
    window = text[floor:start]
    breaks = list(_CLAUSE.finditer(window))
    return window[breaks[-1].end():] if breaks else window


def role_side(text: str, span: Span, floor: int = 0) -> str | None:
    """Whether the role at `span` is the user's current role or their target, from the words before it
    in its clause ("I'm a…", "I want to become…", "from… to…"); None when the words do not say."""
    before = _clause_before(text, span.start, floor)
    if _PAST.search(before):
        return n.CURRENT_ROLE
    if _WANT.search(before):
        return n.TARGET_ROLE
    if _NOW.search(before):
        return n.CURRENT_ROLE
    if _TOWARDS.search(before):
        return n.TARGET_ROLE
    return None


_PART = re.compile(r"[,;.!?]|\bbut\b", re.IGNORECASE)
_LIST_JOIN = re.compile(r"^\s*(?:,|and|&|plus|as\s+well\s+as|\+)\s*(?:also\s+)?(?:(?:a|an|the|my)\s+)?$",
                        re.IGNORECASE)


def is_held(text: str, span: Span) -> bool:
    """True when the certification at `span` is one the user says they hold ("I already have PMP",
    "I'm PMP certified"), not one they ask about or plan to get."""
    window = text[:span.start]
    breaks = list(_PART.finditer(window))
    before = window[breaks[-1].end():] if breaks else window
    rest = text[span.end:]
    end = re.search(r"[.!?;,]", rest)
    if end and end.group() == "?":
        return False
    if _NOT_HELD.search(before):
        return False
    after = rest[:end.start()] if end else rest
    return bool(_HELD.search(before)) or bool(
        re.match(r"\s*(?:certified|certificate|certification\s+holder)\b", after, re.IGNORECASE))


def answer_phrase(text: str) -> str:
    """A typed answer with the filler around the name dropped: "I'm a rocket scientist." -> 'rocket scientist'."""
    phrase = normalize_name(text or "").strip(" .!?,;:'\"")
    phrase = _FILLER.sub("", phrase).strip(" .!?,;:'\"")
    return phrase


def read_profile(text: str, spans: Sequence[Span], requested: str | None = None,
                 known: dict[str, Any] | None = None) -> ProfileUpdate:
    """What a message says about the user's profile. `spans` are the knowledge-base things it names (from
    the NLU's entities), `requested` the slot the form just asked for, `known` the profile so far.
    Roles go to the current or target side by the words before them; a role with no such words answers the
    question asked, or fills the side still missing. Years need a unit ("4 years") unless they were asked for."""
    known = known or {}
    payload = (text or "").lstrip().startswith("/")  # a button: its entities answer the question asked
    text = "" if payload else text or ""
    roles = sorted((s for s in spans if s.kind == n.ROLE), key=lambda s: s.start)
    sides: dict[str, str] = {}
    unplaced: list[Span] = []
    floor = 0
    for span in roles:
        side = None if payload else role_side(text, span, floor)
        floor = span.end
        if side is None or side in sides:
            unplaced.append(span)
        else:
            sides[side] = span.name
    cued = bool(sides)
    for span in unplaced:
        free = [s for s in (n.CURRENT_ROLE, n.TARGET_ROLE) if s not in sides]
        if not free:
            break
        if requested in free:
            side = requested
        elif len(unplaced) > 1 or len(free) == 1:
            side = free[0]
        elif known.get(n.TARGET_ROLE) and not known.get(n.CURRENT_ROLE):
            side = n.CURRENT_ROLE
        else:
            side = n.TARGET_ROLE
        sides[side] = span.name
    years = parse_years(text, bare=requested == n.YEARS_EXPERIENCE)
    cued = cued or parse_years(text) is not None
    disciplines = [s.name for s in spans if s.kind == n.DISCIPLINE]
    discipline = disciplines[0] if disciplines else None
    if discipline is None and requested == n.DISCIPLINE and _OTHER.match(normalize_name(text)):
        discipline = OTHER_DISCIPLINE
    held: list[str] = []
    previous: Span | None = None  # the last certification found held, for lists ("PMP and CSM")
    for span in (s for s in spans if s.kind == n.CERTIFICATION):
        listed = previous is not None and _LIST_JOIN.match(text[previous.end:span.start])
        if is_held(text, span) or (listed and not text.startswith("/")):
            held.append(span.name)
            previous = span
    held = unique(held)
    cued = cued or bool(held)
    update = ProfileUpdate(sides.get(n.CURRENT_ROLE), sides.get(n.TARGET_ROLE), years, discipline, tuple(held), None,
                           cued)
    if update.is_empty() and requested in n.PLAN_SLOTS and not spans and not _QUESTION.search(text):
        phrase = answer_phrase(text)
        if phrase:
            return ProfileUpdate(free_text=phrase)
    return update


# Questions that interrupt the form rather than answer it ("what does a director do?").
_QUESTION = re.compile(r"\?|^\s*(?:what|which|who|whom|whose|when|where|why|how|can|could|should|would|is|are|"
                       r"do|does|did|will|tell\s+me|explain|compare)\b", re.IGNORECASE)
ANSWER_INTENTS = frozenset({n.INFORM, n.TELL_PROFILE, n.ASK_CAREER_PLAN, n.NLU_FALLBACK, None})


def is_interruption(text: str, intent: str | None, update: ProfileUpdate) -> bool:
    """True when a message during the form is another question to answer first, not an answer: a question
    of another intent that states nothing about the user ("I'm…", "N years", "I want to be…")."""
    if intent in (n.STOP, n.FORGET_PROFILE):
        return True
    if intent in ANSWER_INTENTS or update.cued:
        return False
    return bool(_QUESTION.search(text or ""))


# ------------------------------------------------------------------ reading the tracker
def entity_spans(session: Session, tracker: Tracker) -> list[Span]:
    """The knowledge-base things the latest message names, resolved to canonical names, with offsets."""
    message = tracker.latest_message or {}
    text = message.get("text") or ""
    spans: list[Span] = []
    for e in message.get("entities") or []:
        if not isinstance(e, dict) or e.get("entity") not in n.ENTITIES or not isinstance(e.get("value"), str):
            continue
        name = q.resolve(session, e["value"], e["entity"]) or q.resolve(session, e["value"])
        if name is None:
            continue
        start = e.get("start")
        if not isinstance(start, int):  # a button payload carries no offsets: place it by its text
            found = normalize_name(text).find(normalize_name(e["value"]))
            start = found if found >= 0 else len(text)
        end = e.get("end") if isinstance(e.get("end"), int) else start + len(e["value"])
        spans.append(Span(name.kind, name.canonical, start, end))
    return sorted(spans, key=lambda s: s.start)


def profile_of(tracker: Tracker) -> dict[str, Any]:
    """The profile slots that are set."""
    return {k: tracker.get_slot(k) for k in n.PROFILE_SLOTS if tracker.get_slot(k) not in (None, [], "")}


def held_certifications(tracker: Tracker) -> list[str]:
    """The certifications the user said they hold (abbreviations)."""
    value = tracker.get_slot(n.CERTIFICATIONS_HELD)
    if isinstance(value, str):
        value = [value]
    return [v for v in value or [] if isinstance(v, str) and v.strip()]


def merge_held(tracker: Tracker, new: Sequence[str]) -> list[str]:
    """The certifications held so far plus `new`, without repeats."""
    return unique([*held_certifications(tracker), *new])


@dataclass
class Profile:
    """The profile as the knowledge base knows it: ORM objects where the slot names a known thing."""

    current: Any = None
    target: Any = None
    years: float | int | None = None
    discipline: Any = None  # a Discipline, or None (unknown or "other")
    other_discipline: bool = False
    held: list[Any] = field(default_factory=list)  # Certification objects

    def complete(self) -> bool:
        """True when the plan can be made (both roles known)."""
        return self.current is not None and self.target is not None


def load_profile(session: Session, tracker: Tracker) -> Profile:
    """The profile from the slots, each value looked up in the knowledge base (unknown values are dropped)."""
    years = tracker.get_slot(n.YEARS_EXPERIENCE)
    discipline = tracker.get_slot(n.DISCIPLINE)
    return Profile(
        current=q.role(session, tracker.get_slot(n.CURRENT_ROLE) or ""),
        target=q.role(session, tracker.get_slot(n.TARGET_ROLE) or ""),
        years=years if isinstance(years, (int, float)) and not isinstance(years, bool) else None,
        discipline=q.discipline(session, discipline) if isinstance(discipline, str) else None,
        other_discipline=discipline == OTHER_DISCIPLINE,
        held=[c for c in (q.certification(session, a) for a in held_certifications(tracker)) if c is not None])
