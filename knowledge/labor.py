"""Labor-market knowledge: the O*NET extract (knowledge/data/onet/*.tsv), the BLS Occupational Outlook
Handbook figures (bls_ooh.yml) and the role -> O*NET mapping (onet_mapping.yml).

`read(data_dir, tables, problems)` validates the files (every problem names file, entry and field) and
returns the rows the loader writes; `build(...)` turns them into ORM objects; the query functions below read
them back. Like the rest of `knowledge/`, nothing here knows about Rasa or renders text.
"""
from __future__ import annotations

import csv
import datetime as _dt
import re
from dataclasses import dataclass
from difflib import get_close_matches
from pathlib import Path
from typing import Any, Callable

import yaml
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from . import models as m
from .names import normalize_name
from .queries import _memoised

ONET_DIR = "onet"
BLS_FILE = "bls_ooh.yml"
MAPPING_FILE = "onet_mapping.yml"
#: how O*NET's data is credited wherever it is shown (the wording of onet/SOURCE.md)
ONET_SOURCE = "O*NET 29.3 Database (May 2025), U.S. Department of Labor, Employment and Training Administration"
ONET_RELEASE_YEAR = 2025
ONET_URL = "https://www.onetcenter.org/database.html"
ONET_LICENSE = "CC BY 4.0"
#: a figure older than this many years (from its data year to today) is called out as old
STALE_AFTER_YEARS = 5

_CODE = re.compile(r"\d{2}-\d{4}\.\d{2}")
_YEAR = re.compile(r"\b(19|20)\d{2}\b")
Report = Callable[[str, str, str, str], None]  # file, entry, field, message

# File name -> the columns careerbot reads from it (O*NET's own headers; other columns are ignored).
ONET_COLUMNS: dict[str, tuple[str, ...]] = {
    "occupation_data.tsv": ("O*NET-SOC Code", "Title", "Description"),
    "job_zones.tsv": ("O*NET-SOC Code", "Job Zone"),
    "job_zone_reference.tsv": ("Job Zone", "Name", "Experience", "Education", "Job Training"),
    "alternate_titles.tsv": ("O*NET-SOC Code", "Alternate Title", "Short Title"),
    "task_statements.tsv": ("O*NET-SOC Code", "Task ID", "Task", "Task Type"),
    "task_ratings_importance_secondary.tsv": ("O*NET-SOC Code", "Task ID", "Scale ID", "Data Value"),
    "skills.tsv": ("O*NET-SOC Code", "Element ID", "Element Name", "Scale ID", "Data Value", "Recommend Suppress"),
    "knowledge.tsv": ("O*NET-SOC Code", "Element ID", "Element Name", "Scale ID", "Data Value",
                      "Recommend Suppress"),
    "work_styles.tsv": ("O*NET-SOC Code", "Element ID", "Element Name", "Scale ID", "Data Value"),
    "education_training_experience.tsv": ("O*NET-SOC Code", "Scale ID", "Category", "Data Value"),
    "education_training_experience_categories.tsv": ("Scale ID", "Category", "Category Description"),
    "related_occupations.tsv": ("O*NET-SOC Code", "Related O*NET-SOC Code", "Related Title", "Relatedness Tier",
                                "Index"),
    "technology_skills.tsv": ("O*NET-SOC Code", "Example", "Commodity Title", "Hot Technology", "In Demand"),
}
DESCRIPTOR_FILES = {"skills.tsv": "skill", "knowledge.tsv": "knowledge", "work_styles.tsv": "work_style"}
EDUCATION_SCALES = ("RL", "RW", "PT", "OJ")
TASK_RATINGS_SOURCE = ("secondary copy of O*NET task ratings (graph.org.ai); see onet/SOURCE.md")


