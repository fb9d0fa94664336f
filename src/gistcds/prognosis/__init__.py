"""Individual PFS/OS curves per line and genotype, and sequence simulation.

``estimate_prognosis`` (called by assess.py) gives, for the first recommended systemic
option and each alternative, a PFS and an OS curve: the published arm that best matches
the drug, dose, line and genotype (``selection``), fitted once per knowledge base
(``curves``, ``evidence``), adjusted only by published hazard ratios (``factors``), with
Monte Carlo bands from the published confidence intervals (``estimate``); ``options``
reads one option against the patient's ClinicalFacts, ``engine`` assembles the answer.
Whole treatment sequences are simulated in ``simulate`` and ``sequence``. See
docs/prognosis.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from gistcds.domain.facts import ClinicalFacts
    from gistcds.domain.results.genotype import GenotypeResult
    from gistcds.domain.results.prognosis import Prognosis
    from gistcds.domain.results.therapy import Recommendation
    from gistcds.knowledge import KnowledgeBase

__all__ = ["estimate_prognosis"]


def estimate_prognosis(
    facts: ClinicalFacts,
    genotype: GenotypeResult | None,
    recommendations: list[Recommendation],
    kb: KnowledgeBase,
) -> Prognosis | None:
    """PFS/OS for the recommended next systemic line (and each alternative); null for a
    patient without advanced disease (see ``engine.estimate_prognosis``)."""
    if not facts.advanced_disease:
        return None  # before the engine's import: numpy is only for advanced disease
    from gistcds.prognosis.engine import estimate_prognosis as estimate

    return estimate(facts, genotype, recommendations, kb)
