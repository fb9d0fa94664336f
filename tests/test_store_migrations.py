"""The store's schema: Alembic migrations, append-only tables enforced by the database."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import DBAPIError

from gistcds.store import AuditEntry, Principal, Store, current_revision, head_revision
from service_helpers import make_token

WHO = Principal(name="test", role=None)


def _one_assessment(s: Store) -> str:
    who = s.authenticate(make_token(s, "writer", "clinician"))
    assert who is not None
    rec = s.add_assessment(
        who,
        "p-1",
        '{"id":"p-1"}',
        '{"patient_id":"p-1"}',
        "kb1",
        "0.1.0",
        AuditEntry(action="assessment.create"),
    )
    return rec.id


def test_upgrade_creates_every_table_at_head(store: Store) -> None:
    tables = set(inspect(store.engine).get_table_names())
    expected = {"accounts", "tokens", "assessments", "audit_log", "service_secrets", "cds_nonces"}
    assert expected <= tables
    assert current_revision(store.engine) == head_revision()
    assert store.ping()


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_log SET action = 'x'",
        "DELETE FROM audit_log",
        "UPDATE assessments SET output_json = '{}'",
        "DELETE FROM assessments",
    ],
)
def test_append_only_tables_refuse_update_and_delete(store: Store, statement: str) -> None:
    _one_assessment(store)
    with pytest.raises(DBAPIError, match="append-only"):
        store.write(lambda c: c.execute(text(statement)))
    counts = store.read(
        lambda c: (
            c.scalar(text("SELECT count(*) FROM audit_log")),
            c.scalar(text("SELECT count(*) FROM assessments")),
        )
    )
    assert counts == (2, 1)


def test_postgres_refuses_truncate(store: Store) -> None:
    if store.backend != "postgresql":
        pytest.skip("TRUNCATE is PostgreSQL's")
    _one_assessment(store)
    with pytest.raises(DBAPIError, match="append-only"):
        store.write(lambda c: c.execute(text("TRUNCATE audit_log")))


def test_upgrade_twice_and_concurrently_is_harmless(db_url: str) -> None:
    errors: list[BaseException] = []
    stores: list[Any] = []

    def run() -> None:
        try:
            stores.append(Store.open(db_url))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    again = Store.open(db_url)
    assert current_revision(again.engine) == head_revision()
    for s in [*stores, again]:
        s.close()


def test_secret_is_made_once_and_kept(store: Store) -> None:
    first = store.secret("deidentification")
    assert len(first) == 32
    assert store.secret("deidentification") == first
    assert store.secret("other") != first


def test_sqlite_runs_in_wal_mode_with_full_sync(store: Store) -> None:
    if store.backend != "sqlite":
        pytest.skip("SQLite pragmas")
    mode, sync = store.read(
        lambda c: (
            c.exec_driver_sql("PRAGMA journal_mode").scalar(),
            c.exec_driver_sql("PRAGMA synchronous").scalar(),
        )
    )
    assert (mode, sync) == ("wal", 2)


def test_the_migrations_build_exactly_the_models_tables(store: Store) -> None:
    """The SQLAlchemy models and the Alembic migrations describe the same schema."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from gistcds.store.models import Base

    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []
