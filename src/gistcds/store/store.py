"""The store: every read and write of the service's tables, with its audit row.

One ``Store`` per process. On SQLite, writes go one at a time through a lock in the process
and ``BEGIN IMMEDIATE`` across processes; a "database is locked" that still gets through is
retried, so a burst of concurrent writers neither loses nor duplicates a record.
"""

from __future__ import annotations

import contextlib
import hashlib
import secrets
import threading
import time
from collections.abc import Callable, Iterator
from typing import TypeVar

from sqlalchemy import Connection, Engine, insert, select, text
from sqlalchemy.exc import IntegrityError, OperationalError

from gistcds.store.engine import WRITE_OPTION, is_sqlite, make_engine
from gistcds.store.group import GroupWriter
from gistcds.store.migrate import is_current, upgrade
from gistcds.store.models import AuditRow, ServiceSecret
from gistcds.store.records import AuditEntry, Principal, utcnow

T = TypeVar("T")
RETRIES = 8


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _locked(exc: OperationalError) -> bool:
    text_ = str(exc.orig).lower() if exc.orig is not None else str(exc).lower()
    return "locked" in text_ or "busy" in text_


class StoreBase:
    """Engine, transactions with retry, the audit append and the service's own secrets."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.sqlite = is_sqlite(engine)
        self._write_lock = threading.Lock() if self.sqlite else None
        self._group = GroupWriter(self._write_now) if self.sqlite else None

    @classmethod
    def open(cls: type[S], url: str | None = None, migrate: bool = True) -> S:
        """Connect (default URL from ``GISTCDS_DB`` or ``./gistcds.db``) and upgrade the schema."""
        engine = make_engine(url)
        if migrate:
            upgrade(engine)
        return cls(engine)

    def close(self) -> None:
        if self._group is not None:
            self._group.close()
        self.engine.dispose()

    @property
    def backend(self) -> str:
        return self.engine.dialect.name

    def ping(self) -> bool:
        """True when the database answers and is at this program's schema revision."""
        try:
            with self.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            return is_current(self.engine)
        except Exception:
            return False

    @contextlib.contextmanager
    def _writer(self) -> Iterator[None]:
        if self._write_lock is None:
            yield
            return
        with self._write_lock:
            yield

    def write(self, fn: Callable[[Connection], T]) -> T:
        """Run ``fn`` in a committed write transaction (on SQLite, shared with the writes
        queued at the same moment: ``group.GroupWriter``)."""
        if self._group is not None:
            result: T = self._group.submit(fn)
            return result
        return self._write_now(fn)

    def _write_now(self, fn: Callable[[Connection], T]) -> T:
        """One write transaction, retried while SQLite says it is locked."""
        for attempt in range(RETRIES):
            try:
                with self._writer(), self.engine.connect() as conn:
                    conn = conn.execution_options(**{WRITE_OPTION: True})
                    with conn.begin():
                        return fn(conn)
            except OperationalError as exc:
                if not (self.sqlite and _locked(exc)) or attempt == RETRIES - 1:
                    raise
                time.sleep(0.02 * (2**attempt))
        raise AssertionError("unreachable")

    def read(self, fn: Callable[[Connection], T]) -> T:
        with self.engine.connect() as conn, conn.begin():
            return fn(conn)

    @staticmethod
    def audit_row(conn: Connection, who: Principal, entry: AuditEntry) -> None:
        """Append one audit row inside the caller's transaction (the only audit writer)."""
        conn.execute(
            insert(AuditRow).values(
                at=utcnow(),
                actor=who.name,
                account_id=who.account_id,
                role=who.role,
                action=entry.action,
                outcome=entry.outcome,
                record_id=entry.record_id,
                patient_id=entry.patient_id,
                client=entry.client,
                correlation_id=entry.correlation_id,
                detail=entry.detail_json(),
            )
        )

    def audit(self, who: Principal, *entries: AuditEntry) -> None:
        """Append audit rows in a transaction of their own."""

        def run(conn: Connection) -> None:
            for entry in entries:
                self.audit_row(conn, who, entry)

        self.write(run)

    def secret(self, name: str) -> bytes:
        """A random 32-byte secret made once per database (e.g. the de-identification key)."""

        def get(conn: Connection) -> str | None:
            return conn.scalar(select(ServiceSecret.value).where(ServiceSecret.name == name))

        value = self.read(get)
        if value is None:
            try:
                fresh = secrets.token_hex(32)
                self.write(
                    lambda c: c.execute(insert(ServiceSecret).values(name=name, value=fresh))
                )
            except IntegrityError:  # another process made it first: use theirs
                pass
            value = self.read(get)
        assert value is not None
        return bytes.fromhex(value)


S = TypeVar("S", bound=StoreBase)
