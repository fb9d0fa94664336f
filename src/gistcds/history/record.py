"""Record facts the later engines read instead of the record: every therapy line (any
setting), the adverse events, the labs and the dates follow-up counts from.

Only reading and naming (drugs by their INN, x ULN ratios); nothing is interpreted here.
"""

from __future__ import annotations

from typing import Any

from gistcds.domain.facts import AdverseEventFact, LineFact, LineStop
from gistcds.domain.patient import Patient, Setting, TherapyLine
from gistcds.history.names import canonical_drug
from gistcds.knowledge.schema import therapy_drugs

__all__ = ["above_label", "line_fact", "line_stop", "record_facts"]


def line_stop(line: TherapyLine) -> LineStop:
    """How the line ended: its stop reason; ``ongoing`` without one and without an end
    date; ``other`` with an end date but no reason."""
    if line.stop_reason is not None:
        return line.stop_reason.value
    return "ongoing" if line.end is None else "other"


def line_fact(line: TherapyLine, drug: str) -> LineFact:
    """The line with its drug named ``drug`` (the INN)."""
    return LineFact(
        drug=drug,
        dose_mg_per_day=line.dose_mg_per_day,
        start=line.start,
        end=line.end,
        stop=line_stop(line),
        setting=line.setting,
    )


def _lab_facts(patient: Patient) -> dict[str, Any]:
    labs = patient.labs
    if labs is None:
        return {}
    alt, alt_uln = labs.alt_u_per_l, labs.alt_uln_u_per_l
    bili, bili_uln = labs.bilirubin_umol_per_l, labs.bilirubin_uln_umol_per_l
    ast, ast_uln = labs.ast_u_per_l, labs.ast_uln_u_per_l
    alt_x = alt / alt_uln if alt is not None and alt_uln else None
    ast_x = ast / ast_uln if ast is not None and ast_uln else None
    return {
        "neutrophils_10e9_per_l": labs.neutrophils_10e9_per_l,
        "hemoglobin_g_per_dl": labs.hemoglobin_g_per_dl,
        "albumin_g_per_l": labs.albumin_g_per_l,
        "platelets_10e9_per_l": labs.platelets_10e9_per_l,
        "alt_x_uln": alt_x,
        "bilirubin_x_uln": bili / bili_uln if bili is not None and bili_uln else None,
        "ast_x_uln": ast_x,
        "transaminases_x_uln": max((x for x in (alt_x, ast_x) if x is not None), default=None),
    }


def _events(patient: Patient, drugs: therapy_drugs.Table) -> list[AdverseEventFact]:
    return [
        AdverseEventFact(
            term=e.term,
            grade=e.grade,
            drug=canonical_drug(e.drug, drugs) if e.drug is not None else None,
            onset=e.onset,
            resolved=e.resolved,
            recurrence=e.recurrence,
        )
        for e in patient.adverse_events
    ]


def above_label(drug: str, dose: float | None, drugs: therapy_drugs.Table) -> float | None:
    """The label's highest daily dose of ``drug`` when ``dose`` exceeds it, else None."""
    entry = drugs.drug(drug)
    top = entry.label_max_mg_per_day if entry is not None else None
    return top if top is not None and dose is not None and dose > top else None


def _doses_above_label(patient: Patient, drugs: therapy_drugs.Table) -> list[str]:
    """One phrase per line whose recorded dose exceeds the label's highest daily dose."""
    out = []
    for i, ln in enumerate(patient.therapy_lines, start=1):
        name = canonical_drug(ln.drug, drugs)
        top = above_label(name, ln.dose_mg_per_day, drugs)
        if top is not None:
            out.append(
                f"therapy line {i}: {name} {ln.dose_mg_per_day:g} mg/day, "
                f"label maximum {top:g} mg/day"
            )
    return out


def record_facts(patient: Patient, drugs: therapy_drugs.Table) -> dict[str, Any]:
    """The record facts for one patient (field names of ClinicalFacts)."""
    primary = patient.primary
    adjuvant_ends = [
        ln.end for ln in patient.therapy_lines if ln.setting == Setting.adjuvant and ln.end
    ]
    cardiac = patient.cardiac
    return {
        **_lab_facts(patient),
        "lvef_pct": cardiac.lvef_pct if cardiac is not None else None,
        "qtc_ms": cardiac.qtc_ms if cardiac is not None else None,
        "mitotic_count": primary.mitoses.count if primary and primary.mitoses else None,
        "resection_date": primary.resection_date if primary is not None else None,
        "adjuvant_end": max(adjuvant_ends) if adjuvant_ends else None,
        "therapy_lines": [
            line_fact(ln, canonical_drug(ln.drug, drugs)) for ln in patient.therapy_lines
        ],
        "adverse_events": _events(patient, drugs),
        "doses_above_label": _doses_above_label(patient, drugs),
    }
