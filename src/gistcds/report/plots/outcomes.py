"""Outcome figures: survival curves per option (PFS, OS) and the simulated sequence."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

from gistcds.report.plots.base import FIG_FULL, GRID, INK, PALETTE, TEXT_PT, to_svg
from gistcds.report.plots.svg import Axes, Figure, LegendEntry, nice_ticks, text_width, tick_label

if TYPE_CHECKING:
    from gistcds.domain.results.prognosis import SurvivalEstimate
    from gistcds.report.views import CurveSet, ReportData

__all__ = ["sequence", "survival", "time_axis_end"]

NEAR_ZERO = 0.05  # the time axis ends once every curve has fallen this low (or the data end)
BEYOND_DATA = 1.5  # ... but shows at most this much past the latest published time point


def _xy(
    points: Sequence[Sequence[float]], end: float = math.inf
) -> tuple[list[float], list[float]]:
    """x and y lists of ``points`` up to the first one at or beyond ``end`` (the axis
    end: points further right are clipped anyway and only weigh on the PDF)."""
    xs: list[float] = []
    ys: list[float] = []
    for pt in points:
        xs.append(float(pt[0]))
        ys.append(float(pt[1]))
        if xs[-1] >= end:
            break
    return xs, ys


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


DASH_ALTERNATIVE = "7,4.2"  # alternatives: dashed, drawn above the recommended option
DOTTED = "1,1.65"  # the model's extrapolation beyond the published data


def _style(cs: CurveSet, colour: str) -> LegendEntry:
    return LegendEntry(
        cs.name,
        colour,
        width=2.2 if cs.recommended else 1.4,
        dash=None if cs.recommended else DASH_ALTERNATIVE,
    )


def _draw_curves(ax: Axes, items: list[tuple[SurvivalEstimate, CurveSet, str]]) -> None:
    """Bands first, then the recommended option, then the alternatives dashed above it (an
    identical curve still shows as a dash pattern over the bold line); beyond the published
    data the curve is the model's extrapolation, thin and dotted; medians as dots."""
    end = ax.xlim[1]
    ax.begin_clip()
    for est, cs, colour in items:
        lo, hi = est.lower, est.upper
        if lo and hi and len(lo) == len(hi):
            xl, yl = _xy(lo, end)
            yh = _xy(hi, end)[1]
            if len(yh) == len(yl):
                ax.band(xl, yl, yh, colour, 0.16 if cs.recommended else 0.07)
    for est, cs, colour in sorted(items, key=lambda it: not it[1].recommended):
        x, y = _xy(est.curve, end)
        cut = est.data_until_months if est.data_until_months is not None else x[-1]
        inside = [(a, b) for a, b in zip(x, y, strict=True) if a <= cut]
        beyond = [(a, b) for a, b in zip(x, y, strict=True) if a >= cut]
        style = _style(cs, colour)
        if len(beyond) > 1:
            ax.plot([a for a, _ in beyond], [b for _, b in beyond], colour, 1.0, DOTTED)
        ax.plot([a for a, _ in inside], [b for _, b in inside], colour, style.width, style.dash)
    ax.end_clip()
    for est, _, colour in items:
        if est.median_months is not None and est.median_months <= ax.xlim[1]:
            ax.fig.marker(ax.x(est.median_months), ax.y(0.5), "o", 4, colour)


def _panel(ax: Axes, endpoint: str) -> None:
    xt = nice_ticks(*ax.xlim)
    yt = [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]
    ax.grid("x", xt, GRID)
    ax.grid("y", yt, GRID)
    ax.spines(INK)
    ax.xticks(xt, [tick_label(t) for t in xt], INK, TEXT_PT)
    ax.yticks(yt, [f"{t:.1f}" for t in yt], INK, TEXT_PT)
    title = "Progression-free survival" if endpoint == "pfs" else "Overall survival"
    ax.labels(title, "months", "", INK, TEXT_PT)


