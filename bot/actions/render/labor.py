"""Rendering of the labor-market answers (bot/actions/labor.py): O*NET and BLS facts about a role's occupation.

Pure: every function takes the data the action queried (knowledge/labor.py) and returns text. Every figure
names its source and year, and says so when it is older than five years or comes from a secondary source.
"""
from __future__ import annotations

from collections.abc import Sequence

from knowledge import labor as lab
from knowledge import models as m

from .text import bullets, cap, join_names, paragraphs, with_article

# The aspects a labor answer covers (values of the `labor_aspect` slot).
TASKS = "tasks"
SKILLS = "skills"
TECHNOLOGY = "technology"
BACKGROUND = "background"  # education, related experience and the job zone
RELATED = "related"
BLS = "bls"
ASPECTS = (TASKS, SKILLS, TECHNOLOGY, BACKGROUND, RELATED, BLS)

ONET_CITE = f"O*NET 29.3 ({lab.ONET_RELEASE_YEAR})"
DOMAIN_LABELS = {"skill": "Skills", "knowledge": "Knowledge", "work_style": "Work styles"}
SOURCE_TYPE_LABELS = {"primary": "BLS Occupational Outlook Handbook",
                      "primary_archive": "BLS Occupational Outlook Handbook (archived edition)",
                      "secondary": "a secondary site quoting BLS"}
MEASURE_LABELS = {"median_annual_pay": "Median pay", "number_of_jobs": "Jobs",
                  "employment_change_pct": "Projected growth"}


def _occ(role: str, occ: m.OnetOccupation) -> str:
    """'engineering manager (O*NET: Architectural and Engineering Managers, 11-9041.00)'."""
    return f"{role} (O*NET: {occ.title}, {occ.code})"


def onet_source() -> str:
    """The O*NET source line (release, publisher, licence, URL)."""
    return f"Source: {lab.ONET_SOURCE}, {lab.ONET_LICENSE} — {lab.ONET_URL}"


def render_tasks(role: str, occ: m.OnetOccupation, tasks: Sequence[m.OnetTask], rated: bool) -> str:
    """The top tasks of the role's occupation, by importance where rated."""
    if not tasks:
        return f"{ONET_CITE} lists no tasks for {_occ(role, occ)}."
    if rated:
        how = "ranked by importance (1-5)"
        secondary = {t.importance_source for t in tasks if t.importance_source}
        note = (f"The importance ratings come from a secondary source: {join_names(sorted(secondary))}."
                if secondary else "")
        lines = [f"{t.text} ({t.importance:.1f})" for t in tasks]
    else:
        how, note = "in O*NET's order (no importance rating is loaded for them)", ""
        lines = [t.text for t in tasks]
    return paragraphs(f"According to {ONET_CITE}, the top tasks of {with_article(_occ(role, occ))}, {how}:",
                      bullets(lines), note, onet_source())


def render_descriptors(role: str, occ: m.OnetOccupation,
                       by_domain: Sequence[tuple[str, Sequence[m.OnetDescriptor]]]) -> str:
    """The skills, knowledge areas and work styles of highest importance, one line per domain."""
    lines = []
    for domain, rows in by_domain:
        if rows:
            items = ", ".join(f"{d.name} ({d.importance:.2f}" + (f", level {d.level:.1f})" if d.level is not None
                                                                  else ")") for d in rows)
            lines.append(f"{DOMAIN_LABELS.get(domain, cap(domain))}: {items}")
    if not lines:
        return f"{ONET_CITE} rates no skills for {_occ(role, occ)}."
    return paragraphs(f"According to {ONET_CITE}, what matters most for {with_article(_occ(role, occ))} "
                      f"(importance 1-5, level 0-7):", bullets(lines), onet_source())


def render_technology(role: str, occ: m.OnetOccupation, techs: Sequence[m.OnetTechnology]) -> str:
    """O*NET's hot technologies for the occupation."""
    if not techs:
        return f"{ONET_CITE} marks no hot technologies for {_occ(role, occ)}."
    lines = [f"{t.example} ({t.category.lower()})" + (" — in demand" if t.in_demand else "") for t in techs]
    return paragraphs(f"According to {ONET_CITE}, the hot technologies of {with_article(_occ(role, occ))}:",
                      bullets(lines), onet_source())


def _shares(rows: Sequence[m.OnetEducation]) -> str:
    """'Master's Degree 46%; Bachelor's Degree 32%' (O*NET's long category notes after ' - ' left out)."""
    return "; ".join(f"{e.label.split(' - ')[0]} {e.percent:.0f}%" for e in rows)


