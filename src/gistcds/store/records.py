"""Plain values the store hands out: who is calling, one stored assessment, one audit entry."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

ROLES = ("clinician", "researcher", "admin")


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def as_utc(value: dt.datetime) -> dt.datetime:
    """SQLite hands back naive datetimes (stored as UTC); PostgreSQL aware ones."""
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def iso(value: dt.datetime) -> str:
    """``2026-11-29T03:10:00.123456Z``: UTC, always with microseconds."""
    return as_utc(value).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass(frozen=True)
class Principal:
    """The account behind a request (or ``cli:<user>`` for the command line)."""

    name: str
    role: str | None
    account_id: int | None = None
    token_id: int | None = None


@dataclass(frozen=True)
class StoredAssessment:
    """One immutable stored assessment; ``input_json``/``output_json`` are the stored text."""

    seq: int
    id: str
    created: dt.datetime
    patient_id: str
    input_sha256: str
    knowledge_base_version: str
    gistcds_version: str
    account_id: int
    input_json: str = ""
    output_json: str = ""
    output_sha256: str = ""

    def summary(self) -> dict[str, Any]:
        """The fields a listing shows (no input, no output)."""
        return {
            "id": self.id,
            "created": iso(self.created),
            "patient_id": self.patient_id,
            "input_sha256": self.input_sha256,
            "knowledge_base_version": self.knowledge_base_version,
            "gistcds_version": self.gistcds_version,
        }


@dataclass(frozen=True)
class AuditEntry:
    """What to append to the audit log; never patient values beyond the record's ids."""

    action: str
    outcome: str = "ok"
    record_id: str | None = None
    patient_id: str | None = None
    client: str | None = None
    correlation_id: str | None = None
    detail: dict[str, Any] = field(default_factory=dict)

    def detail_json(self) -> str | None:
        return json.dumps(self.detail, sort_keys=True) if self.detail else None


@dataclass(frozen=True)
class TokenInfo:
    """A token as listed (never the token itself, which only its creator ever sees)."""

    id: int
    account: str
    role: str
    prefix: str
    created: dt.datetime
    revoked: dt.datetime | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "account": self.account,
            "role": self.role,
            "prefix": self.prefix,
            "created": iso(self.created),
            "revoked": iso(self.revoked) if self.revoked else None,
        }
