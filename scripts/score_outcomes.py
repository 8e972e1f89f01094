"""Score the held-out outcome set (tests/data/outcomes_heldout.yml) over a running careerbot's REST channel.

Every case is a conversation of its own (its own sender id); every scored turn's reply is classified into
the outcome kind the user sees, from the reply's text:

- b (in the domain, not covered): the reply contains one of NOT_COVERED_MARKERS: utter_not_covered's
  "my knowledge base doesn't cover", or the actions' "my knowledge base has nothing on "X"" for a thing
  the knowledge base does not know (bot/actions/render/text.py render_unknown);
- c (out of domain): the reply contains OUT_OF_SCOPE_MARKER (response utter_out_of_scope) or is one of the
  "careerbot speaks English" responses (bot/domain.yml responses named utter_english_only*);
- clarify: the bot asked back ("Which role do you mean?", "I'm not sure I understood...");
- a (answered): anything else.

A turn is correct when the observed kind is the expected one and the reply holds the turn's key fact
(`contains`: all of them, `any`: one of them, `lacks`: none of them; case-insensitive). A reply of kind a
that is not correct is a confident answer of the wrong topic.

Usage: python scripts/score_outcomes.py --url http://127.0.0.1:5005 [--cases FILE] [--gate] [--show-failures]
Prints the score per category and overall; with --gate exits 1 unless at least 95 % of the turns are
correct and no confident answer is of the wrong topic.
"""
from __future__ import annotations

import argparse
import re
import sys
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import requests
import yaml

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CASES = REPO_ROOT / "tests" / "data" / "outcomes_heldout.yml"
DOMAIN = REPO_ROOT / "bot" / "domain.yml"

NOT_COVERED_MARKERS = ("my knowledge base doesn't cover", "my knowledge base has nothing on")
OUT_OF_SCOPE_MARKER = "outside what I know"
CLARIFY_MARKERS = ("do you mean? pick one below", "i'm not sure i understood", "i didn't catch that",
                   "which one? pick one below", "i haven't suggested anything")
KINDS = ("a", "b", "c")
GATE_ACCURACY = 0.95


@dataclass(frozen=True)
class Turn:
    """One message of a case; `kind` is None for a turn that only sets the context."""

    say: str
    kind: str | None = None
    contains: tuple[str, ...] = ()
    any: tuple[str, ...] = ()
    lacks: tuple[str, ...] = ()


@dataclass(frozen=True)
class Case:
    """One conversation of the held-out set."""

    id: str
    category: str
    turns: tuple[Turn, ...]


@dataclass
class Result:
    """The outcome of one scored turn."""

    case: Case
    turn: Turn
    reply: str
    observed: str
    missing: list[str] = field(default_factory=list)

    @property
    def correct(self) -> bool:
        """The expected outcome kind with its key fact."""
        return self.observed == self.turn.kind and not self.missing

    @property
    def wrong_confident(self) -> bool:
        """A confident answer (kind a) that is not the expected outcome."""
        return self.observed == "a" and not self.correct


def load_cases(path: Path) -> list[Case]:
    """The cases of a held-out file; raises ValueError naming the case and field of a malformed entry."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    cases = []
    for index, raw in enumerate(data.get("cases") or []):
        where = f"{path}: case {raw.get('id', index)!r}"
        turns = []
        for t in raw.get("turns") or []:
            if not isinstance(t, dict) or not isinstance(t.get("say"), str):
                raise ValueError(f"{where}: every turn needs a `say` string")
            if t.get("kind") not in (None, *KINDS):
                raise ValueError(f"{where}: kind must be one of {KINDS}, not {t.get('kind')!r}")
            turns.append(Turn(t["say"], t.get("kind"), *(tuple(map(str, t.get(k) or ())) for k in
                                                          ("contains", "any", "lacks"))))
        if not any(t.kind for t in turns):
            raise ValueError(f"{where}: no scored turn (a turn with `kind`)")
        cases.append(Case(str(raw.get("id", index)), str(raw.get("category", "?")), tuple(turns)))
    return cases


def english_only_texts(domain_path: Path = DOMAIN) -> list[str]:
    """The texts of the domain's "careerbot speaks English" responses (utter_english_only*)."""
    domain = yaml.safe_load(domain_path.read_text(encoding="utf-8")) or {}
    out = []
    for name, variants in (domain.get("responses") or {}).items():
        if name.startswith("utter_english_only"):
            out += [v["text"].strip() for v in variants or [] if isinstance(v, dict) and v.get("text")]
    return out


def classify(reply: str, english_only: Iterable[str] = ()) -> str:
    """The outcome kind a reply shows the user: a, b, c or clarify."""
    low = reply.lower()
    if any(marker in low for marker in NOT_COVERED_MARKERS):
        return "b"
    if OUT_OF_SCOPE_MARKER.lower() in low or any(text and text in reply for text in english_only):
        return "c"
    if any(marker in low for marker in CLARIFY_MARKERS):
        return "clarify"
    return "a"


