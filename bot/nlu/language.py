"""Language identification: a message written in another language gets the intent `non_english` and a
`language` entity (an ISO 639-1 code), so that the rule for `non_english` can answer, in that language where
the domain has a text for it, that careerbot speaks English (response utter_english_only).

py3langid (a maintained fork of langid.py; its model ships inside the package) names the likeliest language.
langid alone calls many short English messages Italian or Dutch ("hello friend", "VP of engineering vs
CTO"), so a Latin-script message counts as foreign only when langid says so AND fewer than half of its words
are known English: the words of the training data (this component's trained state) and spaCy's English stop
words. A message in another script (Cyrillic, CJK...) with no English words is foreign whatever its length.
"""
from __future__ import annotations

import importlib
import json
import re
from functools import lru_cache
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from py3langid.langid import MODEL_FILE, LanguageIdentifier
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from spacy.lang.en.stop_words import STOP_WORDS

NON_ENGLISH_INTENT = "non_english"
LANGUAGE_ENTITY = "language"
# The languages langid may choose from: English and the languages users are likeliest to write in. A
# language without a text of its own in utter_english_only gets the English text.
LANGUAGES = ("en", "es", "fr", "de", "it", "pt", "nl", "pl", "ru", "uk", "ja", "zh", "ko", "tr", "sv", "da",
             "no", "cs", "ar", "hi")
MIN_LATIN_WORDS = 3  # "hallo", "cheers mate": too short to tell
MAX_KNOWN_SHARE = 0.5  # a message with at least this share of known English words is English
WORDS_FILE = "english_words.json"
_WORD = re.compile(r"[^\W\d_]+")
_LATIN = re.compile(r"[A-Za-z\u00C0-\u024F]")


@dataclass(frozen=True)
class Verdict:
    """What the identifier says about a message: foreign or not, and the language it names."""

    foreign: bool
    language: str
    known_share: float


class EnglishFilter:
    """Tells English from other languages with langid and a list of known English words."""

    def __init__(self, known_words: Iterable[str] = ()) -> None:
        self.known = {w.lower() for w in known_words} | set(STOP_WORDS)
        self.identifier = LanguageIdentifier.from_pickled_model(MODEL_FILE, norm_probs=True)
        self.identifier.set_languages(list(LANGUAGES))

    def judge(self, text: str) -> Verdict:
        """Whether `text` is in another language than English, and which."""
        words = [w.lower() for w in _WORD.findall(text or "")]
        if not words:
            return Verdict(False, "en", 1.0)
        known = sum(w in self.known for w in words) / len(words)
        latin = sum(bool(_LATIN.match(w)) for w in words) / len(words)
        if latin >= 0.5 and (len(words) < MIN_LATIN_WORDS or known >= MAX_KNOWN_SHARE):
            return Verdict(False, "en", known)
        language, _ = self.identifier.classify(text)
        if latin < 0.5:  # another script: langid is reliable there
            return Verdict(known < MAX_KNOWN_SHARE, language if language != "en" else "und", known)
        # Gibberish ("qwrtz plmok zxvbn") gets a language too: a real sentence has some of that language's
        # stop words (spaCy ships the lists).
        return Verdict(language != "en" and any(w in stop_words(language) for w in words), language, known)


@lru_cache(maxsize=None)
def stop_words(code: str) -> frozenset[str]:
    """spaCy's stop words of a language (empty when spaCy has none for it)."""
    try:
        module = importlib.import_module(f"spacy.lang.{code}.stop_words")
    except ImportError:
        return frozenset()
    return frozenset(w.lower() for w in getattr(module, "STOP_WORDS", ()))


def training_words(texts: Iterable[str]) -> list[str]:
    """The distinct words of some texts, lower case."""
    return sorted({w.lower() for text in texts for w in _WORD.findall(text)})


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class LanguageIdentification(GraphComponent, EntityExtractorMixin):
    """Sets intent `non_english` and entity `language` on messages in another language (after the intent
    classifier and the fallback classifier, so it has the last word)."""

    def __init__(self, model_storage: ModelStorage, resource: Resource, known_words: Sequence[str] = ()) -> None:
        self._storage, self._resource = model_storage, resource
        self.filter = EnglishFilter(known_words)

    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> LanguageIdentification:
        """A new, untrained component."""
        return cls(model_storage, resource)

    @classmethod
    def load(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> LanguageIdentification:
        """The component with the English words saved by `train`."""
        try:
            with model_storage.read_from(resource) as folder:
                words = json.loads((Path(folder) / WORDS_FILE).read_text(encoding="utf-8"))
        except (ValueError, OSError):
            words = []
        return cls(model_storage, resource, words)

    @staticmethod
    def required_packages() -> list[str]:
        """py3langid identifies the language."""
        return ["py3langid"]

    def train(self, training_data: TrainingData) -> Resource:
        """Remember the training data's words as known English."""
        words = training_words(e.get(TEXT) or "" for e in training_data.training_examples)
        self.filter = EnglishFilter(words)
        with self._storage.write_to(self._resource) as folder:
            (Path(folder) / WORDS_FILE).write_text(json.dumps(words), encoding="utf-8")
        return self._resource

    def process(self, messages: list[Message]) -> list[Message]:
        """Mark the messages written in another language."""
        for message in messages:
            text = message.get(TEXT)
            if not text:
                continue
            verdict = self.filter.judge(text)
            if not verdict.foreign:
                continue
            intent = {"name": NON_ENGLISH_INTENT, "confidence": 1.0}
            ranking = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get("name") != NON_ENGLISH_INTENT]
            message.set(INTENT, intent, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [intent, *ranking], add_to_output=True)
            entity = {"entity": LANGUAGE_ENTITY, "value": verdict.language, "start": 0, "end": len(text),
                      "confidence_entity": 1.0}
            message.set(ENTITIES, (message.get(ENTITIES) or []) + self.add_extractor_name([entity]),
                        add_to_output=True)
        return messages
