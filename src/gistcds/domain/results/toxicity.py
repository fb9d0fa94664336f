"""Side effects (toxicity/ engine fills these): label dose modifications for current adverse
events, counselling with cited rates, monitoring, and the plain-language guide per drug."""

from typing import Literal

from pydantic import Field

from gistcds.domain.confidence import Confidence
from gistcds.domain.empty import new_list
from gistcds.domain.results.base import Out

Action = Literal["continue", "hold", "reduce", "discontinue"]


class ToxicityAdvice(Out):
    """What the drug's label says to do about one current adverse event."""

    event: str = Field(description="CTCAE v5.0 term")
    grade: int
    drug: str
    action: Action
    dose_mg_per_day: float | None = Field(
        description="dose to resume at or continue with; null when held without a "
        "resumption dose or discontinued"
    )
    schedule: str | None
    resume_when: str | None
    management: list[str] = Field(default_factory=new_list, description="supportive measures")
    evidence: str = Field(description="which label, which section")
    confidence: Confidence
    source_ids: list[str] = Field(min_length=1)
    rule_id: str
    occurrence: int = Field(description="1 = first episode of this event group on this drug")
    label_text: str = Field(description="the label's instruction, paraphrased")
    flags: list[str] = Field(
        default_factory=new_list, description="what the team must decide or check"
    )


class CounsellingItem(Out):
    """One side effect to discuss, with the rate its source reports (null: none found)."""

    drug: str
    effect: str
    any_grade_pct: float | None
    grade3plus_pct: float | None
    population: str
    advice: str
    plain_effect: str
    plain_advice: str
    source_ids: list[str] = Field(min_length=1)
    confidence: Confidence


class MonitoringItem(Out):
    drug: str
    test: str
    when: str
    source_ids: list[str] = Field(min_length=1)
    confidence: Confidence


class PatientGuide(Out):
    """The leaflet's page for one drug: how to take it and when to call the team."""

    drug: str
    plain_name: str
    how_to_take: str
    call_team: list[str]
    current: bool = Field(description="the patient takes it now (else: it is offered)")
    source_ids: list[str] = Field(min_length=1)
