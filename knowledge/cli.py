"""`python -m knowledge load | check | show NAME`: load, validate or inspect the knowledge base."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from . import faq, labor
from . import models as m
from . import queries as q
from .db import database_url, make_engine
from .loader import DATA_DIR, KnowledgeError, load, read_files


def _years(lo: int | None, hi: int | None) -> str:
    if lo is None and hi is None:
        return ""
    return f"{lo}-{hi} years" if lo != hi and hi is not None else f"{lo if lo is not None else hi} years"


def describe(thing) -> list[str]:
    """Plain-text lines describing one knowledge-base entry (for the CLI)."""
    lines: list[str] = []
    if isinstance(thing, m.Role):
        lines.append(f"Role: {thing.name}")
        if thing.stage_names:
            lines.append(f"Career stage: {', '.join(thing.stage_names)}")
        for label, text in (("Summary", thing.summary), ("Focus", thing.focus), ("Scope", thing.scope)):
            if text:
                lines.append(f"{label}: {text}")
        if thing.responsibilities:
            lines.append("Responsibilities:")
            lines += [f"  - {r.title}: {r.description}" for r in thing.responsibilities]
        if thing.reports_to:
            lines.append("Reports to: " + ", ".join(r.manager.name for r in thing.reports_to))
        if thing.transitions_out:
            lines.append("Typical next roles: " + ", ".join(
                t.to_role.name + (f" ({_years(t.min_years, t.max_years)})" if t.min_years else "")
                for t in thing.transitions_out))
    elif isinstance(thing, m.Certification):
        lines.append(f"Certification: {thing.name} ({thing.abbreviation})")
        if thing.stage_names:
            lines.append(f"Helps at: {', '.join(thing.stage_names)} stage")
        lines += [f"  - {s.text}" for s in thing.signals]
    elif isinstance(thing, m.Degree):
        lines.append(f"Degree: {thing.name}")
        if thing.summary:
            lines.append(thing.summary)
        if thing.min_years is not None:
            lines.append(f"Duration: {_years(thing.min_years, thing.max_years)}"
                         + (f", {thing.duration_note}" if thing.duration_note else ""))
        if thing.fields:
            lines.append("Fields: " + ", ".join(thing.fields))
        if thing.skills:
            lines.append("Skills taught: " + ", ".join(thing.skills))
    elif isinstance(thing, m.Specialization):
        lines.append(f"Specialization: {thing.name}")
        lines.append(f"Focus: {thing.focus}")
        lines.append("Roles: " + ", ".join(r.name for r in thing.roles))
    elif isinstance(thing, m.Industry):
        lines.append(f"Industry: {thing.name}")
        if thing.pay:
            lines.append(f"Pay: {thing.pay}")
        if thing.note:
            lines.append(thing.note)
    elif isinstance(thing, m.Discipline):
        lines.append(f"Discipline: {thing.name}")
        lines += [f"  - {mv.target}" + (f": {mv.description}" if mv.description else "") for mv in thing.moves]
        if not thing.moves:
            lines.append("  The source names no specific management move for this discipline.")
    elif isinstance(thing, m.OnetOccupation):
        lines += _describe_occupation(thing)
    elif isinstance(thing, m.FaqEntry):
        lines.append(f"FAQ entry: {thing.title} ({thing.key})")
        lines.append("Asked as: " + " · ".join(x.text for x in thing.questions[:4])
                     + (f" (+{len(thing.questions) - 4} more)" if len(thing.questions) > 4 else ""))
        lines.append(thing.answer)
        lines += [f"  Source: {s.title}, {s.publisher or ''} ({s.date}) {s.url}" for s in thing.sources]
        if thing.follow_ups:
            lines.append("Follow-ups: " + ", ".join(f.text for f in thing.follow_ups))
    return lines


def _describe_occupation(occ: m.OnetOccupation) -> list[str]:
    lines = [f"O*NET occupation: {occ.code} {occ.title} ({labor.ONET_SOURCE}, {labor.ONET_LICENSE})",
             occ.description]
    if occ.job_zone:
        lines.append(f"Job zone: {occ.job_zone}")
    tasks, rated = labor.top_tasks(occ, 3)
    lines.append("Top tasks" + (" (by importance):" if rated else " (core tasks, no importance rating loaded):"))
    lines += [f"  - {t.text}" for t in tasks]
    lines.append("Hot technologies: " + ", ".join(t.example for t in labor.hot_technologies(occ, 5)))
    lines.append(f"Alternate titles: {len(occ.alternate_titles)}, e.g. "
                 + ", ".join(a.title for a in occ.alternate_titles[:5]))
    return lines


def find(session: Session, name: str):
    """What `name` names: a role, certification... (any alias), else an O*NET occupation (code, title or
    alternate title), else an FAQ entry (key, title or one of its questions); None when nothing."""
    return q.lookup(session, name) or labor.occupation(session, name) or faq.find(session, name)


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; returns the process exit code."""
    parser = argparse.ArgumentParser(prog="python -m knowledge", description=__doc__)
    parser.add_argument("--data", type=Path, default=DATA_DIR, help="folder of knowledge YAML files")
    # --data is accepted after the command too (`check --data DIR`); SUPPRESS keeps the top-level value otherwise.
    data_opt = argparse.ArgumentParser(add_help=False)
    data_opt.add_argument("--data", type=Path, default=argparse.SUPPRESS, help="folder of knowledge YAML files")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("load", parents=[data_opt], help="validate the YAML files and (re)load them into the database")
    sub.add_parser("check", parents=[data_opt], help="validate the YAML files only")
    show = sub.add_parser("show", parents=[data_opt],
                          help="show a role, certification, degree, O*NET occupation, FAQ entry... by any of its names")
    show.add_argument("name", nargs="+")
    args = parser.parse_args(argv)
    try:
        if args.command == "check":
            k = read_files(args.data)
            print(f"OK: {args.data} is valid ({len(k['roles'])} roles, {len(k['transitions'])} transitions, "
                  f"{len(k['certifications'])} certifications, {len(k['degrees'])} degrees, "
                  f"{len(k['onet_occupations'])} O*NET occupations, {len(k['faq'])} FAQ entries).")
            return 0
        engine = make_engine()
        if args.command == "load":
            k = load(engine, args.data)
            print(f"Loaded {args.data} into {engine.url.render_as_string(hide_password=True)}: "
                  f"{len(k['roles'])} roles, {len(k['transitions'])} transitions.")
            return 0
        name = " ".join(args.name)
        with Session(engine, future=True) as session:
            thing = find(session, name)
            if thing is None:
                close = q.suggest(session, name)
                hint = ("; did you mean " + ", ".join(f"'{c.canonical}' ({c.kind})" for c in close) + "?"
                        if close else "")
                print(f"error: no role, certification, degree, specialization, industry, discipline, O*NET "
                      f"occupation or FAQ entry called '{name}'{hint}", file=sys.stderr)
                return 1
            print("\n".join(describe(thing)))
        return 0
    except KnowledgeError as exc:
        print(f"error: the knowledge files in {args.data} are invalid ({len(exc.problems)} problem(s)):",
              file=sys.stderr)
        for p in exc.problems:
            print(f"  {p}", file=sys.stderr)
        return 1
    except SQLAlchemyError as exc:
        print(f"error: database {database_url()} failed: {exc.__class__.__name__}: {exc}. "
              "Run `python -m knowledge load` first, or check CAREERBOT_DB_URL.", file=sys.stderr)
        return 1
