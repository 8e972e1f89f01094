"""The loader rejects bad knowledge files with a precise problem (file, entry, field) and leaves the database
as it was; loading good files twice gives the same database.

Each test copies knowledge/data to a temporary folder, breaks one thing in the copy and loads it over a
temporary SQLite file that already holds the good data.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.engine import Engine

from knowledge import loader
from knowledge import models as m
from knowledge.loader import KnowledgeError, Problem


def snapshot(engine: Engine) -> dict[str, list[tuple]]:
    """Every row of every table, in primary-key order (read through a fresh connection)."""
    out = {}
    with engine.connect() as conn:
        for table in m.Base.metadata.sorted_tables:
            out[table.name] = [tuple(r) for r in conn.execute(select(table).order_by(*table.primary_key.columns))]
    return out


def edit(path: Path, old: str, new: str) -> None:
    """Replace exactly one occurrence of `old` in the file at `path`."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {path.name}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def problems_of(engine: Engine, data_dir: Path) -> list[Problem]:
    """Load `data_dir` over `engine`; assert it fails and that the database content did not change."""
    before = snapshot(engine)
    assert sum(map(len, before.values())) > 0
    with pytest.raises(KnowledgeError) as info:
        loader.load(engine, data_dir)
    assert snapshot(engine) == before
    # The exception's text lists every problem, so the CLI can print it as is.
    for p in info.value.problems:
        assert str(p) in str(info.value)
    return info.value.problems


def only(problems: list[Problem]) -> Problem:
    """The single problem reported."""
    assert len(problems) == 1, "\n".join(map(str, problems))
    return problems[0]


# ------------------------------------------------------------------ one test per kind of mistake
def test_unknown_key_names_file_entry_and_field(engine, data):
    edit(data / "roles.yml", "  - name: principal engineer\n", "  - name: principal engineer\n    salary: lots\n")
    p = only(problems_of(engine, data))
    assert (p.file, p.field) == ("roles.yml", "salary")
    assert "principal engineer" in p.entry
    assert "unknown field" in p.message
    assert str(p).startswith("roles.yml, entry 7 ('principal engineer'), field 'salary': unknown field")


def test_misspelt_key_suggests_the_right_one(engine, data):
    edit(data / "certifications.yml", "    aliases: [cpe certification]", "    alias: [cpe certification]")
    p = only(problems_of(engine, data))
    assert (p.file, p.entry, p.field) == ("certifications.yml", "entry 3 ('Certified Planning Engineer')", "alias")
    assert "did you mean 'aliases'" in p.message


def test_unknown_key_in_a_nested_entry(engine, data):
    edit(data / "comparisons.yml", "      - aspect: Focus\n", "      - aspect: Focus\n        middle: x\n")
    p = only(problems_of(engine, data))
    assert (p.file, p.field) == ("comparisons.yml", "rows[3].middle")
    assert "unknown field" in p.message


def test_missing_required_field(engine, data):
    edit(data / "specializations.yml",
         "    focus: Optimizing production processes, logistics, and supply chain efficiency.\n", "")
    p = only(problems_of(engine, data))
    assert (p.file, p.entry, p.field) == (
        "specializations.yml", "entry 2 ('operations and supply chain management')", "focus")
    assert p.message == "is required but missing"


def test_missing_required_field_in_a_nested_entry(engine, data):
    edit(data / "roles.yml", "      - title: Budgets\n", "      - heading: Budgets\n")
    problems = problems_of(engine, data)
    fields = {(p.file, p.field, p.message.split(" (")[0]) for p in problems}
    assert ("roles.yml", "responsibilities[2].title", "is required but missing") in fields
    assert all("engineering manager" in p.entry for p in problems)


def test_reference_to_a_role_that_does_not_exist(engine, data):
    edit(data / "transitions.yml", "  - {from: engineering director, to: chief technology officer,",
         "  - {from: engineering director, to: head of engineering,")
    p = only(problems_of(engine, data))
    assert (p.file, p.field) == ("transitions.yml", "to")
    assert p.entry.endswith("('engineering director' -> 'head of engineering')")
    assert "unknown role 'head of engineering'" in p.message


def test_reference_to_a_missing_role_from_a_specialization_suggests_close_names(engine, data):
    edit(data / "specializations.yml", "roles: [product manager, r&d manager, innovation consultant]",
         "roles: [product manager, r&d managr, innovation consultant]")
    p = only(problems_of(engine, data))
    assert (p.file, p.entry, p.field) == (
        "specializations.yml", "entry 4 ('product and innovation management')", "roles[2]")
    assert "unknown role 'r&d managr'" in p.message and "'R&D manager'" in p.message


