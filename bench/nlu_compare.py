"""Measure a trained careerbot model on held-out NLU data: accuracy, entity F1, load time, parse latency.

`rasa test nlu` drops the entities of pre-trained extractors (SpacyEntityExtractor) before scoring, so
it writes no entity report for our KB-built entity ruler. This script runs Rasa's own evaluation
(`rasa.nlu.test.run_evaluation`) with that filter switched off, so SpacyEntityExtractor_report.json is
written next to intent_report.json, then times model loading and `Agent.parse_message`.

Usage:
    .venv/bin/python bench/nlu_compare.py MODEL.tar.gz [--nlu tests/data/nlu_heldout.yml]
        [--out /tmp/nlu_results] [--repeat 3]
Prints one JSON object with the measured numbers.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any


def percentile(values: list[float], pct: float) -> float:
    """The pct-th percentile (nearest-rank) of values."""
    ordered = sorted(values)
    rank = max(1, round(pct / 100 * len(ordered)))
    return ordered[rank - 1]


def fallback_table(predictions: list[tuple[str, str, float]], thresholds: list[float]) -> list[dict[str, Any]]:
    """For each FallbackClassifier threshold: correct answers lost to the fallback, wrong ones it catches."""
    rows = []
    for threshold in thresholds:
        below = [(gold, pred) for gold, pred, conf in predictions if conf < threshold]
        rows.append({
            "threshold": threshold,
            "correct_sent_to_fallback": sum(gold == pred for gold, pred in below),
            "errors_caught_by_fallback": sum(gold != pred for gold, pred in below),
            "errors_left": sum(gold != pred for gold, pred, conf in predictions if conf >= threshold),
        })
    return rows


def entity_f1(report: dict[str, Any]) -> dict[str, float]:
    """Macro and weighted F1 from a Rasa entity report."""
    return {
        "macro_f1": report["macro avg"]["f1-score"],
        "weighted_f1": report["weighted avg"]["f1-score"],
    }


async def measure(model: str, nlu: str, out: str, repeat: int) -> dict[str, Any]:
    """Load the model, evaluate it on nlu (reports into out) and time parsing of every text."""
    import rasa.nlu.test as nlu_test
    from rasa.core.agent import Agent
    from rasa.shared.nlu.training_data.loading import load_data
    from rasa.utils.common import configure_logging_and_warnings
    from rasa.utils.log_utils import configure_structlog

    configure_logging_and_warnings(logging.WARNING)
    configure_structlog(logging.WARNING)

    # The first load in a process also pays for lazily imported component modules (e.g. TensorFlow),
    # as a freshly started server does; the second load is the model alone.
    started = time.perf_counter()
    agent = Agent.load(model)
    cold_load_s = time.perf_counter() - started
    started = time.perf_counter()
    agent = Agent.load(model)
    warm_load_s = time.perf_counter() - started

    texts = [ex.get("text") for ex in load_data(nlu).intent_examples]
    await agent.parse_message(texts[0])  # first call warms lazy initialisation; not timed
    latencies_ms: list[float] = []
    for _ in range(repeat):
        for text in texts:
            t0 = time.perf_counter()
            await agent.parse_message(text)
            latencies_ms.append((time.perf_counter() - t0) * 1000)

    # Intent and confidence before the FallbackClassifier, to choose its threshold.
    gold_texts = [(ex.get("intent"), ex.get("text")) for ex in load_data(nlu).intent_examples]
    predictions = []
    for gold, text in gold_texts:
        ranking = (await agent.parse_message(text)).get("intent_ranking") or []
        top = next((r for r in ranking if r["name"] != "nlu_fallback"), {"name": None, "confidence": 0.0})
        predictions.append((gold, top["name"], top["confidence"]))

    nlu_test.PRETRAINED_EXTRACTORS = set()  # score SpacyEntityExtractor too (see module docstring)
    result = await nlu_test.run_evaluation(
        nlu, agent.processor, output_directory=out, errors=True, disable_plotting=True,
        report_as_dict=True,
    )
    summary: dict[str, Any] = {
        "model": model,
        "load_average_1m": round(os.getloadavg()[0], 2),  # other work on the machine skews the timings
        "model_load_cold_s": round(cold_load_s, 2),
        "model_load_warm_s": round(warm_load_s, 2),
        "parse_ms_p50": round(percentile(latencies_ms, 50), 2),
        "parse_ms_p95": round(percentile(latencies_ms, 95), 2),
        "parse_ms_mean": round(statistics.mean(latencies_ms), 2),
        "messages_timed": len(latencies_ms),
        "intent_accuracy": round(result["intent_evaluation"]["accuracy"], 4),
        "intent_macro_f1": round(result["intent_evaluation"]["report"]["macro avg"]["f1-score"], 4),
    }
    summary["fallback_thresholds"] = fallback_table(predictions, [0.2, 0.3, 0.4, 0.5, 0.6, 0.7])
    for extractor, evaluation in (result.get("entity_evaluation") or {}).items():
        summary[f"entities_{extractor}"] = {k: round(v, 4) for k, v in entity_f1(evaluation["report"]).items()}
    return summary


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, run the measurement and print the summary as JSON."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("model", help="path to a trained model .tar.gz")
    parser.add_argument("--nlu", default="tests/data/nlu_heldout.yml")
    parser.add_argument("--out", default="/tmp/nlu_results")
    parser.add_argument("--repeat", type=int, default=3, help="passes over the texts for the latency figures")
    args = parser.parse_args(argv)
    if not Path(args.model).is_file():
        print(f"error: no model at {args.model}; train one first", file=sys.stderr)
        return 1
    summary = asyncio.run(measure(args.model, args.nlu, args.out, args.repeat))
    print(json.dumps(summary, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
