"""Outcome figures: survival curves per option (PFS, OS) and the simulated sequence."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from gistcds.report.plots.base import FIG_FULL, GRID, INK, PALETTE, TEXT_PT, plt, to_svg

if TYPE_CHECKING:
    from gistcds.domain.results.prognosis import SurvivalEstimate
    from gistcds.report.views import CurveSet, ReportData

__all__ = ["sequence", "survival", "time_axis_end"]

NEAR_ZERO = 0.05  # the time axis ends once every curve has fallen this low (or the data end)
BEYOND_DATA = 1.5  # ... but shows at most this much past the latest published time point


def _xy(points: Sequence[Sequence[float]]) -> tuple[list[float], list[float]]:
    return [float(pt[0]) for pt in points], [float(pt[1]) for pt in points]


def time_axis_end(
    curves: list[list[tuple[float, float]]], data_until: Sequence[float] = ()
) -> float:
    """The end of a time axis fitted to the curves: where the last of them falls to
    ``NEAR_ZERO`` (or its points end), but no further than ``BEYOND_DATA`` times the latest
    published time point when known; rounded up to 6 months (12 beyond 5 years)."""
    ends = []
    for pts in curves:
        if not pts:
            continue
        below = [x for x, y in pts if y <= NEAR_ZERO]
        ends.append(below[0] if below else pts[-1][0])
    if not ends:
        return 12.0
    end = max(ends)
    if data_until:
        end = min(end, BEYOND_DATA * max(data_until))
    step = 6.0 if end <= 60 else 12.0
    return max(step, math.ceil(end / step) * step)


def _draw_curve(ax: Any, est: SurvivalEstimate, cs: CurveSet, colour: str) -> str | None:
    x, y = _xy(est.curve)
    lo, hi = est.lower, est.upper
    if lo and hi and len(lo) == len(hi):
        xl, yl = _xy(lo)
        _, yh = _xy(hi)
        ax.fill_between(xl, yl, yh, color=colour, alpha=0.16 if cs.recommended else 0.07, lw=0)
    # alternatives are drawn above the recommended option, dashed, so an identical curve
    # still shows as a dash pattern over the bold line; beyond the published data the curve
    # is the model's extrapolation: drawn thin and dotted
    cut = est.data_until_months if est.data_until_months is not None else x[-1]
    inside = [(a, b) for a, b in zip(x, y, strict=True) if a <= cut]
    beyond = [(a, b) for a, b in zip(x, y, strict=True) if a >= cut]
    ax.plot(
        [a for a, _ in inside],
        [b for _, b in inside],
        color=colour,
        lw=2.2 if cs.recommended else 1.4,
        ls="-" if cs.recommended else (0, (5, 3)),
        zorder=2 if cs.recommended else 3,
        label=cs.name,
    )
    if len(beyond) > 1:
        ax.plot(
            [a for a, _ in beyond], [b for _, b in beyond], color=colour, lw=1.0, ls=":", zorder=2
        )
    if est.median_months is None:
        return None
    ax.plot([est.median_months], [0.5], marker="o", ms=4, color=colour, zorder=4)
    return f"median {est.median_months:.1f} months"


def survival(data: ReportData) -> str | None:
    """PFS and OS curves with bands: recommended option bold, alternatives dashed above."""
    pv = data.prognosis
    if pv is None:
        return None
    endpoints = [
        e
        for e in ("pfs", "os")
        if any(
            (est := (cs.pfs if e == "pfs" else cs.os)) is not None and est.curve for cs in pv.curves
        )
    ]
    if not endpoints:
        return None
    pyplot = plt()
    width = FIG_FULL[0] if len(endpoints) == 2 else FIG_FULL[0] * 0.55
    fig, axes = pyplot.subplots(
        1, len(endpoints), figsize=(width, FIG_FULL[1] + 0.3), squeeze=False
    )
    lines: list[str] = []
    for ax, endpoint in zip(axes[0], endpoints, strict=True):
        drawn: list[list[tuple[float, float]]] = []
        until: list[float] = []
        for j, cs in enumerate(pv.curves):
            est = cs.pfs if endpoint == "pfs" else cs.os
            if est is None or not est.curve:
                continue
            med = _draw_curve(ax, est, cs, PALETTE[j % len(PALETTE)])
            drawn.append([(float(p[0]), float(p[1])) for p in est.curve])
            if est.data_until_months is not None:
                until.append(est.data_until_months)
            if med:
                lines.append(f"{endpoint.upper()} {cs.name}: {med}")
        ax.set_title("Progression-free survival" if endpoint == "pfs" else "Overall survival")
        ax.set_xlabel("months")
        ax.set_ylabel("probability")
        ax.set_xlim(0, time_axis_end(drawn, until))
        ax.set_ylim(0, 1.02)
        ax.grid(color=GRID, lw=0.5)
    handles: list[Any] = []
    labels_: list[str] = []
    for ax in axes[0]:
        for h, lab in zip(*ax.get_legend_handles_labels(), strict=True):
            if lab not in labels_:
                handles.append(h)
                labels_.append(lab)
    if not handles:
        pyplot.close(fig)
        return None
    ncol = min(2 if len(endpoints) == 2 else 1, len(handles))
    rows = (len(handles) + ncol - 1) // ncol
    fig.legend(handles, labels_, loc="lower center", ncol=ncol, bbox_to_anchor=(0.5, 0))
    fig.tight_layout(rect=(0, 0.07 * rows + 0.02, 1, 1))
    desc = "; ".join(lines) or "Survival curves."
    return to_svg(fig, "survival", "Estimated PFS and OS curves with uncertainty bands", desc)


def sequence(data: ReportData) -> str | None:
    """Simulated time on each line: median bar, interquartile whisker, share reaching it."""
    p = data.assessment.prognosis
    s = p.sequence if p is not None else None
    if s is None or not s.lines:
        return None
    lines = [ln for ln in s.lines if ln.median_months_on_line is not None]
    if not lines:
        return None
    pyplot = plt()
    n = len(lines)
    fig, ax = pyplot.subplots(figsize=(FIG_FULL[0], 0.8 + 0.4 * n))
    for i, ln in enumerate(lines):
        med = float(ln.median_months_on_line or 0.0)
        y = n - 1 - i
        ax.barh(y, med, height=0.55, color=PALETTE[i % len(PALETTE)], alpha=0.85)
        right = med
        if (q := ln.quartiles_months_on_line) is not None:
            ax.plot([q[0], q[1]], [y, y], color=INK, lw=1.2)
            for edge in (q[0], q[1]):
                ax.plot([edge, edge], [y - 0.12, y + 0.12], color=INK, lw=1.2)
            right = max(right, q[1])
        ax.annotate(
            f"{med:.1f} mo; reached by {ln.reached_fraction * 100:.0f} %",
            (right, y),
            xytext=(4, 0),
            textcoords="offset points",
            va="center",
            fontsize=TEXT_PT,
        )
    ax.set_yticks([n - 1 - i for i in range(n)], [f"line {ln.line}: {ln.drug}" for ln in lines])
    ax.set_axisbelow(True)
    ax.set_xlabel("months on the line (simulated)")
    ax.set_title(f"Simulated sequence: median OS {s.os_median_months:.1f} months")
    ax.margins(x=0.35)
    ax.grid(axis="x", color=GRID, lw=0.5)
    ax.spines["left"].set_visible(False)
    ax.tick_params(axis="y", length=0)
    desc = "; ".join(
        f"line {ln.line} {ln.drug}: median {ln.median_months_on_line} months, reached by "
        f"{ln.reached_fraction * 100:.0f} %"
        for ln in lines
    )
    return to_svg(fig, "sequence", "Simulated time on each line of the sequence", desc)
