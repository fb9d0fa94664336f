"""CDS Hooks 2.0 service definitions (discovery) and prefetch -> Patient.

The HTTP layer (``gistcds serve``) answers ``GET /cds-services`` with ``discovery()`` and,
for a call, turns its ``prefetch`` into one Bundle with ``prefetch_bundle`` (or says which
keys are missing, for the spec's 412 when no FHIR server is given either).
"""

from __future__ import annotations

import re
from typing import Any

__all__ = [
    "HOOKS",
    "ORDER_SELECT",
    "ORDER_SIGN",
    "PATIENT_VIEW",
    "SERVICES",
    "discovery",
    "missing_prefetch",
    "prefetch_bundle",
    "render_prefetch",
]

PATIENT_VIEW = "gist-patient-view"
ORDER_SIGN = "gist-order-sign"
ORDER_SELECT = "gist-order-select"

_PATIENT_PREFETCH = {
    "patient": "Patient/{{context.patientId}}",
    "conditions": "Condition?patient={{context.patientId}}",
    "observations": "Observation?patient={{context.patientId}}&_count=500",
    "bodyStructures": "BodyStructure?patient={{context.patientId}}",
    "medicationRequests": "MedicationRequest?patient={{context.patientId}}",
    "medicationStatements": "MedicationStatement?patient={{context.patientId}}",
    "specimens": "Specimen?patient={{context.patientId}}",
}

SERVICES: list[dict[str, Any]] = [
    {
        "hook": "patient-view",
        "id": PATIENT_VIEW,
        "title": "GIST risk, response and therapy options",
        "description": "Genotype, risk, RECIST/Choi response and ranked guideline options for a "
        "patient with GIST; flags missing tests and critical cautions. Decision support "
        "for qualified clinicians, not a medical device.",
        "prefetch": _PATIENT_PREFETCH,
    },
    {
        "hook": "order-sign",
        "id": ORDER_SIGN,
        "title": "GIST TKI order check",
        "description": "Checks a draft TKI order against the tumour genotype, CYP3A4 "
        "comedications, organ-function label limits, pregnancy and the recommended dose.",
        "prefetch": _PATIENT_PREFETCH,
    },
    {
        "hook": "order-select",
        "id": ORDER_SELECT,
        "title": "GIST TKI order check (on selection)",
        "description": "The GIST TKI order check of gist-order-sign, run when a TKI order is "
        "selected (only the selected draft orders are checked).",
        "prefetch": _PATIENT_PREFETCH,
    },
]

# Keys without which the assessment would be misleading (the rest may be empty); an order
# check without the medication lists would miss CYP3A4 interactions.
REQUIRED_KEYS = ("patient", "conditions", "observations")
ORDER_KEYS = (*REQUIRED_KEYS, "medicationRequests", "medicationStatements")
HOOKS = {
    PATIENT_VIEW: ("patient-view",),
    ORDER_SIGN: ("order-sign", "order-select"),
    ORDER_SELECT: ("order-select",),
}


def discovery() -> dict[str, Any]:
    """The discovery document: ``{"services": [...]}``. A discovery entry names one hook,
    so the order check is listed as ``gist-order-sign`` (order-sign) and
    ``gist-order-select`` (order-select); both run the same check, and
    ``gist-order-sign`` also answers an order-select call."""
    return {"services": [{**s, "prefetch": dict(s["prefetch"])} for s in SERVICES]}


_TOKEN = re.compile(r"\{\{\s*([A-Za-z.]+)\s*\}\}")


def render_prefetch(service_id: str, context: dict[str, Any]) -> dict[str, str]:
    """The service's prefetch queries with ``{{context.x}}`` tokens filled in, for the
    HTTP layer to run against ``fhirServer`` when the client sent no prefetch. A template
    whose token the context lacks is left out (the spec: only root-level primitives)."""
    service = next(s for s in SERVICES if s["id"] == service_id)
    out: dict[str, str] = {}
    for key, template in service.get("prefetch", {}).items():
        names = _TOKEN.findall(template)
        values = [context.get(n.removeprefix("context.")) for n in names]
        if any(not isinstance(v, str | int) or isinstance(v, bool) for v in values):
            continue
        query = template
        for name, value in zip(names, values, strict=True):
            query = re.sub(r"\{\{\s*" + re.escape(name) + r"\s*\}\}", str(value), query)
        out[key] = query
    return out


def missing_prefetch(prefetch: dict[str, Any] | None, service_id: str = PATIENT_VIEW) -> list[str]:
    """Required keys the client did not send (an omitted key, not a null one: per the spec
    a key whose query found nothing is null, and that is an answer)."""
    given = prefetch or {}
    required = REQUIRED_KEYS if service_id == PATIENT_VIEW else ORDER_KEYS
    return [k for k in required if k not in given]


def prefetch_bundle(prefetch: dict[str, Any]) -> dict[str, Any]:
    """One collection Bundle of every resource the prefetch holds (single resources and
    searchset Bundles alike; OperationOutcome entries dropped, nulls skipped)."""
    entries: list[dict[str, Any]] = []
    seen: set[str] = set()
    for value in prefetch.values():
        for resource in _resources(value):
            if resource.get("resourceType") == "OperationOutcome":
                continue
            key = f"{resource.get('resourceType')}/{resource.get('id')}"
            if resource.get("id") and key in seen:
                continue
            seen.add(key)
            entries.append({"resource": resource})
    return {"resourceType": "Bundle", "type": "collection", "entry": entries}


def _resources(value: Any) -> list[dict[str, Any]]:
    if not isinstance(value, dict):
        return []
    if value.get("resourceType") == "Bundle":
        return [
            e["resource"]
            for e in value.get("entry") or []
            if isinstance(e, dict) and isinstance(e.get("resource"), dict)
        ]
    return [value]
