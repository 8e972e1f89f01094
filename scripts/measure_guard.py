"""Measure the topic guard (bot/nlu/topic_guard.py) with the trained model: how often it fires wrongly
(replaces the intent of a message that should be answered) and how often it fires rightly.

Messages that should be answered: every example of a topic intent in tests/data/nlu_heldout.yml, and every
turn of tests/data/outcomes_heldout.yml whose expected outcome is (a). Messages it should catch: the
outcome set's (b) and (c) turns. Context turns are parsed alone (the guard sees only the message).

Usage: python scripts/measure_guard.py [--model var/models/careerbot.tar.gz] [-v]
"""
from __future__ import annotations

import argparse
import asyncio
import logging
import re
import sys
from pathlib import Path

import yaml

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from bot.nlu.topic_guard import GUARD_KEY, UNGUARDED  # noqa: E402

ANNOTATION = re.compile(r"\[([^\]]+)\](?:\(\w+\)|\{[^}]*\})")


def answerable(path: Path) -> list[str]:
    """The examples of topic intents in an NLU file, annotations removed."""
    out = []
    for block in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu") or []:
        if block.get("intent") in UNGUARDED:
            continue
        out += [ANNOTATION.sub(r"\1", line[2:].strip())
                for line in (block.get("examples") or "").splitlines() if line.startswith("- ")]
    return out


async def measure(model: Path, verbose: bool) -> None:
    """Parse every message and print the guard's firing counts."""
    from rasa.core.agent import Agent
    agent = Agent.load(str(model))
    cases = yaml.safe_load((REPO_ROOT / "tests" / "data" / "outcomes_heldout.yml").read_text(encoding="utf-8"))
    should_answer = answerable(REPO_ROOT / "tests" / "data" / "nlu_heldout.yml")
    should_catch = []
    for case in cases["cases"]:
        for turn in case["turns"]:
            if turn.get("kind") == "a":
                should_answer.append(turn["say"])
            elif turn.get("kind") in ("b", "c") and case["category"] != "non_english":
                should_catch.append((turn["say"], turn["kind"]))
    wrong = on_fallback = 0
    for text in should_answer:
        parsed = await agent.parse_message(text)
        if GUARD_KEY in parsed and parsed["intent"]["name"] != "compound":  # compound parts are answered anyway
            if parsed[GUARD_KEY]["from"] == "nlu_fallback":
                on_fallback += 1  # the classifier gave up anyway: (b)/(c) instead of "did you mean..."
            else:
                wrong += 1
            if verbose:
                print(f"  fired on an answerable message: {text!r}: {parsed[GUARD_KEY]['from']} -> "
                      f"{parsed[GUARD_KEY]['outcome']}")
    fired = right = 0
    for text, kind in should_catch:
        parsed = await agent.parse_message(text)
        if GUARD_KEY in parsed and parsed["intent"]["name"] != "compound":
            fired += 1
            got = "b" if parsed[GUARD_KEY]["outcome"] == "not_covered" else "c"
            right += got == kind
            if verbose and got != kind:
                print(f"  fired, wrong kind: {text!r} -> {parsed['intent']['name']} (expected {kind})")
    print(f"wrong fires (a classified intent overruled): {wrong} of {len(should_answer)} answerable messages "
          f"({wrong / len(should_answer):.1%}); verdicts on answerable messages the classifier gave up on "
          f"(nlu_fallback): {on_fallback}")
    print(f"fires on (b)/(c) messages: {fired} of {len(should_catch)}, {right} of them to the expected kind")


def main(argv: list[str] | None = None) -> int:
    """Load the model and print the measurement."""
    parser = argparse.ArgumentParser(prog="measure_guard.py", description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=REPO_ROOT / "var" / "models" / "careerbot.tar.gz")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args(argv)
    if not args.model.exists():
        print(f"error: no model at {args.model}: run `make train`", file=sys.stderr)
        return 2
    logging.disable(logging.WARNING)
    asyncio.run(measure(args.model, args.verbose))
    return 0


if __name__ == "__main__":
    sys.exit(main())
