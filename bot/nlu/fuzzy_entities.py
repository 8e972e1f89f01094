"""Fuzzy entity extraction: misspelled names of anything in the knowledge base ("enginering directr",
"scrum mastr") found by comparing the message's word windows with the entity ruler's aliases (rapidfuzz).

The aliases come from the spaCy model's entity ruler, which bot/spacy_model.py builds from knowledge/data,
so the knowledge base stays the single source of names. The component runs after SpacyEntityExtractor
and only looks at words no exact alias covered. Entities it adds carry the canonical name as their value
and `extractor: FuzzyEntityExtractor`. The threshold was chosen by measurement (scripts/measure_fuzzy.py).

Ordinary words near a name ("managment" is near "manager") are kept apart with the words of the training
data: a window matches an alias only if each of its words is at least as close to the alias's word at that
place as to any known word ("managment" is closer to "management"). The training words are the component's
only trained state.
"""
from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.nlu.utils.spacy_utils import SpacyModel, SpacyNLP
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from spacy.lang.en.stop_words import STOP_WORDS

DEFAULT_THRESHOLD = 88.0  # rapidfuzz ratio (0-100); see scripts/measure_fuzzy.py for the measurement
WORDS_FILE = "known_words.json"
TYPO_RATIO = 85.0  # a training word this close to a name's word is taken for a misspelling of it
MIN_CHARS = 5  # shorter windows ("vp", "eit", "cto") must match exactly: one typo there is another word


@dataclass(frozen=True)
class Alias:
    """One name of a knowledge-base thing, as the entity ruler knows it."""

    text: str  # lower case
    label: str  # entity type: role, certification, degree...
    canonical: str
    words: int


@dataclass(frozen=True)
class Token:
    """A word of the message and where it is."""

    text: str
    start: int
    end: int


class AliasIndex:
    """The aliases grouped by first letter, for fast candidate lookup, and the known ordinary words."""

    def __init__(self, aliases: Iterable[Alias], known_words: Iterable[str] = ()) -> None:
        self.by_first: dict[str, list[Alias]] = defaultdict(list)
        self.exact: set[str] = set()
        self.canonical: dict[str, str] = {}
        self.label: dict[str, str] = {}
        self.max_words = 1
        for alias in aliases:
            self.canonical.setdefault(alias.text, alias.canonical)
            self.label.setdefault(alias.text, alias.label)
            if len(alias.text) < MIN_CHARS:
                continue
            self.by_first[alias.text[0]].append(alias)
            self.exact.add(alias.text)
            self.max_words = max(self.max_words, alias.words)
        alias_words = sorted({w for text in self.canonical for w in text.split()})
        # A known word that is itself a near-miss of a name's word ("manger" in a user's example) is a typo,
        # not a rival to the name.
        ordinary = {w for w in known_words if w not in alias_words and not any(
            not _derived(w, a) for a, *_ in process.extract_iter(w, alias_words, scorer=fuzz.ratio,
                                                                  score_cutoff=TYPO_RATIO))}
        self.known_words = sorted(set(alias_words) | ordinary)

    @classmethod
    def from_patterns(cls, patterns: Iterable[dict[str, Any]], known_words: Iterable[str] = ()) -> AliasIndex:
        """An index of entity-ruler phrase patterns ({"label", "pattern", "id"}) and known ordinary words."""
        aliases = []
        for p in patterns:
            if isinstance(p.get("pattern"), str):
                text = " ".join(p["pattern"].lower().split())
                aliases.append(Alias(text, p["label"], p.get("id") or p["pattern"], len(text.split())))
        return cls(aliases, known_words)

    def canonical_of(self, text: str) -> str | None:
        """The canonical name of an exact alias (any length), or None."""
        return self.canonical.get(" ".join(text.lower().split()))

    def best(self, phrase: str, words: int, threshold: float) -> tuple[Alias, float] | None:
        """The alias most like `phrase` (of about the same number of words) at or above `threshold`."""
        best: tuple[Alias, float] | None = None
        for alias in self.by_first.get(phrase[0], ()):
            if abs(alias.words - words) > 1 or _derived(phrase, alias.text):
                continue
            if alias.words != words:
                # a space too many or too few ("scrum mastr", "scrummaster"), nothing else
                joined, target = phrase.replace(" ", ""), alias.text.replace(" ", "")
                if Levenshtein.distance(joined, target, score_cutoff=1) > 1 or min(map(len, phrase.split())) < 3:
                    continue
                score = fuzz.ratio(joined, target, score_cutoff=threshold)
            else:
                score = fuzz.ratio(phrase, alias.text, score_cutoff=threshold)
            if score and (best is None or score > best[1]) and self._closest_words(phrase, alias):
                best = (alias, score)
        return best

    def _closest_words(self, phrase: str, alias: Alias) -> bool:
        """True unless a word of `phrase` is closer to another known word than to the alias's word at its
        place (only checked when both have the same number of words)."""
        words, target = phrase.split(), alias.text.split()
        if len(words) != len(target):
            return True
        for word, wanted in zip(words, target):
            if word == wanted:
                continue
            own = fuzz.ratio(word, wanted)
            rival = process.extractOne(word, self.known_words, scorer=fuzz.ratio, score_cutoff=own + 0.01)
            if rival is not None and rival[0] != wanted and not _derived(word, rival[0]):
                return False
        return True


