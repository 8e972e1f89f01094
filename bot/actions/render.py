"""Pure rendering: knowledge-base objects in, chat text and buttons out.

The text uses short paragraphs, "- " bullets and **bold** sparingly, so it reads well in a terminal, a
web widget and Slack. Nothing here queries the database beyond reading the attributes of the objects it
is given, and nothing here knows about Rasa.
"""
from __future__ import annotations

import json
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


def payload(intent: str, entities: dict[str, Any] | None = None) -> str:
    """A Rasa message payload that works without NLU: '/intent{"role": "engineering director"}'."""
    return f"/{intent}{json.dumps(entities) if entities else ''}"


def button(title: str, intent: str, entities: dict[str, Any] | None = None) -> dict[str, str]:
    """A button that sends `intent` with `entities` when clicked."""
    return {"title": title, "payload": payload(intent, entities)}


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


# ------------------------------------------------------------------ roles, the ladder, time
def render_path(goal: m.Role, ladder: Sequence[m.Transition], other_ways: Sequence[m.Role] = (),
                timed: Sequence[m.Transition] = ()) -> str:
    """The shortest ladder up to `goal`, step by step, with the time and what helps where known; when no
    step has a time, the timing the source does give (`timed`: every transition with a time)."""
    steps = []
    for t in ladder:
        years = years_text(t.min_years, t.max_years, t.years_note)
        head = f"**{step_label(t)}**" + (f" (typically {years})" if years else "")
        lines = [h.text for h in t.helps]
        if t.certifications:
            lines.append("Certifications: " + join_names(cert_label(c) for c in t.certifications))
        if t.degrees:
            lines.append("Degrees: " + join_names(degree_label(d) for d in t.degrees))
        steps.append(head + ("\n" + bullets(lines) if lines else ""))
    timed_steps = [t for t in ladder if years_text(t.min_years, t.max_years)]
    if not timed_steps:
        timing = "The source gives no typical time for " + ("this step." if len(ladder) == 1 else "these steps.")
        timing = f"{timing} {timed_reference(timed, 'Its only timing')}".strip()
    elif len(timed_steps) < len(ladder):
        timing = "The source gives no typical time for the other steps."
    else:
        timing = ""
    also = (f"You can also move into {goal.name} from {join_names((r.name for r in other_ways), 'or')}."
            if other_ways else "")
    return paragraphs(f"The usual way up to **{goal.name}**:\n{ladder_label(ladder)}", *steps, timing, also)


def render_entry_role(role: m.Role, bachelor: m.Degree | None, skills: Sequence[m.Skill],
                      certs: Sequence[m.Certification], next_steps: Sequence[m.Transition],
                      ways_in: Sequence[m.Transition] = ()) -> str:
    """An entry-level role: where people start, and what helps to get in and to move on."""
    other = [s for s in role.stage_names if s != "entry"]
    also = f" (it is also named at the {stage_label(other)} stage)" if other else ""
    head = f"**{cap(role.name)}** is an entry-level role{also} — it's where people start."
    helps = []
    if bachelor is not None:
        fields = f": {join_names(bachelor.fields, 'or')}" if bachelor.fields else ""
        helps.append(f"A {bachelor.name}{fields}")
    if skills:
        helps.append("Skills: " + "; ".join(s.name for s in skills))
    if certs:
        helps.append("Certifications that help early: " + join_names(cert_label(c) for c in certs))
    moved_in = ""
    if ways_in:
        times = unique(years_text(t.min_years, t.max_years, t.years_note) for t in ways_in)
        when = f" (typically {times[0]})" if len(times) == 1 and times[0] else ""
        moved_in = (f"People also move into it from "
                    f"{join_names(unique(t.from_role.name for t in ways_in), 'or')}{when}.")
    return paragraphs(head, role.summary, "What helps you get there:\n" + bullets(helps) if helps else "",
                      moved_in, render_moves_up(next_steps))


