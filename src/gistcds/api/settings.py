"""The service's settings: one frozen object, from arguments or ``GISTCDS_*`` variables.

``gistcds serve`` passes its options through the environment so that every uvicorn worker
process builds the same settings in ``create_app``.
"""

from __future__ import annotations

import os

from pydantic import BaseModel, ConfigDict, Field

from gistcds.io.patient_json import MAX_INPUT_BYTES
from gistcds.store.engine import default_url

MB = 1024 * 1024


class Settings(BaseModel):
    """What a running service needs to know; defaults suit one laptop."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    db_url: str = Field(default_factory=default_url)
    migrate: bool = Field(True, description="apply pending migrations at start-up")
    max_body_bytes: int = Field(MAX_INPUT_BYTES, description="request body limit, as the CLI")
    max_cohort_bytes: int = Field(20 * MB, description="body limit of POST /cohort/score")
    request_timeout_s: float = Field(60.0, gt=0, description="a request slower than this: 503")
    cors_origins: tuple[str, ...] = Field((), description="empty: CORS off")
    hsts: bool = Field(False, description="send Strict-Transport-Security (behind TLS)")
    log_level: str = "info"
    warm_up: bool = Field(True, description="run one throw-away assessment at start-up")
    public_url: str | None = Field(
        None, description="the service's external base URL (CDS Hooks JWT `aud`, card links)"
    )
    cds_jwks: str | None = Field(
        None, description="CDS clients' JWK Set: a file path or an https URL; None: CDS Hooks off"
    )
    cds_issuers: tuple[str, ...] = Field((), description="CDS clients allowed (JWT `iss`)")
    cds_open: bool = Field(
        False, description="accept CDS Hooks calls without a JWT (sandbox and local tests only)"
    )
    cds_allow_http: bool = Field(
        False, description="allow plain-http fhirServer and JWKS URLs (tests on loopback only)"
    )
    cds_app_url: str | None = Field(
        None, description="SMART launch URL for the cards' app link to the full report"
    )

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        """Settings from ``GISTCDS_DB``, ``GISTCDS_CORS_ORIGINS``, ... then ``overrides``."""
        env = os.environ
        values: dict[str, object] = {}
        if env.get("GISTCDS_DB"):
            values["db_url"] = env["GISTCDS_DB"]
        if env.get("GISTCDS_NO_MIGRATE"):
            values["migrate"] = False
        if env.get("GISTCDS_REQUEST_TIMEOUT_S"):
            values["request_timeout_s"] = float(env["GISTCDS_REQUEST_TIMEOUT_S"])
        if env.get("GISTCDS_CORS_ORIGINS"):
            origins = env["GISTCDS_CORS_ORIGINS"].split(",")
            values["cors_origins"] = tuple(o.strip() for o in origins if o.strip())
        if env.get("GISTCDS_HSTS"):
            values["hsts"] = env["GISTCDS_HSTS"] not in ("0", "false", "no")
        if env.get("GISTCDS_LOG_LEVEL"):
            values["log_level"] = env["GISTCDS_LOG_LEVEL"]
        values.update(_cds_env(env))
        values.update(overrides)
        return cls.model_validate(values)


def _flag(value: str) -> bool:
    return value.strip().lower() not in ("", "0", "false", "no")


def _cds_env(env: os._Environ[str]) -> dict[str, object]:
    """``GISTCDS_PUBLIC_URL``, ``GISTCDS_CDS_JWKS``, ``GISTCDS_CDS_ISSUERS`` (comma-separated),
    ``GISTCDS_CDS_OPEN``, ``GISTCDS_CDS_ALLOW_HTTP``, ``GISTCDS_CDS_APP_URL``."""
    values: dict[str, object] = {}
    for key, name in (
        ("public_url", "GISTCDS_PUBLIC_URL"),
        ("cds_jwks", "GISTCDS_CDS_JWKS"),
        ("cds_app_url", "GISTCDS_CDS_APP_URL"),
    ):
        if env.get(name):
            values[key] = env[name]
    if env.get("GISTCDS_CDS_ISSUERS"):
        issuers = env["GISTCDS_CDS_ISSUERS"].split(",")
        values["cds_issuers"] = tuple(i.strip() for i in issuers if i.strip())
    for key, name in (
        ("cds_open", "GISTCDS_CDS_OPEN"),
        ("cds_allow_http", "GISTCDS_CDS_ALLOW_HTTP"),
    ):
        if name in env:
            values[key] = _flag(env[name])
    return values
