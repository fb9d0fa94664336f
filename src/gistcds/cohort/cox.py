"""Cox proportional hazards by lifelines, with its proportional-hazards checks.

Covariates are read as text and typed by what they hold: numbers stay numbers (size_cm,
mitoses, ECOG, labs), true/false columns become 0/1 (rupture), anything else is categorical
(site, genotype_class) and is coded as indicators against its most frequent level. Rows
missing a covariate are left out (complete cases) and counted.

Scale: with more than ``max_rows`` rows the model is fitted on a deterministic sample,
each row kept when a hash of its values falls below the sampling fraction, so that pandas
and Dask keep the same rows and give the same coefficients (documented in docs/cohort.md).
"""

from __future__ import annotations

import warnings
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from gistcds.cohort.load import MISSING
from gistcds.cohort.schema import FALSE, TRUE
from gistcds.errors import InputError, Problem

__all__ = ["CoxResult", "design", "fit_cox", "sample_rows"]

PH_ALPHA = 0.05
STEP_SIZES = (0.95, 0.3, 0.1)  # lifelines' default first


@dataclass
class CoxResult:
    n: int
    events: int
    excluded_incomplete: int
    sampled_from: int | None
    concordance: float
    log_likelihood: float
    coefficients: list[dict[str, Any]]
    references: dict[str, str]
    ph_checks: list[dict[str, Any]]
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def sample_rows(df: pd.DataFrame, fraction: float) -> pd.DataFrame:
    """Rows whose content hash is below ``fraction`` of the hash range (engine-independent)."""
    if fraction >= 1.0:
        return df
    h = pd.util.hash_pandas_object(df, index=False).to_numpy()
    return df[h < np.uint64(int(fraction * float(2**64 - 1)))]


def _kind(s: pd.Series) -> str:
    vals = s[s != MISSING]
    if pd.to_numeric(vals, errors="coerce").notna().all():
        return "number"
    if vals.str.lower().isin(TRUE | FALSE).all():
        return "boolean"
    return "category"


def design(df: pd.DataFrame, covariates: list[str]) -> tuple[pd.DataFrame, dict[str, str], int]:
    """(time, event and coded covariates of the complete cases, reference levels, excluded)."""
    cols: dict[str, pd.Series] = {}
    refs: dict[str, str] = {}
    missing = pd.Series(False, index=df.index)
    for c in covariates:
        s = df[c].astype(str)
        missing |= s == MISSING
        kind = _kind(s)
        if kind == "number":
            cols[c] = pd.to_numeric(s.where(s != MISSING), errors="coerce")
        elif kind == "boolean":
            cols[c] = s.str.lower().isin(TRUE).astype(float).where(s != MISSING)
        else:
            levels = s[s != MISSING].value_counts()
            ref = str(sorted(levels[levels == levels.max()].index)[0])
            refs[c] = ref
            for level in sorted(levels.index):
                if level != ref:
                    cols[f"{c}={level}"] = (s == level).astype(float)
    out = pd.DataFrame(cols, index=df.index)
    out.insert(0, "event", df["event"].astype(int))
    out.insert(0, "time", df["time"].astype(float))
    complete = out[~missing.to_numpy()]
    return complete.reset_index(drop=True), refs, int(missing.sum())


def _fit(cph: Any, data: pd.DataFrame) -> Any:
    """lifelines' fit (Newton–Raphson). When its default step overshoots (heavy-tailed
    covariates such as mitotic counts), it is retried with shorter steps, which reach the
    same maximum of the partial likelihood; a model that still does not converge is
    reported with the usual causes (a level without events, separation, collinearity)."""
    from lifelines.exceptions import ConvergenceError

    failed: ConvergenceError | None = None
    for step in STEP_SIZES:
        try:
            with warnings.catch_warnings():  # overflow warnings of a step that overshot
                warnings.simplefilter("ignore", RuntimeWarning)
                warnings.filterwarnings("ignore", message=".*ill-conditioned.*")
                return cph.fit(
                    data, duration_col="time", event_col="event", fit_options={"step_size": step}
                )
        except ConvergenceError as exc:
            failed = exc
    levels = [c for c in data.columns[2:] if data.loc[data[c] != 0, "event"].sum() == 0]
    hint = f" (no event where {', '.join(levels)})" if levels else ""
    raise InputError(
        [
            Problem(
                "--covariates",
                "the Cox model did not converge" + hint + "; merge rare levels, drop a "
                "covariate, or add a penalty (--penalizer 0.1): "
                + str(failed).splitlines()[0][:200],
            )
        ]
    ) from failed


def fit_cox(
    df: pd.DataFrame,
    covariates: list[str],
    sampled_from: int | None = None,
    penalizer: float = 0.0,
) -> CoxResult:
    """CoxPH (lifelines, Efron ties; ``penalizer`` > 0 adds lifelines' ridge penalty) and
    Schoenfeld-residual tests (rank time transform)."""
    from lifelines import CoxPHFitter
    from lifelines.statistics import proportional_hazard_test

    data, refs, excluded = design(df, covariates)
    notes: list[str] = []
    constant = [c for c in data.columns[2:] if data[c].nunique() < 2]
    if constant:
        notes.append(f"left out (no variation): {', '.join(constant)}")
        data = data.drop(columns=constant)
    cph = _fit(CoxPHFitter(penalizer=penalizer), data)
    s = cph.summary
    coefs = [
        {
            "covariate": str(name),
            "coef": float(r["coef"]),
            "hr": float(r["exp(coef)"]),
            "lower": float(r["exp(coef) lower 95%"]),
            "upper": float(r["exp(coef) upper 95%"]),
            "se": float(r["se(coef)"]),
            "p": float(r["p"]),
        }
        for name, r in s.iterrows()
    ]
    ph = proportional_hazard_test(cph, data, time_transform="rank").summary
    checks = [
        {
            "covariate": str(name if not isinstance(name, tuple) else name[0]),
            "statistic": float(r["test_statistic"]),
            "p": float(r["p"]),
            "holds": bool(r["p"] >= PH_ALPHA),
        }
        for name, r in ph.iterrows()
    ]
    if any(not c["holds"] for c in checks):
        notes.append(
            "proportional hazards questionable (Schoenfeld test p < 0.05) for: "
            + ", ".join(str(c["covariate"]) for c in checks if not c["holds"])
            + "; consider stratifying or a time-varying effect"
        )
    return CoxResult(
        n=len(data),
        events=int(data["event"].sum()),
        excluded_incomplete=excluded,
        sampled_from=sampled_from,
        concordance=float(cph.concordance_index_),
        log_likelihood=float(cph.log_likelihood_),
        coefficients=coefs,
        references=refs,
        ph_checks=checks,
        notes=notes,
    )
