"""Building blocks for the Bundles gistcds writes: ids, entries, references, quantities."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from gistcds.fhir.terminology import LOCAL, codeable, system
from gistcds.fhir.urls import GISTCDS

__all__ = ["BundleBuilder", "fhir_id", "local_code", "obs", "qty", "ref"]

_UNSAFE = re.compile(r"[^A-Za-z0-9\-.]")


def fhir_id(text: str) -> str:
    """A FHIR id ([A-Za-z0-9-.]{1,64}) derived from any text, stable for the same text."""
    safe = _UNSAFE.sub("-", text).strip("-.")[:64]
    return safe or "x"


def ref(resource: dict[str, Any]) -> dict[str, str]:
    return {"reference": f"{resource['resourceType']}/{resource['id']}"}


def qty(value: float, unit: str, ucum: str | None = None) -> dict[str, Any]:
    """A Quantity; the UCUM system and code only when the unit is a plain UCUM code."""
    q: dict[str, Any] = {"value": value, "unit": unit}
    code = ucum if ucum is not None else unit
    if code:
        q.update({"system": system("ucum"), "code": code})
    return q


def local_code(code: str) -> dict[str, Any]:
    """A CodeableConcept holding one gistcds local code (e.g. R0, N1, mild) and its text."""
    return {"coding": [{"system": LOCAL, "code": code, "display": code}], "text": code}


def obs(rid: str, key: str, subject: dict[str, str], **more: Any) -> dict[str, Any]:
    """A final Observation coded with a concept of the terminology table."""
    resource: dict[str, Any] = {
        "resourceType": "Observation",
        "id": rid,
        "status": "final",
        "code": codeable(key),
        "subject": subject,
    }
    resource.update({k: v for k, v in more.items() if v is not None})
    return resource


@dataclass
class BundleBuilder:
    """Resources in order, with unique ids per type and fullUrls under the gistcds base."""

    bundle_id: str
    resources: list[dict[str, Any]] = field(default_factory=list)
    ids: set[str] = field(default_factory=set)

    def unique(self, rtype: str, wanted: str) -> str:
        rid, n = fhir_id(wanted), 1
        while f"{rtype}/{rid}" in self.ids:
            n += 1
            rid = fhir_id(f"{wanted}-{n}")
        self.ids.add(f"{rtype}/{rid}")
        return rid

    def add(self, resource: dict[str, Any]) -> dict[str, Any]:
        if f"{resource['resourceType']}/{resource['id']}" not in self.ids:
            self.ids.add(f"{resource['resourceType']}/{resource['id']}")
        self.resources.append(resource)
        return resource

    def bundle(self, timestamp: str | None = None) -> dict[str, Any]:
        out: dict[str, Any] = {"resourceType": "Bundle", "id": fhir_id(self.bundle_id)}
        out["type"] = "collection"
        if timestamp:
            out["timestamp"] = timestamp
        out["entry"] = [
            {"fullUrl": f"{GISTCDS}/fhir/{r['resourceType']}/{r['id']}", "resource": r}
            for r in self.resources
        ]
        return out
