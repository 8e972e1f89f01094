"""O*NET and BLS knowledge: the role -> O*NET mapping, the queries, and the loader's precise errors for bad
O*NET rows, BLS figures and mapping entries (database unchanged)."""
from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
import yaml
from sqlalchemy import select
from sqlalchemy.engine import Engine

from knowledge import labor, loader
from knowledge import models as m
from knowledge import queries as q

from kb_loading import failed_load as kb_failed_load

ONET = loader.DATA_DIR / "onet"


def tsv(name: str) -> list[dict[str, str]]:
    """The rows of an O*NET file as the test reads it (independently of the loader)."""
    with (ONET / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))


# ------------------------------------------------------------------ data beside its licence
def test_onet_files_carry_their_source_and_licence():
    source = (ONET / "SOURCE.md").read_text(encoding="utf-8")
    assert "O*NET 29.3 Database" in source and "CC BY 4.0" in source
    readme = (loader.DATA_DIR.parent.parent / "README.md").read_text(encoding="utf-8")
    assert "O*NET 29.3 Database" in readme and "CC BY 4.0" in readme


# ------------------------------------------------------------------ the mapping
def test_every_ladder_role_is_mapped_or_says_why_not(kb):
    for role in q.roles(kb):
        found = labor.role_onet(kb, role)
        assert found.occupations or found.unmapped_reason, role.name
        assert not (found.occupations and found.unmapped_reason), role.name


def test_every_mapping_goes_through_an_onet_title_of_that_occupation(kb):
    titles = {(r["O*NET-SOC Code"], r["Alternate Title"]) for r in tsv("alternate_titles.tsv")}
    titles |= {(r["O*NET-SOC Code"], r["Title"]) for r in tsv("occupation_data.tsv")}
    links = list(kb.scalars(select(m.RoleOccupation)))
    assert len(links) >= 18
    for link in links:
        assert (link.occupation.code, link.matched_title) in titles, (link.role.name, link.matched_title)
        assert link.reason


@pytest.mark.parametrize("role, code", [
    ("engineering manager", "11-9041.00"),
    ("engineering director", "11-9041.00"),
    ("chief technology officer", "11-1011.00"),
    ("project manager", "13-1082.00"),
    ("construction manager", "11-9021.00"),
    ("operations manager", "11-1021.00"),
    ("logistic engineer", "17-2112.00"),
])
def test_primary_occupation_of_a_role(kb, role, code):
    assert labor.role_onet(kb, q.role(kb, role)).primary.code == code


@pytest.mark.parametrize("role", ["VP of engineering", "principal engineer", "staff engineer",
                                  "innovation consultant"])
def test_roles_without_an_occupation_say_so(kb, role):
    found = labor.role_onet(kb, q.role(kb, role))
    assert found.primary is None and "O*NET" in found.unmapped_reason


# ------------------------------------------------------------------ queries
@pytest.mark.parametrize("text, code", [
    ("11-9041.00", "11-9041.00"),
    ("Architectural and Engineering Managers", "11-9041.00"),
    ("engineering director", "11-9041.00"),  # an alternate title
    ("Chief Technology Officer (CTO)", "11-1011.00"),
    ("CTO", "11-1011.00"),  # a short title
    ("it project manager", "15-1299.09"),
])
def test_occupation_by_any_onet_name(kb, text, code):
    assert labor.occupation(kb, text).code == code


def test_unknown_occupation(kb):
    assert labor.occupation(kb, "astronaut") is None and labor.occupation(kb, "") is None


def test_top_tasks_by_rated_importance(kb):
    occ = labor.occupation(kb, "11-9041.00")
    tasks, rated = labor.top_tasks(occ, 5)
    assert rated and len(tasks) == 5
    assert [t.importance for t in tasks] == sorted((t.importance for t in tasks), reverse=True)
    best = max((r for r in tsv("task_ratings_importance_secondary.tsv") if r["O*NET-SOC Code"] == "11-9041.00"),
               key=lambda r: float(r["Data Value"]))
    assert tasks[0].text == best["Task"] and tasks[0].importance_source


def test_tasks_without_ratings_fall_back_to_core_tasks(kb):
    tasks, rated = labor.top_tasks(labor.occupation(kb, "17-2141.00"), 3)
    assert not rated and len(tasks) == 3 and all(t.task_type == "Core" for t in tasks)


def test_top_skills_match_the_onet_file(kb):
    rows = [r for r in tsv("skills.tsv") if r["O*NET-SOC Code"] == "11-3021.00" and r["Scale ID"] == "IM"]
    expected = max(float(r["Data Value"]) for r in rows)
    top = labor.top_descriptors(labor.occupation(kb, "11-3021.00"), "skill", 5)
    assert len(top) == 5 and top[0].importance == expected and top[0].level is not None


def test_occupations_without_skills_rows_have_none(kb):
    assert labor.top_descriptors(labor.occupation(kb, "15-1252.00"), "skill") == []


def test_hot_technologies_are_hot(kb):
    hot = labor.hot_technologies(labor.occupation(kb, "11-9041.00"), 8)
    assert len(hot) == 8 and all(t.hot for t in hot)
    assert len({t.example for t in hot}) == 8


