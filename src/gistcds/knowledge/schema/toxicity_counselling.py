"""Schema of ``toxicity_counselling.yaml``: per drug, the side effects to expect with the
rates the pivotal trial or the label reports (null where no rate was found, never guessed),
advice for the clinician and the same in plain words for the patient leaflet."""

from pydantic import Field

from gistcds.knowledge import Cited, KBModel
from gistcds.knowledge.references import ref


class Effect(Cited):
    effect: str = Field(min_length=1)
    any_grade_pct: float | None = Field(default=None, ge=0, le=100)
    grade3plus_pct: float | None = Field(default=None, ge=0, le=100)
    population: str = Field(min_length=1, description="trial or label data set the rate is from")
    advice: str = Field(min_length=1)
    plain_effect: str = Field(min_length=1, description="the effect in plain words")
    plain_advice: str = Field(min_length=1, description="what the patient can do, plain words")


class DrugCounselling(Cited):
    drug: str = ref("drug", pattern=r"^[a-z][a-z0-9-]*$")
    plain_name: str = Field(min_length=1, description="how the leaflet names the medicine")
    plain_how_to_take: str = Field(min_length=1)
    call_team: list[str] = Field(min_length=1, description="when to call the team, plain words")
    effects: list[Effect] = Field(min_length=1)


class Table(KBModel):
    drugs: list[DrugCounselling] = Field(min_length=1)
