"""The knowledge tables of the prognosis engine, with every arm's curve fitted once.

``evidence(kb)`` validates nothing new (the KB loader did) but fits a curve per arm and
caches the result per knowledge-base version, so a process fits each arm once however
many patients it scores.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from gistcds.knowledge import KnowledgeBase
from gistcds.knowledge.schema.prognosis_arms import Arm, GenotypeMap
from gistcds.knowledge.schema.prognosis_arms import Table as ArmsTable
from gistcds.knowledge.schema.prognosis_factors import Factor
from gistcds.knowledge.schema.prognosis_factors import Table as FactorsTable
from gistcds.knowledge.schema.prognosis_sequences import Table as SequencesTable
from gistcds.prognosis.curves import Curve, FitReport, fit_points

Z95 = 1.959963984540054  # two-sided 95 % normal quantile


@dataclass(frozen=True)
class FittedArm:
    arm: Arm
    fit: FitReport
    log_median_se: float
    se_basis: str
    observed_until: float | None  # the latest time a published point describes

    @property
    def curve(self) -> Curve:
        return self.fit.curve


def _se(arm: Arm) -> tuple[float, str]:
    """Standard error of log(median): from the published 95 % CI, else from n.

    Without a CI we use 1/sqrt(d), the large-sample SE of a log median under a constant
    hazard, with d, the number of events, approximated by n x (1 - lowest published
    survival) (n/2 when only the median is known).
    """
    if arm.median_ci is not None:
        lo, hi = arm.median_ci
        if lo > 0 and hi > lo:
            return (math.log(hi) - math.log(lo)) / (2 * Z95), "published 95% CI of the median"
    if arm.n is not None:
        lowest = min([0.5 if arm.median_months else 1.0, *(lm.survival for lm in arm.landmarks)])
        events = max(arm.n * (1.0 - lowest), 1.0)
        return 1.0 / math.sqrt(events), f"n = {arm.n} ({events:.0f} events assumed)"
    return 0.5, "neither CI nor n published: wide default band"


def _observed_until(arm: Arm) -> float | None:
    times = [lm.months for lm in arm.landmarks]
    if arm.median_months is not None:
        times.append(arm.median_months)
    if arm.follow_up_months is not None:
        times.append(arm.follow_up_months)
    return max(times) if times else None


@dataclass(frozen=True)
class Evidence:
    arms: dict[str, FittedArm]
    genotype_map: dict[str, GenotypeMap]
    factors: dict[str, Factor]
    sequences: SequencesTable
    version: str


def _build(version: str, arms: ArmsTable, factors: FactorsTable, seqs: SequencesTable) -> Evidence:
    fitted = {}
    for arm in arms.arms:
        report = fit_points(arm.median_months, [(lm.months, lm.survival) for lm in arm.landmarks])
        se, basis = _se(arm)
        fitted[arm.id] = FittedArm(arm, report, se, basis, _observed_until(arm))
    gmap = {c: m for m in arms.genotype_map for c in m.genotype_classes}
    return Evidence(fitted, gmap, {f.id: f for f in factors.factors}, seqs, version)


_BY_VERSION: dict[str, Evidence] = {}


def evidence(kb: KnowledgeBase) -> Evidence:
    """Fitted arms, genotype map, factors and sequences for this knowledge base (cached)."""
    cached = _BY_VERSION.get(kb.version)
    if cached is None:
        cached = _build(
            kb.version,
            kb.table("prognosis_arms", ArmsTable),
            kb.table("prognosis_factors", FactorsTable),
            kb.table("prognosis_sequences", SequencesTable),
        )
        _BY_VERSION[kb.version] = cached
    return cached
