"""Kaplan–Meier per group and log-rank tests, by lifelines, from event/censor counts per time.

The estimates are lifelines' own (``KaplanMeierFitter``, ``logrank_test``,
``multivariate_logrank_test``) fitted on the counts per (group, time) with the counts as
case weights: Kaplan–Meier, its Greenwood/exponential confidence band and the log-rank
statistic depend on the data only through those counts, so the answer is the one lifelines
gives on the individual rows (``tests/test_cohort_lifelines.py`` proves it on lifelines'
own data sets) and the same whichever engine counted.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["GroupCurve", "SurvivalResult", "fit_groups", "group_label", "weighted_rows"]

LANDMARKS = (12.0, 24.0, 60.0, 120.0)
ALPHA = 0.05


@dataclass
class GroupCurve:
    group: str
    n: int
    events: int
    median: float | None
    median_ci: tuple[float | None, float | None]
    landmarks: dict[str, dict[str, float | None]]
    times: list[float]
    survival: list[float]
    lower: list[float]
    upper: list[float]
    at_risk: dict[str, int] = field(default_factory=dict)


@dataclass
class SurvivalResult:
    time: str
    event: str
    by: list[str]
    groups: list[GroupCurve]
    logrank: dict[str, Any] | None
    pairwise: list[dict[str, Any]]
    overlays: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        from dataclasses import asdict

        return asdict(self)


def _num(x: float) -> float | None:
    return None if x is None or not math.isfinite(float(x)) else float(x)


def weighted_rows(counts: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(durations, event flags, weights): one row per (time, event) cell with a count > 0."""
    t = np.concatenate([counts["time"].to_numpy(), counts["time"].to_numpy()])
    e = np.concatenate([np.ones(len(counts)), np.zeros(len(counts))])
    w = np.concatenate([counts["events"].to_numpy(), counts["censored"].to_numpy()]).astype(float)
    keep = w > 0
    return t[keep], e[keep], w[keep]


def group_label(counts: pd.DataFrame, by: list[str]) -> pd.Series:
    if not by:
        return pd.Series("all", index=counts.index)
    label = counts[by[0]].astype(str)
    for c in by[1:]:
        label = label + " / " + counts[c].astype(str)
    return label


def _curve(name: str, sub: pd.DataFrame, grid: list[float]) -> GroupCurve:
    from lifelines import KaplanMeierFitter
    from lifelines.utils import median_survival_times

    t, e, w = weighted_rows(sub)
    kmf = KaplanMeierFitter(alpha=ALPHA).fit(t, e, weights=w, label=name)
    sf = kmf.survival_function_[name]
    ci = kmf.confidence_interval_
    med = float(kmf.median_survival_time_)
    med_ci = median_survival_times(ci)
    lo_m, hi_m = (float(v) for v in med_ci.iloc[0].to_numpy())
    landmarks: dict[str, dict[str, float | None]] = {}
    for m in LANDMARKS:
        if m > float(t.max()):
            landmarks[f"{m:g}"] = {"survival": None, "lower": None, "upper": None}
            continue
        s = float(kmf.survival_function_at_times(m).iloc[0])
        row = ci[ci.index <= m].iloc[-1]
        landmarks[f"{m:g}"] = {
            "survival": _num(s),
            "lower": _num(row.iloc[0]),
            "upper": _num(row.iloc[1]),
        }
    at_risk = {f"{g:g}": int(w[t >= g].sum()) for g in grid}
    return GroupCurve(
        group=name,
        n=int(w.sum()),
        events=int(sub["events"].sum()),
        median=_num(med),
        median_ci=(_num(lo_m), _num(hi_m)),
        landmarks=landmarks,
        times=[float(x) for x in sf.index],
        survival=[float(x) for x in sf.to_numpy()],
        lower=[float(x) for x in ci.iloc[:, 0].to_numpy()],
        upper=[float(x) for x in ci.iloc[:, 1].to_numpy()],
        at_risk=at_risk,
    )


def _tests(
    labelled: pd.DataFrame, names: list[str]
) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
    from lifelines.statistics import logrank_test, multivariate_logrank_test

    if len(names) < 2:
        return None, []
    parts = {g: weighted_rows(labelled[labelled["_group"] == g]) for g in names}
    t = np.concatenate([parts[g][0] for g in names])
    e = np.concatenate([parts[g][1] for g in names])
    w = np.concatenate([parts[g][2] for g in names])
    grp = np.concatenate([[g] * len(parts[g][0]) for g in names])
    res = multivariate_logrank_test(t, grp, e, weights=w)
    overall = {"statistic": _num(res.test_statistic), "df": len(names) - 1, "p": _num(res.p_value)}
    pairwise = []
    for a, b in itertools.combinations(names, 2):
        (ta, ea, wa), (tb, eb, wb) = parts[a], parts[b]
        r = logrank_test(ta, tb, ea, eb, weights_A=wa, weights_B=wb)
        pairwise.append({"a": a, "b": b, "statistic": _num(r.test_statistic), "p": _num(r.p_value)})
    return overall, pairwise


def fit_groups(counts: pd.DataFrame, time: str, event: str, by: list[str]) -> SurvivalResult:
    """Kaplan–Meier for every group, overall and pairwise log-rank (``counts`` from
    ``load.counts``)."""
    labelled = counts.assign(_group=group_label(counts, by).to_numpy())
    names = sorted(labelled["_group"].unique().tolist())
    horizon = float(labelled["time"].max()) if len(labelled) else 0.0
    step = 12.0 if horizon <= 180 else 24.0
    grid = [float(x) for x in np.arange(0.0, horizon + 1e-9, step)]
    curves = [_curve(g, labelled[labelled["_group"] == g], grid) for g in names]
    overall, pairwise = _tests(labelled, names)
    return SurvivalResult(time, event, list(by), curves, overall, pairwise)
