"""The abstract base of every knowledge-base action.

A run gets one session, works out what the user is talking about (entities in the message first, then
phrases like "become an astronaut" checked against the knowledge base, then the slots remembered from
earlier turns), lets the subclass build its reply, and returns SlotSet events for what it used plus the
`topic`. Any failure (the database unreachable, a bug) becomes a polite message and a log entry: the user
never sees a traceback.

Sessions: an action given a session factory (the tests) opens a fresh session per run. An action made
without one (the action server) shares knowledge.db.shared_sessions(): one long-lived session that memoises
the knowledge queries and is replaced when `python -m knowledge load` writes a new build. That relies on
rasa_sdk calling synchronous actions one at a time on its event-loop thread (a run that overlaps another
gets a plain session of its own), and on actions treating the ORM objects they get as read-only.
"""
from __future__ import annotations

import logging
import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field, replace
from typing import Any, ClassVar

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.orm import Session

from knowledge import queries as q
from knowledge.db import shared_sessions

from . import mentions
from . import names as n
from .buttons import button, role_buttons
from .render.text import cap, cert_label, degree_label, render_not_covering, render_unknown, unique

logger = logging.getLogger(__name__)

SessionFactory = Callable[[], Session]

# Intents whose question, asked about a move between two roles, is answered by the path between them.
MOVE_INTENTS = (n.ASK_ROLE_DUTIES, n.ASK_NEXT_ROLE)
# Roles offered as buttons when the user has not said which role they mean (skipped if not in the KB).
FEATURED_ROLES = ("engineering manager", "engineering director", "VP of engineering", "chief technology officer")

_LISTS: dict[str, Callable[[Session], Sequence[Any]]] = {
    n.ROLE: q.roles, n.CERTIFICATION: q.certifications, n.DEGREE: q.degrees,
    n.SPECIALIZATION: q.specializations, n.INDUSTRY: q.industries, n.DISCIPLINE: q.disciplines,
}
_GETTERS: dict[str, Callable[[Session, str], Any]] = {
    n.ROLE: q.role, n.CERTIFICATION: q.certification, n.DEGREE: q.degree,
    n.SPECIALIZATION: q.specialization, n.INDUSTRY: q.industry, n.DISCIPLINE: q.discipline,
}


def open_session(sessions: SessionFactory | None) -> AbstractContextManager[Session]:
    """A session for one block: a fresh one from `sessions` when given (the tests), else the action server's
    shared memoising session (knowledge.db.shared_sessions)."""
    if sessions is not None:
        return sessions()
    return shared_sessions().session()


@dataclass
class Message:
    """One bot message: text and buttons, or a domain response with values for its placeholders, or a custom
    payload for the channel to act on (e.g. the Slack mentor intro, bot/channels/slack_intro.py)."""

    text: str | None = None
    buttons: list[dict[str, str]] = field(default_factory=list)
    response: str | None = None
    values: dict[str, Any] = field(default_factory=dict)
    custom: dict[str, Any] | None = None


@dataclass
class Reply:
    """What an action answers: messages, the slots to remember and the topic answered."""

    messages: list[Message]
    topic: str | None = None
    slots: dict[str, str] = field(default_factory=dict)

    @property
    def asks_which(self) -> bool:
        """True when the reply only asks back which thing the user means (utter_ask_which)."""
        return len(self.messages) == 1 and self.messages[0].response == n.UTTER_ASK_WHICH


@dataclass(frozen=True)
class Unknown:
    """Something the user named that the knowledge base does not know."""

    phrase: str
    kind: str | None


_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u2013": "-", "\u2014": "-"})


def normalize_quotes(text: str) -> str:
    """`text` with typographic quotes and dashes folded as knowledge.names.normalize_name folds them, case kept."""
    return text.translate(_QUOTES)


def known_things(session: Session, kind: str) -> Sequence[Any]:
    """Everything the knowledge base holds of `kind` (roles, certifications...), in data order."""
    return _LISTS[kind](session)


