"""`python -m knowledge check | load | show NAME` as a user runs it, in a subprocess over a temporary database."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from knowledge.db import REPO_ROOT
from knowledge.loader import DATA_DIR

DIRECTOR_DUTIES = ("Resource allocation", "Strategic planning", "Risk management",
                   "High-level stakeholder communication", "Assist in organizational decision-making")


def run(*args: str, db: Path) -> subprocess.CompletedProcess:
    """Run the knowledge CLI with CAREERBOT_DB_URL pointing at `db`."""
    env = {**os.environ, "CAREERBOT_DB_URL": f"sqlite:///{db}"}
    env.pop("PYTHONPATH", None)  # `python -m` from the repository root must work on its own
    return subprocess.run([sys.executable, "-m", "knowledge", *args], cwd=REPO_ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


@pytest.fixture()
def db(tmp_path: Path) -> Path:
    """Path of a temporary database file (not created yet)."""
    return tmp_path / "kb.db"


@pytest.fixture(scope="module")
def cli_loaded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database file loaded once through the CLI (`python -m knowledge load`)."""
    path = tmp_path_factory.mktemp("cli-loaded") / "kb.db"
    result = run("load", db=path)
    assert result.returncode == 0, result.stderr
    return path


@pytest.fixture()
def loaded(db: Path, cli_loaded: Path) -> Path:
    """A temporary database file loaded through the CLI: this test's own copy of `cli_loaded`."""
    shutil.copyfile(cli_loaded, db)
    return db


def test_check_accepts_the_shipped_data(db):
    result = run("check", db=db)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("OK:") and "24 roles" in result.stdout
    assert not db.exists()  # check never touches the database


def test_load_into_the_configured_database(db):
    result = run("load", db=db)
    assert result.returncode == 0, result.stderr
    assert "Loaded" in result.stdout and str(db) in result.stdout
    assert db.exists() and db.stat().st_size > 0


def test_show_director_of_engineering_prints_the_five_responsibilities(loaded):
    result = run("show", "director of engineering", db=loaded)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Role: engineering director")
    duties = [line for line in result.stdout.splitlines() if line.startswith("  - ")]
    assert [d[4:].split(":")[0] for d in duties] == list(DIRECTOR_DUTIES)
    assert "Reports to: VP of engineering, chief technology officer, chief executive officer" in result.stdout


def test_show_accepts_a_name_in_several_words(loaded):
    result = run("show", "Certified", "ScrumMaster", db=loaded)
    assert result.returncode == 0, result.stderr
    assert "Certification: Certified ScrumMaster (CSM)" in result.stdout


def test_show_unknown_name_exits_1_with_suggestions(loaded):
    result = run("show", "director of enginering", db=loaded)
    assert result.returncode == 1
    assert result.stdout == ""
    assert "did you mean 'engineering director' (role)" in result.stderr
    assert "Traceback" not in result.stderr


def test_show_before_load_is_a_polite_error(db):
    result = run("show", "CTO", db=db)
    assert result.returncode == 1
    assert "python -m knowledge load" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("before_command", [False, True])
def test_check_of_a_bad_folder_exits_1_naming_the_file(tmp_path, db, before_command):
    bad = Path(shutil.copytree(DATA_DIR, tmp_path / "bad"))
    roles = bad / "roles.yml"
    roles.write_text(roles.read_text(encoding="utf-8").replace(
        "  - name: principal engineer\n", "  - name: principal engineer\n    salary: lots\n"), encoding="utf-8")
    args = ("--data", str(bad), "check") if before_command else ("check", "--data", str(bad))
    result = run(*args, db=db)
    assert result.returncode == 1
    assert "roles.yml, entry 7 ('principal engineer'), field 'salary': unknown field" in result.stderr
    assert "Traceback" not in result.stderr


def test_failed_load_keeps_the_previous_database(tmp_path, loaded):
    bad = Path(shutil.copytree(DATA_DIR, tmp_path / "bad"))
    (bad / "notes.yml").write_text("notes: []\n", encoding="utf-8")
    before = loaded.read_bytes()
    result = run("load", "--data", str(bad), db=loaded)
    assert result.returncode == 1 and "notes.yml" in result.stderr
    assert loaded.read_bytes() == before
    assert run("show", "EM", db=loaded).returncode == 0


@pytest.mark.parametrize("args", [("frobnicate",), (), ("show",)])
def test_bad_command_exits_non_zero(db, args):
    result = run(*args, db=db)
    assert result.returncode != 0
    assert "usage:" in result.stderr


@pytest.mark.parametrize("name, first_line", [
    (("Engineering", "Group", "Manager"), "O*NET occupation: 11-9041.00 Architectural and Engineering Managers"),
    (("11-3021.00",), "O*NET occupation: 11-3021.00 Computer and Information Systems Managers"),
    (("IT", "project", "manager"), "O*NET occupation: 15-1299.09 Information Technology Project Managers"),
    (("pmp_fee",), "FAQ entry: PMP exam fee (pmp_fee)"),
    (("how", "do", "I", "renew", "my", "PMP?"), "FAQ entry: Keeping the PMP (PDUs) (pmp_renewal)"),
])
def test_show_finds_onet_occupations_and_faq_entries_by_any_name(loaded, name, first_line):
    result = run("show", *name, db=loaded)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0].startswith(first_line)
    if first_line.startswith("O*NET"):
        assert "CC BY 4.0" in result.stdout and "Top tasks" in result.stdout
    else:
        assert "Source: " in result.stdout and "https://" in result.stdout


def test_check_counts_occupations_and_faq_entries(db):
    result = run("check", db=db)
    assert result.returncode == 0, result.stderr
    assert "14 O*NET occupations" in result.stdout and "37 FAQ entries" in result.stdout
