"""Walk the imaging series once: per time point RECIST 1.1, Choi, discordance, pattern.

The first time point is baseline. Target and non-target lesions are fixed at baseline
(matched by id at each follow-up); a lesion first seen later counts only if its kind is
``new``. The nadir is the smallest complete target sum before the time point, baseline
included. Nothing here is a clinical number: thresholds come from
``response_criteria.yaml``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from statistics import fmean

from gistcds.domain.patient import ImagingTimepoint, Lesion, LesionKind, NonTargetStatus, Patient
from gistcds.domain.results.response import (
    ProgressionPatternName,
    ResponseCategory,
    TimepointResponse,
)
from gistcds.knowledge import KnowledgeBase
from gistcds.knowledge.schema.response_criteria import Table
from gistcds.response.choi import ChoiInput, choi_response
from gistcds.response.discordance import Findings, discordance_message
from gistcds.response.lesions import (
    is_node,
    measure,
    non_targets,
    targets,
    validate_baseline,
)
from gistcds.response.recist import (
    NonTargetInput,
    TargetInput,
    meets_increase,
    non_target_response,
    overall_response,
    pct_change,
    target_response,
)

TABLE = "response_criteria"


def rules(kb: KnowledgeBase) -> Table:
    return kb.table(TABLE, Table)


@dataclass
class Series:
    """Everything computed over one patient's imaging, for the list and the summary."""

    baseline: ImagingTimepoint
    baseline_sum: float | None
    baseline_problems: list[str]
    targets: list[Lesion]
    timepoints: list[TimepointResponse] = field(default_factory=list)
    lesion_values: dict[str, list[float | None]] = field(default_factory=dict)
    sums: list[float | None] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _round(x: float | None, digits: int = 1) -> float | None:
    return None if x is None else round(x, digits)


def _mean_density(lesions: list[Lesion]) -> float | None:
    values = [lesion.density_hu for lesion in lesions if lesion.density_hu is not None]
    return fmean(values) if values else None


