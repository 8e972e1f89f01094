"""Where a question is about: a place or country named at the end of the message ("... in Germany"), so
that answers whose facts are not about that place say so ("these are US figures from PayScale, 2025")."""
from __future__ import annotations

import re
from collections.abc import Callable

_PLACE = re.compile(r"\b(?:in|for)\s+(?:the\s+)?([^\W\d_][\w.'-]*(?:\s+[A-Z][\w.'-]*)?)\s*[?.!]*\s*$")
# Words that follow "in"/"for" at the end of a career question without naming a place.
_NOT_PLACES = frozenset(
    "general total engineering management tech technology industry industries it that this me them us you "
    "him her my your our their years months weeks future demand practice short long detail details order "
    "charge person reality theory particular america".split())


_PEOPLE = re.compile(r"(?:ers|ees|ists|ians|ants|ents)$")  # "for engineers", "in developers": people, not places


def place_named(text: str, is_known: Callable[[str], bool]) -> str | None:
    """The place a message ends on ("in Germany", "in the UK", "for Canada"), as typed; None when there is none
    or the phrase names something the knowledge base knows (`is_known`: "in construction" is an industry).
    After "for", only a capitalised name is a place ("worth it for engineers" is about people)."""
    match = _PLACE.search(text or "")
    if not match:
        return None
    place = match.group(1).strip(".'-")
    words = place.lower().split()
    if not words or words[0] in _NOT_PLACES or is_known(place) or _PEOPLE.search(words[0]):
        return None
    if re.search(r"\bfor\s+(?:the\s+)?$", text[:match.start(1)], re.IGNORECASE) and not place[0].isupper():
        return None
    if len(place) <= 3:
        return place.upper()  # "uk", "usa"
    return place[0].upper() + place[1:] if place.islower() else place
