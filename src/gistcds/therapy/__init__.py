"""Guideline-based, genotype-directed therapy options and cautions.

The decision tables are data (``knowledge/therapy_rules.yaml`` and friends); this
package only matches their conditions against the patient's facts, ranks the
options and renders them (see ``engine.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from gistcds.domain.patient import Patient
from gistcds.domain.results.genotype import GenotypeResult
from gistcds.domain.results.response import TimepointResponse
from gistcds.domain.results.risk import RiskPanel
from gistcds.domain.results.therapy import Caution, Recommendation
from gistcds.knowledge import KnowledgeBase


@dataclass(frozen=True)
class TherapyAdvice:
    recommendations: list[Recommendation] = field(default_factory=list)
    cautions: list[Caution] = field(default_factory=list)


def canonical_drug_names(patient: Patient, kb: KnowledgeBase) -> Patient:
    """The patient with brand names and other synonyms of each line's drug replaced by the
    INN from ``therapy_drugs.yaml`` (the contract asks for INNs; "Gleevec" must not make a
    different line history for any engine). Unknown names are kept; the therapy engine
    flags them."""
    from gistcds.knowledge.schema import therapy_drugs
    from gistcds.therapy.facts import with_canonical_drugs

    return with_canonical_drugs(patient, kb.table("therapy_drugs", therapy_drugs.Table))


def recommend(
    patient: Patient,
    genotype: GenotypeResult | None,
    risk: RiskPanel,
    response: list[TimepointResponse],
    kb: KnowledgeBase,
) -> TherapyAdvice:
    """Ranked options, best first, and cautions (interactions, inactive drugs, pregnancy,
    hepatic-impairment label advice)."""
    from gistcds.therapy.engine import advise

    advice = advise(patient, genotype, risk, response, kb)
    return TherapyAdvice(recommendations=advice.recommendations, cautions=advice.cautions)
