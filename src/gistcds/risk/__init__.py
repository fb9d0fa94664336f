"""Primary-tumour risk and staging: NIH, modified NIH, AFIP, AJCC 8th, MSKCC."""

from __future__ import annotations

from gistcds.domain.patient import Patient
from gistcds.domain.results.risk import RiskPanel
from gistcds.knowledge import KnowledgeBase


def assess_risk(patient: Patient, kb: KnowledgeBase) -> RiskPanel:
    """Every applicable system side by side (not built yet: all null)."""
    return RiskPanel()