def get_thing(session: Session, kind: str, name: str) -> Any:
    """The ORM object of `kind` called `name` (any alias), or None."""
    return _GETTERS[kind](session, name)


def featured_roles(session: Session) -> list[Any]:
    """The featured roles that exist in the knowledge base."""
    return [r for r in (q.role(session, name) for name in FEATURED_ROLES) if r is not None]


class Context:
    """What one run knows: the session, the tracker, and the things the latest message names."""

    def __init__(self, session: Session, tracker: Tracker) -> None:
        self.session = session
        self.tracker = tracker
        message = tracker.latest_message or {}
        self.text: str = message.get("text") or ""
        self.intent: str | None = (message.get("intent") or {}).get("name")
        self._found: dict[str, list[str]] = {}
        self._unknown: list[Unknown] = []
        self._entity_texts: list[str] = []
        self.kinds_named: list[str] = []  # kinds of the known things named, in message order
        self.times_named: dict[str, int] = {}  # kind -> how many entities of that kind (repeats included)
        self.placed: dict[str, str] = {}  # "current"/"target" -> the role the grammar placed there (bot/nlu)
        entities = [e for e in message.get("entities") or [] if isinstance(e, dict)]
        for e in sorted(entities, key=lambda e: e.get("start") or 0):
            label, value = e.get("entity"), e.get("value")
            if label not in n.ENTITIES or not isinstance(value, str) or not value.strip():
                continue
            self._entity_texts.append(value.lower())
            start, end = e.get("start"), e.get("end")
            if isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(self.text):
                # a misspelled name ("enginnering manger") is an entity whose value is the canonical name
                self._entity_texts.append(mentions.normalize_name(self.text[start:end]))
            name = q.resolve(session, value, label) or q.resolve(session, value)
            if name is None:
                self._unknown.append(Unknown(value.strip(), label))
            else:
                self._add(name)
                if name.kind == n.ROLE and e.get("role") in (n.PLACE_CURRENT, n.PLACE_TARGET):
                    self.placed.setdefault(e["role"], name.canonical)
        self._mentioned: list[q.Name] = []
        self._unknown_mentions: list[mentions.Mention] = []
        # A button payload ('/ask_path{"role": ...}') carries its entities; only typed text is scanned.
        typed = "" if self.text.startswith("/") else self.text
        for mention in mentions.find_mentions(typed):
            name = self.resolve_phrase(mention.phrase)
            if name is not None:
                self._mentioned.append(name)
            elif not any(t in mention.phrase or mention.phrase in t for t in self._entity_texts):
                # (a phrase inside a recognised name, "mastrs" of "mastrs in engineering managment", is no
                # unknown thing)
                self._unknown_mentions.append(mention)

    def assume(self, kind: str, value: str) -> bool:
        """Treat a remembered thing as named in this message (a bare "why would I need it?"); False when the
        knowledge base no longer knows it."""
        name = q.resolve(self.session, value, kind)
        if name is None:
            return False
        self._add(name)
        return True

    def _add(self, name: q.Name) -> None:
        self.times_named[name.kind] = self.times_named.get(name.kind, 0) + 1
        found = self._found.setdefault(name.kind, [])
        if name.canonical not in found:
            found.append(name.canonical)
        if name.kind not in self.kinds_named:
            self.kinds_named.append(name.kind)

    def resolve_phrase(self, phrase: str) -> q.Name | None:
        """The known thing a phrase names: its longest run of words that is a name or alias in the KB."""
        ws = mentions.words(phrase)[: mentions.MAX_WORDS + 2]
        for size in range(len(ws), 0, -1):
            for start in range(len(ws) - size + 1):
                chunk = " ".join(ws[start:start + size])
                if chunk in mentions.GENERIC_WORDS:
                    continue
                name = q.resolve(self.session, chunk)
                if name is not None:
                    return name
        return None

    def as_typed(self, phrase: str) -> str:
        """`phrase` (found in the normalised text) with the user's own capitalisation ("XYZ", "PhD")."""
        pattern = r"\s+".join(re.escape(w) for w in phrase.split())
        match = re.search(pattern, normalize_quotes(self.text), re.IGNORECASE) if pattern else None
        return match.group(0) if match else phrase

    def names(self, kind: str) -> list[str]:
        """Canonical names of `kind` the message names: entities first, then phrases the NLU missed."""
        out = list(self._found.get(kind, []))
        for name in self._mentioned:
            if name.kind == kind and name.canonical not in out:
                out.append(name.canonical)
        return out

    def first(self, kind: str) -> str | None:
        """The first thing of `kind` the message names, or None."""
        found = self.names(kind)
        return found[0] if found else None

    def named_kinds(self) -> list[str]:
        """The kinds of known things the message names (entities, then phrases), in order."""
        kinds = list(self.kinds_named)
        for name in self._mentioned:
            if name.kind not in kinds:
                kinds.append(name.kind)
        return kinds

    def slot(self, kind: str) -> str | None:
        """The remembered slot value of `kind`, as its canonical name; None if unset or no longer known."""
        value = self.tracker.get_slot(kind)
        if not isinstance(value, str) or not value.strip():
            return None
        name = q.resolve(self.session, value, kind)
        return name.canonical if name else None

    def unknown(self, kinds: Sequence[str | None]) -> Unknown | None:
        """Something the user clearly names that the KB does not know: an entity it cannot resolve, or a
        phrase ("become an astronaut") of one of `kinds` (None: phrasings that imply no kind)."""
        if self._unknown:
            return self._unknown[0]
        for mention in self._unknown_mentions:
            if mention.kind in kinds:
                return Unknown(self.as_typed(mention.phrase), mention.kind)
        return None