def render_moves_up(next_steps: Sequence[m.Transition]) -> str:
    """'From there people move up to X or Y (typically 5–8 years, ...).' ('' when none)."""
    if not next_steps:
        return ""
    names = unique(t.to_role.name for t in next_steps)
    times = unique(years_text(t.min_years, t.max_years, t.years_note) for t in next_steps)
    when = f" (typically {times[0]})" if len(times) == 1 and times[0] else ""
    return f"From there people move up to {join_names(names, 'or')}{when}."


def render_start(entry_roles: Sequence[m.Role], bachelor: m.Degree | None, skills: Sequence[m.Skill],
                 certs: Sequence[m.Certification], next_steps: Sequence[m.Transition]) -> str:
    """Where an engineering-management career starts: entry roles, education, skills, certifications."""
    head = (f"Most people start in an entry-level role: {join_names((r.name for r in entry_roles), 'or')}."
            if entry_roles else nothing_stored("entry-level roles"))
    helps = []
    if bachelor is not None:
        fields = f" — {join_names(bachelor.fields, 'or')}" if bachelor.fields else ""
        helps.append(f"Education: a {bachelor.name}{fields}")
    if skills:
        helps.append("Skills to build: " + "; ".join(s.name for s in skills))
    if certs:
        helps.append("Certifications that help early: " + join_names(cert_label(c) for c in certs))
    return paragraphs(head, bullets(helps), render_moves_up(next_steps))


def render_no_way_in(role: m.Role, specializations: Sequence[m.Specialization] = ()) -> str:
    """A role the knowledge base knows no route into: say so, and give what it knows."""
    specs = (f"An engineering-management specialization that leads to it: "
             f"{join_names((s.name for s in specializations), 'or')}." if specializations else "")
    stage = f"It is named at {stages_phrase(role.stage_names)}." if role.stage_names else ""
    return paragraphs(f"The knowledge base knows no typical route into **{role.name}**. What it does know:",
                      role.summary, stage, specs)


def timed_reference(timed: Sequence[m.Transition], lead: str = "The only timing the source gives") -> str:
    """The timing the source does give ('moving from an entry-level role into a mid-level one typically
    takes 5–8 years, ...'), from the timed transitions; '' when there are none."""
    if not timed:
        return ""
    times = unique(years_text(t.min_years, t.max_years, t.years_note) for t in timed)
    if len(times) != 1:
        return f"{lead}: " + "; ".join(
            f"{step_label(t)}: {years_text(t.min_years, t.max_years, t.years_note)}" for t in timed) + "."
    common_from = set.intersection(*(set(t.from_role.stage_names) for t in timed))
    common_to = set.intersection(*(set(t.to_role.stage_names) for t in timed))
    if common_from and common_to:
        src = STAGE_LABELS[sorted(common_from, key=list(STAGE_LABELS).index)[0]]
        dst = STAGE_LABELS[sorted(common_to - common_from or common_to, key=list(STAGE_LABELS).index)[0]]
        move = f"moving from {with_article(src)} role into {with_article(dst)} one"
    else:
        move = "moving into " + join_names(unique(t.to_role.name for t in timed), "or")
    return f"{lead}: {move} typically takes {times[0]}."


def render_role_duration(goal: m.Role, ladder: Sequence[m.Transition], entry_level: bool,
                         next_steps: Sequence[m.Transition], timed: Sequence[m.Transition]) -> str:
    """How long it takes to reach `goal`: the time per step where known, honest where not."""
    if entry_level:
        return paragraphs(f"**{cap(goal.name)}** is an entry-level role — it's where people start, so there is "
                          "no waiting time to get there.", render_moves_up(next_steps))
    if not ladder:
        return (f"The knowledge base knows no typical route into **{goal.name}**, so it has no typical time "
                "for getting there either.")
    lines = []
    for t in ladder:
        years = years_text(t.min_years, t.max_years, t.years_note)
        lines.append(f"{step_label(t)}: " + (f"typically {years}" if years else "no typical time given"))
    known = any(years_text(t.min_years, t.max_years) for t in ladder)
    return paragraphs(f"Getting to **{goal.name}** ({ladder_label(ladder)}):", bullets(lines),
                      "" if known else timed_reference(timed))


