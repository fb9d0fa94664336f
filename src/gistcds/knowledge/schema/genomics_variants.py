"""Schema of ``genomics_variants.yaml``: variant-level calls, applied before the exon level.

The exon decides the genotype class for most primary drivers, but some exons hold changes of
opposite drug sensitivity (PDGFRA exon 18: D842V and its laboratory look-alikes resist
imatinib, D842Y does not; KIT exon 17: D816V resists imatinib). Each call here is keyed on an
exact protein change or a codon pattern and may (a) move the driver to another class of the
contract's enum and (b) replace single drug cells of the class's sensitivity row. The first
matching call wins, so exact changes come before codon patterns.
"""

from typing import Literal

from pydantic import Field, model_validator

from gistcds.domain.empty import new_list
from gistcds.knowledge import Cited, KBModel
from gistcds.knowledge.references import ref
from gistcds.knowledge.schema.genomics_genes import EditKind, GenotypeClassName
from gistcds.knowledge.schema.genomics_sensitivity import Cell

Evidence = Literal["clinical", "in_vitro", "review", "extrapolated"]


class Match(KBModel):
    """Which reported primary changes a call applies to (positions on the canonical protein).

    ``exact``: same first and last codon, an edit in ``edits`` and, when given, the same
    new residue(s) ``alt``. ``overlaps``: the change touches ``start``..``end``, its edit is in
    ``edits`` and its new residue(s) are not in ``alt_not``."""

    gene: str = Field(pattern=r"^[A-Z0-9]+$")
    start: int = Field(ge=1)
    end: int = Field(ge=1)
    edits: list[EditKind] = Field(min_length=1)
    alt: str | None = Field(default=None, pattern=r"^[A-Z*]+$")
    alt_not: list[str] = Field(default_factory=new_list)
    match: Literal["exact", "overlaps"] = "exact"

    @model_validator(mode="after")
    def _consistent(self) -> "Match":
        if self.end < self.start:
            raise ValueError("end before start")
        if self.match == "exact" and self.alt_not:
            raise ValueError("alt_not is for codon patterns (match: overlaps)")
        if self.match == "overlaps" and self.alt is not None:
            raise ValueError("alt is for exact changes (match: exact)")
        return self


class VariantCall(Cited):
    """One variant-level call with its evidence; ``text`` is the sentence shown."""

    id: str = Field(pattern=r"^[A-Za-z0-9_]+$")
    label: str = Field(min_length=1, description='short name, e.g. "D842V-like"')
    match: Match
    evidence: Evidence = Field(
        description="clinical data for this change; in vitro only; a review's statement; or "
        "extrapolated from tested neighbours (no data for the change itself)"
    )
    genotype_class: GenotypeClassName | None = Field(
        default=None, description="class of the contract enum when this is the primary driver"
    )
    sensitivity: dict[str, Cell] = ref(
        "rated_drug",
        default_factory=dict,
        description="drug cells (drugs of class gist_tki) replacing the class row's cells",
    )
    text: str = Field(min_length=1)
    tumour_board: bool = Field(
        default=False, description="the evidence does not decide: say so in the warnings"
    )


class Table(KBModel):
    calls: list[VariantCall]

    @model_validator(mode="after")
    def _unique(self) -> "Table":
        ids = [c.id for c in self.calls]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"duplicate call ids {dupes}")
        return self
