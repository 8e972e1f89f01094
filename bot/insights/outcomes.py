"""The answer outcome of a user message, from the names of the actions and responses the bot recorded for it.

This is the one place that says which outcome a reply counts as. Each rule names exact action/response names
and name fragments; the first rule that matches any name recorded in the turn (the actions run and the
`utter_action` of the bot messages) decides, and a turn no rule matches was answered. To teach the report a new
reply kind, add its action or response name here (docs/insights.md, "Outcomes").
"""
from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass

ANSWERED = "answered"
NOT_COVERED = "not covered"
OUT_OF_SCOPE = "out of scope"
FALLBACK = "fallback"
UNAVAILABLE = "unavailable"
#: every outcome, in the order the report lists them
OUTCOMES = (ANSWERED, NOT_COVERED, OUT_OF_SCOPE, FALLBACK, UNAVAILABLE)
#: the outcomes whose messages are "unanswered" (with low-confidence answers, see aggregate.LOW_CONFIDENCE)
UNANSWERED_OUTCOMES = (NOT_COVERED, FALLBACK)


@dataclass(frozen=True)
class Rule:
    """Names that make a turn's outcome `outcome`: exact names, or names containing one of `fragments`."""

    outcome: str
    names: frozenset[str]
    fragments: tuple[str, ...] = ()

    def matches(self, name: str) -> bool:
        """True when `name` (an action, response or intent name) is one of this rule's."""
        return name in self.names or any(fragment in name for fragment in self.fragments)


# First match wins: "my knowledge base doesn't cover that" with topic buttons is "not covered", not a fallback.
RULES: tuple[Rule, ...] = (
    # "my knowledge base doesn't cover that (...)" plus the nearest known topics (issue 12)
    # (the intent `not_covered` alone is no outcome: the career FAQ answers some of those questions)
    Rule(NOT_COVERED, frozenset({"action_not_covered", "utter_not_covered"}), ("_not_covered",)),
    # the polite "that's outside what I know"; also the NLU's out_of_scope intent
    Rule(OUT_OF_SCOPE, frozenset({"utter_out_of_scope", "action_out_of_scope", "out_of_scope"}),
         ("out_of_scope",)),
    # the NLU was unsure (nlu_fallback): "I'm not sure I understood" with topic buttons, or "could you rephrase"
    Rule(FALLBACK, frozenset({"action_offer_topics", "utter_offer_topics", "nlu_fallback", "utter_default",
                              "action_default_fallback", "action_two_stage_fallback"})),
    # the knowledge base or action server was down: "I can't look that up right now"
    Rule(UNAVAILABLE, frozenset({"utter_kb_unavailable"})),
)

#: actions that are bookkeeping, not a reply
IGNORED_ACTIONS = frozenset({"action_listen", "action_session_start", "action_unlikely_intent"})


@functools.lru_cache(maxsize=4096)
def classify(names: Iterable[str], rules: tuple[Rule, ...] = RULES) -> str:
    """The outcome of a turn whose recorded names (intent, actions, responses) are `names` (a tuple)."""
    seen = [name for name in names if name]
    for rule in rules:
        if any(rule.matches(name) for name in seen):
            return rule.outcome
    return ANSWERED
