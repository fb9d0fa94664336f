"""Schema of ``evidence_levels.yaml``: levels of evidence per genotype x drug cell.

Each cell names genotype classes and one drug (a combination is written with ``+``,
e.g. ``dabrafenib+trametinib``) and gives up to three levels: the ESMO grade, the NCCN
category and an OncoKB-style variant-drug level. A level is cited like any fact; a level
left out (``null``) means no text read gives it, and the output says "not captured".
``alterations`` restricts a cell to named variants (e.g. PDGFRA D842Y); such a cell is
shown only when that variant is present, never for the whole class.
"""

from __future__ import annotations

from pydantic import Field, model_validator

from gistcds.domain.empty import new_list
from gistcds.knowledge import Cited, KBModel

__all__ = ["NOT_CAPTURED", "Cell", "Level", "Table"]

NOT_CAPTURED = "not captured"


class Level(Cited):
    """One level as its system gives it ('[I, A]', 'category 2A', '1', 'R2')."""

    value: str = Field(min_length=1)
    context: str | None = Field(default=None, description="setting or line it applies to")
    note: str | None = None


class Cell(KBModel):
    genotypes: list[str] = Field(min_length=1, description="genotype classes (contract names)")
    drug: str = Field(pattern=r"^[a-z][a-z0-9-]*(\+[a-z][a-z0-9-]*)*$")
    alterations: list[str] = Field(
        default_factory=new_list, description="only these variants (protein changes), if given"
    )
    esmo: Level | None = None
    nccn: Level | None = None
    variant_level: Level | None = None
    note: str | None = None


class Table(KBModel):
    systems: dict[str, str] = Field(description="what each level system means, in words")
    cells: list[Cell]

    @model_validator(mode="after")
    def _one_cell_per_key(self) -> Table:
        seen: set[tuple[str, str, tuple[str, ...]]] = set()
        for cell in self.cells:
            for g in cell.genotypes:
                key = (g, cell.drug, tuple(cell.alterations))
                if key in seen:
                    raise ValueError(f"two cells for {g} x {cell.drug} {cell.alterations}")
                seen.add(key)
        return self

    def cell_for(self, genotype: str, drug: str) -> Cell | None:
        """The class-level cell (no alteration restriction) for a genotype and drug."""
        for cell in self.cells:
            if cell.drug == drug and genotype in cell.genotypes and not cell.alterations:
                return cell
        return None
