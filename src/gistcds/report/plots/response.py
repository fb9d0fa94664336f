"""Response figures: spider (per lesion and sum over time), waterfall (best change),
density (Choi's second measure); RECIST and Choi threshold lines from the view model."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from gistcds.report.plots.base import (
    FIG_HALF,
    GRID,
    INK,
    PALETTE,
    RESPONSE_COLOURS,
    TEXT_PT,
    months,
    plt,
    spread,
    to_svg,
)

if TYPE_CHECKING:
    from gistcds.report.views import ReportData, Threshold

__all__ = ["density", "lesion_trajectories", "spider", "waterfall"]

THRESHOLD_STYLE = {"RECIST": ("#D55E00", (0, (4, 2))), "Choi": ("#0072B2", (0, (1, 1.5)))}


def lesion_trajectories(data: ReportData) -> tuple[dict[str, list[tuple[dt.date, float]]], str]:
    """Per target lesion: (date, % change from baseline) after baseline, as the response
    engine measured it (``lesion_trajectories``, else its ``spider_lesions``)."""
    s = data.assessment.response_summary
    if s is None:
        return {}, ""
    out: dict[str, list[tuple[dt.date, float]]] = {}
    if s.lesion_trajectories:
        for series in s.lesion_trajectories:
            if series.kind == "target" and series.counted:
                out[series.lesion_id] = [
                    (pt.date, float(pt.change_from_baseline_pct))
                    for pt in series.points
                    if pt.change_from_baseline_pct is not None and pt.date != s.baseline_date
                ]
        return out, "response engine"
    for trajectory in s.spider_lesions:
        out[trajectory.lesion_id] = [
            (pt.date, float(pt.change_from_baseline_pct))
            for pt in trajectory.points
            if pt.change_from_baseline_pct is not None and pt.date != s.baseline_date
        ]
    return out, ("response engine" if out else "")


def _thresholds(data: ReportData, kind: str) -> list[Threshold]:
    return [t for t in data.response.thresholds if t.kind == kind] if data.response else []


def _draw_thresholds(ax: Any, lines: list[Threshold], horizontal: bool = True) -> None:
    """Dashed threshold lines, labelled at the right edge, labels kept apart."""
    if not lines:
        return
    lo, hi = ax.get_ylim()
    span = max(hi - lo, 1.0)
    new_lo = min(lo, min(t.value_pct for t in lines) - 0.08 * span)
    new_hi = max(hi, max(t.value_pct for t in lines) + 0.08 * span)
    ax.set_ylim(new_lo, new_hi)
    ys = spread([t.value_pct for t in lines], 0.075 * (new_hi - new_lo))
    for t, y in zip(lines, ys, strict=True):
        colour, dash = THRESHOLD_STYLE["RECIST" if t.label.startswith("RECIST") else "Choi"]
        ax.axhline(t.value_pct, color=colour, lw=0.9, ls=dash, zorder=1)
        ax.annotate(
            t.label,
            (1.0, y),
            xycoords=("axes fraction", "data"),
            xytext=(3, 0),
            textcoords="offset points",
            va="center",
            fontsize=TEXT_PT,
            color=colour,
        )


def _sum_points(data: ReportData) -> list[tuple[dt.date, float, str]]:
    s, resp = data.assessment.response_summary, data.assessment.response
    recist = {tp.date: tp.recist for tp in resp}
    if s is not None and s.spider_sum:
        pts = [
            (p.date, p.change_from_baseline_pct) for p in s.spider_sum if p.date != s.baseline_date
        ]
    else:
        pts = [(tp.date, tp.change_from_baseline_pct) for tp in resp]
    return [(d, float(v), recist.get(d, "NE")) for d, v in pts if v is not None]


def _draw_lesions(ax: Any, d0: dt.date, traj: dict[str, list[tuple[dt.date, float]]]) -> int:
    ends: list[tuple[str, float, float, str]] = []
    for j, (lid, pts) in enumerate(traj.items()):
        if not pts:
            continue
        colour = PALETTE[j % len(PALETTE)]
        xs = [0.0] + [months(d0, d) for d, _ in pts]
        ys = [0.0] + [v for _, v in pts]
        ax.plot(xs, ys, color=colour, lw=1, alpha=0.8, marker=".")
        ends.append((lid, xs[-1], ys[-1], colour))
    lo, hi = ax.get_ylim()
    label_ys = spread([e[2] for e in ends], 0.07 * max(hi - lo, 1.0))
    for (lid, x, _, colour), y in zip(ends, label_ys, strict=True):
        ax.annotate(
            lid,
            (x, y),
            xytext=(4, 0),
            textcoords="offset points",
            fontsize=TEXT_PT,
            color=colour,
            va="center",
        )
    return len(ends)


def spider(data: ReportData) -> str | None:
    """Per-lesion and sum change from baseline over time (spider plot)."""
    s = data.assessment.response_summary
    sums = _sum_points(data)
    traj, _ = lesion_trajectories(data)
    if s is None or not (sums or any(traj.values())):
        return None
    d0 = s.baseline_date
    pyplot = plt()
    fig, ax = pyplot.subplots(figsize=FIG_HALF)
    ax.axhline(0, color=GRID, lw=1, zorder=0)
    if sums:
        xs = [0.0] + [months(d0, d) for d, _, _ in sums]
        ax.plot(xs, [0.0] + [v for _, v, _ in sums], color=INK, lw=2.2, label="sum of targets")
        for (_, v, cat), x in zip(sums, xs[1:], strict=True):
            ax.scatter(
                [x],
                [v],
                s=40,
                zorder=3,
                color=RESPONSE_COLOURS.get(cat, INK),
                edgecolor=INK,
                linewidth=0.6,
            )
            ax.annotate(
                cat,
                (x, 1.0),
                xycoords=("data", "axes fraction"),
                xytext=(0, 2),
                textcoords="offset points",
                ha="center",
                va="bottom",
                fontsize=TEXT_PT,
                fontweight="bold",
                color=RESPONSE_COLOURS.get(cat, INK),
            )
    _draw_lesions(ax, d0, traj)
    _draw_thresholds(ax, _thresholds(data, "size"))
    ax.set_xlabel("months since baseline CT")
    ax.set_ylabel("change from baseline (%)")
    ax.set_title("Tumour size over time", pad=14)
    ax.margins(x=0.08)
    ax.grid(axis="y", color=GRID, lw=0.5)
    last = sums[-1] if sums else None
    desc = f"Spider plot of {len(traj)} target lesions from {d0.isoformat()}; " + (
        f"sum of targets last {last[1]:+.1f} % (RECIST {last[2]})." if last else ""
    )
    return to_svg(fig, "spider", "Spider plot: change from baseline per lesion", desc)


def waterfall(data: ReportData) -> str | None:
    """Best change from baseline per target lesion, and of the sum (waterfall)."""
    traj, _ = lesion_trajectories(data)
    best: dict[str, float] = {lid: min(v for _, v in pts) for lid, pts in traj.items() if pts}
    s = data.assessment.response_summary
    if s is not None and s.waterfall_best_change_pct is not None:
        best["sum"] = s.waterfall_best_change_pct
    elif sums := _sum_points(data):
        best["sum"] = min(v for _, v, _ in sums)
    if not best:
        return None
    pyplot = plt()
    items = sorted(best.items(), key=lambda kv: -kv[1])
    fig, ax = pyplot.subplots(figsize=FIG_HALF)
    colours = [INK if k == "sum" else ("#0072B2" if v < 0 else "#D55E00") for k, v in items]
    ax.bar(range(len(items)), [v for _, v in items], color=colours, width=0.7)
    ax.axhline(0, color=INK, lw=0.8)
    ax.set_xticks(range(len(items)), [k for k, _ in items])
    ax.set_ylabel("best change from baseline (%)")
    ax.set_title("Best change from baseline")
    for i, (_, v) in enumerate(items):
        ax.annotate(
            f"{v:+.0f}%",
            (i, v),
            xytext=(0, 3 if v >= 0 else -11),
            textcoords="offset points",
            ha="center",
            fontsize=TEXT_PT,
        )
    ax.margins(y=0.2)
    _draw_thresholds(ax, _thresholds(data, "size"))
    ax.grid(axis="y", color=GRID, lw=0.5)
    desc = "Waterfall: " + ", ".join(f"{k} {v:+.1f} %" for k, v in items) + "."
    return to_svg(fig, "waterfall", "Waterfall plot: best change per lesion", desc)


def density(data: ReportData) -> str | None:
    """Change of mean target-lesion density from baseline per CT (the engine's figures),
    with the Choi category above each point and the Choi density threshold."""
    s = data.assessment.response_summary
    if s is None:
        return None
    pts = [
        (d.date, float(d.density_change_pct), d.density_mean_hu)
        for d in s.density
        if d.density_change_pct is not None and d.date != s.baseline_date
    ]
    if not pts:
        return None
    pyplot = plt()
    choi = {tp.date: tp.choi for tp in data.assessment.response}
    fig, ax = pyplot.subplots(figsize=FIG_HALF)
    ax.axhline(0, color=GRID, lw=1, zorder=0)
    xs = [0.0] + [months(s.baseline_date, d) for d, _, _ in pts]
    ys = [0.0] + [c for _, c, _ in pts]
    ax.plot(xs, ys, color=INK, lw=1.8, marker="o", ms=4)
    for (d, _, hu), x, y in zip(pts, xs[1:], ys[1:], strict=True):
        cat = choi.get(d)
        text = (f"{cat} " if cat else "") + (f"({hu:.0f} HU)" if hu is not None else "")
        ax.annotate(
            text.strip(),
            (x, y),
            xytext=(0, 6),
            textcoords="offset points",
            ha="center",
            fontsize=TEXT_PT,
            fontweight="bold",
            color=RESPONSE_COLOURS.get(cat or "", INK),
        )
    ax.margins(x=0.15, y=0.3)
    _draw_thresholds(ax, _thresholds(data, "density"))
    ax.set_xlabel("months since baseline CT")
    ax.set_ylabel("density change (%)")
    ax.set_title("Target-lesion density")
    ax.grid(axis="y", color=GRID, lw=0.5)
    desc = (
        "Mean density change from baseline: "
        + ", ".join(f"{d.isoformat()} {c:+.1f} %" for d, c, _ in pts)
        + "."
    )
    return to_svg(fig, "density", "Mean density of the target lesions over time", desc)
