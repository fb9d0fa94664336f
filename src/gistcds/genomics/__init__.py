"""Genotype: HGVS variants -> exon, region, genotype class, drug sensitivity."""

from __future__ import annotations

from gistcds.domain.patient import Patient
from gistcds.domain.results.genotype import GenotypeResult
from gistcds.knowledge import KnowledgeBase


def interpret_genotype(patient: Patient, kb: KnowledgeBase) -> GenotypeResult | None:
    """The patient's genotype class and drug sensitivity (not built yet: null)."""
    return None
