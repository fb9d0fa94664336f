"""Tolerance facts per drug, read from ``adverse_events`` and the therapy lines (issue 17).

For each drug the record names (a line or an attributed adverse event): the worst CTCAE
grade recorded on it, whether an event was life-threatening (CTCAE grade 4 is defined as
"life-threatening consequences"; grade 5 is death), the dose the drug was given at when
that happened, whether a line of it ended for toxicity, and whether the disease progressed
on it. Nothing here decides what the ranking does with them (``toxicity_ranking.yaml``).
"""

from __future__ import annotations

from gistcds.domain.facts import ToleranceFact
from gistcds.domain.patient import Patient, TherapyLine
from gistcds.domain.toxicity_input import AdverseEvent
from gistcds.history.names import canonical_drug
from gistcds.knowledge.schema import therapy_drugs

__all__ = ["tolerance_facts"]

LIFE_THREATENING_GRADE = 4


def _dose_at(event: AdverseEvent, lines: list[TherapyLine]) -> float | None:
    """The dose of the line running at the event's onset, else of the latest line."""
    if event.onset is not None:
        for ln in reversed(lines):
            started = ln.start is None or ln.start <= event.onset
            running = ln.end is None or event.onset <= ln.end
            if started and running and ln.dose_mg_per_day is not None:
                return ln.dose_mg_per_day
    doses = [ln.dose_mg_per_day for ln in lines if ln.dose_mg_per_day is not None]
    return doses[-1] if doses else None


def _fact(drug: str, lines: list[TherapyLine], events: list[AdverseEvent]) -> ToleranceFact:
    severe = [e for e in events if e.grade >= LIFE_THREATENING_GRADE]
    severe_doses = [d for d in (_dose_at(e, lines) for e in severe) if d is not None]
    doses = [ln.dose_mg_per_day for ln in lines if ln.dose_mg_per_day is not None]
    return ToleranceFact(
        drug=drug,
        worst_grade=max((e.grade for e in events), default=None),
        life_threatening=bool(severe),
        severe_event_dose_mg_per_day=min(severe_doses) if severe_doses else None,
        stopped_for_toxicity=any(
            ln.stop_reason is not None and ln.stop_reason.value == "toxicity" for ln in lines
        ),
        progressed=any(
            (ln.stop_reason is not None and ln.stop_reason.value == "progression")
            or ln.progression is not None
            for ln in lines
        ),
        lowest_dose_mg_per_day=min(doses) if doses else None,
    )


def tolerance_facts(patient: Patient, drugs: therapy_drugs.Table) -> list[ToleranceFact]:
    """One record per drug of the therapy lines or the attributed adverse events."""
    line_names = [canonical_drug(ln.drug, drugs) for ln in patient.therapy_lines]
    event_names = [
        canonical_drug(e.drug, drugs) if e.drug else None for e in patient.adverse_events
    ]
    out: list[ToleranceFact] = []
    for drug in dict.fromkeys([*line_names, *(n for n in event_names if n)]):
        lines = [ln for ln, n in zip(patient.therapy_lines, line_names, strict=True) if n == drug]
        events = [e for e, n in zip(patient.adverse_events, event_names, strict=True) if n == drug]
        out.append(_fact(drug, lines, events))
    return out