def render_degree_duration(d: m.Degree) -> str:
    """How long a degree takes, or that the knowledge base gives no time for it."""
    years = years_text(d.min_years, d.max_years)
    if years:
        note = f", {d.duration_note}" if d.duration_note else ""
        return f"{cap(with_article(degree_label(d)))} typically takes {years} to complete{note}."
    return f"The knowledge base gives no typical duration for {with_article(degree_label(d))}."


def render_next_roles(role: m.Role, steps: Sequence[m.Transition]) -> str:
    """The common next steps after `role`, with the time where known."""
    if not steps:
        stage = f" It is named at {stages_phrase(role.stage_names)}." if role.stage_names else ""
        return f"The knowledge base names no next step after **{role.name}**.{stage}"
    times = unique(years_text(t.min_years, t.max_years, t.years_note) for t in steps)
    shared = times[0] if len(times) == 1 else None
    lines = []
    for t in steps:
        years = years_text(t.min_years, t.max_years, t.years_note)
        lines.append(t.to_role.name + (f" (typically {years})" if years and not shared else ""))
    return paragraphs(f"After **{role.name}**, common next steps are:\n" + bullets(lines),
                      f"This move typically takes {shared}." if shared else "")


def render_duties(role: m.Role) -> str:
    """What a role does: its summary, scope and focus, and every listed responsibility."""
    facts = bullets([f"Scope: {role.scope}" if role.scope else "", f"Focus: {role.focus}" if role.focus else ""])
    if role.responsibilities:
        duties = f"What {with_article(role.name)} does:\n" + bullets(
            f"**{r.title}**: {r.description}" for r in role.responsibilities)
    else:
        duties = f"The knowledge base holds no more detail on what {with_article(role.name)} does."
    return paragraphs(f"**{cap(role.name)}**", role.summary, facts, duties)


def render_reporting_line(role: m.Role, managed: Sequence[m.Role] = ()) -> str:
    """Whom `role` reports to (honest when unknown), and who reports to it."""
    if role.reports_to:
        up = (f"{cap(with_article(role.name))} reports to "
              f"{join_names((with_article(r.manager.name) for r in role.reports_to), 'or')}.")
    else:
        up = f"The knowledge base doesn't say whom {with_article(role.name)} reports to."
    down = (f"Reporting to {with_article(role.name)}: {join_names((with_article(r.name) for r in managed), 'or')}."
            if managed else "")
    return paragraphs(up, down)


# ------------------------------------------------------------------ comparisons
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


# ------------------------------------------------------------------ certifications
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


# ------------------------------------------------------------------ education and skills
def render_degree(d: m.Degree, specializations: Sequence[m.Specialization] = (),
                  market_facts: Sequence[m.MarketFact] = ()) -> str:
    """One degree: what it is, how long it takes, fields or skills, the specializations it opens, and the
    market facts about it (pay premium, return on investment) with their sources."""
    years = years_text(d.min_years, d.max_years, d.duration_note)
    facts = [f"Fields: {join_names(d.fields)}" if d.fields else "",
             f"Duration: typically {years}" if years else "",
             f"Skills it teaches: {', '.join(d.skills)}" if d.skills else "",
             (f"Specializations it opens: {join_names(s.name for s in specializations)}" if specializations else "")]
    return paragraphs(f"**{cap(degree_label(d))}**", d.summary, bullets(facts),
                      render_facts(market_facts) if market_facts else "")


