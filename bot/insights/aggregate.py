"""The figures of the insights report, computed in one pass over the stored events.

Definitions (docs/insights.md repeats them for readers):

- A *message* is a user event (`type_name = 'user'`); a *conversation* is a sender id. A day's conversations
  are the sender ids that sent at least one message that day (UTC).
- A message's *turn* is everything the bot recorded after it until it listened again; its *outcome* comes
  from the names recorded in the turn (`outcomes.classify`); its *latency* is the time from the user event
  to the turn's first bot message.
- *Unanswered* messages: outcome "not covered" or "fallback", or answered with an intent confidence below
  LOW_CONFIDENCE.
- A *rephrase*: the next message of the same conversation, within REPHRASE_WINDOW seconds of an answered
  question, that starts with a correction ("no, I meant...") or shares at least REPHRASE_SIMILARITY of its
  words (Jaccard) without naming other entities (the same question about another role is a new question).
- The plan *funnel* counts conversations: started (ask_career_plan, or the career plan form activated), each
  form slot filled after that, plan given (action_show_career_plan), intro requested
  (action_request_mentor_intro).
"""
from __future__ import annotations

import functools
import re
from array import array
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone

import ujson  # twice as fast as json on Rasa's user events (a pinned requirement already)

from . import grouping, outcomes
from .privacy import mask
from .store import PLAN_SLOTS, Row

LOW_CONFIDENCE = 0.6
REPHRASE_WINDOW = 120.0
REPHRASE_SIMILARITY = 0.3
CORRECTION = re.compile(r"^(no\b|nope\b|not that\b|that's not\b|thats not\b|wrong\b|i meant\b|i mean\b|"
                        r"actually\b|i asked\b)", re.IGNORECASE)
#: intents after which a next message is not a rephrase (small talk, profile details)
NOT_QUESTIONS = frozenset({"greet", "goodbye", "thank", "bot_challenge", "inform", "tell_profile", "stop",
                           "forget_profile", "out_of_scope", "nlu_fallback"})
PLAN_INTENT = "ask_career_plan"
PLAN_FORM = "career_plan_form"
PLAN_GIVEN = "action_show_career_plan"
INTRO_REQUESTED = "action_request_mentor_intro"
ENTITY_KINDS = ("role", "certification", "degree")
UNANSWERED_EXAMPLES = 5
REPHRASE_EXAMPLES = 200
_UTTER_ACTION = re.compile(r'"utter_action":\s*"([^"]+)"')
_SLOT_VALUE_NULL = re.compile(r'"value":\s*null')


