"""Variant-level resistance: an OncoKB-style resistance level (R1/R2, ``evidence_levels.yaml``)
for the exact primary variant rates a drug resistant in the genotype call, over an exon-level
cell that does not (KIT A829P: the KIT_other class says imatinib ``unknown``, OncoKB R2).

Applied here, beside the variant-level calls of ``genomics_variants.yaml``, so every reader of
the genotype (therapy through ClinicalFacts, prognosis, the cohort columns, the variant
check) sees one sensitivity. The matching of a variant to a cell is the KB table's own
(``evidence_levels.Table.resistance_levels``), the same the option levels use.
"""

from __future__ import annotations

from gistcds.domain.alterations import primary_alterations
from gistcds.domain.results.genotype import GenotypeResult, Sensitivity, VariantLevelResistance
from gistcds.knowledge.schema.evidence_levels import Table

__all__ = ["rate_level_resistance"]


def rate_level_resistance(result: GenotypeResult, levels: Table) -> None:
    """Rate resistant, in ``result`` (sensitivity, its sources, note and confidence), each
    drug a resistance level names for the primary variant although the exon-level call does
    not, and record it in ``result.variant_level_resistance``."""
    present = primary_alterations(result)
    if not present:
        return
    current = result.sensitivity.model_dump()
    found = [
        VariantLevelResistance(
            drug=drug,
            level=lv.value,
            note=lv.note,
            exon_level=current.get(drug, "unknown"),
            source_ids=list(lv.source_ids),
            confidence=lv.confidence,
        )
        for drug, lv in levels.resistance_levels(result.genotype_class, present).items()
        if current.get(drug) != "resistant"
    ]
    if not found:
        return
    result.sensitivity = Sensitivity.model_validate(
        {**current, **{r.drug: "resistant" for r in found}}
    )
    for r in found:
        result.sensitivity_source_ids[r.drug] = list(r.source_ids)
        result.sensitivity_notes[r.drug] = f"variant-level {r.level}: {r.note or 'resistance'}"
        result.sensitivity_confidence[r.drug] = r.confidence
    result.variant_level_resistance = found
