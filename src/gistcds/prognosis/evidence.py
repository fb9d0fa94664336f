"""The knowledge tables of the prognosis engine, with every arm's curve fitted once.

``evidence(kb)`` validates nothing new (the KB loader did) but fits a curve per arm and
caches the result per knowledge-base version, so a process fits each arm once however
many patients it scores. The fits are pure data, also stored beside the precompiled
knowledge base (``kb.stored``): a later process reads them without numpy.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from gistcds.domain.results.genotype import GenotypeClass, KitPdgfraStatus
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
    # se of log(median) below / above the median: equal to log_median_se unless the
    # published CI is asymmetric on the log scale (then each side reproduces its limit)
    log_median_se_lower: float | None = None
    log_median_se_upper: float | None = None

    @property
    def se_sides(self) -> tuple[float, float]:
        lo = self.log_median_se if self.log_median_se_lower is None else self.log_median_se_lower
        hi = self.log_median_se if self.log_median_se_upper is None else self.log_median_se_upper
        return lo, hi

    @property
    def curve(self) -> Curve:
        return self.fit.curve


def _ci_sides(arm: Arm) -> tuple[float, float, str] | None:
    """se of log(median) below and above the median, each from its own published limit.

    A published CI is often asymmetric on the log scale (Cassier 2012: 28.5, 5.4-51.6); a
    single symmetric se would move both limits (9.0-77.6), putting the lower one above the
    trial's own. Each side reproduces its limit instead. A limit equal to the median (an
    immature upper limit, INVICTUS OS 15.1, 12.3-15.1) carries no width: the other side's
    se is used there, which widens the band rather than invent a narrower one.
    """
    if arm.median_ci is None or arm.median_months is None:
        return None
    lo, hi = arm.median_ci
    med = arm.median_months
    if not (lo > 0 and hi > lo):
        return None
    below = math.log(med / lo) / Z95
    above = math.log(hi / med) / Z95
    basis = "published 95% CI of the median, each side from its own limit"
    if below <= 0 or above <= 0:
        below = above = max(below, above)
        basis += " (one limit equals the median: the other side's width used on both)"
    return below, above, basis


def _se(arm: Arm) -> tuple[float, str]:
    """Standard error of log(median): from the published 95 % CI, else from n.

    Without a CI we use 1/sqrt(d), the large-sample SE of a log median under a constant
    hazard, with d, the number of events, approximated by n x (1 - lowest published
    survival) (n/2 when only the median is known).
    """
    sides = _ci_sides(arm)
    if sides is not None:
        lo, hi = arm.median_ci or (0.0, 0.0)
        return (math.log(hi) - math.log(lo)) / (2 * Z95), sides[2]
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
    # entries that apply only with a given KIT/PDGFRA status: (class, status) -> map
    status_map: dict[tuple[str, str], GenotypeMap] = field(default_factory=dict)
    # the knowledge base's cache key: results computed from this evidence (bands, sequence
    # runs) are stored under it ("" when the knowledge base did not come from the cache)
    cache_key: str = ""

    def mapping_for(
        self,
        genotype_class: GenotypeClass | None,
        kit_pdgfra_status: KitPdgfraStatus | None = None,
    ) -> GenotypeMap | None:
        """The class's evidence route; a status-specific entry first (see the schema)."""
        if genotype_class is None:
            return None
        if kit_pdgfra_status is not None:
            hit = self.status_map.get((genotype_class, kit_pdgfra_status))
            if hit is not None:
                return hit
        return self.genotype_map.get(genotype_class)


def fit_arms(kb: KnowledgeBase) -> dict[str, FitReport]:
    """Each arm's fitted curve, by arm id."""
    return {
        arm.id: fit_points(arm.median_months, [(lm.months, lm.survival) for lm in arm.landmarks])
        for arm in kb.get(ArmsTable).arms
    }


def _build(
    version: str,
    arms: ArmsTable,
    factors: FactorsTable,
    seqs: SequencesTable,
    fits: dict[str, FitReport],
    cache_key: str,
) -> Evidence:
    fitted = {}
    for arm in arms.arms:
        report = fits[arm.id]
        se, basis = _se(arm)
        sides = _ci_sides(arm)
        fitted[arm.id] = FittedArm(
            arm,
            report,
            se,
            basis,
            _observed_until(arm),
            sides[0] if sides else None,
            sides[1] if sides else None,
        )
    gmap: dict[str, GenotypeMap] = {
        c: m for m in arms.genotype_map if m.kit_pdgfra_status is None for c in m.genotype_classes
    }
    smap: dict[tuple[str, str], GenotypeMap] = {
        (c, m.kit_pdgfra_status): m
        for m in arms.genotype_map
        if m.kit_pdgfra_status is not None
        for c in m.genotype_classes
    }
    factor_map = {f.id: f for f in factors.factors}
    return Evidence(fitted, gmap, factor_map, seqs, version, smap, cache_key)


def _from_kb(kb: KnowledgeBase) -> Evidence:
    fits = kb.stored(
        "prognosis.fits", fit_arms, modules=("gistcds.prognosis.curves",), packages=("numpy",)
    )
    return _build(
        kb.version,
        kb.get(ArmsTable),
        kb.get(FactorsTable),
        kb.get(SequencesTable),
        fits,
        kb.cache_key,
    )


def evidence(kb: KnowledgeBase) -> Evidence:
    """Fitted arms, genotype map, factors and sequences for this knowledge base (fitted once
    per knowledge base: the KB memo)."""
    return kb.memo(_from_kb)
