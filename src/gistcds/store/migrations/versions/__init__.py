"""Alembic revision scripts, one per schema version; Alembic loads them by path."""

__all__: list[str] = []
