"""Storage of the service (SQLAlchemy 2): assessments, accounts and tokens, the audit log,
CDS client nonces.

``Store.open(url)`` connects to SQLite (default ``./gistcds.db``, WAL) or PostgreSQL and
applies the Alembic migrations shipped in ``store/migrations``. Stored assessments and audit
rows are append-only, enforced by database triggers.
"""

from __future__ import annotations

from gistcds.store.accounts import TOKEN_PREFIX, AccountError, AccountStore, token_hash
from gistcds.store.assessments import AssessmentStore
from gistcds.store.audit import AuditStore
from gistcds.store.engine import default_url, make_engine, normalise_url, redacted
from gistcds.store.migrate import current_revision, head_revision, upgrade
from gistcds.store.nonces import NonceStore
from gistcds.store.records import (
    ROLES,
    AuditEntry,
    Principal,
    StoredAssessment,
    TokenInfo,
    iso,
    utcnow,
)


class Store(AssessmentStore, AccountStore, AuditStore, NonceStore):
    """Every table of the service behind one object (one per process)."""


__all__ = [
    "ROLES",
    "TOKEN_PREFIX",
    "AccountError",
    "AuditEntry",
    "Principal",
    "Store",
    "StoredAssessment",
    "TokenInfo",
    "current_revision",
    "default_url",
    "head_revision",
    "iso",
    "make_engine",
    "normalise_url",
    "redacted",
    "token_hash",
    "upgrade",
    "utcnow",
]
