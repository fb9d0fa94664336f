"""Walk the imaging series once: per time point RECIST 1.1, Choi, discordance, reading.

The first time point is baseline. Target and non-target lesions are fixed at baseline
(matched by id at each follow-up); a lesion first seen later counts only if its kind is
``new``. The nadir is the smallest complete target sum before the time point, baseline
included. Each follow-up CT is evaluated by ``timepoint.evaluate_timepoint``. Nothing here
is a clinical number: thresholds come from ``response_criteria.yaml``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from gistcds.domain.calendar import months_between
from gistcds.domain.patient import ImagingTimepoint, Lesion, Patient
from gistcds.domain.results.response import TimepointResponse
from gistcds.knowledge import KnowledgeBase
from gistcds.knowledge.schema.response_criteria import Table
from gistcds.response.lesions import measure, non_targets, targets, validate_baseline
from gistcds.response.state import Baseline, History

__all__ = ["Series", "describe_pattern", "evaluate", "rules"]


def rules(kb: KnowledgeBase) -> Table:
    return kb.get(Table)


@dataclass
class Series:
    """Everything computed over one patient's imaging, for the list and the summary."""

    baseline: ImagingTimepoint
    baseline_sum: float | None
    baseline_problems: list[str]
    targets: list[Lesion]
    imaging: list[ImagingTimepoint] = field(default_factory=list)
    timepoints: list[TimepointResponse] = field(default_factory=list)
    lesion_values: dict[str, list[float | None]] = field(default_factory=dict)
    sums: list[float | None] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _baseline(base: ImagingTimepoint, table: Table) -> Baseline:
    tl = targets(base)
    values = [measure(t) for t in tl]
    complete = bool(tl) and all(v is not None for v in values)
    total = sum(v for v in values if v is not None) if complete else None
    return Baseline(
        table=table,
        targets=tl,
        non_targets=non_targets(base),
        ids=frozenset(lesion.id for lesion in base.lesions),
        density={t.id: t.density_hu for t in tl if t.density_hu is not None},
        sum_mm=total if total is not None and total > 0 else None,
        node_normal_mm=table.recist.node_normal_below_short_axis_mm.value,
    )


def evaluate(patient: Patient, kb: KnowledgeBase) -> Series | None:
    """The whole series, or None when there is no imaging."""
    if not patient.imaging:
        return None
    table = rules(kb)
    base = patient.imaging[0]
    b = _baseline(base, table)
    history = History(
        sums=[b.sum_mm],
        lesion_values={t.id: [measure(t)] for t in b.targets},
    )
    series = Series(
        baseline=base,
        baseline_sum=b.sum_mm,
        baseline_problems=validate_baseline(base, table.recist),
        targets=b.targets,
        imaging=list(patient.imaging),
    )
    if len(patient.imaging) > 1:
        _follow_ups(series, b, history, patient.imaging[1:])
    series.lesion_values = history.lesion_values
    series.sums = history.sums
    series.warnings = history.warnings
    before = pre_treatment_warning(patient)
    if before:
        series.warnings.append(before)
    return series


def pre_treatment_warning(patient: Patient) -> str | None:
    """A warning when the series starts before treatment and follow-up CTs also predate the
    first line started after the baseline CT (review V4-03): their readings are the disease
    before treatment (a "PD" there is not progression on a drug), and every later reading is
    measured against a CT taken long before the start. The baseline is not moved: RECIST 1.1's
    timing of the baseline CT was not read here, and the series may be meant as it is."""
    first = patient.imaging[0].date
    starts = [(x.start, x.end, x.drug) for x in patient.therapy_lines or [] if x.start]
    if any(s <= first and (end is None or end >= first) for s, end, _ in starts):
        return None
    later = sorted((s, drug) for s, _, drug in starts if s > first)
    if not later:
        return None
    start, drug = later[0]
    before = [tp.date.isoformat() for tp in patient.imaging[1:] if tp.date < start]
    if not before:
        return None
    return (
        f"The baseline CT ({first.isoformat()}) and {len(before)} later CT(s) "
        f"({', '.join(before)}) predate the start of {drug} on {start.isoformat()}: the "
        "readings at those CTs describe the disease before treatment, not a response to it "
        "(a PD there is not progression on a drug), and the readings after the start are "
        f"measured against a baseline taken {months_between(first, start):.1f} months before "
        f"it. RECIST measures response from a pre-treatment baseline: if the CT of "
        f"{before[-1]} is the baseline for {drug}, enter the series from that CT."
    )


def _follow_ups(
    series: Series, b: Baseline, history: History, imaging: list[ImagingTimepoint]
) -> None:
    """Each follow-up CT in date order, added to ``series`` and ``history``."""
    # imported here: a baseline CT alone needs none of the criteria (docs/cli.md)
    from gistcds.response.timepoint import evaluate_timepoint

    for tp in imaging:
        point = evaluate_timepoint(b, history, tp)
        series.timepoints.append(point)
        history.sums.append(_raw_sum(history, b))
        history.prev_recist, history.prev_choi = point.recist, point.choi


def _raw_sum(h: History, b: Baseline) -> float | None:
    """The unrounded target sum just recorded (the nadir compares unrounded sums)."""
    latest = [h.lesion_values[t.id][-1] for t in b.targets]
    if not latest or any(v is None for v in latest):
        return None
    return sum(v for v in latest if v is not None)


def describe_pattern(tp: TimepointResponse) -> str | None:
    """A sentence for the therapy engine and the report."""
    if tp.progression_pattern is None:
        return None
    lesions = ", ".join(tp.progressing_lesions) or "the target sum as a whole"
    return f"{tp.progression_pattern} progression ({lesions}) on {tp.date.isoformat()}"
