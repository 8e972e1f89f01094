"""Rendering of the market answers (bot/actions/market.py): salary and outlook."""
from __future__ import annotations

from collections.abc import Sequence

from knowledge import models as m

from .text import (
    bullets, cap, fact_line, join_names, nothing_stored, paragraphs, render_facts, source_line, unique,
    with_article)


def render_salary(facts: Sequence[m.MarketFact], high: Sequence[m.Industry], competitive: Sequence[m.Industry],
                  premium: m.MarketFact | None = None, about: str | None = None,
                  industry: m.Industry | None = None, place: str | None = None,
                  about_occupation: str | None = None) -> str:
    """Salary figures with source and year, the best-paying industries and the MBA premium; what the figures
    do not cover (another role, a place) said first. `about_occupation`: the O*NET occupation of the role
    asked about, when BLS pay for it follows the answer."""
    intro = ""
    if about and about_occupation:
        intro = (f"The knowledge base's PayScale figures are for engineering managers, not for "
                 f"{with_article(about)}. For {with_article(about)} it has BLS's median pay of the occupation "
                 f"O*NET files the role under ({about_occupation}), below the engineering manager figures.")
    elif about:
        intro = (f"The knowledge base's salary figures are for engineering managers; it has none for "
                 f"{with_article(about)}. My knowledge base doesn't cover that role's pay, so here are the "
                 f"engineering manager figures, in case they help.")
    if place:
        intro = paragraphs(intro, scope_note(place, facts))
    focus = ""
    if industry is not None:
        focus = f"**{cap(industry.name)}**: {industry.note or ''} The knowledge base has no salary figure " \
                f"for a single industry."
    lines = [f"High-paying industries: {join_names(i.name for i in high)}" if high else "",
             f"Also competitive salaries: {join_names(i.name for i in competitive)}" if competitive else ""]
    figures = render_facts(facts) if facts else nothing_stored("salary figures")
    return paragraphs(intro, focus, "**Engineering manager salaries**\n" + figures,
                      bullets(lines), render_facts([premium]) if premium is not None else "")


def scope_note(place: str, facts: Sequence[m.MarketFact]) -> str:
    """'These facts are not specific to Germany: they are US figures from PayScale, 2025.'"""
    cited = unique([f"{f.source.publisher or f.source.title}, {f.year}" if f.year else
                    (f.source.publisher or f.source.title) for f in facts])
    source = f" from {join_names(cited)}" if cited else ""
    if any("US figures" in (f.note or "") for f in facts):
        return f"These facts are not specific to {place}: they are US figures{source}."
    return f"These facts are not specific to {place}{': they come' + source if source else ''}."


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


def render_sources(facts: Sequence[m.MarketFact], seed: m.Source | None) -> str:
    """Each fact with its year and source ('Average engineering manager salary: PayScale, 2025 — URL'); or,
    without facts, the article the knowledge base is built from."""
    if not facts:
        if seed is None:
            return nothing_stored("sources")
        return paragraphs("That answer comes from the article the knowledge base is built from:", source_line(seed))
    lines = []
    for f in facts:
        year = f" ({f.year})" if f.year else ""
        scope = " US figures." if "US figures" in (f.note or "") else ""
        lines.append(f"{f.label}{year}: {f.source.publisher or f.source.title}.{scope}")
    sources = unique([f.source for f in facts], key=lambda s: s.key)
    return paragraphs("Where those figures come from:\n" + bullets(lines), *(source_line(s) for s in sources))
