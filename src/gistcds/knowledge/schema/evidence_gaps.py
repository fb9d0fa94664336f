"""Schema of ``evidence_gaps.yaml``: the open questions of the evidence review.

Each gap names what could not be read or decided and why; ``source_ids`` point at the
texts concerned (they must resolve like any citation). A gap has no ``confidence``: it
states what the review did not establish, so ``gistcds kb stats`` does not count it.
"""

from typing import Literal

from pydantic import Field

from gistcds.knowledge import KBModel

__all__ = ["Gap", "Table"]


class Gap(KBModel):
    id: str = Field(pattern=r"^[A-Z]+-[0-9]+$")
    topic: str = Field(min_length=1)
    question: str = Field(min_length=1)
    why: str = Field(min_length=1, description="why it stays open")
    effect: str = Field(min_length=1, description="what the output does meanwhile")
    kind: Literal["unreadable", "not_found", "conflict", "not_decided"]
    source_ids: list[str] = Field(min_length=1, description="the texts concerned")


class Table(KBModel):
    gaps: list[Gap]
