"""Limits and hardening: body limit, deadline, headers, CORS off, JSON errors, the 500 guard."""

from __future__ import annotations

import logging
import time
from typing import Any

import pytest

from gistcds.api import Settings, create_app
from gistcds.io.patient_json import MAX_INPUT_BYTES
from service_helpers import example, make_token


def test_security_headers_and_correlation_id_on_every_answer(shared: Any) -> None:
    for r in (
        shared.get("/health"),
        shared.get("/api/v1/kb/version"),
        shared.get("/nowhere"),
    ):
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["x-frame-options"] == "DENY"
        assert r.headers["content-security-policy"].startswith("default-src 'none'")
        assert r.headers["cache-control"] == "no-store"
        assert r.headers["referrer-policy"] == "no-referrer"
        assert len(r.headers["x-correlation-id"]) == 32
        assert "server" not in r.headers
    given = shared.get("/health", headers={"X-Correlation-ID": "abc-123-def"})
    assert given.headers["x-correlation-id"] == "abc-123-def"
    forged = shared.get("/health", headers={"X-Correlation-ID": "bad id\twith spaces"})
    assert forged.headers["x-correlation-id"] != "bad id\twith spaces"


def test_cors_is_off_by_default(shared: Any) -> None:
    origin = {"Origin": "https://evil.example"}
    r = shared.get("/api/v1/kb/version", headers={**shared.clinician, **origin})
    assert "access-control-allow-origin" not in r.headers
    pre = shared.options(
        "/api/v1/assessments",
        headers={**origin, "Access-Control-Request-Method": "POST"},
    )
    assert "access-control-allow-origin" not in pre.headers
    assert pre.status_code == 405 and pre.json()["error"] == "method_not_allowed"


def test_errors_are_json_without_stack_traces(shared: Any) -> None:
    for r in (
        shared.get("/nowhere"),
        shared.put("/api/v1/assessments", headers=shared.clinician),
        shared.get(
            "/api/v1/patients/p/assessments",
            params={"limit": 0},
            headers=shared.clinician,
        ),
    ):
        assert r.headers["content-type"] == "application/json"
        body = r.json()
        assert set(body) == {"error", "message", "problems", "correlation_id"}
        assert "Traceback" not in r.text
    bad = shared.get(
        "/api/v1/patients/p/assessments", params={"limit": 0}, headers=shared.clinician
    )
    assert bad.status_code == 422
    assert bad.json()["problems"] == [{"path": "query.limit", "message": 'must be >= 1, got "0"'}]


def test_body_over_5_mb_is_413_before_reading_it(shared: Any) -> None:
    big = b'{"id": "x", "pad": "' + b"a" * MAX_INPUT_BYTES + b'"}'
    r = shared.post(
        "/api/v1/assessments",
        content=big,
        headers={**shared.clinician, "Content-Type": "application/json"},
    )
    assert r.status_code == 413
    assert r.json()["error"] == "payload_too_large"

    def chunks() -> Any:  # no Content-Length: counted while read
        for _ in range(6):
            yield b" " * (1024 * 1024)

    r = shared.post(
        "/api/v1/assessments",
        content=chunks(),
        headers={**shared.clinician, "Content-Type": "application/json"},
    )
    assert r.status_code == 413


def test_internal_error_is_500_with_a_correlation_id_in_the_log(
    api: Any, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    import gistcds.assess

    def broken(*_a: Any, **_k: Any) -> Any:
        raise RuntimeError("-".join(["secret", "patient", "value", str(42)]))

    monkeypatch.setattr(gistcds.assess, "assess", broken)
    with caplog.at_level(logging.INFO, logger="gistcds"):
        r = api.post(
            "/api/v1/assessments",
            json=example("metastatic-kit9.json"),
            headers=api.clinician,
        )
    assert r.status_code == 500
    body = r.json()
    cid = body["correlation_id"]
    assert cid and cid == r.headers["x-correlation-id"] and cid in body["message"]
    assert "secret-patient-value-42" not in r.text and "Traceback" not in r.text
    log = caplog.text
    assert f"internal error cid={cid} type=RuntimeError" in log
    assert "broken" in log  # the stack frames are there...
    assert "secret-patient-value-42" not in log  # ...the message is not
    assert f"cid={cid} POST /api/v1/assessments status=500" in log


def test_a_request_past_the_deadline_is_503(store: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from fastapi.testclient import TestClient

    import gistcds.assess

    real = gistcds.assess.assess

    def slow(*a: Any, **k: Any) -> Any:
        time.sleep(1.5)
        return real(*a, **k)

    monkeypatch.setattr(gistcds.assess, "assess", slow)
    app = create_app(Settings(db_url=str(store.engine.url), request_timeout_s=0.3), store=store)
    token = make_token(store, "slow", "clinician")
    with TestClient(app, raise_server_exceptions=False) as client:
        started = time.monotonic()
        r = client.post(
            "/api/v1/assessments",
            json=example("metastatic-kit9.json"),
            headers={"Authorization": f"Bearer {token}"},
        )
        assert r.status_code == 503
        assert time.monotonic() - started < 1.4
        assert r.json()["error"] == "unavailable"


def test_the_test_client_runs_on_httpx2_without_a_deprecation_warning() -> None:
    """starlette's TestClient warns (StarletteDeprecationWarning, in every service test
    run) when it has to fall back to httpx; the dev extra installs httpx2, its client
    library now. The service itself keeps httpx for its own calls (api/cds_fetch.py)."""
    import subprocess
    import sys

    code = (
        "import warnings\n"
        "from starlette.exceptions import StarletteDeprecationWarning as W\n"
        "warnings.simplefilter('error', W)\n"
        "import fastapi.testclient\n"
    )
    check = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert check.returncode == 0, check.stderr[-2000:]
