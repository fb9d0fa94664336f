"""``order-sign`` / ``order-select``: draft TKI orders -> warning cards.

Nothing clinical is decided here. For each draft order of a GIST drug the knowledge base
names, gistcds assesses the patient twice: as recorded, and as if the order were signed
(a new ongoing line of that drug at that dose, from today). The cards render what those
assessments say: the genotype's sensitivity to the drug, the cautions the engines raise
for it (CYP3A4 interactions, label limits for organ function, pregnancy), and a different
dose when the recorded assessment recommends the drug at another dose, with a suggestion
to replace the order by the recommended option.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from gistcds.cdshooks.cards import MAX_SUMMARY, Uuid, card_source, label
from gistcds.domain.assessment import Assessment
from gistcds.domain.patient import Patient
from gistcds.domain.results.therapy import Caution, Recommendation
from gistcds.knowledge import KnowledgeBase

__all__ = ["DraftOrder", "draft_orders", "order_sign_cards"]


@dataclass(frozen=True)
class DraftOrder:
    """A draft MedicationRequest for a drug gistcds knows."""

    drug: str
    dose_mg_per_day: float | None
    resource: dict[str, Any]


def draft_orders(bundle: dict[str, Any], kb: KnowledgeBase) -> list[DraftOrder]:
    """The draft MedicationRequests of ``context.draftOrders`` that name a GIST drug."""
    from gistcds.fhir.bundle import BundleIndex, Entry
    from gistcds.fhir.mapping import MappingReport
    from gistcds.fhir.read_context import Ctx
    from gistcds.fhir.read_meds import daily_dose, dosage_of, drug_name
    from gistcds.knowledge.schema import therapy_drugs

    names = {d.inn for d in kb.get(therapy_drugs.Table).drugs}
    entries = [
        Entry(i, e["resource"], e.get("fullUrl"))
        for i, e in enumerate(bundle.get("entry") or [])
        if isinstance(e, dict) and isinstance(e.get("resource"), dict)
    ]
    ctx = Ctx(BundleIndex(entries, None), MappingReport(), dt.date.today())
    out = []
    for e in entries:
        if e.rtype != "MedicationRequest":
            continue
        name, _ = drug_name(ctx, e)
        if name not in names:
            continue
        dosage, where = dosage_of(e.resource)
        dose = daily_dose(ctx, e, dosage, where) if dosage else None
        out.append(DraftOrder(str(name), dose, e.resource))
    return out


def _with_order(patient: Patient, order: DraftOrder) -> Patient:
    from gistcds.domain.patient import TherapyLine

    line = TherapyLine(
        drug=order.drug,
        dose_mg_per_day=order.dose_mg_per_day,
        setting="metastatic" if patient.is_metastatic else None,
        start=dt.date.today(),
    )
    return patient.model_copy(update={"therapy_lines": [*patient.therapy_lines, line]})


def _mentions(c: Caution, drug: str) -> bool:
    text = " ".join([c.code, c.rule_id or "", c.message]).lower()
    return drug in text


def _caution_cards(
    base: Assessment,
    signed: Assessment,
    order: DraftOrder,
    new_uuid: Uuid,
    source_url: str | None,
    drugs: set[str],
) -> list[dict[str, Any]]:
    """Cautions of the as-if-signed assessment about this drug, new with it, or about no
    drug in particular (pregnancy applies to every TKI)."""
    known = {(c.code, c.rule_id) for c in base.cautions}
    cards = []
    for c in signed.cautions:
        generic = not any(_mentions(c, d) for d in drugs)
        relevant = _mentions(c, order.drug) or generic or ((c.code, c.rule_id) not in known)
        if not relevant or c.severity == "info":
            continue
        summary = c.message if len(c.message) <= MAX_SUMMARY else c.message[: MAX_SUMMARY - 1] + "…"
        cards.append(
            {
                "uuid": new_uuid(f"{order.drug}-{c.code}-{c.rule_id}"),
                "summary": summary,
                "detail": c.message,
                "indicator": c.severity,
                "source": card_source("order-caution", "Order caution", source_url),
            }
        )
    return cards


def _drug_names(kb: KnowledgeBase) -> set[str]:
    from gistcds.knowledge.schema import therapy_drugs

    return {d.inn for d in kb.get(therapy_drugs.Table).drugs}


def _recommended(base: Assessment) -> Recommendation | None:
    return next((r for r in base.recommendations if r.regimen), None)


def _replace(order: DraftOrder, rec: Recommendation, new_uuid: Uuid) -> dict[str, Any]:
    item = rec.regimen[0]
    resource = dict(order.resource)
    resource["medicationCodeableConcept"] = {"text": item.drug}
    resource["dosageInstruction"] = [{"text": item.schedule}]
    text = label(f"Replace with {item.drug} {item.schedule}")
    return {
        "label": text,
        "uuid": new_uuid(f"replace-{order.drug}"),
        "isRecommended": True,
        "actions": [{"type": "update", "description": text, "resource": resource}],
    }


def _genotype_card(
    base: Assessment, order: DraftOrder, new_uuid: Uuid, source_url: str | None
) -> dict[str, Any] | None:
    g = base.genotype
    level = getattr(g.sensitivity, order.drug, "unknown") if g else "unknown"
    if g is None or level not in ("resistant", "intermediate"):
        return None
    note = g.sensitivity_notes.get(order.drug, "")
    card: dict[str, Any] = {
        "uuid": new_uuid(f"genotype-{order.drug}"),
        "summary": f"{g.genotype_class}: {level} to {order.drug}"[:MAX_SUMMARY],
        "detail": f"{g.rationale}\n\n{note}".strip(),
        "indicator": "critical" if level == "resistant" else "warning",
        "source": card_source("genotype-sensitivity", "Genotype and drug sensitivity", source_url),
    }
    rec = _recommended(base)
    if rec is not None and order.drug not in {r.drug for r in rec.regimen}:
        card["suggestions"] = [_replace(order, rec, new_uuid)]
        card["selectionBehavior"] = "at-most-one"
    return card


def _dose_card(
    base: Assessment, order: DraftOrder, new_uuid: Uuid, source_url: str | None
) -> dict[str, Any] | None:
    rec = next((r for r in base.recommendations if order.drug in {x.drug for x in r.regimen}), None)
    if rec is None or order.dose_mg_per_day is None:
        return None
    item = next(x for x in rec.regimen if x.drug == order.drug)
    if item.dose_mg_per_day is None or item.dose_mg_per_day == order.dose_mg_per_day:
        return None
    return {
        "uuid": new_uuid(f"dose-{order.drug}"),
        "summary": (
            f"{order.drug}: ordered {order.dose_mg_per_day:g} mg/day; gistcds option "
            f"is {item.schedule}"
        )[:MAX_SUMMARY],
        "detail": f"{rec.title}. {rec.rationale} Evidence: {rec.evidence.level}.",
        "indicator": "warning",
        "source": card_source("dose", "Recommended dose", source_url),
        "suggestions": [_replace(order, rec, new_uuid)],
        "selectionBehavior": "at-most-one",
    }


def order_sign_cards(
    patient: Patient,
    bundle: dict[str, Any],
    kb: KnowledgeBase,
    new_uuid: Uuid,
    source_url: str | None = None,
) -> list[dict[str, Any]]:
    """Cards for the draft TKI orders of an order-sign / order-select call."""
    from gistcds.assess import assess

    orders = draft_orders(bundle, kb)
    if not orders:
        return []
    base = assess(patient, kb)
    cards: list[dict[str, Any]] = []
    for order in orders:
        signed = assess(_with_order(patient, order), kb)
        for card in (
            _genotype_card(base, order, new_uuid, source_url),
            _dose_card(base, order, new_uuid, source_url),
        ):
            if card is not None:
                cards.append(card)
        cards += _caution_cards(base, signed, order, new_uuid, source_url, _drug_names(kb))
    rank = {"critical": 0, "warning": 1, "info": 2}
    return sorted(cards, key=lambda c: rank[c["indicator"]])
