"""Schema of ``toxicity_management.yaml``: published supportive measures per event group,
for one drug or for every drug (``drugs: ["*"]``), from a grade on."""

from pydantic import Field

from gistcds.knowledge import Cited, KBModel


class Measure(Cited):
    id: str = Field(pattern=r"^[A-Z]+-[0-9]{2}$")
    groups: list[str] = Field(min_length=1)
    drugs: list[str] = Field(min_length=1, description='INNs, or ["*"] for any drug')
    min_grade: int = Field(default=1, ge=1, le=5)
    max_grade: int = Field(default=5, ge=1, le=5)
    text: str = Field(min_length=1)


class Table(KBModel):
    measures: list[Measure] = Field(min_length=1)
