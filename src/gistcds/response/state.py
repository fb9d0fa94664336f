"""What the walk over one imaging series carries from CT to CT: the context the first CT
fixes and what the earlier time points left.

Apart from ``timepoint`` (the criteria of a follow-up CT) so that a series with a baseline
CT only is read without importing RECIST, Choi and their discordance (docs/cli.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from gistcds.domain.patient import Lesion
from gistcds.domain.results.response import ResponseCategory
from gistcds.knowledge.schema.response_criteria import Table

__all__ = ["Baseline", "History"]


@dataclass(frozen=True)
class Baseline:
    """What the first CT fixes for every later one."""

    table: Table
    targets: list[Lesion]
    non_targets: list[Lesion]
    ids: frozenset[str]
    density: dict[str, float]
    sum_mm: float | None
    node_normal_mm: float


@dataclass
class History:
    """What the earlier time points left: sums, per-target values, last categories."""

    sums: list[float | None]
    lesion_values: dict[str, list[float | None]]
    warnings: list[str] = field(default_factory=list)
    prev_recist: ResponseCategory | None = None
    prev_choi: ResponseCategory | None = None
