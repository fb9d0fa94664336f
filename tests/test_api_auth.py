"""Bearer tokens, roles and the audit trail of every access to patient data."""

from __future__ import annotations

from typing import Any

import pytest

from service_helpers import bearer, example

PATIENT_ROUTES = [
    ("POST", "/api/v1/assessments"),
    ("GET", "/api/v1/assessments/x"),
    ("GET", "/api/v1/assessments/x/report.html"),
    ("GET", "/api/v1/assessments/x/report.pdf"),
    ("GET", "/api/v1/patients/p/assessments"),
    ("GET", "/api/v1/research/assessments"),
    ("POST", "/api/v1/cohort/score"),
    ("GET", "/api/v1/kb/sources"),
    ("GET", "/api/v1/kb/version"),
    ("GET", "/api/v1/tokens"),
    ("GET", "/api/v1/audit"),
]


@pytest.mark.parametrize(("method", "path"), PATIENT_ROUTES)
def test_every_api_route_needs_a_token(shared: Any, method: str, path: str) -> None:
    for headers in ({}, bearer("gcds_not-a-real-token"), {"Authorization": "Basic abc"}):
        r = shared.request(method, path, headers=headers)
        assert r.status_code == 401, (method, path, headers)
        assert r.headers["www-authenticate"] == "Bearer"
        assert r.json()["error"] == "unauthorized"


@pytest.mark.parametrize(
    ("role", "method", "path"),
    [
        ("researcher", "POST", "/api/v1/assessments"),
        ("researcher", "GET", "/api/v1/assessments/x"),
        ("researcher", "GET", "/api/v1/patients/p/assessments"),
        ("researcher", "GET", "/api/v1/assessments/x/report.pdf"),
        ("admin", "GET", "/api/v1/assessments/x"),
        ("admin", "POST", "/api/v1/assessments"),
        ("clinician", "GET", "/api/v1/research/assessments"),
        ("clinician", "GET", "/api/v1/tokens"),
        ("researcher", "GET", "/api/v1/audit"),
        ("admin", "POST", "/api/v1/cohort/score"),
    ],
)
def test_wrong_role_is_403_and_audited(shared: Any, role: str, method: str, path: str) -> None:
    r = shared.request(method, path, headers=getattr(shared, role))
    assert r.status_code == 403
    assert r.json()["error"] == "forbidden"
    denied = [a for a in shared.store.audit_page(0, 1000) if a["outcome"] == "denied"]
    assert denied[-1]["role"] == role
    assert denied[-1]["correlation_id"] == r.headers["x-correlation-id"]


def test_every_read_and_write_of_patient_data_is_audited(api: Any) -> None:
    doc = example("metastatic-kit11-untreated.json")
    created = api.post("/api/v1/assessments", json=doc, headers=api.clinician)
    rid = created.json()["id"]
    api.get(f"/api/v1/assessments/{rid}", headers=api.clinician)
    api.get(f"/api/v1/patients/{doc['id']}/assessments", headers=api.clinician)
    api.get(f"/api/v1/assessments/{rid}/report.html", headers=api.clinician)
    api.get("/api/v1/research/assessments", headers=api.researcher)
    rows = [a for a in api.store.audit_page(0, 1000) if a["action"] != "token.create"]
    assert [a["action"] for a in rows] == [
        "assessment.create",
        "assessment.read",
        "patient.list",
        "report.html",
        "research.list",
    ]
    for row in rows[:4]:
        assert row["actor"] == "dr-a" and row["role"] == "clinician"
        assert row["patient_id"] == doc["id"]
        assert row["client"] == "testclient"
        assert row["at"].endswith("Z") and row["correlation_id"]
    assert [r["record_id"] for r in rows[:2]] == [rid, rid]
    assert rows[0]["correlation_id"] == created.headers["x-correlation-id"]
    assert rows[4]["actor"] == "res-b" and rows[4]["detail"] == {"count": 1}


def test_admin_creates_lists_and_revokes_tokens(api: Any) -> None:
    r = api.post("/api/v1/tokens", json={"name": "dr-new", "role": "clinician"}, headers=api.admin)
    assert r.status_code == 201
    token, token_id = r.json()["token"], r.json()["id"]
    assert token.startswith("gcds_") and r.json()["prefix"] == token[:12]
    assert api.get("/api/v1/kb/version", headers=bearer(token)).status_code == 200
    listed = api.get("/api/v1/tokens", headers=api.admin).json()
    assert token not in str(listed) and any(t["id"] == token_id for t in listed)
    clash = api.post("/api/v1/tokens", json={"name": "dr-new", "role": "admin"}, headers=api.admin)
    assert clash.status_code == 409
    assert api.delete(f"/api/v1/tokens/{token_id}", headers=api.admin).status_code == 204
    assert api.get("/api/v1/kb/version", headers=bearer(token)).status_code == 401
    assert api.delete(f"/api/v1/tokens/{token_id}", headers=api.admin).status_code == 404
    audit = api.get("/api/v1/audit", headers=api.admin).json()["items"]
    assert [a["action"] for a in audit if a["actor"] == "adm-c"][:2] == [
        "token.create",
        "token.revoke",
    ]


def test_only_the_hash_of_a_token_is_stored(shared: Any) -> None:
    from sqlalchemy import text

    token = shared.clinician["Authorization"].split()[1]
    stored = shared.store.read(lambda c: c.execute(text("SELECT * FROM tokens")).all())
    assert token not in repr(stored)
