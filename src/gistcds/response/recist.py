"""RECIST 1.1: target, non-target and overall time-point response; best overall response."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import NamedTuple

from gistcds.domain.results.response import NonTargetCategory, ResponseCategory, TargetCategory
from gistcds.knowledge.schema.response_criteria import OverallRow, RecistRules

EPS = 1e-9
"""Tolerance for comparing computed percentages and millimetres with thresholds, so that
an exact boundary (-30 %, +5.0 mm) is not lost to floating-point rounding."""


def pct_change(value: float, reference: float) -> float | None:
    """Percentage change from reference; None when the reference is zero."""
    if reference <= 0:
        return None
    return (value - reference) / reference * 100.0


def meets_increase(value: float, reference: float, pct: float, mm: float = 0.0) -> bool:
    """value is at least pct % and mm millimetres above reference (any rise from 0 is +inf %)."""
    rise = value - reference
    if rise <= 0 or rise < mm - EPS:
        return False
    change = pct_change(value, reference)
    return change is None or change >= pct - EPS


def meets_decrease(value: float, reference: float, pct: float) -> bool:
    """value is at least pct % below reference."""
    change = pct_change(value, reference)
    return change is not None and change <= -pct + EPS


class TargetInput(NamedTuple):
    """The target lesions at one follow-up, in baseline order."""

    values: Sequence[float | None]  # mm; None = not assessed
    nodes: Sequence[bool]
    baseline_sum: float | None
    nadir: float | None


def target_response(t: TargetInput, rules: RecistRules) -> tuple[TargetCategory, list[str]]:
    """RECIST 1.1 target-lesion response (RA-R5..RA-R8) with the reasons in words."""
    if not t.values:
        return "none", []
    if t.baseline_sum is None or t.nadir is None:
        return "NE", ["the baseline target sum could not be measured"]
    pd_pct = rules.pd_increase_from_nadir_pct.value
    pd_mm = rules.pd_increase_absolute_mm.value
    measured = [v for v in t.values if v is not None]
    if len(measured) < len(t.values):
        partial = sum(measured)
        if rules.partial_measurement_pd.applies and meets_increase(partial, t.nadir, pd_pct, pd_mm):
            return "PD", [
                "not every target was measured, but the measured ones alone are "
                f"{_rise(partial, t.nadir)} over the nadir: PD"
            ]
        return "NE", ["not every target lesion was measured"]
    total = sum(measured)
    if meets_increase(total, t.nadir, pd_pct, pd_mm):
        return "PD", [
            f"sum {_rise(total, t.nadir)} over the nadir (PD needs +{pd_pct:g} % and +{pd_mm:g} mm)"
        ]
    normal = rules.node_normal_below_short_axis_mm.value
    if all((v < normal) if node else (v == 0) for v, node in zip(measured, t.nodes, strict=True)):
        return "CR", ["every target lesion has gone (nodes below the normal short axis)"]
    if meets_decrease(total, t.baseline_sum, rules.pr_decrease_from_baseline_pct.value):
        return "PR", [
            f"sum {_signed(pct_change(total, t.baseline_sum))} % from baseline "
            f"(PR needs -{rules.pr_decrease_from_baseline_pct.value:g} %)"
        ]
    reasons = [f"sum {_signed(pct_change(total, t.baseline_sum))} % from baseline"]
    if total > t.nadir and meets_increase(total, t.nadir, pd_pct):
        reasons.append(
            f"+{total - t.nadir:.1f} mm over the nadir is below the {pd_mm:g} mm needed for PD"
        )
    return "SD", reasons


def _signed(x: float | None) -> str:
    return "n/a" if x is None else f"{x:+.1f}"


def _rise(value: float, reference: float) -> str:
    change = pct_change(value, reference)
    pct = "from zero" if change is None else f"{change:+.1f} %"
    return f"{pct} / {value - reference:+.1f} mm"


class NonTargetInput(NamedTuple):
    """Baseline non-target lesions at one follow-up."""

    states: Sequence[str]  # "gone" | "present" | "progression" | "not_assessed"


def non_target_response(nt: NonTargetInput) -> NonTargetCategory:
    """RECIST 1.1 non-target response: CR, non-CR/non-PD, PD, NE or none."""
    if not nt.states:
        return "none"
    if "progression" in nt.states:
        return "PD"
    if "not_assessed" in nt.states:
        return "NE"
    if all(s == "gone" for s in nt.states):
        return "CR"
    return "non_CR_non_PD"


def overall_response(
    target: TargetCategory, non_target: NonTargetCategory, new: bool, table: Sequence[OverallRow]
) -> OverallRow:
    """The row of the RECIST 1.1 overall table that applies (first match)."""
    for row in table:
        if target in row.target and non_target in row.non_target and new in row.new_lesions:
            return row
    raise LookupError(f"RECIST overall table has no row for {target}/{non_target}/new={new}")


RANK: dict[ResponseCategory, int] = {"CR": 4, "PR": 3, "SD": 2, "PD": 1, "NE": 0}


def best_overall(
    points: Sequence[tuple[dt.date, ResponseCategory]],
    baseline: dt.date,
    sd_min_days: int,
) -> tuple[ResponseCategory | None, list[str]]:
    """Best time-point response up to the first PD (no confirmation: clinical practice).

    SD counts only when met at least ``sd_min_days`` after baseline; an earlier SD is
    treated as not evaluable, so SD-then-PD gives PD.
    """
    if not points:
        return None, []
    best: ResponseCategory = "NE"
    notes: list[str] = []
    for date, category in points:
        effective = category
        if category == "SD" and (date - baseline).days < sd_min_days:
            effective = "NE"
            notes.append(
                f"SD on {date.isoformat()} is less than {sd_min_days} days after baseline: "
                "not counted as best response"
            )
        if RANK[effective] > RANK[best]:
            best = effective
        if category == "PD":
            break
    return best, notes
