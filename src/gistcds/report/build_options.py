"""Views of what to do: therapy options, cautions, side effects, the timeline (follow-up:
``build_followup``)."""

from __future__ import annotations

from gistcds.domain.assessment import Assessment
from gistcds.domain.results.record import RecordSummary
from gistcds.domain.results.therapy import Caution, Recommendation, RegimenItem
from gistcds.domain.results.toxicity import ToxicityAdvice
from gistcds.report.citations import Citations
from gistcds.report.format import label
from gistcds.report.views import (
    CautionView,
    RecommendationView,
    Row,
    SideEffectsView,
    TimelineLine,
)

__all__ = [
    "caution",
    "recommendations",
    "regimen_text",
    "side_effects",
    "timeline",
]

SEVERITY_ORDER = {"critical": 0, "warning": 1, "info": 2}


def regimen_text(item: RegimenItem) -> str:
    dose = item.dose_mg_per_day
    base = f"{item.drug} {dose:g} mg/day" if dose is not None else item.drug
    return f"{base}, {item.schedule}" if item.schedule else base


_LEVEL_NAMES = {
    "esmo": "ESMO",
    "nccn": "NCCN",
    "variant_level": "variant-drug level (OncoKB scale)",
}


def _level_rows(rec: Recommendation, cites: Citations) -> list[Row]:
    """One row per drug: its ESMO, NCCN and variant-drug levels, cited ("not captured"
    where no source gives one); then the trial's registry ids and the label restrictions
    that apply to this patient."""
    rows: list[Row] = []
    for drug in dict.fromkeys(lv.drug for lv in rec.levels):
        levels = [lv for lv in rec.levels if lv.drug == drug]
        text = "; ".join(
            f"{_LEVEL_NAMES[lv.system]} {lv.value}" + (f" ({lv.context})" if lv.context else "")
            for lv in levels
        )
        ids = [i for lv in levels for i in lv.source_ids]
        unverified = any(lv.confidence == "unverified" for lv in levels)
        rows.append(
            Row(
                [f"Levels ({drug})" if drug else "Levels", text, ""],
                cites.cite(ids),
                unverified=unverified,
            )
        )
    if rec.trial_ids:
        rows.append(Row(["Registry", ", ".join(rec.trial_ids), ""]))
    for note in rec.label_restrictions:  # organ function, pregnancy: the label's words
        # "advice" is the label's word to the patient (breast-feeding), not a verdict on the drug
        head = (
            f"{note.drug}, label advice:"
            if note.level == "advice"
            else f"{note.drug}: {label(note.level)}."
        )
        text = f"{head} {note.statement}"
        flag = "alert" if note.level in ("contraindicated", "not_recommended") else "warn"
        rows.append(Row(["Label", text, ""], cites.cite(note.source_ids), flag=flag))
    return rows


def recommendations(a: Assessment, cites: Citations) -> list[RecommendationView]:
    out: list[RecommendationView] = []
    for i, rec in enumerate(a.recommendations, 1):
        refs = cites.cite(rec.evidence.source_ids)
        positions = [
            Row(
                [p.guideline, p.statement, p.level or ""],
                cites.cite(p.source_ids),
                unverified=p.confidence == "unverified",
            )
            for p in rec.positions
        ]
        positions += _level_rows(rec, cites)
        out.append(
            RecommendationView(
                rank=i,
                title=rec.title,
                kind=label(rec.kind),
                line=f"line {rec.line}" if rec.line is not None else "",
                regimen=[regimen_text(r) for r in rec.regimen],
                level=rec.evidence.level,
                confidence=rec.evidence.confidence,
                rationale=rec.rationale,
                refs=refs,
                positions=positions,
            )
        )
    return out


def caution(c: Caution, cites: Citations) -> CautionView:
    return CautionView(
        severity=c.severity,
        message=c.message,
        refs=cites.cite(c.source_ids),
        flag={"critical": "alert", "warning": "warn"}.get(c.severity, ""),
        unverified=c.confidence == "unverified",
    )


def _action_text(t: ToxicityAdvice) -> str:
    what = {"continue": "continue", "hold": "hold", "reduce": "reduce", "discontinue": "stop"}
    text = what.get(t.action, t.action)
    if t.dose_mg_per_day is not None and t.action != "discontinue":
        verb = "at" if t.action == "continue" else "then resume at"
        text += f", {verb} {t.dose_mg_per_day:g} mg/day"
    if t.resume_when:
        text += f" (when {t.resume_when})"
    return text + f": {t.label_text}" if t.label_text else text


def side_effects(a: Assessment, cites: Citations) -> SideEffectsView | None:
    """The toxicity engine's advice as tables; nothing recomputed."""
    if not (a.toxicity or a.counselling or a.monitoring):
        return None
    actions = [
        Row(
            [
                f"{t.event}, grade {t.grade}",
                t.drug,
                _action_text(t),
                "; ".join([*t.management, *t.flags]),
            ],
            cites.cite(t.source_ids),
            flag="alert" if t.action in ("hold", "discontinue") else "",
            unverified=t.confidence == "unverified",
        )
        for t in a.toxicity
    ]

    def rate(v: float | None) -> str:
        return "not reported" if v is None else f"{v:g} %"

    counselling = [
        Row(
            [
                c.drug,
                c.effect,
                rate(c.any_grade_pct),
                rate(c.grade3plus_pct),
                c.population,
                c.advice,
            ],
            cites.cite(c.source_ids),
            unverified=c.confidence == "unverified",
        )
        for c in a.counselling
    ]
    monitoring = [
        Row(
            [m.drug, m.test, m.when],
            cites.cite(m.source_ids),
            unverified=m.confidence == "unverified",
        )
        for m in a.monitoring
    ]
    return SideEffectsView(actions, counselling, monitoring)


def timeline(record: RecordSummary) -> list[TimelineLine]:
    """The recorded therapy lines, oldest first, as the timeline table and plot show them."""
    return [
        TimelineLine(
            number=i,
            drug=t.drug,
            dose=f"{t.dose_mg_per_day:g} mg/day" if t.dose_mg_per_day is not None else "—",
            setting=label(t.setting) if t.setting else "—",
            start=t.start,
            end=t.end,
            best_response=t.best_response.value if t.best_response else "—",
            stop_reason=label(t.stop_reason)
            if t.stop_reason
            else ("ongoing" if not t.end else "—"),
            progression=label(t.progression) if t.progression else "—",
        )
        for i, t in enumerate(record.therapy_lines, 1)
    ]
