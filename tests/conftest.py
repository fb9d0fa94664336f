"""Shared fixtures: paths, a fixed 'today', the bundled knowledge base."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

# Property tests check outcomes, not speed (speed is measured in benchmarks/): no per-example
# deadline, which a loaded CI machine would otherwise turn into random failures.
settings.register_profile("gistcds", deadline=None)
settings.load_profile("gistcds")

# fixtures of the service tests (db_url, store, api) live in tests/service_helpers.py
pytest_plugins = ["service_helpers"]

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "patients"
SHARED_CASES = ROOT.parent / "shared" / "examples" / "cases"
requires_shared = pytest.mark.skipif(
    not SHARED_CASES.is_dir(), reason="../shared (the team's clinical cases) not present"
)
"""For a test that reads ../shared: a clean clone of the repository has no ../shared."""
TODAY = dt.date(2026, 11, 26)


@pytest.fixture(scope="session")
def kb():  # type: ignore[no-untyped-def]
    from gistcds.knowledge import load_kb

    return load_kb()


def example(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((EXAMPLES / name).read_text())
    return data