# ------------------------------------------------------------------ the registry
#: action name -> the class providing it: every concrete action registers itself when its class is created
ACTIONS: dict[str, type[Action]] = {}
#: topic (value of the `topic` slot) -> the action answering it, for follow-ups ("and a director?")
TOPICS: dict[str, type[KnowledgeAction]] = {}
#: entity kind -> the action that usually answers about a thing of that kind
FOR_KIND: dict[str, type[KnowledgeAction]] = {}


def _same_class(a: type, b: type) -> bool:
    """True when `a` and `b` are the same class definition (one module imported twice, or reloaded)."""
    return (a.__module__, a.__qualname__) == (b.__module__, b.__qualname__)


def register(cls: type[Action]) -> None:
    """Record `cls` under its action name and, for a topic action, under its topic and the kind it answers.
    A second class claiming a name, topic or kind is refused (TypeError) and nothing of it is recorded."""
    own = vars(cls)
    if not own.get("action_name"):
        return  # an abstract base, or a subclass that reuses its parent's name
    claims = [(ACTIONS, cls.action_name, "action name")]
    if own.get("takes") is not None:
        claims.append((TOPICS, cls.topic, "topic"))
    if own.get("answers_kind"):
        claims.append((FOR_KIND, cls.answers_kind, "entity kind"))
    for table, key, what in claims:
        old = table.get(key)
        if old is not None and not _same_class(old, cls):
            raise TypeError(f"{what} {key!r} is claimed by both {old.__qualname__} and {cls.__qualname__}")
    for table, key, _ in claims:
        table[key] = cls


def topic_action(topic: str | None, sessions: SessionFactory | None = None) -> KnowledgeAction | None:
    """The action answering `topic` (follow-ups re-answer it), or None for an unknown or missing topic."""
    cls = TOPICS.get(topic) if isinstance(topic, str) else None
    return cls(sessions) if cls else None


def run_action(name: str, sessions: SessionFactory | None, dispatcher: CollectingDispatcher, tracker: Tracker,
               domain: DomainDict) -> list[EventType]:
    """Run the registered action `name` in this turn (instead of a FollowupAction, which leaves the policies
    without a rule for the step after it); [] when no action has that name."""
    cls = ACTIONS.get(name)
    return cls(sessions).run(dispatcher, tracker, domain) if cls else []


