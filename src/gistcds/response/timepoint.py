"""One follow-up time point: targets, non-targets, new lesions, density, RECIST 1.1 and Choi,
the discordance between them, and the one reading that a treatment decision uses.

``evaluate_timepoint`` is called by ``engine.evaluate`` for each CT after baseline, in date
order; it reads the series so far (nadir, per-lesion history) and the fixed baseline context.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from statistics import fmean

from gistcds.domain.patient import ImagingTimepoint, Lesion, LesionKind, NonTargetStatus
from gistcds.domain.results.response import (
    NonTargetCategory,
    ResponseCategory,
    TargetCategory,
    TimepointResponse,
)
from gistcds.response.choi import ChoiInput, choi_response
from gistcds.response.discordance import Findings, discordance_message
from gistcds.response.lesions import is_node, measure
from gistcds.response.reading import progression, read_timepoint
from gistcds.response.recist import (
    NonTargetInput,
    TargetInput,
    non_target_response,
    overall_response,
    pct_change,
    target_response,
)
from gistcds.response.state import Baseline, History

__all__ = ["evaluate_timepoint"]


@dataclass
class _Point:
    """Work in progress for one time point."""

    tp: ImagingTimepoint
    by_id: dict[str, Lesion]
    notes: list[str] = field(default_factory=list)
    note_kinds: list[str] = field(default_factory=list)
    sources: set[str] = field(default_factory=set)


def _round(x: float | None, digits: int = 1) -> float | None:
    return None if x is None else round(x, digits)


def _target_values(b: Baseline, h: History, pt: _Point) -> list[float | None]:
    """Each baseline target as measured now (None = not assessed), recorded in the history."""
    values: list[float | None] = []
    for t in b.targets:
        seen = pt.by_id.get(t.id)
        v = measure(seen) if seen is not None else None
        if seen is None:
            pt.notes.append(f"target {t.id} not recorded on this CT: not assessed")
        elif v is None:
            pt.notes.append(f"target {t.id} has no measurement on this CT: not assessed")
        if seen is not None and seen.kind is not LesionKind.target:
            pt.notes.append(
                f"{t.id} is recorded as {seen.kind.value} here but was a target at "
                "baseline: kept as a target"
            )
        values.append(v)
        h.lesion_values[t.id].append(v)
    return values


def _non_target_state(seen: Lesion | None, normal_mm: float) -> str:
    """gone | present | progression | not_assessed for one baseline non-target lesion."""
    if seen is None:
        return "not_assessed"
    if seen.status is NonTargetStatus.unequivocal_progression:
        return "progression"
    if seen.status is NonTargetStatus.absent:
        return "gone"
    if is_node(seen) and seen.short_axis_mm is not None and seen.short_axis_mm < normal_mm:
        return "gone"
    return "present"


def _new_lesions(b: Baseline, h: History, pt: _Point) -> list[str]:
    """Lesions recorded as new; a later lesion of another kind is ignored, with a warning."""
    day = pt.tp.date.isoformat()
    for lesion in pt.tp.lesions:
        if lesion.id not in b.ids and lesion.kind is not LesionKind.new:
            warning = (
                f"{day}: lesion {lesion.id} ({lesion.kind.value}) is not in the baseline "
                "record and was ignored; record a lesion that appeared after baseline as "
                "kind 'new'"
            )
            pt.notes.append(warning)
            h.warnings.append(warning)
    return [
        lesion.id
        for lesion in pt.tp.lesions
        if lesion.id not in b.ids
        and lesion.kind is LesionKind.new
        and lesion.status is not NonTargetStatus.absent
    ]


def _reappeared(b: Baseline, values: list[float | None], nt_states: list[str]) -> list[str]:
    """Lesions visible now (a node only from the normal short axis up)."""
    normal = b.node_normal_mm
    out = [
        t.id
        for t, v in zip(b.targets, values, strict=True)
        if v is not None and (v >= normal if is_node(t) else v > 0)
    ]
    return out + [
        n.id
        for n, s in zip(b.non_targets, nt_states, strict=True)
        if s in ("present", "progression")
    ]


def _density_change(
    b: Baseline, values: list[float | None], pt: _Point
) -> tuple[float | None, float | None]:
    """Mean density of the targets measured in both scans, and its change from baseline."""
    matched = [
        t.id
        for t, v in zip(b.targets, values, strict=True)
        if t.id in b.density
        and v is not None
        and v > 0
        and t.id in pt.by_id
        and pt.by_id[t.id].density_hu is not None
    ]
    now_values = [pt.by_id[i].density_hu for i in matched]
    now = fmean(v for v in now_values if v is not None) if matched else None
    base = fmean(b.density[i] for i in matched) if matched else None
    change = pct_change(now, base) if now is not None and base is not None and base > 0 else None
    if b.targets and not matched:
        msg = b.table.message("density_not_recorded")
        pt.notes.append(msg.text)
        pt.sources.update(msg.source_ids)
    elif base is not None and change is None:
        pt.notes.append(
            f"mean baseline density is {base:.0f} HU: a percentage change is not "
            "meaningful, so Choi uses size alone"
        )
    return now, change


@dataclass(frozen=True)
class _Recist:
    overall: ResponseCategory
    target: TargetCategory
    non_target: NonTargetCategory
    label: str | None
    reasons: list[str]


def _recist(
    b: Baseline, h: History, pt: _Point, values: list[float | None], new_ids: list[str]
) -> tuple[_Recist, list[str], float | None, float | None]:
    """RECIST 1.1 at this time point, the non-target states, the current sum and the nadir."""
    rr = b.table.recist
    measured = [v for v in values if v is not None]
    cur_sum = sum(measured) if b.targets and len(measured) == len(values) else None
    previous = [s for s in h.sums if s is not None]
    nadir = min(previous) if previous and b.sum_mm is not None else None
    nodes = [is_node(t) for t in b.targets]
    t_state, reasons = target_response(TargetInput(values, nodes, b.sum_mm, nadir), rr)
    nt_states = [_non_target_state(pt.by_id.get(n.id), b.node_normal_mm) for n in b.non_targets]
    nt_state = non_target_response(NonTargetInput(nt_states))
    row = overall_response(t_state, nt_state, bool(new_ids), b.table.overall)
    overall: ResponseCategory = row.overall
    if nt_state == "PD":
        bad = [n.id for n, s in zip(b.non_targets, nt_states, strict=True) if s == "progression"]
        reasons.append(f"unequivocal progression of non-target {', '.join(bad)}")
    if new_ids:
        reasons.append(f"new lesion(s) {', '.join(new_ids)}")
    reappeared = _reappeared(b, values, nt_states)
    if rr.reappearance_after_cr_is_pd.applies and h.prev_recist == "CR" and reappeared:
        overall = "PD"
        reasons.append(
            f"{', '.join(reappeared)} reappeared after a complete response: PD "
            "(confirm that the earlier CR was real)"
        )
    pt.sources.update(row.source_ids)
    label = row.label if overall == row.overall else None
    return _Recist(overall, t_state, nt_state, label, reasons), nt_states, cur_sum, nadir


def _choi(
    b: Baseline,
    h: History,
    values: list[float | None],
    r: _Recist,
    nt_states: list[str],
    sums: tuple[float | None, float | None, float | None],
    extra: tuple[list[str], list[str]],
) -> tuple[ResponseCategory, list[str]]:
    """Choi at this time point (size, density, non-targets, new lesions, nodules)."""
    cur_sum, nadir, density = sums
    new_ids, nodules = extra
    normal = b.node_normal_mm
    all_gone = bool(b.targets) and all(
        v is not None and ((v < normal) if is_node(t) else v == 0)
        for v, t in zip(values, b.targets, strict=True)
    )
    choi, reasons = choi_response(
        ChoiInput(
            has_targets=bool(b.targets),
            sum_mm=cur_sum,
            measured_sum_mm=sum(v for v in values if v is not None),
            baseline_sum=b.sum_mm,
            nadir=nadir,
            density_change_pct=density,
            all_targets_gone=all_gone,
            non_target=r.non_target,
            new_lesions=bool(new_ids),
            nodules=bool(nodules),
        ),
        b.table.choi,
    )
    reappeared = _reappeared(b, values, nt_states)
    if b.table.recist.reappearance_after_cr_is_pd.applies and h.prev_choi == "CR" and reappeared:
        choi = "PD"
        reasons.append(f"{', '.join(reappeared)} reappeared after a complete response")
    return choi, reasons


def _spurious_new(b: Baseline, pt: _Point, new_ids: list[str], density: float | None) -> None:
    """RA-08: new lesions while the known ones turn hypodense may be old ones made visible."""
    threshold = b.table.choi.pr_density_decrease_pct.value
    if new_ids and density is not None and density <= -threshold:
        msg = b.table.message("spurious_new_lesion")
        pt.notes.append(msg.text.format(lesions=", ".join(new_ids), density_pct=f"{density:+.1f}"))
        pt.note_kinds.append("spurious_new_lesion")
        pt.sources.update(msg.source_ids)


def evaluate_timepoint(b: Baseline, h: History, tp: ImagingTimepoint) -> TimepointResponse:
    """RECIST 1.1, Choi, discordance and the reading at one follow-up CT (see module doc)."""
    table = b.table
    pt = _Point(tp=tp, by_id={lesion.id: lesion for lesion in tp.lesions})
    values = _target_values(b, h, pt)
    new_ids = _new_lesions(b, h, pt)
    nodules = [lesion.id for lesion in tp.lesions if lesion.new_nodule_in_mass]
    r, nt_states, cur_sum, nadir = _recist(b, h, pt, values, new_ids)
    density_now, density = _density_change(b, values, pt)
    choi, c_reasons = _choi(
        b, h, values, r, nt_states, (cur_sum, nadir, density), (new_ids, nodules)
    )
    pt.sources.update(table.choi.pd_size_reference.source_ids)
    _spurious_new(b, pt, new_ids, density)
    ch_base = pct_change(cur_sum, b.sum_mm) if cur_sum is not None and b.sum_mm else None
    ch_nadir = pct_change(cur_sum, nadir) if cur_sum is not None and nadir is not None else None
    findings = Findings(
        recist=r.overall,
        choi=choi,
        target=r.target,
        non_target=r.non_target,
        new_lesions=new_ids,
        nodules=nodules,
        size_baseline_pct=ch_base,
        size_nadir_pct=ch_nadir,
        density_pct=density,
        recist_reasons=r.reasons,
        choi_reasons=c_reasons,
        reference=table.choi.pd_size_reference.reference,
    )
    disc = discordance_message(findings, table)
    if disc is not None:
        pt.sources.update(disc[1])
    nt_pd = [n.id for n, s in zip(b.non_targets, nt_states, strict=True) if s == "progression"]
    pattern, progressing = progression(b.targets, values, h.lesion_values, nt_pd, findings, table)
    reading = read_timepoint(findings, disc[2] if disc else None, pt.note_kinds, table)
    if reading.code != "progression":
        pattern = None  # one reading per time point: no pattern beside "do not switch"
    else:
        pt.sources.update(table.progression_pattern.source_ids)
    reading = reading.with_pattern(pattern, progressing)
    pt.sources.update(reading.source_ids)
    return TimepointResponse(
        date=tp.date,
        recist=r.overall,
        choi=choi,
        sum_mm=_round(cur_sum),
        change_from_baseline_pct=_round(ch_base),
        change_from_nadir_pct=_round(ch_nadir),
        density_mean_hu=_round(density_now),
        density_change_pct=_round(density),
        discordance=disc[0] if disc else None,
        discordance_kind=disc[2] if disc else None,
        notes=pt.notes,
        note_kinds=pt.note_kinds,
        baseline_sum_mm=_round(b.sum_mm),
        nadir_sum_mm=_round(nadir),
        change_from_nadir_mm=_round(cur_sum - nadir)
        if cur_sum is not None and nadir is not None
        else None,
        recist_target=r.target,
        recist_non_target=r.non_target,
        recist_label=r.label,
        new_lesions=new_ids,
        intratumoral_nodules=nodules,
        choi_pd_size_reference=table.choi.pd_size_reference.reference,
        recist_reasons=r.reasons,
        choi_reasons=c_reasons,
        progression_pattern=pattern,
        progressing_lesions=progressing if pattern is not None else [],
        reading=reading.model(),
        source_ids=sorted(pt.sources),
    )
