"""Shared inputs of the FHIR tests: the worked example and every valid patient we ship."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from tests.conftest import EXAMPLES, ROOT, SHARED_CASES

FHIR_EXAMPLES = ROOT.parent / "shared" / "examples" / "fhir"
INPUT_BUNDLE = FHIR_EXAMPLES / "kit11-metastatic.input-bundle.json"


def input_bundle() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(INPUT_BUNDLE.read_text())
    return data


def entry(bundle: dict[str, Any], rid: str) -> dict[str, Any]:
    """The resource with this id (mutable: the bundle is a fresh copy per test)."""
    for e in bundle["entry"]:
        if e["resource"].get("id") == rid:
            res: dict[str, Any] = e["resource"]
            return res
    raise KeyError(rid)


def entry_index(bundle: dict[str, Any], rid: str) -> int:
    return next(i for i, e in enumerate(bundle["entry"]) if e["resource"].get("id") == rid)


def patient_files() -> list[Path]:
    """Every example patient and every shared case whose patient is valid input."""
    from gistcds.errors import InputError
    from gistcds.io.patient_json import patient_from_obj

    out = []
    for f in sorted(EXAMPLES.glob("*.json")) + sorted(SHARED_CASES.glob("*.json")):
        try:
            patient_from_obj(patient_obj(f))
        except InputError:
            continue
        out.append(f)
    return out


def patient_obj(path: Path) -> dict[str, Any]:
    data = json.loads(path.read_text())
    obj: dict[str, Any] = data.get("patient", data) if "expect" in data else data
    return copy.deepcopy(obj)


def prefetch(bundle: dict[str, Any] | None = None) -> dict[str, Any]:
    """The worked example split into the prefetch keys of the CDS services (with an
    OperationOutcome in one searchset, as a client may send)."""
    b = bundle or input_bundle()
    by_type = lambda *t: {  # noqa: E731
        "resourceType": "Bundle",
        "type": "searchset",
        "entry": [e for e in b["entry"] if e["resource"]["resourceType"] in t],
    }
    return {
        "patient": next(
            e["resource"] for e in b["entry"] if e["resource"]["resourceType"] == "Patient"
        ),
        "conditions": by_type("Condition"),
        "observations": by_type("Observation", "DiagnosticReport"),
        "bodyStructures": by_type("BodyStructure"),
        "medicationRequests": by_type("MedicationRequest"),
        "medicationStatements": by_type("MedicationStatement"),
        "specimens": {
            "resourceType": "Bundle",
            "type": "searchset",
            "entry": [
                *by_type("Specimen")["entry"],
                {
                    "resource": {
                        "resourceType": "OperationOutcome",
                        "issue": [{"severity": "warning", "code": "incomplete"}],
                    }
                },
            ],
        },
    }