# --------------------------------------------------------------------------- reading and validation
def _read_tsv(path: Path, file: str, report: Report) -> list[tuple[str, dict[str, str]]] | None:
    """(entry label, row) pairs of one O*NET TSV file; None (and a report) when it cannot be read."""
    if not path.exists():
        report(file, "", "", f"file is missing from {path.parent}")
        return None
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            rows = list(csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))
    except UnicodeDecodeError as exc:
        report(file, "", "", f"is not UTF-8 text: {exc}")
        return None
    if not rows:
        report(file, "", "", "is empty; expected a header row and data rows")
        return None
    header = rows[0]
    missing = [c for c in ONET_COLUMNS[path.name] if c not in header]
    if missing:
        report(file, "header", missing[0], f"column is missing (header: {', '.join(header)})")
        return None
    out = []
    for lineno, cells in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in cells):
            continue
        code = cells[0] if cells else ""
        label = f"line {lineno} ({code})"
        if len(cells) != len(header):
            report(file, label, "", f"has {len(cells)} cells, the header has {len(header)}")
            continue
        out.append((label, dict(zip(header, cells))))
    return out


def _number(file: str, label: str, row: dict, col: str, report: Report, lo: float, hi: float) -> float | None:
    text = row[col].strip()
    try:
        value = float(text)
    except ValueError:
        report(file, label, col, f"must be a number, got {text!r}")
        return None
    if not lo <= value <= hi:
        report(file, label, col, f"must be between {lo:g} and {hi:g}, got {text}")
        return None
    return value


def _text(file: str, label: str, row: dict, col: str, report: Report) -> str | None:
    text = " ".join(row[col].split())
    if not text:
        report(file, label, col, "must not be empty")
        return None
    return text


