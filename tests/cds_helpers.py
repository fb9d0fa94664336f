"""Helpers of the CDS Hooks service tests: a service app, client keys and signed JWTs."""

from __future__ import annotations

import contextlib
import json
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

HOOK_INSTANCE = "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea"
APP_URL = "https://gistcds.example.org/launch"
ISSUER = "https://ehr.example.org"
KID = "ehr-key-1"


@contextlib.contextmanager
def cds_app(db_url: str, **settings: Any) -> Iterator[Any]:
    """A TestClient on a service with the given CDS settings (open mode unless told)."""
    from fastapi.testclient import TestClient

    from gistcds.api import Settings, create_app

    values = {"cds_open": True, "cds_app_url": APP_URL, "warm_up": False, **settings}
    app = create_app(Settings(db_url=db_url, **values))
    with TestClient(app, raise_server_exceptions=False) as client:
        client.store = app.state.store  # type: ignore[attr-defined]
        yield client


def patient_view_call(prefetch: Any | None) -> dict[str, Any]:
    call: dict[str, Any] = {
        "hook": "patient-view",
        "hookInstance": HOOK_INSTANCE,
        "context": {"userId": "Practitioner/dr-1", "patientId": "pt-0001"},
    }
    if prefetch is not None:
        call["prefetch"] = prefetch
    return call


def draft_bundle(drug: str, mg: float, per_day: int = 1, rid: str = "draft-1") -> dict[str, Any]:
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {
                "resource": {
                    "resourceType": "MedicationRequest",
                    "id": rid,
                    "status": "draft",
                    "intent": "order",
                    "subject": {"reference": "Patient/pt-0001"},
                    "medicationCodeableConcept": {"text": drug},
                    "dosageInstruction": [
                        {
                            "timing": {
                                "repeat": {"frequency": per_day, "period": 1, "periodUnit": "d"}
                            },
                            "doseAndRate": [{"doseQuantity": {"value": mg, "unit": "mg"}}],
                        }
                    ],
                }
            }
        ],
    }


class Keys:
    """An EC P-384 key pair of a CDS client, its JWK Set on disk, and signed tokens."""

    def __init__(self, folder: Path, kid: str = KID) -> None:
        import jwt
        from cryptography.hazmat.primitives.asymmetric import ec

        self.kid = kid
        self.private = ec.generate_private_key(ec.SECP384R1())
        jwk = json.loads(jwt.algorithms.ECAlgorithm.to_jwk(self.private.public_key()))
        jwk.update({"kid": kid, "use": "sig", "alg": "ES384"})
        self.jwks = {"keys": [jwk]}
        self.path = folder / f"jwks-{kid}.json"
        self.path.write_text(json.dumps(self.jwks))

    def token(self, aud: str, iss: str = ISSUER, **claims: Any) -> str:
        import jwt

        now = int(time.time())
        payload = {"iss": iss, "aud": aud, "iat": now, "exp": now + 300, "jti": str(uuid.uuid4())}
        payload.update(claims)
        return jwt.encode(
            {k: v for k, v in payload.items() if v is not None},
            self.private,
            algorithm="ES384",
            headers={"kid": self.kid, "typ": "JWT"},
        )
