"""FHIR over REST: POST /api/v1/fhir/assess (Bundle in) and GET /assessments/{id}/fhir."""

from __future__ import annotations

import json
from typing import Any

from gistcds.assess import assess
from gistcds.fhir import bundle_to_patient
from gistcds.fhir.validate import check_bundle
from service_helpers import example
from tests.fhir_helpers import entry, entry_index, input_bundle

FHIR = {"Content-Type": "application/fhir+json"}


def _post(api: Any, bundle: Any, **headers: str) -> Any:
    return api.post(
        "/api/v1/fhir/assess",
        content=json.dumps(bundle),
        headers={**api.clinician, **FHIR, **headers},
    )


def test_bundle_in_is_assessed_stored_and_audited(api: Any, kb: Any) -> None:
    """The worked example (shared/examples/fhir): KIT exon 11, stage IV, RECIST SD / Choi PR
    at week 12, continue imatinib 400 mg first."""
    r = _post(api, input_bundle())
    assert r.status_code == 201, r.text
    body = r.json()
    assert r.headers["location"] == f"/api/v1/assessments/{body['id']}"
    a = body["assessment"]
    assert a["genotype"]["class"] == "KIT_exon11"
    assert a["risk"]["ajcc8"]["stage"] == "IV"
    assert (a["response"][-1]["recist"], a["response"][-1]["choi"]) == ("SD", "PR")
    first = a["recommendations"][0]["regimen"][0]
    assert (first["drug"], first["dose_mg_per_day"]) == ("imatinib", 400)
    patient, _ = bundle_to_patient(input_bundle(), kb)
    assert a == json.loads(assess(patient, kb).model_dump_json())
    statuses = {line["status"] for line in body["mapping"]}
    assert "mapped" in statuses and all(line["path"] for line in body["mapping"])
    # stored like POST /assessments: the JSON record, the report and the audit row
    got = api.get(f"/api/v1/assessments/{body['id']}", headers=api.clinician).json()
    assert got == {k: v for k, v in body.items() if k != "mapping"}
    html = api.get(f"/api/v1/assessments/{body['id']}/report.html", headers=api.clinician)
    assert html.status_code == 200 and "imatinib" in html.text
    actions = [row["action"] for row in api.store.audit_page()]
    assert "fhir.assess" in actions


def test_unmappable_bundle_is_422_with_element_paths(api: Any) -> None:
    bundle = input_bundle()
    i = entry_index(bundle, "obs-ecog")
    entry(bundle, "obs-ecog")["valueInteger"] = 9
    r = _post(api, bundle)
    assert r.status_code == 422, r.text
    paths = [p["path"] for p in r.json()["problems"]]
    assert any(p.startswith(f"entry[{i}].resource") for p in paths), paths
    bad = input_bundle()
    bad["entry"][0]["resource"]["foo"] = 1  # not an element of Patient: fhir.resources refuses
    r = _post(api, bad)
    assert r.status_code == 422 and r.json()["problems"][0]["path"].startswith("entry[0]")
    r = _post(api, {"resourceType": "Patient"})
    assert r.status_code == 422 and r.json()["problems"][0]["path"] == "resourceType"
    assert all(row["action"] != "fhir.assess" for row in api.store.audit_page())


def test_fhir_route_needs_clinician_and_json(api: Any) -> None:
    r = api.post("/api/v1/fhir/assess", content=json.dumps(input_bundle()), headers=FHIR)
    assert r.status_code == 401
    r = api.post(
        "/api/v1/fhir/assess",
        content=json.dumps(input_bundle()),
        headers={**api.researcher, **FHIR},
    )
    assert r.status_code == 403
    r = api.post(
        "/api/v1/fhir/assess",
        content="x",
        headers={**api.clinician, "Content-Type": "text/plain"},
    )
    assert r.status_code == 415
    r = _post(api, input_bundle())
    assert r.status_code == 201
    r = api.post(
        "/api/v1/fhir/assess",
        content=b"{not json",
        headers={**api.clinician, **FHIR},
    )
    assert r.status_code == 422


def test_stored_assessment_as_a_valid_bundle(api: Any) -> None:
    doc = example("metastatic-kit11-untreated.json")
    made = api.post("/api/v1/assessments", json=doc, headers=api.clinician).json()
    r = api.get(f"/api/v1/assessments/{made['id']}/fhir", headers=api.clinician)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("application/fhir+json")
    bundle = r.json()
    assert bundle["resourceType"] == "Bundle" and check_bundle(bundle) == []
    kinds = {e["resource"]["resourceType"] for e in bundle["entry"]}
    assert {"Patient", "RiskAssessment", "RequestGroup", "CarePlan"} <= kinds
    plan = next(
        e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "RequestGroup"
    )
    assert "imatinib" in json.dumps(plan).lower()
    assert api.get("/api/v1/assessments/nope/fhir", headers=api.clinician).status_code == 404
    assert (
        api.get(f"/api/v1/assessments/{made['id']}/fhir", headers=api.researcher).status_code == 403
    )
    assert any(row["action"] == "assessment.fhir" for row in api.store.audit_page())
