"""Per-drug tolerance facts for the therapy ranking (to be fed through ClinicalFacts).

Issue 17's ranking effects need, per drug the patient has had: the worst CTCAE grade recorded
on it, whether an event was life-threatening (grade >= 4), whether a line ended for toxicity
without progression, the last dose and the label's next lower level. This module derives them;
it decides nothing about the ranking itself.
"""

from __future__ import annotations

from dataclasses import dataclass

from gistcds.domain.patient import Patient, StopReason
from gistcds.knowledge import KnowledgeBase
from gistcds.knowledge.schema.therapy_drugs import Table as Drugs
from gistcds.knowledge.schema.toxicity_dose_modifications import Table as DoseMods
from gistcds.toxicity.engine import drug_inn
from gistcds.toxicity.rules import next_level

__all__ = ["DrugTolerance", "tolerance"]


@dataclass(frozen=True)
class DrugTolerance:
    drug: str
    worst_grade: int | None
    life_threatening: bool
    stopped_for_toxicity: bool
    progressed: bool
    last_dose_mg_per_day: float | None
    label_reduced_dose: float | None
    below_label_levels: bool

    @property
    def intolerant_without_progression(self) -> bool:
        return self.stopped_for_toxicity and not self.progressed


def tolerance(patient: Patient, kb: KnowledgeBase) -> list[DrugTolerance]:
    """One record per drug that appears in the therapy lines or the adverse events."""
    drugs = kb.get(Drugs)
    mods = kb.get(DoseMods)
    names = [drug_inn(t.drug, drugs) for t in patient.therapy_lines]
    names += [drug_inn(e.drug, drugs) for e in patient.adverse_events if e.drug]
    out: list[DrugTolerance] = []
    for drug in dict.fromkeys(names):
        lines = [t for t in patient.therapy_lines if drug_inn(t.drug, drugs) == drug]
        grades = [
            e.grade for e in patient.adverse_events if e.drug and drug_inn(e.drug, drugs) == drug
        ]
        doses = [t.dose_mg_per_day for t in lines if t.dose_mg_per_day is not None]
        last = doses[-1] if doses else None
        table = mods.for_drug(drug)
        reduced = next_level(table.levels, last) if table and last is not None else None
        out.append(
            DrugTolerance(
                drug=drug,
                worst_grade=max(grades) if grades else None,
                life_threatening=any(g >= 4 for g in grades),
                stopped_for_toxicity=any(t.stop_reason is StopReason.toxicity for t in lines),
                progressed=any(
                    t.stop_reason is StopReason.progression or t.progression is not None
                    for t in lines
                ),
                last_dose_mg_per_day=last,
                label_reduced_dose=reduced,
                below_label_levels=bool(table and last is not None and last < table.levels[-1]),
            )
        )
    return out
