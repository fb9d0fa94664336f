"""One survival estimate: fitted arm curve, published HRs, Monte Carlo bands.

The band's numbers come from ``band`` (memoised, stored beside the knowledge base; drawn
by ``band_draws``, where the method is described); this module reads them against the
arm's published data: which figures are published, fitted or extrapolated, and why.
"""

from __future__ import annotations

from gistcds.domain.results.prognosis import (
    EvidenceArm,
    FactorEffect,
    LandmarkBasis,
    LandmarkEstimate,
    SurvivalEstimate,
)
from gistcds.prognosis.band import HORIZON_MONTHS, LANDMARK_MONTHS, Band, band
from gistcds.prognosis.evidence import FittedArm
from gistcds.prognosis.factors import AppliedHR
from gistcds.prognosis.notes import Note, fields

__all__ = [
    "HORIZON_MONTHS",
    "LANDMARK_MONTHS",
    "curve_basis",
    "data_until",
    "evidence_arm",
    "survival_estimate",
]


def evidence_arm(fa: FittedArm) -> EvidenceArm:
    arm = fa.arm
    return EvidenceArm(
        arm_id=arm.id,
        trial=arm.trial,
        population=arm.population,
        drug=arm.drug,
        dose_mg_per_day=arm.dose_mg_per_day,
        lines=list(arm.lines),
        genotype_group=arm.group,
        endpoint=arm.endpoint,
        n=arm.n,
        published_median_months=arm.median_months,
        published_median_ci=arm.median_ci,
        published_landmarks=[(lm.months, lm.survival) for lm in arm.landmarks],
        model=f"{fa.fit.curve.family}: {fa.fit.reason}",
        uncertainty_basis=fa.se_basis,
        source_ids=list(arm.source_ids),
        confidence=arm.confidence,
        follow_up_months=arm.follow_up_months,
    )


def data_until(fa: FittedArm) -> tuple[float | None, str | None]:
    """The latest time the published data describe, and which figure sets it."""
    arm = fa.arm
    points = [
        (lm.months, f"latest published landmark ({lm.months:g} months)") for lm in arm.landmarks
    ]
    if arm.median_months is not None:
        points.append((arm.median_months, f"published median ({arm.median_months:g} months)"))
    if arm.follow_up_months is not None:
        points.append(
            (arm.follow_up_months, f"published median follow-up ({arm.follow_up_months:g} months)")
        )
    if not points:
        return None, None
    months, label = max(points, key=lambda p: p[0])
    return months, label


def _published_points(fa: FittedArm) -> int:
    return len(fa.arm.landmarks) + (1 if fa.arm.median_months is not None else 0)


def _landmark_basis(fa: FittedArm, months: float, beyond: bool) -> LandmarkBasis:
    if beyond:
        return "extrapolated"
    published = [lm.months for lm in fa.arm.landmarks]
    if fa.arm.median_months is not None:
        published.append(fa.arm.median_months)
    if any(abs(t - months) < 0.5 for t in published):
        return "published"
    return "assumed_shape" if _published_points(fa) == 1 else "fitted"


def curve_basis(fa: FittedArm, applied: list[FactorEffect]) -> str:
    """One sentence: the curve's trial and group, what is published, what is model."""
    arm = fa.arm
    dose = f"{arm.dose_mg_per_day:g} mg/day" if arm.dose_mg_per_day is not None else "doses pooled"
    lines = (
        f"line {arm.lines[0]}" if len(arm.lines) == 1 else f"lines {arm.lines[0]}-{arm.lines[-1]}"
    )
    n = f", n = {arm.n}" if arm.n is not None else ""
    published = []
    if arm.median_months is not None:
        published.append(f"median {arm.median_months:g} months")
    elif not arm.median_reached:
        published.append("median not reached")
    published += [f"{lm.survival:.0%} at {lm.months:g} months" for lm in arm.landmarks]
    one = _published_points(fa) == 1
    model = (
        "the curve is an exponential through that single point (its shape is assumed, so "
        "figures other than that point are model values)"
        if one
        else f"the curve is a {fa.curve.family.replace('_', '-')} fitted to those points"
    )
    hr = "".join(
        f"; × HR {e.hazard_ratio:g} for {e.label} [{', '.join(e.source_ids)}]"
        for e in applied
        if e.hazard_ratio is not None
    )
    return (
        f"{arm.endpoint} of {arm.trial} ({arm.group}, {arm.drug} {dose}, {lines}{n}): "
        f"published {', '.join(published) or 'no median'} [{', '.join(arm.source_ids)}]; "
        f"{model}{hr}."
    )


