"""Rendering of the comparisons (bot/actions/comparisons.py): two roles or two degrees."""
from __future__ import annotations

from collections.abc import Sequence

from knowledge import models as m

from .text import (
    bullets, cap, degree_label, degree_short, first_sentence, join_names, ladder_label, paragraphs,
    render_facts, stage_label, years_text)


def _side_by_side(aspect: str, left: tuple[str, str | None], right: tuple[str, str | None]) -> str:
    missing = "not stated in the knowledge base"
    return f"**{aspect}**\n" + bullets([f"{left[0]}: {left[1] or missing}", f"{right[0]}: {right[1] or missing}"])


def render_comparison(first: m.Role, second: m.Role, comparison: m.Comparison) -> str:
    """Every row of a stored comparison, with `first` (the role the user named first) on top."""
    swapped = comparison.left_role_id != first.id
    rows = []
    for row in comparison.rows:
        a, b = (row.right_text, row.left_text) if swapped else (row.left_text, row.right_text)
        rows.append(_side_by_side(row.aspect, (cap(first.name), a), (cap(second.name), b)))
    return paragraphs(f"**{cap(first.name)} vs {second.name}**", comparison.intro, *rows)


def render_role_contrast(a: m.Role, b: m.Role, link: Sequence[m.Transition] = ()) -> str:
    """Two roles with no stored comparison, compared on what the knowledge base knows about each."""
    def reports(r: m.Role) -> str | None:
        """Whom `r` reports to, or None when the knowledge base does not say."""
        return join_names((x.manager.name for x in r.reports_to), "or") or None

    aspects = [("Stage", stage_label(a.stage_names) or None, stage_label(b.stage_names) or None),
               ("Focus", a.focus, b.focus), ("Scope", a.scope, b.scope), ("Reports to", reports(a), reports(b))]
    rows = [_side_by_side(name, (cap(a.name), x), (cap(b.name), y)) for name, x, y in aspects if x or y]
    summaries = _side_by_side("In short", (cap(a.name), first_sentence(a.summary)),
                              (cap(b.name), first_sentence(b.summary)))
    path = f"On the career ladder: {ladder_label(link)}." if link else ""
    return paragraphs(f"**{cap(a.name)} vs {b.name}**",
                      "The knowledge base has no side-by-side table for these two roles, so here is what it "
                      "knows about each.", *rows, summaries, path)


def render_degree_comparison(a: m.Degree, b: m.Degree, premium: m.MarketFact | None = None) -> str:
    """Two degrees side by side: what each is, duration, fields or skills, and a pay premium if known."""
    sa, sb = degree_short(a), degree_short(b)
    rows = [_side_by_side("What it is", (sa, first_sentence(a.summary)), (sb, first_sentence(b.summary))),
            _side_by_side("Duration", (sa, years_text(a.min_years, a.max_years, a.duration_note)),
                          (sb, years_text(b.min_years, b.max_years, b.duration_note)))]
    if a.skills and a.skills == b.skills:
        rows.append("**Skills taught**\n" + bullets([f"Both: {', '.join(a.skills)}"]))
    elif a.skills or b.skills:
        rows.append(_side_by_side("Skills taught", (sa, ", ".join(a.skills) or None),
                                  (sb, ", ".join(b.skills) or None)))
    if a.fields or b.fields:
        rows.append(_side_by_side("Fields", (sa, ", ".join(a.fields) or None), (sb, ", ".join(b.fields) or None)))
    if premium is not None:
        rows.append("**Pay**\n" + render_facts([premium]))
    return paragraphs(f"**{degree_label(a)} vs {degree_label(b)}**", *rows)


def render_same_thing(label: str, kind: str) -> str:
    """'EM vs engineering manager': two names of one role (or degree)."""
    return f"Those are two names for the same {kind}: **{label}**."
