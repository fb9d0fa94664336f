"""Input models for side effects: ``adverse_events[]`` and ``cardiac`` (CONTRACT.md additions).

An adverse event names its CTCAE v5.0 term exactly as the knowledge base's
``ctcae_terms.yaml`` lists it (case and spacing forgiven, a listed synonym accepted
and replaced by the term). An unknown term is refused with the nearest valid terms
suggested, so a typo never turns into "no rule found".
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from gistcds.domain.input_types import Number, Text, WholeNumber, whole_number

__all__ = ["AdverseEvent", "Cardiac"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


def _canonical_term(value: str) -> str:
    """The KB's spelling of a CTCAE term, or ValueError naming the nearest terms."""
    from gistcds.knowledge import load_kb
    from gistcds.knowledge.schema.ctcae_terms import Table

    vocabulary = load_kb().get(Table)
    found = vocabulary.resolve(value)
    if found is not None:
        return found.term
    near = vocabulary.suggest(value)
    hint = f"; did you mean {' or '.join(repr(t) for t in near)}?" if near else ""
    raise ValueError(f"not a CTCAE v{vocabulary.version} term known to gistcds{hint}")


class AdverseEvent(_Strict):
    """One adverse event graded by CTCAE v5.0, attributed to a drug when known."""

    term: Text = Field(
        min_length=1,
        max_length=200,
        description='CTCAE v5.0 term, e.g. "Neutrophil count decreased", "Edema limbs", '
        '"Palmar-plantar erythrodysesthesia syndrome"; unknown terms are refused with the '
        "nearest valid terms suggested",
    )
    grade: WholeNumber = Field(ge=1, le=5, description="CTCAE grade 1-5")
    drug: Text | None = Field(
        default=None, min_length=1, max_length=64, description="INN of the suspected drug"
    )
    onset: dt.date | None = None
    resolved: dt.date | None = Field(default=None, description="null while ongoing")
    recurrence: WholeNumber | None = Field(
        default=None,
        ge=1,
        le=20,
        description="1 = first occurrence of this event on this drug, 2 = first recurrence...",
    )

    @field_validator("term")
    @classmethod
    def _known_term(cls, v: str) -> str:
        return _canonical_term(v)

    @field_validator("grade", "recurrence", mode="before")
    @classmethod
    def _whole(cls, v: Any) -> Any:
        return v if v is None else whole_number(v)

    @field_validator("drug", mode="before")
    @classmethod
    def _lower_drug(cls, v: Any) -> Any:
        return v.strip().lower() if isinstance(v, str) else v

    @model_validator(mode="after")
    def _dates_in_order(self, info: ValidationInfo) -> AdverseEvent:
        ctx = info.context if isinstance(info.context, dict) else {}
        given = ctx.get("today")
        today = given if isinstance(given, dt.date) else dt.date.today()
        for name in ("onset", "resolved"):
            value = getattr(self, name)
            if value is not None and value > today:
                raise ValueError(f"{name} must not be after today ({today.isoformat()})")
        if self.onset and self.resolved and self.resolved < self.onset:
            raise ValueError(f"resolved must not be before onset ({self.onset.isoformat()})")
        return self

    @property
    def ongoing(self) -> bool:
        return self.resolved is None


class Cardiac(_Strict):
    """Cardiac function the labels use: ejection fraction and corrected QT interval."""

    lvef_pct: Number | None = Field(
        default=None, gt=0, le=100, description="left ventricular ejection fraction, %"
    )
    qtc_ms: Number | None = Field(default=None, ge=200, le=800, description="QTc, milliseconds")
