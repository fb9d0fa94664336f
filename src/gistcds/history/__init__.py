"""The clinical state, derived once per assessment (``ClinicalFacts``).

``clinical_facts`` reads the record (patient, genotype, risk panel, response list) into
the named facts the rule tables test and applies the derived rules of
``knowledge/history.yaml`` (what happened on the latest line, high risk, adjuvant
candidacy, frailty, organ function). Therapy, follow-up, prognosis and every later engine
take the result as input: no engine rebuilds the clinical state or imports another
engine's internals to get it.

``record_summary`` copies what the report shows of the record (``RecordSummary``): the
outputs render the assessment and never read the raw record.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from gistcds.domain.facts import ClinicalFacts
    from gistcds.domain.patient import Patient
    from gistcds.domain.results.genotype import GenotypeResult
    from gistcds.domain.results.record import RecordSummary
    from gistcds.domain.results.response import TimepointResponse
    from gistcds.domain.results.risk import RiskPanel
    from gistcds.knowledge import KnowledgeBase

__all__ = [
    "canonical_drug_names",
    "clinical_facts",
    "record_summary",
    "unchecked_comedications",
]


def canonical_drug_names(patient: Patient, kb: KnowledgeBase) -> Patient:
    """The patient with brand names and other synonyms of each line's drug replaced by the
    INN from ``therapy_drugs.yaml`` (the contract asks for INNs; "Gleevec" must not make a
    different line history for any engine). Unknown names are kept; the facts list them."""
    from gistcds.history.names import with_canonical_drugs
    from gistcds.knowledge.schema import therapy_drugs

    return with_canonical_drugs(patient, kb.get(therapy_drugs.Table))


def clinical_facts(
    patient: Patient,
    genotype: GenotypeResult | None,
    risk: RiskPanel,
    response: list[TimepointResponse],
    kb: KnowledgeBase,
) -> ClinicalFacts:
    """The patient's ClinicalFacts: read facts plus the derived facts of history.yaml."""
    from gistcds.domain.facts import ClinicalFacts
    from gistcds.history.derive import apply_derived
    from gistcds.history.read import read_facts
    from gistcds.knowledge.schema import history, therapy_drugs, therapy_interactions

    table = kb.get(history.Table)
    read = read_facts(
        patient,
        genotype,
        risk,
        response,
        table.advanced_lines,
        kb.get(therapy_drugs.Table),
        kb.get(therapy_interactions.Table),
    )
    return ClinicalFacts.model_validate(apply_derived(table.derived, read))


def unchecked_comedications(patient: Patient, kb: KnowledgeBase) -> list[str]:
    """A warning per comedication that names no agent of the CYP3A4 interaction table: the
    record asked about it, the output says it was not checked (brand names included)."""
    from gistcds.history.names import unmatched_comedications
    from gistcds.knowledge.schema import therapy_interactions

    table = kb.get(therapy_interactions.Table)
    return [
        f"comedications: {med!r} is not in the CYP3A4 interaction table: not checked for "
        "interactions; check it against the TKI label (brand names: record the INN)"
        for med in unmatched_comedications(list(patient.comedications), table)
    ]


def record_summary(patient: Patient) -> RecordSummary:
    """What the report shows of the record (the Patient section, the treatment timeline,
    the "not applicable" reasons), so that no output reads the raw record."""
    from gistcds.history.summary import record_summary as summary

    return summary(patient)
