"""Levels of evidence per option: ESMO grade, NCCN category and an OncoKB-style
variant-drug level for the patient's genotype x each drug (``evidence_levels.yaml``).

A level comes from the genotype x drug cell (a cell restricted to named alterations wins
when the patient's primary driver is one of them), else from a guideline position of the
rule that states a grade; otherwise it is "not captured", never guessed. Trial options
carry no level (a trial is not a graded recommendation).
"""

from __future__ import annotations

from gistcds.domain.facts import ClinicalFacts
from gistcds.domain.results.therapy import Caution, LevelSystem, OptionLevel, Recommendation
from gistcds.knowledge.schema import evidence_levels as L

__all__ = ["SYSTEMS", "level_resistance", "with_levels"]

SYSTEMS: tuple[LevelSystem, ...] = ("esmo", "nccn", "variant_level")
_GUIDELINE_PREFIX: dict[LevelSystem, str] = {"esmo": "ESMO", "nccn": "NCCN"}


def _alteration_hit(wanted: str, present: tuple[str, ...]) -> bool:
    """'D816' matches D816V and D816H; a full change ('Y823D', 'D842_H845del') only itself."""
    for p in present:
        if p == wanted or (
            wanted[-1].isdigit() and p.startswith(wanted) and not p[len(wanted)].isdigit()
        ):
            return True
    return False


def _cells(table: L.Table, genotype: str, drug: str, present: tuple[str, ...]) -> list[L.Cell]:
    """Cells for this genotype and drug, alteration-specific ones that apply first."""
    own = [c for c in table.cells if c.drug == drug and genotype in c.genotypes]
    specific = [
        c for c in own if c.alterations and any(_alteration_hit(a, present) for a in c.alterations)
    ]
    return specific + [c for c in own if not c.alterations]


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
    system: LevelSystem, drug: str | None, genotype: str, cells: list[L.Cell], rec: Recommendation
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
    genotype = facts.genotype
    if not rec.regimen:  # no drug: a genotype x drug level does not apply
        return [_level(s, None, genotype, [], rec) for s in SYSTEMS if s != "variant_level"]
    out: list[OptionLevel] = []
    for drug in _drug_keys(rec, table):
        cells = _cells(table, genotype, drug, facts.alterations)
        out.extend(_level(s, drug, genotype, cells, rec) for s in SYSTEMS)
    return out


def with_levels(
    recs: list[Recommendation], facts: ClinicalFacts, table: L.Table
) -> list[Recommendation]:
    """The options with their ``levels`` filled in."""
    return [r.model_copy(update={"levels": option_levels(r, facts, table)}) for r in recs]


def _resistance_levels(facts: ClinicalFacts, table: L.Table) -> dict[str, L.Level]:
    """Drugs with a resistance level (R1/R2) for the patient's primary genotype and exact
    primary alteration (the first cell that gives a variant level decides, as for the
    option levels)."""
    out: dict[str, L.Level] = {}
    for drug in dict.fromkeys(c.drug for c in table.cells):
        cells = _cells(table, facts.genotype, drug, facts.alterations)
        got = next((c.variant_level for c in cells if c.variant_level is not None), None)
        if got is not None and got.value.upper().startswith("R"):
            out[drug] = got
    return out


def level_resistance(
    facts: ClinicalFacts, table: L.Table
) -> tuple[dict[str, list[str]], list[Caution]]:
    """Drugs a variant-level resistance level (OncoKB R1/R2) rates resistant for the
    patient's exact primary variant although the genotype call does not, with their source
    ids, and one caution each. The orchestrator feeds them back into the genotype's
    sensitivity, so the one rule for a resistant primary (MF-PRIMARY-RES, no adjuvant or
    pre-operative imatinib) applies whichever source rates it resistant."""
    found = {
        d: lv
        for d, lv in _resistance_levels(facts, table).items()
        if facts.sensitivity.get(d) != "resistant"
    }
    changed = " ".join(facts.alterations) or facts.genotype
    cautions = [
        Caution(
            code=f"variant_level_resistance_{drug}",
            message=(
                f"Variant-level evidence: {changed} with {drug} is level {lv.value} "
                f"({lv.note or 'resistance'}), although the exon-level class calls {drug} "
                f"{facts.sensitivity.get(drug, 'unknown')}: the therapy rules treat {drug} as "
                "resistant, as for a resistant genotype call; discuss at a sarcoma tumour board."
            ),
            source_ids=list(lv.source_ids),
            severity="warning",
            confidence=lv.confidence,
            rule_id="VL-RESISTANCE",
        )
        for drug, lv in found.items()
    ]
    return {d: list(lv.source_ids) for d, lv in found.items()}, cautions
