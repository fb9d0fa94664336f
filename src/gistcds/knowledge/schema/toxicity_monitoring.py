"""Schema of ``toxicity_monitoring.yaml``: the checks each drug's label asks for, and when."""

from pydantic import Field

from gistcds.knowledge import Cited, KBModel
from gistcds.knowledge.references import ref


class Check(Cited):
    drug: str = ref("drug", pattern=r"^[a-z][a-z0-9-]*$")
    test: str = Field(min_length=1)
    when: str = Field(min_length=1)


class Table(KBModel):
    checks: list[Check] = Field(min_length=1)
