"""The read facts: what the record says, flattened into the names rule conditions test.

Nothing here interprets: which lines form the advanced-disease history is the
``advanced_lines`` policy of ``history.yaml``; what counts as progression, high risk or
frailty are the derived rules there (``derive.py``).
"""

from __future__ import annotations

from typing import Any

from gistcds.domain.alterations import primary_alterations
from gistcds.domain.calendar import months_between
from gistcds.domain.patient import Patient, Setting, TherapyLine
from gistcds.domain.results.genotype import GenotypeResult
from gistcds.domain.results.response import TimepointResponse
from gistcds.domain.results.risk import RiskPanel
from gistcds.history.names import canonical_drug, known_drug, match_agents
from gistcds.history.record import above_label, line_fact, line_stop, record_facts
from gistcds.history.tolerance import tolerance_facts
from gistcds.knowledge.schema import history, therapy_drugs, therapy_interactions

__all__ = ["advanced_lines", "read_facts"]

_PERIOPERATIVE = (Setting.adjuvant, Setting.neoadjuvant)


def advanced_lines(patient: Patient, policy: history.AdvancedLines) -> list[TherapyLine]:
    """The recorded lines that are advanced-disease lines under the KB policy."""
    metastatic = patient.is_metastatic
    return [
        ln
        for ln in patient.therapy_lines
        if ln.setting in policy.settings
        or (ln.setting is None and metastatic and policy.unrecorded_setting_when_metastatic)
        or (
            policy.progression_on_perioperative_counts
            and metastatic
            and ln.setting in _PERIOPERATIVE
            and ln.stop_reason is not None
            and ln.stop_reason.value == "progression"
        )
    ]


def _line_facts(
    patient: Patient, policy: history.AdvancedLines, drugs: therapy_drugs.Table
) -> dict[str, Any]:
    """Advanced lines, the latest one, doses and drugs by outcome."""
    lines = advanced_lines(patient, policy)
    names = [canonical_drug(ln.drug, drugs) for ln in lines]
    max_dose: dict[str, float] = {}
    for name, ln in zip(names, lines, strict=True):
        if ln.dose_mg_per_day is not None:
            max_dose[name] = max(max_dose.get(name, 0.0), ln.dose_mg_per_day)
    last = lines[-1] if lines else None
    last_drug = names[-1] if names else "none"
    last_dose = last.dose_mg_per_day if last else None
    stops = [line_stop(ln) for ln in lines]
    return {
        "lines": [line_fact(ln, n) for n, ln in zip(names, lines, strict=True)],
        "n_lines": sum(1 for i, d in enumerate(names) if i == 0 or names[i - 1] != d),
        "drugs_received": sorted(set(names)),
        "drugs_progressed": sorted(
            {n for n, s in zip(names, stops, strict=True) if s == "progression"}
        ),
        "drugs_intolerant": sorted(
            {n for n, s in zip(names, stops, strict=True) if s == "toxicity"}
        ),
        "max_dose": max_dose,
        "last_drug": last_drug,
        "last_dose": last_dose,
        "last_stop": stops[-1] if stops else "none",
        "last_recorded_progression": last.progression.value
        if last is not None and last.progression is not None
        else "none",
        "last_best_response": last.best_response.value if last and last.best_response else None,
        "last_line_months": round(months_between(last.start, last.end), 1)
        if last is not None and last.start and last.end
        else None,
        "last_dose_reducible": drugs.reduced_dose(last_drug, last_dose) is not None,
        "last_dose_above_label": above_label(last_drug, last_dose, drugs) is not None,
        "unknown_drugs": [
            f'therapy line {i}: "{ln.drug}"'
            for i, ln in enumerate(patient.therapy_lines, start=1)
            if not known_drug(ln.drug, drugs)
        ],
    }


def _perioperative_facts(patient: Patient, drugs: therapy_drugs.Table) -> dict[str, Any]:
    periop = [ln for ln in patient.therapy_lines if ln.setting in _PERIOPERATIVE]
    adjuvant = [ln for ln in periop if ln.setting == Setting.adjuvant]
    neoadjuvant = [ln for ln in periop if ln.setting == Setting.neoadjuvant]
    return {
        "adjuvant_drugs": sorted({canonical_drug(ln.drug, drugs) for ln in periop}),
        "adjuvant_ongoing": any(line_stop(ln) == "ongoing" for ln in adjuvant),
        "adjuvant_last_stop": line_stop(adjuvant[-1]) if adjuvant else "none",
        "neoadjuvant_given": bool(neoadjuvant),
        "neoadjuvant_ongoing": any(line_stop(ln) == "ongoing" for ln in neoadjuvant),
    }


def _imaging_facts(response: list[TimepointResponse], last: TherapyLine | None) -> dict[str, Any]:
    """The latest time point, if it belongs to the current line (a scan dated before the
    latest line started says nothing about the current drug)."""
    latest = response[-1] if response else None
    if latest is not None and last is not None and last.start and latest.date < last.start:
        latest = None
    latest_pd = latest is not None and "PD" in (latest.recist, latest.choi)
    image_pattern = latest.progression_pattern if latest is not None and latest_pd else None
    if last is None:
        pattern = "none"
    elif last.progression is not None:
        pattern = last.progression.value
    else:
        pattern = image_pattern or "unknown"
    return {
        "last_pattern": pattern,
        "latest_recist": latest.recist if latest else "none",
        "latest_choi": latest.choi if latest else "none",
        "latest_discordance": (latest.discordance_kind or "none") if latest else "none",
        "latest_target": latest.recist_target if latest else "none",
        "latest_note_kinds": list(latest.note_kinds) if latest else [],
        "latest_reading": latest.reading.code if latest and latest.reading else "none",
        "months_on_line": round(months_between(last.start, latest.date), 1)
        if latest is not None and last is not None and last.start
        else None,
    }


