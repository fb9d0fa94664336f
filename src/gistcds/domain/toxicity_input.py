"""Input models for side effects: ``adverse_events[]`` and ``cardiac`` (CONTRACT.md additions).

An adverse event names its CTCAE v5.0 term exactly as the knowledge base's
``ctcae_terms.yaml`` lists it (case and spacing forgiven, a listed synonym accepted
and replaced by the term). An unknown term is refused with the nearest valid terms
suggested, so a typo never turns into "no rule found".

The domain does not read the knowledge base: the vocabulary comes in through the
validation context (``context={TERMS_CONTEXT: vocabulary}``), which ``gistcds.io``'s
readers fill from the KB. A record with adverse events validated without a vocabulary is
refused (the term cannot be checked), never accepted unchecked.
"""

import datetime as dt
from typing import Any, Protocol, runtime_checkable

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from gistcds.domain.input_types import Number, Text, WholeNumber, whole_number

__all__ = ["TERMS_CONTEXT", "AdverseEvent", "Cardiac", "TermVocabulary"]

TERMS_CONTEXT = "ctcae_terms"
"""Key of the CTCAE vocabulary in the pydantic validation context."""


@runtime_checkable
class TermVocabulary(Protocol):
    """What validation needs of the CTCAE vocabulary (the KB's ``ctcae_terms`` table)."""

    def canonical_term(self, text: str) -> str:
        """The vocabulary's spelling of a term, or ValueError naming the nearest terms."""
        ...


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


def _canonical_term(value: str, info: ValidationInfo) -> str:
    ctx = info.context if isinstance(info.context, dict) else {}
    vocabulary = ctx.get(TERMS_CONTEXT)
    if not isinstance(vocabulary, TermVocabulary):
        raise ValueError(
            "cannot be checked: no CTCAE vocabulary in the validation context "
            "(read the record with gistcds.io.patient_json.patient_from_obj)"
        )
    return vocabulary.canonical_term(value)


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
    def _known_term(cls, v: str, info: ValidationInfo) -> str:
        return _canonical_term(v, info)

    @field_validator("grade", "recurrence", mode="before")
    @classmethod
    def _whole(cls, v: Any) -> Any:
        return v if v is None else whole_number(v)

    @field_validator("drug", mode="before")
    @classmethod
    def _lower_drug(cls, v: Any) -> Any:
        return v.strip().lower() if isinstance(v, str) else v

    @model_validator(mode="after")
    def _dates_in_order(self, info: ValidationInfo) -> "AdverseEvent":
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
