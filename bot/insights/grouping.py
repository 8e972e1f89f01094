"""Grouping similar messages: word sets compared by Jaccard similarity, greedily, most frequent first.

Plain and predictable on purpose: the words of a message, lower-cased, without the commonest English function
words; two messages are alike when they share at least half of their words (|A ∩ B| / |A ∪ B| ≥ 0.5). Each
group is represented by its most frequent message; a message joins the most similar group it is alike to,
else starts its own. An inverted index from word to groups keeps this fast on tens of thousands of messages.
"""
from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

SIMILARITY = 0.5
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
STOPWORDS = frozenset("""
a an the and or but if of to in on at for from by with about as into than then so do does did done doing
is are was were be been being am i me my mine you your yours we our us he she it its they them their this
that these those there here what which who whom whose how when where why can could would should will shall
may might must have has had having just please tell know want like get got any some s t
""".split())

T = TypeVar("T")


def normalize(text: str) -> str:
    """`text` lower-cased with its whitespace folded and trailing punctuation dropped: the key of a message."""
    return " ".join(text.lower().split()).rstrip(" ?!.,;:")


def words(text: str) -> frozenset[str]:
    """The content words of `text` (all its words when it has only function words)."""
    found = _WORD.findall(text.lower())
    content = frozenset(w for w in found if w not in STOPWORDS)
    return content or frozenset(found)


def similarity(a: frozenset[str], b: frozenset[str]) -> float:
    """Jaccard similarity of two word sets (0 when both are empty)."""
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


@dataclass
class Group(Generic[T]):
    """Similar items: the representative's words and the members, the representative first."""

    words: frozenset[str]
    members: list[T] = field(default_factory=list)


def group(items: Sequence[T], text_of, weight_of, threshold: float = SIMILARITY) -> list[Group[T]]:
    """Groups of similar `items` (by `text_of(item)`), heaviest items (by `weight_of`) considered first."""
    ordered = sorted(items, key=lambda item: (-weight_of(item), text_of(item)))
    groups: list[Group[T]] = []
    index: dict[str, list[int]] = defaultdict(list)
    for item in ordered:
        item_words = words(text_of(item))
        best, best_score = None, threshold
        for candidate in _candidates(index, item_words):
            score = similarity(item_words, groups[candidate].words)
            if score >= best_score and (best is None or score > best_score or candidate < best):
                best, best_score = candidate, score
        if best is None:
            best = len(groups)
            groups.append(Group(item_words))
            for word in item_words:
                index[word].append(best)
        groups[best].members.append(item)
    return groups


def _candidates(index: dict[str, list[int]], item_words: Iterable[str]) -> set[int]:
    found: set[int] = set()
    for word in item_words:
        found.update(index.get(word, ()))
    return found
