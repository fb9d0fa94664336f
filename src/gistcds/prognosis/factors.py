"""Published prognostic factors: does the patient have them, and may they be applied?

A factor's conditions name ClinicalFacts fields (history engine) or the option's own dose;
the patient's values are read from the facts, never from the record.

A factor is applied only with a published hazard ratio, when the patient has it, and
when the chosen arm is the baseline it was estimated against and does not already fix
it (an arm ``stratified_by`` dose is not adjusted again for dose). Every factor relevant
to the arm's drug and line is listed with the reason for what was done.
"""

from __future__ import annotations

import math
from functools import cache
from typing import NamedTuple, get_args

from gistcds.domain.facts import ClinicalFacts, NoneYet
from gistcds.domain.results.prognosis import Endpoint, FactorEffect, FactorUse
from gistcds.knowledge.schema.prognosis_factors import Condition, Factor
from gistcds.prognosis.evidence import Z95, Evidence
from gistcds.prognosis.notes import Note
from gistcds.prognosis.selection import Selection, factor_in_context

Value = float | str | None


class AppliedHR(NamedTuple):
    hazard_ratio: float
    log_se: float  # 0 when no CI was published


@cache
def _none_means_not_yet() -> frozenset[str]:
    """Fields whose ``none`` is the facts' word for "not recorded yet" (``genotype: none``:
    not run); elsewhere ``none`` is a value (``resection: none``: not operated on)."""
    return frozenset(
        name for name, f in ClinicalFacts.model_fields.items() if NoneYet in get_args(f.annotation)
    )


def patient_value(field: str, facts: ClinicalFacts, dose: float | None) -> Value:
    """The patient's value of a factor's field: the option's dose, else the fact of that
    name as a plain value (None when not recorded, or not a single value)."""
    if field == "dose_mg_per_day":
        return dose
    value = facts.view[field]
    if value == "unknown" or (value == "none" and field in _none_means_not_yet()):
        return None
    return value if isinstance(value, float | int | str) else None


_SHOWN: dict[str, tuple[str, str]] = {
    "sex": ("sex", ""),
    "ecog": ("ECOG", ""),
    "age_years": ("age", " years"),
    "neutrophils_10e9_per_l": ("neutrophils", " x 10^9/L"),
    "hemoglobin_g_per_dl": ("haemoglobin", " g/dL"),
    "albumin_g_per_l": ("albumin", " g/L"),
    "site": ("primary site", ""),
    "size_cm": ("primary size", " cm"),
    "mitotic_count": ("mitotic count", ""),
    "genotype": ("genotype", ""),
    "dose_mg_per_day": ("dose", " mg/day"),
    "prior_non_tki_chemotherapy": ("prior chemotherapy", ""),
}


def supplied_value(factor: Factor, facts: ClinicalFacts, dose: float | None) -> str | None:
    """The patient's own values the factor reads, as supplied ('age 84 years'), or None
    when any of them is missing."""
    parts = []
    for cond in factor.conditions:
        value = patient_value(cond.field, facts, dose)
        if value is None:
            return None
        name, unit = _SHOWN.get(cond.field, (cond.field.replace("_", " "), ""))
        shown = f"{value:g}" if isinstance(value, float) else str(value)
        parts.append(f"{name} {shown}{unit}")
    return ", ".join(dict.fromkeys(parts)) or None


def _use(
    factor: Factor, present: bool | None, applied: bool, value: str | None, reason: str
) -> tuple[FactorUse, str]:
    """What was done with the factor, and the reason in words that say it (issue 12: a
    supplied age or albumin is shown as supplied, never as 'unknown')."""
    if applied:
        return "applied", reason
    if value is None:
        why = (
            "no published hazard ratio in the KB, so it could not be applied anyway"
            if factor.hazard_ratio is None
            else reason
        )
        return "not_supplied", f"not supplied: {why}"
    if present is False:
        return "absent", f"supplied ({value}): the patient does not have this factor"
    if factor.hazard_ratio is None:
        cut = (
            "; nor was a published cut-off found"
            if any(c.op == "unknown_threshold" for c in factor.conditions)
            else ""
        )
        return "supplied_not_used", (
            f"supplied ({value}), not used: no published effect size in the KB (only the "
            f"direction, {factor.direction}, is published{cut})"
        )
    if present is None:
        return "supplied_not_used", (
            f"supplied ({value}), not used: no published cut-off in the KB to decide whether "
            "the patient has it"
        )
    return "supplied_not_used", f"supplied ({value}), not used: {reason}"


def _holds(cond: Condition, value: Value) -> bool | None:
    if value is None or cond.op == "unknown_threshold":
        return None
    want = cond.value
    if cond.op == "eq":
        return value == want
    if cond.op == "in":
        return isinstance(want, list) and value in want
    if isinstance(value, str) or not isinstance(want, int | float):
        return None
    ops = {
        "ge": value >= want,
        "gt": value > want,
        "le": value <= want,
        "lt": value < want,
    }
    return ops[cond.op]


def has_factor(factor: Factor, facts: ClinicalFacts, dose: float | None) -> bool | None:
    """True/False, or None when a value or the published cut-off is missing."""
    results = [_holds(c, patient_value(c.field, facts, dose)) for c in factor.conditions]
    if any(r is False for r in results):
        return False
    if any(r is None for r in results):
        return None
    return True


