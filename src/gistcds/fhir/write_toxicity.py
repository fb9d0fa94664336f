"""Side-effect advice as FHIR: label dose modifications (RequestGroup of proposals),
monitoring and counselling (a CarePlan each). A rendering of ``assessment.toxicity``,
``monitoring`` and ``counselling``; nothing decided here."""

from __future__ import annotations

from typing import Any

from gistcds.domain.assessment import Assessment
from gistcds.domain.results.toxicity import CounsellingItem
from gistcds.fhir.terminology import LOCAL, drug_coding
from gistcds.fhir.urls import ext
from gistcds.fhir.write_common import BundleBuilder, qty, ref
from gistcds.knowledge import KnowledgeBase

__all__ = ["write_toxicity"]


def _medication(drug: str) -> dict[str, Any]:
    cc: dict[str, Any] = {"text": drug}
    if drug_coding(drug):
        cc["coding"] = drug_coding(drug)
    return cc


def _dose_actions(b: BundleBuilder, a: Assessment, subject: Any, kb: KnowledgeBase) -> None:
    from gistcds.fhir.write_plan import citation

    actions = []
    for n, t in enumerate(a.toxicity, start=1):
        text = [t.label_text]
        if t.resume_when:
            text.append(f"Resume when: {t.resume_when}.")
        text += [f"Management: {m}" for m in t.management] + [f"Check: {f}" for f in t.flags]
        action: dict[str, Any] = {
            "prefix": str(n),
            "title": f"{t.event} grade {t.grade} on {t.drug}: {t.action}",
            "description": " ".join(text) + f" ({t.evidence})",
            "code": [{"coding": [{"system": LOCAL, "code": t.action}], "text": t.action}],
            "documentation": [citation(s) for s in kb.cite(t.source_ids)],
        }
        if t.action in ("reduce", "continue") and t.dose_mg_per_day is not None:
            dosage: dict[str, Any] = {"text": t.schedule or f"{t.dose_mg_per_day:g} mg per day"}
            dosage["extension"] = [
                {"url": ext("daily-dose"), "valueQuantity": qty(t.dose_mg_per_day, "mg/d")}
            ]
            request = b.add(
                {
                    "resourceType": "MedicationRequest",
                    "id": b.unique("MedicationRequest", f"toxicity-{n}-{t.drug}"),
                    "status": "draft",
                    "intent": "proposal",
                    "medicationCodeableConcept": _medication(t.drug),
                    "subject": subject,
                    "dosageInstruction": [dosage],
                }
            )
            action["resource"] = ref(request)
        if not action["documentation"]:
            del action["documentation"]
        actions.append(action)
    b.add(
        {
            "resourceType": "RequestGroup",
            "id": b.unique("RequestGroup", "toxicity-management"),
            "status": "draft",
            "intent": "proposal",
            "subject": subject,
            "action": actions,
            "note": [
                {
                    "text": "Label dose modifications for the recorded adverse events (CTCAE "
                    "v5.0). " + a.disclaimer
                }
            ],
        }
    )


def _care_plan(
    b: BundleBuilder, rid: str, title: str, subject: Any, activities: list[dict[str, Any]]
) -> None:
    b.add(
        {
            "resourceType": "CarePlan",
            "id": b.unique("CarePlan", rid),
            "status": "draft",
            "intent": "proposal",
            "title": title,
            "subject": subject,
            "activity": [{"detail": d} for d in activities],
        }
    )


def _pct(value: float | None) -> str:
    return "not reported" if value is None else f"{value:g}%"


def _counsel_text(c: CounsellingItem) -> str:
    rates = f"any grade {_pct(c.any_grade_pct)}, grade 3 or more {_pct(c.grade3plus_pct)}"
    return f"{c.drug}: {c.effect} ({rates}; {c.population}). {c.advice}"


def write_toxicity(b: BundleBuilder, a: Assessment, subject: Any, kb: KnowledgeBase) -> None:
    if a.toxicity:
        _dose_actions(b, a, subject, kb)
    if a.monitoring:
        _care_plan(
            b,
            "monitoring",
            "TKI monitoring (gistcds)",
            subject,
            [
                {
                    "kind": "ServiceRequest",
                    "code": {"text": m.test},
                    "status": "not-started",
                    "scheduledString": m.when,
                    "description": f"{m.test} on {m.drug}: {m.when}",
                }
                for m in a.monitoring
            ],
        )
    if a.counselling:
        _care_plan(
            b,
            "counselling",
            "Side effects to discuss (gistcds)",
            subject,
            [
                {
                    "kind": "CommunicationRequest",
                    "code": {"text": c.effect},
                    "status": "not-started",
                    "description": _counsel_text(c),
                }
                for c in a.counselling
            ],
        )
