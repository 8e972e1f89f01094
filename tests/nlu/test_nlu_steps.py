"""Steps of bot/nlu added for issue 12's second round, without a trained model: names as placeholders and
misspelled words corrected for the classifier, dotted abbreviations, typos that only look like word endings,
and the topic guard's rules (small talk that is none, a topic intent nothing backs, a move between two roles)."""
from __future__ import annotations

from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu import fuzzy_entities as fz
from bot.nlu import name_placeholders as ph
from bot.nlu import topic_guard as g


def tokens(text: str) -> list[Token]:
    """Whitespace tokens with their offsets."""
    out, at = [], 0
    for word in text.split():
        start = text.index(word, at)
        out.append(Token(word, start))
        at = start + len(word)
    return out


def message(text: str, entities: list[tuple[str, str]]) -> Message:
    """A message with whitespace tokens and entities at the first place their text occurs."""
    ents = [{"entity": kind, "value": value, "start": text.index(value), "end": text.index(value) + len(value)}
            for kind, value in entities]
    m = Message(data={TEXT: text, ENTITIES: ents})
    m.set(TOKENS_NAMES[TEXT], tokens(text))
    return m


# ------------------------------------------------------------------ names as placeholders
def test_names_become_one_placeholder_of_their_type() -> None:
    m = message("path from VP of engineering to CTO", [("role", "VP of engineering"), ("role", "CTO")])
    out = ph.with_placeholders(m.get(TOKENS_NAMES[TEXT]), ph.name_spans(m))
    assert [t.text for t in out] == ["path", "from", "__role__", "to", "__role__"]
    assert [t.lemma for t in out][2] == "__role__"


def test_overlapping_spans_keep_the_longest() -> None:
    m = message("what is a PMP certification", [("certification", "PMP certification"), ("certification", "PMP")])
    assert ph.name_spans(m) == [(10, 27, "certification")]


def test_masked_text_of_a_part() -> None:
    text = "what is Lean Six Sigma and is PMP better?"
    spans = [(8, 22, "certification"), (30, 33, "certification")]
    assert ph.masked(text, spans, 27, 40) == "is __certification__ better"
    assert ph.masked(text, spans) == "what is __certification__ and is __certification__ better?"


def test_speller_corrects_near_misses_of_known_words_only() -> None:
    speller = ph.Speller({"salary", "become", "what", "engineering"})
    assert speller.correct("salery") == "salary"
    assert speller.correct("banana") == "banana"  # nothing near it: left alone
    assert speller.correct("wat") == "wat"  # too short to correct
    assert speller.correct("salary") == "salary"


def test_component_rewrites_tokens_not_text() -> None:
    component = ph.NamePlaceholders(None, None, {"salary", "of", "an"})
    m = message("salery of an VPE", [("role", "VPE")])
    component.process([m])
    assert [t.text for t in m.get(TOKENS_NAMES[TEXT])] == ["salary", "of", "an", "__role__"]
    assert m.get(TEXT) == "salery of an VPE" and m.get(ENTITIES)[0]["value"] == "VPE"


# ------------------------------------------------------------------ fuzzy names
def test_dotted_abbreviations_are_names() -> None:
    index = fz.AliasIndex([fz.Alias("mem", "degree", "MEM", 1), fz.Alias("vp", "role", "VP of engineering", 1)])
    found = fz.dotted_matches("how long is an M.E.M. and is a V.P. paid more", [], index)
    assert [(e["entity"], e["value"]) for e in found] == [("degree", "MEM"), ("role", "VP of engineering")]
    assert fz.dotted_matches("e.g. an example", [], index) == []
    assert fz.dotted_matches("an M.E.M.", [(3, 9)], index) == []  # another entity is already there


def test_a_doubled_letter_is_a_typo_not_a_word_ending() -> None:
    assert fz._derived("manage", "manager") and fz._derived("operations", "operation")
    assert not fz._derived("lean six sigmaa", "lean six sigma")