def day_of(timestamp: float) -> str:
    """The UTC date (YYYY-MM-DD) of a Unix timestamp."""
    return _day(int(timestamp // 86400))


@functools.lru_cache(maxsize=4096)
def _day(days_since_epoch: int) -> str:
    return datetime.fromtimestamp(days_since_epoch * 86400, tz=timezone.utc).strftime("%Y-%m-%d")


@dataclass
class Unanswered:
    """One distinct unanswered message (by its normalized, masked text) and how often it came."""

    text: str
    count: int = 0
    reasons: Counter = field(default_factory=Counter)
    likely: Counter = field(default_factory=Counter)
    conversations: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class UnansweredGroup:
    """Similar unanswered messages."""

    count: int
    examples: tuple[tuple[str, int], ...]  # (masked text, count), most frequent first
    texts: tuple[str, ...]  # every distinct masked text of the group
    reasons: tuple[tuple[str, int], ...]
    likely_intents: tuple[tuple[str, int], ...]  # intents of the NLU's ranking (nlu_fallback left out)
    conversations: tuple[str, ...]  # pseudonyms of a few conversations


@dataclass(frozen=True)
class Rephrase:
    """A question that got an answer and was asked again differently right after."""

    conversation: str
    asked: str
    answered_by: str
    rephrased: str
    seconds: float


@dataclass
class Insights:
    """Everything the report shows, as data."""

    since: float | None
    until: float
    conversations: int = 0
    messages: int = 0
    per_day: list[tuple[str, int, int]] = field(default_factory=list)  # (day, conversations, messages)
    channels: list[tuple[str, int, int]] = field(default_factory=list)  # (channel, conversations, messages)
    intents: list[tuple[str, int]] = field(default_factory=list)
    outcomes: list[tuple[str, int]] = field(default_factory=list)
    unanswered_messages: int = 0
    unanswered: list[UnansweredGroup] = field(default_factory=list)
    rephrases: int = 0
    rephrased_answers: list[tuple[str, int]] = field(default_factory=list)
    rephrase_examples: list[Rephrase] = field(default_factory=list)
    funnel: list[tuple[str, int]] = field(default_factory=list)
    entities: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    latencies: array = field(default_factory=lambda: array("d"))  # seconds, one per reply, in order
    events: int = 0


@dataclass(slots=True)
class _Turn:
    timestamp: float
    text: str
    intent: str | None
    confidence: float | None
    likely: tuple[str, ...]
    names: list[str]  # the intent, the actions run and the responses uttered
    entities: frozenset = frozenset()  # (kind, value) pairs the message named
    actions: list[str] = field(default_factory=list)
    first_reply: float | None = None


@dataclass(slots=True)
class _Previous:
    timestamp: float
    text: str
    intent: str | None
    answered_by: str
    asked_back: bool
    entities: frozenset


@dataclass(slots=True)
class _Sender:
    pseudonym: str
    last_day: str = ""
    channels: tuple = ()  # the channels it wrote from (mostly one: a tuple is smaller than a set)
    turn: _Turn | None = None
    previous: _Previous | None = None
    plan_started: bool = False
    funnel: tuple = ()  # the funnel steps it reached


class Aggregator:
    """Feed it the events in stored order (`add`), then `result()`."""

    def __init__(self, pseudonymize: Callable[[str], str], since: float | None, until: float,
                 low_confidence: float = LOW_CONFIDENCE) -> None:
        self.pseudonymize = pseudonymize
        self.low_confidence = low_confidence
        self.insights = Insights(since, until)
        self._senders: dict[str, _Sender] = {}
        self._day_conversations: Counter = Counter()
        self._day_messages: Counter = Counter()
        self._channel_conversations: Counter = Counter()
        self._channel_messages: Counter = Counter()
        self._intents: Counter = Counter()
        self._outcomes: Counter = Counter({outcome: 0 for outcome in outcomes.OUTCOMES})
        self._unanswered: dict[str, Unanswered] = {}
        self._rephrased_answers: Counter = Counter()
        self._funnel: Counter = Counter()
        self._entities: dict[str, Counter] = {kind: Counter() for kind in ENTITY_KINDS}

    def add_all(self, rows: Iterable[Row]) -> Aggregator:
        """Add every row; returns self."""
        add = self.add
        for row in rows:
            add(row)
        return self

    def add(self, row: Row) -> None:
        """Take one event into account."""
        _, sender_id, kind, timestamp, _, name, data = row
        self.insights.events += 1
        sender = self._senders.get(sender_id)
        if sender is None:
            sender = self._senders[sender_id] = _Sender(self.pseudonymize(sender_id))
        if kind == "action":
            if name == "action_listen":
                self._finish(sender)
            elif name not in outcomes.IGNORED_ACTIONS and name:
                turn = sender.turn
                if turn is not None:
                    turn.names.append(name)
                    turn.actions.append(name)
                if name == PLAN_FORM:
                    self._plan_started(sender)
                elif name == PLAN_GIVEN:
                    self._reach(sender, "plan given")
                elif name == INTRO_REQUESTED:
                    self._reach(sender, "intro requested")
        elif kind == "user":
            self._user(row, sender)
        elif kind == "bot":
            turn = sender.turn
            if turn is not None:
                if turn.first_reply is None and timestamp is not None:
                    turn.first_reply = timestamp
                if data and "utter_action" in data:
                    found = _UTTER_ACTION.search(data)
                    if found:
                        turn.names.append(found.group(1))
        elif kind == "slot":
            if name in PLAN_SLOTS and sender.plan_started and data and not _SLOT_VALUE_NULL.search(data):
                self._reach(sender, f"{name} given")
        elif kind == "active_loop" and name == PLAN_FORM:
            self._plan_started(sender)

    # ---------------------------------------------------------------- events
    def _user(self, row: Row, sender: _Sender) -> None:
        self._finish(sender)
        _, _, _, timestamp, intent_name, _, raw = row
        data = ujson.loads(raw or "{}")
        parse = data.get("parse_data") or {}
        intent_info = parse.get("intent") or {}
        intent = intent_name or intent_info.get("name")
        confidence = intent_info.get("confidence")
        text = data.get("text") or ""
        channel = data.get("input_channel") or "unknown"
        insights = self.insights
        insights.messages += 1
        day = day_of(timestamp)
        if not sender.last_day:
            insights.conversations += 1
        if day != sender.last_day:
            self._day_conversations[day] += 1
            sender.last_day = day
        self._day_messages[day] += 1
        self._channel_messages[channel] += 1
        if channel not in sender.channels:
            sender.channels += (channel,)
            self._channel_conversations[channel] += 1
        self._intents[intent or "(none)"] += 1
        named: set[tuple[str, str]] = set()
        for entity in parse.get("entities") or ():
            kind, value = entity.get("entity"), entity.get("value")
            if isinstance(kind, str) and isinstance(value, str) and (kind, value.lower()) not in named:
                named.add((kind, value.lower()))
                if kind in self._entities:
                    self._entities[kind][value.lower()] += 1
        likely = tuple(r.get("name") for r in parse.get("intent_ranking") or ()
                       if isinstance(r, dict) and r.get("name") not in (None, "nlu_fallback"))[:3]
        self._rephrase(sender, timestamp, text, frozenset(named))
        sender.turn = _Turn(timestamp, text, intent, confidence, likely, [intent] if intent else [],
                            frozenset(named))
        if intent == PLAN_INTENT:
            self._plan_started(sender)

    def _plan_started(self, sender: _Sender) -> None:
        sender.plan_started = True
        self._reach(sender, "started")

    def _reach(self, sender: _Sender, stage: str) -> None:
        if stage not in sender.funnel:
            sender.funnel += (stage,)
            self._funnel[stage] += 1

    def _rephrase(self, sender: _Sender, timestamp: float, text: str, entities: frozenset) -> None:
        previous = sender.previous
        if previous is None or text.startswith("/") or previous.asked_back:
            return
        if timestamp - previous.timestamp > REPHRASE_WINDOW:
            return
        if grouping.normalize(text) == grouping.normalize(previous.text):
            return
        if CORRECTION.match(text.strip()) is None:
            # The same question about another role (certification...) is a new question, not a rephrase.
            if entities and entities != previous.entities:
                return
            if grouping.similarity(grouping.words(text), grouping.words(previous.text)) < REPHRASE_SIMILARITY:
                return
        insights = self.insights
        insights.rephrases += 1
        self._rephrased_answers[previous.answered_by] += 1
        if len(insights.rephrase_examples) < REPHRASE_EXAMPLES:
            insights.rephrase_examples.append(Rephrase(sender.pseudonym, mask(previous.text), previous.answered_by,
                                                       mask(text), round(timestamp - previous.timestamp, 1)))
        sender.previous = None  # one rephrase per answer

    def _finish(self, sender: _Sender) -> None:
        """Close the sender's open turn: its outcome, latency, and whether it is unanswered."""
        turn = sender.turn
        if turn is None:
            return
        sender.turn = None
        outcome = outcomes.classify(tuple(turn.names))
        self._outcomes[outcome] += 1
        if turn.first_reply is not None:
            self.insights.latencies.append(max(0.0, turn.first_reply - turn.timestamp))
        reason = None
        if outcome in outcomes.UNANSWERED_OUTCOMES:
            reason = outcome
        elif (outcome == outcomes.ANSWERED and turn.confidence is not None
              and turn.confidence < self.low_confidence):
            reason = "low confidence"
        if reason is not None and turn.text.strip() and not turn.text.startswith("/"):
            self._add_unanswered(sender, turn, reason)
        answered_by = turn.actions[0] if turn.actions else "(no action)"
        asked_back = any("_ask_" in name or name.startswith("utter_ask") or name == PLAN_FORM for name in turn.names)
        if outcome == outcomes.ANSWERED and turn.intent not in NOT_QUESTIONS and not turn.text.startswith("/"):
            sender.previous = _Previous(turn.timestamp, turn.text, turn.intent, answered_by, asked_back,
                                        turn.entities)
        else:
            sender.previous = None

    def _add_unanswered(self, sender: _Sender, turn: _Turn, reason: str) -> None:
        text = mask(" ".join(turn.text.split()))
        key = grouping.normalize(text)
        entry = self._unanswered.get(key)
        if entry is None:
            entry = self._unanswered[key] = Unanswered(text)
        entry.count += 1
        entry.reasons[reason] += 1
        entry.likely.update(turn.likely)
        if len(entry.conversations) < 3 and sender.pseudonym not in entry.conversations:
            entry.conversations.append(sender.pseudonym)
        self.insights.unanswered_messages += 1

    # ---------------------------------------------------------------- result
    def result(self) -> Insights:
        """The figures, once every event was added."""
        for sender in self._senders.values():
            self._finish(sender)
        insights = self.insights
        days = sorted(set(self._day_messages))
        insights.per_day = [(day, self._day_conversations[day], self._day_messages[day]) for day in days]
        insights.channels = sorted(((channel, self._channel_conversations[channel], messages)
                                    for channel, messages in self._channel_messages.items()),
                                   key=lambda item: (-item[2], item[0]))
        insights.intents = _ranked(self._intents)
        insights.outcomes = [(outcome, self._outcomes[outcome]) for outcome in outcomes.OUTCOMES]
        insights.unanswered = unanswered_groups(self._unanswered.values())
        insights.rephrased_answers = _ranked(self._rephrased_answers)
        stages = ["started", *(f"{slot} given" for slot in PLAN_SLOTS), "plan given", "intro requested"]
        insights.funnel = [(stage, self._funnel[stage]) for stage in stages]
        insights.entities = {kind: _ranked(counter) for kind, counter in self._entities.items()}
        return insights


def unanswered_groups(entries: Iterable[Unanswered]) -> list[UnansweredGroup]:
    """Similar unanswered messages grouped, most frequent group first."""
    groups = grouping.group(list(entries), text_of=lambda e: e.text, weight_of=lambda e: e.count)
    out = []
    for found in groups:
        members = sorted(found.members, key=lambda e: (-e.count, e.text))
        reasons: Counter = Counter()
        likely: Counter = Counter()
        conversations: list[str] = []
        for member in members:
            reasons.update(member.reasons)
            likely.update(member.likely)
            conversations += [c for c in member.conversations if c not in conversations]
        out.append(UnansweredGroup(
            count=sum(m.count for m in members),
            examples=tuple((m.text, m.count) for m in members[:UNANSWERED_EXAMPLES]),
            texts=tuple(m.text for m in members),
            reasons=tuple(_ranked(reasons)),
            likely_intents=tuple(_ranked(likely)[:3]),
            conversations=tuple(conversations[:3]),
        ))
    out.sort(key=lambda g: (-g.count, g.examples[0][0]))
    return out


def _ranked(counter: Counter) -> list[tuple[str, int]]:
    """(name, count) pairs, highest count first, then by name."""
    return sorted(counter.items(), key=lambda item: (-item[1], item[0]))
