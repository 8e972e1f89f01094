"""Fixtures of the loader tests: a writable copy of the knowledge files and a database already holding them."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import create_engine
from sqlalchemy.engine import Engine

from knowledge import loader


@pytest.fixture()
def data(tmp_path: Path) -> Path:
    """A writable copy of the shipped knowledge files."""
    return Path(shutil.copytree(loader.DATA_DIR, tmp_path / "data"))


@pytest.fixture()
def engine(tmp_path: Path) -> Engine:
    """A temporary SQLite file holding the shipped knowledge base."""
    eng = create_engine(f"sqlite:///{tmp_path / 'kb.db'}", future=True)
    loader.load(eng)
    yield eng
    eng.dispose()
