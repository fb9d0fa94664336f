"""Surveillance schedule from cited guideline intervals (``knowledge/followup.yaml``)."""

from __future__ import annotations

from gistcds.domain.patient import Patient
from gistcds.domain.results.genotype import GenotypeResult
from gistcds.domain.results.risk import RiskPanel
from gistcds.domain.results.therapy import FollowupVisit
from gistcds.knowledge import KnowledgeBase


def plan_followup(
    patient: Patient, risk: RiskPanel, genotype: GenotypeResult | None, kb: KnowledgeBase
) -> list[FollowupVisit]:
    """The coming visits, month by month, from the first schedule whose condition holds."""
    from gistcds.followup.plan import plan

    return plan(patient, risk, genotype, kb)
