"""Patients the survival trials did not enrol (issue 12): severe organ impairment or
ECOG 3-4. Read from ClinicalFacts (history engine); the states and what the sources say
come from ``prognosis_factors.yaml`` ``outside_trial_populations``."""

from __future__ import annotations

from gistcds.domain.facts import ClinicalFacts
from gistcds.knowledge.schema.prognosis_factors import OutsideTrials
from gistcds.prognosis.notes import Note

__all__ = ["outside_trials_note"]


def _holds(entry: OutsideTrials, facts: ClinicalFacts) -> bool:
    value = getattr(facts, entry.fact)
    if entry.fact == "hepatic_class" and value is None:
        value = facts.hepatic_impairment
    if value is None or value == "unknown":
        return False
    if entry.op == "eq":
        return bool(value == entry.value)
    if isinstance(value, str) or isinstance(entry.value, str):
        return False
    number, bound = float(value), float(entry.value)
    return number >= bound if entry.op == "ge" else number < bound


def outside_trials_note(entries: list[OutsideTrials], facts: ClinicalFacts) -> Note | None:
    """One note naming every state the patient is in that the trials excluded, or None."""
    hits = [e for e in entries if _holds(e, facts)]
    if not hits:
        return None
    said = "; ".join(f"{e.label}: {e.evidence} [{', '.join(e.source_ids)}]" for e in hits)
    return Note(
        "outside_trial_population",
        "Trial populations excluded patients like this one, so these survival estimates may "
        f"overstate survival and no published figure describes this group. {said}.",
    )
