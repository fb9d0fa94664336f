"""Views of the outlook: survival estimates per option and the sequence simulation."""

from __future__ import annotations

from gistcds.domain.assessment import Assessment
from gistcds.domain.results.prognosis import FactorEffect, Prognosis, SurvivalEstimate
from gistcds.report.citations import Citations
from gistcds.report.format import NOT_APPLICABLE, NOT_ASSESSED, label, prob
from gistcds.report.views import CurveSet, PrognosisView, Row, SequenceView

__all__ = ["prognosis", "prognosis_missing", "sequence", "sequence_missing"]


def _median_text(est: SurvivalEstimate) -> str:
    m = est.median_months
    if m is None:
        # shown under or after the word "median": "not reached in the published data ..."
        return (est.median_note or "not reached / unknown").removeprefix("median ")
    lo, hi = est.median_lower, est.median_upper
    band = f" ({lo:.1f}–{hi:.1f})" if lo is not None and hi is not None else ""
    return f"{m:.1f} months{band}"


def _landmark_text(est: SurvivalEstimate) -> str:
    pairs = [(1, est.survival_1y), (2, est.survival_2y), (5, est.survival_5y)]
    parts = [f"{years} y {prob(v)}" for years, v in pairs if v is not None]
    if not parts:
        # only landmarks within the published data: the extrapolated ones are the figures
        # the notes say are not given (review P-19, V4-02)
        within = [lm for lm in est.landmarks if not lm.extrapolated]
        parts = [f"{lm.months:g} mo {prob(lm.survival)}" for lm in within]
    return ", ".join(parts) or "no landmark within the published data"


def _evidence_text(est: SurvivalEstimate, cites: Citations) -> tuple[str, list[int]]:
    ev = est.evidence
    bits: list[str] = []
    ids: list[str] = []
    if ev is not None:
        n = f"n = {ev.n}" if ev.n is not None else None
        bits.append(", ".join(x for x in (ev.trial, ev.endpoint, n) if x))
        ids += ev.source_ids
        if ev.confidence != "primary":
            bits.append(ev.confidence)
    if est.fallback:
        bits.append("fallback: all-comers or proxy data")
    return "; ".join(b for b in bits if b), cites.cite(ids)


def _recommended_name(p: Prognosis) -> str:
    name = " + ".join(p.drugs) or "recommended option"
    if p.dose_mg_per_day is not None:
        name += f" {p.dose_mg_per_day:g} mg/day"
    return name + (f", line {p.line}" if p.line is not None else "")


def _has_curve(est: SurvivalEstimate | None) -> bool:
    return est is not None and (est.median_months is not None or bool(est.curve))


def prognosis(a: Assessment, cites: Citations) -> PrognosisView | None:
    p = a.prognosis
    if p is None or not (_has_curve(p.pfs) or _has_curve(p.os)):
        return None
    curves = [CurveSet(f"{_recommended_name(p)} (recommended)", True, p.pfs, p.os)]
    notes: list[str] = list(p.notes)
    for alt in p.alternatives:
        if _has_curve(alt.pfs) or _has_curve(alt.os):
            curves.append(CurveSet(alt.title, False, alt.pfs, alt.os))
        notes.extend(f"{alt.title}: {n}" for n in alt.notes)
    medians: list[Row] = []
    note_where: dict[str, list[str]] = {}
    for cs in curves:
        for endpoint, est in (("PFS", cs.pfs), ("OS", cs.os)):
            if est is None:
                continue
            evidence, refs = _evidence_text(est, cites)
            medians.append(
                Row([cs.name, endpoint, _median_text(est), _landmark_text(est), evidence], refs)
            )
            for n in est.notes:
                note_where.setdefault(n, []).append(f"{endpoint} {cs.name}")
    for n, where in note_where.items():
        prefix = "" if len(curves) == 1 else f"{', '.join(where)}: "
        notes.append(prefix + n)
    # Factors: those that changed the curve or that the patient has are listed one by one;
    # the rest (absent, unknown) are named on one line, to keep the section readable.
    factors: list[Row] = []
    others: list[str] = []
    seen: set[tuple[str, str]] = set()
    for est in (p.pfs, p.os):
        for f in est.adjustments if est is not None else []:
            key = (f.label, f.endpoint)
            if key in seen:
                continue
            seen.add(key)
            if f.use == "supplied_not_used":  # the patient's value, and why it was not used
                factors.append(_supplied_not_used(f, cites))
                continue
            if not f.applied and f.present is not True:
                state = (
                    "absent"
                    if f.present is False
                    else ("not supplied" if f.use == "not_supplied" else "unknown")
                )
                others.append(f"{f.label} ({f.endpoint}, {state})")
                continue
            factors.append(
                Row(
                    [
                        f.label,
                        f.endpoint,
                        f"{f.hazard_ratio:g}" if f.hazard_ratio is not None else "—",
                        "unknown" if f.present is None else label(f.present),
                        "applied" if f.applied else f"not applied: {f.reason}",
                    ],
                    cites.cite(f.source_ids),
                    flag="" if f.applied else "warn",
                    unverified=f.confidence == "unverified",
                )
            )
    details: list[tuple[str, str]] = []
    if others:
        details.append(("Other factors considered", "; ".join(others)))
    if p.method:
        details.append(("Method", p.method))
    return PrognosisView(
        medians, curves, factors, p.caveat, notes, details, cites.cite(p.source_ids)
    )


