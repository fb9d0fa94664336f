"""Builders for imaging series used by the response tests (not a test module)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from gistcds.domain.patient import Patient
from gistcds.knowledge import KnowledgeBase
from gistcds.knowledge.schema.response_criteria import Table

TODAY = dt.date(2026, 11, 26)
START = dt.date(2025, 1, 1)


def target(lid: str, mm: float, organ: str = "liver", hu: float | None = None) -> dict[str, Any]:
    d: dict[str, Any] = {"id": lid, "organ": organ, "kind": "target", "longest_diameter_mm": mm}
    if hu is not None:
        d["density_hu"] = hu
    return d


def node(lid: str, short_axis: float, kind: str = "target") -> dict[str, Any]:
    return {"id": lid, "organ": "lymph_node", "kind": kind, "short_axis_mm": short_axis}


def non_target(lid: str, status: str = "present", organ: str = "peritoneum") -> dict[str, Any]:
    return {"id": lid, "organ": organ, "kind": "non_target", "status": status}


def new(lid: str, organ: str = "liver", **extra: Any) -> dict[str, Any]:
    return {"id": lid, "organ": organ, "kind": "new", "longest_diameter_mm": 12, **extra}


def series(
    *timepoints: list[dict[str, Any]], weeks: int = 8, days: int = 0, pid: str = "t"
) -> Patient:
    """A patient whose imaging is the given lesion lists, `weeks` (+`days`) apart from START."""
    step = dt.timedelta(weeks=weeks, days=days)
    imaging = [
        {"date": (START + step * i).isoformat(), "lesions": lesions}
        for i, lesions in enumerate(timepoints)
    ]
    return Patient.model_validate(
        {"schema_version": "1", "id": pid, "imaging": imaging}, context={"today": TODAY}
    )


def with_rules(kb: KnowledgeBase, **choi_updates: Any) -> KnowledgeBase:
    """A copy of the KB whose response table has some Choi fields replaced."""
    table = kb.table("response_criteria", Table)
    choi = table.choi.model_copy(update=choi_updates)
    new_table = table.model_copy(update={"choi": choi})
    return dataclasses.replace(kb, tables={**kb.tables, "response_criteria": new_table})
