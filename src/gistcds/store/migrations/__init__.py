"""Alembic migrations of the gistcds store (env.py and the versions/ scripts)."""

__all__: list[str] = []
