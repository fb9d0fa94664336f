"""Individual PFS/OS curves per line and genotype, and sequence simulation."""

from __future__ import annotations

from gistcds.domain.patient import Patient
from gistcds.domain.results.genotype import GenotypeResult
from gistcds.domain.results.prognosis import Prognosis
from gistcds.domain.results.therapy import Recommendation
from gistcds.knowledge import KnowledgeBase


def estimate_prognosis(
    patient: Patient,
    genotype: GenotypeResult | None,
    recommendations: list[Recommendation],
    kb: KnowledgeBase,
) -> Prognosis | None:
    """PFS/OS for the recommended next line (not built yet: null)."""
    return None
