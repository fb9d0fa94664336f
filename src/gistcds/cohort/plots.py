"""Registry plots as inline, accessible SVG (matplotlib, imported only when drawing).

Kaplan–Meier curves with their 95 % bands, the number at risk under the plot and the
published arms as points (median with its CI, landmark rates); the calibration plot
(observed against expected per category); a forest plot of Cox hazard ratios. Colours and
ink follow the single-patient report (``gistcds.report.plots``' public palette).
"""

from __future__ import annotations

import io
from typing import Any

from gistcds.cohort.calibrate import CalibrationResult
from gistcds.cohort.cox import CoxResult
from gistcds.cohort.survival import SurvivalResult

__all__ = ["calibration_plot", "forest_plot", "km_plot"]

try:  # the patient report's public palette, so both reports look alike
    from gistcds.report.plots import GRID, INK, PALETTE
except ImportError:  # pragma: no cover - report restructured
    INK, GRID = "#1f2933", "#d9dee3"
    PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"]


def _plt() -> Any:
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    plt.rcParams.update(
        {
            "font.family": "DejaVu Sans",
            "font.size": 9,
            "axes.edgecolor": INK,
            "axes.labelcolor": INK,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "xtick.color": INK,
            "ytick.color": INK,
            "legend.frameon": False,
            "legend.fontsize": 8,
            "svg.fonttype": "none",
            "svg.hashsalt": "gistcds-cohort",
        }
    )
    return plt


def _svg(fig: Any, name: str, title: str, desc: str) -> str:
    """The figure as an inline, accessible <svg>, serialised as the patient report's are."""
    from gistcds.report.plots.base import svg_element

    plt = _plt()
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(fig)
    return svg_element(buf.getvalue(), name, title, desc)


def km_plot(res: SurvivalResult, name: str = "km", title: str = "Kaplan–Meier") -> str:
    """Curves with 95 % bands, number at risk below, published arms as points."""
    plt = _plt()
    n_rows = len(res.groups)
    fig = plt.figure(figsize=(7.0, 3.6 + 0.22 * n_rows))
    left, width = 0.2, 0.76  # room on the left for the group names of the at-risk table
    top = fig.add_axes((left, 0.12 + 0.06 * n_rows, width, 0.8 - 0.06 * n_rows))
    horizon = max((g.times[-1] for g in res.groups if g.times), default=1.0)
    for i, g in enumerate(res.groups):
        c = PALETTE[i % len(PALETTE)]
        top.step(g.times, g.survival, where="post", color=c, lw=1.6, label=f"{g.group} (n={g.n})")
        top.fill_between(g.times, g.lower, g.upper, step="post", color=c, alpha=0.15, lw=0)
    for j, arm in enumerate(res.overlays):
        c = PALETTE[(n_rows + j) % len(PALETTE)]
        label = f"published: {arm['trial']} {arm['drug']} ({arm['endpoint']})"
        pts = [(lm["months"], lm["survival"]) for lm in arm["landmarks"]]
        if arm["median_months"]:
            ci = arm["median_ci"]
            xerr = [[arm["median_months"] - ci[0]], [ci[1] - arm["median_months"]]] if ci else None
            top.errorbar(
                [arm["median_months"]],
                [0.5],
                xerr=xerr,
                fmt="D",
                color=c,
                ms=5,
                capsize=3,
                label=label,
            )
            label = "_nolegend_"
        if pts:
            top.plot(*zip(*pts, strict=True), "o", color=c, ms=4, mfc="white", label=label)
    top.set_ylim(0, 1.02)
    top.set_xlim(0, horizon)
    top.set_ylabel(f"probability ({res.event} not yet)")
    top.grid(color=GRID, lw=0.5)
    top.legend(loc="lower left")
    grid = [float(x) for x in next(iter(res.groups)).at_risk] if res.groups else []
    top.set_xticks(grid)
    top.set_xlabel(f"{res.time} (months)")
    for i, g in enumerate(res.groups):
        y = 0.02 + 0.055 * (n_rows - 1 - i)
        name = g.group if len(g.group) <= 22 else g.group[:21] + "…"
        fig.text(left - 0.02, y, name, fontsize=6.5, ha="right", color=PALETTE[i % len(PALETTE)])
        for t in grid:
            x = left + width * (t / horizon if horizon else 0)
            fig.text(x, y, str(g.at_risk.get(f"{t:g}", "")), fontsize=6.5, ha="center", color=INK)
    fig.text(
        left - 0.02,
        0.03 + 0.055 * n_rows,
        "number at risk",
        fontsize=7,
        ha="right",
        color=INK,
        style="italic",
    )
    desc = "; ".join(f"{g.group}: median {g.median} months, n={g.n}" for g in res.groups)
    return _svg(fig, name, title, desc)


def calibration_plot(res: CalibrationResult, name: str = "calibration") -> str | None:
    """Observed (95 % band) against expected percentage per category, with the diagonal."""
    pts = [
        c for c in res.categories if c["expected_pct"] is not None and c["observed_pct"] is not None
    ]
    if not pts:
        return None
    plt = _plt()
    fig, ax = plt.subplots(figsize=(4.6, 4.2))
    lim = max(100.0, *(c["upper"] or 0 for c in pts))
    ax.plot([0, lim], [0, lim], color=GRID, lw=1, ls="--", label="perfect calibration")
    for i, c in enumerate(pts):
        err = [
            [c["observed_pct"] - (c["lower"] or c["observed_pct"])],
            [(c["upper"] or c["observed_pct"]) - c["observed_pct"]],
        ]
        ax.errorbar(
            [c["expected_pct"]],
            [c["observed_pct"]],
            yerr=err,
            fmt="o",
            color=PALETTE[i % len(PALETTE)],
            capsize=3,
            label=f"{c['category']} (n={c['n']})",
        )
    ax.set_xlim(0, lim)
    ax.set_ylim(0, lim)
    ax.set_xlabel("expected: published progression %")
    ax.set_ylabel(f"observed % with event by {res.horizon_months:g} months")
    ax.legend(loc="upper left")
    ax.grid(color=GRID, lw=0.5)
    desc = "; ".join(
        f"{c['category']}: expected {c['expected_pct']}%, observed {c['observed_pct']}%"
        for c in pts
    )
    return _svg(fig, name, f"Calibration of {res.system}", desc)


def forest_plot(res: CoxResult, name: str = "forest") -> str:
    """Hazard ratios with 95 % CI on a log axis."""
    plt = _plt()
    rows = res.coefficients
    fig, ax = plt.subplots(figsize=(6.0, 0.9 + 0.32 * len(rows)))
    for i, r in enumerate(rows):
        y = len(rows) - i
        ax.plot([r["lower"], r["upper"]], [y, y], color=INK, lw=1.2)
        ax.plot([r["hr"]], [y], "s", color=PALETTE[0], ms=5)
    ax.axvline(1.0, color=GRID, ls="--", lw=1)
    ax.set_xscale("log")
    ax.set_yticks(range(len(rows), 0, -1))
    ax.set_yticklabels([r["covariate"] for r in rows])
    ax.set_xlabel("hazard ratio (95% CI, log scale)")
    desc = "; ".join(f"{r['covariate']}: HR {r['hr']:.2f}" for r in rows)
    return _svg(fig, name, "Cox hazard ratios", desc)
