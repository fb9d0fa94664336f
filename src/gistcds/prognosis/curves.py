"""Parametric survival curves fitted to a published median and landmark rates.

Why these families: a trial abstract gives one to three points of a Kaplan-Meier curve
(the median, sometimes 1-, 3- or 10-year rates). With one point only an exponential is
identifiable. With two or more, a Weibull and a log-logistic are each fitted by least
squares on their linearising scale (log(-log S) and logit S against log t: both are
straight lines in log t), and the family that reproduces every published point within
the acceptance limits (median within 5 %, each landmark within 3 percentage points)
with the smaller worst error is kept. If neither does, a piecewise exponential through
the points (constant hazard between them, last hazard carried on) reproduces them exactly.
A published 100 % (no event yet) does not enter the two-parameter estimates, where its
clipped value would dominate the fit; it is checked against the limits like the others.

Curves are frozen dataclasses of floats: cheap to cache, pickle and hand to Dask.
All functions are vectorised over numpy arrays; numpy is imported where a curve is fitted
or evaluated, not with this module, so a process that reads stored fits and bands (see
``band``) never imports it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

    FloatArray = NDArray[np.float64]

Family = Literal["exponential", "weibull", "loglogistic", "piecewise_exponential"]

# Acceptance limits of a fit (the method's definition, not a clinical number).
MEDIAN_REL_TOL = 0.05
LANDMARK_ABS_TOL = 0.03
_S_CLIP = (1e-6, 1.0 - 1e-4)


@dataclass(frozen=True)
class Curve:
    """S(t) of one family. ``scale``/``shape`` for the two-parameter families;
    ``knots``/``hazards`` for the piecewise exponential (hazards[i] on [knots[i], knots[i+1]))."""

    family: Family
    scale: float = 1.0
    shape: float = 1.0
    knots: tuple[float, ...] = ()
    hazards: tuple[float, ...] = ()

    def cumhaz(self, t: FloatArray | float) -> FloatArray:
        """H(t) = -log S(t)."""
        import numpy as np

        tt = np.maximum(np.asarray(t, dtype=np.float64), 0.0)
        if self.family in ("exponential", "weibull"):
            return np.asarray((tt / self.scale) ** self.shape, dtype=np.float64)
        if self.family == "loglogistic":
            return np.asarray(np.log1p((tt / self.scale) ** self.shape), dtype=np.float64)
        knots = np.asarray(self.knots)
        haz = np.asarray(self.hazards)
        base = np.concatenate(([0.0], np.cumsum(haz[:-1] * np.diff(knots))))
        i = np.clip(np.searchsorted(knots, tt, side="right") - 1, 0, len(haz) - 1)
        return np.asarray(base[i] + haz[i] * (tt - knots[i]), dtype=np.float64)

    def survival(self, t: FloatArray | float) -> FloatArray:
        import numpy as np

        return np.exp(-self.cumhaz(t))

    def quantile_cumhaz(self, h: FloatArray) -> FloatArray:
        """The time at which H(t) = h (inverse cumulative hazard), vectorised.

        With h drawn from a unit exponential this samples event times (H(T) ~ Exp(1)).
        """
        import numpy as np

        hh = np.asarray(h, dtype=np.float64)
        if self.family == "exponential":
            return np.asarray(hh * self.scale, dtype=np.float64)
        if self.family == "weibull":
            return np.asarray(self.scale * hh ** (1.0 / self.shape), dtype=np.float64)
        if self.family == "loglogistic":
            return np.asarray(self.scale * np.expm1(hh) ** (1.0 / self.shape), dtype=np.float64)
        knots = np.asarray(self.knots)
        haz = np.asarray(self.hazards)
        base = np.concatenate(([0.0], np.cumsum(haz[:-1] * np.diff(knots))))
        i = np.clip(np.searchsorted(base, hh, side="right") - 1, 0, len(haz) - 1)
        # a zero hazard segment is never the target segment for h > base[i]
        # unless it is the last; the last hazard is kept positive by construction
        with np.errstate(divide="ignore", invalid="ignore"):
            out = knots[i] + (hh - base[i]) / haz[i]
        return np.asarray(out, dtype=np.float64)

    def times_from_exponentials(self, e: FloatArray) -> FloatArray:
        """Event times for unit-exponential draws e, computed in place (e is overwritten).

        Same result as ``quantile_cumhaz(e)``; the closed-form families need no temporary
        array (simulation hot path).
        """
        import numpy as np

        if self.family == "exponential":
            e *= self.scale
            return e
        if self.family == "weibull":
            np.power(e, 1.0 / self.shape, out=e)
            e *= self.scale
            return e
        if self.family == "loglogistic":
            np.expm1(e, out=e)
            np.power(e, 1.0 / self.shape, out=e)
            e *= self.scale
            return e
        e[...] = self.quantile_cumhaz(e)  # piecewise: via a temporary, still in place
        return e

    def sample(self, u: FloatArray) -> FloatArray:
        """Event times for uniform draws u in (0, 1] (inverse transform)."""
        import numpy as np

        return self.quantile_cumhaz(-np.log(u))

    def median(self) -> float:
        import numpy as np

        return float(self.quantile_cumhaz(np.array([math.log(2.0)]))[0])


@dataclass(frozen=True)
class FitReport:
    """How well a curve reproduces the published points."""

    curve: Curve
    median_error: float | None  # relative
    landmark_errors: tuple[float, ...]  # absolute, same order as the landmarks
    passes: bool
    reason: str


def _errors(
    curve: Curve, median: float | None, landmarks: list[tuple[float, float]]
) -> tuple[float | None, tuple[float, ...]]:
    med_err = None if median is None else abs(curve.median() - median) / median
    lm = tuple(abs(float(curve.survival(t)) - s) for t, s in landmarks)
    return med_err, lm


def _score(med_err: float | None, lm: tuple[float, ...]) -> float:
    parts = [e / LANDMARK_ABS_TOL for e in lm]
    if med_err is not None:
        parts.append(med_err / MEDIAN_REL_TOL)
    return max(parts) if parts else 0.0


def _linear_fit(x: FloatArray, y: FloatArray) -> tuple[float, float]:
    import numpy as np

    slope, intercept = np.polyfit(x, y, 1)
    return float(slope), float(intercept)


def _piecewise(points: list[tuple[float, float]]) -> Curve:
    knots = [0.0]
    hazards: list[float] = []
    s_prev = 1.0
    for t, s in points:
        s = min(max(s, _S_CLIP[0]), 1.0)
        h = max(math.log(s_prev / s), 0.0) / (t - knots[-1]) if s < s_prev else 0.0
        hazards.append(h)
        knots.append(t)
        s_prev = min(s_prev, s)
    tail = hazards[-1] if hazards[-1] > 0 else max((h for h in hazards if h > 0), default=0.0)
    if tail <= 0:  # no decline in any published point: carry a tiny hazard so sampling ends
        tail = math.log(2.0) / (100.0 * knots[-1])
    hazards.append(tail)
    return Curve("piecewise_exponential", knots=tuple(knots), hazards=tuple(hazards))


def fit_points(median: float | None, landmarks: list[tuple[float, float]]) -> FitReport:
    """Choose and fit a family to a median (or None) and landmarks [(months, S)]."""
    import numpy as np

    points = sorted(([(median, 0.5)] if median is not None else []) + list(landmarks))
    if not points:
        raise ValueError("nothing to fit")
    if len({t for t, _ in points}) == 1:
        t0, s0 = points[0]
        s0 = min(max(s0, _S_CLIP[0]), _S_CLIP[1])
        curve = Curve("exponential", scale=t0 / (-math.log(s0)), shape=1.0)
        med_err, lm = _errors(curve, median, landmarks)
        return FitReport(curve, med_err, lm, True, "one published point: exponential")

    # A published 100 % (no event yet) says only that the curve is still near 1 there; on the
    # log(-log S) and logit scales it would sit at the clip value with unbounded leverage and
    # bend the whole curve to meet it. It is left out of the parameter estimate and checked
    # against the acceptance limits like every other point.
    informative = [(t, s) for t, s in points if s < 1.0]
    candidates: list[tuple[float, FitReport]] = []
    if len(informative) == 1 and len(points) > 1:
        t0, s0 = informative[0]
        ex = Curve("exponential", scale=t0 / (-math.log(max(s0, _S_CLIP[0]))), shape=1.0)
        me, lm = _errors(ex, median, landmarks)
        candidates.append((_score(me, lm), FitReport(ex, me, lm, False, "")))
    elif len(informative) >= 2:
        t = np.array([p[0] for p in informative])
        s_arr = np.clip(np.array([p[1] for p in informative]), *_S_CLIP)
        k, c = _linear_fit(np.log(t), np.log(-np.log(s_arr)))
        if k > 0:
            wb = Curve("weibull", scale=math.exp(-c / k), shape=k)
            me, lm = _errors(wb, median, landmarks)
            candidates.append((_score(me, lm), FitReport(wb, me, lm, False, "")))
        b, c = _linear_fit(np.log(t), np.log((1 - s_arr) / s_arr))
        if b > 0:
            ll = Curve("loglogistic", scale=math.exp(-c / b), shape=b)
            me, lm = _errors(ll, median, landmarks)
            candidates.append((_score(me, lm), FitReport(ll, me, lm, False, "")))
    # ties (two points fitted exactly by both): prefer the Weibull's lighter tail
    ok = sorted(
        ((sc, r) for sc, r in candidates if sc <= 1.0),
        key=lambda p: (round(p[0], 6), p[1].curve.family not in ("exponential", "weibull")),
    )
    if ok:
        best = ok[0][1]
        others = ", ".join(f"{r.curve.family} {sc:.2f}" for sc, r in candidates)
        return FitReport(
            best.curve,
            best.median_error,
            best.landmark_errors,
            True,
            f"{best.curve.family} within limits (worst error / limit: {others})",
        )
    pw = _piecewise(points)
    me, lm = _errors(pw, median, landmarks)
    tried = ", ".join(f"{r.curve.family} {sc:.2f}" for sc, r in candidates) or "none"
    return FitReport(
        pw,
        me,
        lm,
        _score(me, lm) <= 1.0,
        f"two-parameter families outside limits ({tried}): piecewise exponential",
    )
