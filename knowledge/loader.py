"""Validate the YAML files in knowledge/data and load them into the database, all or nothing.

Every problem is reported with the file, the entry and the field it concerns. Loading replaces the
whole content in one transaction, so a failed load leaves the previous database as it was, and
loading the same files twice gives the same database.
"""
from __future__ import annotations

import datetime as _dt
import re
import uuid
from dataclasses import dataclass, field
from difflib import get_close_matches
from pathlib import Path
from typing import Any, Iterable

import yaml
from sqlalchemy import delete
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from . import faq, labor
from . import models as m
from .names import normalize_name

DATA_DIR = Path(__file__).resolve().parent / "data"


# --------------------------------------------------------------------------- schema
@dataclass(frozen=True)
class F:
    """One field of an entry: its type, whether it is required, allowed values, nested fields."""

    type: str  # str | int | bool | strs | objs | date
    required: bool = False
    nullable: bool = False
    choices: tuple = ()
    sub: dict | None = None


ALIASES = F("strs")
SCHEMA: dict[str, dict[str, dict[str, F]]] = {
    "sources.yml": {"sources": {
        "key": F("str", True), "title": F("str", True), "publisher": F("str", nullable=True),
        "published": F("date", nullable=True), "url": F("str", nullable=True)}},
    "roles.yml": {"roles": {
        "name": F("str", True), "aliases": ALIASES, "stages": F("strs", choices=m.STAGES),
        "summary": F("str"), "focus": F("str"), "scope": F("str"),
        "responsibilities": F("objs", sub={"title": F("str", True), "description": F("str", True)}),
        "reports_to": F("strs")}},
    "transitions.yml": {"transitions": {
        "from": F("str", True), "to": F("str", True), "min_years": F("int", nullable=True),
        "max_years": F("int", nullable=True), "years_note": F("str"), "helps": F("strs"),
        "certifications": F("strs"), "degrees": F("strs"), "source_note": F("str")}},
    "comparisons.yml": {"comparisons": {
        "left": F("str", True), "right": F("str", True), "intro": F("str"),
        "rows": F("objs", True, sub={"aspect": F("str", True), "left": F("str", True),
                                      "right": F("str", True)})}},
    "certifications.yml": {"certifications": {
        "abbreviation": F("str", True), "name": F("str", True), "aliases": ALIASES,
        "stages": F("strs", choices=m.STAGES), "signals": F("strs")}},
    "education.yml": {"degrees": {
        "key": F("str", True), "name": F("str", True), "aliases": ALIASES,
        "level": F("str", True, choices=("bachelor", "master")), "summary": F("str"),
        "min_years": F("int", nullable=True), "max_years": F("int", nullable=True),
        "duration_note": F("str"), "fields": F("strs"), "skills": F("strs")}},
    "skills.yml": {"skills": {
        "stage": F("str", True, choices=m.SKILL_STAGES), "name": F("str", True), "detail": F("str")}},
    "specializations.yml": {"specializations": {
        "name": F("str", True), "aliases": ALIASES, "focus": F("str", True), "roles": F("strs")}},
    "industries.yml": {"industries": {
        "name": F("str", True), "aliases": ALIASES,
        "pay": F("str", nullable=True, choices=("high", "competitive")), "note": F("str")}},
    "disciplines.yml": {"disciplines": {
        "name": F("str", True), "aliases": ALIASES,
        "moves": F("objs", sub={"to": F("str", True), "description": F("str")})}},
    "market.yml": {
        "facts": {"key": F("str", True), "label": F("str", True), "figure": F("str", True),
                  "amount": F("int", nullable=True), "amount_max": F("int", nullable=True),
                  "year": F("int", nullable=True), "note": F("str"), "source": F("str", True)},
        "employers": {"name": F("str", True), "source": F("str", True)}},
    "mentors.yml": {"mentors": {
        "name": F("str", True), "role": F("str", True), "areas": F("strs"), "slack_user_id": F("str", True),
        "availability": F("str", True, choices=m.MENTOR_AVAILABILITY), "hours": F("str")}},
    "onet_mapping.yml": {"onet_mapping": {
        "role": F("str", True), "reason": F("str", True),
        "occupations": F("objs", sub={"code": F("str", True), "title": F("str", True)})}},
    "faq.yml": {"faq": {
        "key": F("str", True), "title": F("str", True), "questions": F("strs", True), "answer": F("str", True),
        "sources": F("objs", True, sub={"title": F("str", True), "publisher": F("str"), "url": F("str", True),
                                        "date": F("str", True), "note": F("str")}),
        "follow_ups": F("strs")}},
}
# Files the knowledge base can do without: no mentors.yml means an empty mentor directory.
OPTIONAL_FILES = frozenset({"mentors.yml"})
SLACK_USER_ID = re.compile(r"U[A-Z0-9]+")
_LABEL_FIELDS = ("name", "abbreviation", "key", "aspect", "title", "role")


