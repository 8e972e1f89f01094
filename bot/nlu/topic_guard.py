"""The topic guard: keeps careerbot to three honest outcomes. It runs after the intent classifier and the
fallback classifier and decides, for messages the classifier could not place or placed against their own
content, between (b) "in the domain but not covered" (intent `not_covered`) and (c) out of domain
(intent `out_of_scope`):

- `nlu_fallback` or `out_of_scope` with a career signal (a knowledge-base entity, or words that the training
  data uses only in career questions, such as "promoted": one for `nlu_fallback`, two to overrule
  `out_of_scope`) -> `not_covered`; `nlu_fallback` without one -> `out_of_scope`. A fallback keeps its
  intent (so Rasa's rules and evaluation still see it) and carries the verdict in `topic_guard`, which
  action_offer_topics follows. A fallback that only names one thing ("what's CPE?") gets the verdict
  `about_name`: the usual answer about that thing; one that names the user's role and a target role
  ("project engineer → engineering manager: what helps?") gets `about_move`: the path between them.
- A topic intent whose message uses words typical of another topic and none of its own ("what does a staff
  engineer earn?" classified as a duties question) -> `not_covered`.
- Small talk ("what can you do?", goodbye...) whose message has two or more content words, none of them
  used by that intent's examples ("what stocks should I buy this year") -> the same verdict. A choice among
  the last reply's buttons (`choose_suggestion`) that neither says which ("the second...") nor keeps to its
  examples' words ("what's one thing to learn") -> the same verdict; a fallback torn between such a choice
  and `not_covered` ("how do I run a good one-on-one?") -> `not_covered`.
- A topic intent the classifier is unsure of (confidence < WEAK_CONFIDENCE) whose message names nothing of the
  knowledge base, uses none of the intent's typical words but career words, and a third of whose words the
  training data has never seen -> `not_covered`.
- A topic intent whose message is mostly words the training data has never seen (not counting names,
  misspellings of known words and a trailing place, "... in Germany") -> `not_covered` with a career
  signal, `out_of_scope` without: the classifier
  matched the message's frame ("how do I ... engineering manager") but not what it asks about
  ("... prepare for an interview").

The original intent stays in `intent_ranking`, so the reply can offer the nearest topics. The training
data's words are the component's trained state. scripts/measure_guard.py measures how often it fires wrongly.
"""
from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from spacy.lang.en.stop_words import STOP_WORDS

from bot.nlu.verdicts import ABOUT_MOVE, ABOUT_NAME, GUARD_KEY, NOT_COVERED, OUT_OF_SCOPE

FALLBACK = "nlu_fallback"
CHOICE = "choose_suggestion"  # "the second one": a choice among the last reply's buttons
# Intents that are not about a topic of the knowledge base: never overridden.
UNGUARDED = frozenset({"greet", "goodbye", "thank", "bot_challenge", "affirm", "deny", "stop", "forget_profile",
                       "ask_capabilities", "inform", "request_mentor_intro", "non_english", "ask_source", "ask_why",
                       "compound", CHOICE, NOT_COVERED, OUT_OF_SCOPE, FALLBACK})
# Small talk and "what can you do?": overruled when two or more content words and none its examples use.
# A choice among the last buttons is overruled by a single word its examples never use.
SMALL_TALK = frozenset({"greet", "goodbye", "thank", "bot_challenge", "ask_capabilities", CHOICE})
MIN_SMALL_TALK_WORDS = 2
# The knowledge-base topics whose typical words the disagreement check compares.
TOPIC_INTENTS = frozenset({"ask_path", "ask_duration", "ask_next_role", "ask_role_duties", "ask_reports_to",
                           "compare", "ask_certifications", "ask_education", "ask_skills", "ask_salary",
                           "ask_outlook", "ask_specializations", "ask_industries", "ask_discipline_moves"})
