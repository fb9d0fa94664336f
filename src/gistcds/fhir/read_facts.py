"""Single-valued patient facts: ECOG, age, labs, pregnancy, breastfeeding, hepatic impairment
(latest wins)."""

from __future__ import annotations

from gistcds.fhir.bundle import Entry, first_date, quantity
from gistcds.fhir.read_context import Ctx
from gistcds.fhir.terminology import concept_of

__all__ = ["FACT_KEYS", "LABS", "read_fact"]

# lab concept -> (patient field, {UCUM unit: factor to the field's unit})
LABS: dict[str, tuple[str, dict[str, float]]] = {
    "neutrophils": (
        "labs.neutrophils_10e9_per_l",
        {"10*9/L": 1.0, "10*3/uL": 1.0, "10*3/mm3": 1.0, "/nL": 1.0},
    ),
    "hemoglobin": ("labs.hemoglobin_g_per_dl", {"g/dL": 1.0, "g/L": 0.1}),
    "albumin": ("labs.albumin_g_per_l", {"g/L": 1.0, "g/dL": 10.0}),
    "platelets": ("labs.platelets_10e9_per_l", {"10*9/L": 1.0, "10*3/uL": 1.0, "/nL": 1.0}),
    "alt": ("labs.alt_u_per_l", {"U/L": 1.0, "[IU]/L": 1.0}),
    "ast": ("labs.ast_u_per_l", {"U/L": 1.0, "[IU]/L": 1.0}),
    "bilirubin": ("labs.bilirubin_umol_per_l", {"umol/L": 1.0}),
    "tsh": ("labs.tsh_mu_per_l", {"m[IU]/L": 1.0, "mIU/L": 1.0, "mU/L": 1.0, "u[IU]/mL": 1.0}),
    "lvef": ("cardiac.lvef_pct", {"%": 1.0}),
    "qtc": ("cardiac.qtc_ms", {"ms": 1.0}),
    "creatinine_clearance": ("renal.creatinine_clearance_ml_min", {"mL/min": 1.0}),
}
# upper limit of normal (Observation.referenceRange.high) kept for these labs
ULN: dict[str, str] = {
    "alt": "labs.alt_uln_u_per_l",
    "ast": "labs.ast_uln_u_per_l",
    "bilirubin": "labs.bilirubin_uln_umol_per_l",
}
_HEPATIC = {"none", "mild", "moderate", "severe"}
# yes/no status observations: concept -> (patient flag, the "yes" answer, the "no" answer)
_STATUS: dict[str, tuple[str, str, str]] = {
    "pregnancy_status": ("pregnant", "pregnant", "not_pregnant"),
    "breastfeeding_status": ("breastfeeding", "breastfeeding", "not_breastfeeding"),
}
# every observation concept read_fact reads: a lab added to LABS is read without a second list
FACT_KEYS: tuple[str, ...] = ("ecog", "age", *LABS, *_STATUS, "hepatic_impairment")


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
    elif key in _STATUS:
        field, yes, no = _STATUS[key]
        status = concept_of(r.get("valueCodeableConcept"))
        if status not in (yes, no):
            ctx.line("unmapped", e, "valueCodeableConcept", f"{key.replace('_', ' ')} not read")
            return
        ctx.offer(field, status == yes, e, "valueCodeableConcept", when)
    elif key == "hepatic_impairment":
        cc = r.get("valueCodeableConcept") or {}
        codes = [str(c.get("code")) for c in cc.get("coding") or []] + [str(cc.get("text", ""))]
        value = next((c for c in codes if c in _HEPATIC), None)
        if value is None:
            ctx.line("unmapped", e, "valueCodeableConcept", "must be none/mild/moderate/severe")
            return
        ctx.offer("hepatic_impairment", value, e, "valueCodeableConcept", when)


def _uln(ctx: Ctx, e: Entry, key: str, units: dict[str, float], day: object) -> None:
    ranges = e.resource.get("referenceRange") or []
    ctx.consume(e, "referenceRange", "dataAbsentReason")
    high = quantity((ranges[0] if ranges else {}).get("high"))
    if key not in ULN or high is None:
        if ranges:
            ctx.line("ignored", e, "referenceRange", "reference range not used for this test")
        return
    if high[1] not in units:
        ctx.line("unmapped", e, "referenceRange[0].high", f"unit {high[1]!r} not read")
        return
    import datetime as dt

    when = day if isinstance(day, dt.date) else None
    ctx.offer(ULN[key], high[0] * units[high[1]], e, "referenceRange[0].high", when)


def _lab(ctx: Ctx, e: Entry, key: str, when: object) -> None:
    from gistcds.domain.patient import Patient

    target, units = LABS[key]
    if target.split(".", 1)[0] not in Patient.model_fields:
        ctx.line("unmapped", e, "code", f"this gistcds version has no {target} field")
        return
    _uln(ctx, e, key, units, when)
    q = quantity(e.resource.get("valueQuantity"))
    if q is None:
        if "dataAbsentReason" not in e.resource:
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


def read_adverse_event(ctx: Ctx, e: Entry) -> None:
    """A CTCAE-graded AdverseEvent -> ``adverse_events[]`` (term, grade, drug, dates)."""
    from gistcds.fhir.urls import ext

    r = e.resource
    ctx.consume(e, "subject", "actuality", "outcome", "extension", "suspectEntity", "date")
    if r.get("actuality") == "potential":
        ctx.line("ignored", e, "actuality", "a potential event, not one that happened")
        return
    cc = r.get("event") or {}
    names = [cc.get("text")] + [c.get("display") for c in cc.get("coding") or []]
    term = next((n for n in names if isinstance(n, str) and n.strip()), None)
    xs = {x.get("url"): x for x in r.get("extension") or []}
    grade = (xs.get(ext("ctcae-grade")) or {}).get("valueInteger")
    if term is None or not isinstance(grade, int):
        why = "no event term" if term is None else "no CTCAE grade (extension ctcae-grade)"
        ctx.line("unmapped", e, "event" if term is None else "extension", why)
        return
    event: dict[str, object] = {"term": term.strip(), "grade": grade}
    onset = first_date(r, "date", "detected")
    if onset is not None:
        event["onset"] = onset.isoformat()
    resolved = (xs.get(ext("resolved-date")) or {}).get("valueDate")
    if resolved:
        event["resolved"] = resolved
    recurrence = (xs.get(ext("recurrence")) or {}).get("valueInteger")
    if recurrence is not None:
        event["recurrence"] = recurrence
    suspects = r.get("suspectEntity") or []
    instance = (suspects[0] if suspects else {}).get("instance") or {}
    if instance.get("display"):
        event["drug"] = str(instance["display"]).strip().lower()
    ctx.append("adverse_events", event, e, "event")
