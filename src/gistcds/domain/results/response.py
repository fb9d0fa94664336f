"""Response over serial CT (response/ engine fills these)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field

from gistcds.domain.results.base import Out

ResponseCategory = Literal["CR", "PR", "SD", "PD", "NE"]


class TimepointResponse(Out):
    date: dt.date
    recist: ResponseCategory
    choi: ResponseCategory
    sum_mm: float | None
    change_from_baseline_pct: float | None
    change_from_nadir_pct: float | None
    density_mean_hu: float | None = None
    density_change_pct: float | None = None
    discordance: str | None = None
    notes: list[str] = Field(default_factory=list)
