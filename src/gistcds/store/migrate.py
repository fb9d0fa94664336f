"""Alembic migrations shipped inside the package: ``gistcds db upgrade`` and the serve start-up."""

from __future__ import annotations

import threading
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from gistcds.store.engine import WRITE_OPTION

MIGRATIONS = Path(__file__).parent / "migrations"
# Alembic keeps its running context in module globals: one migration per process at a time
# (across processes: BEGIN IMMEDIATE on SQLite, an advisory lock on PostgreSQL).
_LOCK = threading.Lock()


def _config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def head_revision() -> str:
    """The newest revision this program ships."""
    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (None: never migrated)."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database to ``revision`` in one transaction (safe to run concurrently)."""
    cfg = _config()
    with _LOCK, engine.connect() as conn:
        conn = conn.execution_options(**{WRITE_OPTION: True})
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
        conn.commit()


def is_current(engine: Engine) -> bool:
    return current_revision(engine) == head_revision()
