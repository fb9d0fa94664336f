"""Reading the append-only audit log (export as JSON lines, the admin listing)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from sqlalchemy import select

from gistcds.store.models import AuditRow
from gistcds.store.records import as_utc, iso
from gistcds.store.store import StoreBase

_COLUMNS = (
    AuditRow.id,
    AuditRow.at,
    AuditRow.actor,
    AuditRow.account_id,
    AuditRow.role,
    AuditRow.action,
    AuditRow.outcome,
    AuditRow.record_id,
    AuditRow.patient_id,
    AuditRow.client,
    AuditRow.correlation_id,
    AuditRow.detail,
)


def audit_dict(row: Any) -> dict[str, Any]:
    """One audit row as the JSON object ``gistcds audit export`` writes."""
    out: dict[str, Any] = row._asdict()
    out["at"] = iso(as_utc(out["at"]))
    out["detail"] = json.loads(out["detail"]) if out["detail"] else {}
    return out


class AuditStore(StoreBase):
    """Reads of the audit log; rows are only ever appended (``StoreBase.audit_row``)."""

    def audit_page(self, after: int = 0, limit: int = 100) -> list[dict[str, Any]]:
        query = select(*_COLUMNS).where(AuditRow.id > after).order_by(AuditRow.id).limit(limit)
        return [audit_dict(r) for r in self.read(lambda c: c.execute(query).all())]

    def iter_audit(self, after: int = 0, batch: int = 1000) -> Iterator[dict[str, Any]]:
        """Every audit row after ``after``, oldest first, read in batches."""
        while True:
            rows = self.audit_page(after, batch)
            yield from rows
            if len(rows) < batch:
                return
            after = int(rows[-1]["id"])
