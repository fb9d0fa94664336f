"""A real server (two worker processes, SQLite): concurrent writers lose and duplicate
nothing, and a run's log holds no patient data.

The writers run for a few seconds here; ``benchmarks/bench_service.py`` runs the same check
with 8 writers for 30 s.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from gistcds.store import Store
from service_helpers import Server, bearer, example, example_documents, make_token

WRITERS = 8
SECONDS = 4.0


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, Store, Any]]:
    tmp = tmp_path_factory.mktemp("served")
    url = f"sqlite:///{tmp / 'served.db'}"
    store = Store.open(url)
    tokens = {
        role: bearer(make_token(store, f"{role}-1", role))
        for role in ("clinician", "researcher", "admin")
    }
    running = Server(url, tmp / "server.log", workers=2).start()
    yield running, store, tokens
    running.stop()
    store.close()


def _writer(url: str, headers: dict[str, str], n: int, until: float, out: list[Any]) -> None:
    doc = {**example("metastatic-kit11-untreated.json"), "id": f"writer-{n}"}
    with httpx.Client(base_url=url, headers=headers, timeout=60) as client:
        while time.monotonic() < until:
            r = client.post("/api/v1/assessments", json=doc)
            out.append((n, r.status_code, r.json().get("id")))


def test_concurrent_writers_lose_and_duplicate_nothing(server: Any) -> None:
    running, store, tokens = server
    before = store.count_assessments()
    results: list[Any] = []
    until = time.monotonic() + SECONDS
    threads = [
        threading.Thread(target=_writer, args=(running.url, tokens["clinician"], n, until, results))
        for n in range(WRITERS)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert {status for _, status, _ in results} == {201}
    ids = [rid for _, _, rid in results]
    assert len(ids) == len(set(ids)) >= WRITERS
    assert store.count_assessments() - before == len(ids)
    for n in range(WRITERS):
        mine = {rid for w, _, rid in results if w == n}
        listed = store.patient_assessments(f"writer-{n}", limit=10_000)
        assert {r.id for r in listed} == mine


def _secrets(doc: dict[str, Any]) -> set[str]:
    """The example patient's id and values that must never reach a log."""
    found: set[str] = {doc["id"]}
    text = json.dumps(doc)
    found |= set(re.findall(r"\d{4}-\d{2}-\d{2}", text))
    found |= {v["hgvs_p"] for v in doc.get("molecular", {}).get("variants", [])}
    found |= set(doc.get("comedications", []))
    return {s for s in found if len(s) >= 4}


def test_no_patient_data_in_the_log(server: Any) -> None:
    running, _store, tokens = server
    docs = example_documents()
    with httpx.Client(base_url=running.url, timeout=60) as client:
        clinician = tokens["clinician"]
        for doc in docs:
            r = client.post("/api/v1/assessments", json=doc, headers=clinician)
            assert r.status_code == 201, r.text
            rid = r.json()["id"]
            assert client.get(f"/api/v1/assessments/{rid}", headers=clinician).status_code == 200
            listing = client.get(f"/api/v1/patients/{doc['id']}/assessments", headers=clinician)
            assert listing.status_code == 200
        report = client.get(f"/api/v1/assessments/{rid}/report.html", headers=clinician)
        assert report.status_code == 200
        bad = {**docs[0], "age_years": -4, "ecog": "zero"}
        assert client.post("/api/v1/assessments", json=bad, headers=clinician).status_code == 422
        research = client.get("/api/v1/research/assessments", headers=tokens["researcher"])
        assert research.status_code == 200
        forbidden = client.get(
            f"/api/v1/patients/{docs[0]['id']}/assessments", headers=tokens["researcher"]
        )
        assert forbidden.status_code == 403
    running.stop()
    log = running.log.read_text()
    assert "POST /api/v1/assessments status=201" in log  # the log did record the run...
    assert "GET /api/v1/patients/{patient_id}/assessments status=200" in log
    leaked = sorted(s for doc in docs for s in _secrets(doc) if s in log)
    assert leaked == []  # ...and none of the patients' ids or values
