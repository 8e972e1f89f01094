"""End-to-end: the held-out outcome set (tests/data/outcomes_heldout.yml) scored over the running REST channel
by scripts/score_outcomes.py, gated at >= 95 % correct outcomes and no confident answer of the wrong topic;
and the scorer's classification of replies, on texts from bot/domain.yml."""
from __future__ import annotations

import subprocess
import sys

import pytest

from e2e.harness import REPO_ROOT, RestChat, server_env, tail

SCRIPT = REPO_ROOT / "scripts" / "score_outcomes.py"


def _scorer():
    """The scorer module, imported from scripts/ (not a package)."""
    sys.path.insert(0, str(SCRIPT.parent))
    try:
        import score_outcomes
    finally:
        sys.path.remove(str(SCRIPT.parent))
    return score_outcomes


def test_held_out_set_is_large_and_labelled() -> None:
    """At least 200 scored turns, every category of the issue present, each labelled a, b or c."""
    scorer = _scorer()
    cases = scorer.load_cases(scorer.DEFAULT_CASES)
    scored = [t for c in cases for t in c.turns if t.kind]
    assert len(scored) >= 200
    categories = {c.category for c in cases}
    assert {"misspelling", "two_role", "compound", "followup", "uncovered", "out_of_domain", "non_english",
            "yes_no"} <= categories
    assert {t.kind for t in scored} == {"a", "b", "c"}


def test_no_scored_message_is_a_question_of_the_career_faq() -> None:
    """The FAQ is matched at run time, so a held-out message copied into knowledge/data/faq.yml would be
    answered from memory: none may be."""
    import yaml

    from knowledge.names import normalize_name

    def norm(text: str) -> str:
        return normalize_name(text).rstrip("?").strip()

    faq = yaml.safe_load((REPO_ROOT / "knowledge" / "data" / "faq.yml").read_text(encoding="utf-8"))["faq"]
    questions = {norm(q) for entry in faq for q in entry["questions"]}
    scorer = _scorer()
    copied = [t.say for c in scorer.load_cases(scorer.DEFAULT_CASES) for t in c.turns if norm(t.say) in questions]
    assert copied == []


def test_no_scored_message_is_a_training_example() -> None:
    """Neither outcome set (tests/data/outcomes_heldout.yml, tests/data/outcomes_fresh.yml) is trained on: no
    scored message is, word for word, an example of bot/data (annotations removed)."""
    import re

    import yaml

    annotation = re.compile(r"\[([^\]]+)\](?:\([^)]*\)|\{[^}]*\})")
    training = set()
    for path in sorted((REPO_ROOT / "bot" / "data").glob("*nlu*.yml")):
        for block in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu") or []:
            training |= {annotation.sub(r"\1", line[2:]).strip().lower()
                         for line in (block.get("examples") or "").splitlines() if line.startswith("- ")}
    scorer = _scorer()
    for cases in (scorer.DEFAULT_CASES, REPO_ROOT / "tests" / "data" / "outcomes_fresh.yml"):
        trained = [t.say for c in scorer.load_cases(cases) for t in c.turns if t.kind and t.say.lower() in training]
        assert trained == [], cases.name


@pytest.mark.e2e
def test_outcome_gate(bot: RestChat) -> None:
    """scripts/score_outcomes.py --gate passes against the running bot."""
    result = subprocess.run([sys.executable, str(SCRIPT), "--url", bot.base_url, "--gate", "--show-failures"],
                            cwd=REPO_ROOT, env=server_env(), capture_output=True, text=True, timeout=1800)
    print(result.stdout)
    assert result.returncode == 0, f"outcome gate failed:\n{tail(result.stdout, 120)}\n{result.stderr[-2000:]}"


@pytest.mark.e2e
def test_measure_fuzzy_prints_recall_and_false_positives() -> None:
    """scripts/measure_fuzzy.py at the configured threshold: the fuzzy step finds more names than the exact
    ruler alone, and the line names its false positives."""
    import re
    from e2e.harness import require_built
    require_built()
    result = subprocess.run([sys.executable, str(REPO_ROOT / "scripts" / "measure_fuzzy.py"), "--thresholds", "88"],
                            cwd=REPO_ROOT, env=server_env(), capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    match = re.search(r"names exact (\d+)/(\d+), with fuzzy (\d+)/\2, (\d+) false positives", result.stdout)
    assert match, result.stdout
    exact, total, fuzzy, _ = map(int, match.groups())
    assert fuzzy > exact and total >= 50, result.stdout


@pytest.mark.e2e
def test_measure_guard_prints_its_firing_rates() -> None:
    """scripts/measure_guard.py with the trained model: how often the topic guard overrules a classified
    answerable message (kept under 2 %) and how often it fires on (b)/(c) messages."""
    import re
    from e2e.harness import require_built
    require_built()
    result = subprocess.run([sys.executable, str(REPO_ROOT / "scripts" / "measure_guard.py")],
                            cwd=REPO_ROOT, env=server_env(), capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stderr[-2000:]
    match = re.search(r"wrong fires \(a classified intent overruled\): (\d+) of (\d+)", result.stdout)
    assert match, result.stdout
    wrong, total = map(int, match.groups())
    assert wrong / total < 0.02, result.stdout