def read_onet(onet_dir: Path, report: Report) -> list[dict]:
    """The O*NET occupations (with their tasks, descriptors, education, related occupations, technologies)
    and, under the key None, the job-zone reference; every bad row is reported."""
    files: dict[str, list[tuple[str, dict]]] = {}
    for name in ONET_COLUMNS:
        rows = _read_tsv(onet_dir / name, f"{ONET_DIR}/{name}", report)
        if rows is not None:
            files[name] = rows

    def rows_of(name: str):
        return [(f"{ONET_DIR}/{name}", label, row) for label, row in files.get(name, [])]

    occupations: dict[str, dict] = {}
    for file, label, row in rows_of("occupation_data.tsv"):
        code = row["O*NET-SOC Code"].strip()
        if not _CODE.fullmatch(code):
            report(file, label, "O*NET-SOC Code", f"must look like 11-9041.00, got {code!r}")
            continue
        if code in occupations:
            report(file, label, "O*NET-SOC Code", f"duplicate occupation {code}")
            continue
        title, description = _text(file, label, row, "Title", report), _text(file, label, row, "Description", report)
        occupations[code] = {"code": code, "title": title, "description": description, "job_zone": None,
                             "alternate_titles": [], "tasks": [], "descriptors": {}, "education": [],
                             "related": [], "technologies": []}

    def occupation_of(file: str, label: str, row: dict) -> dict | None:
        code = row["O*NET-SOC Code"].strip()
        if code not in occupations:
            close = get_close_matches(code, occupations, n=1)
            report(file, label, "O*NET-SOC Code", f"unknown occupation {code!r} (not in {ONET_DIR}/occupation_data.tsv)"
                   + (f"; did you mean {close[0]}?" if close else ""))
            return None
        return occupations[code]

    zones: dict[int, dict] = {}
    for file, label, row in rows_of("job_zone_reference.tsv"):
        zone = _number(file, label, row, "Job Zone", report, 1, 5)
        texts = {k: _text(file, label, row, c, report) for k, c in
                 (("name", "Name"), ("experience", "Experience"), ("education", "Education"),
                  ("training", "Job Training"))}
        if zone is not None:
            zones[int(zone)] = {"zone": int(zone), **texts}
    for file, label, row in rows_of("job_zones.tsv"):
        occ = occupation_of(file, label, row)
        zone = _number(file, label, row, "Job Zone", report, 1, 5)
        if occ is not None and zone is not None:
            if int(zone) not in zones:
                report(file, label, "Job Zone", f"zone {int(zone)} is not in {ONET_DIR}/job_zone_reference.tsv")
            occ["job_zone"] = int(zone)
    for file, label, row in rows_of("alternate_titles.tsv"):
        occ = occupation_of(file, label, row)
        title = _text(file, label, row, "Alternate Title", report)
        if occ is not None and title:
            short = " ".join(row["Short Title"].split()) or None
            occ["alternate_titles"].append({"title": title, "short_title": short})
    tasks: dict[tuple[str, int], dict] = {}
    for file, label, row in rows_of("task_statements.tsv"):
        occ = occupation_of(file, label, row)
        task_id = _number(file, label, row, "Task ID", report, 1, 10**9)
        text = _text(file, label, row, "Task", report)
        if occ is not None and task_id is not None and text:
            task = {"task_id": int(task_id), "text": text, "task_type": row["Task Type"].strip() or None,
                    "importance": None, "importance_source": None}
            occ["tasks"].append(task)
            tasks[(occ["code"], int(task_id))] = task
    for file, label, row in rows_of("task_ratings_importance_secondary.tsv"):
        occ = occupation_of(file, label, row)
        if row["Scale ID"].strip() != "IM":
            report(file, label, "Scale ID", f"must be IM (importance), got {row['Scale ID']!r}")
            continue
        task_id = _number(file, label, row, "Task ID", report, 1, 10**9)
        value = _number(file, label, row, "Data Value", report, 1, 5)
        if occ is None or task_id is None or value is None:
            continue
        task = tasks.get((occ["code"], int(task_id)))
        if task is None:
            report(file, label, "Task ID", f"task {int(task_id)} is not a task of {occ['code']} in "
                   f"{ONET_DIR}/task_statements.tsv")
            continue
        task["importance"], task["importance_source"] = value, TASK_RATINGS_SOURCE
    for name, domain in DESCRIPTOR_FILES.items():
        for file, label, row in rows_of(name):
            occ = occupation_of(file, label, row)
            scale = row["Scale ID"].strip()
            if scale not in ("IM", "LV"):
                report(file, label, "Scale ID", f"must be IM (importance) or LV (level), got {scale!r}")
                continue
            value = _number(file, label, row, "Data Value", report, 0, 5 if scale == "IM" else 7)
            element, element_name = row["Element ID"].strip(), _text(file, label, row, "Element Name", report)
            if occ is None or value is None or not element_name:
                continue
            entry = occ["descriptors"].setdefault((domain, element), {
                "domain": domain, "element_id": element, "name": element_name, "importance": None, "level": None})
            entry["importance" if scale == "IM" else "level"] = value
    categories: dict[tuple[str, int], str] = {}
    for file, label, row in rows_of("education_training_experience_categories.tsv"):
        number = _number(file, label, row, "Category", report, 0, 99)
        text = _text(file, label, row, "Category Description", report)
        if number is not None and text:
            categories[(row["Scale ID"].strip(), int(number))] = text
    for file, label, row in rows_of("education_training_experience.tsv"):
        scale = row["Scale ID"].strip()
        if scale not in EDUCATION_SCALES:
            continue  # other scales (e.g. the IM rows of training elements) are not used
        occ = occupation_of(file, label, row)
        number = _number(file, label, row, "Category", report, 0, 99)
        percent = _number(file, label, row, "Data Value", report, 0, 100)
        if occ is None or number is None or percent is None:
            continue
        if (scale, int(number)) not in categories:
            report(file, label, "Category", f"category {int(number)} of scale {scale} is not in "
                   f"{ONET_DIR}/education_training_experience_categories.tsv")
            continue
        occ["education"].append({"scale": scale, "category": int(number),
                                 "label": categories[(scale, int(number))], "percent": percent})
    for file, label, row in rows_of("related_occupations.tsv"):
        occ = occupation_of(file, label, row)
        related = row["Related O*NET-SOC Code"].strip()
        if not _CODE.fullmatch(related):
            report(file, label, "Related O*NET-SOC Code", f"must look like 11-9041.00, got {related!r}")
            continue
        rank = _number(file, label, row, "Index", report, 1, 1000)
        title = _text(file, label, row, "Related Title", report)
        tier = _text(file, label, row, "Relatedness Tier", report)
        if occ is not None and rank is not None and title and tier:
            occ["related"].append({"related_code": related, "related_title": title, "tier": tier, "rank": int(rank)})
    for file, label, row in rows_of("technology_skills.tsv"):
        occ = occupation_of(file, label, row)
        example = _text(file, label, row, "Example", report)
        category = _text(file, label, row, "Commodity Title", report)
        flags = {}
        for col in ("Hot Technology", "In Demand"):
            flag = row[col].strip()
            if flag not in ("Y", "N"):
                report(file, label, col, f"must be Y or N, got {flag!r}")
            flags[col] = flag == "Y"
        if occ is not None and example and category:
            occ["technologies"].append({"example": example, "category": category, "hot": flags["Hot Technology"],
                                        "in_demand": flags["In Demand"]})
    out = list(occupations.values())
    for occ in out:
        occ["descriptors"] = list(occ["descriptors"].values())
    return [{"job_zones": list(zones.values())}, *out]


