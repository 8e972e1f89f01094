"""Fixtures of the loader tests: a writable copy of the knowledge files and a database already holding them."""
from __future__ import annotations

import shutil
from contextlib import closing
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import create_engine
from sqlalchemy.engine import Engine

from knowledge import loader


@pytest.fixture()
def data(tmp_path: Path) -> Path:
    """A writable copy of the shipped knowledge files."""
    return Path(shutil.copytree(loader.DATA_DIR, tmp_path / "data"))


@pytest.fixture(scope="session")
def loaded_kb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped knowledge base loaded once per test session into a SQLite file (copied for each test)."""
    path = tmp_path_factory.mktemp("loaded-kb") / "kb.db"
    eng = create_engine(f"sqlite:///{path}", future=True)
    loader.load(eng)
    eng.dispose()
    return path


@pytest.fixture()
def engine(tmp_path: Path, loaded_kb: Path) -> Engine:
    """A temporary SQLite file holding the shipped knowledge base: a copy of `loaded_kb`, so each test can
    change it freely."""
    target = tmp_path / "kb.db"
    with closing(sqlite3.connect(loaded_kb)) as source, closing(sqlite3.connect(target)) as copy:
        source.backup(copy)
    eng = create_engine(f"sqlite:///{target}", future=True)
    yield eng
    eng.dispose()
