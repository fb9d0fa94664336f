"""Levels of evidence per option: ESMO grade, NCCN category and an OncoKB-style
variant-drug level for the patient's genotype x each drug (``evidence_levels.yaml``).

A level comes from the genotype x drug cell (a cell restricted to named alterations wins
when the patient's primary driver is one of them), else from a guideline position of the
rule that states a grade; otherwise it is "not captured", never guessed. Trial options
carry no level (a trial is not a graded recommendation).
"""

from __future__ import annotations

from gistcds.domain.facts import ClinicalFacts
from gistcds.domain.results.genotype import GenotypeClass
from gistcds.domain.results.therapy import Caution, LevelSystem, OptionLevel, Recommendation
from gistcds.knowledge.schema import evidence_levels as L

__all__ = ["SYSTEMS", "resistance_cautions", "with_levels"]

SYSTEMS: tuple[LevelSystem, ...] = ("esmo", "nccn", "variant_level")
_GUIDELINE_PREFIX: dict[LevelSystem, str] = {"esmo": "ESMO", "nccn": "NCCN"}


def _from_position(
    rec: Recommendation, system: LevelSystem, drug: str | None
) -> OptionLevel | None:
    prefix = _GUIDELINE_PREFIX.get(system)
    for p in rec.positions:
        if prefix and p.level and p.guideline.upper().startswith(prefix):
            return OptionLevel(
                system=system,
                drug=drug,
                value=p.level,
                context=p.guideline,
                note=p.statement,
                source_ids=list(p.source_ids),
                confidence=p.confidence,
            )
    return None


def _level(
    system: LevelSystem,
    drug: str | None,
    genotype: GenotypeClass | None,
    cells: list[L.Cell],
    rec: Recommendation,
) -> OptionLevel:
    for cell in cells:
        got: L.Level | None = getattr(cell, system)
        if got is not None:
            return OptionLevel(
                system=system,
                drug=drug,
                genotype=genotype,
                value=got.value,
                context=got.context,
                note=got.note,
                source_ids=list(got.source_ids),
                confidence=got.confidence,
            )
    found = _from_position(rec, system, drug)
    if found is not None:
        return found
    note = next((c.note for c in cells if c.note), None) if system == "variant_level" else None
    return OptionLevel(system=system, drug=drug, genotype=genotype, value=L.NOT_CAPTURED, note=note)


def _drug_keys(rec: Recommendation, table: L.Table) -> list[str]:
    drugs = [r.drug for r in rec.regimen]
    combined = "+".join(drugs)
    if len(drugs) > 1 and any(c.drug == combined for c in table.cells):
        return [combined]
    return list(dict.fromkeys(drugs))


def option_levels(rec: Recommendation, facts: ClinicalFacts, table: L.Table) -> list[OptionLevel]:
    """The levels of one option, one per system and drug."""
    if rec.kind == "trial":
        return []
    genotype = None if facts.genotype == "none" else facts.genotype  # "none": engine not run
    if not rec.regimen:  # no drug: a genotype x drug level does not apply
        return [_level(s, None, genotype, [], rec) for s in SYSTEMS if s != "variant_level"]
    out: list[OptionLevel] = []
    for drug in _drug_keys(rec, table):
        cells = table.cells_for(facts.genotype, drug, facts.alterations)
        out.extend(_level(s, drug, genotype, cells, rec) for s in SYSTEMS)
    return out


def with_levels(
    recs: list[Recommendation], facts: ClinicalFacts, table: L.Table
) -> list[Recommendation]:
    """The options with their ``levels`` filled in."""
    return [r.model_copy(update={"levels": option_levels(r, facts, table)}) for r in recs]


def resistance_cautions(facts: ClinicalFacts) -> list[Caution]:
    """One caution per drug the genotype interpretation rated resistant from a
    variant-level resistance level (OncoKB R1/R2) for the exact primary variant although the
    exon-level class did not (``GenotypeResult.variant_level_resistance``). The genotype's
    sensitivity already reads ``resistant`` for them, so the one rule for a resistant primary
    (MF-PRIMARY-RES, no adjuvant or pre-operative imatinib) applies whichever source rates
    it resistant; the caution says which level did."""
    changed = " ".join(facts.alterations) or facts.genotype
    return [
        Caution(
            code=f"variant_level_resistance_{r.drug}",
            message=(
                f"Variant-level evidence: {changed} with {r.drug} is level {r.level} "
                f"({r.note or 'resistance'}), although the exon-level class calls {r.drug} "
                f"{r.exon_level}: the therapy rules treat {r.drug} as "
                "resistant, as for a resistant genotype call; discuss at a sarcoma tumour board."
            ),
            source_ids=list(r.source_ids),
            severity="warning",
            confidence=r.confidence,
            rule_id="VL-RESISTANCE",
        )
        for r in facts.variant_level_resistance
    ]
