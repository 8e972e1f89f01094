"""Score the career FAQ's retrieval on the held-out questions and fail below the gate.

    python scripts/check_faq_gate.py            # the gate: held-out precision >= 0.95 and recall >= 0.85
    python scripts/check_faq_gate.py --tune     # development numbers per threshold (never the held-out file)

The FAQ is loaded from knowledge/data into a temporary in-memory database (nothing else is touched).
Precision: of the questions the FAQ answered, the share answered with the right entry (an answer to an
unanswerable question counts as wrong). Recall: of the answerable questions, the share answered with the
right entry. Exit status 1 when the gate fails.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import yaml
from sqlalchemy import create_engine
from sqlalchemy.orm import Session
from sqlalchemy.pool import StaticPool

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from knowledge import faq, loader  # noqa: E402

HELDOUT = ROOT / "tests" / "data" / "faq_heldout.yml"
DEV = ROOT / "tests" / "data" / "faq_dev.yml"
#: the first held-out edition, seen during development and now development data
DEV_OLD_HELDOUT = ROOT / "tests" / "data" / "faq_dev_old_heldout.yml"
MIN_PRECISION, MIN_RECALL = 0.95, 0.85


def score(predictions: list[tuple[str | None, str | None]]) -> tuple[float, float, int, int]:
    """(precision, recall, answered, answerable) of (expected key or None, predicted key or None) pairs."""
    answered = [(e, p) for e, p in predictions if p is not None]
    right = sum(1 for e, p in answered if e == p)
    answerable = sum(1 for e, _ in predictions if e is not None)
    precision = right / len(answered) if answered else 1.0
    recall = sum(1 for e, p in predictions if e is not None and e == p) / answerable if answerable else 1.0
    return precision, recall, len(answered), answerable


def load_session(data_dir: Path = loader.DATA_DIR) -> Session:
    """A session over an in-memory database loaded from `data_dir`."""
    engine = create_engine("sqlite://", future=True, poolclass=StaticPool,
                           connect_args={"check_same_thread": False})
    loader.load(engine, data_dir)
    return Session(engine, future=True)


def predict(session: Session, questions: list[tuple[str | None, str]], threshold: float | None = None
            ) -> list[tuple[str | None, str | None]]:
    """(expected, predicted) for each (expected key or None, question)."""
    out = []
    for expected, text in questions:
        found = faq.match(session, text, threshold)
        out.append((expected, found.entry.key if found else None))
    return out


def heldout_questions(path: Path = HELDOUT) -> list[tuple[str | None, str]]:
    """The held-out questions as (expected key or None, text)."""
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    return ([(key, q) for key, qs in doc["answerable"].items() for q in qs]
            + [(None, q) for q in doc["unanswerable"]])


def tune(session: Session) -> None:
    """Development numbers per threshold and margin: leave-one-out over faq.yml's questions (each asked with
    itself removed from the index), the negatives of tests/data/faq_dev.yml and the first held-out edition
    (tests/data/faq_dev_old_heldout.yml, now development data). Never the held-out file."""
    entries = [(e.key, e.title, [q.text for q in e.questions], e.answer) for e in faq.entries(session)]
    names = {a.text: a.canonical.lower() for a in faq.queries.aliases(session)}
    negatives = yaml.safe_load(DEV.read_text(encoding="utf-8"))["unanswerable"]
    ranked: list[tuple[str | None, list[tuple[str, float]], float]] = []
    for i, (key, title, questions, answer) in enumerate(entries):
        for j, question in enumerate(questions):
            rest = [*entries[:i], (key, title, questions[:j] + questions[j + 1:], answer), *entries[i + 1:]]
            loo = faq.FaqIndex(rest, names)
            ranked.append((key, loo.scores(question), loo.unknown_share(question)))
    full = faq.FaqIndex(entries, names)
    ranked += [(None, full.scores(q), full.unknown_share(q)) for q in negatives]
    old = heldout_questions(DEV_OLD_HELDOUT)
    ranked += [(k, full.scores(q), full.unknown_share(q)) for k, q in old]
    print(f"development set: {sum(1 for k, *_ in ranked if k)} leave-one-out and old held-out questions, "
          f"{len(negatives) + sum(1 for k, _ in old if k is None)} negatives"
          f"; in use: threshold {faq.THRESHOLD}, margin {faq.MARGIN}, max unknown {faq.MAX_UNKNOWN}")
    print("threshold  margin  unknown  precision  recall  answered")
    for t in (0.1, 0.15, 0.2, 0.25, 0.3):
        for mg in (0.0, 0.02, 0.05, 0.08):
            for u in (1.0, 0.5, 0.34, 0.25):
                preds = [(k, r[0][0] if r[0][1] >= t and r[0][1] - r[1][1] >= mg and unk <= u else None)
                         for k, r, unk in ranked]
                p, r, n, _ = score(preds)
                print(f"  {t:.2f}     {mg:.2f}    {u:.2f}     {p:.3f}      {r:.3f}   {n}")


def main(argv: list[str] | None = None) -> int:
    """Run the gate (or the tuning table); returns the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tune", action="store_true", help="print development numbers per threshold")
    parser.add_argument("--heldout", type=Path, default=HELDOUT)
    parser.add_argument("--verbose", action="store_true", help="list every question answered wrongly")
    parser.add_argument("--data", type=Path, default=loader.DATA_DIR)
    args = parser.parse_args(argv)
    session = load_session(args.data)
    if args.tune:
        tune(session)
        return 0
    preds = predict(session, heldout_questions(args.heldout))
    precision, recall, answered, answerable = score(preds)
    negatives = sum(1 for e, _ in preds if e is None)
    false_answers = sum(1 for e, p in preds if e is None and p is not None)
    print(f"FAQ retrieval on {args.heldout.name}: {answerable} answerable, {negatives} unanswerable questions; "
          f"threshold {faq.THRESHOLD}")
    print(f"precision {precision:.3f} (gate {MIN_PRECISION}), recall {recall:.3f} (gate {MIN_RECALL}); "
          f"answered {answered}, wrong entry {sum(1 for e, p in preds if e and p and e != p)}, "
          f"answered an unanswerable question {false_answers}")
    if args.verbose:
        for (expected, got), (_, text) in zip(preds, heldout_questions(args.heldout)):
            if expected != got:
                print(f"  {text!r}: expected {expected}, got {got}")
    ok = precision >= MIN_PRECISION and recall >= MIN_RECALL
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