def render_degrees(degrees: Sequence[m.Degree], specializations: Sequence[m.Specialization] = (),
                   specializations_for: str | None = None, premium: m.MarketFact | None = None,
                   premium_for: str | None = None) -> str:
    """The degrees on the path, one bullet each with the key facts."""
    if not degrees:
        return nothing_stored("degrees")
    lines = []
    for d in degrees:
        bits = [first_sentence(d.summary)]
        if d.fields:
            bits.append(f"Fields: {join_names(d.fields, 'or')}.")
        years = years_text(d.min_years, d.max_years, d.duration_note)
        if years:
            bits.append(f"Takes typically {years}.")
        if d.skills:
            bits.append(f"Teaches {', '.join(s.lower() for s in d.skills)}.")
        if specializations and d.key == specializations_for:
            bits.append(f"Specializations: {join_names(s.name for s in specializations)}.")
        lines.append(f"**{cap(degree_label(d))}**: " + " ".join(b for b in bits if b))
    extra = render_facts([premium]) if premium is not None and any(d.key == premium_for for d in degrees) else ""
    return paragraphs("Degrees on the engineering-management path:\n" + bullets(lines), extra)


def render_skills(title: str, skills: Sequence[m.Skill]) -> str:
    """Skills as bullets; skills sharing the same reason are grouped on one line."""
    if not skills:
        return paragraphs(title, nothing_stored("skills for this stage"))
    groups: list[tuple[str | None, list[str]]] = []
    for s in skills:
        if groups and groups[-1][0] == s.detail and s.detail:
            groups[-1][1].append(s.name)
        else:
            groups.append((s.detail, [s.name]))
    lines = []
    for detail, names in groups:
        label = join_names([names[0]] + [decap(n) for n in names[1:]])
        lines.append(f"{label} — {decap(detail)}" if detail else label)
    return paragraphs(title, bullets(lines))


def render_skill_matches(skills: Sequence[m.Skill]) -> str:
    """Named skills with why they matter and the stages they are listed at."""
    by_name: dict[str, list[m.Skill]] = {}
    for s in skills:
        by_name.setdefault(s.name, []).append(s)
    lines = []
    for name, rows in by_name.items():
        stages = stage_label(unique(r.stage for r in rows))
        details = " ".join(unique(r.detail for r in rows if r.detail))
        lines.append(f"**{name}** ({stages}): {details}" if details else f"**{name}** ({stages})")
    return bullets(lines)


# ------------------------------------------------------------------ market
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


# ------------------------------------------------------------------ specializations, industries, disciplines
def render_specialization(s: m.Specialization) -> str:
    """One specialization: its focus and the roles it can lead to."""
    roles = f"Roles it can lead to: {join_names(r.name for r in s.roles)}." if s.roles else ""
    return paragraphs(f"**{cap(s.name)}**", f"Focus: {s.focus}", roles)


def render_specializations(specs: Sequence[m.Specialization]) -> str:
    """Every specialization with its focus and roles."""
    if not specs:
        return nothing_stored("specializations")
    lines = [f"**{cap(s.name)}**: {s.focus}" + (f" Roles: {join_names(r.name for r in s.roles)}." if s.roles else "")
             for s in specs]
    return "Common specializations in engineering-management (MEM) programs:\n" + bullets(lines)


def render_role_specializations(role: m.Role, specs: Sequence[m.Specialization],
                                all_specs: Sequence[m.Specialization]) -> str:
    """The specializations that lead to `role`, or that none does."""
    if specs:
        return f"Specializations that lead to **{role.name}**:\n" + bullets(
            f"**{cap(s.name)}**: {s.focus}" for s in specs)
    return paragraphs(f"The knowledge base links no specialization to **{role.name}**. The ones it knows:",
                      bullets(cap(s.name) for s in all_specs))


PAY_LABELS = {"high": "one of the high-paying industries", "competitive": "can offer competitive salaries"}


def render_industry(i: m.Industry) -> str:
    """One industry and what the source says about it."""
    return paragraphs(f"**{cap(i.name)}**", i.note)


def render_industries(industries: Sequence[m.Industry]) -> str:
    """The industries grouped by what the source says about pay."""
    if not industries:
        return nothing_stored("industries")
    high = [i.name for i in industries if i.pay == "high"]
    comp = [i.name for i in industries if i.pay == "competitive"]
    other = [i.name for i in industries if i.pay not in ("high", "competitive")]
    lines = [f"High-paying: {join_names(high)}" if high else "",
             f"Competitive salaries: {join_names(comp)}" if comp else "",
             f"Also hiring engineering managers: {join_names(other)}" if other else ""]
    return "Industries that employ engineering managers:\n" + bullets(lines)


