"""Schema of ``genomics_sensitivity.yaml``: drug sensitivity per genotype class and per
acquired-mutation region, how the two combine, and cited prognostic remarks."""

from typing import Literal

from pydantic import Field, model_validator

from gistcds.domain.empty import new_list
from gistcds.knowledge import Cited, KBModel
from gistcds.knowledge.schema.genomics_genes import (
    EditKind,
    GenotypeClassName,
    SecondaryRegionName,
)

Level = Literal["sensitive", "intermediate", "resistant", "unknown"]


class Cell(Cited):
    """One drug x genotype call; ``unknown`` cells cite the sources that left it open."""

    level: Level
    note: str = ""


Row = dict[str, Cell]
"""One cell per drug of class ``gist_tki`` in ``therapy_drugs.yaml`` (the reference pass
checks every row has exactly those drugs)."""


class Combination(Cited):
    """How acquired (secondary) regions and the primary class combine per drug.

    The calls of every acquired region present are combined, the first level in
    ``severity_order`` found winning (a resistant clone decides; an unknown clone keeps
    the drug unknown); primary-class cells whose level is in ``primary_levels_kept`` are
    added to that combination (primary resistance persists)."""

    severity_order: list[Level] = Field(min_length=4, max_length=4)
    primary_levels_kept: list[Level]
    text: str


class RemarkMatch(KBModel):
    genotype_class: GenotypeClassName | None = None
    gene: str | None = None
    exons: list[int] = Field(default_factory=new_list)
    edits: list[EditKind] = Field(default_factory=new_list)
    overlaps: tuple[int, int] | None = None


class Remark(Cited):
    id: str
    setting: Literal["localized", "advanced", "any"] = "localized"
    match: RemarkMatch
    text: str


class Table(KBModel):
    primary: dict[GenotypeClassName, Row]
    secondary: dict[SecondaryRegionName, Row]
    combination: Combination
    remarks: list[Remark]

    @model_validator(mode="after")
    def _complete(self) -> "Table":
        missing = set(GenotypeClassName.__args__) - set(self.primary)  # type: ignore[attr-defined]
        if missing:
            raise ValueError(f"primary rows missing for {sorted(missing)}")
        missing_r = set(SecondaryRegionName.__args__) - set(self.secondary)  # type: ignore[attr-defined]
        if missing_r:
            raise ValueError(f"secondary rows missing for {sorted(missing_r)}")
        return self
