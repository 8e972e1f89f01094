"""What the topic guard (bot/nlu/topic_guard.py) writes into the parse data and action_offer_topics
(bot/actions/fallback.py) reads: plain names, so the action server can import them without Rasa's NLU.

When the guard speaks, the parse data holds `{GUARD_KEY: {"from": <classifier's intent>, "outcome": <verdict>}}`.
NOT_COVERED and OUT_OF_SCOPE are also the intents of outcomes (b) and (c) (bot/actions/names.py)."""

GUARD_KEY = "topic_guard"
NOT_COVERED = "not_covered"  # (b): in the domain, not in the knowledge base
OUT_OF_SCOPE = "out_of_scope"  # (c): out of the domain
ABOUT_NAME = "about_name"  # a fallback that only names one thing: answer what the knowledge base has on it
ABOUT_MOVE = "about_move"  # a fallback that names the user's role and a target role: answer the path between