def test_reports_to_a_role_that_does_not_exist(engine, data):
    edit(data / "roles.yml", "reports_to: [engineering director, vp of engineering]",
         "reports_to: [engineering director, head of engineering]")
    p = only(problems_of(engine, data))
    assert (p.file, p.entry, p.field) == ("roles.yml", "entry 6 ('engineering manager')", "reports_to[2]")
    assert "unknown role" in p.message


def test_reference_to_an_unknown_certification_and_source(engine, data):
    edit(data / "transitions.yml", "certifications: [PMP]\n", "certifications: [PMPX]\n")
    edit(data / "market.yml", "  - {name: Actalent, source: seed}", "  - {name: Actalent, source: linkedin}")
    problems = problems_of(engine, data)
    located = {(p.file, p.field) for p in problems}
    assert ("market.yml", "source") in located
    assert any(p.file == "transitions.yml" and p.field == "certifications[1]" and "PMPX" in p.message
               for p in problems)


def test_duplicate_alias_within_one_kind(engine, data):
    edit(data / "roles.yml", "aliases: [senior engineering managers, sr engineering manager,",
         "aliases: [senior engineering managers, EM, sr engineering manager,")
    p = only(problems_of(engine, data))
    assert (p.file, p.entry, p.field) == ("roles.yml", "entry 8 ('senior engineering manager')", "aliases[2]")
    assert "duplicate alias 'EM'" in p.message and "engineering manager" in p.message


def test_duplicate_alias_across_kinds(engine, data):
    edit(data / "specializations.yml", "aliases: [project management specialization,",
         "aliases: [Project Management Professional, project management specialization,")
    p = only(problems_of(engine, data))
    assert (p.file, p.entry, p.field) == ("specializations.yml", "entry 1 ('project management')", "aliases[1]")
    assert "duplicate alias 'Project Management Professional'" in p.message
    assert "certifications.yml entry 1 ('Project Management Professional')" in p.message


def test_alias_equal_to_another_things_name(engine, data):
    edit(data / "industries.yml", "aliases: [aerospace industry,",
         "aliases: [software engineering, aerospace industry,")
    p = only(problems_of(engine, data))
    # Industries are checked before disciplines, so the discipline's own name is the one reported.
    assert (p.file, p.entry, p.field) == ("disciplines.yml", "entry 2 ('software engineering')", "name")
    assert "already used by industries.yml entry 2 ('aerospace')" in p.message


def test_alias_repeating_its_own_name(engine, data):
    edit(data / "roles.yml", "aliases: [staff engineers, staff eng]", "aliases: [staff engineers, Staff Engineer]")
    p = only(problems_of(engine, data))
    assert (p.file, p.entry, p.field) == ("roles.yml", "entry 1 ('staff engineer')", "aliases[2]")


def test_text_where_a_number_is_expected(engine, data):
    edit(data / "education.yml", "    min_years: 1\n", "    min_years: one\n")
    p = only(problems_of(engine, data))
    assert (p.file, p.entry, p.field) == (
        "education.yml", "entry 2 ('Master's in Engineering Management')", "min_years")
    assert "must be a whole number" in p.message and "'one'" in p.message


def test_number_as_quoted_text_is_rejected(engine, data):
    edit(data / "market.yml", "    amount: 121560\n", '    amount: "121,560"\n')
    p = only(problems_of(engine, data))
    assert (p.file, p.entry, p.field) == ("market.yml", "entry 1 ('average_salary')", "amount")


def test_list_where_text_is_expected(engine, data):
    edit(data / "roles.yml", "    focus: More extensive projects and mentoring emerging leaders.\n",
         "    focus: [More extensive projects, mentoring emerging leaders]\n")
    p = only(problems_of(engine, data))
    assert (p.file, p.entry, p.field) == ("roles.yml", "entry 8 ('senior engineering manager')", "focus")
    assert "must be a non-empty text, got list" in p.message


def test_text_where_a_list_is_expected(engine, data):
    edit(data / "roles.yml", "aliases: [principal engineers, principal eng]", "aliases: principal engineers")
    p = only(problems_of(engine, data))
    assert (p.file, p.field) == ("roles.yml", "aliases")
    assert "must be a list of texts" in p.message


def test_value_outside_the_allowed_choices(engine, data):
    edit(data / "industries.yml", "    pay: competitive\n    note: Can also offer competitive salaries, and offers "
         "diverse engineering-management career opportunities.\n  - name: manufacturing",
         "    pay: medium\n    note: Can also offer competitive salaries, and offers "
         "diverse engineering-management career opportunities.\n  - name: manufacturing")
    p = only(problems_of(engine, data))
    assert (p.file, p.entry, p.field) == ("industries.yml", "entry 4 ('construction')", "pay")
    assert "must be one of high, competitive" in p.message


