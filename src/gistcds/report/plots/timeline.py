"""The treatment timeline (swimmer plot): one lane per past line, CTs with RECIST above."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from gistcds.report.plots.base import (
    FIG_FULL,
    GRID,
    INK,
    RESPONSE_COLOURS,
    SETTING_COLOURS,
    TEXT_PT,
    months,
    to_svg,
)
from gistcds.report.plots.svg import Axes, Figure, LegendEntry, nice_ticks, text_width, tick_label

if TYPE_CHECKING:
    from gistcds.report.views import ReportData, TimelineLine

__all__ = ["swimmer"]


def _lane(ax: Axes, t: TimelineLine, y: int, d0: dt.date, today: dt.date) -> None:
    assert t.start is not None
    x0, x1 = months(d0, t.start), months(d0, t.end or today)
    colour = SETTING_COLOURS.get(t.setting, "#999999")
    left, right = ax.x(x0), ax.x(x0 + max(x1 - x0, 0.2))
    ax.fig.rect(left, ax.y(y + 0.25), right - left, ax.y(y - 0.25) - ax.y(y + 0.25), colour, INK)
    if t.end is None:  # ongoing: an arrow past the end of the bar
        ax.fig.line([right, right + 12], [ax.y(y), ax.y(y)], INK, 1.0)
        ax.fig.marker(right + 12, ax.y(y), ">", 6, INK)
    if t.stop_reason == "progression":
        ax.fig.marker(ax.x(x1), ax.y(y), "X", 8, "#D55E00", INK)
    elif t.stop_reason == "toxicity":
        ax.fig.marker(ax.x(x1), ax.y(y), "D", 7, "#E69F00", INK)
    if t.best_response != "—":
        ax.fig.text(
            (left + right) / 2,
            ax.y(y),
            f"best {t.best_response}",
            TEXT_PT,
            "white" if t.setting == "metastatic" else INK,
            "middle",
            "middle",
            bold=True,
        )


def _ct_lane(ax: Axes, data: ReportData, y: int, d0: dt.date) -> None:
    s = data.assessment.response_summary
    assert s is not None
    for d in [s.baseline_date] + [tp.date for tp in data.assessment.response]:
        ax.fig.marker(ax.x(months(d0, d)), ax.y(y), "|", 11, INK)
    for tp in data.assessment.response:
        colour = RESPONSE_COLOURS.get(tp.recist, INK)
        ax.fig.text(
            ax.x(months(d0, tp.date)), ax.y(y) - 7, tp.recist, TEXT_PT, colour, "middle", bold=True
        )


def _legend(lines: list[TimelineLine]) -> list[LegendEntry]:
    entries = [
        LegendEntry(s, c, "patch")
        for s, c in SETTING_COLOURS.items()
        if any(t.setting == s for t in lines)
    ]
    if any(t.stop_reason == "progression" for t in lines):
        entries.append(LegendEntry("progression", "#D55E00", "X"))
    if any(t.stop_reason == "toxicity" for t in lines):
        entries.append(LegendEntry("toxicity", "#E69F00", "D"))
    if any(t.end is None for t in lines):
        entries.append(LegendEntry("ongoing", INK, ">"))
    return entries


def _x_end(data: ReportData, lines: list[TimelineLine], d0: dt.date) -> float:
    today = data.generated.date()
    ends = [months(d0, t.end or today) for t in lines]
    ends += [months(d0, tp.date) for tp in data.assessment.response]
    span = max(max(ends), 1.0)
    return span * 1.08 + (span * 0.04 if any(t.end is None for t in lines) else 0.0)


def swimmer(data: ReportData) -> str | None:
    """Treatment timeline: one lane per past line, CT time points with RECIST above."""
    lines = [t for t in data.timeline if t.start is not None]
    if not lines:
        return None
    s = data.assessment.response_summary
    starts = [t.start for t in lines if t.start is not None]
    d0 = min([*starts, *([s.baseline_date] if s else [])])
    n = len(lines)
    ticks = list(range(n, 0, -1))
    names = [f"{t.number}. {t.drug} {t.dose if t.dose != '—' else ''}".strip() for t in lines]
    if s is not None:
        ticks, names = [n + 1, *ticks], ["CT (RECIST)", *names]
    legend = _legend(lines)
    fig = Figure(FIG_FULL[0], 1.1 + 0.42 * (n + 1))
    left = max(text_width(nm, TEXT_PT) for nm in names) + 10
    ylim = (0.4, (n + 1.9) if s is not None else n + 0.6)
    ax = Axes(
        fig, left, 22, fig.w - left - 24, fig.h - 22 - 36 - 18, (0.0, _x_end(data, lines, d0)), ylim
    )
    xt = nice_ticks(*ax.xlim)
    ax.grid("x", xt, GRID)
    for i, t in enumerate(lines):
        _lane(ax, t, n - i, d0, data.generated.date())
    if s is not None:
        _ct_lane(ax, data, n + 1, d0)
    ax.spines(INK, left=False)
    ax.xticks(xt, [tick_label(v) for v in xt], INK, TEXT_PT)
    ax.yticks(ticks, names, INK, TEXT_PT, mark=False)
    ax.labels("Treatment timeline", f"months since {d0.isoformat()}", "", INK, TEXT_PT)
    fig.legend(legend, ax.left + ax.width / 2, fig.h - 16, len(legend) or 1)
    desc = "; ".join(
        f"line {t.number} {t.drug} {t.setting} from {t.start} to {t.end or 'ongoing'}, "
        f"best response {t.best_response}, stopped: {t.stop_reason}"
        for t in lines
    )
    return to_svg(fig, "swimmer", "Treatment timeline (swimmer plot)", desc)
