"""A real client against a real server: ``gistcds serve`` in a subprocess on a free loopback
port (SQLite in a temp folder), called over HTTP by httpx - no FastAPI TestClient, no
in-process app. A small FHIR server (``http.server`` in a thread) plays the EHR: it serves
the worked example's resources by search (Observations in two pages, with a ``next``
link) and the client's JWK Set, and records the access token it is given.

Checks: discovery; patient-view without prefetch, completed from ``fhirServer`` with
``fhirAuthorization``, gives exactly the cards the prefetch path gives (the snapshot of
test_cds_service); JWT over the wire (good, replayed); feedback; the FHIR REST endpoints
(Bundle in, stored; Bundle out).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from cds_helpers import APP_URL, HOOK_INSTANCE, ISSUER, Keys, patient_view_call
from gistcds.store import Store
from service_helpers import Server, bearer, make_token
from tests.fhir_helpers import input_bundle

SNAPSHOT = Path(__file__).resolve().parent / "snapshots" / "cds_patient_view_kit11.json"
ACCESS_TOKEN = "ehr-access-token-for-gistcds"
PAGE = 8


class FakeFhir(BaseHTTPRequestHandler):
    """GET /fhir/Patient/{id}, GET /fhir/{Type}?patient=...&page=N, GET /jwks.json."""

    resources: ClassVar[list[dict[str, Any]]] = []
    jwks: ClassVar[dict[str, Any]] = {}
    seen: ClassVar[list[tuple[str, str | None]]] = []

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def _send(self, status: int, body: Any) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/fhir+json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        self.seen.append((self.path, self.headers.get("Authorization")))
        if url.path == "/jwks.json":
            return self._send(200, self.jwks)
        parts = url.path.strip("/").split("/")
        if parts[0] != "fhir" or len(parts) not in (2, 3):
            return self._send(404, {"resourceType": "OperationOutcome"})
        if self.headers.get("Authorization") != f"Bearer {ACCESS_TOKEN}":
            return self._send(401, {"resourceType": "OperationOutcome"})
        of_type = [r for r in self.resources if r["resourceType"] == parts[1]]
        if len(parts) == 3:
            found = [r for r in of_type if r.get("id") == parts[2]]
            return self._send(200, found[0]) if found else self._send(404, {})
        query = parse_qs(url.query)
        page = int(query.get("page", ["1"])[0])
        chunk = of_type[(page - 1) * PAGE : page * PAGE]
        bundle: dict[str, Any] = {
            "resourceType": "Bundle",
            "type": "searchset",
            "total": len(of_type),
            "entry": [{"resource": r} for r in chunk],
        }
        if page * PAGE < len(of_type):
            host = f"http://{self.headers['Host']}"
            nxt = f"{host}/fhir/{parts[1]}?patient={query['patient'][0]}&page={page + 1}"
            bundle["link"] = [{"relation": "next", "url": nxt}]
        return self._send(200, bundle)


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> Keys:
    return Keys(tmp_path_factory.mktemp("keys"))


@pytest.fixture(scope="module")
def fhir(keys: Keys) -> Iterator[str]:
    FakeFhir.resources = [e["resource"] for e in input_bundle()["entry"]]
    FakeFhir.jwks = keys.jwks
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), FakeFhir)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def served(
    tmp_path_factory: pytest.TempPathFactory, fhir: str
) -> Iterator[tuple[Server, dict[str, str]]]:
    tmp = tmp_path_factory.mktemp("served")
    url = f"sqlite:///{tmp / 'served.db'}"
    store = Store.open(url)
    token = make_token(store, "dr-real", "clinician")
    store.close()
    env = {
        "GISTCDS_CDS_JWKS": f"{fhir}/jwks.json",
        "GISTCDS_CDS_ISSUERS": ISSUER,
        "GISTCDS_CDS_ALLOW_HTTP": "1",
        "GISTCDS_CDS_APP_URL": APP_URL,
    }
    with pytest.MonkeyPatch.context() as mp:
        for k, v in env.items():
            mp.setenv(k, v)
        server = Server(url, tmp / "server.log").start(timeout=120)
    try:
        yield server, bearer(token)
    finally:
        server.stop()


def test_discovery_over_http(served: Any) -> None:
    server, _ = served
    r = httpx.get(f"{server.url}/cds-services", timeout=30)
    assert r.status_code == 200
    assert [s["id"] for s in r.json()["services"]] == [
        "gist-patient-view",
        "gist-order-sign",
        "gist-order-select",
    ]
    assert httpx.get(f"{server.url}/cds-services/gist-patient-view").status_code == 404


def test_patient_view_fetches_from_the_fhir_server(served: Any, fhir: str, keys: Keys) -> None:
    server, _ = served
    url = f"{server.url}/cds-services/gist-patient-view"
    call = patient_view_call(None)
    call["fhirServer"] = f"{fhir}/fhir"
    call["fhirAuthorization"] = {
        "access_token": ACCESS_TOKEN,
        "token_type": "Bearer",
        "expires_in": 300,
        "scope": "patient/*.read",
        "subject": "gistcds",
    }
    token = keys.token(url)
    FakeFhir.seen.clear()
    r = httpx.post(url, json=call, headers={"Authorization": f"Bearer {token}"}, timeout=120)
    assert r.status_code == 200, r.text
    assert r.json() == json.loads(SNAPSHOT.read_text())  # same cards as with prefetch
    paths = [p for p, _ in FakeFhir.seen if p.startswith("/fhir/")]
    assert "/fhir/Patient/pt-0001" in paths
    assert any("Observation" in p and "page=2" in p for p in paths)  # followed `next`
    assert all(auth == f"Bearer {ACCESS_TOKEN}" for p, auth in FakeFhir.seen if p in paths)
    again = httpx.post(url, json=call, headers={"Authorization": f"Bearer {token}"}, timeout=60)
    assert again.status_code == 401 and "replay" in again.json()["message"]
    no_server = {k: v for k, v in call.items() if not k.startswith("fhir")}
    fresh = {"Authorization": f"Bearer {keys.token(url)}"}
    assert httpx.post(url, json=no_server, headers=fresh, timeout=60).status_code == 412


def test_feedback_over_http(served: Any, keys: Keys) -> None:
    server, _ = served
    url = f"{server.url}/cds-services/gist-patient-view/feedback"
    body = {
        "feedback": [
            {
                "card": HOOK_INSTANCE,
                "outcome": "accepted",
                "acceptedSuggestions": [{"id": "s-1"}],
                "outcomeTimestamp": "2026-11-29T08:00:00Z",
            }
        ]
    }
    r = httpx.post(url, json=body, headers={"Authorization": f"Bearer {keys.token(url)}"})
    assert r.status_code == 200
    assert httpx.post(url, json=body).status_code == 401


def test_fhir_endpoints_over_http(served: Any) -> None:
    server, clinician = served
    with httpx.Client(base_url=server.url, headers=clinician, timeout=120) as client:
        r = client.post(
            "/api/v1/fhir/assess",
            content=json.dumps(input_bundle()),
            headers={"Content-Type": "application/fhir+json"},
        )
        assert r.status_code == 201, r.text
        record = r.json()
        assert record["assessment"]["genotype"]["class"] == "KIT_exon11"
        out = client.get(f"/api/v1/assessments/{record['id']}/fhir")
        assert out.status_code == 200
        assert out.headers["content-type"].startswith("application/fhir+json")
        kinds = {e["resource"]["resourceType"] for e in out.json()["entry"]}
        assert {"RiskAssessment", "RequestGroup", "DetectedIssue", "CarePlan"} <= kinds
        assert client.get("/api/v1/assessments/none/fhir").status_code == 404


def test_fetch_rules_against_the_fake_server(fhir: str) -> None:
    """fhirServer reads: https only unless allowed, the access token sent, a missing read is
    null, a refusal is 412 (the service cannot get its data)."""
    from gistcds.api.cds_fetch import fetch_missing
    from gistcds.api.errors import ApiError

    auth = {"access_token": ACCESS_TOKEN, "token_type": "Bearer"}
    queries = {"patient": "Patient/pt-0001", "other": "Patient/nobody"}
    with pytest.raises(ApiError) as refused:
        fetch_missing(f"{fhir}/fhir", auth, queries)
    assert refused.value.status == 400 and "https" in refused.value.message
    got = fetch_missing(f"{fhir}/fhir", auth, queries, allow_http=True)
    assert got["patient"]["id"] == "pt-0001" and got["other"] is None
    with pytest.raises(ApiError) as no_token:
        fetch_missing(f"{fhir}/fhir", None, queries, allow_http=True)
    assert no_token.value.status == 412 and "answered 401" in no_token.value.message
    with pytest.raises(ApiError) as down:
        fetch_missing("http://127.0.0.1:9/fhir", auth, queries, allow_http=True)
    assert down.value.status == 412 and "unreachable" in down.value.message
