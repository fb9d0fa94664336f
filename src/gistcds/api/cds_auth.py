"""JWT bearer authentication of CDS Hooks clients (CDS Hooks 2.0, "Trusting CDS Clients").

A client signs a JWT with its private key for every service and feedback call:
``alg`` asymmetric (ES384/RS384 recommended), ``kid`` naming a key of the JWK Set the service
trusts (``Settings.cds_jwks``, a file or an https URL), and the claims ``iss`` (one of
``Settings.cds_issuers``), ``aud`` (the exact URL called), ``exp``, ``iat`` and ``jti``
(a nonce: a second use of the same ``iss``+``jti`` before it expires is refused). Every
refusal is a 401 naming what was wrong, never the token. PyJWT does the cryptography.

Nonces are kept by the caller's ``first_use`` (the service passes the store's, a database
table), so a replay is refused whichever worker or host receives it.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jwt

from gistcds.api.errors import ApiError
from gistcds.api.settings import Settings

__all__ = ["ALGORITHMS", "CdsClient", "CdsVerifier", "FirstUse"]

ALGORITHMS = ["ES256", "ES384", "ES512", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512"]
LEEWAY_S = 30
MAX_JTI = 255  # the nonce table's column
MAX_LIFETIME_S = 3600  # a token valid longer than this is refused (the spec: short-lived)
CHALLENGE = {"WWW-Authenticate": 'Bearer error="invalid_token"'}


@dataclass(frozen=True)
class CdsClient:
    """Who called: the JWT's issuer and nonce (``open`` when authentication is off)."""

    iss: str
    jti: str | None


def _refuse(message: str) -> ApiError:
    return ApiError(401, f"CDS client token refused: {message}", headers=CHALLENGE)


FirstUse = Callable[[str, str, float], bool]
"""``(iss, jti, keep_until_epoch_s)`` -> True the first time the pair is seen."""


class CdsVerifier:
    """Checks CDS client JWTs against the configured JWK Set and issuers."""

    def __init__(self, settings: Settings, first_use: FirstUse) -> None:
        self.settings = settings
        self.first_use = first_use
        self._keys: jwt.PyJWKSet | None = None
        self._client: jwt.PyJWKClient | None = None
        self._lock = threading.Lock()

    def _key(self, kid: str) -> Any:
        source = self.settings.cds_jwks
        assert source is not None
        try:
            if source.startswith("http://") and not self.settings.cds_allow_http:
                raise _refuse("the JWK Set URL must be https")
            if source.startswith(("https://", "http://")):
                with self._lock:
                    if self._client is None:
                        self._client = jwt.PyJWKClient(source, cache_keys=True, timeout=10)
                return self._client.get_signing_key(kid)
            with self._lock:
                if self._keys is None:
                    self._keys = jwt.PyJWKSet.from_dict(json.loads(Path(source).read_text()))
            return self._keys[kid]
        except KeyError:
            raise _refuse(f"no key with kid {kid!r} in the trusted JWK Set") from None
        except jwt.PyJWKClientError as exc:
            raise _refuse(f"key {kid!r} not found ({type(exc).__name__})") from None

    def verify(self, authorization: str | None, audiences: list[str]) -> CdsClient:
        """The caller of a CDS call, or ``ApiError`` 401."""
        if self.settings.cds_open:
            return CdsClient(iss="open", jti=None)
        if not self.settings.cds_jwks or not self.settings.cds_issuers:
            raise _refuse("this service trusts no CDS client yet (GISTCDS_CDS_JWKS, _ISSUERS)")
        scheme, _, token = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise _refuse("a bearer JWT is required")
        token = token.strip()
        try:
            header = jwt.get_unverified_header(token)
            claims = jwt.decode(token, options={"verify_signature": False})
        except jwt.InvalidTokenError:
            raise _refuse("not a JWT") from None
        iss = claims.get("iss")
        if not isinstance(iss, str) or iss not in self.settings.cds_issuers:
            raise _refuse("unknown issuer")
        if header.get("alg") not in ALGORITHMS:
            raise _refuse(f"algorithm {header.get('alg')!r} is not accepted")
        kid = header.get("kid")
        if not isinstance(kid, str):
            raise _refuse("the JWT header has no kid")
        key = self._key(kid)
        try:
            checked = jwt.decode(
                token,
                key,
                algorithms=ALGORITHMS,
                audience=audiences,
                issuer=self.settings.cds_issuers,
                leeway=LEEWAY_S,
                options={"require": ["iss", "aud", "exp", "iat", "jti"]},
            )
        except jwt.ExpiredSignatureError:
            raise _refuse("expired") from None
        except jwt.InvalidAudienceError:
            raise _refuse(f"aud must be {audiences[0]}") from None
        except jwt.MissingRequiredClaimError as exc:
            raise _refuse(f"the claim {exc.claim} is required") from None
        except jwt.InvalidSignatureError:
            raise _refuse("bad signature") from None
        except jwt.InvalidTokenError as exc:
            raise _refuse(type(exc).__name__) from None
        return self._fresh(checked)

    def _fresh(self, claims: dict[str, Any]) -> CdsClient:
        iss, jti, exp = str(claims["iss"]), str(claims["jti"]), float(claims["exp"])
        if exp - time.time() > MAX_LIFETIME_S:
            raise _refuse(f"exp more than {MAX_LIFETIME_S} s ahead")
        if len(jti) > MAX_JTI:
            raise _refuse(f"jti longer than {MAX_JTI} characters")
        if not self.first_use(iss, jti, exp + LEEWAY_S):
            raise _refuse("jti already used (replay)")
        return CdsClient(iss=iss, jti=jti)
