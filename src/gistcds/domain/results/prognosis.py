"""Individual PFS/OS estimates (prognosis/ engine fills these)."""

from __future__ import annotations

from pydantic import Field

from gistcds.domain.results.base import Out


class SurvivalEstimate(Out):
    median_months: float | None
    curve: list[tuple[float, float]] = Field(default_factory=list)
    lower: list[tuple[float, float]] = Field(default_factory=list)
    upper: list[tuple[float, float]] = Field(default_factory=list)


class Prognosis(Out):
    pfs: SurvivalEstimate | None = None
    os: SurvivalEstimate | None = None