def mentions(reply: str, needle: str) -> bool:
    """True when the reply holds `needle`, case-insensitively; an ASCII needle only as whole words ("US" is
    not in "must"), others anywhere (scripts without spaces between words)."""
    if not needle.isascii():
        return needle.lower() in reply.lower()
    return re.search(rf"(?<![A-Za-z0-9]){re.escape(needle)}(?![A-Za-z0-9])", reply, re.IGNORECASE) is not None


def missing_facts(reply: str, turn: Turn) -> list[str]:
    """What the reply lacks of the turn's key fact (empty when it holds all of it)."""
    out = [f"contains {s!r}" for s in turn.contains if not mentions(reply, s)]
    if turn.any and not any(mentions(reply, s) for s in turn.any):
        out.append(f"any of {list(turn.any)!r}")
    out += [f"lacks {s!r}" for s in turn.lacks if mentions(reply, s)]
    return out


def reply_text(messages: list[dict]) -> str:
    """What the user sees of a REST reply: every text, then every button title."""
    texts = [m.get("text") or "" for m in messages]
    buttons = [b.get("title") or "" for m in messages for b in m.get("buttons") or []]
    return "\n".join(t for t in texts if t) + ("\n[buttons] " + " | ".join(buttons) if buttons else "")


def run_case(url: str, case: Case, english_only: list[str]) -> list[Result]:
    """Send a case's turns in one new conversation and score its scored turns."""
    sender = f"outcomes-{case.id}-{uuid.uuid4().hex[:8]}"
    results = []
    for turn in case.turns:
        response = requests.post(f"{url}/webhooks/rest/webhook", json={"sender": sender, "message": turn.say},
                                 timeout=120)
        response.raise_for_status()
        messages = response.json()
        if turn.kind is None:
            continue
        text = reply_text(messages)
        spoken = "\n".join(m.get("text") or "" for m in messages)
        results.append(Result(case, turn, text, classify(spoken, english_only), missing_facts(text, turn)))
    return results


def score(url: str, cases: list[Case], workers: int = 4) -> list[Result]:
    """Every scored turn's result, in the order of the cases."""
    english_only = english_only_texts()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        per_case = list(pool.map(lambda c: run_case(url, c, english_only), cases))
    return [r for results in per_case for r in results]


def report(results: list[Result], show_failures: bool = False) -> str:
    """A table of the score per category and overall, optionally followed by every failing turn."""
    by_category: dict[str, list[Result]] = defaultdict(list)
    for r in results:
        by_category[r.case.category].append(r)
    lines = [f"{'category':<16}{'turns':>6}{'correct':>9}{'kind ok':>9}{'wrong-topic':>13}   observed kinds"]
    for category, rs in [*sorted(by_category.items()), ("ALL", results)]:
        correct = sum(r.correct for r in rs)
        kind_ok = sum(r.observed == r.turn.kind for r in rs)
        wrong = sum(r.wrong_confident for r in rs)
        observed = Counter(r.observed for r in rs)
        lines.append(f"{category:<16}{len(rs):>6}{correct / len(rs):>9.1%}{kind_ok / len(rs):>9.1%}{wrong:>13}   "
                     + " ".join(f"{k}:{v}" for k, v in sorted(observed.items())))
    if show_failures:
        lines.append("")
        for r in results:
            if not r.correct:
                reply = r.reply.replace("\n", " / ")
                lines.append(f"FAIL {r.case.id} [{r.case.category}] expected {r.turn.kind}, got {r.observed}"
                             f"{'; missing ' + ', '.join(r.missing) if r.missing else ''}\n"
                             f"     say: {r.turn.say}\n     bot: {reply[:300]}")
    return "\n".join(lines)


def gate(results: list[Result]) -> list[str]:
    """Why the results fail the gate (empty when they pass)."""
    problems = []
    accuracy = sum(r.correct for r in results) / len(results)
    if accuracy < GATE_ACCURACY:
        problems.append(f"correct outcome {accuracy:.1%} < {GATE_ACCURACY:.0%}")
    wrong = [r.case.id for r in results if r.wrong_confident]
    if wrong:
        problems.append(f"{len(wrong)} confident answer(s) of the wrong topic: {', '.join(wrong)}")
    return problems


def main(argv: list[str] | None = None) -> int:
    """Score the held-out set against --url; with --gate, exit 1 when the gate fails."""
    parser = argparse.ArgumentParser(prog="score_outcomes.py", description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="the Rasa server, e.g. http://127.0.0.1:5005")
    parser.add_argument("--cases", type=Path, default=DEFAULT_CASES)
    parser.add_argument("--gate", action="store_true", help="exit 1 unless the gate passes")
    parser.add_argument("--show-failures", action="store_true")
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args(argv)
    try:
        cases = load_cases(args.cases)
    except (OSError, ValueError, yaml.YAMLError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    try:
        results = score(args.url.rstrip("/"), cases, args.workers)
    except requests.RequestException as err:
        print(f"error: cannot talk to {args.url}: {err}", file=sys.stderr)
        return 2
    print(report(results, args.show_failures))
    problems = gate(results)
    for problem in problems:
        print(f"GATE: {problem}")
    return 1 if args.gate and problems else 0


if __name__ == "__main__":
    sys.exit(main())