def test_bad_stage_in_a_list(engine, data):
    edit(data / "certifications.yml", "    stages: [entry]\n", "    stages: [beginner]\n")
    p = only(problems_of(engine, data))
    assert (p.file, p.entry, p.field) == ("certifications.yml", "entry 5 ('Lean Six Sigma')", "stages[1]")


def test_invalid_yaml_names_the_file_and_line(engine, data):
    edit(data / "skills.yml", "  - {stage: general, name: Budgeting,", "  - {stage: general, name: [Budgeting,")
    p = only(problems_of(engine, data))
    assert p.file == "skills.yml"
    assert p.entry.startswith("line ")
    assert "is not valid YAML" in p.message


def test_a_key_written_twice_is_rejected(engine, data):
    edit(data / "roles.yml", "  - name: principal engineer\n",
         "  - name: principal engineer\n    name: chief engineer\n")
    p = only(problems_of(engine, data))
    assert p.file == "roles.yml" and p.entry.startswith("line ")
    assert "duplicate key 'name'" in p.message


def test_unknown_file(engine, data):
    (data / "notes.yml").write_text("notes: []\n", encoding="utf-8")
    (data / "extra.yaml").write_text("roles: []\n", encoding="utf-8")
    problems = problems_of(engine, data)
    assert {p.file for p in problems} == {"notes.yml", "extra.yaml"}
    assert all("unknown knowledge file" in p.message for p in problems)


def test_missing_file(engine, data):
    (data / "industries.yml").unlink()
    p = only(problems_of(engine, data))
    assert p.file == "industries.yml" and "missing" in p.message


def test_unknown_top_level_key(engine, data):
    edit(data / "market.yml", "employers:\n", "employer:\n")
    problems = problems_of(engine, data)
    assert {(p.file, p.field) for p in problems} == {("market.yml", "employer"), ("market.yml", "employers")}
    unknown = next(p for p in problems if p.field == "employer")
    assert "unknown top-level key" in unknown.message


def test_a_role_cannot_report_to_itself(engine, data):
    edit(data / "roles.yml", "reports_to: [engineering director, vp of engineering]",
         "reports_to: [Engineering Manager, vp of engineering]")
    p = only(problems_of(engine, data))
    assert (p.file, p.entry, p.field) == ("roles.yml", "entry 6 ('engineering manager')", "reports_to[1]")


def test_every_problem_is_reported_at_once(engine, data):
    edit(data / "roles.yml", "  - name: principal engineer\n", "  - name: principal engineer\n    salary: lots\n")
    edit(data / "education.yml", "    min_years: 1\n", "    min_years: one\n")
    problems = problems_of(engine, data)
    assert {(p.file, p.field) for p in problems} == {("roles.yml", "salary"), ("education.yml", "min_years")}


# ------------------------------------------------------------------ transactions and idempotence
def test_a_failure_while_writing_rolls_everything_back(engine, monkeypatch):
    """Even a problem the validation cannot see (here: two equal alias rows) leaves the old content."""
    before = snapshot(engine)
    real = loader.alias_rows
    monkeypatch.setattr(loader, "alias_rows", lambda k: real(k) + real(k)[:1])
    with pytest.raises(Exception):
        loader.load(engine)
    assert snapshot(engine) == before


def test_loading_twice_gives_the_same_database(tmp_path):
    eng = create_engine(f"sqlite:///{tmp_path / 'twice.db'}", future=True)
    loader.load(eng)
    first = snapshot(eng)
    loader.load(eng)
    second = snapshot(eng)
    assert first == second
    assert len(first["roles"]) == 24 and len(first["aliases"]) > 200
    eng.dispose()


def test_loading_a_fixed_copy_replaces_the_content(engine, data):
    """After a failed load, fixing the files and loading again brings the new content in."""
    edit(data / "market.yml", '  - {name: "Black & Veatch", source: seed}',
         '  - {name: "Black & Veatch", source: seed}\n  - {name: Deloitte, source: seed}')
    problems = problems_of(engine, data)
    assert any(p.file == "market.yml" and "duplicate name 'Deloitte'" in p.message for p in problems)
    edit(data / "market.yml", "  - {name: Deloitte, source: seed}\n  - {name: Actalent",
         "  - {name: Actalent")
    loader.load(engine, data)
    with engine.connect() as conn:
        assert list(conn.scalars(select(m.Employer.name).order_by(m.Employer.position))) == [
            "Actalent", "Black & Veatch", "Deloitte"]
