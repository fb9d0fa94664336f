"""Alembic environment: runs on the connection the store hands over (``store.migrate``)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, text

from gistcds.store.engine import WRITE_OPTION, make_engine
from gistcds.store.models import Base

# Any 64-bit number will do; it only has to be the same for every gistcds process.
PG_MIGRATION_LOCK = 0x6769737463647331


def run(connection: Connection) -> None:
    """Run the pending migrations in one transaction, one migrator at a time."""
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": PG_MIGRATION_LOCK})
        context.run_migrations()


def main() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        run(connection)
        return
    engine = make_engine(context.config.get_main_option("sqlalchemy.url"))
    with engine.connect() as conn:
        run(conn.execution_options(**{WRITE_OPTION: True}))
        conn.commit()
    engine.dispose()


main()