# ------------------------------------------------------------------ the topic guard
def vocabulary() -> g.GuardVocabulary:
    """A guard trained on a handful of examples."""
    examples = [("goodbye", "bye for now"), ("goodbye", "see you later"), ("goodbye", "good luck, bye"),
                ("ask_capabilities", "what can you do"), ("ask_capabilities", "what do you know about"),
                ("ask_capabilities", "what topics can you help with"), ("ask_capabilities", "help me understand"),
                ("greet", "hello there"), ("greet", "good morning")]
    examples += [("greet", "hello and happy retirement")]
    examples += [("ask_outlook", "what is the job outlook"), ("ask_outlook", "how is the job market")] * 3
    examples += [("ask_outlook", "job outlook for engineers in management")] * 2
    examples += [("ask_salary", "how much do engineers earn")] * 3
    examples += [("ask_salary", "salary of engineers in management")] * 2
    return g.GuardVocabulary.from_examples(examples)


def test_small_talk_without_its_words_is_not_small_talk() -> None:
    vocab = vocabulary()
    assert g.guarded_intent("is coffee bad for you", "goodbye", [], vocab) == g.OUT_OF_SCOPE
    assert g.guarded_intent("good luck, bye", "goodbye", [], vocab) is None
    assert g.guarded_intent("bye buddy", "goodbye", [], vocab) is None  # one content word: too little to judge


def test_a_choice_is_only_words_of_choosing() -> None:
    vocab = g.GuardVocabulary.from_examples(
        [("choose_suggestion", t) for t in ("that one please", "the second one", "option two", "i pick the first")]
        + [("not_covered", "how do I run a retrospective")] * 3 + [("ask_salary", "how much do managers earn")] * 3)
    assert g.guarded_intent("that one please", g.CHOICE, [], vocab) is None
    assert g.guarded_intent("the second one about salaries", g.CHOICE, [], vocab) is None  # it says which
    assert g.guarded_intent("what's one fruit to eat", g.CHOICE, [], vocab) == g.OUT_OF_SCOPE
    assert g.guarded_intent("one tip for a retrospective", g.CHOICE, [], vocab) == g.NOT_COVERED
    # the classifier torn between a choice the message cannot be and "not covered": not covered
    torn = [g.CHOICE, g.NOT_COVERED, "ask_salary"]
    assert g.guarded_intent("how do I run a good one-on-one?", g.FALLBACK, [], vocab, 0.4, torn) == g.NOT_COVERED
    assert g.guarded_intent("the second one?", g.FALLBACK, [], vocab, 0.4, torn) == g.OUT_OF_SCOPE
    assert g.guarded_intent("how do I run a good one-on-one?", g.FALLBACK, [], vocab, 0.4,
                            ["ask_salary", g.CHOICE]) == g.OUT_OF_SCOPE  # no career word: out of scope as before


def test_an_unsure_topic_intent_nothing_backs_is_not_covered() -> None:
    vocab = vocabulary()
    text = "what's the retirement age for engineers in management"
    assert g.guarded_intent(text, "ask_outlook", [], vocab, confidence=0.52) == g.NOT_COVERED
    assert g.guarded_intent(text, "ask_outlook", [], vocab, confidence=0.9) is None  # the classifier is sure
    assert g.guarded_intent("what is the job market for engineers", "ask_outlook", [], vocab, 0.5) is None
    role = [{"entity": "role", "value": "engineering manager", "start": 0, "end": 1}]
    assert g.guarded_intent(text, "ask_outlook", role, vocab, confidence=0.52) is None  # a name backs it


def test_a_fallback_naming_current_and_target_roles_is_about_the_move() -> None:
    entities = [{"entity": "role", "value": "project engineer", "role": "current", "start": 0, "end": 16},
                {"entity": "role", "value": "engineering manager", "role": "target", "start": 19, "end": 38}]
    text = "project engineer → engineering manager: what helps?"
    assert g.guarded_intent(text, "nlu_fallback", entities, vocabulary()) == g.ABOUT_MOVE
    assert g.guarded_intent(text, "nlu_fallback", entities[:1], vocabulary()) != g.ABOUT_MOVE


def test_typos_two_edits_away_are_known_words() -> None:
    vocab = g.GuardVocabulary({"become", "staff"})
    assert not vocab.is_unknown("becum")
    assert vocab.is_unknown("xecum")  # another first letter
    assert vocab.is_unknown("pension")
