"""Stored assessments: insert (with its audit row, in one transaction), fetch, list."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Connection, insert, select

from gistcds.store.models import AssessmentRow
from gistcds.store.records import AuditEntry, Principal, StoredAssessment, as_utc, utcnow
from gistcds.store.store import StoreBase, sha256_hex

_SUMMARY = (
    AssessmentRow.seq,
    AssessmentRow.id,
    AssessmentRow.created,
    AssessmentRow.patient_id,
    AssessmentRow.input_sha256,
    AssessmentRow.knowledge_base_version,
    AssessmentRow.gistcds_version,
    AssessmentRow.account_id,
)
_FULL = (
    *_SUMMARY,
    AssessmentRow.input_json,
    AssessmentRow.output_json,
    AssessmentRow.output_sha256,
)


def _record(row: Any) -> StoredAssessment:
    values = row._asdict()
    values["created"] = as_utc(values["created"])
    return StoredAssessment(**values)


class AssessmentStore(StoreBase):
    """The assessments table: append and read, never update."""

    def add_assessment(
        self,
        who: Principal,
        patient_id: str,
        input_json: str,
        output_json: str,
        knowledge_base_version: str,
        gistcds_version: str,
        audit: AuditEntry,
    ) -> StoredAssessment:
        """Store one assessment and its audit row atomically; returns the stored record."""
        assert who.account_id is not None, "only an account can store an assessment"
        values = {
            "id": str(uuid.uuid4()),
            "created": utcnow(),
            "patient_id": patient_id,
            "input_json": input_json,
            "input_sha256": sha256_hex(input_json.encode("utf-8")),
            "output_json": output_json,
            "output_sha256": sha256_hex(output_json.encode("utf-8")),
            "knowledge_base_version": knowledge_base_version,
            "gistcds_version": gistcds_version,
            "account_id": who.account_id,
        }

        def run(conn: Connection) -> int:
            seq = conn.execute(insert(AssessmentRow).values(**values)).inserted_primary_key
            entry = AuditEntry(
                action=audit.action,
                outcome=audit.outcome,
                record_id=str(values["id"]),
                patient_id=patient_id,
                client=audit.client,
                correlation_id=audit.correlation_id,
                detail=audit.detail,
            )
            self.audit_row(conn, who, entry)
            assert seq is not None
            return int(seq[0])

        seq = self.write(run)
        return StoredAssessment(seq=seq, **values)  # type: ignore[arg-type]

    def get_assessment(self, assessment_id: str) -> StoredAssessment | None:
        """One stored assessment with its input and output, or None."""
        query = select(*_FULL).where(AssessmentRow.id == assessment_id)
        row = self.read(lambda c: c.execute(query).first())
        return _record(row) if row is not None else None

    def _page(self, query: Any, limit: int, before: int | None) -> list[StoredAssessment]:
        if before is not None:
            query = query.where(AssessmentRow.seq < before)
        query = query.order_by(AssessmentRow.seq.desc()).limit(limit)
        rows = self.read(lambda c: c.execute(query).all())
        return [_record(r) for r in rows]

    def patient_assessments(
        self, patient_id: str, limit: int = 20, before: int | None = None
    ) -> list[StoredAssessment]:
        """A patient's assessments, newest first, without their documents."""
        query = select(*_SUMMARY).where(AssessmentRow.patient_id == patient_id)
        return self._page(query, limit, before)

    def all_assessments(
        self, limit: int = 20, before: int | None = None, full: bool = True
    ) -> list[StoredAssessment]:
        """Every patient's assessments, newest first (the research listing)."""
        return self._page(select(*(_FULL if full else _SUMMARY)), limit, before)

    def count_assessments(self) -> int:
        from sqlalchemy import func

        return int(self.read(lambda c: c.scalar(select(func.count(AssessmentRow.seq)))) or 0)