def survival(data: ReportData) -> str | None:
    """PFS and OS curves with bands: recommended option bold, alternatives dashed above."""
    pv = data.prognosis
    if pv is None:
        return None
    per: dict[str, list[tuple[SurvivalEstimate, CurveSet, str]]] = {}
    for endpoint in ("pfs", "os"):
        for j, cs in enumerate(pv.curves):
            est = cs.pfs if endpoint == "pfs" else cs.os
            if est is not None and est.curve:
                per.setdefault(endpoint, []).append((est, cs, PALETTE[j % len(PALETTE)]))
    if not per:
        return None
    legend: dict[str, LegendEntry] = {}
    for items in per.values():
        for _, cs, colour in items:
            legend.setdefault(cs.name, _style(cs, colour))
    ncol = min(2 if len(per) == 2 else 1, len(legend))
    rows = (len(legend) + ncol - 1) // ncol
    fig = Figure(FIG_FULL[0] if len(per) == 2 else FIG_FULL[0] * 0.55, FIG_FULL[1] + 0.3)
    panel_w = fig.w / len(per)
    bottom = fig.h - 12 * rows - 8 - 36
    lines: list[str] = []
    for i, (endpoint, items) in enumerate(per.items()):
        drawn = [[(float(p[0]), float(p[1])) for p in est.curve] for est, _, _ in items]
        until = [est.data_until_months for est, _, _ in items if est.data_until_months is not None]
        left = i * panel_w + 46
        ax = Axes(
            fig,
            left,
            22,
            panel_w - 46 - 14,
            bottom - 22,
            (0.0, time_axis_end(drawn, until)),
            (0.0, 1.02),
        )
        _panel(ax, endpoint)
        fig.text(
            i * panel_w + 4,
            ax.top + ax.height / 2,
            "probability",
            TEXT_PT + 1,
            INK,
            "middle",
            "top",
            rotate=True,
        )
        _draw_curves(ax, items)
        for est, cs, _ in items:
            if est.median_months is not None:
                lines.append(f"{endpoint.upper()} {cs.name}: median {est.median_months:.1f} months")
    fig.legend(list(legend.values()), fig.w / 2, fig.h - 12 * rows - 6, ncol)
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
    n = len(lines)
    names = [f"line {ln.line}: {ln.drug}" for ln in lines]
    notes = [
        f"{float(ln.median_months_on_line or 0.0):.1f} mo; reached by "
        f"{ln.reached_fraction * 100:.0f} %"
        for ln in lines
    ]
    rights = [
        max(float(ln.median_months_on_line or 0.0), *(ln.quartiles_months_on_line or (0.0, 0.0)))
        for ln in lines
    ]
    fig = Figure(FIG_FULL[0], 0.8 + 0.4 * n)
    left = max(text_width(nm, TEXT_PT) for nm in names) + 10
    width = fig.w - left - 10
    # room on the right of each bar for its note
    hi = max(
        max(
            r * width / max(width - 6 - text_width(t, TEXT_PT), 1.0)
            for r, t in zip(rights, notes, strict=True)
        ),
        1.0,
    )
    ax = Axes(fig, left, 22, width, fig.h - 22 - 36, (0.0, hi), (-0.6, n - 0.4))
    xt = nice_ticks(0.0, hi)
    ax.grid("x", xt, GRID)
    for i, (ln, note, right) in enumerate(zip(lines, notes, rights, strict=True)):
        med, y = float(ln.median_months_on_line or 0.0), n - 1 - i
        fig.rect(
            ax.x(0),
            ax.y(y + 0.275),
            ax.x(med) - ax.x(0),
            ax.y(y - 0.275) - ax.y(y + 0.275),
            PALETTE[i % len(PALETTE)],
            opacity=0.85,
        )
        if (q := ln.quartiles_months_on_line) is not None:
            ax.plot([q[0], q[1]], [y, y], INK, 1.2)
            for edge in (q[0], q[1]):
                ax.plot([edge, edge], [y - 0.12, y + 0.12], INK, 1.2)
        fig.text(ax.x(right) + 4, ax.y(y), note, TEXT_PT, INK, valign="middle")
    ax.spines(INK, left=False)
    ax.xticks(xt, [tick_label(t) for t in xt], INK, TEXT_PT)
    ax.yticks([n - 1 - i for i in range(n)], names, INK, TEXT_PT, mark=False)
    ax.labels(
        f"Simulated sequence: median OS {s.os_median_months:.1f} months",
        "months on the line (simulated)",
        "",
        INK,
        TEXT_PT,
    )
    desc = "; ".join(
        f"line {ln.line} {ln.drug}: median {ln.median_months_on_line} months, reached by "
        f"{ln.reached_fraction * 100:.0f} %"
        for ln in lines
    )
    return to_svg(fig, "sequence", "Simulated time on each line of the sequence", desc)