def action_for_intent(intent: str | None) -> type[KnowledgeRun] | None:
    """The action that answers `intent`: the knowledge action declaring it, else names.BUTTON_ACTIONS."""
    for cls in ACTIONS.values():
        if isinstance(cls, type) and issubclass(cls, KnowledgeAction) and cls.intent == intent:
            return cls
    return ACTIONS.get(n.BUTTON_ACTIONS.get(intent or "", ""))


def with_message(tracker: Tracker, message: dict[str, Any], slots: dict[str, Any] | None = None) -> Tracker:
    """`tracker` whose latest message is `message` ({text, intent, entities}), with `slots` (default: its own):
    to run an action on one part of a compound message, or on a button chosen by "that one"."""
    latest = {"text": message.get("text") or "", "intent": {"name": message.get("intent"), "confidence": 1.0},
              "entities": list(message.get("entities") or []), "intent_ranking": []}
    return Tracker(tracker.sender_id, dict(tracker.slots if slots is None else slots), latest, tracker.events, False,
                   None, tracker.active_loop, tracker.latest_action_name)


def action_for_kind(kind: str, sessions: SessionFactory | None = None) -> KnowledgeAction | None:
    """The action that usually answers about a thing of `kind`, or None for an unknown kind."""
    cls = FOR_KIND.get(kind)
    return cls(sessions) if cls else None


#: what a class statement may declare: `class ActionX(KnowledgeAction, action_name=..., topic=...)`
DECLARABLE = frozenset({"action_name", "topic", "takes", "answers_kind", "intent", "mention_kinds", "unknown_kind"})


#: The situations in which another answer may come first: the action would ask back which thing the user
#: means, or the fallback would offer topics (ASKING_BACK); a topic action is about to give its own answer, so
#: only a much stronger match may take its place (ANSWERING).
ASKING_BACK, ANSWERING = "asking_back", "answering"
#: answers tried first: each takes the session, the message text and the situation and returns a Reply, or
#: None. bot/actions/faq.py registers the career FAQ here, so base.py imports no answering module.
BEFORE_ASKING: list[Callable[[Session, str, str], Reply | None]] = []


#: topics whose answers hold no facts on some aspects a user may ask (mentions.uncovered_aspect)
ASPECT_TOPICS = frozenset({n.TOPIC_EDUCATION, n.TOPIC_CERTIFICATIONS})


def not_covering(reply: Reply, aspect: str | None) -> Reply:
    """`reply`, first saying that the knowledge base doesn't cover `aspect` (outcome b with the nearest facts);
    `reply` itself when there is no such aspect or its first message is no text."""
    if not aspect or not reply.messages or not reply.messages[0].text:
        return reply
    first = replace(reply.messages[0], text=render_not_covering(aspect, reply.messages[0].text))
    return Reply([first, *reply.messages[1:]], reply.topic, reply.slots)


def answer_before_asking(session: Session, text: str, situation: str = ASKING_BACK) -> Reply | None:
    """The first reply a BEFORE_ASKING answer gives to `text` in `situation`, or None."""
    for answer in BEFORE_ASKING:
        reply = answer(session, text, situation)
        if reply is not None:
            return reply
    return None


def utter(dispatcher: CollectingDispatcher, reply: Reply) -> None:
    """Send each message of `reply`: its text and buttons, or its domain response with values, or its payload."""
    for message in reply.messages:
        dispatcher.utter_message(text=message.text, buttons=message.buttons or None,
                                 response=message.response, json_message=message.custom, **message.values)