_FIGURE_KEYS = {"value", "year", "period", "url", "scope", "descriptor", "note"}
# bls_ooh.yml keys careerbot reads, besides the figures; the rest are documented as not used.
_PROFILE_KEYS = {"key", "ooh_title", "soc", "onet_soc", "url", "url_as_read", "source_type", "note",
                 "typical_entry_level_education", "work_experience_in_related_occupation", "on_the_job_training",
                 "number_of_jobs_note", "work_experience_note", "secondary_newer", "secondary", "older_copy",
                 # values whose labels and years are missing in the page read: never shown (no year to give)
                 "quick_facts_values_without_labels"}
_SECONDARY_KEYS = {"url", "source_type", "note", "typical_entry_level_education",
                   "work_experience_in_related_occupation"}


def _measure_of(key: str) -> tuple[str, str | None] | None:
    """('median_annual_pay', 'qa testers') for 'median_annual_pay_qa_testers'; None for other keys."""
    for measure in m.BLS_MEASURES:
        if key == measure:
            return measure, None
        if key.startswith(measure + "_"):
            return measure, key[len(measure) + 1:].replace("_", " ")
    return None


def _data_year(when: str) -> int | None:
    """The data year of 'May 2021', 2021 or '2021-31' (a projection's start year); None for 'through 2033',
    whose start is not given."""
    if when.strip().lower().startswith("through"):
        return None
    found = _YEAR.search(when)
    return int(found.group(0)) if found else None


def _figures(file: str, label: str, prefix: str, doc: dict, source_type: str, default_url: str | None,
             report: Report) -> list[dict]:
    out = []
    for key, value in doc.items():
        measured = _measure_of(str(key)) if key not in _PROFILE_KEYS else None
        if measured is None or value is None:
            continue
        measure, scope_from_key = measured
        where = f"{prefix}{key}"
        if not isinstance(value, dict):
            report(file, label, where, f"must be a mapping with value and year or period, got {value!r}")
            continue
        unknown = set(value) - _FIGURE_KEYS
        if unknown:
            report(file, label, f"{where}.{sorted(unknown)[0]}",
                   f"unknown field; known: {', '.join(sorted(_FIGURE_KEYS))}")
            continue
        raw = value.get("value")
        if raw is None or isinstance(raw, bool) or not isinstance(raw, (int, float, str)) or not str(raw).strip():
            report(file, label, f"{where}.value", f"must be a number or the figure as printed, got {raw!r}")
            continue
        when = value.get("year", value.get("period"))
        if when is None or not _YEAR.search(str(when)):
            report(file, label, f"{where}.year", f"every figure needs its year or period (e.g. 2023 or "
                   f"'2023-33'), got {when!r}")
            continue
        url = value.get("url", default_url)
        if url is not None and (not isinstance(url, str) or not url.startswith("http")):
            report(file, label, f"{where}.url", f"must be a web address, got {url!r}")
            continue
        if url is None:
            report(file, label, f"{where}.url", "no page to cite: give the figure (or its entry) a url")
            continue
        # A variant key (median_annual_pay_qa_testers) keeps its full name: it describes a neighbouring group.
        out.append({"measure": measure if scope_from_key is None else str(key), "value": str(raw),
                    "amount": int(raw) if isinstance(raw, int) else None,
                    "year": _data_year(str(when)), "when": str(when),
                    "descriptor": value.get("descriptor"), "scope": value.get("scope") or scope_from_key,
                    "url": url, "source_type": source_type, "note": value.get("note")})
    return out


