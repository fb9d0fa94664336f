"""Response over serial CT: RECIST 1.1 and Choi."""

from __future__ import annotations

from gistcds.domain.patient import Patient
from gistcds.domain.results.response import TimepointResponse
from gistcds.knowledge import KnowledgeBase


def assess_response(patient: Patient, kb: KnowledgeBase) -> list[TimepointResponse]:
    """One entry per imaging time point after baseline (not built yet: empty)."""
    return []
