"""Engine and session factory. The URL comes from CAREERBOT_DB_URL; the default is an SQLite file in var/."""
from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from sqlalchemy import create_engine
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB_PATH = REPO_ROOT / "var" / "careerbot.db"
ENV_VAR = "CAREERBOT_DB_URL"


def database_url() -> str:
    """The configured database URL (CAREERBOT_DB_URL, else the SQLite file var/careerbot.db)."""
    return os.environ.get(ENV_VAR) or f"sqlite:///{DEFAULT_DB_PATH}"


def make_engine(url: str | None = None) -> Engine:
    """A new engine for `url` (default: the configured URL); creates the SQLite file's folder if needed."""
    url = url or database_url()
    if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
        Path(url[len("sqlite:///"):]).parent.mkdir(parents=True, exist_ok=True)
    return create_engine(url, future=True, pool_pre_ping=True)


@lru_cache(maxsize=None)
def _engine_for(url: str) -> Engine:
    return make_engine(url)


def get_engine() -> Engine:
    """The process-wide engine for the configured URL (made once per URL)."""
    return _engine_for(database_url())


def session_factory(engine: Engine | None = None) -> sessionmaker:
    """A session factory bound to `engine` (default: the process-wide engine)."""
    return sessionmaker(bind=engine or get_engine(), future=True, expire_on_commit=False)


__all__ = ["Session", "database_url", "make_engine", "get_engine", "session_factory", "DEFAULT_DB_PATH"]