def read_bls(path: Path, occupation_codes: set[str], report: Report) -> list[dict]:
    """The BLS profiles of bls_ooh.yml with their figures (primary first, then secondary); problems reported."""
    from .loader import _StrictLoader  # the loader imports this module; its YAML loader is shared

    file = BLS_FILE
    if not path.exists():
        report(file, "", "", f"file is missing from {path.parent}")
        return []
    try:
        doc = yaml.load(path.read_text(encoding="utf-8"), Loader=_StrictLoader)  # noqa: S506 (safe loader)
    except yaml.YAMLError as exc:
        report(file, "", "", f"is not valid YAML: {getattr(exc, 'problem', exc)}")
        return []
    if not isinstance(doc, dict) or not isinstance(doc.get("occupations"), list):
        report(file, "", "occupations", "must be a list of entries")
        return []
    profiles, keys = [], set()
    for i, e in enumerate(doc["occupations"]):
        label = f"entry {i + 1}" + (f" ('{e['key']}')" if isinstance(e, dict) and isinstance(e.get("key"), str) else "")
        if not isinstance(e, dict):
            report(file, label, "", f"must be a mapping of fields, got {e!r}")
            continue
        for key in e:
            if key not in _PROFILE_KEYS and _measure_of(str(key)) is None:
                hint = get_close_matches(str(key), [*_PROFILE_KEYS, *m.BLS_MEASURES], n=1)
                report(file, label, str(key), "unknown field" + (f" (did you mean '{hint[0]}'?)" if hint else ""))
        key = e.get("key")
        if not isinstance(key, str) or not key.strip():
            report(file, label, "key", "is required but missing")
            continue
        if key in keys:
            report(file, label, "key", f"duplicate key {key!r}")
        keys.add(key)
        codes = e.get("onet_soc")
        if not isinstance(codes, list) or not codes or codes[0] not in occupation_codes:
            report(file, label, "onet_soc",
                   f"must list an O*NET code from {ONET_DIR}/occupation_data.tsv, got {codes!r}")
            continue
        source_type = e.get("source_type")
        if source_type is not None and source_type not in m.BLS_SOURCE_TYPES:
            report(file, label, "source_type", f"must be one of {', '.join(m.BLS_SOURCE_TYPES)}; got {source_type!r}")
            continue
        figures = _figures(file, label, "", e, source_type or "primary", e.get("url"), report) if source_type else []
        for group in ("older_copy", "secondary_newer", "secondary"):
            items = e.get(group) or []
            items = [items] if isinstance(items, dict) else items
            if not isinstance(items, list):
                report(file, label, group, "must be a list of sources")
                continue
            for j, item in enumerate(items):
                where = f"{group}[{j + 1}]." if group != "older_copy" else "older_copy."
                if not isinstance(item, dict) or item.get("source_type") not in m.BLS_SOURCE_TYPES:
                    report(file, label, f"{where}source_type", f"must be one of {', '.join(m.BLS_SOURCE_TYPES)}")
                    continue
                for k in item:
                    if k not in _SECONDARY_KEYS and _measure_of(str(k)) is None:
                        report(file, label, f"{where}{k}", "unknown field")
                figures += [dict(f, note=f["note"] or item.get("note"))
                            for f in _figures(file, label, where, item, item["source_type"], item.get("url"), report)]

        def text(k: str) -> str | None:
            v = e.get(k)
            return " ".join(str(v).split()) if v is not None else None

        profiles.append({"key": key, "onet_code": codes[0], "ooh_title": text("ooh_title"), "url": e.get("url"),
                         "source_type": source_type, "note": text("note"),
                         "entry_education": text("typical_entry_level_education"),
                         "related_experience": text("work_experience_in_related_occupation"),
                         "on_the_job_training": text("on_the_job_training"), "figures": figures})
    return profiles


