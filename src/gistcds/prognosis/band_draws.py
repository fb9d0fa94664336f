"""Monte Carlo bands of one survival estimate (numpy; imported only to draw a band that
is not stored, see ``band``).

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
from statistics import NormalDist

import numpy as np

from gistcds.prognosis.band import DRAWS, HORIZON_MONTHS, LANDMARK_MONTHS, SEED, STEP_MONTHS, Band
from gistcds.prognosis.curves import Curve

_GRID = np.arange(0.0, HORIZON_MONTHS + STEP_MONTHS / 2, STEP_MONTHS)
_LN2 = math.log(2.0)
# The median's time-scale draws are the normal quantiles at (i + 0.5) / DRAWS, not random:
# with 400 random draws the 2.5 % and 97.5 % points wander by about 10 %, so the band would
# not reproduce the published CI it is built from (P-02). Hazard-ratio draws stay random.
# Percentiles use the matching (Hazen) plotting positions.
_Z_GRID = np.array([NormalDist().inv_cdf((i + 0.5) / DRAWS) for i in range(DRAWS)])
_GRID_LIST: tuple[float, ...] = tuple(_GRID.tolist())
_BAND_Q = (2.5, 97.5)  # the band's percentiles (Hazen plotting positions, see above)


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


def draw_band(
    curve: Curve, se_sides: tuple[float, float], hrs: tuple[tuple[float, float], ...], key: str
) -> Band:
    """The point curve, band, landmarks and median of ``curve`` under ``hrs``."""
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
    return Band(
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
