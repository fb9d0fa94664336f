"""The report's figures as inline SVG (matplotlib, Agg/SVG backend, imported lazily).

Each function returns an accessible ``<svg>`` element string (``role="img"`` with a
``<title>`` and ``<desc>``) or None when there is nothing to draw. The plots show what
the engines returned and what the record holds; they draw no clinical thresholds of
their own. Output is deterministic (fixed hash salt, no date metadata) so the same
assessment gives the same file.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from gistcds.domain.patient import Lesion
    from gistcds.report.model import ReportData

# Colour-blind-safe palette (Okabe-Ito), one meaning per colour across the report.
INK = "#1f2933"
GRID = "#d9dee3"
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"]
RESPONSE_COLOURS = {
    "CR": "#009E73",
    "PR": "#56B4E9",
    "SD": "#999999",
    "PD": "#D55E00",
    "NE": "#E69F00",
}
SETTING_COLOURS = {"adjuvant": "#56B4E9", "neoadjuvant": "#009E73", "metastatic": "#0072B2"}


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
            "axes.titlesize": 10,
            "axes.titleweight": "bold",
            "axes.spines.top": False,
            "axes.spines.right": False,
            "xtick.color": INK,
            "ytick.color": INK,
            "legend.frameon": False,
            "legend.fontsize": 8,
            "svg.fonttype": "none",
        }
    )
    return plt


def _to_svg(fig: Any, name: str, title: str, desc: str) -> str:
    """Serialise a figure to an inline, accessible <svg> element and close it."""
    plt = _plt()
    plt.rcParams["svg.hashsalt"] = f"gistcds-{name}"
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(fig)
    svg = buf.getvalue()
    svg = svg[svg.index("<svg") :]
    # matplotlib's RDF block names its web site; the report carries no URL but namespaces.
    svg = re.sub(r"<metadata>.*?</metadata>\s*", "", svg, flags=re.S)
    # Ids from different figures must not collide inside one HTML page.
    svg = re.sub(r'id="([^"]+)"', rf'id="{name}-\1"', svg)
    svg = re.sub(r'(xlink:href|href)="#([^"]+)"', rf'\1="#{name}-\2"', svg)
    svg = re.sub(r"url\(#([^)]+)\)", rf"url(#{name}-\1)", svg)
    t_id, d_id = f"{name}-title", f"{name}-desc"
    head = (
        f'<svg role="img" aria-labelledby="{t_id} {d_id}" class="plot" '
        f'preserveAspectRatio="xMidYMid meet"'
    )
    svg = svg.replace("<svg", head, 1)
    close = svg.index(">", svg.index("<svg")) + 1
    svg = (
        svg[:close]
        + f'<title id="{t_id}">{html.escape(title)}</title>'
        + f'<desc id="{d_id}">{html.escape(desc)}</desc>'
        + svg[close:]
    )
    # width/height in pt fix the size on paper; CSS scales it down on narrow screens.
    return svg.strip()


def _months(d0: dt.date, d: dt.date) -> float:
    return (d - d0).days / 30.4375


def _lesion_measure(lesion: Lesion) -> float | None:
    """The diameter the record gives (longest, else short axis), for display only."""
    v = lesion.longest_diameter_mm if lesion.longest_diameter_mm is not None else None
    v = v if v is not None else lesion.short_axis_mm
    return float(v) if v is not None else None


def lesion_trajectories(data: ReportData) -> tuple[dict[str, list[tuple[dt.date, float]]], str]:
    """Per target lesion: (date, % change from baseline) after baseline, and the source.

    The response engine's own trajectories (``response_summary.spider_lesions``) are used
    when the assessment carries them; otherwise the recorded diameters (longest, else
    short axis) relative to the baseline CT, for display only.
    """
    summary = data.assessment.response_summary
    if summary is not None and summary.spider_lesions:
        out: dict[str, list[tuple[dt.date, float]]] = {}
        for trajectory in summary.spider_lesions:
            out[trajectory.lesion_id] = [
                (pt.date, float(pt.change_from_baseline_pct))
                for pt in trajectory.points
                if pt.change_from_baseline_pct is not None and pt.date != summary.baseline_date
            ]
        return out, "response engine"
    p = data.patient
    if len(p.imaging) < 2:
        return {}, ""
    base = {
        les.id: _lesion_measure(les)
        for les in p.imaging[0].lesions
        if les.kind.value == "target" and _lesion_measure(les)
    }
    traj: dict[str, list[tuple[dt.date, float]]] = {lid: [] for lid in base}
    for tp in p.imaging[1:]:
        for les in tp.lesions:
            b, m = base.get(les.id), _lesion_measure(les)
            if b and m is not None:
                traj[les.id].append((tp.date, (m - b) / b * 100))
    return traj, "recorded diameters"


def spider(data: ReportData) -> str | None:
    """Per-lesion and sum change from baseline over time (spider plot)."""
    p, resp = data.patient, data.assessment.response
    if len(p.imaging) < 2:
        return None
    plt = _plt()
    d0 = p.imaging[0].date
    traj, _ = lesion_trajectories(data)
    fig, ax = plt.subplots(figsize=(5.0, 3.2))
    ax.axhline(0, color=GRID, lw=1, zorder=0)
    drawn = 0
    for j, (lid, pts) in enumerate(traj.items()):
        xs = [0.0] + [_months(d0, d) for d, _ in pts]
        ys = [0.0] + [v for _, v in pts]
        if len(xs) > 1:
            ax.plot(xs, ys, color=PALETTE[j % len(PALETTE)], lw=1, alpha=0.75, marker=".")
            ax.annotate(
                lid,
                (xs[-1], ys[-1]),
                xytext=(3, 0),
                textcoords="offset points",
                fontsize=7,
                color=PALETTE[j % len(PALETTE)],
                va="center",
            )
            drawn += 1
    recist = {tp.date: tp.recist for tp in resp}
    summary = data.assessment.response_summary
    sum_points: list[tuple[dt.date, float | None]]
    if summary is not None and summary.spider_sum:
        sum_points = [
            (pt.date, pt.change_from_baseline_pct)
            for pt in summary.spider_sum
            if pt.change_from_baseline_pct is not None and pt.date != summary.baseline_date
        ]
    else:
        sum_points = [(tp.date, tp.change_from_baseline_pct) for tp in resp]
    sums: list[tuple[float, float, str]] = [(0.0, 0.0, "")] + [
        (_months(d0, d), v, recist.get(d, "NE")) for d, v in sum_points if v is not None
    ]
    if len(sums) > 1:
        ax.plot(
            [s[0] for s in sums], [s[1] for s in sums], color=INK, lw=2.2, label="sum of targets"
        )
        for x, y, cat in sums[1:]:
            ax.scatter(
                [x],
                [y],
                s=46,
                zorder=3,
                color=RESPONSE_COLOURS.get(cat, INK),
                edgecolor=INK,
                linewidth=0.6,
            )
            # category along the top edge, clear of the lines
            ax.annotate(
                cat,
                (x, 1.0),
                xycoords=("data", "axes fraction"),
                xytext=(0, 2),
                textcoords="offset points",
                ha="center",
                va="bottom",
                fontsize=7,
                fontweight="bold",
                color=RESPONSE_COLOURS.get(cat, INK),
            )
        drawn += 1
    if not drawn:
        plt.close(fig)
        return None
    ax.set_xlabel("months since baseline CT")
    ax.set_ylabel("change from baseline (%)")
    ax.set_title("Tumour burden over time (RECIST per time point above)", pad=14)
    if len(sums) > 1:
        ax.legend(loc="best")
    ax.grid(axis="y", color=GRID, lw=0.5)
    last = sums[-1] if len(sums) > 1 else None
    desc = f"Spider plot of {len(traj)} target lesions from {d0.isoformat()}; " + (
        f"sum of targets last {last[1]:+.1f} % (RECIST {last[2]})." if last else ""
    )
    return _to_svg(fig, "spider", "Spider plot: change from baseline per lesion", desc)


def waterfall(data: ReportData) -> str | None:
    """Best change from baseline per target lesion, and of the sum (waterfall)."""
    p, resp = data.patient, data.assessment.response
    if len(p.imaging) < 2:
        return None
    traj, _ = lesion_trajectories(data)
    best: dict[str, float] = {lid: min(v for _, v in pts) for lid, pts in traj.items() if pts}
    summary = data.assessment.response_summary
    sum_changes = [
        tp.change_from_baseline_pct for tp in resp if tp.change_from_baseline_pct is not None
    ]
    if summary is not None and summary.waterfall_best_change_pct is not None:
        best["sum"] = summary.waterfall_best_change_pct
    elif sum_changes:
        best["sum"] = min(sum_changes)
    if not best:
        return None
    plt = _plt()
    items = sorted(best.items(), key=lambda kv: -kv[1])
    fig, ax = plt.subplots(figsize=(5.0, 3.2))
    colours = [INK if k == "sum" else ("#0072B2" if v < 0 else "#D55E00") for k, v in items]
    ax.bar(range(len(items)), [v for _, v in items], color=colours, width=0.7)
    ax.axhline(0, color=INK, lw=0.8)
    ax.set_xticks(range(len(items)), [k for k, _ in items])
    ax.set_ylabel("best change (%)")
    ax.set_title("Best change from baseline")
    for i, (_, v) in enumerate(items):
        ax.annotate(
            f"{v:+.0f}%",
            (i, v),
            xytext=(0, 3 if v >= 0 else -10),
            textcoords="offset points",
            ha="center",
            fontsize=7,
        )
    ax.grid(axis="y", color=GRID, lw=0.5)
    ax.margins(y=0.18)
    desc = "Waterfall: " + ", ".join(f"{k} {v:+.1f} %" for k, v in items) + "."
    return _to_svg(fig, "waterfall", "Waterfall plot: best change per lesion", desc)


def _curve_xy(points: Sequence[Sequence[float]]) -> tuple[list[float], list[float]]:
    return [float(pt[0]) for pt in points], [float(pt[1]) for pt in points]


def survival(data: ReportData) -> str | None:
    """PFS and OS curves with bands: recommended option bold, alternatives thinner."""
    pv = data.prognosis
    if pv is None:
        return None
    plt = _plt()
    fig, axes = plt.subplots(1, 2, figsize=(7.2, 3.0), sharey=True)
    lines: list[str] = []
    for ax, endpoint in zip(axes, ("pfs", "os"), strict=True):
        for j, cs in enumerate(pv.curves):
            est = cs.pfs if endpoint == "pfs" else cs.os
            if est is None or not est.curve:
                continue
            colour = PALETTE[j % len(PALETTE)]
            x, y = _curve_xy(est.curve)
            lo, hi = est.lower, est.upper
            if lo and hi and len(lo) == len(hi):
                xl, yl = _curve_xy(lo)
                _, yh = _curve_xy(hi)
                ax.fill_between(
                    xl,
                    yl,
                    yh,
                    color=colour,
                    alpha=0.18 if cs.recommended else 0.08,
                    lw=0,
                    step=None,
                )
            ax.plot(
                x,
                y,
                color=colour,
                lw=2.0 if cs.recommended else 1.1,
                ls="-" if cs.recommended else "--",
                label=cs.name,
            )
            med = est.median_months
            if med is not None:
                ax.plot([med], [0.5], marker="o", ms=4, color=colour)
                lines.append(f"{endpoint.upper()} {cs.name}: median {med:.1f} months")
        ax.set_title("Progression-free survival" if endpoint == "pfs" else "Overall survival")
        ax.set_xlabel("months")
        ax.set_ylim(0, 1.02)
        ax.grid(color=GRID, lw=0.5)
    axes[0].set_ylabel("probability")
    handles, labels_ = axes[0].get_legend_handles_labels()
    h2, l2 = axes[1].get_legend_handles_labels()
    for h, lab in zip(h2, l2, strict=True):
        if lab not in labels_:
            handles.append(h)
            labels_.append(lab)
    if not handles:
        plt.close(fig)
        return None
    fig.legend(
        handles,
        labels_,
        loc="lower center",
        ncol=min(2, len(handles)),
        bbox_to_anchor=(0.5, -0.02 - 0.05 * ((len(handles) - 1) // 2)),
    )
    fig.tight_layout(rect=(0, 0.08 + 0.05 * ((len(handles) - 1) // 2), 1, 1))
    desc = "; ".join(lines) or "Survival curves."
    return _to_svg(fig, "survival", "Estimated PFS and OS curves with uncertainty bands", desc)


def density(data: ReportData) -> str | None:
    """Change of mean target-lesion density from baseline per CT (the engine's figures),
    with the Choi category above each point."""
    summary = data.assessment.response_summary
    if summary is None:
        return None
    pts = [
        (d.date, d.density_change_pct, d.density_mean_hu)
        for d in summary.density
        if d.density_change_pct is not None and d.date != summary.baseline_date
    ]
    if not pts:
        return None
    plt = _plt()
    d0 = summary.baseline_date
    choi = {tp.date: tp.choi for tp in data.assessment.response}
    fig, ax = plt.subplots(figsize=(5.0, 3.2))
    ax.axhline(0, color=GRID, lw=1, zorder=0)
    xs = [0.0] + [_months(d0, d) for d, _, _ in pts]
    ys = [0.0] + [float(c) for _, c, _ in pts if c is not None]
    ax.plot(xs, ys, color=INK, lw=1.8, marker="o", ms=4)
    for (d, _, hu), x, y in zip(pts, xs[1:], ys[1:], strict=True):
        cat = choi.get(d)
        text = f"{cat} " if cat else ""
        text += f"({hu:.0f} HU)" if hu is not None else ""
        ax.annotate(
            text.strip(),
            (x, y),
            xytext=(0, 6),
            textcoords="offset points",
            ha="center",
            fontsize=7,
            fontweight="bold",
            color=RESPONSE_COLOURS.get(cat or "", INK),
        )
    ax.set_xlabel("months since baseline CT")
    ax.set_ylabel("density change from baseline (%)")
    ax.set_title("Target-lesion density (Choi category above)")
    ax.margins(x=0.12, y=0.3)
    ax.grid(axis="y", color=GRID, lw=0.5)
    desc = (
        "Mean density change from baseline: "
        + ", ".join(f"{d.isoformat()} {c:+.1f} %" for d, c, _ in pts if c is not None)
        + "."
    )
    return _to_svg(fig, "density", "Mean density of the target lesions over time", desc)


def sequence(data: ReportData) -> str | None:
    """Simulated time on each line: median bar, interquartile whisker, share reaching it."""
    p = data.assessment.prognosis
    s = p.sequence if p is not None else None
    if s is None or not s.lines:
        return None
    plt = _plt()
    lines = [ln for ln in s.lines if ln.median_months_on_line is not None]
    n = len(lines)
    fig, ax = plt.subplots(figsize=(6.0, 0.6 + 0.38 * n))
    for i, ln in enumerate(lines):
        assert ln.median_months_on_line is not None
        y = n - 1 - i
        colour = PALETTE[i % len(PALETTE)]
        ax.barh(y, ln.median_months_on_line, height=0.55, color=colour, alpha=0.85)
        q = ln.quartiles_months_on_line
        right = ln.median_months_on_line
        if q is not None:
            ax.plot([q[0], q[1]], [y, y], color=INK, lw=1.2)
            ax.plot([q[0], q[0]], [y - 0.12, y + 0.12], color=INK, lw=1.2)
            ax.plot([q[1], q[1]], [y - 0.12, y + 0.12], color=INK, lw=1.2)
            right = max(right, q[1])
        ax.annotate(
            f"{ln.median_months_on_line:.1f} mo; reached by {ln.reached_fraction * 100:.0f} %",
            (right, y),
            xytext=(4, 0),
            textcoords="offset points",
            va="center",
            fontsize=7,
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
    return _to_svg(fig, "sequence", "Simulated time on each line of the sequence", desc)


def swimmer(data: ReportData) -> str | None:
    """Treatment timeline: one lane per past line, CT time points with RECIST above."""
    lines = [t for t in data.timeline if t.start is not None]
    if not lines:
        return None
    plt = _plt()
    today = data.generated.date()
    starts = [t.start for t in lines if t.start is not None]
    d0 = min([*starts, *(tp.date for tp in data.patient.imaging)])
    n = len(lines)
    fig, ax = plt.subplots(figsize=(7.2, 0.9 + 0.42 * (n + 1)))
    labels_: list[str] = []
    for i, t in enumerate(lines):
        assert t.start is not None
        y = n - i
        end = t.end or today
        x0, x1 = _months(d0, t.start), _months(d0, end)
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
        text = t.best_response if t.best_response != "—" else ""
        if text:
            ax.annotate(
                f"best {text}",
                ((x0 + x1) / 2, y),
                ha="center",
                va="center",
                fontsize=7,
                color="white" if t.setting == "metastatic" else INK,
                fontweight="bold",
            )
        labels_.append(f"{t.number}. {t.drug} {t.dose if t.dose != '—' else ''}".strip())
    yticks = list(range(n, 0, -1))
    ct = [(tp.date, tp.recist) for tp in data.assessment.response]
    ct_dates = [tp.date for tp in data.patient.imaging]
    if ct_dates:
        y = n + 1
        ax.scatter(
            [_months(d0, d) for d in ct_dates],
            [y] * len(ct_dates),
            marker="|",
            s=120,
            color=INK,
            lw=1.2,
        )
        for d, cat in ct:
            ax.annotate(
                cat,
                (_months(d0, d), y),
                xytext=(0, 7),
                textcoords="offset points",
                ha="center",
                fontsize=7,
                color=RESPONSE_COLOURS.get(cat, INK),
                fontweight="bold",
            )
        yticks = [n + 1, *yticks]
        labels_ = ["CT (RECIST)", *labels_]
    ax.set_yticks(yticks, labels_)
    ax.set_ylim(0.4, (n + 1.9) if ct_dates else n + 0.6)
    ax.set_xlabel(f"months since {d0.isoformat()}")
    ax.set_title("Treatment timeline")
    ax.set_axisbelow(True)
    ax.grid(axis="x", color=GRID, lw=0.5)
    ax.spines["left"].set_visible(False)
    ax.tick_params(axis="y", length=0)
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
        handles=handles,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.32 - 0.04 * (3 - min(n, 3))),
        ncol=len(handles) or 1,
    )
    desc = "; ".join(
        f"line {t.number} {t.drug} {t.setting} from {t.start} to {t.end or 'ongoing'}, "
        f"best response {t.best_response}, stopped: {t.stop_reason}"
        for t in lines
    )
    return _to_svg(fig, "swimmer", "Treatment timeline (swimmer plot)", desc)


def all_plots(data: ReportData) -> dict[str, str | None]:
    """Every figure the HTML/PDF report shows, by name."""
    return {
        "spider": spider(data),
        "waterfall": waterfall(data),
        "density": density(data),
        "survival": survival(data),
        "sequence": sequence(data),
        "swimmer": swimmer(data),
    }
