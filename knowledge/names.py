"""Normalisation of names and aliases, shared by the loader, the queries and the NLU builder."""
from __future__ import annotations

import re

_SPACE = re.compile(r"\s+")
_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u2013": "-", "\u2014": "-"})


def normalize_name(text: str) -> str:
    """Lower-case, fold typographic quotes/dashes and whitespace: the form aliases are stored and looked up in."""
    return _SPACE.sub(" ", text.translate(_QUOTES)).strip().lower()
