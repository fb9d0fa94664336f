"""MedicationRequest / MedicationStatement / MedicationAdministration -> therapy lines and
comedications. A cancer drug (an mCODE cancer-related profile, or a drug the knowledge base
names) makes a line; any other current medication is a comedication (interactions)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from gistcds.fhir.bundle import Entry, date_of, profiles, quantity
from gistcds.fhir.read_context import Ctx
from gistcds.fhir.terminology import concept_of, drug_by_rxnorm, system
from gistcds.fhir.urls import ext, mcode

__all__ = ["PendingLine", "daily_dose", "dosage_of", "drug_name", "read_medication", "settle_lines"]

_STOP = {
    "stop_progression": "progression",
    "stop_toxicity": "toxicity",
    "stop_completed": "completed",
    "stop_other": "other",
}
_RESPONSE = {f"resp_{r}": r for r in ("CR", "PR", "SD", "PD", "NE")}
_NOT_TAKEN = {"draft", "cancelled", "entered-in-error", "intended", "not-taken", "not-done"}
_ENDED = {"completed", "stopped"}
_PER_DAY = {"d": 1.0, "wk": 1 / 7, "h": 24.0}


@dataclass
class PendingLine:
    """A therapy line waiting to be put in date order."""

    start: dt.date | None
    entry: Entry
    element: str
    line: dict[str, Any]


def drug_name(ctx: Ctx, e: Entry) -> tuple[str | None, str]:
    """(lower-case drug name, element) from medicationCodeableConcept or a Medication."""
    r = e.resource
    cc = r.get("medicationCodeableConcept")
    element = "medicationCodeableConcept"
    if cc is None:
        med = ctx.index.resolve(r.get("medicationReference"))
        element = "medicationReference"
        if med is None:
            return None, element
        ctx.consume(med, "code")
        ctx.line("mapped", med, "code", f"medication of {e.ref}")
        cc = med.resource.get("code")
    if not isinstance(cc, dict):
        return None, element
    for cd in cc.get("coding") or []:
        if cd.get("system") == system("rxnorm"):
            inn = drug_by_rxnorm(str(cd.get("code")))
            if inn:
                return inn, element
    names = [cc.get("text")] + [cd.get("display") for cd in cc.get("coding") or []]
    name = next((n for n in names if isinstance(n, str) and n.strip()), None)
    return (name.strip().lower()[:64] if name else None), element


def read_medication(ctx: Ctx, e: Entry, cancer_drugs: set[str], pending: list[PendingLine]) -> None:
    r = e.resource
    ctx.consume(e, "subject", "status", "intent", "meta")
    name, element = drug_name(ctx, e)
    if name is None:
        ctx.line("unmapped", e, element, "medication without a name or RxNorm code gistcds knows")
        return
    status = str(r.get("status", ""))
    if status in _NOT_TAKEN or r.get("intent") in ("proposal", "plan"):
        ctx.line("ignored", e, "status", f"{status or r.get('intent')}: not a medication taken")
        ctx.consume(e, element)
        return
    cancer = name in cancer_drugs or bool(
        profiles(r)
        & {
            "mcode-cancer-related-medication-request",
            "mcode-cancer-related-medication-administration",
        }
    )
    if not cancer:
        _comedication(ctx, e, name, element, status)
        return
    request = ctx.index.resolve(r.get("request"))
    if e.rtype == "MedicationAdministration" and request is not None:
        ctx.consume(e, element, "request", "dosage", "effectivePeriod", "effectiveDateTime")
        ctx.line("ignored", e, "request", f"an administration of {request.ref}, read as the line")
        return
    line, start = _line(ctx, e, name)
    ctx.consume(e, element)
    pending.append(PendingLine(start, e, element, line))


def _comedication(ctx: Ctx, e: Entry, name: str, element: str, status: str) -> None:
    if status in _ENDED:
        ctx.consume(e, element)
        ctx.line("ignored", e, "status", f"{name}: {status}, not a current medication")
        return
    meds = ctx.doc.setdefault("comedications", [])
    if name in meds:
        ctx.consume(e, element)
        ctx.line("mapped", e, element, f"{name} already listed", "comedications")
    else:
        ctx.append("comedications", name, e, element)
    for extra in ("dosageInstruction", "dosage", "effectivePeriod", "effectiveDateTime"):
        if extra in e.resource:
            ctx.consume(e, extra)
            ctx.line("ignored", e, extra, "dose and dates of a comedication are not needed")


def dosage_of(r: dict[str, Any]) -> tuple[dict[str, Any] | None, str]:
    if r.get("dosageInstruction"):
        return r["dosageInstruction"][0], "dosageInstruction[0]"
    d = r.get("dosage")
    if isinstance(d, list) and d:
        return d[0], "dosage[0]"
    if isinstance(d, dict):
        return d, "dosage"
    return None, ""


def daily_dose(ctx: Ctx, e: Entry, dosage: dict[str, Any], where: str) -> float | None:
    dose = None
    for dr in dosage.get("doseAndRate") or []:
        dose = quantity(dr.get("doseQuantity"))
        if dose:
            break
    if dose is None:
        dose = quantity(dosage.get("dose"))  # MedicationAdministration.dosage.dose
    if dose is None:
        return None
    if dose[1] not in ("mg", "milligram"):
        ctx.line("unmapped", e, where, f"dose unit {dose[1]!r} is not mg")
        return None
    rep = ((dosage.get("timing") or {}).get("repeat")) or {}
    freq, period, unit = rep.get("frequency"), rep.get("period"), rep.get("periodUnit")
    if freq is None and period is None:
        ctx.line("assumed", e, where, "no timing: dose taken as the daily dose")
        return dose[0]
    if unit not in _PER_DAY or not period:
        ctx.line("unmapped", e, f"{where}.timing", f"period unit {unit!r} not read")
        return None
    return round(dose[0] * float(freq or 1) / float(period) * _PER_DAY[unit], 3)


def _dates(r: dict[str, Any], dosage: dict[str, Any] | None) -> tuple[Any, Any]:
    bounds = (((dosage or {}).get("timing") or {}).get("repeat") or {}).get("boundsPeriod")
    period = bounds or r.get("effectivePeriod") or {}
    start = date_of(period.get("start")) or date_of(r.get("effectiveDateTime"))
    return start, date_of(period.get("end"))


def _line(ctx: Ctx, e: Entry, name: str) -> tuple[dict[str, Any], dt.date | None]:
    r = e.resource
    line: dict[str, Any] = {"drug": name}
    dosage, where = dosage_of(r)
    if dosage is not None:
        ctx.consume(e, where.split("[", 1)[0])
        dose = daily_dose(ctx, e, dosage, where)
        if dose is not None:
            line["dose_mg_per_day"] = dose
    start, end = _dates(r, dosage)
    ctx.consume(e, "effectivePeriod", "effectiveDateTime")
    if start:
        line["start"] = start.isoformat()
    if end:
        line["end"] = end.isoformat()
    _stop_reason(ctx, e, line)
    _extensions(ctx, e, line)
    return line, start


def _stop_reason(ctx: Ctx, e: Entry, line: dict[str, Any]) -> None:
    reasons = e.resource.get("statusReason")
    if reasons is None:
        return
    ctx.consume(e, "statusReason")
    for cc in reasons if isinstance(reasons, list) else [reasons]:
        key = concept_of(cc)
        if key in _STOP:
            line["stop_reason"] = _STOP[key]
            return
    line["stop_reason"] = "other"
    ctx.line("assumed", e, "statusReason", "reason not in mCODE's termination reasons: other")


def _extensions(ctx: Ctx, e: Entry, line: dict[str, Any]) -> None:
    xs = e.resource.get("extension") or []
    has_setting = any(x.get("url") == ext("therapy-setting") for x in xs)
    for i, x in enumerate(xs):
        url = x.get("url")
        if url == ext("therapy-setting"):
            line["setting"] = x.get("valueCode")
        elif url == ext("progression-pattern"):
            line["progression"] = x.get("valueCode")
        elif url == ext("line-best-response"):
            line["best_response"] = _RESPONSE.get(concept_of(x.get("valueCodeableConcept")) or "")
        elif url == mcode("mcode-procedure-intent"):
            intent = concept_of(x.get("valueCodeableConcept"))
            if intent == "intent_palliative":
                line.setdefault("setting", "metastatic")
            elif intent == "intent_curative" and not has_setting:
                ctx.line(
                    "unmapped",
                    e,
                    f"extension[{i}]",
                    "curative intent: adjuvant or neoadjuvant not stated; setting left empty",
                )
        else:
            ctx.line("ignored", e, f"extension[{i}]", f"extension {url} not used")
    ctx.consume(e, "extension")


def _merge_administrations(ctx: Ctx, pending: list[PendingLine]) -> list[PendingLine]:
    """Administrations of one drug (not tied to an order in the Bundle) are one line from
    the first; it ends only where a period ends or a stop reason says so. Each further
    administration is reported as merged."""
    out: list[PendingLine] = []
    first: dict[str, PendingLine] = {}
    for p in pending:
        drug = str(p.line["drug"])
        if p.entry.rtype != "MedicationAdministration":
            out.append(p)
        elif drug not in first:
            first[drug] = p
            out.append(p)
        else:
            head = first[drug]
            starts = [d for d in (head.line.get("start"), p.line.get("start")) if d]
            ends = [d for d in (head.line.get("end"), p.line.get("end")) if d]
            if starts:
                head.line["start"] = min(starts)
                head.start = dt.date.fromisoformat(min(starts))
            if ends:  # an administration's own date is not the end of the line
                head.line["end"] = max(ends)
            if "stop_reason" in p.line:
                head.line["stop_reason"] = p.line["stop_reason"]
            ctx.line(
                "assumed",
                p.entry,
                "",
                f"administration merged into the {drug} line of {head.entry.ref}",
            )
    return out


def settle_lines(ctx: Ctx, pending: list[PendingLine]) -> None:
    """Therapy lines oldest first, as the contract asks. Bundle order is kept when it
    already is (lines without a start date stay where they are); otherwise lines are
    sorted by start date, those without one last."""
    pending = _merge_administrations(ctx, pending)
    starts = [p.start for p in pending if p.start is not None]
    ordered = pending
    if starts != sorted(starts):
        ordered = sorted(pending, key=lambda p: (p.start is None, p.start or dt.date.min))
    for p in ordered:
        line = {k: v for k, v in p.line.items() if v is not None}
        ctx.append("therapy_lines", line, p.entry, p.element)