def _decide(factor: Factor, present: bool | None, sel: Selection) -> tuple[bool, str]:
    arm = sel.fitted.arm
    if factor.hazard_ratio is None:
        return False, "direction only: no hazard ratio in the sources read, so not applied"
    if present is None:
        return False, "not known for this patient (value or published cut-off missing)"
    if not present:
        return False, "the patient does not have this factor"
    if factor.requires_arm_group is not None and factor.requires_arm_group != arm.group:
        return False, (
            f"HR was estimated against {factor.requires_arm_group}; the chosen arm is {arm.group}"
        )
    if factor.requires_arm_dose is not None and factor.requires_arm_dose != arm.dose_mg_per_day:
        got = (
            "pools several doses"
            if arm.dose_mg_per_day is None
            else (f"is {arm.dose_mg_per_day:g} mg/day")
        )
        return False, (
            f"HR is relative to {factor.requires_arm_dose:g} mg/day; the chosen arm {got}"
        )
    matched_baseline = factor.requires_arm_group is not None or factor.requires_arm_dose is not None
    if factor.dimension in arm.stratified_by and not matched_baseline:
        return False, f"the chosen arm already fixes {factor.dimension} (not counted twice)"
    if factor.id not in sel.adjust_with and factor.requires_arm_group is not None:
        return False, "not part of the evidence route chosen for this genotype"
    return True, f"applied as S(t)^{factor.hazard_ratio:g} (proportional hazards)"


def factor_effects(
    ev: Evidence,
    sel: Selection,
    *,
    endpoint: Endpoint,
    facts: ClinicalFacts,
    drug: str,
    dose: float | None,
    line: int,
) -> tuple[list[FactorEffect], list[AppliedHR]]:
    effects: list[FactorEffect] = []
    applied: list[AppliedHR] = []
    relevant = [f for f in ev.factors.values() if factor_in_context(f, endpoint, drug, line)]
    # One hazard ratio per dimension (review P-11): the EORTC all-genotype 800-vs-400 mg HR
    # and the exon 9 one describe the same dose effect; the factor with more conditions
    # (the more specific population) is decided first, and a later one of the same
    # dimension is listed but not applied.
    decisions: dict[str, tuple[bool | None, bool, str]] = {}
    taken: dict[str, str] = {}
    for factor in sorted(relevant, key=lambda f: -len(f.conditions)):
        present = has_factor(factor, facts, dose)
        ok, reason = _decide(factor, present, sel)
        if ok and factor.dimension in taken:
            ok, reason = (
                False,
                (
                    f"the {factor.dimension} effect is already applied through "
                    f"{taken[factor.dimension]} (more specific; not counted twice)"
                ),
            )
        elif ok:
            taken[factor.dimension] = factor.id
        decisions[factor.id] = (present, ok, reason)
    for factor in relevant:
        present, ok, reason = decisions[factor.id]
        value = supplied_value(factor, facts, dose)
        use, reason = _use(factor, present, ok, value, reason)
        effects.append(
            FactorEffect(
                id=factor.id,
                label=factor.label,
                endpoint="PFS" if endpoint == "PFS" else "OS",
                direction=factor.direction,
                hazard_ratio=factor.hazard_ratio,
                hr_ci=factor.hr_ci,
                present=present,
                applied=ok,
                reason=reason,
                source_ids=list(factor.source_ids),
                confidence=factor.confidence,
                supplied_value=value,
                use=use,
            )
        )
        if ok and factor.hazard_ratio is not None:
            se = 0.0
            if factor.hr_ci is not None:
                lo, hi = factor.hr_ci
                se = (math.log(hi) - math.log(lo)) / (2 * Z95)
            applied.append(AppliedHR(factor.hazard_ratio, se))
    return effects, applied


def unshown_dose_effects(
    ev: Evidence,
    sel: Selection,
    *,
    endpoint: Endpoint,
    facts: ClinicalFacts,
    drug: str,
    line: int,
) -> list[Note]:
    """Notes for a published dose effect that a dose-pooled arm cannot show (review O-P1).

    KIT exon 9: the CALGB 150105 arm pools 400 and 800 mg, so both doses get the same curve,
    while EORTC 62005 found less progression on 800 mg in this genotype. The HR is relative
    to a 400 mg arm and is not applied to a pooled one; the note keeps the evidence in view
    beside both options instead of letting identical curves suggest no difference. Only
    group-specific dose factors count (a condition besides the dose that holds for the
    patient); the most specific one is named.
    """
    if sel.fitted.arm.dose_mg_per_day is not None:
        return []
    candidates = []
    for f in ev.factors.values():
        if f.dimension != "dose" or f.hazard_ratio is None:
            continue
        if not factor_in_context(f, endpoint, drug, line):
            continue
        others = [c for c in f.conditions if c.field != "dose_mg_per_day"]
        if others and all(_holds(c, patient_value(c.field, facts, None)) is True for c in others):
            candidates.append(f)
    if not candidates:
        return []
    f = max(candidates, key=lambda x: len(x.conditions))
    ci = f" (95 % CI {f.hr_ci[0]:g}-{f.hr_ci[1]:g})" if f.hr_ci else ""
    return [
        Note(
            "dose_effect_not_shown",
            f"The arm pools doses, so it cannot show the published dose effect for this group: "
            f"{f.label}, HR {f.hazard_ratio:g}{ci} [{', '.join(f.source_ids)}]; not applied, "
            "because the HR is relative to a single-dose arm.",
        )
    ]
