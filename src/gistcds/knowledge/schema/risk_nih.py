"""Schema of ``risk_nih.yaml``: NIH 2002 (Fletcher) and modified NIH 2008 (Joensuu) grids.

Each grid is written cell by cell: one row per size band, one entry per mitosis band
(labels from ``risk_bands.yaml``), so every published cell is visible and testable.
"""

from typing import Literal

from pydantic import Field

from gistcds.domain.empty import new_list
from gistcds.knowledge import Cited, KBModel

NihCategory = Literal["very_low", "low", "intermediate", "high"]


class CellNote(Cited):
    """A cell the sources disagree on: the value used, the alternative, and why."""

    site_group: str | None = None
    size: str
    mitoses: str
    alternative: NihCategory
    note: str


class Nih2002(Cited):
    name: str
    grid: dict[str, list[NihCategory]] = Field(description="size band -> category per mitosis band")
    convention: str


class ModifiedNih2008(Cited):
    name: str
    site_groups: dict[str, list[str]] = Field(description="group -> patient sites")
    grids: dict[str, dict[str, list[NihCategory]]]
    rupture_category: NihCategory
    rupture_note: str
    cell_notes: list[CellNote] = Field(default_factory=new_list)


class Table(KBModel):
    nih2002: Nih2002
    modified_nih2008: ModifiedNih2008
