"""Schema of ``followup.yaml``: surveillance schedules chosen by conditions over the
patient's ClinicalFacts (the language of :mod:`gistcds.knowledge.conditions`)."""

from typing import Literal

from pydantic import Field, model_validator

from gistcds.domain.empty import new_list
from gistcds.domain.facts import ClinicalFacts
from gistcds.knowledge import Cited, KBModel
from gistcds.knowledge.conditions import Condition, check_condition


class Segment(KBModel):
    """Visits every ``every_months`` from ``from_month`` to ``to_month`` inclusive."""

    from_month: float = Field(ge=0)
    to_month: float = Field(ge=0)
    every_months: float = Field(gt=0)
    exam: str

    @model_validator(mode="after")
    def _order(self) -> "Segment":
        if self.to_month < self.from_month:
            raise ValueError("to_month must not be before from_month")
        return self


class Visit(KBModel):
    month: float = Field(ge=0)
    exam: str


class ScheduleRule(Cited):
    id: str
    title: str
    when: Condition
    segments: list[Segment] = Field(default_factory=new_list)
    visits: list[Visit] = Field(default_factory=new_list)
    counts_from: Literal["now", "surgery", "adjuvant_end"] = Field(
        default="now",
        description="what the months count from: now (the assessment), surgery (the "
        "resection of the primary) or the end of adjuvant therapy",
    )
    note: str | None = None


class Table(KBModel):
    schedules: list[ScheduleRule]

    @model_validator(mode="after")
    def _check(self) -> "Table":
        known = ClinicalFacts.names()
        for s in self.schedules:
            check_condition(s.when, known, f"schedule {s.id}")
            if not s.segments and not s.visits:
                raise ValueError(f"schedule {s.id}: needs segments or visits")
        return self
