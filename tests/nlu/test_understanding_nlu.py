"""The NLU components of bot/nlu on the shipped knowledge base, without a Rasa server: fuzzy names
(misspellings found, ordinary words left alone) and language identification (other languages found,
short or misspelled English left alone)."""
from __future__ import annotations

from pathlib import Path

import pytest
import spacy
import yaml
from rasa.shared.nlu.constants import ENTITIES, INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from sqlalchemy.orm import Session

from bot.nlu import fuzzy_entities as fz
from bot.nlu import language as lang
from bot.spacy_model import build

REPO_ROOT = Path(__file__).resolve().parents[2]


def training_texts() -> list[str]:
    """The plain text of every example in bot/data (annotations stripped)."""
    out = []
    for path in sorted((REPO_ROOT / "bot" / "data").glob("*.yml")):
        for block in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu") or []:
            for line in (block.get("examples") or "").splitlines():
                if line.startswith("- "):
                    out.append(line[2:].replace("[", "").split("](")[0])
    return out


@pytest.fixture(scope="module")
def nlp(kb_sessions) -> spacy.language.Language:
    """The entity-ruler pipeline bot/spacy_model.py builds from the shipped knowledge base."""
    with kb_sessions() as session:
        return build(session)


@pytest.fixture(scope="module")
def index(nlp: spacy.language.Language) -> fz.AliasIndex:
    """The fuzzy extractor's alias index, with the training data's words as known words."""
    return fz.AliasIndex.from_patterns(nlp.get_pipe("entity_ruler").patterns, fz.training_words(training_texts()))


def fuzzy_values(nlp: spacy.language.Language, index: fz.AliasIndex, text: str) -> list[tuple[str, str, str]]:
    """(type, canonical name, matched text) of the exact and fuzzy entities of `text`, in text order."""
    doc = nlp(text)
    tokens = [fz.Token(t.text, t.idx, t.idx + len(t.text)) for t in doc]
    exact = [(e.start_char, e.end_char, e.label_, e.ent_id_) for e in doc.ents]
    found, replaced = fz.fuzzy_matches(tokens, [(s, e) for s, e, *_ in exact], index)
    ents = [(s, label, value) for s, e, label, value in exact if (s, e) not in replaced]
    ents += [(f["start"], f["entity"], f["value"]) for f in found]
    return [(label, value) for _, label, value in sorted(ents)]


@pytest.mark.parametrize("text, expected", [
    ("how do i becom an enginering directr", [("role", "engineering director")]),
    ("what does a senoir engineering manager do", [("role", "senior engineering manager")]),
    ("how do i get to projct manager", [("role", "project manager")]),
    ("tell me about the scrum mastr cert", [("certification", "CSM")]),
    ("who does a directer of engineering report to", [("role", "engineering director")]),
    ("i'm a mechanicl engineer", [("discipline", "mechanical engineering")]),
    ("engineering manger vs engineering directer", [("role", "engineering manager"), ("role", "engineering director")]),
])
def test_misspelled_names_are_found(nlp, index, text: str, expected: list) -> None:
    """A misspelled name gets the canonical name of the thing it misspells."""
    assert fuzzy_values(nlp, index, text) == expected


@pytest.mark.parametrize("text", [
    "how do I manage a team well",
    "is engineering managment a good field",
    "which certifications matter",
    "I report directly to the CEO",
    "tell me about operation research",
    "what does the job involve day to day",
])
def test_ordinary_words_are_not_names(nlp, index, text: str) -> None:
    """Words of the same family as a name, or closer to another word, are not turned into names."""
    exact = [(e.label_, e.ent_id_) for e in nlp(text).ents]
    assert fuzzy_values(nlp, index, text) == exact


def test_abbreviations_are_aliases(nlp) -> None:
    """The abbreviations users type are knowledge-base aliases, found exactly."""
    for text, name in [("dir of eng", "engineering director"), ("eng mgr", "engineering manager"),
                       ("VPE", "VP of engineering"), ("sr eng mgr", "senior engineering manager"),
                       ("proj eng", "project engineer")]:
        assert [e.ent_id_ for e in nlp(f"tell me about {text} please").ents] == [name], text


@pytest.fixture(scope="module")
def english() -> lang.EnglishFilter:
    """The language filter with the training data's words as known English."""
    return lang.EnglishFilter(lang.training_words(training_texts()))


