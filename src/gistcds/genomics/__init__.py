"""Genotype: HGVS variants -> exon, region, genotype class, drug sensitivity."""

from __future__ import annotations

from gistcds.domain.patient import Patient
from gistcds.domain.results.genotype import GenotypeResult
from gistcds.knowledge import KnowledgeBase


def interpret_genotype(patient: Patient, kb: KnowledgeBase) -> GenotypeResult | None:
    """The patient's genotype class, acquired mutations and drug sensitivity.

    Always returns a result (``not_tested`` when nothing was tested), so the therapy engine
    can ask for testing; the ``hgvs`` parser is loaded only when a variant is read.
    """
    from gistcds.genomics.engine import interpret

    return interpret(patient, kb)