def render_discipline(d: m.Discipline, bachelor: m.Degree | None = None,
                      general_ladder: Sequence[m.Transition] = ()) -> str:
    """The moves the source names for engineers of discipline `d`, or that it names none."""
    if d.moves:
        return f"Coming from **{d.name}**, the source names:\n" + bullets(
            f"**{cap(mv.target)}**" + (f": {mv.description}" if mv.description else "") for mv in d.moves)
    parts = [f"The knowledge base names no specific management move for **{d.name}**, so the general path applies."]
    if bachelor is not None and d.name.lower() in (f.lower() for f in bachelor.fields):
        parts.append(f"A bachelor's degree in {d.name} is one of the usual foundations.")
    if general_ladder:
        parts.append(f"The usual progression: {ladder_label(general_ladder)}.")
    return paragraphs(*parts)


def render_disciplines(disciplines: Sequence[m.Discipline]) -> str:
    """Every discipline with the moves the source names for it."""
    if not disciplines:
        return nothing_stored("engineering disciplines")
    lines = []
    for d in disciplines:
        moves = join_names((mv.target for mv in d.moves), "or")
        lines.append(f"{cap(d.name)}: {moves}" if moves else f"{cap(d.name)}: no specific move named (general path)")
    return "Management moves by engineering discipline:\n" + bullets(lines)


# ------------------------------------------------------------------ unknown things and prompts
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


def render_unknown(phrase: str, kind: str, known: Sequence[Any], suggestions: Sequence[str] = ()) -> str:
    """The knowledge base has nothing on `phrase`: say so (no guessing), offer close names, list what it knows."""
    maybe = f"Did you mean {join_names(suggestions, 'or')}?" if suggestions else ""
    return paragraphs(f"Sorry, my knowledge base has nothing on \"{phrase}\", and I'd rather not guess.",
                      maybe, render_known(kind, known))


# ==================================================================================================
# Career plan, profile and mentors (bot/actions/plan.py, profile.py, mentors.py).
# The plan objects are duck-typed here (plan.CareerPlan / plan.PlanStep) so that render imports nothing
# from the action modules.
# ==================================================================================================
def years_of_experience(years: float | int) -> str:
    """'4 years of experience', '1 year of experience', 'no experience yet'."""
    if years == 0:
        return "no experience yet"
    number = int(years) if float(years) == int(years) else years
    return f"{number} year{'' if number == 1 else 's'} of experience"


def _years_span(lo: float, hi: float) -> str:
    """'1–4', '2' (years, rounded to halves)."""
    def fmt(x: float) -> str:
        x = round(x * 2) / 2
        return str(int(x)) if x == int(x) else str(x)
    return fmt(lo) if fmt(lo) == fmt(hi) else f"{fmt(lo)}–{fmt(hi)}"


def profile_line(years: float | int | None, discipline: m.Discipline | None, other_discipline: bool = False,
                 held: Sequence[m.Certification] = ()) -> str:
    """'Based on: 4 years of experience · mechanical engineering · you hold PMP' ('' when nothing is known)."""
    parts = [years_of_experience(years) if years is not None else "",
             discipline.name if discipline is not None else ("another discipline" if other_discipline else ""),
             "you hold " + join_names(c.abbreviation for c in held) if held else ""]
    parts = [x for x in parts if x]
    return "Based on: " + " · ".join(parts) if parts else ""


def _moves_from(role: m.Role, next_steps: Sequence[m.Transition]) -> str:
    """'From engineering director, people move up to X or Y.' or that the KB names no move out of it."""
    if not next_steps:
        return f"The knowledge base names no move out of {role.name}."
    return f"From {role.name}, people move up to {join_names(unique(t.to_role.name for t in next_steps), 'or')}."


