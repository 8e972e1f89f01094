"""The career FAQ action: retrieval over knowledge/data/faq.yml at run time (knowledge/faq.py), so an entry an
author adds is answered after `python -m knowledge load`, without retraining.

`answer_from_faq(session, text)` is the entry point the fallback path can call ("FAQ first, then not
covered"); `action_answer_faq` runs it on the latest message and, when no entry is confident enough, answers
"not covered" instead of answering a different question, for a career question nothing else answers (intent
`not_covered`, whose rule runs the FAQ first), else gives the fallback's answer (`action_offer_topics`).
"""
from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.orm import Session

from knowledge import faq

from . import names as n
from .base import ANSWERING, ASKING_BACK, BEFORE_ASKING, KnowledgeRun, Message, Reply, run_action, utter
from .render.faq import render_faq_answer

logger = logging.getLogger(__name__)


def faq_button(entry: Any) -> dict[str, str]:
    """A button asking an FAQ entry's first question; its payload names the entry, so no NLU is involved."""
    title = entry.questions[0].text if entry.questions else entry.title
    return {"title": title, "payload": f'/{n.ASK_FAQ}{{"{n.FAQ_ENTRY}": "{entry.key}"}}'}


def answer_from_faq(session: Session, text: str, entry_key: str | None = None, own_words: float | None = None
                    ) -> Reply | None:
    """The FAQ's answer to `text` (or to the entry `entry_key`, from a button), with its sources and follow-up
    buttons; None when no entry answers it confidently (then say honestly that it is not covered).
    `own_words`: see knowledge.faq.MIN_OWN_WORDS."""
    entry = faq.entry(session, entry_key) if entry_key else None
    if entry is None:
        found = faq.match(session, text, own_words=own_words)
        entry = found.entry if found else None
    if entry is None:
        return None
    buttons = [faq_button(e) for e in faq.follow_up_entries(session, entry)]
    return Reply([Message(text=render_faq_answer(entry), buttons=buttons)])


def faq_before_asking(session: Session, text: str, situation: str = ASKING_BACK) -> Reply | None:
    """The FAQ's answer to a typed question the classifier placed nowhere, or on a topic that would have to ask
    back which thing it means (ASKING_BACK); or, much more strictly (knowledge.faq.STRONG), to one a topic
    action would answer with its own facts (ANSWERING), unless it asks about an aspect no topic answer holds
    (knowledge.faq.FAQ_ONLY_ASPECTS: a fee, a renewal, an exam). None unless an entry matches on the
    question's own words too."""
    if not text or text.startswith("/"):  # a button payload is not a question
        return None
    if situation == ANSWERING and not faq.asks_faq_only_aspect(text):
        found = faq.match(session, text, **faq.STRONG)
        return answer_from_faq(session, text, found.entry.key) if found else None
    return answer_from_faq(session, text, own_words=faq.MIN_OWN_WORDS)


BEFORE_ASKING.append(faq_before_asking)


class ActionAnswerFaq(KnowledgeRun, Action, action_name=n.ACTION_ANSWER_FAQ):
    """Answer the latest message from the career FAQ, or hand over to the fallback."""

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        """One FAQ answer with sources and follow-up buttons; the fallback when nothing fits (never raises)."""
        message = tracker.latest_message or {}
        key = next((e.get("value") for e in message.get("entities") or []
                    if isinstance(e, dict) and e.get("entity") == n.FAQ_ENTRY and isinstance(e.get("value"), str)),
                   None)
        try:
            with self._session() as session:
                # a typed question must match on its own words too, not only on the names it shares with an entry
                reply = answer_from_faq(session, message.get("text") or "", key,
                                        own_words=None if key else faq.MIN_OWN_WORDS)
        except Exception:  # the user gets a polite message whatever went wrong; the log gets the details
            return self.fail_politely(dispatcher, tracker)
        if reply is None:  # FAQ first, then the honest "not covered" (or the fallback's topics), in this turn:
            # a FollowupAction would leave the policies without a rule for the step after it (Rasa's "could you
            # rephrase?" came on top)
            not_covered = (message.get("intent") or {}).get("name") == n.NOT_COVERED
            return run_action(n.ACTION_NOT_COVERED if not_covered else n.ACTION_OFFER_TOPICS, self._sessions,
                              dispatcher, tracker, domain)
        utter(dispatcher, reply)
        return []
