"""Shared base for output models."""

from pydantic import BaseModel, ConfigDict


class Out(BaseModel):
    """Output record: unknown fields refused, JSON keys are the field aliases."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, serialize_by_alias=True)
