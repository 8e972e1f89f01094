"""The unanswered messages as training data: a Rasa NLU YAML file and FAQ-entry stubs, ready to label.

- `unanswered_nlu.yml`: one `- intent: TODO` block per group of similar messages, the NLU's likeliest intents
  as a comment above it. Replace TODO with an intent of bot/domain.yml (or delete the block), then move the
  examples into bot/data/. Until every TODO is replaced, `rasa data validate` warns that TODO is no intent of
  the domain (and fails with --fail-on-warnings), so it cannot slip into training unnoticed.
- `unanswered_faq.yml`: a YAML list of `{questions: [...], answer: TODO, sources: []}`, one per group, for
  questions the knowledge base should answer (knowledge/data/faq.yml).

Texts are the masked ones (aggregate), on one line each.
"""
from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import yaml

from .aggregate import UnansweredGroup

NLU_FILE = "unanswered_nlu.yml"
FAQ_FILE = "unanswered_faq.yml"
TODO = "TODO"


def _example(text: str) -> str:
    """One NLU example line: single-line, and with brackets escaped so Rasa reads no entity annotation."""
    flat = " ".join(text.split())
    return flat.replace("[", "(").replace("]", ")")


def nlu_yaml(groups: Sequence[UnansweredGroup], period: str) -> str:
    """The Rasa NLU YAML text of `groups`."""
    lines = [
        'version: "3.1"',
        f"# Unanswered messages, {period}: one block per group of similar wordings, most frequent first.",
        "# Label each block: replace TODO with an intent of bot/domain.yml (or delete the block), then move it",
        "# into bot/data/. `rasa data validate --fail-on-warnings` rejects this file while a TODO is left.",
        "nlu:",
    ]
    for group in groups:
        likely = ", ".join(f"{name} ({count})" for name, count in group.likely_intents) or "none"
        reasons = ", ".join(f"{reason} {count}" for reason, count in group.reasons)
        lines += [f"# {group.count} messages ({reasons}); likely intents: {likely}",
                  f"- intent: {TODO}",
                  "  examples: |"]
        seen: set[str] = set()
        for text in group.texts:
            example = _example(text)
            if example and example.lower() not in seen:
                seen.add(example.lower())
                lines.append(f"    - {example}")
    return "\n".join(lines) + "\n"


def faq_yaml(groups: Sequence[UnansweredGroup], period: str) -> str:
    """FAQ-entry stubs for `groups`: a YAML list of {questions, answer: TODO, sources: []}."""
    entries = [{"questions": [" ".join(text.split()) for text in group.texts], "answer": TODO, "sources": []}
               for group in groups]
    header = (f"# FAQ stubs from unanswered messages, {period}, most frequent first. Write each answer from a\n"
              "# source (name it in sources, as in knowledge/data/sources.yml) or delete the entry.\n")
    return header + yaml.safe_dump(entries, sort_keys=False, allow_unicode=True, width=1000)


def write(groups: Sequence[UnansweredGroup], folder: Path, period: str) -> tuple[Path, Path]:
    """Write both files into `folder`; their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    nlu = folder / NLU_FILE
    faq = folder / FAQ_FILE
    nlu.write_text(nlu_yaml(groups, period), encoding="utf-8")
    faq.write_text(faq_yaml(groups, period), encoding="utf-8")
    return nlu, faq
