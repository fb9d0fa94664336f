"""Guideline-based, genotype-directed therapy options and cautions.

The decision tables are data (``knowledge/therapy_rules.yaml`` and friends); this
package only matches their conditions against the patient's ClinicalFacts, ranks the
options and renders them (see ``engine.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from gistcds.domain.results.therapy import Caution, Recommendation

if TYPE_CHECKING:
    from gistcds.domain.facts import ClinicalFacts
    from gistcds.knowledge import KnowledgeBase

__all__ = ["TherapyAdvice", "order_by_label", "recommend"]


@dataclass(frozen=True)
class TherapyAdvice:
    recommendations: list[Recommendation] = field(default_factory=list)
    cautions: list[Caution] = field(default_factory=list)


def recommend(facts: ClinicalFacts, kb: KnowledgeBase) -> TherapyAdvice:
    """Ranked options, best first, and cautions (variant-level resistance, interactions,
    inactive drugs, pregnancy, hepatic-impairment label advice)."""
    from gistcds.therapy.engine import advise

    advice = advise(facts, kb)
    return TherapyAdvice(recommendations=advice.recommendations, cautions=advice.cautions)


def order_by_label(
    recs: list[Recommendation], facts: ClinicalFacts, kb: KnowledgeBase
) -> list[Recommendation]:
    """The label ordering re-applied to the final list, after every removal (tolerance):
    a label-restricted (not recommended / contraindicated) option is never first and never
    the only treatment; when nothing unrestricted remains the supportive-care/trial (or
    tumour-board) block comes first and says why."""
    from gistcds.knowledge.schema import evidence_levels, therapy_drugs, therapy_label_limits
    from gistcds.therapy import limits
    from gistcds.therapy.levels import with_levels

    ordered = limits.order_by_label(
        recs, facts, kb.get(therapy_label_limits.Table), kb.get(therapy_drugs.Table)
    )
    return with_levels(ordered, facts, kb.get(evidence_levels.Table))
