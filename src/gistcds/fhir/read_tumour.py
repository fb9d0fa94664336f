"""Cancer conditions and primary-tumour observations -> ``primary`` and ``metastatic``."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from gistcds.fhir.bundle import Entry, first_date, profiles, quantity
from gistcds.fhir.mapping import Status
from gistcds.fhir.read_context import Ctx
from gistcds.fhir.sites import organ_of, primary_site_of
from gistcds.fhir.terminology import concept_of, system

__all__ = [
    "is_primary",
    "is_secondary",
    "read_conditions",
    "read_primary_observation",
    "read_procedure",
]

_SECONDARY_ICD = re.compile(r"^C7[7-9]")
_TNM_VALUE = re.compile(r"^(?:c|p|yp)?([NM])([01X])", re.IGNORECASE)
RECOMPUTED = "recomputed by gistcds (AJCC 8th) from size, mitoses, site and metastases"


def is_primary(e: Entry) -> bool:
    if "mcode-primary-cancer-condition" in profiles(e.resource):
        return True
    return e.rtype == "Condition" and concept_of(e.resource.get("code")) == "gist"


def is_secondary(e: Entry) -> bool:
    if "mcode-secondary-cancer-condition" in profiles(e.resource):
        return True
    code = e.resource.get("code") or {}
    if concept_of(code) in ("secondary_neoplasm", "liver_metastasis"):
        return True
    return any(
        cd.get("system") == system("icd10cm") and _SECONDARY_ICD.match(str(cd.get("code", "")))
        for cd in code.get("coding") or []
    )


def read_conditions(ctx: Ctx, conditions: list[Entry]) -> None:
    """Primary (site) and secondary (metastatic sites, date) cancer conditions."""
    primaries = [e for e in conditions if is_primary(e)]
    for i, e in enumerate(primaries):
        if i == 0:
            _read_primary(ctx, e)
        else:
            ctx.line("unmapped", e, "", "a second primary cancer condition; gistcds assesses one")
    secondaries = [e for e in conditions if is_secondary(e) and not is_primary(e)]
    for e in secondaries:
        _read_secondary(ctx, e)
    for e in conditions:
        if e not in primaries and e not in secondaries:
            ctx.line("ignored", e, "", "not a cancer condition; comorbidities are not used")


def _read_primary(ctx: Ctx, e: Entry) -> None:
    r = e.resource
    ctx.report.refs.primary_condition = e.ref
    ctx.consume(e, "code", "extension", "subject", "onsetDateTime", "stage")
    coded_gist = concept_of(r.get("code")) == "gist" or any(
        concept_of(x.get("valueCodeableConcept")) == "gist_morphology"
        for x in r.get("extension") or []
    )
    if coded_gist:
        ctx.line("mapped", e, "code", "GIST primary cancer condition")
    else:
        ctx.line("assumed", e, "code", "not coded as GIST; gistcds assumes the cancer is a GIST")
    if r.get("stage"):
        ctx.line("ignored", e, "stage", RECOMPUTED)
    if r.get("bodySite"):
        site, how = primary_site_of(r["bodySite"])
        if site is None:
            ctx.line("unmapped", e, "bodySite", how)
        else:
            status: Status = "mapped" if site != "other" or how == "coded" else "assumed"
            ctx.put("primary.site", site, e, "bodySite", status, how)


def _read_secondary(ctx: Ctx, e: Entry) -> None:
    r = e.resource
    ctx.consume(e, "code", "extension", "subject")
    organs = [organ_of(cc) for cc in r.get("bodySite") or []]
    if not organs and concept_of(r.get("code")) == "liver_metastasis":
        organs = [("liver", "from the ICD-10-CM code")]
    sites = ctx.doc.setdefault("metastatic", {}).setdefault("sites", [])
    for i, (organ, how) in enumerate(organs):
        element = f"bodySite[{i}]" if r.get("bodySite") else "code"
        if organ is None:
            ctx.line("unmapped", e, element, how)
        elif organ in sites:
            ctx.line("mapped", e, element, f"site {organ} already listed", "metastatic.sites")
            ctx.consume(e, element.split("[", 1)[0])
        else:
            ctx.append("metastatic.sites", organ, e, element, how)
    if not organs:
        ctx.line("mapped", e, "code", "metastatic disease (no site given)", "metastatic")
    onset = first_date(r, "onsetDateTime", "onsetPeriod", "recordedDate")
    if onset is not None:
        element = next(k for k in ("onsetDateTime", "onsetPeriod", "recordedDate") if k in r)
        ctx.offer("metastatic.diagnosed", onset.isoformat(), e, element, None, -onset.toordinal())


def read_primary_observation(ctx: Ctx, e: Entry, key: str) -> None:
    """Mitoses, rupture, residual tumour, TNM categories and stage groups."""
    r = e.resource
    when = first_date(r, "effectiveDateTime", "effectivePeriod", "issued")
    ctx.consume(e, "code", "subject", "focus", "effectiveDateTime", "effectivePeriod", "method")
    if key in ("mitoses_5mm2", "mitoses_50hpf"):
        q = quantity(r.get("valueQuantity"))
        if q is None:
            ctx.line("unmapped", e, "value", "mitotic count without a numeric valueQuantity")
            return
        per = "5mm2" if key == "mitoses_5mm2" else "50hpf"
        ctx.offer("primary.mitoses", {"count": q[0], "per": per}, e, "valueQuantity", when)
        ctx.report.refs.risk_basis.append(e.ref)
    elif key == "rupture":
        if not isinstance(r.get("valueBoolean"), bool):
            ctx.line("unmapped", e, "value", "tumour rupture without valueBoolean")
            return
        ctx.offer("primary.rupture", r["valueBoolean"], e, "valueBoolean", when)
        ctx.report.refs.risk_basis.append(e.ref)
    elif key == "residual_tumour":
        value = _code_or_text(r.get("valueCodeableConcept"), {"none", "R0", "R1", "R2"})
        if value is None:
            ctx.line("unmapped", e, "value", "residual tumour must be none, R0, R1 or R2")
            return
        ctx.offer("primary.resection", value, e, "valueCodeableConcept", when)
    elif key.startswith(("t_", "stage_")):
        ctx.consume(e, "valueCodeableConcept", "hasMember")
        ctx.line("ignored", e, "valueCodeableConcept", RECOMPUTED)
    elif key.startswith("n_"):
        _read_n(ctx, e, when)
    elif key.startswith("m_"):
        _read_m(ctx, e, when)


def _tnm(cc: Any, letter: str) -> str | None:
    if not isinstance(cc, dict):
        return None
    key = concept_of(cc)
    if key and key[-2:-1] == letter:
        return key[-2:]
    texts = [str(c.get("code", "")) for c in cc.get("coding") or []] + [str(cc.get("text", ""))]
    for t in texts:
        m = _TNM_VALUE.match(t.strip())
        if m and m.group(1).upper() == letter:
            return f"{letter}{m.group(2).upper()}"
    return None


def _read_n(ctx: Ctx, e: Entry, when: dt.date | None) -> None:
    value = _tnm(e.resource.get("valueCodeableConcept"), "N")
    if value is None:
        ctx.line("unmapped", e, "valueCodeableConcept", "N category must be N0, N1 or NX")
        return
    ctx.offer("primary.nodes", value, e, "valueCodeableConcept", when)


def _read_m(ctx: Ctx, e: Entry, when: dt.date | None) -> None:
    value = _tnm(e.resource.get("valueCodeableConcept"), "M")
    ctx.consume(e, "valueCodeableConcept")
    if value == "M1":
        ctx.line("mapped", e, "valueCodeableConcept", "M1: checked against metastatic record")
        ctx.m1 = ctx.m1 or (e, when)
    elif value == "M0":
        ctx.line("ignored", e, "valueCodeableConcept", "M0; " + RECOMPUTED)
    else:
        ctx.line("unmapped", e, "valueCodeableConcept", "M category must be M0 or M1")


def _code_or_text(cc: Any, allowed: set[str]) -> str | None:
    if not isinstance(cc, dict):
        return None
    for cd in cc.get("coding") or []:
        if str(cd.get("code")) in allowed:
            return str(cd["code"])
    text = str(cc.get("text", "")).strip()
    return text if text in allowed else None


def read_procedure(ctx: Ctx, e: Entry) -> None:
    """A completed cancer-related surgical procedure (mCODE) for the primary tumour ->
    ``primary.resection_date`` (the latest such procedure, e.g. a re-resection)."""
    r = e.resource
    if "mcode-cancer-related-surgical-procedure" not in profiles(r):
        ctx.line("ignored", e, "", "not a cancer-related surgical procedure (mCODE profile)")
        return
    targets = [ctx.index.resolve(x) for x in r.get("reasonReference") or []]
    primary = ctx.report.refs.primary_condition
    if targets and not any(t is not None and t.ref == primary for t in targets):
        why = "surgery for another condition than the primary tumour (e.g. metastases)"
        ctx.line("ignored", e, "reasonReference", why)
        return
    if r.get("status") != "completed":
        ctx.line("ignored", e, "status", f"status {r.get('status')}: not a completed resection")
        return
    when = first_date(r, "performedDateTime", "performedPeriod")
    if when is None:
        ctx.line("unmapped", e, "performed[x]", "surgical procedure without a performed date")
        return
    element = "performedDateTime" if "performedDateTime" in r else "performedPeriod"
    ctx.consume(e, "code", "category", "subject", "reasonReference", "reasonCode", "bodySite")
    ctx.offer("primary.resection_date", when.isoformat(), e, element, when)