@pytest.mark.parametrize("text, code", [
    ("¿Cómo llego a ser jefe de ingeniería?", "es"),
    ("Je voudrais devenir directeur technique, que faire ?", "fr"),
    ("Was verdient ein Abteilungsleiter in der Entwicklung?", "de"),
    ("Какие сертификаты нужны инженеру?", "ru"),
    ("我想当工程经理", "zh"),
])
def test_other_languages_are_found(english: lang.EnglishFilter, text: str, code: str) -> None:
    """A message in another language is foreign, with its language named."""
    verdict = english.judge(text)
    assert verdict.foreign and verdict.language == code


@pytest.mark.parametrize("text", ["hallo", "hello friend", "VP of engineering vs CTO", "pls help me plan my carreer",
                                  "do engineering managers earn over 100k", "manager vs director in engineering",
                                  "ok gotta run", "12345", "🙂", "qwrtz plmok zxvbn"])
def test_english_is_not_foreign(english: lang.EnglishFilter, text: str) -> None:
    """Short, abbreviated or misspelled English stays English."""
    assert not english.judge(text).foreign


def test_component_sets_intent_and_language() -> None:
    """The Rasa component overrides the intent with non_english and adds a language entity."""
    component = lang.LanguageIdentification(None, None, lang.training_words(training_texts()))
    foreign = Message({TEXT: "¿Cuánto gana un jefe de proyecto en España?", INTENT: {"name": "ask_salary"}})
    english_message = Message({TEXT: "how much does a project manager make", INTENT: {"name": "ask_salary"}})
    component.process([foreign, english_message])
    assert foreign.get(INTENT)["name"] == lang.NON_ENGLISH_INTENT
    assert [(e["entity"], e["value"]) for e in foreign.get(ENTITIES)] == [("language", "es")]
    assert english_message.get(INTENT)["name"] == "ask_salary" and not english_message.get(ENTITIES)


def test_english_only_texts_name_their_language() -> None:
    """Every conditional variant of utter_english_only is for a language the identifier can name."""
    domain = yaml.safe_load((REPO_ROOT / "bot" / "domain.yml").read_text(encoding="utf-8"))
    variants = domain["responses"]["utter_english_only"]
    codes = [c["value"] for v in variants for c in v.get("condition") or []]
    assert codes and set(codes) <= set(lang.LANGUAGES)
    assert any("condition" not in v for v in variants), "a variant for every other language"


def test_kb_session_fixture_is_real(kb: Session) -> None:
    """The alias index above comes from the shipped knowledge base (not an empty one)."""
    from knowledge import queries
    assert any(a.text == "dir of eng" for a in queries.aliases(kb))


@pytest.mark.parametrize("text, expected", [
    ("I'm an engineering manager. How do I get to CTO one day?",
     [("engineering manager", "current"), ("chief technology officer", "target")]),
    ("can a staff engineer become an engineering director?",
     [("staff engineer", "current"), ("engineering director", "target")]),
    ("project engineer → engineering manager: what helps?",
     [("project engineer", "current"), ("engineering manager", "target")]),
    ("junior project manager here. how can I get to engineering manager?",
     [("junior project manager", "current"), ("engineering manager", "target")]),
    ("how do I become an engineering director", [("engineering director", "target")]),
    ("what does a director do", [("engineering director", None)]),
])
def test_role_grammar_places_current_and_target(nlp, text: str, expected: list) -> None:
    """Role entities get the entity role the grammar gives them."""
    from bot.nlu.role_grammar import mark_roles
    ents = [{"entity": e.label_, "value": e.ent_id_, "start": e.start_char, "end": e.end_char} for e in nlp(text).ents]
    assert [(e["value"], e.get("role")) for e in mark_roles(text, ents) if e["entity"] == "role"] == expected


@pytest.mark.parametrize("text, parts", [
    ("what does a director do and how much do they make and what certs do they need?",
     ["what does a director do", "how much do they make", "what certs do they need"]),
    ("What is PMP? And what is CSM?", ["What is PMP", "what is CSM"]),
    ("How do I become an engineering manager? Also, how much do they earn?",
     ["How do I become an engineering manager", "how much do they earn"]),
    ("I'm an engineering manager. How do I get to CTO one day?",
     ["I'm an engineering manager. How do I get to CTO one day"]),
    ("and what about project engineers", ["what about project engineers"]),
])
def test_compound_split(text: str, parts: list[str]) -> None:
    """Questions are split at question marks and at "and" + a question word, nowhere else."""
    from bot.nlu.compound import split_parts
    assert [text[s:e] for s, e in split_parts(text)] == parts