def _landmarks(fa: FittedArm, b: Band) -> list[LandmarkEstimate]:
    """1/2/5-year survival with bands, each flagged when it lies beyond the data."""
    limit = fa.observed_until
    # the same 5 % margin as the median: a point at the data's edge is not flagged
    beyond = [limit is None or t > limit * 1.05 for t in LANDMARK_MONTHS]
    return [
        LandmarkEstimate(
            months=t,
            survival=round(p, 4),
            lower=round(lo, 4),
            upper=round(hi, 4),
            extrapolated=b,
            basis=_landmark_basis(fa, t, b),
        )
        for t, p, lo, hi, b in zip(
            LANDMARK_MONTHS, b.lm_point, b.lm_lower, b.lm_upper, beyond, strict=True
        )
    ]


def _median_note(fa: FittedArm, med: float, hrs: list[AppliedHR]) -> tuple[bool, str | None]:
    """(shown?, note): a median beyond the published data is withheld or flagged."""
    limit = fa.observed_until
    if not fa.arm.median_reached or (limit is not None and med > limit * 1.05 and not hrs):
        return False, (
            "median not reached in the published data"
            + (f" (data to {limit:g} months)" if limit else "")
            + "; the curve beyond that is extrapolated"
        )
    if limit is not None and med > limit * 1.05:
        return True, f"median lies beyond the published data ({limit:g} months): extrapolated"
    return True, None


def _extrapolation_notes(
    fa: FittedArm, hrs: list[AppliedHR], landmarks: list[LandmarkEstimate]
) -> list[Note]:
    """Where the curve leaves the published data, and a band too narrow to trust."""
    limit = fa.observed_until
    family = fa.curve.family.replace("_", "-")  # in words, for the notes
    out: list[Note] = []
    if limit is not None and limit < HORIZON_MONTHS:
        out.append(
            Note(
                "extrapolated_after_data",
                f"The latest published point is at {limit:g} months; the curve after that is "
                f"the fitted {family} model's extrapolation.",
            )
        )
    if any(h.log_se == 0 for h in hrs):
        # review P-14: such an HR is a fixed number in every draw
        out.append(
            Note(
                "hazard_ratio_without_ci",
                "A hazard ratio applied here has no published confidence interval: the band "
                "carries the arm's uncertainty only and is too narrow.",
            )
        )
    flagged = [f"{lm.months / 12:g}-year" for lm in landmarks if lm.extrapolated]
    if flagged:
        out.append(
            Note(
                "landmarks_extrapolated",
                f"The {', '.join(flagged)} figures lie beyond the published data"
                + (f" (to {limit:g} months)" if limit is not None else "")
                + f": they are extrapolated from the {family} model's shape, not trial results, "
                "so they are not given as 1/2/5-year figures (landmarks[] keeps them, flagged "
                "extrapolated).",
            )
        )
    return out


def survival_estimate(
    fa: FittedArm,
    hrs: list[AppliedHR],
    *,
    key: str,
    fallback: bool,
    adjustments: list[FactorEffect],
    notes: list[Note],
    kb_key: str = "",
) -> SurvivalEstimate:
    """Point curve, bands, median and 1/2/5-year survival for one arm and its HRs (the
    band stored under ``kb_key``, the knowledge base's cache key, when there is one)."""
    hr_pairs = tuple((h.hazard_ratio, h.log_se) for h in hrs)
    drawn = band(fa.curve, fa.se_sides, hr_pairs, key, kb_key)
    landmarks = _landmarks(fa, drawn)
    med, med_lo, med_hi = drawn.median, drawn.median_lower, drawn.median_upper
    shown, median_note = _median_note(fa, med, hrs)
    median = round(med, 1) if shown else None
    # cut at the data (issue 12): a 1/2/5-year figure beyond the published data is not
    # given as a number; landmarks[] keeps it, flagged, for plots that mark the limit
    at = [None if lm.extrapolated else lm.survival for lm in landmarks]
    until, until_basis = data_until(fa)
    return SurvivalEstimate(
        median_months=median,
        median_lower=round(med_lo, 1) if median is not None else None,
        median_upper=round(med_hi, 1) if median is not None else None,
        median_note=median_note,
        survival_1y=at[0],
        survival_2y=at[1],
        survival_5y=at[2],
        landmarks=landmarks,
        curve=list(drawn.point),
        lower=list(drawn.lower),
        upper=list(drawn.upper),
        evidence=evidence_arm(fa),
        fallback=fallback,
        adjustments=adjustments,
        basis=curve_basis(fa, [e for e in adjustments if e.applied]),
        data_until_months=until,
        data_until_basis=until_basis,
        **fields([*notes, *_extrapolation_notes(fa, hrs, landmarks)]),
    )
