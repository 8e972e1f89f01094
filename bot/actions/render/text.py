"""Shared text helpers for every topic's rendering: articles, lists, paragraphs, labels, sources, and
the honest 'the knowledge base has nothing on that' text. Pure: no database, no Rasa."""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from knowledge import models as m


ARROW = " → "
STAGE_LABELS = {"entry": "entry-level", "mid": "mid-level", "advanced": "advanced", "executive": "executive",
                "general": "every stage"}
KIND_PLURALS = {"role": "roles", "certification": "certifications", "degree": "degrees",
                "specialization": "specializations", "industry": "industries", "discipline": "engineering disciplines"}


# ------------------------------------------------------------------ small helpers
def article(name: str) -> str:
    """'a' or 'an' for `name`, by sound: 'an engineering manager', 'a VP of engineering', 'an R&D manager'."""
    word = name.strip().split(" ")[0] if name.strip() else ""
    if not word:
        return "a"
    letters = re.sub(r"[^A-Za-z]", "", word)
    if len(letters) >= 2 and letters.isupper() or "&" in word:  # an abbreviation is read letter by letter
        return "an" if word[0].upper() in "AEFHILMNORSX" else "a"
    return "an" if word[0].lower() in "aeio" or word.lower().startswith("un") else "a"


def with_article(name: str) -> str:
    """`name` preceded by its indefinite article."""
    return f"{article(name)} {name}"


def cap(text: str) -> str:
    """`text` with its first letter upper-cased (the rest untouched: 'VP of engineering' stays as is)."""
    return text[:1].upper() + text[1:] if text else text


def decap(text: str) -> str:
    """`text` with its first letter lower-cased, unless the first word is an abbreviation or a letter
    prefix ('PMP', 'C-suite'): for continuing a sentence."""
    if not text:
        return text
    first = text.split()[0]
    head = first.split("-")[0]
    if len(head) < 2 or any(ch.isupper() for ch in first[1:]):
        return text
    return text[0].lower() + text[1:]


def join_names(names: Iterable[str], last: str = "and") -> str:
    """'a', 'a and b', 'a, b and c' (or with 'or'); names that hold an 'and' themselves are separated by
    semicolons so the list stays unambiguous ('project management; operations and supply chain management')."""
    items = [n for n in names if n]
    if len(items) <= 1:
        return "".join(items)
    if any(f" {word} " in f" {item} " for item in items for word in ("and", "or")):
        return "; ".join(items)
    return f"{', '.join(items[:-1])} {last} {items[-1]}"


def bullets(lines: Iterable[str]) -> str:
    """One '- ' bullet per non-empty line."""
    return "\n".join(f"- {line}" for line in lines if line)


def paragraphs(*parts: str | None) -> str:
    """The non-empty parts separated by blank lines."""
    return "\n\n".join(p.strip() for p in parts if p and p.strip())


def first_sentence(text: str | None) -> str:
    """The first sentence of `text` ('' for none)."""
    if not text:
        return ""
    match = re.match(r"(.+?[.!?])(?:\s|$)", text.strip())
    return match.group(1) if match else text.strip()


def unique(items: Iterable[Any], key=lambda x: x) -> list[Any]:
    """`items` without repeats (by `key`), first occurrence kept."""
    seen: set = set()
    out = []
    for item in items:
        k = key(item)
        if k not in seen:
            seen.add(k)
            out.append(item)
    return out


def years_text(min_years: int | None, max_years: int | None, note: str | None = None) -> str | None:
    """'5–8 years, depending on ...', 'at least 2 years'...; None when no time is known."""
    if min_years is None and max_years is None:
        return None
    if min_years is not None and max_years is not None:
        span = f"{min_years} year" if min_years == max_years == 1 else (
            f"{min_years} years" if min_years == max_years else f"{min_years}–{max_years} years")
    elif min_years is not None:
        span = f"at least {min_years} years"
    else:
        span = f"up to {max_years} years"
    return f"{span}, {note}" if note else span


def step_label(t: m.Transition) -> str:
    """'project engineer → engineering manager'."""
    return f"{t.from_role.name}{ARROW}{t.to_role.name}"


def ladder_label(ladder: Sequence[m.Transition]) -> str:
    """'project engineer → engineering manager → engineering director'."""
    return ARROW.join([ladder[0].from_role.name] + [t.to_role.name for t in ladder]) if ladder else ""