def _plan_step(number: int, step: Any) -> str:
    t = step.transition
    years = years_text(t.min_years, t.max_years, t.years_note)
    head = f"**Step {number}: {step_label(t)}**" + (f" (typically {years})" if years else "")
    lines = [h.text for h in t.helps]
    if step.certifications:
        lines.append("Certifications: " + join_names(cert_label(c) for c in step.certifications))
    if step.held:
        lines.append("Already done: you hold " + join_names(c.abbreviation for c in step.held))
    if step.degrees:
        lines.append("Degrees: " + join_names(degree_label(d) for d in step.degrees))
    if step.skills:
        lines.append(f"Skills for the {stage_label(step.new_stages)} stage: " + "; ".join(s.name for s in step.skills))
    if not lines:
        lines.append("The knowledge base names nothing in particular to build for this step.")
    return head + "\n" + bullets(lines)


def _plan_timing(plan: Any) -> str:
    steps = [s.transition for s in plan.steps]
    timed_steps = [t for t in steps if years_text(t.min_years, t.max_years)]
    parts = []
    if not timed_steps:
        parts.append(("The source gives no typical time for this step." if len(steps) == 1 else
                      "The source gives no typical time for these steps.") + " "
                     + timed_reference(plan.timed, "Its only timing"))
    elif len(timed_steps) < len(steps):
        parts.append("The source gives no typical time for the other steps.")
    left = plan.first_time_left
    if left is not None and plan.years is not None:
        lo, hi = left
        had = years_of_experience(plan.years)
        if hi <= 0:
            parts.append(f"With {had}, you're already past the typical time for step 1: what you build now "
                         "matters more than waiting.")
        elif lo <= 0:
            parts.append(f"With {had}, step 1 could come any time now, or take up to {_years_span(hi, hi)} more "
                         f"year{'' if hi == 1 else 's'} (counting from the start of your career).")
        else:
            parts.append(f"With {had}, that leaves about {_years_span(lo, hi)} more years for step 1 "
                         "(counting from the start of your career).")
    return " ".join(p.strip() for p in parts if p.strip())


def _plan_discipline(plan: Any) -> str:
    d = plan.discipline
    if d is not None and d.moves:
        moves = join_names((f"**{mv.target}**" + (f" ({decap(mv.description.rstrip('.'))})" if mv.description else ""))
                           for mv in d.moves)
        return f"Coming from {d.name}, the source also names a move into {moves}."
    if d is not None:
        return f"The source names no specific management move for {d.name}, so the general path above applies."
    if plan.other_discipline:
        return "The source names no specific move for your discipline, so the general path above applies."
    return ""


def render_career_plan(plan: Any) -> str:
    """A personal plan (plan.CareerPlan): the steps with what to build, time, discipline; or why there is
    no plan (already there, a step down, no known route)."""
    profile = profile_line(plan.years, plan.discipline, plan.other_discipline, plan.held)
    if plan.status == "already_there":
        return paragraphs(f"You're already {with_article(plan.target.name)}, so there is no step to plan.",
                          _moves_from(plan.current, plan.next_steps),
                          "Tell me a new target (for example \"I want to become …\") and I'll plan the way there.")
    if plan.status == "step_down":
        return paragraphs(
            f"**{cap(plan.target.name)}** comes before **{plan.current.name}** on the usual ladder "
            f"({ladder_label(plan.way_back)}), so it would be a step back; the knowledge base has no plan for "
            "moving down.", _moves_from(plan.current, plan.next_steps))
    if plan.status == "no_route":
        usual = (f"The usual way into {plan.target.name}: {ladder_label(plan.ladder)}." if plan.ladder else
                 f"It knows no usual way into {plan.target.name} either.")
        out = _moves_from(plan.current, plan.next_steps)
        return paragraphs(f"The knowledge base knows no route from **{plan.current.name}** to "
                          f"**{plan.target.name}**, so I can't make an honest plan for that move.", usual, out)
    ladder = ladder_label([s.transition for s in plan.steps])
    count = len(plan.steps)
    head = "\n".join(x for x in (f"**Your career plan: {plan.current.name} → {plan.target.name}**", profile,
                                  f"{ladder} ({count} step{'' if count == 1 else 's'})") if x)
    return paragraphs(head, *(_plan_step(i, s) for i, s in enumerate(plan.steps, 1)), _plan_timing(plan),
                      _plan_discipline(plan))