WEAK_CONFIDENCE = 0.6  # below it, a topic intent needs a name or one of its typical words (scripts/measure_guard.py)
WEAK_UNKNOWN_SHARE = 0.33  # ...when this share of its words is unknown (without: 3 wrong fires in 504, with: 0)
UNKNOWN_SHARE = 0.67  # chosen with scripts/measure_guard.py: 0.5 fired wrongly 7 times in 470, 0.67 twice
TYPO_RATIO = 82.0  # a word this close to a known word is a misspelling of it, not an unknown word
TYPO_EDITS = 2  # ...as is a word of MIN_TYPO_EDIT_WORD letters or more this many edits from one (same first letter)
MIN_TYPO_EDIT_WORD = 5
MIN_DOMAIN_WORD = 4
MIN_DOMAIN_USES = 2  # a career word is used in at least this many career examples and in no other
MIN_CAREER_USES = 3  # a word of the career vocabulary: this many career examples, more than other examples
MIN_INDICATIVE_USES = 3  # a word indicates an intent when that many of its examples use it...
INDICATIVE_SHARE = 0.9  # ...and they are this share of the career examples that use it
STATE_FILE = "topic_guard.json"
# The verdict goes into the parse data under GUARD_KEY (bot/nlu/verdicts.py). The intent is replaced, except
# `nlu_fallback`, which stays: action_offer_topics reads the outcome.
_WORD = re.compile(r"[^\W\d_]+")
# Words that only ask about the thing named ("what's CPE?", "tell me about systems engineering").
_ASKING_WORDS = frozenset("what whats s is are the a an about tell me more on of explain do does i should get "
                          "mean means info information please define".split())
_ORDINAL = re.compile(r"\b(?:first|second|third|fourth|fifth|last|1st|2nd|3rd|4th|5th)\b", re.IGNORECASE)
_PLACE = re.compile(r"\bin\s+(?:the\s+)?([^\W\d_]+)\s*[?.!]*\s*$")


@dataclass
class GuardVocabulary:
    """What the guard knows from the training data: every word, and the career-only words."""

    known: set[str] = field(default_factory=set)
    domain: set[str] = field(default_factory=set)
    # intent -> words that (nearly) only that intent's examples use ("earn" -> ask_salary)
    indicative: dict[str, set[str]] = field(default_factory=dict)
    # small-talk intent -> every word of its examples
    small_talk: dict[str, set[str]] = field(default_factory=dict)
    # words career examples use at least MIN_CAREER_USES times, even if small talk uses them too ("management")
    career: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self._known_sorted = sorted(self.known)

    @classmethod
    def from_examples(cls, examples: Iterable[tuple[str, str]]) -> GuardVocabulary:
        """From (intent, text) training examples."""
        known, topic, other_uses = set(), Counter(), Counter()
        per_intent: dict[str, Counter] = {}
        small_talk: dict[str, set[str]] = {}
        for intent, text in examples:
            words = {w.lower() for w in _WORD.findall(text)}
            known |= words
            if intent in SMALL_TALK:
                small_talk.setdefault(intent, set()).update(words)
            if intent in UNGUARDED and intent != NOT_COVERED:  # uncovered career questions are career words
                other_uses.update(words)
            else:
                topic.update(words)
                per_intent.setdefault(intent, Counter()).update(words)
        domain = {w for w, n in topic.items()
                  if n >= MIN_DOMAIN_USES and w not in other_uses and w not in STOP_WORDS and len(w) >= MIN_DOMAIN_WORD}
        indicative = {intent: {w for w, c in counts.items()
                               if c >= MIN_INDICATIVE_USES and c >= INDICATIVE_SHARE * topic[w]
                               and w not in STOP_WORDS and len(w) >= 3}
                      for intent, counts in per_intent.items()}
        career = {w for w, c in topic.items()
                  if c >= MIN_CAREER_USES and c > other_uses[w] and w not in STOP_WORDS and len(w) >= MIN_DOMAIN_WORD}
        return cls(known, domain, indicative, small_talk, career)

    def is_unknown(self, word: str) -> bool:
        """A word neither in the training data nor a misspelling of a word in it."""
        if word in self.known or not self._known_sorted:
            return False
        if process.extractOne(word, self._known_sorted, scorer=fuzz.ratio, score_cutoff=TYPO_RATIO) is not None:
            return False
        if len(word) < MIN_TYPO_EDIT_WORD:
            return True
        # a longer word two edits from a known word with the same first letter ("becum"/"become")
        near = process.extractOne(word, self._known_sorted, scorer=Levenshtein.distance, score_cutoff=TYPO_EDITS)
        return near is None or near[0][0] != word[0]


def content_words(text: str, entities: list[dict[str, Any]]) -> list[str]:
    """The message's words that say what it is about: no stop words, no entity spans, no trailing place."""
    spans = [(e["start"], e["end"]) for e in entities if "start" in e and "end" in e]
    place = _PLACE.search(text)
    out = []
    for match in _WORD.finditer(text):
        word = match.group().lower()
        if word in STOP_WORDS or len(word) < 3 or any(s <= match.start() < e for s, e in spans):
            continue
        if place and match.start() >= place.start(1):
            continue
        out.append(word)
    return out


