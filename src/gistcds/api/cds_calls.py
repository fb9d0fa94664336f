"""One CDS Hooks call, from its prefetch to its cards (run off the event loop).

The prefetch (completed from ``fhirServer`` when keys are missing) becomes one Bundle; a
record without a GIST primary condition gets no cards (patient-view fires for every
chart); otherwise the patient is assessed and the cards rendered by ``gistcds.cdshooks``.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from gistcds.api.errors import ApiError
from gistcds.api.settings import Settings
from gistcds.knowledge import KnowledgeBase

if TYPE_CHECKING:
    from gistcds.api.routes_cdshooks import HookCall
    from gistcds.domain.patient import Patient
    from gistcds.fhir import MappingReport

__all__ = ["answer", "complete_prefetch"]


def complete_prefetch(
    call: HookCall, service_id: str, settings: Settings
) -> tuple[dict[str, Any], list[str]]:
    """The call's prefetch with every omitted key fetched from ``fhirServer`` when one is
    given; 412 when a required key is missing and cannot be fetched."""
    from gistcds.api.cds_fetch import fetch_missing
    from gistcds.cdshooks import missing_prefetch, render_prefetch

    prefetch = dict(call.prefetch or {})
    queries = {
        k: q for k, q in render_prefetch(service_id, call.context).items() if k not in prefetch
    }
    fetched: list[str] = []
    if call.fhirServer and queries:
        prefetch.update(
            fetch_missing(call.fhirServer, call.fhirAuthorization, queries, settings.cds_allow_http)
        )
        fetched = sorted(queries)
    elif call.fhirAuthorization and not call.fhirServer:
        raise ApiError(400, "fhirAuthorization needs fhirServer")
    missing = missing_prefetch(prefetch, service_id)
    if missing:
        raise ApiError(
            412,
            "prefetch missing and no fhirServer to read it from: " + ", ".join(missing),
        )
    patient = prefetch.get("patient")
    if isinstance(patient, dict) and patient.get("id") not in (None, call.context["patientId"]):
        raise ApiError(400, "prefetch.patient is not the patient of context.patientId")
    return prefetch, fetched


def _patient(prefetch: dict[str, Any], kb: KnowledgeBase) -> tuple[Patient, MappingReport]:
    from gistcds.cdshooks import prefetch_bundle
    from gistcds.fhir import bundle_to_patient

    return bundle_to_patient(prefetch_bundle(prefetch), kb)


def _draft_orders(call: HookCall) -> dict[str, Any]:
    """``context.draftOrders``; for order-select only the orders named in ``selections``."""
    draft = call.context.get("draftOrders")
    if not isinstance(draft, dict) or draft.get("resourceType") != "Bundle":
        raise ApiError(400, "context.draftOrders must be a FHIR Bundle")
    selections = call.context.get("selections")
    if call.hook != "order-select" or not isinstance(selections, list) or not selections:
        return draft
    chosen = {str(s) for s in selections}
    entries = [
        e
        for e in draft.get("entry") or []
        if isinstance(e, dict)
        and isinstance(e.get("resource"), dict)
        and f"{e['resource'].get('resourceType')}/{e['resource'].get('id')}" in chosen
    ]
    return {**draft, "entry": entries}


def answer(
    call: HookCall, service_id: str, kb: KnowledgeBase, settings: Settings
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The cards of one call, and what the audit row should say about it."""
    from gistcds.assess import assess
    from gistcds.cdshooks import PATIENT_VIEW, deterministic_uuid, order_sign_cards
    from gistcds.cdshooks import patient_view_cards as view_cards

    draft = _draft_orders(call) if service_id != PATIENT_VIEW else None
    prefetch, fetched = complete_prefetch(call, service_id, settings)
    patient, mapping = _patient(prefetch, kb)
    detail: dict[str, Any] = {
        "fetched": fetched,
        "gist": mapping.refs.primary_condition is not None,
    }
    if mapping.refs.primary_condition is None:
        return [], detail
    new_uuid = deterministic_uuid(call.hookInstance)
    if draft is not None:
        return order_sign_cards(patient, draft, kb, new_uuid), detail
    context = json.dumps({"patientId": call.context["patientId"]}) if settings.cds_app_url else None
    cards = view_cards(
        assess(patient, kb),
        mapping.refs.patient,
        new_uuid,
        report_url=settings.cds_app_url,
        app_context=context,
    )
    return cards, detail
