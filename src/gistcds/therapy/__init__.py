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


def recommend(
    patient: Patient,
    genotype: GenotypeResult | None,
    risk: RiskPanel,
    response: list[TimepointResponse],
    kb: KnowledgeBase,
) -> TherapyAdvice:
    """Ranked options, best first, and cautions (interactions, inactive drugs, pregnancy)."""
    from gistcds.therapy.engine import advise

    advice = advise(patient, genotype, risk, response, kb)
    return TherapyAdvice(recommendations=advice.recommendations, cautions=advice.cautions)
