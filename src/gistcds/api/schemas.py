"""Response bodies of the REST API (in the OpenAPI; some are built by hand, for speed)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from gistcds.domain.assessment import Assessment
from gistcds.domain.empty import new_dict
from gistcds.fhir.mapping import MapLine


class AssessmentSummary(BaseModel):
    """A stored assessment without its documents (listings)."""

    id: str = Field(description="the record's id (a UUID)")
    created: str = Field(description="when it was stored, UTC, ISO 8601")
    patient_id: str
    input_sha256: str = Field(description="SHA-256 of the canonical input JSON (sorted keys)")
    knowledge_base_version: str
    gistcds_version: str


class AssessmentRecord(BaseModel):
    """A stored assessment: who asked is in the audit log; the record never changes."""

    id: str
    created: str
    patient_id: str
    input_sha256: str
    knowledge_base_version: str
    gistcds_version: str
    assessment: Assessment


class FhirAssessmentRecord(AssessmentRecord):
    """``POST /fhir/assess``: the stored record (its input is the mapped patient document)
    and what happened to every resource and element of the Bundle."""

    mapping: list[MapLine] = Field(
        description="one line per resource and element: mapped, assumed, ignored or unmapped"
    )


class AssessmentPage(BaseModel):
    """One page of a listing, newest first; pass ``next_cursor`` as ``cursor`` for the next."""

    items: list[AssessmentSummary]
    next_cursor: str | None = None


class DeidentifiedRecord(BaseModel):
    """A researcher's view of a stored assessment (``api.deid``): no ids, dates shifted."""

    subject: str = Field(description="pseudonym, the same for every record of one patient")
    created: str = Field(description="date stored, shifted like the patient's other dates")
    knowledge_base_version: str
    gistcds_version: str
    patient: dict[str, Any] = Field(description="the input document, de-identified")
    assessment: dict[str, Any] = Field(description="the assessment, de-identified")


class DeidentifiedPage(BaseModel):
    items: list[DeidentifiedRecord]
    next_cursor: str | None = None


class KbSource(BaseModel):
    id: str
    citation: str
    pmid: str | None = None
    doi: str | None = None
    url: str | None = None
    identifiers: dict[str, str] = Field(
        default_factory=new_dict,
        description="every identifier the source has (pmid, doi, a label's set id, ...)",
    )


class KbSources(BaseModel):
    knowledge_base_version: str
    sources: list[KbSource]


class KbVersion(BaseModel):
    knowledge_base_version: str
    gistcds_version: str
    schema_version: str


class Health(BaseModel):
    status: Literal["ok"]


class Ready(BaseModel):
    status: Literal["ready", "unavailable"]
    database: str = Field(description="sqlite or postgresql")


class TokenRequest(BaseModel):
    name: str = Field(min_length=1, max_length=128, description="account name")
    role: str = Field(pattern="^(clinician|researcher|admin)$")


class TokenOut(BaseModel):
    id: int
    account: str
    role: str
    prefix: str = Field(description="the token's first characters, to recognise it")
    created: str
    revoked: str | None = None


class TokenCreated(TokenOut):
    token: str = Field(description="the bearer token: shown this once, only its hash is kept")


class AuditItem(BaseModel):
    id: int
    at: str
    actor: str
    account_id: int | None
    role: str | None
    action: str
    outcome: str
    record_id: str | None
    patient_id: str | None
    client: str | None
    correlation_id: str | None
    detail: dict[str, Any]


class AuditPage(BaseModel):
    items: list[AuditItem]
    next_after: int | None = None
