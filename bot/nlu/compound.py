"""Compound questions: a message that asks two or more questions ("what does a director do and how much do
they make?", "What is PMP? And what is CSM?") gets the intent `compound` and, under the key `compound`, its
parts in order: each part's text, intent and entities (offsets within the part). action_answer_parts then
answers each part with the action of its intent, so there is no second answering path.

A message is split at question marks, and at "and/also/plus" or a comma followed by a question word. Each part's intent
comes from a small classifier of this component's own (character n-grams + logistic regression, trained on
the same NLU examples, names shown as placeholders as to the main classifier), because Rasa's pipeline
classifies whole messages only. A message counts as compound only when at least two parts are confidently
about a knowledge-base topic.
"""
from __future__ import annotations

import pickle
import re
from pathlib import Path
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.name_placeholders import masked, name_spans

COMPOUND_INTENT = "compound"
PARTS_KEY = "compound"
MODEL_FILE = "compound_parts.pkl"
MIN_PART_CONFIDENCE = 0.45
MIN_PART_WORDS = 2
# Intents a part may have: questions about a topic of the knowledge base.
PART_INTENTS = frozenset({"ask_path", "ask_duration", "ask_next_role", "ask_role_duties", "ask_reports_to",
                          "compare", "ask_certifications", "ask_education", "ask_skills", "ask_salary",
                          "ask_outlook", "ask_specializations", "ask_industries", "ask_discipline_moves",
                          "ask_ladder"})
_QUESTION_WORD = r"(?:what|what's|how|who|whom|which|where|when|why|is|are|do|does|can|should|will)\b"
_SPLIT = re.compile(r"\?+\s*|,?\s+(?:and|also|plus)\s+(?=" + _QUESTION_WORD + r")|,\s+(?=" + _QUESTION_WORD + r")",
                    re.IGNORECASE)
_LEAD = re.compile(r"^(?:and|also|plus)\b[,\s]*", re.IGNORECASE)
# A clause about the user ("i'm a civil engineer, what can i move into"): context of the question after it.
_TELLS = re.compile(r"(?:i|i'm|im|i've|ive|i'd|my|we|we're|as\s+an?|currently)\b", re.IGNORECASE)


def split_parts(text: str) -> list[tuple[int, int]]:
    """(start, end) of each question in `text`, in order, leading "and"/"also" trimmed. A clause about the user
    before a question ("i'm a civil engineer, what can i move into") is that question's context, not a part."""
    spans, start = [], 0
    for match in _SPLIT.finditer(text):
        part = _LEAD.sub("", text[start:match.start()].strip())
        if "?" in text[match.start():match.end()] or not _TELLS.match(part):
            spans.append((start, match.start()))
            start = match.end()
    spans.append((start, len(text)))
    out = []
    for s, e in spans:
        part = text[s:e]
        lead = _LEAD.match(part)
        if lead:
            s += lead.end()
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1] in " \t.,;!":
            e -= 1
        if len(text[s:e].split()) >= MIN_PART_WORDS:
            out.append((s, e))
    return out


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class CompoundSplitter(GraphComponent):
    """Marks messages that ask several questions and gives each part its intent and entities."""

    def __init__(self, model_storage: ModelStorage, resource: Resource, pipeline: Any = None) -> None:
        self._storage, self._resource = model_storage, resource
        self.pipeline = pipeline

    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> CompoundSplitter:
        """A new, untrained splitter (it marks nothing until trained)."""
        return cls(model_storage, resource)

    @classmethod
    def load(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> CompoundSplitter:
        """The splitter with the part classifier saved by `train`."""
        try:
            with model_storage.read_from(resource) as folder:
                pipeline = pickle.loads((Path(folder) / MODEL_FILE).read_bytes())
        except (ValueError, OSError, pickle.UnpicklingError):
            pipeline = None
        return cls(model_storage, resource, pipeline)

    @staticmethod
    def required_packages() -> list[str]:
        """scikit-learn classifies the parts."""
        return ["sklearn"]

    def train(self, training_data: TrainingData) -> Resource:
        """Train the part classifier on the NLU examples."""
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline
        examples = [(masked(e.get(TEXT), name_spans(e)), e.get(INTENT)) for e in training_data.intent_examples
                    if e.get(TEXT)]
        if len({intent for _, intent in examples}) >= 2:
            self.pipeline = make_pipeline(TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True),
                                          LogisticRegression(max_iter=1000, C=10.0))
            self.pipeline.fit([t.lower() for t, _ in examples], [i for _, i in examples])
        with self._storage.write_to(self._resource) as folder:
            (Path(folder) / MODEL_FILE).write_bytes(pickle.dumps(self.pipeline))
        return self._resource

    def parts(self, text: str, entities: list[dict[str, Any]],
              names: list[tuple[int, int, str]] | None = None) -> list[dict[str, Any]]:
        """The message's parts with intent, confidence and entities; [] unless it asks several questions.
        `names`: the message's name spans, shown to the part classifier as placeholders (bot/nlu/name_placeholders)."""
        spans = split_parts(text)
        if self.pipeline is None or len(spans) < 2:
            return []
        probabilities = self.pipeline.predict_proba([masked(text, names or [], s, e).lower() for s, e in spans])
        classes = list(self.pipeline.classes_)
        out = []
        for (s, e), row in zip(spans, probabilities):
            best = max(range(len(classes)), key=lambda i: row[i])
            ents = [dict(x, start=x["start"] - s, end=x["end"] - s) for x in entities
                    if "start" in x and "end" in x and s <= x["start"] and x["end"] <= e]
            out.append({"text": text[s:e], "intent": classes[best], "confidence": float(row[best]),
                        "entities": ents})
        # "which industries hire EMs and which pay the most": a part that only repeats the previous part's
        # question without naming anything new is answered by it
        out = [p for i, p in enumerate(out)
               if i == 0 or p["entities"] or p["intent"] != out[i - 1]["intent"]]
        topical = [p for p in out if p["intent"] in PART_INTENTS and p["confidence"] >= MIN_PART_CONFIDENCE]
        return out if len(topical) >= 2 and len(topical) == len(out) else []

    def process(self, messages: list[Message]) -> list[Message]:
        """Mark compound messages (intent `compound`, parts under `compound`)."""
        for message in messages:
            text = message.get(TEXT)
            if not text or (message.get(INTENT) or {}).get(INTENT_NAME_KEY) in ("non_english",):
                continue
            parts = self.parts(text, message.get(ENTITIES) or [], name_spans(message))
            if parts:
                intent = {INTENT_NAME_KEY: COMPOUND_INTENT, "confidence": 1.0}
                message.set(INTENT, intent, add_to_output=True)
                message.set(INTENT_RANKING_KEY, [intent, *(message.get(INTENT_RANKING_KEY) or [])],
                            add_to_output=True)
                message.set(PARTS_KEY, parts, add_to_output=True)
        return messages
