"""docs/validation.md is generated: its per-arm table must match the knowledge base
(regenerate with `python -m gistcds.prognosis.validation`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from gistcds.prognosis.validation import render

DOC = Path(__file__).resolve().parent.parent / "docs" / "validation.md"


def _arm_table(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("| `")]


def test_validation_page_arm_table_is_current(kb: Any) -> None:
    fresh = render(kb, patients=1_000, seed=1)
    assert _arm_table(DOC.read_text(encoding="utf-8")) == _arm_table(fresh), (
        "docs/validation.md is stale: run python -m gistcds.prognosis.validation"
    )
