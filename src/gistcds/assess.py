"""The orchestrator: Patient -> Assessment. The only place where engines meet."""

from __future__ import annotations

from gistcds import __version__
from gistcds.domain.assessment import Assessment
from gistcds.domain.patient import Patient
from gistcds.domain.plausibility import implausible_values
from gistcds.followup import plan_followup_from
from gistcds.genomics import canonical_gene_symbols, interpret_genotype
from gistcds.history import (
    canonical_drug_names,
    clinical_facts,
    record_summary,
    unchecked_comedications,
)
from gistcds.knowledge import KnowledgeBase, load_kb
from gistcds.prognosis import estimate_prognosis
from gistcds.response import assess_response_with_summary
from gistcds.risk import assess_risk
from gistcds.therapy import order_by_label, recommend
from gistcds.toxicity import (
    apply_tolerance,
    assess_toxicity,
    event_cautions,
    interruption_cautions,
)
from gistcds.trials import pregnancy_trial_cautions, with_trials


def assess(patient: Patient, kb: KnowledgeBase | None = None) -> Assessment:
    """Run every engine in dependency order; deterministic for a given KB."""
    kb = kb or load_kb()
    record = record_summary(patient)  # what the report echoes: the record as given
    # One vocabulary for every engine: drug INNs and HGNC gene symbols from the KB.
    patient = canonical_gene_symbols(canonical_drug_names(patient, kb), kb)
    genotype = interpret_genotype(patient, kb)
    risk = assess_risk(patient, kb)
    response, response_summary = assess_response_with_summary(patient, kb)
    facts = clinical_facts(patient, genotype, risk, response, kb)
    advice = recommend(facts, kb)
    # Tolerance only removes options (issue 17); trials come after every guideline option.
    guided, tolerance_cautions = apply_tolerance(advice.recommendations, facts, kb)
    # The label ordering holds for the final list: re-applied after the removals.
    guided = order_by_label(guided, facts, kb)
    options = with_trials(guided, facts, kb)
    followup, followup_from = plan_followup_from(facts, kb)
    prognosis = estimate_prognosis(facts, genotype, guided, kb)
    offered = [i.drug for r in guided if r.kind == "systemic" for i in r.regimen]
    side_effects = assess_toxicity(facts, offered, kb)
    held = interruption_cautions(side_effects.toxicity, facts, kb)
    events = event_cautions(side_effects.toxicity, guided, facts, kb)
    return Assessment(
        patient_id=patient.id,
        knowledge_base_version=kb.version,
        gistcds_version=__version__,
        risk=risk,
        genotype=genotype,
        recommendations=options,
        cautions=[
            *events,
            *advice.cautions,
            *tolerance_cautions,
            *held,
            *pregnancy_trial_cautions(facts, kb),
        ],
        response=response,
        response_summary=response_summary,
        prognosis=prognosis,
        followup=followup,
        followup_from=followup_from,
        toxicity=side_effects.toxicity,
        counselling=side_effects.counselling,
        monitoring=side_effects.monitoring,
        patient_guides=side_effects.guides,
        warnings=[
            *implausible_values(patient),
            *unchecked_comedications(patient, kb),
            *(response_summary.warnings if response_summary else []),
            *side_effects.warnings,
        ],
        record=record,
    )
