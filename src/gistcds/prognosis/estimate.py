"""One survival estimate: fitted arm curve, published HRs, Monte Carlo bands.

Uncertainty: each draw scales the arm's time axis by exp(z), z ~ N(0, se(log median))
(se from the published 95 % CI of the median, each side of the median from its own limit,
else from n), and draws each applied
hazard ratio as exp(N(log HR, se)) when its CI is published. The band is the pointwise
2.5-97.5 % range of the drawn curves. Draws are seeded from the arm id, so the same
knowledge base gives the same band on every run and machine.
"""

from __future__ import annotations

import math
import zlib
from dataclasses import dataclass
from functools import lru_cache
from statistics import NormalDist

import numpy as np

from gistcds.domain.results.prognosis import (
    EvidenceArm,
    FactorEffect,
    LandmarkBasis,
    LandmarkEstimate,
    SurvivalEstimate,
)
from gistcds.prognosis.curves import Curve
from gistcds.prognosis.evidence import FittedArm
from gistcds.prognosis.factors import AppliedHR
from gistcds.prognosis.notes import Note, fields

# Presentation and Monte Carlo settings (method, not clinical numbers).
HORIZON_MONTHS = 120
STEP_MONTHS = 1.0
DRAWS = 400
SEED = 20261126
LANDMARK_MONTHS = (12.0, 24.0, 60.0)
_GRID = np.arange(0.0, HORIZON_MONTHS + STEP_MONTHS / 2, STEP_MONTHS)
_LN2 = math.log(2.0)
# The median's time-scale draws are the normal quantiles at (i + 0.5) / DRAWS, not random:
# with 400 random draws the 2.5 % and 97.5 % points wander by about 10 %, so the band would
# not reproduce the published CI it is built from (P-02). Hazard-ratio draws stay random.
# Percentiles use the matching (Hazen) plotting positions.
_Z_GRID = np.array([NormalDist().inv_cdf((i + 0.5) / DRAWS) for i in range(DRAWS)])
_GRID_LIST: tuple[float, ...] = tuple(_GRID.tolist())
_BAND_Q = (2.5, 97.5)  # the band's percentiles (Hazen plotting positions, see above)
_BAND_CACHE = 256  # distinct (arm, hazard ratios) bands kept; about 25 kB each, 6 MB at most


def _rng(key: str) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence([SEED, zlib.crc32(key.encode())]))


def _pairs(s: np.ndarray) -> tuple[tuple[float, float], ...]:
    return tuple((a, round(b, 4)) for a, b in zip(_GRID_LIST, s.tolist(), strict=True))


def _hazen_band(draws: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The 2.5 and 97.5 % points of ``draws`` along the last axis: exactly
    ``np.percentile(draws, _BAND_Q, axis=-1, method="hazen")`` (the same order statistics
    and numpy's own interpolation formula, checked in the tests), from one sort, which
    numpy does several times faster than its partition on rows of a few hundred."""
    ordered = np.sort(draws, axis=-1)
    if np.isnan(ordered[..., -1]).any():  # numpy's NaN rule: leave it to numpy
        lo, hi = np.percentile(draws, _BAND_Q, axis=-1, method="hazen")
        return lo, hi
    n = draws.shape[-1]
    out = []
    for q in np.asarray(_BAND_Q) / 100:
        virtual = n * q + (0.5 + q * (1 - 0.5 - 0.5)) - 1  # numpy's Hazen virtual index
        below = math.floor(virtual)
        gamma = virtual - below
        if virtual >= n - 1:
            below, above = n - 1, n - 1
        elif virtual < 0:
            below, above = 0, 0
        else:
            above = below + 1
        a, b = ordered[..., below], ordered[..., above]
        diff = b - a
        # numpy's _lerp: from the nearer end, for the same rounding
        out.append(b - diff * (1 - gamma) if gamma >= 0.5 else a + diff * gamma)
    return out[0], out[1]


@dataclass(frozen=True)
class _Band:
    """The numbers of one estimate: a pure function of the arm's curve, the sides of
    its median's se, the applied hazard ratios and the seed key (memoised: patients who
    share an arm and the same hazard ratios share these figures)."""

    point: tuple[tuple[float, float], ...]  # (month, survival rounded) on _GRID
    lower: tuple[tuple[float, float], ...]
    upper: tuple[tuple[float, float], ...]
    lm_point: tuple[float, ...]
    lm_lower: tuple[float, ...]
    lm_upper: tuple[float, ...]
    median: float
    median_lower: float
    median_upper: float


@lru_cache(maxsize=_BAND_CACHE)
def _band(
    curve: Curve, se_sides: tuple[float, float], hrs: tuple[tuple[float, float], ...], key: str
) -> _Band:
    rng = _rng(key)
    se_lo, se_hi = se_sides
    z = _Z_GRID
    # split normal: each side of the published CI keeps its own width (P-02)
    scale = np.exp(np.where(z < 0, z * se_lo, z * se_hi))  # time-axis multiplier per draw
    hr_point = math.prod(hr for hr, _ in hrs) if hrs else 1.0
    log_hr = np.zeros(DRAWS)
    for hr, log_se in hrs:
        log_hr += math.log(hr) + (rng.normal(0.0, log_se, DRAWS) if log_se else 0)
    hr_draw = np.exp(log_hr)

    point = np.exp(-hr_point * curve.cumhaz(_GRID))
    # one row per time point, one column per draw: the band is per row
    draws = np.exp(-hr_draw[None, :] * curve.cumhaz(_GRID[:, None] / scale[None, :]))
    lower, upper = _hazen_band(draws)
    lm_t = np.array(LANDMARK_MONTHS)
    lm_point = np.exp(-hr_point * curve.cumhaz(lm_t))
    lm_draws = np.exp(-hr_draw[None, :] * curve.cumhaz(lm_t[:, None] / scale[None, :]))
    lm_lo, lm_hi = _hazen_band(lm_draws)
    med = float(curve.quantile_cumhaz(np.array([_LN2 / hr_point]))[0])
    med_draws = curve.quantile_cumhaz(_LN2 / hr_draw) * scale
    med_lo, med_hi = (float(x) for x in _hazen_band(med_draws))
    return _Band(
        _pairs(point),
        _pairs(lower),
        _pairs(upper),
        tuple(lm_point.tolist()),
        tuple(lm_lo.tolist()),
        tuple(lm_hi.tolist()),
        med,
        med_lo,
        med_hi,
    )


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


def _landmarks(fa: FittedArm, band: _Band) -> list[LandmarkEstimate]:
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
            LANDMARK_MONTHS, band.lm_point, band.lm_lower, band.lm_upper, beyond, strict=True
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
) -> SurvivalEstimate:
    """Point curve, bands, median and 1/2/5-year survival for one arm and its HRs."""
    band = _band(fa.curve, fa.se_sides, tuple((h.hazard_ratio, h.log_se) for h in hrs), key)
    landmarks = _landmarks(fa, band)
    med, med_lo, med_hi = band.median, band.median_lower, band.median_upper
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
        curve=list(band.point),
        lower=list(band.lower),
        upper=list(band.upper),
        evidence=evidence_arm(fa),
        fallback=fallback,
        adjustments=adjustments,
        basis=curve_basis(fa, [e for e in adjustments if e.applied]),
        data_until_months=until,
        data_until_basis=until_basis,
        **fields([*notes, *_extrapolation_notes(fa, hrs, landmarks)]),
    )
