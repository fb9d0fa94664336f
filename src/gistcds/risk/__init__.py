"""Primary-tumour risk and staging: NIH 2002, modified NIH 2008, AFIP 2006, AJCC 8th, MSKCC.

One module per system (``nih``, ``modified_nih``, ``afip``, ``ajcc8``, ``mskcc``); every cut-off
and cell is in the knowledge base (``risk_*.yaml``), compiled once by ``tables``. ``panel``
decides which systems apply; ``batch`` is the vectorised path over a cohort, which reads the
same compiled tables. See docs/risk.md.
"""

from __future__ import annotations

from gistcds.domain.patient import Patient
from gistcds.domain.results.risk import RiskPanel
from gistcds.knowledge import KnowledgeBase
from gistcds.risk.inputs import RiskInput, inputs_from_patient
from gistcds.risk.panel import score
from gistcds.risk.tables import risk_tables

__all__ = ["RiskInput", "assess_risk", "score_input"]


def score_input(inp: RiskInput, kb: KnowledgeBase) -> RiskPanel:
    """Every applicable system for one flat input record."""
    return score(inp, risk_tables(kb))


def assess_risk(patient: Patient, kb: KnowledgeBase) -> RiskPanel:
    """Every applicable system side by side, each with inputs, rationale and sources."""
    return score(inputs_from_patient(patient), risk_tables(kb))
