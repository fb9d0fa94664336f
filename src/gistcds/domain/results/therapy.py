"""Therapy options and cautions (therapy/ engine fills these)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from gistcds.domain.results.base import Out

RecommendationKind = Literal[
    "systemic", "local", "trial", "diagnostic", "supportive", "surveillance"
]


class RegimenItem(Out):
    drug: str = Field(description="INN, lower case")
    dose_mg_per_day: float | None
    schedule: str


class Evidence(Out):
    source_ids: list[str] = Field(min_length=1)
    level: str
    confidence: Literal["primary", "secondary", "unverified"] = "secondary"


class Position(Out):
    """One guideline's stance on an option, attributed (ESMO and NCCN may differ)."""

    guideline: str
    statement: str
    level: str | None = None
    source_ids: list[str] = Field(default_factory=list)


class Recommendation(Out):
    rule_id: str
    kind: RecommendationKind
    title: str
    regimen: list[RegimenItem] = Field(default_factory=list)
    line: int | None = None
    evidence: Evidence
    rationale: str
    positions: list[Position] = Field(default_factory=list)


class Caution(Out):
    code: str
    message: str
    source_ids: list[str] = Field(default_factory=list)
    severity: Literal["info", "warning", "critical"] = "warning"


class FollowupVisit(Out):
    month: float
    exam: str
    source_ids: list[str] = Field(default_factory=list)
