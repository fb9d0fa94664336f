"""The service's tables (SQLAlchemy 2 declarative models).

Alembic migrations in ``store/migrations`` create them; these classes are the one
description both the queries and the migration tests read. Assessments and audit rows
are immutable: database triggers (added by the first migration) refuse UPDATE and DELETE.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# SQLite only makes an INTEGER PRIMARY KEY an alias of the rowid (autoincrementing).
BigId = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    """Declarative base of the service tables."""


class Account(Base):
    """A person or program that holds tokens; one role each."""

    __tablename__ = "accounts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(128), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    created: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    __table_args__ = (
        CheckConstraint("role IN ('clinician', 'researcher', 'admin')", name="ck_accounts_role"),
    )


class Token(Base):
    """A bearer token: only its SHA-256 is stored; revoked tokens stay for the audit trail."""

    __tablename__ = "tokens"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    created: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    revoked: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class AssessmentRow(Base):
    """One stored assessment: the input document, its hash, the output, versions, who, when."""

    __tablename__ = "assessments"
    seq: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    id: Mapped[str] = mapped_column(String(36), unique=True)
    created: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    patient_id: Mapped[str] = mapped_column(String(128))
    input_json: Mapped[str] = mapped_column(Text)
    input_sha256: Mapped[str] = mapped_column(String(64))
    output_json: Mapped[str] = mapped_column(Text)
    output_sha256: Mapped[str] = mapped_column(String(64))
    knowledge_base_version: Mapped[str] = mapped_column(String(64))
    gistcds_version: Mapped[str] = mapped_column(String(32))
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    __table_args__ = (Index("ix_assessments_patient_seq", "patient_id", "seq"),)


class AuditRow(Base):
    """One access to patient data or to the accounts: who, what, when, from where, which record."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(String(160))
    account_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    role: Mapped[str | None] = mapped_column(String(16), nullable=True)
    action: Mapped[str] = mapped_column(String(64))
    outcome: Mapped[str] = mapped_column(String(16))
    record_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    patient_id: Mapped[str | None] = mapped_column(String(128), nullable=True)
    client: Mapped[str | None] = mapped_column(String(64), nullable=True)
    correlation_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    detail: Mapped[str | None] = mapped_column(Text, nullable=True)


class ServiceSecret(Base):
    """Secrets the service makes for itself once (the de-identification key)."""

    __tablename__ = "service_secrets"
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(128))


class CdsNonce(Base):
    """A CDS client JWT's ``(iss, jti)`` already used, kept until the token expires (replay)."""

    __tablename__ = "cds_nonces"
    iss: Mapped[str] = mapped_column(String(255), primary_key=True)
    jti: Mapped[str] = mapped_column(String(255), primary_key=True)
    expires: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)


IMMUTABLE_TABLES = ("assessments", "audit_log")
