"""The loader's all-or-nothing rule, checked the same way by every loader test."""
from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine

from knowledge import loader
from knowledge import models as m


def failed_load(engine: Engine, data_dir: Path, *filled: str) -> list[loader.Problem]:
    """Load `data_dir` over `engine`, expecting failure; the database must not change. `filled`: tables that
    must hold rows before (so "unchanged" is not vacuous). The problems the loader reported."""
    with engine.connect() as conn:
        before = {t.name: conn.execute(select(t)).all() for t in m.Base.metadata.sorted_tables}
    with pytest.raises(loader.KnowledgeError) as info:
        loader.load(engine, data_dir)
    with engine.connect() as conn:
        assert {t.name: conn.execute(select(t)).all() for t in m.Base.metadata.sorted_tables} == before
    assert all(before[name] for name in filled), filled
    return info.value.problems
