"""Schema of ``risk_rupture.yaml``: the tumour-rupture definition (Nishida 2019, Oslo criteria)."""

from pydantic import Field

from gistcds.knowledge import Cited, KBModel


class Finding(KBModel):
    code: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    description: str


class Table(Cited):
    major: list[Finding] = Field(min_length=1, description="any one of these is rupture")
    minor: list[Finding] = Field(description="defects that are not rupture")
