"""Across the series: best overall response, first progression, plot data, warnings."""

from __future__ import annotations

import datetime as dt

from gistcds.domain.patient import ImagingTimepoint, Lesion, LesionKind
from gistcds.domain.results.response import (
    DensityPoint,
    LesionPoint,
    LesionSeries,
    LesionTrajectory,
    ResponseSummary,
    TrajectoryPoint,
)
from gistcds.knowledge.schema.response_criteria import Table
from gistcds.response.engine import Series, describe_pattern
from gistcds.response.lesions import is_node, measure
from gistcds.response.recist import best_overall, pct_change


def _r(x: float | None) -> float | None:
    return None if x is None else round(x, 1)


def lesion_trajectories(imaging: list[ImagingTimepoint]) -> list[LesionSeries]:
    """Every lesion at every time point, measured as the engine measures (short axis for a
    node), with density and status; ``counted`` says whether RECIST/Choi use it."""
    first: dict[str, Lesion] = {}
    for tp in imaging:
        for lesion in tp.lesions:
            first.setdefault(lesion.id, lesion)
    baseline_ids = {lesion.id for lesion in imaging[0].lesions} if imaging else set()
    out = []
    for lesion_id, lesion in first.items():
        at_baseline = lesion_id in baseline_ids
        points = []
        start: float | None = None
        for tp in imaging:
            seen = next((x for x in tp.lesions if x.id == lesion_id), None)
            value = measure(seen) if seen is not None else None
            if tp is imaging[0] and at_baseline:
                start = value
            points.append(
                LesionPoint(
                    date=tp.date,
                    value_mm=value,
                    density_hu=seen.density_hu if seen is not None else None,
                    status=seen.status.value if seen is not None and seen.status else None,
                    change_from_baseline_pct=_r(pct_change(value, start))
                    if value is not None and start
                    else None,
                )
            )
        counted = at_baseline or lesion.kind is LesionKind.new
        out.append(
            LesionSeries(
                lesion_id=lesion_id,
                organ=lesion.organ,
                kind=lesion.kind.value,
                measure="short_axis" if is_node(lesion) else "longest_diameter",
                counted=counted,
                points=points,
            )
        )
    return out


def _spider(
    series: Series, dates: list[dt.date]
) -> tuple[list[LesionTrajectory], list[TrajectoryPoint]]:
    """Target lesions and the target sum over time, as change from baseline."""
    spider = []
    for t in series.targets:
        history = series.lesion_values[t.id]
        first = history[0]
        spider.append(
            LesionTrajectory(
                lesion_id=t.id,
                organ=t.organ,
                measure="short_axis" if is_node(t) else "longest_diameter",
                points=[
                    TrajectoryPoint(
                        date=d,
                        value_mm=v,
                        change_from_baseline_pct=_r(pct_change(v, first))
                        if v is not None and first
                        else None,
                    )
                    for d, v in zip(dates, history, strict=True)
                ],
            )
        )
    total = [
        TrajectoryPoint(
            date=d,
            value_mm=_r(s),
            change_from_baseline_pct=_r(pct_change(s, series.baseline_sum))
            if s is not None and series.baseline_sum
            else None,
        )
        for d, s in zip(dates, series.sums, strict=True)
    ]
    return spider, total


def _warnings(series: Series) -> list[str]:
    latest = series.timepoints[-1] if series.timepoints else None
    warnings = [f"baseline: {p}" for p in series.baseline_problems] + series.warnings
    if latest is not None and latest.discordance:
        warnings.append(f"{latest.date.isoformat()}: {latest.discordance}")
    pattern = describe_pattern(latest) if latest is not None else None
    if pattern:
        warnings.append(pattern)
    return warnings


def summarise(series: Series, table: Table) -> ResponseSummary:
    """Build the summary from an evaluated series (see engine.evaluate)."""
    base_date = series.baseline.date
    dates = [base_date, *(tp.date for tp in series.timepoints)]
    sd_days = int(table.recist.sd_min_interval_days.value)
    bor_recist, notes_r = best_overall(
        [(tp.date, tp.recist) for tp in series.timepoints], base_date, sd_days
    )
    bor_choi, notes_c = best_overall(
        [(tp.date, tp.choi) for tp in series.timepoints], base_date, sd_days
    )
    notes = [f"RECIST: {n}" for n in notes_r] + [f"Choi: {n}" for n in notes_c]
    first_pd_r = next((tp.date for tp in series.timepoints if tp.recist == "PD"), None)
    first_pd_c = next((tp.date for tp in series.timepoints if tp.choi == "PD"), None)
    latest = series.timepoints[-1] if series.timepoints else None

    spider, spider_sum = _spider(series, dates)
    density = [
        DensityPoint(
            date=tp.date,
            density_mean_hu=tp.density_mean_hu,
            density_change_pct=tp.density_change_pct,
        )
        for tp in series.timepoints
    ]
    changes = [
        (tp.change_from_baseline_pct, tp.date)
        for tp in series.timepoints
        if tp.change_from_baseline_pct is not None
    ]
    best_change = min(changes, key=lambda c: c[0]) if changes else None

    sources = {s for tp in series.timepoints for s in tp.source_ids}
    sources.update(table.recist.sd_min_interval_days.source_ids)
    return ResponseSummary(
        baseline_date=base_date,
        baseline_sum_mm=_r(series.baseline_sum),
        baseline_problems=series.baseline_problems,
        timepoints_assessed=len(series.timepoints),
        best_overall_recist=bor_recist,
        best_overall_choi=bor_choi,
        best_overall_notes=notes,
        first_progression_recist=first_pd_r,
        first_progression_choi=first_pd_c,
        latest_recist=latest.recist if latest else None,
        latest_choi=latest.choi if latest else None,
        latest_progression_pattern=latest.progression_pattern if latest else None,
        latest_discordance=latest.discordance if latest else None,
        latest_reading=latest.reading if latest else None,
        choi_pd_size_reference=table.choi.pd_size_reference.reference,
        spider_lesions=spider,
        spider_sum=spider_sum,
        lesion_trajectories=lesion_trajectories(series.imaging),
        density=density,
        waterfall_best_change_pct=best_change[0] if best_change else None,
        waterfall_best_change_date=best_change[1] if best_change else None,
        warnings=_warnings(series),
        source_ids=sorted(sources),
    )