def check_mapping(entries: list[tuple[str, str, dict]], roles: list[str], occupations: list[dict],
                  report: Report) -> None:
    """onet_mapping.yml: every ladder role exactly once, each occupation loaded, each title O*NET's own."""
    by_code = {o["code"]: o for o in occupations}
    role_names = {normalize_name(r): r for r in roles}
    seen: set[str] = set()
    for file, label, e in entries:
        role = e.get("role")
        if role is not None:
            norm = normalize_name(role)
            if norm not in role_names:
                close = get_close_matches(norm, role_names, n=2)
                report(file, label, "role", f"is not a role name in roles.yml: {role!r}"
                       + (f"; did you mean {', '.join(repr(role_names[c]) for c in close)}?" if close else ""))
            elif norm in seen:
                report(file, label, "role", f"role {role!r} is mapped twice")
            seen.add(norm)
        codes: set[str] = set()
        for i, occ in enumerate(e.get("occupations") or []):
            code, title = occ.get("code"), occ.get("title")
            where = f"occupations[{i + 1}]"
            if code is None:
                continue
            if code not in by_code:
                report(file, label, f"{where}.code",
                       f"unknown O*NET code {code!r} (not in {ONET_DIR}/occupation_data.tsv)")
                continue
            if code in codes:
                report(file, label, f"{where}.code", f"occupation {code} is listed twice")
            codes.add(code)
            titles = {normalize_name(t["title"]): t["title"] for t in by_code[code]["alternate_titles"]}
            titles[normalize_name(by_code[code]["title"] or "")] = by_code[code]["title"]
            if title is not None and normalize_name(title) not in titles:
                close = get_close_matches(normalize_name(title), titles, n=3)
                report(file, label, f"{where}.title",
                       f"{title!r} is neither the O*NET title nor an alternate title of {code}"
                       + (f"; close: {', '.join(repr(titles[c]) for c in close)}" if close else ""))
        if not e.get("reason"):
            report(file, label, "reason", "is required: say why the role maps (or maps to nothing)")
    for norm, name in role_names.items():
        if norm not in seen:
            report(MAPPING_FILE, "", "onet_mapping",
                   f"role {name!r} has no entry; add one (with `occupations: []` and a reason if none fits)")


def read(data_dir: Path, tables: dict[str, list[tuple[str, str, dict]]], report: Report) -> dict[str, list]:
    """Read and check the O*NET files, bls_ooh.yml and the mapping (already schema-checked in `tables`)."""
    occupations = read_onet(Path(data_dir) / ONET_DIR, report)
    job_zones, occupations = occupations[0]["job_zones"], occupations[1:]
    bls = read_bls(Path(data_dir) / BLS_FILE, {o["code"] for o in occupations}, report)
    roles = [e["name"] for _, _, e in tables.get("roles", []) if e.get("name")]
    if "roles" in tables and "onet_mapping" in tables:  # else roles.yml or the mapping did not parse (reported)
        check_mapping(tables["onet_mapping"], roles, occupations, report)
    return {"onet_occupations": occupations, "onet_job_zones": job_zones, "bls_profiles": bls}


