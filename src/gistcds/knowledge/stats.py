"""How much of the knowledge base was checked against a source: counts per table.

A *record* is every model in a validated table that carries a ``confidence``: each cited
fact (a :class:`~gistcds.knowledge.Cited`) and each attributed guideline position, since
both drive what the user reads. A record is *unverified* when its confidence says so.
``gistcds kb stats`` prints these figures; the issue's targets (at most 10 % unverified for
the therapy rules and for the whole knowledge base) are read from them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from gistcds.knowledge import KnowledgeBase

__all__ = ["TableStats", "iter_records", "kb_stats", "stats_document"]


@dataclass(frozen=True)
class TableStats:
    """Records and unverified records of one table."""

    records: int
    unverified: int

    @property
    def unverified_fraction(self) -> float:
        return self.unverified / self.records if self.records else 0.0


def iter_records(value: Any, path: str = "") -> Iterator[tuple[str, BaseModel]]:
    """Every (path, model) below ``value`` whose model has a ``confidence`` field."""
    if isinstance(value, BaseModel):
        if "confidence" in type(value).model_fields:
            yield path, value
        for name in type(value).model_fields:
            sub = f"{path}.{name}" if path else name
            yield from iter_records(getattr(value, name), sub)
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from iter_records(v, f"{path}.{k}")
    elif isinstance(value, list | tuple):
        for i, v in enumerate(value):
            yield from iter_records(v, f"{path}[{i}]")


def kb_stats(kb: KnowledgeBase) -> dict[str, TableStats]:
    """Records and unverified records per table, tables in name order."""
    out: dict[str, TableStats] = {}
    for name in sorted(kb.tables):
        records = [m for _, m in iter_records(kb.tables[name])]
        unverified = sum(1 for m in records if getattr(m, "confidence", None) == "unverified")
        out[name] = TableStats(records=len(records), unverified=unverified)
    return out


def stats_document(kb: KnowledgeBase) -> dict[str, Any]:
    """The JSON shape of ``gistcds kb stats --format json``."""
    per_table = kb_stats(kb)
    total = TableStats(
        records=sum(s.records for s in per_table.values()),
        unverified=sum(s.unverified for s in per_table.values()),
    )
    return {
        "knowledge_base_version": kb.version,
        "tables": {
            name: {"records": s.records, "unverified": s.unverified}
            for name, s in per_table.items()
        },
        "total": {"records": total.records, "unverified": total.unverified},
    }
