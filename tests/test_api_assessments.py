"""POST/GET assessments: stored, immutable, the CLI's validation messages, reports."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest

from gistcds.assess import assess
from gistcds.errors import InputError
from gistcds.io.patient_json import parse_json, patient_from_obj
from service_helpers import example


def _post(api: Any, doc: Any) -> Any:
    return api.post("/api/v1/assessments", json=doc, headers=api.clinician)


def test_post_stores_and_answers_the_engine_output(api: Any) -> None:
    doc = example("metastatic-kit11-untreated.json")
    r = _post(api, doc)
    assert r.status_code == 201, r.text
    body = r.json()
    assert set(body) == {
        "id",
        "created",
        "patient_id",
        "input_sha256",
        "knowledge_base_version",
        "assessment",
    } | {"gistcds_version"}
    assert r.headers["location"] == f"/api/v1/assessments/{body['id']}"
    assert body["patient_id"] == doc["id"]
    canonical = json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert body["input_sha256"] == hashlib.sha256(canonical.encode()).hexdigest()
    expected = json.loads(assess(patient_from_obj(doc)).model_dump_json())
    assert body["assessment"] == expected
    assert body["assessment"]["recommendations"][0]["regimen"][0]["drug"] == "imatinib"
    got = api.get(f"/api/v1/assessments/{body['id']}", headers=api.clinician)
    assert got.status_code == 200
    assert got.json() == body


def test_reassessing_creates_a_new_record_and_lists_newest_first(api: Any) -> None:
    doc = example("metastatic-kit9.json")
    ids = [_post(api, doc).json()["id"] for _ in range(3)]
    assert len(set(ids)) == 3
    path = f"/api/v1/patients/{doc['id']}/assessments"
    page = api.get(path, params={"limit": 2}, headers=api.clinician).json()
    assert [i["id"] for i in page["items"]] == ids[::-1][:2]
    assert page["next_cursor"]
    rest = api.get(
        path, params={"limit": 2, "cursor": page["next_cursor"]}, headers=api.clinician
    ).json()
    assert [i["id"] for i in rest["items"]] == [ids[0]]
    assert rest["next_cursor"] is None
    other = api.get("/api/v1/patients/nobody/assessments", headers=api.clinician).json()
    assert other == {"items": [], "next_cursor": None}


def _cli_messages(doc: Any) -> list[str]:
    try:
        patient_from_obj(parse_json(json.dumps(doc).encode(), "request body"))
    except InputError as exc:
        return [str(p) for p in exc.problems]
    raise AssertionError("expected invalid input")


@pytest.mark.parametrize(
    "change",
    [
        {"primary": {"site": "stomach", "size_cm": -3}},
        {"ecog": 7, "sex": "unknown-sex", "extra": 1},
        {"therapy_lines": [{"drug": "imatinib", "start": "2024-05-10", "end": "2023-01-01"}]},
    ],
)
def test_invalid_input_is_422_with_the_cli_messages(shared: Any, change: dict[str, Any]) -> None:
    doc = {**example("metastatic-kit11-untreated.json"), **change}
    r = _post(shared, doc)
    assert r.status_code == 422
    body = r.json()
    assert body["error"] == "invalid_input"
    shown = [
        f"{p['path']}: {p['message']}" if p["path"] else p["message"] for p in body["problems"]
    ]
    assert shown == _cli_messages(doc)
    assert all(p["path"] for p in body["problems"])


def test_nothing_is_stored_for_invalid_input(api: Any) -> None:
    before = api.store.count_assessments()
    assert _post(api, {"id": "x", "primary": {"size_cm": 0}}).status_code == 422
    assert api.store.count_assessments() == before


@pytest.mark.parametrize(
    ("body", "kind", "status", "fragment"),
    [
        (b"{not json", "application/json", 422, "malformed JSON at line 1"),
        (b"", "application/json", 422, "empty input"),
        (b"[1, 2]", "application/json", 422, "expected a JSON object"),
        (b'{"id": "a"}', "text/plain", 415, "application/json"),
        (b"\xff\xfe", "application/json", 422, "not UTF-8"),
    ],
)
def test_bodies_that_are_not_a_patient(
    shared: Any, body: bytes, kind: str, status: int, fragment: str
) -> None:
    r = shared.post(
        "/api/v1/assessments",
        content=body,
        headers={**shared.clinician, "Content-Type": kind},
    )
    assert r.status_code == status
    text = json.dumps(r.json())
    assert fragment in text


def test_unknown_assessment_is_404(shared: Any) -> None:
    r = shared.get("/api/v1/assessments/no-such-id", headers=shared.clinician)
    assert r.status_code == 404
    assert r.json()["error"] == "not_found"


def test_reports_render_the_stored_assessment(api: Any) -> None:
    if api.store.backend != "sqlite":
        pytest.skip("rendering reads the stored record; the database makes no difference")
    rid = _post(api, example("metastatic-pdgfra-d842v.json")).json()["id"]
    html = api.get(f"/api/v1/assessments/{rid}/report.html", headers=api.clinician)
    assert html.status_code == 200
    assert html.headers["content-type"].startswith("text/html")
    assert "avapritinib" in html.text.lower()
    assert "style-src 'unsafe-inline'" in html.headers["content-security-policy"]
    pdf = api.get(f"/api/v1/assessments/{rid}/report.pdf", headers=api.clinician)
    assert pdf.status_code == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    missing = api.get("/api/v1/assessments/nope/report.html", headers=api.clinician)
    assert missing.status_code == 404