def render_plan_missing(missing: Sequence[str]) -> str:
    """No plan yet: what is still missing."""
    return (f"I can't make your plan yet: I don't know {join_names(missing)}. "
            "Say \"help me plan my career\" and I'll ask.")


def render_plan_certifications(plan: Any, held: Sequence[m.Certification]) -> str:
    """"Which certifications should I get?" for the user's own plan: the next step's first, held ones left out."""
    had = (f"You already hold {join_names(c.abbreviation for c in held)}, so I've left "
           f"{'it' if len(held) == 1 else 'them'} out." if held else "")
    if plan.status != "plan":
        return paragraphs("Your plan has no steps to attach certifications to.", had)
    wanted = [(s, s.certifications) for s in plan.steps if s.certifications]
    if not wanted:
        if any(s.held for s in plan.steps):
            return (f"You already hold every certification tied to your plan "
                    f"({ladder_label([s.transition for s in plan.steps])}): "
                    f"{join_names(c.abbreviation for s in plan.steps for c in s.held)}.")
        return (f"No certification is tied to the steps of your plan "
                f"({ladder_label([s.transition for s in plan.steps])}).")
    first, certs = wanted[0]
    lines = [f"For {'your next step' if first is plan.steps[0] else 'a step on your way'}, "
             f"**{step_label(first.transition)}**: " + join_names(cert_label(c) for c in certs) + "."]
    later = [f"{step_label(s.transition)}: {join_names(cert_label(c) for c in cs)}" for s, cs in wanted[1:]]
    return paragraphs(*lines, "Later on:\n" + bullets(later) if later else "", had)


def render_certifications_not_held(certs: Sequence[m.Certification], held: Sequence[m.Certification]) -> str:
    """Every certification the user does not hold yet."""
    held_ids = {c.id for c in held}
    rest = [c for c in certs if c.id not in held_ids]
    had = f"You already hold {join_names(c.abbreviation for c in held)}."
    if not rest:
        return f"{had} That's every certification the knowledge base knows."
    return paragraphs(had, "The others the knowledge base knows:\n" + bullets(
        cert_label(c) + (f" ({stage_label(c.stage_names)})" if c.stage_names else "") for c in rest),
        "Tell me your current and target role and I'll say which fit your next step.")


def render_ask_current_role(examples: Sequence[m.Role]) -> str:
    """The form's question for the current role."""
    example = f" (for example \"{examples[0].name}\")" if examples else ""
    return f"What's your current role? Pick one below or type it{example}. You can say \"stop\" at any time."


def render_ask_target_role(current: m.Role | None) -> str:
    """The form's question for the target role."""
    if current is not None:
        return f"Which role are you aiming for, from {current.name}? Pick one below or type it."
    return "Which role are you aiming for? Pick one below or type it."


def render_ask_discipline(disciplines: Sequence[m.Discipline]) -> str:
    """The form's question for the engineering discipline."""
    return "Which engineering discipline do you come from? Pick one below, or \"other\" if none fits."


def render_unknown_profile_role(value: str, close: Sequence[m.Role], roles: Sequence[m.Role]) -> str:
    """An answer the knowledge base does not know as a role: close names, then the known roles."""
    maybe = f"Did you mean {join_names((r.name for r in close), 'or')}?" if close else ""
    return paragraphs(f"I don't know \"{value}\" as a role on the engineering-management path.", maybe,
                      render_known("role", roles))


def render_bad_years(max_years: int) -> str:
    """An answer that is not a usable number of years."""
    return (f"Sorry, I need your years of experience as a number from 0 to {max_years} — "
            "\"4\", \"four\" or \"4 years\" all work.")


def render_other_discipline(value: str, known: Sequence[m.Discipline]) -> str:
    """An engineering discipline the knowledge base does not cover: the general path applies."""
    return (f"The knowledge base doesn't cover \"{value}\" (it knows {join_names(d.name for d in known)}), "
            "so I'll plan with the general path.")