def stage_label(stages: Iterable[str]) -> str:
    """'entry-level and mid-level'."""
    return join_names(STAGE_LABELS.get(s, s) for s in stages)


def stages_phrase(stages: Sequence[str]) -> str:
    """'the advanced stage', 'the entry-level and mid-level stages'."""
    return f"the {stage_label(stages)} stage{'s' if len(stages) > 1 else ''}"


def cert_label(c: m.Certification) -> str:
    """'PMP (Project Management Professional)', or the name alone when it is its own abbreviation."""
    return c.name if c.abbreviation.lower() == c.name.lower() else f"{c.abbreviation} ({c.name})"


def degree_label(d: m.Degree) -> str:
    """"Master's in Engineering Management (MEM)"; the name alone when it already holds the key."""
    if d.key.isupper() and d.key.lower() not in d.name.lower():
        return f"{d.name} ({d.key})"
    return d.name


def degree_short(d: m.Degree) -> str:
    """'MEM', 'MBA' or the degree's name when it has no abbreviation."""
    return d.key if d.key.isupper() else d.name


def source_line(source: m.Source) -> str:
    """'Source: PayScale: Engineering Manager Salary — https://...' (title and URL where known)."""
    if source.url:
        return f"Source: {source.title} — {source.url}"
    published = f", published {source.published}" if source.published else ""
    return f"Source: {source.title}{published}"


def fact_line(f: m.MarketFact) -> str:
    """'Average engineering manager salary (2025): $121,560 per year.' plus its note."""
    year = f" ({f.year})" if f.year else ""
    figure = f.figure.rstrip(".")
    note = f" {f.note.strip()}" if f.note else ""
    return f"{f.label}{year}: {figure}.{note}"


def render_facts(facts: Sequence[m.MarketFact]) -> str:
    """Facts as bullets, each run of facts from one source followed by that source's name and URL."""
    blocks: list[str] = []
    run: list[m.MarketFact] = []
    for f in list(facts) + [None]:
        if run and (f is None or f.source.key != run[0].source.key):
            blocks.append(bullets(fact_line(x) for x in run) + "\n" + source_line(run[0].source))
            run = []
        if f is not None:
            run.append(f)
    return "\n\n".join(blocks)


def nothing_stored(what: str) -> str:
    """The honest answer when the knowledge base holds nothing of a kind."""
    return f"The knowledge base holds no {what} at the moment."


def render_known(kind: str, things: Sequence[Any]) -> str:
    """What the knowledge base knows of `kind`: roles grouped by stage, certifications with full names..."""
    if not things:
        return nothing_stored(KIND_PLURALS.get(kind, kind + "s"))
    if kind == "role":
        groups = []
        for stage in ("entry", "mid", "advanced", "executive"):
            names = [r.name for r in things if stage in r.stage_names]
            if names:
                groups.append(f"{cap(STAGE_LABELS[stage])}: {', '.join(names)}")
        others = [r.name for r in things if not r.stage_names]
        if others:
            groups.append(f"Also: {', '.join(others)}")
        return "It knows these roles:\n" + bullets(groups)
    labels = {"certification": cert_label, "degree": degree_label}.get(kind, lambda x: x.name)
    return f"It knows these {KIND_PLURALS.get(kind, kind + 's')}: {join_names(labels(t) for t in things)}."


def render_not_covering(aspect: str, answer: str) -> str:
    """An answer that first says what of the question the knowledge base does not cover."""
    return f"My knowledge base doesn't cover {aspect}, and I'd rather not guess. What it does have:\n\n{answer}"


def render_unknown(phrase: str, kind: str, known: Sequence[Any], suggestions: Sequence[str] = ()) -> str:
    """The knowledge base has nothing on `phrase`: say so (no guessing), offer close names, list what it knows."""
    maybe = f"Did you mean {join_names(suggestions, 'or')}?" if suggestions else ""
    return paragraphs(f"Sorry, my knowledge base has nothing on \"{phrase}\", and I'd rather not guess.",
                      maybe, render_known(kind, known))


def years_of_experience(years: float | int) -> str:
    """'4 years of experience', '1 year of experience', 'no experience yet'."""
    if years == 0:
        return "no experience yet"
    number = int(years) if float(years) == int(years) else years
    return f"{number} year{'' if number == 1 else 's'} of experience"