class KnowledgeRun:
    """What every careerbot action shares, the form's validation included: its name from one class
    attribute, self-registration, the session per run, and the polite answer when anything fails."""

    #: the action's name in the domain (from names.py); set on each concrete action
    action_name: ClassVar[str] = ""

    def __init_subclass__(cls, **declared: Any) -> None:
        """`class ActionX(KnowledgeAction, action_name=n.ACTION_X, topic=n.TOPIC_X, ...)`: each declaration
        becomes a class attribute (only those the base class defines, see DECLARABLE), then the class
        registers itself."""
        wrong = sorted(key for key in declared if key not in DECLARABLE or not hasattr(cls, key))
        if wrong:
            raise TypeError(f"{cls.__qualname__} declares {', '.join(wrong)}, which its base class does not take")
        for key, value in declared.items():
            setattr(cls, key, value)
        super().__init_subclass__()
        register(cls)

    def __init__(self, sessions: SessionFactory | None = None) -> None:
        """`sessions` makes a fresh database session per run; default: the process-wide caching sessions of
        knowledge.db.shared_sessions() (looked up on each run, so nothing touches the database at start-up)."""
        self._sessions = sessions

    def name(self) -> str:
        """The action's name in the domain."""
        return self.action_name

    def _session(self) -> AbstractContextManager[Session]:
        """The session for one run: a fresh one from the injected factory, else the shared cached one."""
        return open_session(self._sessions)

    def fail_politely(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        """Log the exception being handled and tell the user, politely, to try again (utter_kb_unavailable)."""
        logger.exception("action %s failed on message %r", self.name(), (tracker.latest_message or {}).get("text"))
        dispatcher.utter_message(response=n.UTTER_KB_UNAVAILABLE)
        return []


class KnowledgeAction(KnowledgeRun, Action, ABC):
    """Base of the actions that answer from the knowledge base. Subclasses implement `answer`."""

    #: the topic this action answers (value of the `topic` slot)
    topic: ClassVar[str | None] = None
    #: the entity kinds a follow-up on this topic takes; None: the topic is not re-answered by follow-ups
    takes: ClassVar[tuple[str, ...] | None] = None
    #: the entity kind this action answers by default ("tell me about PMP" -> the certifications action)
    answers_kind: ClassVar[str | None] = None
    #: the intent this action answers (for button payloads)
    intent: ClassVar[str | None] = None
    #: which "unknown thing" phrasings to check: kinds, and None for phrasings that imply no kind
    mention_kinds: ClassVar[tuple[str | None, ...]] = ()
    #: what to list when the user names an unknown thing of no particular kind
    unknown_kind: ClassVar[str] = n.ROLE

    @abstractmethod
    def answer(self, ctx: Context) -> Reply:
        """The reply to the latest message (runs inside the session)."""

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        """Answer from the knowledge base; on any failure send a polite message and log the error."""
        try:
            with self._session() as session:
                ctx = Context(session, tracker)
                reply = self.unknown_reply(ctx) or self.first_answer(ctx) or self.answer(ctx)
                if reply.asks_which:  # "which role do you mean?": unless the question is one the FAQ answers
                    reply = answer_before_asking(session, ctx.text) or reply
                elif self.topic in ASPECT_TOPICS:
                    reply = not_covering(reply, mentions.uncovered_aspect(ctx.text))
        except Exception:  # the user gets a polite message whatever went wrong; the log gets the details
            return self.fail_politely(dispatcher, tracker)
        utter(dispatcher, reply)
        events: list[EventType] = [SlotSet(slot, value) for slot, value in reply.slots.items()]
        if reply.topic:
            events.append(SlotSet(n.TOPIC, reply.topic))
        return events

    def first_answer(self, ctx: Context) -> Reply | None:
        """For a topic action (one follow-ups re-answer): an answer that fits the question much better than the
        topic's own (the career FAQ, matched strongly on the question's own words), else None."""
        return answer_before_asking(ctx.session, ctx.text, ANSWERING) if self.takes is not None else None

    # -------------------------------------------------------------- helpers for subclasses
    def reply(self, text: str, buttons: Sequence[dict[str, str]] = (), **slots: str | None) -> Reply:
        """A one-message reply on this action's topic, remembering the given slots (None values skipped)."""
        return Reply([Message(text=text, buttons=list(buttons))], self.topic,
                     {k: v for k, v in slots.items() if v})

    def ask_which(self, what: str, buttons: Sequence[dict[str, str]]) -> Reply:
        """Ask which thing the user means (utter_ask_which), with buttons; the topic is remembered so a
        bare answer ("a director") continues it."""
        return Reply([Message(response=n.UTTER_ASK_WHICH, values={"what": what}, buttons=list(buttons))],
                     self.topic)

    def unknown_reply(self, ctx: Context) -> Reply | None:
        """'The knowledge base has nothing on X' when the message names an unknown thing; else None."""
        unknown = ctx.unknown(self.mention_kinds)
        return self.nothing_on(ctx, unknown) if unknown is not None else None

    def nothing_on(self, ctx: Context, unknown: Unknown) -> Reply:
        """Say the knowledge base has nothing on `unknown` (no guessing), offer close names as buttons for
        this action's intent, and list what the knowledge base knows of that kind."""
        kind = unknown.kind if unknown.kind in n.ENTITIES else self.unknown_kind
        close = [get_thing(ctx.session, kind, name)
                 for name in unique_names(q.suggest(ctx.session, unknown.phrase, kind))]
        close = [t for t in close if t is not None]
        offered = close or (featured_roles(ctx.session) if kind == n.ROLE else known_things(ctx.session, kind))
        intent = self.intent or n.ASK_ROLE_DUTIES
        buttons = [button(thing_label(kind, t), intent, {kind: thing_name(kind, t)}) for t in offered]
        text = render_unknown(unknown.phrase, kind, known_things(ctx.session, kind),
                                     [thing_label(kind, t) if kind in (n.CERTIFICATION, n.DEGREE) else t.name
                                      for t in close])
        return Reply([Message(text=text, buttons=buttons[:6])], self.topic)

    def role_or_reply(self, ctx: Context, question: Callable[[str], str]) -> Any:
        """The Role the message names; else, when it names another kind of thing, that thing's answer
        (a Reply); else the remembered role; else a Reply asking which role, with `question` buttons. A
        message about a move between two roles ("moving from EM to director - what should I work on?",
        "project engineer → engineering manager: what helps?") gets the path between them instead."""
        if self.intent in MOVE_INTENTS and n.PLACE_CURRENT in ctx.placed and n.PLACE_TARGET in ctx.placed:
            path = topic_action(n.TOPIC_PATH, self._sessions)
            if path is not None and type(path) is not type(self):
                return path.answer(ctx)
        role_name = ctx.first(n.ROLE)
        if role_name is None:
            other = self.redirect(ctx)
            if other is not None:
                return other
            role_name = ctx.slot(n.ROLE)
        if role_name is None:
            return self.ask_which("role", role_buttons(featured_roles(ctx.session), self.intent, question))
        return q.role(ctx.session, role_name)

    def redirect(self, ctx: Context) -> Reply | None:
        """When the message names only things another action answers ("tell me about PMP" routed here),
        answer with that action; None when it names nothing else."""
        for kind in ctx.named_kinds():
            action = action_for_kind(kind, self._sessions)
            if action is not None and type(action) is not type(self):
                return action.answer(ctx)
        return None


def thing_name(kind: str, thing: Any) -> str:
    """The canonical name of a knowledge-base object (certifications by abbreviation, degrees by key)."""
    return getattr(thing, {n.CERTIFICATION: "abbreviation", n.DEGREE: "key"}.get(kind, "name"))


def thing_label(kind: str, thing: Any) -> str:
    """How a knowledge-base object is shown on a button ('PMP (Project Management Professional)')."""
    if kind == n.CERTIFICATION:
        return cert_label(thing)
    if kind == n.DEGREE:
        return degree_label(thing)
    return cap(thing.name)


def unique_names(names: Sequence[q.Name]) -> list[str]:
    """Canonical names without repeats, in order."""
    return unique(name.canonical for name in names)