# --------------------------------------------------------------------------- writing
def write(session: Session, knowledge: Any) -> None:
    """Insert the labor-market rows in the caller's transaction, after the roles were flushed.

    Plain executemany inserts with explicit ids: several thousand O*NET rows would take the ORM's unit of
    work seconds, and every test that loads the knowledge base would pay for it."""
    role_ids = {normalize_name(name): id_ for id_, name in session.execute(select(m.Role.id, m.Role.name))}
    occ_ids: dict[str, int] = {}
    children: dict[Any, list[dict]] = {m.OnetAlternateTitle: [], m.OnetTask: [], m.OnetDescriptor: [],
                                       m.OnetEducation: [], m.OnetRelated: [], m.OnetTechnology: []}
    occupations = []
    for pos, o in enumerate(knowledge["onet_occupations"]):
        occ_ids[o["code"]] = oid = pos + 1
        occupations.append({"id": oid, "code": o["code"], "title": o["title"], "description": o["description"],
                            "job_zone": o["job_zone"], "position": pos})
        tasks = sorted(o["tasks"], key=lambda t: (t["importance"] is None, -(t["importance"] or 0)))
        for model, rows in ((m.OnetAlternateTitle, [dict(t, text=normalize_name(t["title"]))
                                                    for t in o["alternate_titles"]]),
                            (m.OnetTask, tasks), (m.OnetDescriptor, o["descriptors"]),
                            (m.OnetEducation, o["education"]), (m.OnetRelated, o["related"]),
                            (m.OnetTechnology, o["technologies"])):
            children[model] += [dict(r, occupation_id=oid, position=i) for i, r in enumerate(rows)]
    profiles, figures = [], []
    for pos, p in enumerate(knowledge["bls_profiles"]):
        profiles.append(dict({k: v for k, v in p.items() if k != "figures"}, id=pos + 1, position=pos))
        figures += [dict(f, profile_id=pos + 1, position=i) for i, f in enumerate(p["figures"])]
    links, unmapped = [], []
    for e in knowledge["onet_mapping"]:
        role_id = role_ids[normalize_name(e["role"])]
        if not e["occupations"]:
            unmapped.append({"role_id": role_id, "reason": e["reason"]})
        links += [{"role_id": role_id, "occupation_id": occ_ids[occ["code"]], "matched_title": occ["title"],
                   "reason": e["reason"], "position": i} for i, occ in enumerate(e["occupations"])]
    for model, rows in ((m.JobZone, knowledge["onet_job_zones"]), (m.OnetOccupation, occupations),
                        *children.items(), (m.BlsProfile, profiles), (m.BlsFigure, figures),
                        (m.RoleOccupation, links), (m.UnmappedRole, unmapped)):
        if rows:
            session.execute(insert(model.__table__), rows)


# --------------------------------------------------------------------------- queries
@dataclass(frozen=True)
class RoleOnet:
    """What O*NET says about a ladder role: its occupations (primary first) or why there is none."""

    role: str
    occupations: tuple[m.RoleOccupation, ...]
    unmapped_reason: str | None

    @property
    def primary(self) -> m.OnetOccupation | None:
        """The occupation answers are drawn from (None when the role maps to none)."""
        return self.occupations[0].occupation if self.occupations else None


@_memoised
def occupations(session: Session) -> list[m.OnetOccupation]:
    """Every loaded O*NET occupation, in file order."""
    return list(session.scalars(select(m.OnetOccupation).order_by(m.OnetOccupation.position)))


@_memoised
def occupation(session: Session, text: str) -> m.OnetOccupation | None:
    """The occupation `text` names: its O*NET-SOC code, its title or any alternate or short title."""
    norm = normalize_name(text or "")
    if not norm:
        return None
    for occ in occupations(session):
        if norm in (occ.code, normalize_name(occ.title), normalize_name(occ.code.split(".")[0])):
            return occ
    alt = session.scalars(select(m.OnetAlternateTitle).where(m.OnetAlternateTitle.text == norm)
                          .order_by(m.OnetAlternateTitle.occupation_id)).first()
    if alt is None:  # short titles ("CTO", "IT Manager") and the alternate title's bare form
        for occ in occupations(session):
            for a in occ.alternate_titles:
                if norm in (normalize_name(a.short_title or ""), normalize_name(a.title.split(" (")[0])):
                    return occ
        return None
    return session.get(m.OnetOccupation, alt.occupation_id)


