"""Schema of ``genomics_rules.yaml``: how reported findings become a genotype class.

Kept as data so that every rule the engine applies (what counts as a TKI, which genes
define which class, what quadruple wild type requires) carries its citation.
"""

from typing import Literal

from pydantic import Field

from gistcds.domain.empty import new_list
from gistcds.knowledge import Cited, KBModel
from gistcds.knowledge.schema.genomics_genes import GenotypeClassName
from gistcds.knowledge.schema.therapy_drugs import DrugClass


class Timing(Cited):
    """Which therapy lines count as TKI exposure when timing a variant."""

    tki_class: DrugClass = Field(
        default="kit_pdgfra_inhibitor",
        description="lines of the drugs of this therapy_drugs.yaml class are TKI exposure",
    )
    undated_tissue_without_tki: Literal["before_tki"] = "before_tki"
    note: str = ""


class NotADriver(Cited):
    """Consequences that cannot activate KIT/PDGFRA: both are activated by in-frame
    gain-of-function changes, so a truncating change is no driver (and no resistance)."""

    consequences: list[
        Literal["nonsense", "frameshift", "start_lost", "stop_lost", "no_protein"]
    ] = Field(min_length=1)
    text: str = Field(min_length=1, description="why, for the variant's reason")


class SpanLimit(Cited):
    """Largest number of exons an activating in-frame change is read across; a wider
    codon range (often a database placeholder such as "311_848del") is not classified."""

    max_exons: int = Field(ge=1)
    text: str = Field(min_length=1)


class KinaseGenes(Cited):
    """Genes whose variants are mapped by exon (primary driver / secondary resistance)."""

    genes: list[str] = Field(min_length=1)
    discordant_primary_class: GenotypeClassName = "unclassified"
    not_drivers: NotADriver
    span_limit: SpanLimit


class OtherDriver(Cited):
    """A non-KIT/PDGFRA finding that defines a class, in priority order (lower first)."""

    id: str
    priority: int
    genotype_class: GenotypeClassName
    genes: list[str] = Field(default_factory=new_list, description="variant in any of these genes")
    hotspot: str | None = Field(default=None, description="only this hotspot id qualifies")
    sdhb_ihc_lost: bool = Field(default=False, description="SDHB IHC loss qualifies")
    fusion_genes: list[str] = Field(
        default_factory=new_list, description="a fusion with one of these"
    )
    contradicted_by_sdhb_retained: bool = False
    germline_testing_advised: bool = False
    label: str


class WildType(Cited):
    """What quadruple wild type needs, and what to test when it cannot be called."""

    required_negative: list[str] = Field(min_length=1)
    negative_if_tested: list[str] = Field(default_factory=new_list)
    sdhb_ihc_required: Literal["retained"] = "retained"
    further_tests: list[str] = Field(
        default_factory=new_list, description="advised for KIT/PDGFRA wild type, not required"
    )
    not_class_defining_genes: list[str] = Field(
        default_factory=new_list, description="positive result excludes QWT but has no class here"
    )


class TestName(KBModel):
    id: str
    label: str


class Table(KBModel):
    timing: Timing
    kinase: KinaseGenes
    other_drivers: list[OtherDriver]
    wild_type: WildType
    tests: list[TestName]
