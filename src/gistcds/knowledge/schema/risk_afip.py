"""Schema of ``risk_afip.yaml``: AFIP / Miettinen–Lasota 2006 risk of progressive disease.

The table is stored by *data column* (the published numbers), and sites map to columns
through ``site_columns``: the printed column labels for duodenum and jejunum/ileum are
suspected to be transposed (reference §3.3), so the mapping is one explicit, cited choice.
"""

from typing import Literal

from pydantic import Field, model_validator

from gistcds.domain.empty import new_list
from gistcds.knowledge import Cited, KBModel

AfipCategory = Literal["none", "very_low", "low", "moderate", "high", "insufficient_data"]


class Group(KBModel):
    """Miettinen prognostic group: a mitosis class and a size band (``risk_bands.yaml``)."""

    id: str
    mitoses: str
    size: str


class Cell(KBModel):
    category: AfipCategory
    progression_pct: float | None = Field(default=None, ge=0, le=100)
    note: str | None = None


class Column(Cited):
    label: str
    cases: int | None = Field(default=None, description="cases behind the column (footnote)")
    cells: dict[str, Cell]


class SiteColumns(Cited):
    mapping: dict[str, str]
    note: str


class Variant(Cited):
    """A published variant of one cell, shown as a note where it applies."""

    column: str
    group: str
    value: str
    note: str


class Table(KBModel):
    mitosis_classes: dict[str, str] = Field(description="mitosis band label -> AFIP class")
    groups: list[Group]
    columns: dict[str, Column]
    site_columns: SiteColumns
    site_columns_as_printed: SiteColumns
    not_covered: dict[str, str] = Field(description="site -> why AFIP gives no category")
    not_covered_source_ids: list[str] = Field(min_length=1)
    variants: list[Variant] = Field(default_factory=new_list)

    @model_validator(mode="after")
    def _complete(self) -> "Table":
        ids = {g.id for g in self.groups}
        for name, column in self.columns.items():
            if set(column.cells) != ids:
                raise ValueError(f"column {name}: cells must be exactly the groups {sorted(ids)}")
        for m in (self.site_columns, self.site_columns_as_printed):
            for site, col in m.mapping.items():
                if col not in self.columns:
                    raise ValueError(f"site {site}: unknown column {col}")
        return self
