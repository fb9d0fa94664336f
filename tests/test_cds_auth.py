"""JWT bearer authentication of CDS clients (CDS Hooks 2.0 "Trusting CDS Clients"): a token
signed by a key of the configured JWK Set, from an allowed issuer, for the exact URL called,
not expired and never seen before - and each way of failing that, refused with 401."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cds_helpers import ISSUER, KID, Keys, cds_app, patient_view_call

PUBLIC = "https://gistcds.example.org"
VIEW = "/cds-services/gist-patient-view"
AUD = PUBLIC + VIEW
NOT_GIST = {
    "patient": {"resourceType": "Patient", "id": "pt-0001"},
    "conditions": None,
    "observations": None,
}


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> Keys:
    return Keys(tmp_path_factory.mktemp("keys"))


@pytest.fixture(scope="module")
def secured(tmp_path_factory: pytest.TempPathFactory, keys: Keys) -> Iterator[Any]:
    db = tmp_path_factory.mktemp("auth") / "auth.db"
    with cds_app(
        f"sqlite:///{db}",
        cds_open=False,
        cds_jwks=str(keys.path),
        cds_issuers=(ISSUER,),
        public_url=PUBLIC,
    ) as client:
        yield client


def _call(client: Any, token: str | None, path: str = VIEW, body: Any = None) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.post(path, json=body or patient_view_call(NOT_GIST), headers=headers)


def _refused(r: Any, why: str) -> None:
    assert r.status_code == 401, r.text
    assert why in r.json()["message"], r.json()["message"]
    assert r.headers["www-authenticate"].startswith("Bearer")


def test_a_good_token_is_accepted_and_audited(secured: Any, keys: Keys) -> None:
    r = _call(secured, keys.token(AUD))
    assert r.status_code == 200 and r.json() == {"cards": []}
    rows = [x for x in secured.store.iter_audit() if x["action"] == "cds.patient-view"]
    assert rows[-1]["actor"] == f"cds:{ISSUER}" and rows[-1]["detail"]["jti"]
    assert secured.get("/cds-services").status_code == 200  # discovery needs no token


def test_no_token_and_garbage_are_refused(secured: Any) -> None:
    _refused(_call(secured, None), "bearer JWT is required")
    _refused(_call(secured, "not-a-jwt"), "not a JWT")


def test_wrong_audience(secured: Any, keys: Keys) -> None:
    _refused(_call(secured, keys.token(PUBLIC + "/cds-services/gist-order-sign")), "aud must be")
    _refused(_call(secured, keys.token("https://elsewhere.example.org" + VIEW)), "aud must be")


def test_expired(secured: Any, keys: Keys) -> None:
    past = int(time.time()) - 600
    _refused(_call(secured, keys.token(AUD, iat=past - 300, exp=past)), "expired")


def test_too_long_lived(secured: Any, keys: Keys) -> None:
    _refused(_call(secured, keys.token(AUD, exp=int(time.time()) + 86400)), "exp more than")


def test_unknown_issuer(secured: Any, keys: Keys) -> None:
    _refused(_call(secured, keys.token(AUD, iss="https://rogue.example.org")), "unknown issuer")


def test_replayed_jti(secured: Any, keys: Keys) -> None:
    token = keys.token(AUD, jti="once-only")
    assert _call(secured, token).status_code == 200
    _refused(_call(secured, token), "replay")
    _refused(_call(secured, keys.token(AUD, jti="once-only")), "replay")  # new token, same jti


def test_a_jti_too_long_to_keep_is_refused(secured: Any, keys: Keys) -> None:
    _refused(_call(secured, keys.token(AUD, jti="x" * 256)), "jti longer than 255")
    assert _call(secured, keys.token(AUD, jti="y" * 255)).status_code == 200


def test_bad_signature_and_unknown_key(secured: Any, keys: Keys, tmp_path: Path) -> None:
    impostor = Keys(tmp_path, kid=KID)  # same kid, another private key
    _refused(_call(secured, impostor.token(AUD)), "bad signature")
    stranger = Keys(tmp_path, kid="other-kid")
    _refused(_call(secured, stranger.token(AUD)), "no key with kid")
    good = keys.token(AUD)
    head, payload, sig = good.split(".")
    _refused(_call(secured, f"{head}.{payload}.{sig[:-6]}AAAAAA"), "bad signature")


def test_unsigned_and_missing_claims(secured: Any, keys: Keys) -> None:
    import jwt

    now = int(time.time())
    claims = {"iss": ISSUER, "aud": AUD, "iat": now, "exp": now + 60, "jti": "x-none"}
    unsigned = jwt.encode(claims, None, algorithm="none", headers={"kid": KID})
    _refused(_call(secured, unsigned), "algorithm 'none'")
    _refused(_call(secured, keys.token(AUD, jti=None)), "jti is required")


def test_feedback_needs_a_token_for_its_own_url(secured: Any, keys: Keys) -> None:
    item = {"card": "c-1", "outcome": "overridden", "outcomeTimestamp": "2026-11-29T08:00:00Z"}
    body = {"feedback": [item]}
    path = VIEW + "/feedback"
    _refused(_call(secured, None, path, body), "bearer JWT")
    assert _call(secured, keys.token(PUBLIC + path), path, body).status_code == 200
    assert _call(secured, keys.token(AUD), path, body).status_code == 200  # the service URL


def test_nothing_configured_refuses_every_call(tmp_path: Path, keys: Keys) -> None:
    with cds_app(f"sqlite:///{tmp_path / 'x.db'}", cds_open=False) as client:
        _refused(_call(client, keys.token("http://testserver" + VIEW)), "trusts no CDS client")
        assert client.get("/cds-services").status_code == 200
