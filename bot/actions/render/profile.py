"""Rendering of the profile answers (bot/actions/profile.py) and the form's correction note."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .text import join_names, paragraphs, years_of_experience


_SLOT_LABELS = {"current_role": "current role", "target_role": "target role",
                "years_experience": "years of experience", "discipline": "discipline"}


def _slot_value(slot: str, value: Any) -> str:
    if slot == "years_experience":
        return years_of_experience(value)
    return "another discipline" if slot == "discipline" and value == "other" else str(value)


def render_corrected(changed: dict[str, Any]) -> str:
    """'Got it: I've changed your current role to project manager.'"""
    return "Got it: I've changed " + join_names(
        f"your {_SLOT_LABELS.get(k, k)} to {_slot_value(k, v)}" for k, v in changed.items()) + "."


def render_profile_noted(new: dict[str, Any], profile: dict[str, Any], held: Sequence[str]) -> str:
    """What was just remembered about the user (`new`), with the whole profile so far."""
    noted = [f"your {_SLOT_LABELS[k]}: {_slot_value(k, v)}" for k, v in new.items() if k in _SLOT_LABELS]
    if "certifications_held" in new:
        noted.append("you hold " + join_names(held))
    missing = [_SLOT_LABELS[k] for k in ("current_role", "target_role") if not profile.get(k)]
    nxt = ("Ask \"what's my plan?\" whenever you like." if not missing else
           f"Tell me your {join_names(missing)} too, or ask \"help me plan my career\".")
    return paragraphs("Noted — " + join_names(noted) + ". I'll remember it for this conversation "
                      "(say \"forget my details\" to clear it).", nxt)


def forgotten_labels(profile: dict[str, Any]) -> str:
    """What "forget my details" cleared: 'current role, years of experience and the certifications you hold'."""
    return join_names(_SLOT_LABELS.get(k, "the certifications you hold") for k in profile)
