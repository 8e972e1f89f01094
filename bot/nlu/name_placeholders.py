"""Names as placeholders, misspelled words corrected: what the intent classifier's featurizers see.

The classifier learns how questions are asked, not which names they ask about. Each knowledge-base name in
a message (an entity of any extractor, or an entity-ruler match of the spaCy doc) reaches the featurizers as
one placeholder token of its type ("path to VPE" and "what's the path to CTO?" both read "path to
__role__"), so an abbreviation, alias or misspelling the recognisers resolve is classified like any other
name. The message's text and entities are untouched: only the tokens the featurizers count change.

A word the training data has never seen that is close to one it has ("salery", "certifcations") is counted
as that word (rapidfuzz ratio >= TYPO_RATIO, words of MIN_TYPO_CHARS letters or more). The training
vocabulary is the component's only trained state. Runs after every entity extractor and before
CountVectorsFeaturizer (config.yml).
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz, process
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import SPACY_DOCS, TOKENS_NAMES
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.topic_guard import TYPO_RATIO  # one measure of "a misspelling of a known word" for both steps

VOCAB_FILE = "vocabulary.json"
MIN_TYPO_CHARS = 4  # shorter words are left alone: one letter off there is usually another word
# Entity types that are no knowledge-base name (the language of a message).
NOT_NAMES = frozenset({"language"})


def placeholder(entity_type: str) -> str:
    """The token a name of `entity_type` becomes: "__role__"."""
    return f"__{entity_type.lower()}__"


def name_spans(message: Message) -> list[tuple[int, int, str]]:
    """(start, end, type) of every name in the message: its entities and the spaCy doc's ruler matches,
    longest first where they overlap."""
    spans = [(e["start"], e["end"], e["entity"]) for e in message.get(ENTITIES) or []
             if "start" in e and "end" in e and e.get("entity") not in NOT_NAMES]
    doc = message.get(SPACY_DOCS[TEXT])
    if doc is not None:
        spans += [(ent.start_char, ent.end_char, ent.label_) for ent in doc.ents if ent.label_]
    out: list[tuple[int, int, str]] = []
    for span in sorted(spans, key=lambda s: (s[0] - s[1], s[0])):
        if all(span[1] <= s or span[0] >= e for s, e, _ in out):
            out.append(span)
    return sorted(out)


def masked(text: str, spans: list[tuple[int, int, str]], start: int = 0, end: int | None = None) -> str:
    """text[start:end] with each name span inside it replaced by its placeholder ("is __certification__
    better")."""
    end = len(text) if end is None else end
    out, at = [], start
    for s, e, kind in spans:
        if start <= s and e <= end:
            out += [text[at:s], placeholder(kind)]
            at = e
    return "".join(out + [text[at:end]])


def with_placeholders(tokens: list[Token], spans: list[tuple[int, int, str]]) -> list[Token]:
    """The tokens, the ones inside each name span replaced by one placeholder token."""
    out: list[Token] = []
    used: set[int] = set()
    for token in tokens:
        span = next((i for i, (s, e, _) in enumerate(spans) if s <= token.start < e), None)
        if span is None:
            out.append(token)
        elif span not in used:
            used.add(span)
            start, end, kind = spans[span]
            out.append(Token(placeholder(kind), start, end, data=dict(token.data), lemma=placeholder(kind)))
    return out


class Speller:
    """Corrects a word to the nearest word of the training vocabulary, when it is a near miss of one."""

    def __init__(self, vocabulary: set[str]) -> None:
        self.vocabulary = vocabulary
        self._sorted = sorted(w for w in vocabulary if w.isalpha() and len(w) >= MIN_TYPO_CHARS)

    def correct(self, word: str) -> str:
        """`word` or the known word it misspells (lower case)."""
        lower = word.lower()
        if lower in self.vocabulary or len(lower) < MIN_TYPO_CHARS or not lower.isalpha() or not self._sorted:
            return word
        best = process.extractOne(lower, self._sorted, scorer=fuzz.ratio, score_cutoff=TYPO_RATIO)
        return best[0] if best else word


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=True)
class NamePlaceholders(GraphComponent):
    """Names become typed placeholders and misspelled words known ones, in the tokens the featurizers count."""

    def __init__(self, model_storage: ModelStorage, resource: Resource, vocabulary: set[str] | None = None) -> None:
        self._storage, self._resource = model_storage, resource
        self.speller = Speller(vocabulary or set())

    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> NamePlaceholders:
        """A new component: placeholders at once, spelling after training."""
        return cls(model_storage, resource)

    @classmethod
    def load(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> NamePlaceholders:
        """The component with the vocabulary saved by `train`."""
        try:
            with model_storage.read_from(resource) as folder:
                vocabulary = set(json.loads((Path(folder) / VOCAB_FILE).read_text(encoding="utf-8")))
        except (ValueError, OSError, TypeError):
            vocabulary = None
        return cls(model_storage, resource, vocabulary)

    def train(self, training_data: TrainingData) -> Resource:
        """Remember the words of the training examples (outside names)."""
        vocabulary: set[str] = set()
        for example in training_data.training_examples:
            tokens = example.get(TOKENS_NAMES[TEXT]) or []
            vocabulary |= {t.text.lower() for t in with_placeholders(tokens, name_spans(example))}
        self.speller = Speller(vocabulary)
        with self._storage.write_to(self._resource) as folder:
            (Path(folder) / VOCAB_FILE).write_text(json.dumps(sorted(vocabulary)), encoding="utf-8")
        return self._resource

    def _rewrite(self, message: Message, spell: bool) -> None:
        tokens = message.get(TOKENS_NAMES[TEXT])
        if not tokens:
            return
        out = with_placeholders(tokens, name_spans(message))
        if spell:
            for token in out:
                fixed = self.speller.correct(token.text)
                if fixed != token.text:
                    token.text = token.lemma = fixed
        message.set(TOKENS_NAMES[TEXT], out)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Placeholders in the training examples' tokens (their words are the vocabulary: nothing to spell)."""
        for example in training_data.training_examples:
            self._rewrite(example, spell=False)
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        """Placeholders and spelling in each message's tokens."""
        for message in messages:
            self._rewrite(message, spell=True)
        return messages