def _supplied_not_used(f: FactorEffect, cites: Citations) -> Row:
    """A factor the patient supplied a value for that could not change the curve."""
    why = f.reason.split("not used: ", 1)[-1]
    return Row(
        [f.label, f.endpoint, "—", f.supplied_value or "supplied", f"supplied, not used: {why}"],
        cites.cite(f.source_ids),
        flag="warn",
        unverified=f.confidence == "unverified",
    )


def prognosis_missing(a: Assessment, metastatic: bool) -> str:
    p = a.prognosis
    if p is not None:
        notes = "; ".join(p.notes)
        if p.status != "estimated":
            return f"{NOT_ASSESSED}: {label(p.status)}" + (f" ({notes})" if notes else "")
        if notes:
            return f"{NOT_ASSESSED}: {notes}"
    return NOT_ASSESSED if metastatic else NOT_APPLICABLE + " (no metastatic disease)"


def _months(x: float) -> str:
    return f"{x:.1f} months"


def sequence(a: Assessment, cites: Citations) -> SequenceView | None:
    p = a.prognosis
    s = p.sequence if p is not None else None
    if s is None:
        return None
    q25, q75 = s.os_quartiles_months
    p10, p90 = s.os_p10_p90_months
    summary = [
        ("Simulated lines", " → ".join(s.drugs) + f" (from line {s.start_line})"),
        (
            "Overall survival from line " + str(s.start_line),
            f"median {_months(s.os_median_months)}; middle half {q25:.1f}–{q75:.1f}, "
            f"10th–90th percentile {p10:.1f}–{p90:.1f} months",
        ),
        (
            "Alive at",
            f"1 y {prob(s.os_survival_1y)}, 2 y {prob(s.os_survival_2y)}, "
            f"5 y {prob(s.os_survival_5y)}",
        ),
    ]
    post = f"{s.post_last_line_trial}: {s.post_last_line_note}"
    if s.post_last_line_confidence == "unverified":
        post += " [unverified]"
    summary.append(("After the last line", post))
    if s.compare_os_arm and s.compare_os_median_months is not None:
        diff = s.os_median_months - s.compare_os_median_months
        summary.append(
            (
                "Published first-line OS",
                f"median {_months(s.compare_os_median_months)}; the "
                f"simulated median differs by {diff:+.1f} months (reported, not tuned to it)",
            )
        )
    lines: list[Row] = []
    for ln in s.lines:
        dose = f" {ln.dose_mg_per_day:g} mg/day" if ln.dose_mg_per_day is not None else ""
        arm = f"{ln.trial}, {ln.endpoint}"
        if ln.fallback:
            arm += ", all-comers/proxy"
        if ln.hazard_ratio != 1.0:
            arm += f", × HR {ln.hazard_ratio:g} ({', '.join(ln.adjusted_by)})"
        if ln.confidence != "primary":
            arm += f", {ln.confidence}"
        q = ln.quartiles_months_on_line
        on_line = (
            "—"
            if ln.median_months_on_line is None
            else f"{ln.median_months_on_line:.1f}"
            + (f" ({q[0]:.1f}–{q[1]:.1f})" if q is not None else "")
        )
        nxt = "—"
        if ln.proceed_probability is not None:
            nxt = prob(ln.proceed_probability)
            if ln.proceed_confidence == "unverified":
                nxt += " (unverified)"
        lines.append(
            Row(
                [str(ln.line), ln.drug + dose, arm, prob(ln.reached_fraction), on_line, nxt],
                cites.cite(ln.source_ids),
                unverified=ln.confidence == "unverified" or ln.proceed_confidence == "unverified",
            )
        )
    notes = list(s.notes)
    notes += [f"Line {ln.line} → next: {ln.proceed_basis}" for ln in s.lines if ln.proceed_basis]
    return SequenceView(
        label=s.label,
        summary=summary,
        lines=lines,
        caveat=s.caveat,
        notes=notes,
        method=s.method,
        refs=cites.cite(s.source_ids),
    )


def sequence_missing(a: Assessment, metastatic: bool) -> str:
    p = a.prognosis
    if p is not None and p.sequence_reason:
        why = p.sequence_reason.rstrip(".")
        return f"{NOT_ASSESSED}: {why[:1].lower()}{why[1:]}"
    if p is None and not metastatic:
        return NOT_APPLICABLE + " (no metastatic disease)"
    return NOT_ASSESSED + ": no sequence simulation in this assessment"
