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
        values.update(overrides)
        return cls.model_validate(values)
