"""Genotype interpretation results (genomics/ engine fills these)."""

import datetime as dt
from typing import Literal, TypeGuard, get_args

from pydantic import ConfigDict, Field

from gistcds.domain.confidence import Confidence
from gistcds.domain.empty import new_dict, new_list
from gistcds.domain.results.base import Out

GenotypeClass = Literal[
    "KIT_exon9",
    "KIT_exon11",
    "KIT_exon13",
    "KIT_exon17",
    "KIT_other",
    "PDGFRA_D842V",
    "PDGFRA_exon18_other",
    "PDGFRA_exon12",
    "PDGFRA_exon14",
    "PDGFRA_other",
    "SDH_deficient",
    "NF1",
    "BRAF_V600E",
    "NTRK_fusion",
    "quadruple_wild_type",
    "not_tested",
    "unclassified",
]
GENOTYPE_CLASSES: frozenset[str] = frozenset(get_args(GenotypeClass))
SecondaryRegion = Literal["KIT_ATP_pocket", "KIT_activation_loop", "other"]
KitPdgfraStatus = Literal["mutant", "wild_type", "not_tested", "unresolved"]
SensitivityLevel = Literal["sensitive", "intermediate", "resistant", "unknown"]


def is_genotype_class(value: object) -> TypeGuard[GenotypeClass]:
    """True for one of the contract's genotype classes (narrows a free-text input)."""
    return isinstance(value, str) and value in GENOTYPE_CLASSES


class InterpretedVariant(Out):
    """One reported variant as the engine understood it (or why it could not)."""

    gene: str
    input: str = Field(description="the text as reported")
    hgvs_p: str | None = Field(default=None, description="normalised 3-letter HGVS, if parsed")
    exon: int | None = None
    region: str | None = None
    consequence: str | None = None
    source: Literal["tissue", "ctdna"] = "tissue"
    date: dt.date | None = None
    role: Literal["primary", "secondary", "unknown", "not_a_driver"] = Field(
        default="unknown",
        description="not_a_driver: a change that cannot activate the kinase (truncating)",
    )
    classified: bool = True
    reason: str | None = None
    codon_start: int | None = None
    codon_end: int | None = None
    exons_spanned: list[int] = Field(default_factory=new_list)
    region_label: str | None = None
    hotspots: list[str] = Field(default_factory=new_list, description="named hotspot ids matched")
    timing: Literal["no_tki", "before_tki", "after_tki", "unknown"] = "no_tki"
    notes: list[str] = Field(default_factory=new_list)


class SecondaryMutation(Out):
    gene: str
    hgvs_p: str | None
    exon: int | None
    region: SecondaryRegion
    source: Literal["tissue", "ctdna"]
    date: dt.date | None = None
    hotspots: list[str] = Field(default_factory=new_list)


class Sensitivity(Out):
    """Sensitivity per GIST TKI. The five named here are the contract's; a drug of class
    ``gist_tki`` added to ``therapy_drugs.yaml`` (with its cells in
    ``genomics_sensitivity.yaml``) appears as a further key without a code change."""

    model_config = ConfigDict(extra="allow")
    __pydantic_extra__: dict[str, SensitivityLevel] = Field(init=False)

    imatinib: SensitivityLevel = "unknown"
    sunitinib: SensitivityLevel = "unknown"
    regorafenib: SensitivityLevel = "unknown"
    ripretinib: SensitivityLevel = "unknown"
    avapritinib: SensitivityLevel = "unknown"


class CitedRemark(Out):
    text: str
    source_ids: list[str] = Field(default_factory=new_list)


class VariantLevelCall(Out):
    """A call made for the exact primary change, before (and over) the exon-level call."""

    id: str = Field(description="id of the call in genomics_variants.yaml")
    gene: str
    hgvs_p: str | None
    label: str = Field(description='e.g. "D842V-like (imatinib-resistant in vitro)"')
    evidence: Literal["clinical", "in_vitro", "review", "extrapolated"] = Field(
        description="in_vitro = laboratory evidence only; extrapolated = no data for the change"
    )
    genotype_class: GenotypeClass | None = Field(
        default=None, description="the class the call moved the driver to, if any"
    )
    drugs: list[str] = Field(
        default_factory=new_list, description="drugs whose sensitivity cell the call replaced"
    )
    text: str
    source_ids: list[str] = Field(default_factory=new_list)
    confidence: Confidence = "secondary"


class VariantLevelResistance(Out):
    """A drug rated resistant for the exact primary variant by a variant-level resistance
    level (OncoKB R1/R2, ``evidence_levels.yaml``) although the exon-level call was not
    ``resistant``; ``sensitivity`` reads ``resistant`` for the drug."""

    drug: str
    level: str = Field(description='the level, e.g. "R2"')
    note: str | None = None
    exon_level: SensitivityLevel = Field(description="what the exon-level class called the drug")
    source_ids: list[str] = Field(default_factory=new_list)
    confidence: Confidence = "secondary"


class GenotypeResult(Out):
    genotype_class: GenotypeClass = Field(alias="class")
    rationale: str = ""
    variants: list[InterpretedVariant] = Field(default_factory=new_list)
    secondary_mutations: list[SecondaryMutation] = Field(default_factory=new_list)
    sensitivity: Sensitivity = Field(default_factory=Sensitivity)
    sensitivity_source_ids: dict[str, list[str]] = Field(default_factory=new_dict)
    sensitivity_notes: dict[str, str] = Field(default_factory=new_dict)
    sensitivity_confidence: dict[str, Confidence] = Field(
        default_factory=new_dict, description="weakest confidence among the cells used, per drug"
    )
    remarks: list[CitedRemark] = Field(default_factory=new_list)
    kit_pdgfra_status: KitPdgfraStatus = "not_tested"
    primary_driver: str | None = Field(default=None, description='e.g. "KIT p.Trp557_Lys558del"')
    missing_tests: list[str] = Field(
        default_factory=new_list, description="tests needed before the class can be called"
    )
    suggested_tests: list[str] = Field(
        default_factory=new_list, description="further work-up advised, not needed for the class"
    )
    germline_testing_advised: bool = False
    class_source_ids: list[str] = Field(default_factory=new_list)
    variant_calls: list[VariantLevelCall] = Field(
        default_factory=new_list,
        description="variant-level calls applied to the primary driver (genomics_variants.yaml)",
    )
    variant_level_resistance: list[VariantLevelResistance] = Field(
        default_factory=new_list,
        description="drugs a variant-level resistance level rates resistant for the exact "
        "primary variant (evidence_levels.yaml)",
    )
    warnings: list[str] = Field(default_factory=new_list)
