"""The trained model the career-plan dialogue tests run against (the tracker and answer builders are in
tests/support/builders.py)."""
# A plain module (not conftest.py), named so that no other test folder has a module of the same name.
from __future__ import annotations

import os
from pathlib import Path

import pytest

from e2e.harness import MODEL, in_ci


def plan_model() -> Path:
    """The trained model (CAREERBOT_E2E_MODEL may point at another one); skip without it, fail under CI."""
    model = Path(os.environ.get("CAREERBOT_E2E_MODEL") or MODEL)
    if model.exists():
        return model
    message = f"no trained model at {model}: run `make train` (`make test` trains before testing)"
    if in_ci():
        pytest.fail(message + "; under CI the end-to-end tests must run", pytrace=False)
    pytest.skip(message)
