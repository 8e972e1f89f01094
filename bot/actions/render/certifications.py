"""Rendering of the certification answers (bot/actions/certifications.py)."""
from __future__ import annotations

from collections.abc import Sequence

from knowledge import models as m

from .text import (
    bullets, cert_label, degree_label, join_names, nothing_stored, paragraphs, stage_label, stages_phrase,
    step_label)


def render_certification(c: m.Certification) -> str:
    """One certification: full name, abbreviation, what it signals, and the stages it helps at."""
    head = f"**{c.abbreviation}** — {c.name}" if c.abbreviation.lower() != c.name.lower() else f"**{c.name}**"
    stage = f"It helps at {stages_phrase(c.stage_names)}." if c.stage_names else ""
    return paragraphs(head, bullets(s.text for s in c.signals), stage)


def render_certifications(certs: Sequence[m.Certification]) -> str:
    """Every certification with its full name and stages, then why they matter (what each signals)."""
    if not certs:
        return nothing_stored("certifications")
    lines = [f"**{c.abbreviation}** — {c.name}" if c.abbreviation.lower() != c.name.lower() else f"**{c.name}**"
             for c in certs]
    lines = [f"{line} ({stage_label(c.stage_names)})" if c.stage_names else line for line, c in zip(lines, certs)]
    why: dict[str, list[str]] = {}
    for c in certs:
        for s in c.signals:
            why.setdefault(s.text, []).append(c.abbreviation)
    reasons = bullets(f"{join_names(who)}: {text}" for text, who in why.items())
    return paragraphs("The knowledge base knows these certifications:\n" + bullets(lines),
                      "Why they matter:\n" + reasons if reasons else "")


def render_role_certifications(role: m.Role, direct: Sequence[m.Certification], degrees: Sequence[m.Degree],
                               on_the_way: Sequence[tuple[m.Transition, Sequence[m.Certification]]],
                               by_stage: Sequence[m.Certification], all_certs: Sequence[m.Certification]) -> str:
    """The certifications that help reach `role`: on the moves into it, on the way up, or at its stage."""
    if direct:
        parts = [f"Certifications that help with the move into **{role.name}**:\n"
                 + bullets(cert_label(c) for c in direct)]
        if degrees:
            parts.append("Degrees that help too: " + join_names(degree_label(d) for d in degrees) + ".")
        return paragraphs(*parts)
    if on_the_way:
        return paragraphs(f"No certification is tied to the move into **{role.name}** itself. On the way there:",
                          bullets(f"{step_label(t)}: {join_names(cert_label(c) for c in certs)}"
                                  for t, certs in on_the_way))
    if by_stage:
        return (f"For {stages_phrase(role.stage_names)} of **{role.name}**, the knowledge base lists: "
                f"{join_names(cert_label(c) for c in by_stage)}.")
    return paragraphs(f"The knowledge base ties no certification to **{role.name}**. The ones it knows are:",
                      bullets(cert_label(c) for c in all_certs))