def evaluate(patient: Patient, kb: KnowledgeBase) -> Series | None:
    """The whole series, or None when there is no imaging."""
    if not patient.imaging:
        return None
    table = rules(kb)
    rr = table.recist
    base = patient.imaging[0]
    tl = targets(base)
    ntl = non_targets(base)
    base_values = [measure(t) for t in tl]
    complete = bool(tl) and all(v is not None for v in base_values)
    baseline_sum = sum(v for v in base_values if v is not None) if complete else None
    if baseline_sum is not None and baseline_sum <= 0:
        baseline_sum = None
    series = Series(
        baseline=base,
        baseline_sum=baseline_sum,
        baseline_problems=validate_baseline(base, rr),
        targets=tl,
        lesion_values={t.id: [v] for t, v in zip(tl, base_values, strict=True)},
        sums=[baseline_sum],
    )
    base_ids = {lesion.id for lesion in base.lesions}
    base_density = {t.id: t.density_hu for t in tl if t.density_hu is not None}
    prev_recist: ResponseCategory | None = None
    prev_choi: ResponseCategory | None = None
    normal = rr.node_normal_below_short_axis_mm.value

    for tp in patient.imaging[1:]:
        by_id = {lesion.id: lesion for lesion in tp.lesions}
        notes: list[str] = []
        note_kinds: list[str] = []
        day = tp.date.isoformat()

        # Targets ---------------------------------------------------------------
        values: list[float | None] = []
        for t in tl:
            seen = by_id.get(t.id)
            v = measure(seen) if seen is not None else None
            if seen is None:
                notes.append(f"target {t.id} not recorded on this CT: not assessed")
            elif v is None:
                notes.append(f"target {t.id} has no measurement on this CT: not assessed")
            if seen is not None and seen.kind is not LesionKind.target:
                notes.append(
                    f"{t.id} is recorded as {seen.kind.value} here but was a target at "
                    "baseline: kept as a target"
                )
            values.append(v)
            series.lesion_values[t.id].append(v)
        measured = [v for v in values if v is not None]
        cur_sum = sum(measured) if tl and len(measured) == len(values) else None
        previous = [s for s in series.sums if s is not None]
        nadir = min(previous) if previous and baseline_sum is not None else None
        t_state, r_reasons = target_response(
            TargetInput(values, [is_node(t) for t in tl], baseline_sum, nadir), rr
        )
        all_gone = bool(tl) and all(
            v is not None and ((v < normal) if is_node(t) else v == 0)
            for v, t in zip(values, tl, strict=True)
        )

        # Non-targets -----------------------------------------------------------
        nt_states = [_non_target_state(by_id.get(n.id), normal) for n in ntl]
        nt_state = non_target_response(NonTargetInput(nt_states))
        nt_progressing = [n.id for n, s in zip(ntl, nt_states, strict=True) if s == "progression"]

        # New lesions, unknown lesions, nodules ------------------------------------
        new_ids = [
            lesion.id
            for lesion in tp.lesions
            if lesion.id not in base_ids
            and lesion.kind is LesionKind.new
            and lesion.status is not NonTargetStatus.absent
        ]
        for lesion in tp.lesions:
            if lesion.id not in base_ids and lesion.kind is not LesionKind.new:
                warning = (
                    f"{day}: lesion {lesion.id} ({lesion.kind.value}) is not in the baseline "
                    "record and was ignored; record a lesion that appeared after baseline as "
                    "kind 'new'"
                )
                notes.append(warning)
                series.warnings.append(warning)
        nodules = [lesion.id for lesion in tp.lesions if lesion.new_nodule_in_mass]

        # RECIST overall ----------------------------------------------------------
        row = overall_response(t_state, nt_state, bool(new_ids), table.overall)
        recist: ResponseCategory = row.overall
        if nt_state == "PD":
            r_reasons.append(f"unequivocal progression of non-target {', '.join(nt_progressing)}")
        if new_ids:
            r_reasons.append(f"new lesion(s) {', '.join(new_ids)}")
        reappeared = _reappeared(tl, values, ntl, nt_states, normal)
        if rr.reappearance_after_cr_is_pd.applies and prev_recist == "CR" and reappeared:
            recist = "PD"
            r_reasons.append(
                f"{', '.join(reappeared)} reappeared after a complete response: PD "
                "(confirm that the earlier CR was real)"
            )
        source_ids = set(row.source_ids)

        # Choi ------------------------------------------------------------------
        matched = [
            t.id
            for t, v in zip(tl, values, strict=True)
            if t.id in base_density
            and v is not None
            and v > 0
            and t.id in by_id
            and by_id[t.id].density_hu is not None
        ]
        density_now = _mean_density([by_id[i] for i in matched])
        density_base = fmean(base_density[i] for i in matched) if matched else None
        density_change = (
            pct_change(density_now, density_base)
            if density_now is not None and density_base is not None and density_base > 0
            else None
        )
        if tl and not matched:
            msg = table.message("density_not_recorded")
            notes.append(msg.text)
            source_ids.update(msg.source_ids)
        elif density_base is not None and density_change is None:
            notes.append(
                f"mean baseline density is {density_base:.0f} HU: a percentage change is not "
                "meaningful, so Choi uses size alone"
            )
        choi, c_reasons = choi_response(
            ChoiInput(
                has_targets=bool(tl),
                sum_mm=cur_sum,
                measured_sum_mm=sum(measured),
                baseline_sum=baseline_sum,
                nadir=nadir,
                density_change_pct=density_change,
                all_targets_gone=all_gone,
                non_target=nt_state,
                new_lesions=bool(new_ids),
                nodules=bool(nodules),
            ),
            table.choi,
        )
        if rr.reappearance_after_cr_is_pd.applies and prev_choi == "CR" and reappeared:
            choi = "PD"
            c_reasons.append(f"{', '.join(reappeared)} reappeared after a complete response")
        source_ids.update(table.choi.pd_size_reference.source_ids)
        if (
            new_ids
            and density_change is not None
            and density_change <= -(table.choi.pr_density_decrease_pct.value)
        ):
            msg = table.message("spurious_new_lesion")
            notes.append(
                msg.text.format(lesions=", ".join(new_ids), density_pct=f"{density_change:+.1f}")
            )
            note_kinds.append("spurious_new_lesion")
            source_ids.update(msg.source_ids)

        # Changes ---------------------------------------------------------------
        ch_base = (
            pct_change(cur_sum, baseline_sum) if cur_sum is not None and baseline_sum else None
        )
        ch_nadir = pct_change(cur_sum, nadir) if cur_sum is not None and nadir is not None else None
        findings = Findings(
            recist=recist,
            choi=choi,
            target=t_state,
            non_target=nt_state,
            new_lesions=new_ids,
            nodules=nodules,
            size_baseline_pct=ch_base,
            size_nadir_pct=ch_nadir,
            density_pct=density_change,
            recist_reasons=r_reasons,
            choi_reasons=c_reasons,
            reference=table.choi.pd_size_reference.reference,
        )
        disc = discordance_message(findings, table)
        if disc is not None:
            source_ids.update(disc[1])

        pattern: ProgressionPatternName | None = None
        progressing: list[str] = []
        if "PD" in (recist, choi):
            progressing = _progressing(series, tl, values, nt_progressing, new_ids, nodules, table)
            pattern = (
                "focal"
                if 0 < len(progressing) <= table.progression_pattern.focal_max_progressing_lesions
                else "generalized"
            )
            source_ids.update(table.progression_pattern.source_ids)

        series.timepoints.append(
            TimepointResponse(
                date=tp.date,
                recist=recist,
                choi=choi,
                sum_mm=_round(cur_sum),
                change_from_baseline_pct=_round(ch_base),
                change_from_nadir_pct=_round(ch_nadir),
                density_mean_hu=_round(density_now),
                density_change_pct=_round(density_change),
                discordance=disc[0] if disc else None,
                discordance_kind=disc[2] if disc else None,
                notes=notes,
                note_kinds=note_kinds,
                baseline_sum_mm=_round(baseline_sum),
                nadir_sum_mm=_round(nadir),
                change_from_nadir_mm=_round(cur_sum - nadir)
                if cur_sum is not None and nadir is not None
                else None,
                recist_target=t_state,
                recist_non_target=nt_state,
                recist_label=row.label if recist == row.overall else None,
                new_lesions=new_ids,
                intratumoral_nodules=nodules,
                choi_pd_size_reference=table.choi.pd_size_reference.reference,
                recist_reasons=r_reasons,
                choi_reasons=c_reasons,
                progression_pattern=pattern,
                progressing_lesions=progressing,
                source_ids=sorted(source_ids),
            )
        )
        series.sums.append(cur_sum)
        prev_recist, prev_choi = recist, choi
    return series


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


