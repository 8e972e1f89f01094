"""The held-out NLU quality gate: fail unless intent accuracy and entity F1 reach their thresholds.

usage: python scripts/check_nlu_gate.py RESULTS_DIR --model MODEL --nlu HELD_OUT.yml
       [--min-intent-accuracy 0.95] [--min-entity-f1 0.95]

RESULTS_DIR is the --out folder of `rasa test nlu --nlu HELD_OUT.yml`; its intent_report.json gives the intent
accuracy. `rasa test nlu` leaves out entities found by pretrained extractors, and our only extractor is
SpacyEntityExtractor (the knowledge-base entity ruler), so this script scores entities itself: it parses every
held-out example with the trained model and compares (entity type, start, end) with the annotations, then
writes RESULTS_DIR/entity_report.json. Exit code 0 when both scores pass, 1 otherwise, 2 on a usage error.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from dataclasses import dataclass, field
from pathlib import Path

Span = tuple[str, int, int]  # (entity type, start, end)


@dataclass
class EntityScore:
    """Exact-span entity matches counted over a set of examples."""

    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0
    errors: list[dict] = field(default_factory=list)

    @property
    def precision(self) -> float:
        """Share of predicted entities that are annotated."""
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 0.0

    @property
    def recall(self) -> float:
        """Share of annotated entities that were predicted."""
        annotated = self.true_positives + self.false_negatives
        return self.true_positives / annotated if annotated else 0.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall (0 when either is 0)."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, text: str, annotated: set[Span], predicted: set[Span]) -> None:
        """Count one example's annotated and predicted spans."""
        self.true_positives += len(annotated & predicted)
        self.false_positives += len(predicted - annotated)
        self.false_negatives += len(annotated - predicted)
        if annotated != predicted:
            self.errors.append({"text": text,
                                "missed": [_describe(text, s) for s in sorted(annotated - predicted)],
                                "spurious": [_describe(text, s) for s in sorted(predicted - annotated)]})

    def as_dict(self) -> dict:
        """The report written to entity_report.json."""
        return {"precision": round(self.precision, 4), "recall": round(self.recall, 4), "f1": round(self.f1, 4),
                "support": self.true_positives + self.false_negatives, "true_positives": self.true_positives,
                "false_positives": self.false_positives, "false_negatives": self.false_negatives,
                "errors": self.errors}


def _describe(text: str, span: Span) -> str:
    kind, start, end = span
    return f"{text[start:end]!r} ({kind})"


def spans(entities: list[dict]) -> set[Span]:
    """The (type, start, end) triples of Rasa entity dicts."""
    return {(e["entity"], int(e["start"]), int(e["end"])) for e in entities if "start" in e and "end" in e}


def intent_accuracy(results_dir: Path) -> float:
    """Intent accuracy from `rasa test nlu`'s intent_report.json."""
    report = json.loads((results_dir / "intent_report.json").read_text())
    if "accuracy" in report:
        return float(report["accuracy"])
    return float(report["micro avg"]["f1-score"])


async def score_entities(model: Path, nlu: Path) -> EntityScore:
    """Parse every example of the `nlu` file with `model` and score its entities against the annotations."""
    from rasa.core.agent import Agent
    from rasa.shared.nlu.training_data.loading import load_data
    from rasa.utils.common import configure_logging_and_warnings
    from rasa.utils.log_utils import configure_structlog

    configure_logging_and_warnings(logging.WARNING)  # Rasa logs every parse at debug level otherwise
    configure_structlog(logging.WARNING)
    agent = Agent.load(str(model))
    score = EntityScore()
    for example in load_data(str(nlu)).nlu_examples:
        text = example.get("text")
        parsed = await agent.parse_message(text)
        score.add(text, spans(example.get("entities") or []), spans(parsed.get("entities") or []))
    return score


def main(argv: list[str] | None = None) -> int:
    """Check the gate; returns the process exit code."""
    parser = argparse.ArgumentParser(prog="check_nlu_gate.py", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("results_dir", type=Path)
    parser.add_argument("--model", type=Path, required=True)
    parser.add_argument("--nlu", type=Path, required=True)
    parser.add_argument("--min-intent-accuracy", type=float, default=0.95)
    parser.add_argument("--min-entity-f1", type=float, default=0.95)
    args = parser.parse_args(argv)
    for path in (args.results_dir / "intent_report.json", args.model, args.nlu):
        if not path.exists():
            print(f"error: {path} does not exist (run `rasa test nlu --nlu {args.nlu} --out {args.results_dir}` "
                  "with a trained model first)", file=sys.stderr)
            return 2

    accuracy = intent_accuracy(args.results_dir)
    entities = asyncio.run(score_entities(args.model, args.nlu))
    (args.results_dir / "entity_report.json").write_text(json.dumps(entities.as_dict(), indent=2))

    failures = []
    print(f"intent accuracy: {accuracy:.4f} (gate {args.min_intent_accuracy})")
    if accuracy < args.min_intent_accuracy:
        failures.append("intent accuracy")
        errors_file = args.results_dir / "intent_errors.json"
        if errors_file.exists():
            for err in json.loads(errors_file.read_text())[:25]:
                print(f"  {err['text']!r}: expected {err['intent']}, got {err['intent_prediction']['name']}")
    support = entities.true_positives + entities.false_negatives
    print(f"entity F1: {entities.f1:.4f} (precision {entities.precision:.4f}, recall {entities.recall:.4f}, "
          f"{support} annotated entities; gate {args.min_entity_f1})")
    if support == 0:
        failures.append("entity F1 (the held-out data annotates no entity)")
    elif entities.f1 < args.min_entity_f1:
        failures.append("entity F1")
        for err in entities.errors[:25]:
            print(f"  {err['text']!r}: missed {err['missed']}, spurious {err['spurious']}")
    if failures:
        print("NLU gate FAILED: " + ", ".join(failures), file=sys.stderr)
        return 1
    print("NLU gate passed.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
