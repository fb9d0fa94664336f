"""The treatment timeline (swimmer plot): one lane per past line, CTs with RECIST above."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from gistcds.report.plots.base import (
    FIG_FULL,
    GRID,
    INK,
    RESPONSE_COLOURS,
    SETTING_COLOURS,
    TEXT_PT,
    months,
    plt,
    to_svg,
)

if TYPE_CHECKING:
    from gistcds.report.views import ReportData, TimelineLine

__all__ = ["swimmer"]


def _lane(ax: Any, t: TimelineLine, y: int, d0: dt.date, today: dt.date) -> None:
    assert t.start is not None
    x0, x1 = months(d0, t.start), months(d0, t.end or today)
    colour = SETTING_COLOURS.get(t.setting, "#999999")
    ax.barh(y, max(x1 - x0, 0.2), left=x0, height=0.5, color=colour, edgecolor=INK, lw=0.5)
    if t.end is None:
        ax.annotate(
            "",
            xy=(x1 + 1.5, y),
            xytext=(x1, y),
            arrowprops={"arrowstyle": "->", "color": INK, "lw": 1},
        )
    if t.stop_reason == "progression":
        ax.plot([x1], [y], marker="X", ms=8, color="#D55E00", markeredgecolor=INK, mew=0.5)
    elif t.stop_reason == "toxicity":
        ax.plot([x1], [y], marker="D", ms=6, color="#E69F00", markeredgecolor=INK, mew=0.5)
    if t.best_response != "—":
        ax.annotate(
            f"best {t.best_response}",
            ((x0 + x1) / 2, y),
            ha="center",
            va="center",
            fontsize=TEXT_PT,
            color="white" if t.setting == "metastatic" else INK,
            fontweight="bold",
        )


def _ct_lane(ax: Any, data: ReportData, y: int, d0: dt.date) -> bool:
    s = data.assessment.response_summary
    if s is None:
        return False
    dates = [s.baseline_date] + [tp.date for tp in data.assessment.response]
    ax.scatter(
        [months(d0, d) for d in dates], [y] * len(dates), marker="|", s=120, color=INK, lw=1.2
    )
    for tp in data.assessment.response:
        ax.annotate(
            tp.recist,
            (months(d0, tp.date), y),
            xytext=(0, 7),
            textcoords="offset points",
            ha="center",
            fontsize=TEXT_PT,
            color=RESPONSE_COLOURS.get(tp.recist, INK),
            fontweight="bold",
        )
    return True


def _legend(ax: Any, lines: list[TimelineLine]) -> None:
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    handles: list[Any] = [
        Patch(color=c, label=s)
        for s, c in SETTING_COLOURS.items()
        if any(t.setting == s for t in lines)
    ]
    if any(t.stop_reason == "progression" for t in lines):
        handles.append(Line2D([], [], marker="X", ls="", color="#D55E00", label="progression"))
    if any(t.stop_reason == "toxicity" for t in lines):
        handles.append(Line2D([], [], marker="D", ls="", color="#E69F00", label="toxicity"))
    if any(t.end is None for t in lines):
        handles.append(Line2D([], [], marker=">", ls="", color=INK, label="ongoing"))
    ax.legend(
        handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.22), ncol=len(handles) or 1
    )


def swimmer(data: ReportData) -> str | None:
    """Treatment timeline: one lane per past line, CT time points with RECIST above."""
    lines = [t for t in data.timeline if t.start is not None]
    if not lines:
        return None
    s = data.assessment.response_summary
    starts = [t.start for t in lines if t.start is not None]
    d0 = min([*starts, *([s.baseline_date] if s else [])])
    n = len(lines)
    pyplot = plt()
    fig, ax = pyplot.subplots(figsize=(FIG_FULL[0], 1.1 + 0.42 * (n + 1)))
    for i, t in enumerate(lines):
        _lane(ax, t, n - i, d0, data.generated.date())
    ticks = list(range(n, 0, -1))
    names = [f"{t.number}. {t.drug} {t.dose if t.dose != '—' else ''}".strip() for t in lines]
    has_ct = _ct_lane(ax, data, n + 1, d0)
    if has_ct:
        ticks, names = [n + 1, *ticks], ["CT (RECIST)", *names]
    ax.set_yticks(ticks, names)
    ax.set_ylim(0.4, (n + 1.9) if has_ct else n + 0.6)
    ax.set_xlabel(f"months since {d0.isoformat()}")
    ax.set_title("Treatment timeline")
    ax.set_axisbelow(True)
    ax.grid(axis="x", color=GRID, lw=0.5)
    ax.spines["left"].set_visible(False)
    ax.tick_params(axis="y", length=0)
    _legend(ax, lines)
    desc = "; ".join(
        f"line {t.number} {t.drug} {t.setting} from {t.start} to {t.end or 'ongoing'}, "
        f"best response {t.best_response}, stopped: {t.stop_reason}"
        for t in lines
    )
    return to_svg(fig, "swimmer", "Treatment timeline (swimmer plot)", desc)