def render_background(role: str, occ: m.OnetOccupation, education: Sequence[m.OnetEducation],
                      experience: Sequence[m.OnetEducation], zone: m.JobZone | None) -> str:
    """The education and related experience people in the occupation have, and its job zone."""
    lines = []
    if education:
        lines.append(f"Education: {_shares(education)}")
    if experience:
        lines.append(f"Related work experience: {_shares(experience)}")
    if not education and not experience:
        lines.append("Education and experience: O*NET has no survey data for this occupation.")
    if zone is not None:
        lines.append(f"Job zone {zone.zone} ({zone.name}): {zone.experience.split('. ')[0].rstrip('.')}.")
    if not education and not experience and zone is None:
        return f"{ONET_CITE} has no education, experience or job-zone data for {_occ(role, occ)}."
    return paragraphs(f"According to {ONET_CITE}, the background of people working as "
                      f"{with_article(_occ(role, occ))} (share of respondents):", bullets(lines), onet_source())


def render_related(role: str, occ: m.OnetOccupation, related: Sequence[m.OnetRelated]) -> str:
    """O*NET's most related occupations."""
    if not related:
        return f"{ONET_CITE} lists no related occupations for {_occ(role, occ)}."
    return paragraphs(f"According to {ONET_CITE}, the occupations most related to {_occ(role, occ)}:",
                      bullets(f"{r.related_title} ({r.related_code})" for r in related), onet_source())


def figure_source(f: lab.Figure) -> str:
    """'BLS Occupational Outlook Handbook https://...' (the kind of source and its page)."""
    source = SOURCE_TYPE_LABELS.get(f.figure.source_type, f.figure.source_type)
    return f"{source} {f.figure.url}" if f.figure.url else source


def figure_text(measure: str, f: lab.Figure, with_url: bool = True) -> str:
    """'Median pay: $152,350 (May 2021) — BLS Occupational Outlook Handbook https://...' with its caveats
    (the page left out when `with_url` is false, for answers that list their sources once at the end)."""
    fig = f.figure
    if f.figure.amount is not None and measure == "median_annual_pay":
        value = f"${fig.amount:,} per year"
    elif fig.amount is not None and measure == "number_of_jobs":
        value = f"{fig.amount:,}"
    elif measure == "employment_change_pct":
        value = f"{fig.value}%"
    else:
        value = fig.value
    when = fig.when or (str(fig.year) if fig.year else "year not stated")
    if measure == "employment_change_pct" and fig.when:
        when = f"projected {fig.when}"
    scope = f", {fig.scope}" if fig.scope else ""
    caveats = []
    if f.stale:
        caveats.append(f"older than {lab.STALE_AFTER_YEARS} years")
    if f.secondary:
        caveats.append("from a secondary source, not BLS itself")
    caveat = f" — note: {' and '.join(caveats)}" if caveats else ""
    source = figure_source(f) if with_url else SOURCE_TYPE_LABELS.get(fig.source_type, fig.source_type)
    return f"{MEASURE_LABELS.get(measure, measure)}: {value} ({when}{scope}) — {source}{caveat}"


def render_bls(role: str, occ: m.OnetOccupation, profile: m.BlsProfile | None,
               figures: Sequence[tuple[str, Sequence[lab.Figure]]]) -> str:
    """BLS median pay, number of jobs and projected growth, each with its source, year and caveats."""
    lines = [figure_text(measure, f, with_url=False) for measure, figs in figures for f in figs]
    if profile is None or not lines:
        note = f" {profile.note}" if profile is not None and profile.note else ""
        return f"I have no BLS figures for {_occ(role, occ)}.{note}"
    sources = list(dict.fromkeys(figure_source(f) for _, figs in figures for f in figs))
    return paragraphs(f"BLS figures for {_occ(role, occ)}:", bullets(lines),
                      "\n".join(f"Source: {s}" for s in sources))


def render_salary_bls(occ: m.OnetOccupation, figures: Sequence[lab.Figure]) -> str:
    """The BLS median pay shown beside the article's salary figures (a different source and year)."""
    if not figures:
        return ""
    return paragraphs(f"**BLS median pay ({occ.title})** — a different source and year from the figures above:",
                      bullets(figure_text("median_annual_pay", f) for f in figures))


def render_unmapped(role: str, reason: str | None, nearest: Sequence[str]) -> str:
    """The honest answer for a role that maps to no O*NET occupation, with the nearest roles that do."""
    why = f" {reason}" if reason else ""
    near = (f"\nThe nearest roles I do have O*NET data for: {join_names(nearest)}." if nearest else "")
    return f"I have no O*NET or BLS data for {with_article(role)}.{why}{near}"
