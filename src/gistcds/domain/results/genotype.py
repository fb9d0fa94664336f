"""Genotype interpretation results (genomics/ engine fills these)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field

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
SecondaryRegion = Literal["KIT_ATP_pocket", "KIT_activation_loop", "other"]
SensitivityLevel = Literal["sensitive", "intermediate", "resistant", "unknown"]


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
    role: Literal["primary", "secondary", "unknown"] = "unknown"
    classified: bool = True
    reason: str | None = None


class SecondaryMutation(Out):
    gene: str
    hgvs_p: str | None
    exon: int | None
    region: SecondaryRegion
    source: Literal["tissue", "ctdna"]
    date: dt.date | None = None


class Sensitivity(Out):
    imatinib: SensitivityLevel = "unknown"
    sunitinib: SensitivityLevel = "unknown"
    regorafenib: SensitivityLevel = "unknown"
    ripretinib: SensitivityLevel = "unknown"
    avapritinib: SensitivityLevel = "unknown"


class CitedRemark(Out):
    text: str
    source_ids: list[str] = Field(default_factory=list)


class GenotypeResult(Out):
    genotype_class: GenotypeClass = Field(alias="class")
    rationale: str = ""
    variants: list[InterpretedVariant] = Field(default_factory=list)
    secondary_mutations: list[SecondaryMutation] = Field(default_factory=list)
    sensitivity: Sensitivity = Field(default_factory=Sensitivity)
    sensitivity_source_ids: dict[str, list[str]] = Field(default_factory=dict)
    remarks: list[CitedRemark] = Field(default_factory=list)
