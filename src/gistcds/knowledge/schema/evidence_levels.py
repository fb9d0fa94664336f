"""Schema of ``evidence_levels.yaml``: levels of evidence per genotype x drug cell.

Each cell names genotype classes and one drug (a combination is written with ``+``,
e.g. ``dabrafenib+trametinib``) and gives up to three levels: the ESMO grade, the NCCN
category and an OncoKB-style variant-drug level. A level is cited like any fact; a level
left out (``null``) means no text read gives it, and the output says "not captured".
``alterations`` restricts a cell to named variants (e.g. PDGFRA D842Y); such a cell is
shown only when that variant is present, never for the whole class.

The queries (which cells apply to a genotype, drug and primary alterations; which drugs a
resistance level rates resistant) live here, with the table, so the genomics engine (which
rates variant-level resistance) and the therapy engine (which shows the option levels)
match a variant to a cell the same way without reaching into each other.
"""

from collections.abc import Sequence

from pydantic import Field, model_validator

from gistcds.domain.empty import new_list
from gistcds.knowledge import Cited, KBModel

__all__ = ["NOT_CAPTURED", "Cell", "Level", "Table", "alteration_hit"]

NOT_CAPTURED = "not captured"


class Level(Cited):
    """One level as its system gives it ('[I, A]', 'category 2A', '1', 'R2')."""

    value: str = Field(min_length=1)
    context: str | None = Field(default=None, description="setting or line it applies to")
    note: str | None = None

    @property
    def resistance(self) -> bool:
        """An OncoKB resistance level (R1, R2)."""
        return self.value.upper().startswith("R")


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
    def _one_cell_per_key(self) -> "Table":
        seen: set[tuple[str, str, tuple[str, ...]]] = set()
        for cell in self.cells:
            for g in cell.genotypes:
                key = (g, cell.drug, tuple(cell.alterations))
                if key in seen:
                    raise ValueError(f"two cells for {g} x {cell.drug} {cell.alterations}")
                seen.add(key)
        return self

    def cells_for(self, genotype: str, drug: str, present: Sequence[str]) -> list[Cell]:
        """Cells for this genotype and drug, the alteration-specific ones that apply to the
        primary alterations ``present`` (short form, "D842V") first, then the class-level
        ones; an alteration-specific cell for another variant is left out."""
        own = [c for c in self.cells if c.drug == drug and genotype in c.genotypes]
        specific = [
            c
            for c in own
            if c.alterations and any(alteration_hit(a, present) for a in c.alterations)
        ]
        return specific + [c for c in own if not c.alterations]

    def resistance_levels(self, genotype: str, present: Sequence[str]) -> dict[str, Level]:
        """Drugs with a resistance level (R1/R2) for a genotype and its primary alterations:
        the first cell that gives a variant level decides, as for the option levels."""
        out: dict[str, Level] = {}
        for drug in dict.fromkeys(c.drug for c in self.cells):
            cells = self.cells_for(genotype, drug, present)
            got = next((c.variant_level for c in cells if c.variant_level is not None), None)
            if got is not None and got.resistance:
                out[drug] = got
        return out

    def cell_for(self, genotype: str, drug: str) -> Cell | None:
        """The class-level cell (no alteration restriction) for a genotype and drug."""
        for cell in self.cells:
            if cell.drug == drug and genotype in cell.genotypes and not cell.alterations:
                return cell
        return None


def alteration_hit(wanted: str, present: Sequence[str]) -> bool:
    """'D816' matches D816V and D816H; a full change ('Y823D', 'D842_H845del') only itself."""
    for p in present:
        if p == wanted or (
            wanted[-1].isdigit() and p.startswith(wanted) and not p[len(wanted)].isdigit()
        ):
            return True
    return False
