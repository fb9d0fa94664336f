"""Validation of a risk system on a registry: discrimination and calibration.

For ``--system nih|modified_nih|afip|ajcc8`` the rows' categories come from the table's
scored column (``<system>_category``, ``ajcc8_stage``) or, for an unscored table, from the
risk batch path. Reported, as registries publish when they validate a system:

- Harrell's C (lifelines ``concordance_index``) with the category's rank as predictor;
- time-dependent AUC at 24, 60 and 120 months (scikit-survival ``cumulative_dynamic_auc``,
  inverse-probability-of-censoring weights; null where follow-up does not reach);
- per category: n, events, the expected percentage (AFIP only: the mean of the rows'
  published progression percentages) and the observed percentage at the horizon
  (1 - Kaplan–Meier, with its 95 % band);
- Brier score at the horizon (AFIP only; IPCW, scikit-survival ``brier_score``) taking the
  published percentage as the predicted probability of progression by the horizon.

AFIP's percentages describe progression in long-term pre-imatinib follow-up; the horizon
(default 120 months) is the time at which they are compared, which is a choice of this
analysis and is printed with the result.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "AUC_MONTHS",
    "CATEGORY_COLUMN",
    "RANKS",
    "CalibrationResult",
    "calibrate",
    "censored_after",
]

AUC_MONTHS = (24, 60, 120)
CATEGORY_COLUMN = {
    "nih": "nih_category",
    "modified_nih": "modified_nih_category",
    "afip": "afip_category",
    "ajcc8": "ajcc8_stage",
}
_NIH = {"very_low": 0, "low": 1, "intermediate": 2, "high": 3}
# AJCC 8th: non-gastric stage I (T1-2 N0, low rate) sits with gastric IA
RANKS: dict[str, dict[str, int]] = {
    "nih": _NIH,
    "modified_nih": _NIH,
    "afip": {"none": 0, "very_low": 1, "low": 2, "moderate": 3, "high": 4},
    "ajcc8": {"IA": 0, "I": 0, "IB": 1, "II": 2, "IIIA": 3, "IIIB": 4, "IV": 5},
}


@dataclass
class CalibrationResult:
    system: str
    n: int
    events: int
    c_index: float | None
    auc: dict[str, float | None]
    categories: list[dict[str, Any]]
    brier: float | None
    horizon_months: float
    excluded: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _r(x: float | None, nd: int = 4) -> float | None:
    return None if x is None or not math.isfinite(float(x)) else round(float(x), nd)


def _surv(df: pd.DataFrame) -> Any:
    from sksurv.util import Surv

    return Surv.from_arrays(event=df["event"].to_numpy().astype(bool), time=df["time"].to_numpy())


def censored_after(df: pd.DataFrame, t: float) -> pd.DataFrame:
    """``df`` administratively censored just after ``t``.

    Uno's cumulative/dynamic AUC at ``t`` weights only the cases (events by ``t``); the
    controls (still at risk after ``t``) carry no weight, so censoring the test data after
    ``t`` leaves the AUC unchanged while sparing scikit-survival the late event times at
    which the censoring distribution reaches zero (end of follow-up), where it refuses.
    """
    late = df["time"] > t + 0.5
    return df.assign(time=np.where(late, t + 0.5, df["time"]), event=np.where(late, 0, df["event"]))


def _auc(df: pd.DataFrame, notes: list[str]) -> dict[str, float | None]:
    from sksurv.metrics import cumulative_dynamic_auc

    y = _surv(df)
    out: dict[str, float | None] = {}
    t_max = float(df["time"].max()) if len(df) else 0.0
    t_min_event = float(df.loc[df["event"] == 1, "time"].min()) if df["event"].any() else math.inf
    for m in AUC_MONTHS:
        if not t_min_event < m < t_max:
            out[str(m)] = None
            notes.append(f"AUC at {m} months: follow-up does not reach (or no event before)")
            continue
        try:
            test = censored_after(df, float(m))
            aucs, _ = cumulative_dynamic_auc(
                y, _surv(test), test["rank"].to_numpy(float), [float(m)]
            )
            out[str(m)] = _r(aucs[0])
        except ValueError as exc:
            out[str(m)] = None
            notes.append(f"AUC at {m} months: {exc}")
    return out


def _observed(sub: pd.DataFrame, horizon: float) -> tuple[float | None, float | None, float | None]:
    """Observed % with an event by ``horizon`` (1 - Kaplan–Meier) and its 95 % band."""
    from lifelines import KaplanMeierFitter

    if sub.empty or float(sub["time"].max()) < horizon:
        return None, None, None
    kmf = KaplanMeierFitter().fit(sub["time"], sub["event"])
    s = float(kmf.survival_function_at_times(horizon).iloc[0])
    ci = kmf.confidence_interval_
    row = ci[ci.index <= horizon].iloc[-1]
    return (
        _r(100 * (1 - s), 2),
        _r(100 * (1 - float(row.iloc[1])), 2),
        _r(100 * (1 - float(row.iloc[0])), 2),
    )


def _brier(df: pd.DataFrame, horizon: float, notes: list[str]) -> float | None:
    from sksurv.metrics import brier_score

    has = df[df["pct"].notna()]
    if has.empty or not float(has["time"].min()) <= horizon < float(has["time"].max()):
        notes.append(
            "Brier score: no published percentage, or follow-up does not reach the horizon"
        )
        return None
    y = _surv(has)
    pred = (1.0 - has["pct"].to_numpy(float) / 100.0).reshape(-1, 1)
    _, scores = brier_score(y, y, pred, [horizon])
    return _r(scores[0])


def calibrate(df: pd.DataFrame, system: str, horizon: float = 120.0) -> CalibrationResult:
    """``df``: time, event, category (text) and pct (AFIP percentage or NaN) per row."""
    from lifelines.utils import concordance_index

    ranks = RANKS[system]
    known = df["category"].isin(list(ranks))
    excluded = {str(k): int(v) for k, v in df.loc[~known, "category"].value_counts().items() if v}
    d = df[known].assign(rank=df.loc[known, "category"].map(ranks).astype(float))
    notes: list[str] = []
    c = None
    if d["event"].any() and d["rank"].nunique() > 1:
        c = _r(concordance_index(d["time"], -d["rank"], d["event"]))
    cats = []
    for name, _rank in sorted(ranks.items(), key=lambda kv: (kv[1], kv[0])):
        sub = d[d["category"] == name]
        if sub.empty:
            continue
        obs, lo, hi = _observed(sub, horizon)
        exp = sub["pct"].mean() if system == "afip" else None
        cats.append(
            {
                "category": name,
                "n": len(sub),
                "events": int(sub["event"].sum()),
                "expected_pct": _r(exp, 2) if exp is not None else None,
                "observed_pct": obs,
                "lower": lo,
                "upper": hi,
            }
        )
    brier = _brier(d, horizon, notes) if system == "afip" else None
    if system != "afip":
        notes.append(f"{system}: no published percentage per category, so no expected value")
    return CalibrationResult(
        system=system,
        n=len(d),
        events=int(d["event"].sum()),
        c_index=c,
        auc=_auc(d, notes) if len(d) else {str(m): None for m in AUC_MONTHS},
        categories=cats,
        brier=brier,
        horizon_months=horizon,
        excluded=excluded,
        notes=notes,
    )


def category_ranks(values: pd.Series, system: str) -> np.ndarray:
    """The ordinal rank of each category (NaN where the system gives none)."""
    return values.map(RANKS[system]).to_numpy(dtype=float)
