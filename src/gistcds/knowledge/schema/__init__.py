"""Schemas (pydantic) of the knowledge-base tables: one module per <name>.yaml, exporting Table."""

__all__: list[str] = []
