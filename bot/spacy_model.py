"""Build the spaCy pipeline Rasa's SpacyNLP loads: a blank English model whose entity ruler is generated
from the knowledge base's names and aliases (the single source of truth for entity recognition).

Usage: python -m bot.spacy_model [--out var/spacy_model]
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import spacy
from sqlalchemy.orm import Session

from knowledge import queries
from knowledge.db import REPO_ROOT, get_engine

DEFAULT_OUT = REPO_ROOT / "var" / "spacy_model"


# Aliases are stored with straight quotes and hyphens; users also type the typographic forms.
_TYPOGRAPHIC = (("'", "\u2019"), ("-", "\u2013"))


def patterns(session: Session) -> list[dict]:
    """Entity-ruler phrase patterns: one per alias (plus its typographic spelling), label = kind, id = canonical."""
    out = []
    for a in queries.aliases(session):
        spellings = {a.text}
        for plain, fancy in _TYPOGRAPHIC:
            spellings |= {s.replace(plain, fancy) for s in spellings}
        out += [{"label": a.kind, "pattern": text, "id": a.canonical} for text in sorted(spellings)]
    return out


def build(session: Session) -> "spacy.language.Language":
    """A blank English pipeline with a case-insensitive entity ruler over every KB alias."""
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "LOWER"})
    ruler.add_patterns(patterns(session))
    return nlp


def main(argv: list[str] | None = None) -> int:
    """Write the pipeline to --out; exits non-zero when the knowledge base is not loaded."""
    parser = argparse.ArgumentParser(prog="python -m bot.spacy_model", description=__doc__)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    with Session(get_engine(), future=True) as session:
        pats = patterns(session)
        if not pats:
            print("error: the knowledge base has no aliases; run `python -m knowledge load` first",
                  file=sys.stderr)
            return 1
        build(session).to_disk(args.out)
    print(f"Wrote spaCy pipeline with {len(pats)} entity patterns to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