def test_education_shares_and_job_zone(kb):
    occ = labor.occupation(kb, "11-9041.00")
    education = labor.education_shares(occ, "RL", 3)
    assert education[0].label.startswith("Bachelor") and education[0].percent > education[-1].percent
    zone = labor.job_zone(kb, occ.job_zone)
    assert occ.job_zone == 5 and zone.name.startswith("Job Zone Five")


def test_related_occupations_in_onet_order(kb):
    related = labor.related_occupations(labor.occupation(kb, "11-9041.00"), 5)
    assert [r.rank for r in related] == [1, 2, 3, 4, 5]


def test_bls_primary_figure_with_its_year(kb):
    profile = labor.bls_profile(kb, labor.occupation(kb, "11-9041.00"))
    pay = labor.bls_figures(profile, "median_annual_pay", today=dt.date(2026, 12, 4))
    assert pay[0].figure.amount == 152350 and pay[0].figure.when == "May 2021" and not pay[0].stale
    assert not pay[0].secondary and pay[0].figure.url.startswith("https://www.bls.gov/")
    # a newer figure only a secondary site quotes is shown beside it, marked secondary
    assert pay[1].secondary and pay[1].figure.amount == 167740 and pay[1].figure.year == 2024


def test_old_and_secondary_figures_are_flagged(kb):
    profile = labor.bls_profile(kb, labor.occupation(kb, "11-1011.00"))
    pay = labor.bls_figures(profile, "median_annual_pay", today=dt.date(2026, 12, 4))
    assert pay[0].figure.year == 2010 and pay[0].stale and not pay[0].secondary
    assert pay[1].secondary and pay[1].figure.year == 2024 and not pay[1].stale


def test_occupation_without_a_bls_profile(kb):
    profile = labor.bls_profile(kb, labor.occupation(kb, "15-1299.09"))
    assert profile is not None and profile.figures == [] and "No OOH profile" in profile.note


# ------------------------------------------------------------------ the loader's errors
def failed_load(engine: Engine, data_dir: Path) -> list[loader.Problem]:
    """Load `data_dir` over `engine`, expecting failure; the database (with O*NET and BLS rows) must not change."""
    return kb_failed_load(engine, data_dir, "onet_occupations", "bls_figures")


def replace_once(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_bad_onet_value_names_file_line_and_column(engine, data):
    replace_once(data / "onet" / "skills.tsv", "11-1011.00\tChief Executives\t2.A.1.a\tReading Comprehension\tIM\t"
                 "Importance\t4.12\t", "11-1011.00\tChief Executives\t2.A.1.a\tReading Comprehension\tIM\t"
                 "Importance\thigh\t")
    (p,) = failed_load(engine, data)
    assert p.file == "onet/skills.tsv" and p.entry == "line 2 (11-1011.00)" and p.field == "Data Value"
    assert "must be a number, got 'high'" in p.message


def test_onet_row_of_an_unknown_occupation(engine, data):
    replace_once(data / "onet" / "job_zones.tsv", "11-9041.00\t", "11-9999.00\t")
    (p,) = failed_load(engine, data)
    assert (p.file, p.field) == ("onet/job_zones.tsv", "O*NET-SOC Code") and "unknown occupation" in p.message


def test_missing_onet_column(engine, data):
    path = data / "onet" / "technology_skills.tsv"
    path.write_text(path.read_text(encoding="utf-8").replace("Hot Technology", "Hot"), encoding="utf-8")
    (p,) = failed_load(engine, data)
    assert (p.file, p.entry, p.field) == ("onet/technology_skills.tsv", "header", "Hot Technology")


def test_bls_figure_without_a_year(engine, data):
    replace_once(data / "bls_ooh.yml", 'number_of_jobs: {value: 341800, year: 2023,',
                 'number_of_jobs: {value: 341800,')
    (p,) = failed_load(engine, data)
    assert p.file == "bls_ooh.yml" and p.entry == "entry 12 ('civil_engineers')"
    assert p.field == "number_of_jobs.year" and "needs its year" in p.message


def test_mapping_title_must_be_onets_own(engine, data):
    replace_once(data / "onet_mapping.yml", "{code: 11-9041.00, title: Engineering Director}\n    reason: >-\n"
                 "      \"Engineering Director\"", "{code: 11-9041.00, title: Director of Engineering}\n"
                 "    reason: >-\n      \"Engineering Director\"")
    (p,) = failed_load(engine, data)
    assert p.file == "onet_mapping.yml" and p.entry == "entry 9 ('engineering director')"
    assert p.field == "occupations[1].title" and "neither the O*NET title nor an alternate title" in p.message


def test_every_role_needs_a_mapping_entry(engine, data):
    doc = yaml.safe_load((data / "onet_mapping.yml").read_text(encoding="utf-8"))
    doc["onet_mapping"] = [e for e in doc["onet_mapping"] if e["role"] != "product manager"]
    (data / "onet_mapping.yml").write_text(yaml.safe_dump(doc), encoding="utf-8")
    (p,) = failed_load(engine, data)
    assert p.file == "onet_mapping.yml" and "'product manager' has no entry" in p.message
