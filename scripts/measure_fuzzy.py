"""Measure the fuzzy entity extractor (bot/nlu/fuzzy_entities.py) at several thresholds on held-out text.

- tests/data/nlu_heldout.yml: annotated entities the exact entity ruler misses (misspellings, unknown
  abbreviations): how many the fuzzy step recovers (same type, overlapping span); and false positives:
  fuzzy entities on words nobody annotated.
- tests/data/outcomes_heldout.yml, categories misspelling and abbreviation: the knowledge-base names a
  turn's key fact expects (e.g. "engineering director"), found exactly vs exactly + fuzzily; and false
  positives: a fuzzy entity whose name is not among the expected ones, or any fuzzy entity in a turn of
  another category that expects no name (out of domain, not covered, yes/no...).

Usage: python scripts/measure_fuzzy.py [--model var/spacy_model] [--thresholds 80,85,88,90,92,95] [-v]
Needs the built spaCy model (make nlu-model). Prints one line per threshold.
"""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import spacy
import yaml

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from bot.nlu.fuzzy_entities import AliasIndex, Token, near_matches, training_words  # noqa: E402

ANNOTATION = re.compile(r"\[([^\]]+)\]\((\w+)\)|\[([^\]]+)\]\{\"entity\":\s*\"(\w+)\"[^}]*\}")
NAMED_CATEGORIES = ("misspelling", "abbreviation")


def annotated(example: str) -> tuple[str, list[tuple[str, int, int]]]:
    """The plain text of a Rasa-annotated example and its (type, start, end) entities."""
    text, spans, pos = "", [], 0
    for m in ANNOTATION.finditer(example):
        text += example[pos:m.start()]
        surface, label = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        spans.append((label, len(text), len(text) + len(surface)))
        text += surface
        pos = m.end()
    return text + example[pos:], spans


def nlu_examples(path: Path) -> list[str]:
    """Every example line of a Rasa NLU file."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    out = []
    for block in data.get("nlu") or []:
        out += [line[2:].strip() for line in (block.get("examples") or "").splitlines() if line.startswith("- ")]
    return out


def parse(nlp, text: str) -> tuple[list[Token], list[tuple[str, int, int, str]]]:
    """The tokens of `text` and the exact entity ruler's (type, start, end, canonical) entities."""
    doc = nlp(text)
    return ([Token(t.text, t.idx, t.idx + len(t.text)) for t in doc],
            [(e.label_, e.start_char, e.end_char, e.ent_id_ or e.text) for e in doc.ents])


def overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    """True when two character spans share a character."""
    return a[0] < b[1] and b[0] < a[1]


def measure(nlp, index: AliasIndex, threshold: float, verbose: bool) -> str:
    """One line of results at `threshold`."""
    missed = recovered = nlu_fp = 0
    for example in nlu_examples(REPO_ROOT / "tests" / "data" / "nlu_heldout.yml"):
        text, gold = annotated(example)
        tokens, exact = parse(nlp, text)
        fuzzy, replaced = near_matches(tokens, text, [(s, e) for _, s, e, _ in exact], index, threshold)
        exact = [x for x in exact if (x[1], x[2]) not in replaced]
        for label, s, e in gold:
            if any(el == label and overlaps((s, e), (es, ee)) for el, es, ee, _ in exact):
                continue
            missed += 1
            if any(f["entity"] == label and overlaps((s, e), (f["start"], f["end"])) for f in fuzzy):
                recovered += 1
        for f in fuzzy:
            if not any(overlaps((s, e), (f["start"], f["end"])) for _, s, e in gold):
                nlu_fp += 1
                if verbose:
                    print(f"  FP nlu_heldout: {text[f['start']:f['end']]!r} -> {f['value']} in {text!r}")
    cases = yaml.safe_load((REPO_ROOT / "tests" / "data" / "outcomes_heldout.yml").read_text(encoding="utf-8"))
    expected = exact_found = fuzzy_found = out_fp = 0
    for case in cases["cases"]:
        for turn in case["turns"]:
            if "kind" not in turn:
                continue
            names = {(index.canonical_of(s) or s).lower() for s in turn.get("names") or []}
            tokens, exact = parse(nlp, turn["say"])
            fuzzy, replaced = near_matches(tokens, turn["say"], [(s, e) for _, s, e, _ in exact], index, threshold)
            exact = [x for x in exact if (x[1], x[2]) not in replaced]
            exact_names = {c.lower() for *_, c in exact}
            fuzzy_names = {f["value"].lower() for f in fuzzy}
            if "names" in turn:
                expected += len(names)
                exact_found += len(names & exact_names)
                fuzzy_found += len(names & (exact_names | fuzzy_names))
                wrong = [f for f in fuzzy if f["value"].lower() not in names]
                if verbose and names - exact_names - fuzzy_names:
                    print(f"  missed: {sorted(names - exact_names - fuzzy_names)} in {turn['say']!r}")
            else:
                wrong = [] if names else fuzzy
            out_fp += len(wrong)
            if verbose:
                for f in wrong:
                    print(f"  FP outcomes: {turn['say'][f['start']:f['end']]!r} -> {f['value']} in {turn['say']!r}")
    return (f"threshold {threshold:5.1f}: nlu_heldout recovered {recovered}/{missed} missed entities, "
            f"{nlu_fp} false positives | outcomes names exact {exact_found}/{expected}, "
            f"with fuzzy {fuzzy_found}/{expected}, {out_fp} false positives")


def main(argv: list[str] | None = None) -> int:
    """Print the measurement at each threshold."""
    parser = argparse.ArgumentParser(prog="measure_fuzzy.py", description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=REPO_ROOT / "var" / "spacy_model")
    parser.add_argument("--thresholds", default="80,85,88,90,92,95")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args(argv)
    if not (args.model / "meta.json").exists():
        print(f"error: no spaCy model at {args.model}: run `make nlu-model`", file=sys.stderr)
        return 2
    nlp = spacy.load(args.model)
    examples = [annotated(e)[0] for f in sorted((REPO_ROOT / "bot" / "data").glob("*.yml")) for e in nlu_examples(f)]
    index = AliasIndex.from_patterns(nlp.get_pipe("entity_ruler").patterns, training_words(examples))
    for threshold in (float(t) for t in args.thresholds.split(",")):
        print(measure(nlp, index, threshold, args.verbose))
    return 0


if __name__ == "__main__":
    sys.exit(main())
