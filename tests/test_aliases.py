"""Every alias in the knowledge base is recognised as an entity of the right kind and resolves back to its
canonical name: first by the KB-built spaCy pipeline (in memory), then, when a trained model exists, through
the full Rasa NLU pipeline.
"""
from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from bot import spacy_model
from knowledge import queries as q
from knowledge.db import REPO_ROOT

MODEL_PATH = REPO_ROOT / "var" / "models" / "careerbot.tar.gz"
SENTENCE = "tell me about {alias}"


def mismatches(session: Session, entities_of) -> list[str]:
    """Aliases not recognised as exactly one entity with their kind that resolves to their canonical name.

    `entities_of(text)` returns the (text, label) pairs the pipeline under test finds in `text`.
    """
    wrong = []
    for alias in q.aliases(session):
        found = entities_of(SENTENCE.format(alias=alias.text))
        expected = q.Name(alias.kind, alias.canonical)
        if len(found) != 1:
            wrong.append(f"{alias.text!r}: expected one {alias.kind} entity, got {found}")
            continue
        text, label = found[0]
        if label != alias.kind or q.resolve(session, text) != expected:
            wrong.append(f"{alias.text!r}: got {label} {text!r} -> {q.resolve(session, text)}, expected {expected}")
    return wrong


def test_the_kb_has_the_aliases_people_use(kb):
    """A sanity floor, so the tests below cannot pass on an empty alias table."""
    texts = {a.text for a in q.aliases(kb)}
    assert {"em", "eng manager", "director of engineering", "vp eng", "cto", "pmp", "scrummaster",
            "mem"} <= texts
    assert len(texts) > 200


def test_every_alias_is_recognised_by_the_kb_built_spacy_pipeline(kb):
    nlp = spacy_model.build(kb)
    wrong = mismatches(kb, lambda text: [(e.text, e.label_) for e in nlp(text).ents])
    assert wrong == []


def test_aliases_are_recognised_whatever_the_case(kb):
    nlp = spacy_model.build(kb)
    for text, label, canonical in (("Tell me about the CTO", "role", "chief technology officer"),
                                   ("Is a Certified ScrumMaster useful?", "certification", "CSM"),
                                   ("Director Of Engineering duties", "role", "engineering director")):
        [ent] = nlp(text).ents
        assert ent.label_ == label and q.resolve(kb, ent.text) == q.Name(label, canonical)


# ------------------------------------------------------------------ the trained Rasa model
@pytest.fixture(scope="module")
def rasa_agent() -> Iterator[object]:
    """The trained model at var/models/careerbot.tar.gz, loaded once (skipped when absent, except on CI)."""
    if not MODEL_PATH.exists():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true but there is no trained model at {MODEL_PATH}; train it before the tests")
        pytest.skip(f"no trained model at {MODEL_PATH}")
    from rasa.core.agent import Agent  # imported here: Rasa is slow to import and only this test needs it

    previous = Path.cwd()
    os.chdir(REPO_ROOT)  # config.yml names the spaCy model by a path relative to the repository
    try:
        yield Agent.load(str(MODEL_PATH))
    finally:
        os.chdir(previous)


def test_every_alias_is_recognised_by_the_trained_rasa_model(rasa_agent, kb):
    def entities_of(text: str) -> list[tuple[str, str]]:
        parsed = asyncio.run(rasa_agent.parse_message(text))
        return [(text[e["start"]:e["end"]], e["entity"]) for e in parsed["entities"]]

    wrong = mismatches(kb, entities_of)
    assert wrong == [], f"{len(wrong)} aliases not recognised by {MODEL_PATH}; retrain it:\n" + "\n".join(wrong)
