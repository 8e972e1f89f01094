"""Rendering of the market answers (bot/actions/market.py): salary and outlook."""
from __future__ import annotations

from collections.abc import Sequence

from knowledge import models as m

from .text import (
    bullets, cap, fact_line, join_names, nothing_stored, paragraphs, render_facts, source_line, unique,
    with_article)


def render_salary(facts: Sequence[m.MarketFact], high: Sequence[m.Industry], competitive: Sequence[m.Industry],
                  premium: m.MarketFact | None = None, about: str | None = None,
                  industry: m.Industry | None = None) -> str:
    """Salary figures with source and year, the best-paying industries and the MBA premium."""
    intro = ""
    if about:
        intro = (f"The knowledge base's salary figures are for engineering managers; it has none for "
                 f"{with_article(about)}.")
    focus = ""
    if industry is not None:
        focus = f"**{cap(industry.name)}**: {industry.note or ''} The knowledge base has no salary figure " \
                f"for a single industry."
    lines = [f"High-paying industries: {join_names(i.name for i in high)}" if high else "",
             f"Also competitive salaries: {join_names(i.name for i in competitive)}" if competitive else ""]
    figures = render_facts(facts) if facts else nothing_stored("salary figures")
    return paragraphs(intro, focus, "**Engineering manager salaries**\n" + figures,
                      bullets(lines), render_facts([premium]) if premium is not None else "")


def render_outlook(facts: Sequence[m.MarketFact], employers: Sequence[m.Employer]) -> str:
    """The job outlook and return on investment, and the employers named, with their source."""
    if not facts and not employers:
        return nothing_stored("job-outlook facts")
    hiring = f"Companies that continuously post engineering-management roles: {join_names(e.name for e in employers)}."
    sources = unique([f.source for f in facts] + [e.source for e in employers], key=lambda s: s.key)
    if len(sources) == 1:  # one source for everything: cite it once
        return bullets([fact_line(f) for f in facts] + ([hiring] if employers else [])) + "\n" + source_line(sources[0])
    blocks = [render_facts(facts)] if facts else []
    if employers:
        blocks.append(f"{hiring}\n{source_line(employers[0].source)}")
    return paragraphs(*blocks)