@_memoised
def role_onet(session: Session, role_: m.Role) -> RoleOnet:
    """The O*NET occupations a ladder role maps to (primary first), or the reason it maps to none."""
    links = tuple(session.scalars(select(m.RoleOccupation).where(m.RoleOccupation.role_id == role_.id)
                                  .order_by(m.RoleOccupation.position)))
    unmapped = session.get(m.UnmappedRole, role_.id)
    return RoleOnet(role_.name, links, unmapped.reason if unmapped else None)


def top_tasks(occ: m.OnetOccupation, n: int = 5) -> tuple[list[m.OnetTask], bool]:
    """The `n` most important tasks and whether they are ranked by rated importance (else O*NET's core
    tasks in O*NET's order, as no importance rating is loaded for this occupation)."""
    rated = [t for t in occ.tasks if t.importance is not None]
    if rated:
        return sorted(rated, key=lambda t: -t.importance)[:n], True
    core = [t for t in occ.tasks if t.task_type == "Core"] or list(occ.tasks)
    return core[:n], False


def top_descriptors(occ: m.OnetOccupation, domain: str, n: int = 5) -> list[m.OnetDescriptor]:
    """The `n` skills / knowledge areas / work styles of highest importance (then level)."""
    rows = [d for d in occ.descriptors if d.domain == domain and d.importance is not None]
    return sorted(rows, key=lambda d: (-d.importance, -(d.level or 0), d.name))[:n]


def hot_technologies(occ: m.OnetOccupation, n: int = 8) -> list[m.OnetTechnology]:
    """Technologies O*NET marks as hot for the occupation (in-demand ones first), one per example name."""
    seen, out = set(), []
    for t in sorted((t for t in occ.technologies if t.hot), key=lambda t: (not t.in_demand, t.position)):
        if t.example.lower() not in seen:
            seen.add(t.example.lower())
            out.append(t)
    return out[:n]


def education_shares(occ: m.OnetOccupation, scale: str, n: int = 3) -> list[m.OnetEducation]:
    """The `n` most common categories of one scale (RL education, RW related experience, PT/OJ training)."""
    rows = [e for e in occ.education if e.scale == scale and e.percent > 0]
    return sorted(rows, key=lambda e: -e.percent)[:n]


def related_occupations(occ: m.OnetOccupation, n: int = 5) -> list[m.OnetRelated]:
    """O*NET's most related occupations, by O*NET's own rank."""
    return sorted(occ.related, key=lambda r: r.rank)[:n]


@_memoised
def job_zone(session: Session, zone: int | None) -> m.JobZone | None:
    """The job-zone reference entry (name, experience, education, training) for `zone`."""
    return session.get(m.JobZone, zone) if zone is not None else None


@_memoised
def bls_profile(session: Session, occ: m.OnetOccupation) -> m.BlsProfile | None:
    """The BLS Occupational Outlook Handbook profile of an occupation, or None."""
    return session.scalars(select(m.BlsProfile).where(m.BlsProfile.onet_code == occ.code)).first()


@dataclass(frozen=True)
class Figure:
    """The figure careerbot shows for one measure, and whether to call it old or secondary."""

    figure: m.BlsFigure
    stale: bool
    secondary: bool


def bls_figures(profile: m.BlsProfile, measure: str, today: _dt.date | None = None) -> list[Figure]:
    """A measure's figures to show: the primary (BLS) one first, then the newest secondary one if it is newer.

    Each says whether it is older than STALE_AFTER_YEARS (from its data year to `today`) and whether it is
    from a secondary source, because careerbot must say so.
    """
    year_now = (today or _dt.date.today()).year
    rows = [f for f in profile.figures if f.measure == measure]
    primary = [f for f in rows if f.source_type != "secondary"]
    secondary = sorted((f for f in rows if f.source_type == "secondary"), key=lambda f: -(f.year or 0))
    chosen = primary[:1]
    if secondary and (not chosen or (secondary[0].year or 0) > (chosen[0].year or 0)):
        chosen.append(secondary[0])
    return [Figure(f, f.year is not None and year_now - f.year > STALE_AFTER_YEARS, f.source_type == "secondary")
            for f in chosen]

