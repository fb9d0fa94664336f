"""Turn a matched rule's option and caution specs into output records."""

from __future__ import annotations

from typing import Any

from gistcds.domain.facts import ClinicalFacts
from gistcds.domain.results.therapy import (
    Caution,
    Evidence,
    Position,
    Recommendation,
    RegimenItem,
)
from gistcds.knowledge.schema import therapy_drugs, therapy_rules

__all__ = ["render_caution", "render_option", "signature"]


def _render_regimen(
    spec: therapy_rules.RegimenSpec, facts: ClinicalFacts, drugs: therapy_drugs.Table
) -> RegimenItem | None:
    drug = facts.last_drug if spec.drug == "@last" else spec.drug
    if drug == "none":
        return None
    dose: float | None = spec.dose_mg_per_day
    if spec.dose_from == "last":
        dose = facts.last_dose
    elif spec.dose_from == "reduced":
        dose = drugs.reduced_dose(drug, facts.last_dose)
        if dose is None:
            return None
    schedule = spec.schedule or drugs.schedule_text(drug, dose)
    return RegimenItem(drug=drug, dose_mg_per_day=dose, schedule=schedule)


def _line(spec: int | str | None, facts: ClinicalFacts) -> int | None:
    if spec == "current":
        return max(facts.n_lines, 1)
    if spec == "next":
        return facts.n_lines + 1
    return spec if isinstance(spec, int) else None


def render_option(
    rule_id: str,
    spec: therapy_rules.OptionSpec,
    facts: ClinicalFacts,
    drugs: therapy_drugs.Table,
) -> Recommendation | None:
    """The option for this patient, or None when it does not apply (no last drug, no lower
    dose step)."""
    regimen: list[RegimenItem] = []
    for r in spec.regimen:
        item = _render_regimen(r, facts, drugs)
        if item is None:
            return None
        regimen.append(item)
    title = spec.title.replace("{drug}", regimen[0].drug if regimen else "")
    return Recommendation(
        rule_id=rule_id,
        kind=spec.kind,
        title=title,
        regimen=regimen,
        line=_line(spec.line, facts),
        evidence=Evidence(
            source_ids=list(spec.evidence.source_ids),
            level=spec.evidence.level,
            confidence=spec.evidence.confidence,
        ),
        rationale=spec.rationale,
        positions=[
            Position(
                guideline=p.guideline,
                statement=p.statement,
                level=p.level,
                source_ids=list(p.source_ids),
                confidence=p.confidence,
            )
            for p in spec.positions
        ],
    )


def render_caution(spec: therapy_rules.CautionSpec, rule_id: str, **fill: str) -> Caution:
    """A caution from its spec; ``fill`` replaces ``{name}`` placeholders in the message."""
    message = spec.message
    for key, value in fill.items():
        message = message.replace("{" + key + "}", value)
    return Caution(
        code=spec.code,
        message=message,
        source_ids=list(spec.source_ids),
        severity=spec.severity,
        confidence=spec.confidence,
        rule_id=rule_id,
    )


def signature(rec: Recommendation) -> tuple[Any, ...]:
    """Two options with the same signature are the same advice (the first is kept)."""
    if rec.regimen:
        return (rec.kind, tuple((r.drug, r.dose_mg_per_day) for r in rec.regimen))
    return (rec.kind, rec.title)
