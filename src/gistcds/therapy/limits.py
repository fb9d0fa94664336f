"""Label restrictions applied to the ranked options (``therapy_label_limits.yaml``).

Generic: every option, whatever rule proposed it, is checked against the restrictions
whose condition holds for the patient. Options above a label's dose ceiling are not
offered; options the label does not recommend (or contraindicates) move after every
unrestricted option and never stand alone; "not established" options are marked, and so
are "advice" options (breast-feeding), which stay unrestricted. When no
unrestricted treatment option remains, the table's ``no_suitable_option`` options come
first and name the reasons.
"""

from __future__ import annotations

from gistcds.domain.facts import ClinicalFacts
from gistcds.domain.results.therapy import Caution, LabelNote, Recommendation
from gistcds.knowledge.conditions import matches
from gistcds.knowledge.schema import therapy_drugs
from gistcds.knowledge.schema.therapy_label_limits import (
    DEMOTING,
    UNRESTRICTING,
    Restriction,
    Table,
)
from gistcds.therapy.render import render_option

__all__ = ["BLOCK_ID", "apply_label_limits", "order_by_label"]

BLOCK_ID = "LBL-NONE"
"""Rule id of the ``no_suitable_option`` block."""

_TREATMENT = frozenset({"systemic", "local", "surveillance"})
"""Kinds that count as a treatment plan of their own (a diagnostic step does not)."""


def _note(r: Restriction) -> LabelNote:
    return LabelNote(
        rule_id=r.id,
        drug=r.drug,
        level=r.level,
        statement=r.label,
        source_ids=list(r.source_ids),
    )


def _caution(r: Restriction, dropped: list[str]) -> Caution:
    message = r.message
    if dropped:
        message += " Not offered here: " + "; ".join(dropped) + "."
    return Caution(
        code=r.code or f"label_{r.level}_{r.drug}",
        message=message,
        source_ids=list(r.source_ids),
        severity=r.severity,
        confidence=r.confidence,
        rule_id=r.id,
    )


def _above_ceiling(rec: Recommendation, r: Restriction) -> bool:
    ceiling = r.max_dose_mg_per_day
    return ceiling is not None and any(
        i.drug == r.drug and i.dose_mg_per_day is not None and i.dose_mg_per_day > ceiling
        for i in rec.regimen
    )


def _continues_current(rec: Recommendation, facts: ClinicalFacts) -> bool:
    """The option continues the ongoing line at its current dose (not an escalation)."""
    return facts.last_stop == "ongoing" and all(
        i.drug == facts.last_drug and i.dose_mg_per_day == facts.last_dose for i in rec.regimen
    )


def _capped(
    rec: Recommendation, over: list[Restriction], drugs: therapy_drugs.Table
) -> Recommendation:
    """The ongoing dose lowered to the label's ceiling (continuing is still the plan)."""
    ceiling = min(r.max_dose_mg_per_day or 0.0 for r in over)
    regimen = [
        i.model_copy(
            update={"dose_mg_per_day": ceiling, "schedule": drugs.schedule_text(i.drug, ceiling)}
        )
        for i in rec.regimen
    ]
    drug = rec.regimen[0].drug if rec.regimen else ""
    title = f"Continue {drug}, reduced to {ceiling:g} mg/day (label: {over[0].label})"
    return rec.model_copy(update={"regimen": regimen, "title": title})


def _drugs_in_play(recs: list[Recommendation], facts: ClinicalFacts) -> set[str]:
    current = {facts.last_drug} if facts.last_stop == "ongoing" else set()
    return {i.drug for rec in recs for i in rec.regimen} | current


def _mark(rec: Recommendation, hits: list[Restriction]) -> Recommendation:
    shown = [r for r in hits if r.level != "dose_ceiling"]
    title = rec.title + "".join(f" (label: {r.label})" for r in shown)
    return rec.model_copy(update={"title": title, "label_restrictions": [_note(r) for r in hits]})


def _block(
    table: Table, facts: ClinicalFacts, drugs: therapy_drugs.Table, reasons: str
) -> list[Recommendation]:
    out: list[Recommendation] = []
    for spec in table.no_suitable_option:
        if not matches(spec.when, facts.view):
            continue
        rec = render_option(BLOCK_ID, spec, facts, drugs)
        if rec is not None:
            rationale = rec.rationale.replace("{reasons}", reasons)
            out.append(rec.model_copy(update={"rationale": rationale}))
    return out


def apply_label_limits(
    recs: list[Recommendation],
    facts: ClinicalFacts,
    table: Table,
    drugs: therapy_drugs.Table,
) -> tuple[list[Recommendation], list[Caution]]:
    """The options after the label restrictions that hold for this patient, and their
    cautions (one per restriction on a drug in play)."""
    active = [r for r in table.restrictions if matches(r.when, facts.view)]
    if not active:
        return recs, []
    kept: list[Recommendation] = []
    demoted: list[Recommendation] = []
    dropped: dict[str, list[str]] = {r.id: [] for r in active}
    for rec in recs:
        hits = [r for r in active if any(i.drug == r.drug for i in rec.regimen)]
        over = [r for r in hits if _above_ceiling(rec, r)]
        if over and _continues_current(rec, facts):
            rec = _capped(rec, over, drugs)
            over = []
        if over:
            for r in over:
                dropped[r.id].append(rec.title)
            continue
        marked = _mark(rec, hits) if hits else rec
        (demoted if any(r.level in DEMOTING for r in hits) else kept).append(marked)
    in_play = _drugs_in_play(recs, facts)
    cautions = [_caution(r, dropped[r.id]) for r in active if r.drug in in_play]
    return order_by_label([*kept, *demoted], facts, table, drugs), cautions


def _demoting(rec: Recommendation) -> bool:
    return any(n.level in DEMOTING for n in rec.label_restrictions)


def order_by_label(
    recs: list[Recommendation],
    facts: ClinicalFacts,
    table: Table,
    drugs: therapy_drugs.Table,
) -> list[Recommendation]:
    """The label ordering rule on marked options; idempotent, so it is re-applied after any
    later removal (tolerance): a not-recommended/contraindicated option is never first and
    never the only treatment (continuing the ongoing line at its dose excepted); when no
    unrestricted treatment remains, the ``no_suitable_option`` block says why, first when
    only restricted treatments are left."""
    old_block = [r for r in recs if r.rule_id == BLOCK_ID]
    rest = [r for r in recs if r.rule_id != BLOCK_ID]
    kept = [r for r in rest if not _demoting(r)]
    demoted = [r for r in rest if _demoting(r)]
    restricted = [
        rec
        for rec in [*kept, *demoted]
        if rec.kind == "systemic" and _marked(rec) and not _continues_current(rec, facts)
    ]
    free = [rec for rec in kept if rec.kind in _TREATMENT and not _marked(rec)]
    if restricted and not free:
        block = old_block or _block(table, facts, drugs, _reasons(restricted))
        if demoted and not any(r.kind in _TREATMENT for r in kept):
            kept = [*block, *kept]
        else:
            kept = [*kept, *block]
    return [*kept, *demoted]


def _marked(rec: Recommendation) -> bool:
    return any(n.level not in UNRESTRICTING for n in rec.label_restrictions)


def _reasons(recs: list[Recommendation]) -> str:
    return "; ".join(
        dict.fromkeys(
            f"{n.drug}: {n.statement}"
            for rec in recs
            for n in rec.label_restrictions
            if n.level not in UNRESTRICTING
        )
    )
