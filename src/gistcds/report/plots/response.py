"""Response figures: spider (per lesion and sum over time), waterfall (best change),
density (Choi's second measure); RECIST and Choi threshold lines from the view model."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from gistcds.report.plots.base import (
    FIG_HALF,
    GRID,
    INK,
    PALETTE,
    RESPONSE_COLOURS,
    TEXT_PT,
    months,
    spread,
    to_svg,
)
from gistcds.report.plots.svg import Axes, Figure, nice_ticks, text_width, tick_label

if TYPE_CHECKING:
    from gistcds.report.views import ReportData, Threshold

__all__ = ["density", "lesion_trajectories", "spider", "waterfall"]

# space between a waterfall bar's end and its value label, in points
LABEL_GAP = 4.5
THRESHOLD_STYLE = {"RECIST": ("#D55E00", "3.6,1.8"), "Choi": ("#0072B2", "0.9,1.35")}


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


def _limits(values: list[float], margin: float, lines: list[Threshold]) -> tuple[float, float]:
    """Data limits with ``margin`` (a fraction of the span) each side, widened so that every
    threshold line sits inside with room (8 % of the span) for its label."""
    lo, hi = min(values), max(values)
    span = max(hi - lo, 1.0)
    lo, hi = lo - margin * span, hi + margin * span
    if lines:
        span = max(hi - lo, 1.0)
        lo = min(lo, min(t.value_pct for t in lines) - 0.08 * span)
        hi = max(hi, max(t.value_pct for t in lines) + 0.08 * span)
    return lo, hi


def _response_axes(
    fig: Figure,
    xlim: tuple[float, float],
    ylim: tuple[float, float],
    lines: list[Threshold],
    top: float = 22,
    xlabels: tuple[list[float], list[str]] | None = None,
) -> Axes:
    """Axes of a half-width response figure: room on the right for the threshold labels;
    grid, spines and ticks drawn."""
    right = max([text_width(t.label, TEXT_PT) + 8 for t in lines] + [12.0])
    yt = nice_ticks(*ylim, most=6)
    left = 16 + max(text_width(tick_label(v), TEXT_PT) for v in yt) + 6
    ax = Axes(fig, left, top, fig.w - left - right, fig.h - top - 36, xlim, ylim)
    ax.grid("y", yt, GRID)
    ax.spines(INK)
    ax.yticks(yt, [tick_label(v) for v in yt], INK, TEXT_PT)
    xt, xl = (
        xlabels
        if xlabels is not None
        else (xt := nice_ticks(*xlim, most=6), [tick_label(v) for v in xt])
    )
    ax.xticks(xt, xl, INK, TEXT_PT)
    return ax


def _draw_thresholds(ax: Axes, lines: list[Threshold]) -> None:
    """Dashed threshold lines, labelled at the right edge, labels kept apart."""
    lo, hi = ax.ylim
    ys = spread([t.value_pct for t in lines], 0.075 * (hi - lo))
    for t, y in zip(lines, ys, strict=True):
        colour, dash = THRESHOLD_STYLE["RECIST" if t.label.startswith("RECIST") else "Choi"]
        ax.hline(t.value_pct, colour, 0.9, dash)
        ax.fig.text(ax.right + 3, ax.y(y), t.label, TEXT_PT, colour, valign="middle")


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


def _draw_lesions(ax: Axes, d0: dt.date, traj: dict[str, list[tuple[dt.date, float]]]) -> None:
    ends: list[tuple[str, float, float, str]] = []
    for j, (lid, pts) in enumerate(traj.items()):
        if not pts:
            continue
        colour = PALETTE[j % len(PALETTE)]
        xs = [0.0] + [months(d0, d) for d, _ in pts]
        ys = [0.0] + [v for _, v in pts]
        ax.plot(xs, ys, colour, 1.0, opacity=0.8)
        for x, y in zip(xs, ys, strict=True):
            ax.fig.marker(ax.x(x), ax.y(y), "o", 2.5, colour)
        ends.append((lid, xs[-1], ys[-1], colour))
    lo, hi = ax.ylim
    label_ys = spread([e[2] for e in ends], 0.07 * max(hi - lo, 1.0))
    for (lid, x, _, colour), y in zip(ends, label_ys, strict=True):
        ax.fig.text(ax.x(x) + 4, ax.y(y), lid, TEXT_PT, colour, valign="middle")


def _spider_limits(
    d0: dt.date,
    sums: list[tuple[dt.date, float, str]],
    traj: dict[str, list[tuple[dt.date, float]]],
    lines: list[Threshold],
) -> tuple[tuple[float, float], tuple[float, float]]:
    xs = [0.0] + [months(d0, d) for d, _, _ in sums]
    xs += [months(d0, d) for pts in traj.values() for d, _ in pts]
    ys = [0.0] + [v for _, v, _ in sums] + [v for pts in traj.values() for _, v in pts]
    span = max(max(xs) - min(xs), 1.0)
    # room right of the last points for the lesion labels (the plot is about 130 pt wide)
    room = max([text_width(lid, TEXT_PT) + 8 for lid in traj] + [0.0]) / 130
    return (min(xs) - 0.08 * span, max(xs) + (0.08 + room) * span), _limits(ys, 0.05, lines)


def spider(data: ReportData) -> str | None:
    """Per-lesion and sum change from baseline over time (spider plot)."""
    s = data.assessment.response_summary
    sums = _sum_points(data)
    traj, _ = lesion_trajectories(data)
    if s is None or not (sums or any(traj.values())):
        return None
    d0 = s.baseline_date
    lines = _thresholds(data, "size")
    fig = Figure(*FIG_HALF)
    ax = _response_axes(fig, *_spider_limits(d0, sums, traj, lines), lines, top=34)
    ax.hline(0, GRID, 1.0)
    _draw_thresholds(ax, lines)
    _draw_lesions(ax, d0, traj)
    if sums:
        xs = [0.0] + [months(d0, d) for d, _, _ in sums]
        ax.plot(xs, [0.0] + [v for _, v, _ in sums], INK, 2.2)
        for (_, v, cat), x in zip(sums, xs[1:], strict=True):
            colour = RESPONSE_COLOURS.get(cat, INK)
            fig.marker(ax.x(x), ax.y(v), "o", 7, colour, INK)
            fig.text(ax.x(x), ax.top - 2, cat, TEXT_PT, colour, "middle", bold=True)
    ax.labels(
        "Tumour size over time",
        "months since baseline CT",
        "change from baseline (%)",
        INK,
        TEXT_PT,
        pad=16,
    )
    last = sums[-1] if sums else None
    desc = f"Spider plot of {len(traj)} target lesions from {d0.isoformat()}; " + (
        f"sum of targets last {last[1]:+.1f} % (RECIST {last[2]})." if last else ""
    )
    return to_svg(fig, "spider", "Spider plot: change from baseline per lesion", desc)


def _bar_label(fig: Figure, x: float, end: float, label: str, above: bool) -> None:
    """A bar's value beyond its end, clear of the bar (LABEL_GAP points) and on a white
    ground, so that a threshold line passing there does not run through the figures."""
    height = TEXT_PT * 1.05
    top = end - LABEL_GAP - height if above else end + LABEL_GAP
    width = text_width(label, TEXT_PT) + 2
    fig.rect(x - width / 2, top, width, height, "#ffffff")
    fig.text(x, top, label, TEXT_PT, INK, "middle", "top")


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
    items = sorted(best.items(), key=lambda kv: -kv[1])
    lines = _thresholds(data, "size")
    fig = Figure(*FIG_HALF)
    n = len(items)
    ylim = _limits([0.0] + [v for _, v in items], 0.2, lines)
    ticks = (list(map(float, range(n))), [k for k, _ in items])
    ax = _response_axes(fig, (-0.6, n - 0.4), ylim, lines, xlabels=ticks)
    _draw_thresholds(ax, lines)
    for i, (k, v) in enumerate(items):
        colour = INK if k == "sum" else ("#0072B2" if v < 0 else "#D55E00")
        top, bottom = ax.y(max(v, 0.0)), ax.y(min(v, 0.0))
        fig.rect(ax.x(i - 0.35), top, ax.x(i + 0.35) - ax.x(i - 0.35), bottom - top, colour)
        label = f"{v:+.0f} %".replace("-", "−")  # the typographic minus of the axes
        _bar_label(fig, ax.x(i), ax.y(v), label, above=v >= 0)
    ax.hline(0, INK, 0.8)
    ax.labels("Best change from baseline", "", "best change from baseline (%)", INK, TEXT_PT)
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
    choi = {tp.date: tp.choi for tp in data.assessment.response}
    lines = _thresholds(data, "density")
    xs = [0.0] + [months(s.baseline_date, d) for d, _, _ in pts]
    ys = [0.0] + [c for _, c, _ in pts]
    span = max(max(xs) - min(xs), 1.0)
    fig = Figure(*FIG_HALF)
    xlim = (min(xs) - 0.15 * span, max(xs) + 0.15 * span)
    ax = _response_axes(fig, xlim, _limits(ys, 0.3, lines), lines)
    ax.hline(0, GRID, 1.0)
    _draw_thresholds(ax, lines)
    ax.plot(xs, ys, INK, 1.8)
    for x, y in zip(xs, ys, strict=True):
        fig.marker(ax.x(x), ax.y(y), "o", 4, INK)
    for (d, _, hu), x, y in zip(pts, xs[1:], ys[1:], strict=True):
        cat = choi.get(d)
        text = (f"{cat} " if cat else "") + (f"({hu:.0f} HU)" if hu is not None else "")
        colour = RESPONSE_COLOURS.get(cat or "", INK)
        fig.text(ax.x(x), ax.y(y) - 6, text.strip(), TEXT_PT, colour, "middle", bold=True)
    ax.labels(
        "Target-lesion density", "months since baseline CT", "density change (%)", INK, TEXT_PT
    )
    desc = (
        "Mean density change from baseline: "
        + ", ".join(f"{d.isoformat()} {c:+.1f} %" for d, c, _ in pts)
        + "."
    )
    return to_svg(fig, "density", "Mean density of the target lesions over time", desc)