def career_signal(text: str, entities: list[dict[str, Any]], vocab: GuardVocabulary, words_needed: int) -> bool:
    """True when the message names a knowledge-base thing or uses enough career-only words."""
    if any(e.get("entity") != "language" for e in entities):
        return True
    return sum(w in vocab.domain for w in content_words(text, entities)) >= words_needed


def is_choice(text: str, entities: list[dict[str, Any]], vocab: GuardVocabulary) -> bool:
    """True when the message says which ("the second one about salaries") or every content word of it is one
    the choice examples use ("that one please")."""
    if _ORDINAL.search(text):
        return True
    own = vocab.small_talk.get(CHOICE, set())
    return all(w in own for w in content_words(text, entities))


def _names_only(text: str, entities: list[dict[str, Any]]) -> bool:
    """True when the message names one knowledge-base thing and says nothing else ("what's CPE?")."""
    named = {(e.get("entity"), e.get("value")) for e in entities if e.get("entity") != "language"}
    if len(named) != 1:
        return False
    spans = [(e["start"], e["end"]) for e in entities if "start" in e and "end" in e]
    words = [m.group().lower() for m in _WORD.finditer(text) if not any(s <= m.start() < e for s, e in spans)]
    return all(w in _ASKING_WORDS for w in words)


def _names_a_move(entities: list[dict[str, Any]]) -> bool:
    """True when the role grammar (bot/nlu/role_grammar.py) placed one role as the user's current role and
    another as their target ("project engineer → engineering manager: what helps?")."""
    placed = {e.get("role"): e.get("value") for e in entities if e.get("entity") == "role"}
    return bool(placed.get("current")) and bool(placed.get("target")) and placed["current"] != placed["target"]


def guarded_intent(text: str, intent: str, entities: list[dict[str, Any]], vocab: GuardVocabulary,
                   confidence: float = 1.0, ranked: Sequence[str] = ()) -> str | None:
    """The outcome the guard gives the message instead of `intent`: NOT_COVERED or OUT_OF_SCOPE (None: leave
    it). For `nlu_fallback` the intent itself is kept (see TopicGuard.process). `ranked`: the classifier's
    intents, likeliest first."""
    if intent == FALLBACK and _names_only(text, entities):
        return ABOUT_NAME
    if intent == FALLBACK and _names_a_move(entities):
        return ABOUT_MOVE
    if intent == FALLBACK and set(ranked[:2]) == {CHOICE, NOT_COVERED} and not is_choice(text, entities, vocab):
        return NOT_COVERED  # torn between a choice it cannot be and "not covered": "how do I run a good one-on-one?"
    if intent in (FALLBACK, OUT_OF_SCOPE):
        # The classifier's "out of scope" is overruled only on clearer evidence than its "don't know".
        if career_signal(text, entities, vocab, 1 if intent == FALLBACK else 2):
            return NOT_COVERED
        return OUT_OF_SCOPE if intent == FALLBACK else None
    if intent in SMALL_TALK and vocab.small_talk:
        # "is coffee bad for you" taken for a goodbye: small talk reuses its examples' few words
        words = content_words(text, entities)
        own = vocab.small_talk.get(intent, set())
        if intent == CHOICE and not is_choice(text, entities, vocab):  # "what's one thing I should learn"
            return NOT_COVERED if career_signal(text, entities, vocab, 1) else OUT_OF_SCOPE
        if len(words) >= MIN_SMALL_TALK_WORDS and not any(w in own for w in words):
            return NOT_COVERED if career_signal(text, entities, vocab, 1) else OUT_OF_SCOPE
        return None
    if intent in UNGUARDED:
        return None
    words = content_words(text, entities)
    unknown = [w for w in words if vocab.is_unknown(w)]
    if unknown and len(unknown) / len(words) >= UNKNOWN_SHARE:
        return NOT_COVERED if career_signal(text, entities, vocab, 1) else OUT_OF_SCOPE
    if vocab.indicative and disagrees(intent, words, vocab):
        return NOT_COVERED
    if confidence < WEAK_CONFIDENCE and unsupported(intent, text, words, len(unknown), entities, vocab):
        return NOT_COVERED
    return None