def render_unknown_discipline(value: str, known: Sequence[m.Discipline]) -> str:
    """An answer that is not an engineering discipline."""
    return (f"I don't know \"{value}\" as an engineering discipline. I know "
            f"{join_names((d.name for d in known), 'and')}; say \"other\" if yours isn't one of them.")


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


def render_profile_not_understood() -> str:
    """A profile statement with nothing usable in it."""
    return ("I couldn't find a role, years of experience, target role, discipline or certification in that. "
            "You can say things like \"I'm a project engineer with 4 years' experience\" or \"I already have PMP\".")


def render_profile_forgotten(profile: dict[str, Any]) -> str:
    """What "forget my details" cleared."""
    if not profile:
        return "I had nothing stored about you, so there's nothing to forget."
    labels = [_SLOT_LABELS.get(k, "the certifications you hold") for k in profile]
    return f"Done — I've forgotten your {join_names(labels)}."


def mentor_handle(mentor: m.Mentor, on_slack: bool) -> str:
    """'<@U0EXAMPLE1>' on Slack (a mention); elsewhere the name."""
    return f"<@{mentor.slack_user_id}>" if on_slack else f"**{mentor.name}**"


def _availability(mentor: m.Mentor) -> str:
    label = {"open": "Open to mentoring chats", "limited": "Limited availability"}.get(mentor.availability,
                                                                                       cap(mentor.availability))
    return label + (f" ({mentor.hours})" if mentor.hours else "")


def render_mentors(matches: Sequence[tuple[m.Mentor, str]], on_slack: bool, subject: str) -> str:
    """Up to three mentors for `subject`, each with why they match, availability and how to reach them."""
    lines = []
    for mentor, why in matches:
        others = [a.canonical for a in mentor.areas if a.canonical not in why]
        lines.append(f"{mentor_handle(mentor, on_slack)} — {with_article(mentor.role.name)}; {why}."
                     + (f" Also talks about {join_names(others)}." if others else "")
                     + f" {_availability(mentor)}.")
    reach = ("Press a button to get an intro message to send them." if on_slack else
             "They're on Slack: press a button for their member ID and an intro message to send them.")
    return paragraphs(f"Mentors for {subject}:\n" + bullets(lines), reach)


def render_no_mentor_directory() -> str:
    """No mentor directory is set up."""
    return ("There's no mentor directory set up, so I can't connect you with a person. I can still help with "
            "your plan, certifications, degrees and skills.")


def render_no_mentor_match(subject: str, count: int) -> str:
    """Nobody in the directory matches."""
    return (f"None of the {count} available mentor{'' if count == 1 else 's'} in the directory matches "
            f"{subject}. Pick a role below to see who's there.")


def render_ask_mentor_subject() -> str:
    """No target role and nothing named: ask which kind of mentor."""
    return "Which role should your mentor have? Pick one below, or tell me the role you're aiming for."


def render_mentor_intro(mentor: m.Mentor, on_slack: bool, draft: str) -> str:
    """How to reach a mentor, with an intro message the user can send."""
    if on_slack:
        how = f"Here's {mentor_handle(mentor, True)}: send them a direct message on Slack."
    else:
        how = (f"{mentor.name} is on Slack (member ID {mentor.slack_user_id}): find them by name in Slack and send "
               "them a direct message.")
    when = f"They usually take mentoring chats: {mentor.hours}." if mentor.hours else ""
    return paragraphs(how, when, "A message you could send:\n> " + draft,
                      "I can't send it for you — I only suggest who to talk to.")


def render_mentor_unavailable(mentor: m.Mentor) -> str:
    """A mentor who is not taking mentoring chats now."""
    return f"{mentor.name} isn't taking mentoring chats at the moment. Ask me for a mentor to see who is."


def render_unknown_mentor() -> str:
    """An intro request for nobody in the directory."""
    return "I can't find that mentor in the directory. Ask me \"can I talk to a mentor?\" to see who's there."