# Endings that make another word of the same family ("manage"/"manager"/"management", "operation"/"operations").
_ENDINGS = frozenset("s es r er ers d ed ing ment ments al ial ly ship ships ion ions or ors ist ists".split())


def _derived(phrase: str, alias: str) -> bool:
    """True when one is the other plus an ending ("manage"/"manager", "operation"/"operations"): another
    word of the same family, not a misspelling ("sigmaa" is a typo of "sigma")."""
    if phrase == alias:
        return False
    short, long = sorted((phrase, alias), key=len)
    return long.startswith(short) and long[len(short):] in _ENDINGS


def training_words(texts: Iterable[str]) -> list[str]:
    """The distinct words (lower case, letters only, at least 4 of them) of some texts."""
    return sorted({w.lower() for text in texts for w in re.findall(r"[^\W\d_]{4,}", text)})


_DOTTED = re.compile(r"(?<![\w.])((?:[A-Za-z]\.){2,}[A-Za-z]?)\.?(?![\w])")


def dotted_matches(text: str, exact: Iterable[tuple[int, int]], index: AliasIndex) -> list[dict[str, Any]]:
    """Entities for abbreviations written with dots ("M.E.M.", "P.M.P", "V.P.") whose letters are an exact
    alias, where no other entity is."""
    exact = list(exact)
    out = []
    for match in _DOTTED.finditer(text):
        letters = match.group(1).replace(".", "").lower()
        start, end = match.span(1)
        if text[end:end + 1] == ".":
            end += 1
        if letters in index.canonical and not any(start < e and s < end for s, e in exact):
            out.append({"entity": index.label[letters], "value": index.canonical[letters], "start": start,
                        "end": end, "confidence_entity": 1.0})
    return out


def near_matches(tokens: Sequence[Token], text: str, exact: Iterable[tuple[int, int]], index: AliasIndex,
                 threshold: float = DEFAULT_THRESHOLD) -> tuple[list[dict[str, Any]], list[tuple[int, int]]]:
    """What the extractor adds to the exact matches: near-misses of aliases (fuzzy_matches), then dotted
    abbreviations where nothing else is (dotted_matches); and the exact matches replaced."""
    exact = list(exact)
    found, replaced = fuzzy_matches(tokens, exact, index, threshold)
    found += dotted_matches(text, exact + [(e["start"], e["end"]) for e in found], index)
    return found, replaced


def _is_word(token: Token) -> bool:
    """A token that can be part of a name (not punctuation, not a stop word)."""
    return any(c.isalnum() for c in token.text) and token.text.lower() not in STOP_WORDS