def unsupported(intent: str, text: str, words: list[str], unknown: int, entities: list[dict[str, Any]],
                vocab: GuardVocabulary) -> bool:
    """True when nothing in the message backs a topic intent: no knowledge-base name, none of the words
    typical of the intent, and at least WEAK_UNKNOWN_SHARE of its words never seen in training ("what's the
    retirement age for engineers in management" as a job-outlook question). `unknown`: how many of `words` are
    unknown (GuardVocabulary.is_unknown, counted once by the caller)."""
    own = vocab.indicative.get(intent)
    if intent not in TOPIC_INTENTS or not own or any(e.get("entity") != "language" for e in entities):
        return False
    if not words or unknown / len(words) < WEAK_UNKNOWN_SHARE:
        return False
    career = any(w.lower() in vocab.career for w in _WORD.findall(text))  # a trailing "in management" included
    return career and not any(w in own for w in words)


def disagrees(intent: str, words: list[str], vocab: GuardVocabulary) -> bool:
    """True when the message uses words typical of another topic and none typical of `intent` ("what does a
    staff engineer earn?" classified as a duties question)."""
    if intent not in TOPIC_INTENTS:
        return False
    own = vocab.indicative.get(intent, set())
    if any(w in own for w in words):
        return False
    return any(w in typical for other, typical in vocab.indicative.items()
               if other != intent and (other in TOPIC_INTENTS or other == NOT_COVERED) for w in words)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class TopicGuard(GraphComponent):
    """Turns unplaceable or mismatched career messages into `not_covered`, others into `out_of_scope`."""

    def __init__(self, model_storage: ModelStorage, resource: Resource,
                 vocab: GuardVocabulary | None = None) -> None:
        self._storage, self._resource = model_storage, resource
        self.vocab = vocab or GuardVocabulary()

    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> TopicGuard:
        """A new, untrained guard (it never fires until trained)."""
        return cls(model_storage, resource)

    @classmethod
    def load(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> TopicGuard:
        """The guard with the vocabulary saved by `train`."""
        try:
            with model_storage.read_from(resource) as folder:
                state = json.loads((Path(folder) / STATE_FILE).read_text(encoding="utf-8"))
            vocab = GuardVocabulary(set(state["known"]), set(state["domain"]),
                                    {k: set(v) for k, v in (state.get("indicative") or {}).items()},
                                    {k: set(v) for k, v in (state.get("small_talk") or {}).items()},
                                    set(state.get("career") or ()))
        except (ValueError, OSError, KeyError, TypeError):
            vocab = None
        return cls(model_storage, resource, vocab)

    def train(self, training_data: TrainingData) -> Resource:
        """Learn the vocabulary of the training examples."""
        self.vocab = GuardVocabulary.from_examples(
            (e.get(INTENT) or "", e.get(TEXT) or "") for e in training_data.intent_examples)
        with self._storage.write_to(self._resource) as folder:
            (Path(folder) / STATE_FILE).write_text(
                json.dumps({"known": sorted(self.vocab.known), "domain": sorted(self.vocab.domain),
                            "indicative": {k: sorted(v) for k, v in self.vocab.indicative.items()},
                            "small_talk": {k: sorted(v) for k, v in self.vocab.small_talk.items()},
                            "career": sorted(self.vocab.career)}),
                encoding="utf-8")
        return self._resource

    def process(self, messages: list[Message]) -> list[Message]:
        """Replace the intent where the guard says so; the ranking keeps the classifier's guesses."""
        for message in messages:
            intent = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
            text = message.get(TEXT)
            if not intent or not text:
                continue
            confidence = (message.get(INTENT) or {}).get("confidence")
            ranked = [r.get(INTENT_NAME_KEY) for r in message.get(INTENT_RANKING_KEY) or []
                      if isinstance(r, dict) and r.get(INTENT_NAME_KEY) != FALLBACK]
            new = guarded_intent(text, intent, message.get(ENTITIES) or [], self.vocab,
                                 confidence if isinstance(confidence, (int, float)) else 1.0, ranked)
            if new and intent == FALLBACK:
                # The fallback stays (Rasa's evaluation and the rules know it); the reply reads the verdict.
                message.set(GUARD_KEY, {"from": intent, "outcome": new}, add_to_output=True)
            elif new and new != intent:
                confidence = (message.get(INTENT) or {}).get("confidence") or 0.0
                ranking = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get(INTENT_NAME_KEY) != new]
                message.set(INTENT, {INTENT_NAME_KEY: new, "confidence": confidence}, add_to_output=True)
                message.set(INTENT_RANKING_KEY, [{INTENT_NAME_KEY: new, "confidence": confidence}, *ranking],
                            add_to_output=True)
                message.set(GUARD_KEY, {"from": intent, "outcome": new}, add_to_output=True)
        return messages
