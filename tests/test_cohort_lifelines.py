"""Checks against results nobody here wrote: lifelines' own data sets and a published table.

- Kaplan–Meier and log-rank from the counts per time (``cohort.survival``, the path both
  engines take) equal lifelines fitted on the individual rows of ``load_waltons`` and
  ``load_rossi``;
- the Cox model of ``cohort.cox`` on Rossi's recidivism data equals lifelines' own fit and
  the coefficients published by Fox & Weisberg;
- the calibration's Harrell's C equals lifelines' ``concordance_index`` and its
  time-dependent AUC equals scikit-survival's ``cumulative_dynamic_auc``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

lifelines = pytest.importorskip("lifelines")

from lifelines import CoxPHFitter, KaplanMeierFitter  # noqa: E402
from lifelines.datasets import load_rossi, load_waltons  # noqa: E402
from lifelines.statistics import logrank_test, multivariate_logrank_test  # noqa: E402
from lifelines.utils import concordance_index  # noqa: E402

from gistcds.cohort.calibrate import calibrate, censored_after  # noqa: E402
from gistcds.cohort.cox import fit_cox  # noqa: E402
from gistcds.cohort.load import MISSING  # noqa: E402
from gistcds.cohort.survival import fit_groups  # noqa: E402

# Fox J, Weisberg S. "Cox Proportional-Hazards Regression for Survival Data in R", an
# appendix to An R Companion to Applied Regression, 2nd ed. (Sage, 2011), section 3: the
# model coxph(Surv(week, arrest) ~ fin + age + race + wexp + mar + paro + prio, data=Rossi),
# coefficients as printed there (4 decimals). The same values, to more decimals, are the
# expected coefficients of R's coxph in the test suite of JuliaStats' Survival.jl
# (test/runtests.jl, "Cox" testset), an implementation independent of lifelines.
FOX_WEISBERG_ROSSI = {
    "fin": -0.3794,
    "age": -0.0574,
    "race": 0.3139,
    "wexp": -0.1498,
    "mar": -0.4337,
    "paro": -0.0849,
    "prio": 0.0915,
}


def _counts(df: pd.DataFrame, time: str, event: str, by: list[str]) -> pd.DataFrame:
    """Events and censorings per (group, time), as ``load.counts`` builds them."""
    g = df.assign(_e=df[event], _c=1 - df[event]).rename(columns={time: "time"})
    out = g.groupby([*by, "time"], observed=True).agg(events=("_e", "sum"), censored=("_c", "sum"))
    return out.reset_index()


def test_kaplan_meier_on_waltons_equals_lifelines_on_the_rows() -> None:
    df = load_waltons()
    res = fit_groups(_counts(df, "T", "E", ["group"]), "T", "E", ["group"])
    assert [g.group for g in res.groups] == ["control", "miR-137"]
    for g in res.groups:
        rows = df[df["group"] == g.group]
        kmf = KaplanMeierFitter().fit(rows["T"], rows["E"])
        sf = kmf.survival_function_.iloc[:, 0]
        np.testing.assert_allclose(g.times, sf.index.to_numpy(float))
        np.testing.assert_allclose(g.survival, sf.to_numpy(), rtol=1e-12)
        ci = kmf.confidence_interval_
        np.testing.assert_allclose(g.lower, ci.iloc[:, 0].to_numpy(), rtol=1e-9)
        np.testing.assert_allclose(g.upper, ci.iloc[:, 1].to_numpy(), rtol=1e-9)
        assert g.median == pytest.approx(kmf.median_survival_time_)
        assert g.n == len(rows) and g.events == int(rows["E"].sum())


def test_log_rank_on_waltons_and_rossi_equals_lifelines() -> None:
    w = load_waltons()
    res = fit_groups(_counts(w, "T", "E", ["group"]), "T", "E", ["group"])
    a, b = (w[w["group"] == g] for g in ("control", "miR-137"))
    want = logrank_test(a["T"], b["T"], a["E"], b["E"])
    assert res.logrank is not None
    assert res.logrank["statistic"] == pytest.approx(want.test_statistic, rel=1e-9)
    assert res.logrank["p"] == pytest.approx(want.p_value, rel=1e-6)
    assert res.pairwise[0]["statistic"] == pytest.approx(want.test_statistic, rel=1e-9)
    r = load_rossi().assign(group=lambda d: d["prio"].clip(upper=3).astype(str))
    res = fit_groups(_counts(r, "week", "arrest", ["group"]), "week", "arrest", ["group"])
    multi = multivariate_logrank_test(r["week"], r["group"], r["arrest"])
    assert res.logrank is not None
    assert res.logrank["statistic"] == pytest.approx(multi.test_statistic, rel=1e-9)
    assert res.logrank["df"] == 3
    assert len(res.pairwise) == 6


def _rossi_as_read() -> pd.DataFrame:
    """Rossi as ``load.frame`` hands it to ``fit_cox``: time, event, covariates as text."""
    r = load_rossi()
    out = pd.DataFrame({"time": r["week"].astype(float), "event": r["arrest"].astype(np.int8)})
    for c in FOX_WEISBERG_ROSSI:
        out[c] = r[c].astype(str)
    return out


def test_cox_on_rossi_equals_lifelines_and_fox_weisberg() -> None:
    res = fit_cox(_rossi_as_read(), list(FOX_WEISBERG_ROSSI))
    got = {c["covariate"]: c for c in res.coefficients}
    cph = CoxPHFitter().fit(load_rossi(), duration_col="week", event_col="arrest")
    for name, published in FOX_WEISBERG_ROSSI.items():
        assert got[name]["coef"] == pytest.approx(cph.params_[name], abs=1e-9)
        assert round(got[name]["coef"], 4) == pytest.approx(published, abs=1e-4), name
    assert res.n == 432 and res.events == 114
    assert res.concordance == pytest.approx(cph.concordance_index_)
    assert {c["covariate"] for c in res.ph_checks} == set(FOX_WEISBERG_ROSSI)
    # the Schoenfeld test flags age and wexp on Rossi (p < 0.05), as lifelines' docs show
    flagged = {c["covariate"] for c in res.ph_checks if not c["holds"]}
    assert "age" in flagged


def test_cox_codes_a_categorical_against_its_most_frequent_level() -> None:
    df = _rossi_as_read()
    df["prio_group"] = np.where(load_rossi()["prio"] >= 3, "many", "few")
    df.loc[0, "prio_group"] = MISSING
    res = fit_cox(df, ["fin", "prio_group"])
    assert res.references == {"prio_group": "few"}
    assert [c["covariate"] for c in res.coefficients] == ["fin", "prio_group=many"]
    assert res.excluded_incomplete == 1 and res.n == 431


def test_harrell_c_and_td_auc_equal_lifelines_and_scikit_survival() -> None:
    sksurv = pytest.importorskip("sksurv.metrics")
    from sksurv.util import Surv

    r = load_rossi()
    cats = np.array(["very_low", "low", "intermediate", "high"])
    category = cats[np.clip(r["prio"].to_numpy(), 0, 3)]
    data = pd.DataFrame(
        {"time": r["week"].astype(float), "event": r["arrest"], "category": category, "pct": np.nan}
    )
    res = calibrate(data, "nih", horizon=30.0)
    rank = pd.Series(category).map({c: i for i, c in enumerate(cats)}).to_numpy(float)
    assert res.c_index == pytest.approx(concordance_index(r["week"], -rank, r["arrest"]), abs=1e-4)
    y = Surv.from_arrays(event=r["arrest"].astype(bool), time=r["week"].astype(float))
    # Rossi's follow-up ends at week 52 with arrests on that week, where the censoring
    # distribution is zero and scikit-survival refuses the uncensored test set; the test
    # set censored after 24 weeks gives the same AUC (controls carry no weight)
    test = censored_after(data.assign(rank=rank), 24.0)
    yt = Surv.from_arrays(event=test["event"].astype(bool), time=test["time"])
    auc, _ = sksurv.cumulative_dynamic_auc(y, yt, test["rank"].to_numpy(), [24.0])
    assert res.auc["24"] == pytest.approx(auc[0], abs=1e-4)
    assert res.auc["60"] is None and res.auc["120"] is None  # follow-up is 52 weeks
    assert sum(c["n"] for c in res.categories) == 432


def test_censoring_after_t_leaves_the_auc_unchanged() -> None:
    sksurv = pytest.importorskip("sksurv.metrics")
    from sksurv.util import Surv

    rng = np.random.default_rng(3)
    n = 400
    score = rng.normal(size=n)
    t = rng.exponential(20 * np.exp(-0.5 * score))
    c = rng.uniform(0, 80, n)
    df = pd.DataFrame({"time": np.minimum(t, c), "event": (t <= c).astype(int), "rank": score})
    y = Surv.from_arrays(event=df["event"].astype(bool), time=df["time"])
    raw, _ = sksurv.cumulative_dynamic_auc(y, y, score, [15.0])
    test = censored_after(df, 15.0)
    yt = Surv.from_arrays(event=test["event"].astype(bool), time=test["time"])
    clipped, _ = sksurv.cumulative_dynamic_auc(y, yt, test["rank"].to_numpy(), [15.0])
    assert clipped[0] == pytest.approx(raw[0], abs=1e-12)