class _StrictLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # libyaml's parser when present: faster
    """A safe YAML loader that rejects a key written twice in one mapping (PyYAML keeps the last silently)."""

    def construct_mapping(self, node, deep=False):
        if isinstance(node, yaml.MappingNode):
            seen: set = set()
            for key_node, _ in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    continue
                key = self.construct_object(key_node, deep=True)
                try:
                    duplicate = key in seen
                except TypeError:  # unhashable key: SafeConstructor reports it below
                    continue
                if duplicate:
                    raise yaml.constructor.ConstructorError(
                        "while constructing a mapping", node.start_mark,
                        f"found duplicate key {key!r}", key_node.start_mark)
                seen.add(key)
        return super().construct_mapping(node, deep=deep)


# --------------------------------------------------------------------------- errors
@dataclass(frozen=True)
class Problem:
    """One validation problem, located by file, entry and field."""

    file: str
    entry: str
    field: str
    message: str

    def __str__(self) -> str:
        where = ", ".join(p for p in (self.file, self.entry, f"field '{self.field}'" if self.field else "") if p)
        return f"{where}: {self.message}"


class KnowledgeError(Exception):
    """The knowledge files are invalid; `problems` lists every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass
class Knowledge:
    """The validated content of the data folder, ready to be written to the database."""

    tables: dict[str, list[dict]] = field(default_factory=dict)

    def __getitem__(self, key: str) -> list[dict]:
        return self.tables.get(key, [])


def _entry_label(index: int, entry: Any) -> str:
    if isinstance(entry, dict):
        for key in _LABEL_FIELDS:
            if isinstance(entry.get(key), str):
                return f"entry {index + 1} ('{entry[key]}')"
        if isinstance(entry.get("from"), str) and isinstance(entry.get("to"), str):
            return f"entry {index + 1} ('{entry['from']}' -> '{entry['to']}')"
    return f"entry {index + 1}"


def _check_value(spec: F, value: Any, say) -> Any:
    """Check one value against its spec; report through `say(field_suffix, message)`; return it cleaned."""
    if value is None:
        if spec.nullable or not spec.required:
            return None
        say("", "must not be empty")
        return None
    if spec.type == "str":
        if not isinstance(value, str) or not value.strip():
            say("", f"must be a non-empty text, got {type(value).__name__} {value!r}")
            return None
        value = " ".join(value.split())
        if spec.choices and value not in spec.choices:
            say("", f"must be one of {', '.join(spec.choices)}; got {value!r}")
        return value
    if spec.type == "date":
        if isinstance(value, (_dt.date, _dt.datetime)):
            return value.isoformat()[:10]
        if isinstance(value, str):
            try:
                return _dt.date.fromisoformat(value.strip()).isoformat()
            except ValueError:
                pass
        say("", f"must be a date (YYYY-MM-DD), got {value!r}")
        return None
    if spec.type == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            say("", f"must be a whole number, got {type(value).__name__} {value!r}")
            return None
        if value < 0:
            say("", f"must not be negative, got {value}")
        return value
    if spec.type == "strs":
        if not isinstance(value, list):
            say("", f"must be a list of texts, got {type(value).__name__} {value!r}")
            return []
        out = []
        for i, item in enumerate(value):
            if not isinstance(item, (str, int, float)) or isinstance(item, bool) or not str(item).strip():
                say(f"[{i + 1}]", f"must be a non-empty text, got {item!r}")
                continue
            item = " ".join(str(item).split())
            if spec.choices and item not in spec.choices:
                say(f"[{i + 1}]", f"must be one of {', '.join(spec.choices)}; got {item!r}")
            out.append(item)
        return out
    if spec.type == "objs":
        if not isinstance(value, list):
            say("", f"must be a list of entries, got {type(value).__name__}")
            return []
        out = []
        for i, item in enumerate(value):
            out.append(_check_entry(item, spec.sub or {},
                                    lambda f, msg, i=i: say(f"[{i + 1}]" + (f".{f}" if f else ""), msg)))
        return out
    raise AssertionError(f"unknown field type {spec.type}")  # a schema bug, not a data problem


def _check_entry(entry: Any, fields: dict[str, F], say) -> dict:
    """Check one mapping against `fields`; unknown keys, missing required keys and bad values are reported."""
    if not isinstance(entry, dict):
        say("", f"must be a mapping of fields, got {type(entry).__name__} {entry!r}")
        return {}
    clean: dict[str, Any] = {}
    for key in entry:
        if key == "<<":
            continue
        if key not in fields:
            hint = get_close_matches(str(key), fields, n=1)
            say(str(key),
                "unknown field" + (f" (did you mean '{hint[0]}'?)" if hint else f"; known fields: {', '.join(fields)}"))
    for name, spec in fields.items():
        if name not in entry:
            if spec.required:
                say(name, "is required but missing")
            clean[name] = [] if spec.type in ("strs", "objs") else None
            continue
        clean[name] = _check_value(spec, entry[name], lambda suffix, msg, name=name: say(name + suffix, msg))
    return clean


def read_files(data_dir: Path = DATA_DIR) -> Knowledge:
    """Parse and validate every YAML file in `data_dir`; raise KnowledgeError listing every problem."""
    problems: list[Problem] = []
    knowledge = Knowledge()
    entries_by_table: dict[str, list[tuple[str, str, dict]]] = {}
    files = sorted(p.name for p in Path(data_dir).iterdir()
                   if p.is_file() and p.suffix in (".yml", ".yaml")) if Path(data_dir).is_dir() else []
    for name in files:
        if name not in SCHEMA and name != labor.BLS_FILE:
            problems.append(Problem(name, "", "",
                                    f"unknown knowledge file; expected one of {', '.join(sorted(SCHEMA))}"))
    for name, tables in SCHEMA.items():
        path = Path(data_dir) / name
        if not path.exists() and name in OPTIONAL_FILES:
            for table in tables:
                knowledge.tables[table] = []
            continue
        if not path.exists():
            problems.append(Problem(name, "", "", f"file is missing from {data_dir}"))
            continue
        try:
            doc = yaml.load(path.read_text(encoding="utf-8"), Loader=_StrictLoader)  # noqa: S506 (safe loader)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
            problems.append(Problem(name, where, "", f"is not valid YAML: {getattr(exc, 'problem', exc)}"))
            continue
        except UnicodeDecodeError as exc:
            problems.append(Problem(name, "", "", f"is not UTF-8 text: {exc}"))
            continue
        if not isinstance(doc, dict):
            problems.append(Problem(name, "", "", f"must be a mapping with the key(s) {', '.join(tables)}"))
            continue
        for key in doc:
            if key not in tables and not str(key).startswith("_"):
                problems.append(Problem(name, "", str(key), f"unknown top-level key; expected {', '.join(tables)} "
                                        "(keys starting with '_' are for YAML anchors)"))
        for table, fields in tables.items():
            items = doc.get(table)
            if not isinstance(items, list):
                problems.append(Problem(name, "", table, "must be a list of entries"))
                continue
            rows = []
            for i, entry in enumerate(items):
                label = _entry_label(i, entry)
                clean = _check_entry(entry, fields,
                                     lambda f, msg, label=label: problems.append(Problem(name, label, f, msg)))
                rows.append(clean)
                entries_by_table.setdefault(table, []).append((name, label, clean))
            knowledge.tables[table] = rows
    # O*NET tables (onet/*.tsv), BLS figures (bls_ooh.yml) and the role mapping; then the FAQ's own checks.
    knowledge.tables.update(labor.read(data_dir, entries_by_table, lambda *p: problems.append(Problem(*p))))
    problems.extend(Problem(*p) for p in faq.check(entries_by_table.get("faq", [])))
    if not problems:
        problems.extend(_check_references(entries_by_table))
    if problems:
        raise KnowledgeError(problems)
    return knowledge


def _check_references(tables: dict[str, list[tuple[str, str, dict]]]) -> Iterable[Problem]:
    """Cross-file checks: references name existing entries; keys and aliases are unique."""
    def index(table: str, key: str) -> dict[str, str]:
        return {normalize_name(e[key]): e[key] for _, _, e in tables.get(table, []) if e.get(key)}

    roles, sources = index("roles", "name"), index("sources", "key")
    certs, degrees = index("certifications", "abbreviation"), index("degrees", "key")

    def ref(file, label, fld, value, known, what):
        if value is not None and normalize_name(value) not in known:
            close = get_close_matches(normalize_name(value), known, n=3)
            hint = f"; did you mean {', '.join(repr(known[c]) for c in close)}?" if close else ""
            yield Problem(file, label, fld, f"refers to unknown {what} {value!r}{hint}")

    unique = {"roles": "name", "sources": "key", "certifications": "abbreviation", "degrees": "key",
              "specializations": "name", "industries": "name", "disciplines": "name", "facts": "key",
              "employers": "name", "mentors": "name", "faq": "key"}
    for table, key in unique.items():
        seen: set[str] = set()
        for file, label, e in tables.get(table, []):
            k = normalize_name(e.get(key) or "")
            if k in seen:
                yield Problem(file, label, key, f"duplicate {key} {e[key]!r}")
            seen.add(k)

    for file, label, e in tables.get("roles", []):
        for i, target in enumerate(e["reports_to"]):
            yield from ref(file, label, f"reports_to[{i + 1}]", target, roles, "role")
            if e["name"] and normalize_name(target) == normalize_name(e["name"]):
                yield Problem(file, label, f"reports_to[{i + 1}]", "a role cannot report to itself")
    pairs: set[tuple[str, str]] = set()
    for file, label, e in tables.get("transitions", []):
        yield from ref(file, label, "from", e["from"], roles, "role")
        yield from ref(file, label, "to", e["to"], roles, "role")
        for i, c in enumerate(e["certifications"]):
            yield from ref(file, label, f"certifications[{i + 1}]", c, certs, "certification")
        for i, d in enumerate(e["degrees"]):
            yield from ref(file, label, f"degrees[{i + 1}]", d, degrees, "degree")
        if e["from"] and e["to"]:
            pair = (normalize_name(e["from"]), normalize_name(e["to"]))
            if pair[0] == pair[1]:
                yield Problem(file, label, "to", "a transition must lead to another role")
            if pair in pairs:
                yield Problem(file, label, "to", "duplicate transition")
            pairs.add(pair)
        if e["min_years"] is not None and e["max_years"] is not None and e["min_years"] > e["max_years"]:
            yield Problem(file, label, "max_years", "must not be smaller than min_years")
    compared: set[frozenset[str]] = set()
    for file, label, e in tables.get("comparisons", []):
        yield from ref(file, label, "left", e["left"], roles, "role")
        yield from ref(file, label, "right", e["right"], roles, "role")
        if e["left"] and e["right"]:
            pair = frozenset((normalize_name(e["left"]), normalize_name(e["right"])))
            if len(pair) == 1:
                yield Problem(file, label, "right", "a comparison needs two different roles")
            elif pair in compared:
                yield Problem(file, label, "right", "duplicate comparison of these two roles (in either order)")
            compared.add(pair)
    for file, label, e in tables.get("specializations", []):
        for i, r in enumerate(e["roles"]):
            yield from ref(file, label, f"roles[{i + 1}]", r, roles, "role")
    for table in ("facts", "employers"):
        for file, label, e in tables.get(table, []):
            yield from ref(file, label, "source", e["source"], sources, "source")

    seen_alias: dict[str, str] = {}
    for table, kind, key in (("roles", "role", "name"), ("certifications", "certification", "abbreviation"),
                             ("degrees", "degree", "key"), ("specializations", "specialization", "name"),
                             ("industries", "industry", "name"), ("disciplines", "discipline", "name")):
        for file, label, e in tables.get(table, []):
            names = [(key, e[key])] + [(f"aliases[{i + 1}]", a) for i, a in enumerate(e.get("aliases") or [])]
            if table in ("certifications", "degrees"):
                names.append(("name", e["name"]))
            mine: set[str] = set()
            for fld, text in names:
                if not text:
                    continue
                norm = normalize_name(text)
                if norm in mine:
                    if fld.startswith("aliases"):
                        yield Problem(file, label, fld, f"alias {text!r} repeats this entry's own name or alias")
                    continue
                mine.add(norm)
                if norm in seen_alias:
                    yield Problem(file, label, fld, f"duplicate alias {text!r}: already used by {seen_alias[norm]}")
                else:
                    seen_alias[norm] = f"{file} {label}"

    role_names = {normalize_name(text): e["name"] for _, _, e in tables.get("roles", []) if e.get("name")
                  for text in [e["name"], *(e.get("aliases") or [])]}
    yield from _check_mentors(tables.get("mentors", []), role_names, seen_alias)


def _check_mentors(entries: list[tuple[str, str, dict]], roles: dict[str, str],
                   known_names: dict[str, str]) -> Iterable[Problem]:
    """Mentors: the role is a KB role (`roles`: every role name and alias -> its name), every area is a KB
    name or alias, Slack member IDs are well formed and unique."""
    ids: set[str] = set()
    for file, label, e in entries:
        if e["role"] is not None and normalize_name(e["role"]) not in roles:
            close = get_close_matches(normalize_name(e["role"]), roles, n=3)
            hint = f"; did you mean {', '.join(repr(roles[c]) for c in close)}?" if close else ""
            yield Problem(file, label, "role", f"refers to unknown role {e['role']!r}{hint}")
        for i, area in enumerate(e["areas"]):
            if normalize_name(area) not in known_names:
                close = get_close_matches(normalize_name(area), known_names, n=3)
                hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
                yield Problem(file, label, f"areas[{i + 1}]",
                              f"{area!r} is not a name or alias in the knowledge base{hint}")
        slack_id = e["slack_user_id"]
        if slack_id is None:
            continue
        if not SLACK_USER_ID.fullmatch(slack_id):
            yield Problem(file, label, "slack_user_id",
                          f"must be a Slack member ID: 'U' then capital letters and digits (e.g. U024BE7LH); "
                          f"got {slack_id!r}")
        elif slack_id in ids:
            yield Problem(file, label, "slack_user_id", f"duplicate Slack member ID {slack_id!r}")
        ids.add(slack_id)


# --------------------------------------------------------------------------- writing
def alias_rows(knowledge: Knowledge) -> list[m.Alias]:
    """Every name and alias as Alias rows (canonical name first for each thing)."""
    out: list[m.Alias] = []
    spec = (("roles", "role", "name", ()), ("certifications", "certification", "abbreviation", ("name",)),
            ("degrees", "degree", "key", ("name",)), ("specializations", "specialization", "name", ()),
            ("industries", "industry", "name", ()), ("disciplines", "discipline", "name", ()))
    for table, kind, key, extra in spec:
        for e in knowledge[table]:
            seen: set[str] = set()
            for i, text in enumerate([e[key], *[e[x] for x in extra], *e.get("aliases", [])]):
                norm = normalize_name(text)
                if norm in seen:
                    continue
                seen.add(norm)
                out.append(m.Alias(text=norm, kind=kind, canonical=e[key], is_canonical=(i == 0)))
    return out


def _build(knowledge: Knowledge) -> list[Any]:
    """ORM objects for the whole knowledge base."""
    sources = {normalize_name(s["key"]): m.Source(**s) for s in knowledge["sources"]}
    roles: dict[str, m.Role] = {}
    for pos, r in enumerate(knowledge["roles"]):
        roles[normalize_name(r["name"])] = m.Role(
            name=r["name"], summary=r["summary"], focus=r["focus"], scope=r["scope"], position=pos,
            stages=[m.RoleStage(stage=s, position=i) for i, s in enumerate(r["stages"])],
            responsibilities=[m.Responsibility(title=x["title"], description=x["description"], position=i)
                              for i, x in enumerate(r["responsibilities"])])
    for r in knowledge["roles"]:
        roles[normalize_name(r["name"])].reports_to = [
            m.ReportingLine(manager=roles[normalize_name(t)], position=i) for i, t in enumerate(r["reports_to"])]
    certs = {}
    for pos, c in enumerate(knowledge["certifications"]):
        certs[normalize_name(c["abbreviation"])] = m.Certification(
            abbreviation=c["abbreviation"], name=c["name"], position=pos,
            stages=[m.CertificationStage(stage=s, position=i) for i, s in enumerate(c["stages"])],
            signals=[m.CertificationSignal(text=t, position=i) for i, t in enumerate(c["signals"])])
    degrees = {}
    for pos, d in enumerate(knowledge["degrees"]):
        items = [m.DegreeItem(kind="field", text=t, position=i) for i, t in enumerate(d["fields"])]
        items += [m.DegreeItem(kind="skill", text=t, position=i) for i, t in enumerate(d["skills"])]
        degrees[normalize_name(d["key"])] = m.Degree(
            key=d["key"], name=d["name"], level=d["level"], summary=d["summary"], min_years=d["min_years"],
            max_years=d["max_years"], duration_note=d["duration_note"], position=pos, items=items)
    objs: list[Any] = [*sources.values(), *roles.values(), *certs.values(), *degrees.values()]
    for pos, t in enumerate(knowledge["transitions"]):
        objs.append(m.Transition(
            from_role=roles[normalize_name(t["from"])], to_role=roles[normalize_name(t["to"])],
            min_years=t["min_years"], max_years=t["max_years"], years_note=t["years_note"],
            source_note=t["source_note"], position=pos,
            helps=[m.TransitionHelp(text=h, position=i) for i, h in enumerate(t["helps"])],
            certifications=[certs[normalize_name(c)] for c in t["certifications"]],
            degrees=[degrees[normalize_name(d)] for d in t["degrees"]]))
    for c in knowledge["comparisons"]:
        objs.append(m.Comparison(
            left_role=roles[normalize_name(c["left"])], right_role=roles[normalize_name(c["right"])],
            intro=c["intro"], rows=[m.ComparisonRow(aspect=r["aspect"], left_text=r["left"], right_text=r["right"],
                                                    position=i) for i, r in enumerate(c["rows"])]))
    objs += [m.Skill(stage=s["stage"], name=s["name"], detail=s["detail"], position=i)
             for i, s in enumerate(knowledge["skills"])]
    objs += [m.Specialization(name=s["name"], focus=s["focus"], position=i,
                              roles=[roles[normalize_name(r)] for r in s["roles"]])
             for i, s in enumerate(knowledge["specializations"])]
    objs += [m.Industry(name=x["name"], pay=x["pay"], note=x["note"], position=i)
             for i, x in enumerate(knowledge["industries"])]
    objs += [m.Discipline(name=d["name"], position=i,
                          moves=[m.DisciplineMove(target=mv["to"], description=mv["description"], position=j)
                                 for j, mv in enumerate(d["moves"])])
             for i, d in enumerate(knowledge["disciplines"])]
    objs += [m.MarketFact(key=f["key"], label=f["label"], figure=f["figure"], amount=f["amount"],
                          amount_max=f["amount_max"], year=f["year"], note=f["note"],
                          source=sources[normalize_name(f["source"])], position=i)
             for i, f in enumerate(knowledge["facts"])]
    objs += [m.Employer(name=e["name"], source=sources[normalize_name(e["source"])], position=i)
             for i, e in enumerate(knowledge["employers"])]
    aliases = alias_rows(knowledge)
    objs += aliases
    by_alias = {a.text: a for a in aliases}
    for pos, x in enumerate(knowledge["mentors"]):
        areas = [by_alias[normalize_name(text)] for text in x["areas"]]
        role = by_alias[normalize_name(x["role"])]  # a role's name or alias (checked before writing)
        objs.append(m.Mentor(
            name=x["name"], role=roles[normalize_name(role.canonical)], slack_user_id=x["slack_user_id"],
            availability=x["availability"], hours=x["hours"], position=pos,
            areas=[m.MentorArea(kind=a.kind, canonical=a.canonical, position=i)
                   for i, a in enumerate(_distinct_things(areas))]))
    objs += faq.build(knowledge)
    return objs


def _distinct_things(aliases: list[m.Alias]) -> list[m.Alias]:
    """`aliases` without two that name the same thing (first kept)."""
    seen: set[tuple[str, str]] = set()
    out = []
    for a in aliases:
        if (a.kind, a.canonical) not in seen:
            seen.add((a.kind, a.canonical))
            out.append(a)
    return out


def create_schema(engine: Engine) -> None:
    """Create the tables that do not exist yet (the knowledge tables and the build marker)."""
    m.Base.metadata.create_all(engine)
    m.BuildBase.metadata.create_all(engine)


def write(session: Session, knowledge: Knowledge) -> None:
    """Replace the database content with `knowledge` inside the caller's transaction, under a new build id."""
    session.execute(delete(m.KnowledgeBuild))
    for table in reversed(m.Base.metadata.sorted_tables):
        session.execute(delete(table))
    session.add_all(_build(knowledge))
    session.flush()
    labor.write(session, knowledge)  # O*NET and BLS rows, which refer to the roles just written
    session.add(m.KnowledgeBuild(build_id=uuid.uuid4().hex,
                                 loaded_at=_dt.datetime.now(_dt.timezone.utc).replace(tzinfo=None)))
    session.flush()


def load(engine: Engine, data_dir: Path = DATA_DIR) -> Knowledge:
    """Validate `data_dir` and replace the database content in one transaction; nothing changes on error."""
    knowledge = read_files(data_dir)
    create_schema(engine)
    with Session(engine, future=True) as session, session.begin():
        write(session, knowledge)
    return knowledge
