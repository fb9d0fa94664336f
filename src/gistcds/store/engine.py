"""Database URLs and engines: SQLite (WAL, full sync, one writer) or PostgreSQL (psycopg 3).

SQLite: every connection turns on WAL, ``synchronous=FULL`` (an acknowledged commit is on
disk), foreign keys and a busy timeout; write transactions start with ``BEGIN IMMEDIATE`` so
two writers never deadlock on a lock upgrade ("database is locked" is then only a timeout,
which the store retries).
"""

from __future__ import annotations

import os
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url

DEFAULT_DB_FILE = "gistcds.db"
ENV_DB = "GISTCDS_DB"
WRITE_OPTION = "gistcds_write"
SQLITE_BUSY_MS = 10_000


def default_url() -> str:
    """``GISTCDS_DB`` when set, else a SQLite file in the working directory."""
    return os.environ.get(ENV_DB) or f"sqlite:///{DEFAULT_DB_FILE}"


def normalise_url(url: str) -> URL:
    """``postgresql://`` and ``postgres://`` mean psycopg 3; a bare path means a SQLite file."""
    if "://" not in url:
        url = f"sqlite:///{url}"
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise ValueError(
            f"unsupported database {parsed.get_backend_name()!r}: sqlite or postgresql"
        )
    return parsed


def redacted(url: str | URL) -> str:
    """The URL with any password hidden, for messages and logs."""
    return normalise_url(str(url) if isinstance(url, URL) else url).render_as_string(
        hide_password=True
    )


def _sqlite_events(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves (below)
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=FULL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_MS}")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        write = conn.get_execution_options().get(WRITE_OPTION, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def make_engine(url: str | None = None) -> Engine:
    """An engine for ``url`` (default: ``default_url()``), configured as described above."""
    parsed = normalise_url(url or default_url())
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database in ("", ":memory:"):
            raise ValueError("an in-memory SQLite database cannot be shared: give a file")
        engine = create_engine(
            parsed, connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_MS / 1000}
        )
        _sqlite_events(engine)
        return engine
    return create_engine(
        parsed,
        pool_pre_ping=True,
        pool_size=10,
        max_overflow=10,
        pool_timeout=30,
        connect_args={"connect_timeout": 10},  # /ready answers 503 rather than hanging
    )


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"
