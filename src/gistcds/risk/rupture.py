"""Tumour rupture from operative and pathology findings (Nishida 2019, ``risk_rupture.yaml``).

``rupture`` in the patient record is a yes/no; this helper derives it from coded findings so
the definition is applied the same way everywhere (major defect -> rupture; minor -> not).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from gistcds.knowledge import KnowledgeBase
from gistcds.knowledge.schema import risk_rupture


@dataclass(frozen=True)
class RuptureCall:
    rupture: bool
    major: tuple[str, ...]
    minor: tuple[str, ...]
    source_ids: tuple[str, ...]


def classify_rupture(findings: Iterable[str], kb: KnowledgeBase) -> RuptureCall:
    """Rupture if any finding is a major defect; unknown codes raise ``ValueError``."""
    table = kb.get(risk_rupture.Table)
    major = {f.code for f in table.major}
    minor = {f.code for f in table.minor}
    codes = [f.strip().lower() for f in findings]
    unknown = [c for c in codes if c not in major | minor]
    if unknown:
        raise ValueError(f"unknown rupture finding(s) {unknown}; known: {sorted(major | minor)}")
    hit_major = tuple(c for c in codes if c in major)
    return RuptureCall(
        rupture=bool(hit_major),
        major=hit_major,
        minor=tuple(c for c in codes if c in minor),
        source_ids=tuple(table.source_ids),
    )
