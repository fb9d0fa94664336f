"""Schema of ``genomics_genes.yaml``: transcripts, exons in codon coordinates, regions, hotspots.

The genotype engine maps a protein change to an exon by codon (never by the exon label in
a report), so each exon carries its coding-nucleotide range (``c_start``..``c_end``) from
which codon membership is computed, plus the functional region and what a variant there
means for the genotype class (primary driver region, acquired-resistance region).
"""

from typing import Literal

from pydantic import Field, model_validator

from gistcds.domain.empty import new_dict, new_list
from gistcds.domain.results.genotype import GenotypeClass, SecondaryRegion
from gistcds.knowledge import Cited, KBModel

# The contract's enums, defined once in the output model and shared with the KB schemas.
GenotypeClassName = GenotypeClass
SecondaryRegionName = SecondaryRegion
EditKind = Literal["sub", "del", "dup", "ins", "delins", "fs", "ext", "identity"]


class Exon(Cited):
    """One exon: coding range, the codons it holds, its region and its meaning for the class."""

    exon: int = Field(ge=1)
    c_start: int = Field(description="first coding nucleotide (c.) of the exon; <= 0 in UTR")
    c_end: int = Field(description="last coding nucleotide (c.) of the exon (to the stop codon)")
    first_codon: int = Field(ge=1, description="first codon with a base in this exon")
    last_codon: int = Field(ge=1, description="last codon with a base in this exon")
    region: str = Field(min_length=1, description="functional region id, e.g. KIT_juxtamembrane")
    region_label: str = Field(min_length=1)
    primary_class: GenotypeClassName = Field(description="class when the primary driver is here")
    primary_region: bool = Field(description="a usual site of primary (driver) mutations")
    secondary_region: SecondaryRegionName | None = Field(
        default=None, description="region reported when a variant here is acquired on a TKI"
    )
    exon_level_class: GenotypeClassName | None = Field(
        default=None,
        description="class when only the exon is known (no codon): overrides primary_class "
        "where the exon holds variants of opposite drug sensitivity",
    )
    exon_level_note: str = ""

    @model_validator(mode="after")
    def _consistent(self) -> "Exon":
        if self.c_end < self.c_start or self.last_codon < self.first_codon:
            raise ValueError("exon range reversed")
        return self


class AltIsoform(Cited):
    """A protein isoform whose numbering differs from the canonical one by a fixed shift."""

    accessions: list[str] = Field(min_length=1)
    shift_after: int = Field(ge=0, description="residues numbered above this are shifted")
    shift: int = Field(description="add this to map to canonical numbering")
    note: str = ""


class Gene(Cited):
    symbol: str
    transcript: str
    protein: str
    protein_length: int = Field(gt=0)
    accessions: list[str] = Field(description="accession prefixes accepted as canonical")
    alt_isoforms: list[AltIsoform] = Field(default_factory=new_list)
    exons: list[Exon] = Field(min_length=1)


class Hotspot(Cited):
    """A named recurrent change; ``match`` says how a reported variant is compared with it."""

    id: str = Field(pattern=r"^[A-Za-z0-9_]+$")
    gene: str
    label: str
    start: int = Field(ge=1)
    end: int = Field(ge=1)
    ref_residues: dict[int, str] = Field(
        default_factory=new_dict, description="reference residue (1-letter) at named positions"
    )
    edits: list[EditKind] = Field(
        default_factory=new_list, description="empty = any kind of change"
    )
    alt: str | None = Field(default=None, description="1-letter alt residue for substitutions")
    match: Literal["exact", "overlaps"] = "overlaps"
    genotype_class: GenotypeClassName | None = Field(
        default=None, description="class when this hotspot is the primary driver"
    )
    typical_role: Literal["primary", "secondary", "either"] = "either"


class Alias(Cited):
    """Two spellings of one protein event (HGVS 3' rule); ``canonical`` is the HGVS form."""

    gene: str
    alias: str
    canonical: str


class SymbolAlias(Cited):
    """Another name a report uses for a gene (compared upper case, punctuation dropped)."""

    alias: str = Field(min_length=1)
    symbol: str = Field(pattern=r"^[A-Z0-9]+$", description="the HGNC symbol")


class Table(KBModel):
    genes: list[Gene]
    hotspots: list[Hotspot]
    aliases: list[Alias]
    symbol_aliases: list[SymbolAlias] = Field(default_factory=new_list)