def fuzzy_matches(tokens: Sequence[Token], exact: Iterable[tuple[int, int]], index: AliasIndex,
                  threshold: float = DEFAULT_THRESHOLD) -> tuple[list[dict[str, Any]], list[tuple[int, int]]]:
    """Entities for word windows that nearly match an alias, best first, never overlapping each other; and
    the exact matches they replace. A window may swallow whole exact matches ("senoir engineering manager"
    holds the exact "engineering manager") but never cut one."""
    exact = list(exact)
    candidates = []
    for i in range(len(tokens)):
        for j in range(i, min(len(tokens), i + index.max_words + 1)):
            window = tokens[i:j + 1]
            if not all(any(c.isalnum() for c in t.text) or t.text in "&'-." for t in window):
                break
            if not (_is_word(window[0]) and _is_word(window[-1])):
                continue
            start, end = window[0].start, window[-1].end
            inside = [(s, e) for s, e in exact if start <= s and e <= end]
            if any(start < e and s < end for s, e in exact if (s, e) not in inside):
                continue
            if inside and sum(e - s for s, e in inside) >= end - start:
                continue  # nothing but exact matches
            phrase = " ".join(t.text.lower() for t in window)
            if len(phrase) < MIN_CHARS or phrase in index.exact:
                continue
            found = index.best(phrase, len(window), threshold)
            if found:
                candidates.append((found[1], len(window), start, end, found[0], inside))
    out, taken, replaced = [], [], []
    for score, _, start, end, alias, inside in sorted(candidates, key=lambda c: (-c[0], -c[1], c[2])):
        if any(start < e and s < end for s, e in taken):
            continue
        taken.append((start, end))
        replaced += inside
        out.append({"entity": alias.label, "value": alias.canonical, "start": start, "end": end,
                    "confidence_entity": round(score / 100, 3)})
    return sorted(out, key=lambda e: e["start"]), replaced


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=True,
                          model_from="SpacyNLP")
class FuzzyEntityExtractor(GraphComponent, EntityExtractorMixin):
    """Adds entities for near-misses of knowledge-base aliases that the exact entity ruler missed."""

    @classmethod
    def required_components(cls) -> list[type]:
        """SpacyNLP provides the model whose entity ruler holds the aliases."""
        return [SpacyNLP]

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """`threshold`: the least rapidfuzz ratio (0-100) a window needs to count as an alias."""
        return {"threshold": DEFAULT_THRESHOLD}

    def __init__(self, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
                 known_words: Sequence[str] = ()) -> None:
        self.threshold = float(config.get("threshold", DEFAULT_THRESHOLD))
        self._storage, self._resource = model_storage, resource
        self.known_words = list(known_words)
        self._index: tuple[int, AliasIndex] | None = None

    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> FuzzyEntityExtractor:
        """A new, untrained extractor."""
        return cls(config, model_storage, resource)

    @classmethod
    def load(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> FuzzyEntityExtractor:
        """The extractor with the known words saved by `train` (none if nothing was saved)."""
        try:
            with model_storage.read_from(resource) as folder:
                words = json.loads((Path(folder) / WORDS_FILE).read_text(encoding="utf-8"))
        except (ValueError, OSError):
            words = []
        return cls(config, model_storage, resource, words)

    def train(self, training_data: TrainingData, model: SpacyModel) -> Resource:
        """Remember the training data's words as known ordinary words."""
        self.known_words = training_words(e.get(TEXT) or "" for e in training_data.training_examples)
        self._index = None
        with self._storage.write_to(self._resource) as folder:
            (Path(folder) / WORDS_FILE).write_text(json.dumps(self.known_words), encoding="utf-8")
        return self._resource

    @staticmethod
    def required_packages() -> list[str]:
        """rapidfuzz does the string comparison."""
        return ["rapidfuzz"]

    def index(self, nlp: Any) -> AliasIndex:
        """The alias index of a spaCy pipeline's entity ruler, built once per pipeline."""
        if self._index is None or self._index[0] != id(nlp):
            patterns = nlp.get_pipe("entity_ruler").patterns if "entity_ruler" in nlp.pipe_names else []
            self._index = (id(nlp), AliasIndex.from_patterns(patterns, self.known_words))
        return self._index[1]

    def process(self, messages: list[Message], model: SpacyModel) -> list[Message]:
        """Add fuzzy entities to each message, after the exact ones."""
        index = self.index(model.model)
        for message in messages:
            tokens = [Token(t.text, t.start, t.end) for t in message.get(TOKENS_NAMES[TEXT]) or []]
            if not tokens:
                continue
            existing = message.get(ENTITIES) or []
            exact = [(e["start"], e["end"]) for e in existing if "start" in e and "end" in e]
            found, replaced = near_matches(tokens, message.get(TEXT) or "", exact, index, self.threshold)
            if found:
                kept = [e for e in existing if (e.get("start"), e.get("end")) not in replaced]
                message.set(ENTITIES, kept + self.add_extractor_name(found), add_to_output=True)
        return messages