def _reappeared(
    tl: list[Lesion],
    values: list[float | None],
    ntl: list[Lesion],
    nt_states: list[str],
    normal_mm: float,
) -> list[str]:
    """Lesions visible now (a node only from the normal short axis up)."""
    out = [
        t.id
        for t, v in zip(tl, values, strict=True)
        if v is not None and (v >= normal_mm if is_node(t) else v > 0)
    ]
    out += [n.id for n, s in zip(ntl, nt_states, strict=True) if s in ("present", "progression")]
    return out


def _progressing(
    series: Series,
    tl: list[Lesion],
    values: list[float | None],
    nt_progressing: list[str],
    new_ids: list[str],
    nodules: list[str],
    table: Table,
) -> list[str]:
    """Lesions that progress on their own at this time point (for focal vs generalized)."""
    pp = table.progression_pattern
    growing: list[str] = []
    for t, v in zip(tl, values, strict=True):
        history = [x for x in series.lesion_values[t.id][:-1] if x is not None]
        if (
            v is not None
            and history
            and meets_increase(v, min(history), pp.lesion_growth_pct, pp.lesion_growth_mm)
        ):
            growing.append(t.id)
    ordered: list[str] = []
    for lesion_id in [*new_ids, *nodules, *nt_progressing, *growing]:
        if lesion_id not in ordered:
            ordered.append(lesion_id)
    return ordered


def describe_pattern(tp: TimepointResponse) -> str | None:
    """A sentence for the therapy engine and the report."""
    if tp.progression_pattern is None:
        return None
    lesions = ", ".join(tp.progressing_lesions) or "the target sum as a whole"
    return f"{tp.progression_pattern} progression ({lesions}) on {tp.date.isoformat()}"