_BEST_FIRST = ("CR", "PR", "SD", "PD", "NE")


def _line_best_recist(
    patient: Patient, response: list[TimepointResponse], last: TherapyLine | None
) -> str | None:
    """The best RECIST reading of the time points taken on the latest line, only when the
    imaging baseline is that line's own (taken before its start, with no other line started
    in between: baselines do not reset per line, review O-4); None otherwise."""
    if last is None or last.start is None or not patient.imaging:
        return None
    baseline = patient.imaging[0].date
    if baseline > last.start or any(
        ln is not last and ln.start is not None and baseline < ln.start <= last.start
        for ln in patient.therapy_lines
    ):
        return None
    on_line = [
        tp.recist
        for tp in response
        if last.start <= tp.date and (last.end is None or tp.date <= last.end)
    ]
    return min(on_line, key=_BEST_FIRST.index) if on_line else None


def _tested_negative(
    genotype: GenotypeResult | None, tested: set[str], variant_genes: set[str]
) -> bool:
    """KIT and PDGFRA tested without an activating driver. The genotype engine decides
    when it called the status (a truncating KIT change is not a driver: wild type);
    otherwise: both genes tested and no variant in either."""
    if genotype is not None and genotype.kit_pdgfra_status in ("wild_type", "mutant"):
        return genotype.kit_pdgfra_status == "wild_type"
    return {"KIT", "PDGFRA"} <= tested and not ({"KIT", "PDGFRA"} & variant_genes)


def _discordant(genotype: GenotypeResult | None) -> bool:
    """The genotype engine found KIT/PDGFRA drivers but no single primary class: more than
    one candidate primary driver of different classes was reported."""
    return (
        genotype is not None
        and genotype.kit_pdgfra_status == "mutant"
        and genotype.genotype_class == "unclassified"
        and sum(v.role == "primary" for v in genotype.variants) > 1
    )


def _genotype_facts(patient: Patient, genotype: GenotypeResult | None) -> dict[str, Any]:
    molecular = patient.molecular
    tested = set(molecular.tested_genes) if molecular else set()
    variant_genes = {v.gene for v in molecular.variants} if molecular else set()
    return {
        "genotype": genotype.genotype_class if genotype else "none",
        "alterations": primary_alterations(genotype),
        "secondary_regions": sorted({s.region for s in genotype.secondary_mutations})
        if genotype
        else [],
        "sensitivity": genotype.sensitivity.model_dump() if genotype else {},
        "sensitivity_source_ids": dict(genotype.sensitivity_source_ids) if genotype else {},
        "variant_level_resistance": tuple(genotype.variant_level_resistance) if genotype else (),
        "kit_pdgfra_tested": {"KIT", "PDGFRA"} <= (tested | variant_genes),
        "kit_pdgfra_tested_negative": _tested_negative(genotype, tested, variant_genes),
        "discordant_drivers": _discordant(genotype),
        "sdhb_ihc": molecular.sdhb_ihc.value
        if molecular is not None and molecular.sdhb_ihc is not None
        else "unknown",
    }


def _disease_facts(patient: Patient, risk: RiskPanel) -> dict[str, Any]:
    primary = patient.primary
    if patient.is_metastatic:
        setting = "metastatic"
    elif primary is not None:
        setting = "localized"
    else:
        setting = "unknown"
    return {
        "setting": setting,
        "advanced_disease": patient.is_metastatic
        or any(x.setting == Setting.metastatic for x in patient.therapy_lines),
        "resection": primary.resection.value
        if primary is not None and primary.resection is not None
        else "unknown",
        "rupture": primary.rupture if primary is not None else None,
        "nodes": primary.nodes.value
        if primary is not None and primary.nodes is not None
        else "unknown",
        "site": primary.site if primary is not None else None,
        "size_cm": primary.size_cm if primary is not None else None,
        "risk_nih": risk.nih.category if risk.nih else "unknown",
        "risk_modified_nih": risk.modified_nih.category if risk.modified_nih else "unknown",
        "risk_afip": (risk.afip.category or "unknown") if risk.afip else "unknown",
    }


def _person_facts(patient: Patient, interactions: therapy_interactions.Table) -> dict[str, Any]:
    matched = match_agents(patient.comedications, interactions)
    renal = patient.renal
    return {
        "age_years": patient.age_years,
        "sex": patient.sex,
        "ecog": patient.ecog,
        "pregnant": patient.pregnant,
        "breastfeeding": patient.breastfeeding,
        "hepatic_impairment": patient.hepatic_impairment.value
        if patient.hepatic_impairment is not None
        else "unknown",
        "creatinine_clearance_ml_min": renal.creatinine_clearance_ml_min if renal else None,
        "comedications": matched,
        "comedication_effects": sorted({m.effect for m in matched}),
    }


def read_facts(
    patient: Patient,
    genotype: GenotypeResult | None,
    risk: RiskPanel,
    response: list[TimepointResponse],
    policy: history.AdvancedLines,
    drugs: therapy_drugs.Table,
    interactions: therapy_interactions.Table,
) -> dict[str, Any]:
    """Every read fact for one patient (field names of ClinicalFacts)."""
    lines = advanced_lines(patient, policy)
    return {
        **_genotype_facts(patient, genotype),
        **_disease_facts(patient, risk),
        **_person_facts(patient, interactions),
        **_line_facts(patient, policy, drugs),
        **_perioperative_facts(patient, drugs),
        **_imaging_facts(response, lines[-1] if lines else None),
        "line_best_recist": _line_best_recist(patient, response, lines[-1] if lines else None),
        **record_facts(patient, drugs),
        "tolerance": tolerance_facts(patient, drugs),
    }
