"""Single-valued patient facts: ECOG, age, labs, pregnancy, hepatic impairment (latest wins)."""

from __future__ import annotations

from gistcds.fhir.bundle import Entry, first_date, quantity
from gistcds.fhir.read_context import Ctx
from gistcds.fhir.terminology import concept_of

__all__ = ["LABS", "read_fact"]

# lab concept -> (patient field, {UCUM unit: factor to the field's unit})
LABS: dict[str, tuple[str, dict[str, float]]] = {
    "neutrophils": (
        "labs.neutrophils_10e9_per_l",
        {"10*9/L": 1.0, "10*3/uL": 1.0, "10*3/mm3": 1.0, "/nL": 1.0},
    ),
    "hemoglobin": ("labs.hemoglobin_g_per_dl", {"g/dL": 1.0, "g/L": 0.1}),
    "albumin": ("labs.albumin_g_per_l", {"g/L": 1.0, "g/dL": 10.0}),
}
_HEPATIC = {"none", "mild", "moderate", "severe"}


def read_fact(ctx: Ctx, e: Entry, key: str) -> None:
    r = e.resource
    when = first_date(r, "effectiveDateTime", "effectivePeriod", "issued")
    ctx.consume(e, "code", "subject", "effectiveDateTime", "effectivePeriod", "category")
    if key == "ecog":
        value = r.get("valueInteger")
        if not isinstance(value, int) or isinstance(value, bool):
            ctx.line("unmapped", e, "value", "ECOG must be a valueInteger 0-4")
            return
        ctx.offer("ecog", value, e, "valueInteger", when)
        ctx.report.refs.ecog = e.ref
    elif key == "age":
        q = quantity(r.get("valueQuantity"))
        if q is None or q[1] not in ("a", "yr", "years"):
            ctx.line("unmapped", e, "valueQuantity", "age must be a Quantity in years (a)")
            return
        ctx.offer("age_years", q[0], e, "valueQuantity", when)
    elif key in LABS:
        _lab(ctx, e, key, when)
    elif key == "pregnancy_status":
        status = concept_of(r.get("valueCodeableConcept"))
        if status not in ("pregnant", "not_pregnant"):
            ctx.line("unmapped", e, "valueCodeableConcept", "pregnancy status not read")
            return
        ctx.offer("pregnant", status == "pregnant", e, "valueCodeableConcept", when)
    elif key == "hepatic_impairment":
        cc = r.get("valueCodeableConcept") or {}
        codes = [str(c.get("code")) for c in cc.get("coding") or []] + [str(cc.get("text", ""))]
        value = next((c for c in codes if c in _HEPATIC), None)
        if value is None:
            ctx.line("unmapped", e, "valueCodeableConcept", "must be none/mild/moderate/severe")
            return
        ctx.offer("hepatic_impairment", value, e, "valueCodeableConcept", when)


def _lab(ctx: Ctx, e: Entry, key: str, when: object) -> None:
    target, units = LABS[key]
    q = quantity(e.resource.get("valueQuantity"))
    if q is None:
        ctx.line("unmapped", e, "value", "lab result without a numeric valueQuantity")
        return
    factor = units.get(q[1])
    if factor is None:
        ctx.line("unmapped", e, "valueQuantity", f"unit {q[1]!r} not one of {sorted(units)}")
        return
    import datetime as dt

    day = when if isinstance(when, dt.date) else None
    value = q[0] if factor == 1.0 else round(q[0] * factor, 6)
    ctx.offer(target, value, e, "valueQuantity", day)
