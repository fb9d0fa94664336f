"""Schema of ``toxicity_dose_modifications.yaml``: each drug's label dose-modification table,
one row per (event group, grade, occurrence), in the order the engine tries them."""

from typing import Literal

from pydantic import Field, model_validator

from gistcds.domain.empty import new_dict, new_list
from gistcds.knowledge import Cited, KBModel
from gistcds.knowledge.references import ref

Action = Literal["continue", "hold", "reduce", "discontinue"]
ResumeDose = Literal["same", "reduced", "none"]
LabTest = Literal[
    "alt_x_uln",
    "transaminases_x_uln",  # the higher of ALT and AST x ULN: rows that say "AST or ALT"
    "bilirubin_x_uln",
    "platelets_10e9_per_l",
    "anc_10e9_per_l",
]


class LabCondition(KBModel):
    """A laboratory criterion a row needs besides the grade (all of a row's must hold)."""

    test: LabTest
    above: float | None = None
    below: float | None = None

    @model_validator(mode="after")
    def _one_bound(self) -> "LabCondition":
        if (self.above is None) == (self.below is None):
            raise ValueError("give exactly one of above / below")
        return self


class Rule(Cited):
    id: str = Field(pattern=r"^[A-Z]+-[0-9]{2}[a-z]?$")
    groups: list[str] = Field(
        min_length=1, description='event groups (ctcae_terms.yaml), or ["*"] for any other'
    )
    grades: list[int] = Field(min_length=1)
    occurrence_min: int = Field(default=1, ge=1)
    occurrence_max: int | None = Field(default=None, ge=1)
    doses: list[float] | None = Field(
        default=None, description="current daily doses the row applies to (null = any)"
    )
    labs: list[LabCondition] = Field(default_factory=new_list)
    action: Action
    resume_dose: ResumeDose = Field(
        description="same = the dose before the event; reduced = one label level lower; "
        "none = no resumption dose (discontinued, or the label leaves it open)"
    )
    resume_when: str | None = None
    text: str = Field(min_length=1, description="the label's instruction, paraphrased")
    evidence: str = Field(min_length=1, description="where in which label, e.g. US PI 2.2")

    @model_validator(mode="after")
    def _coherent(self) -> "Rule":
        if any(g < 1 or g > 5 for g in self.grades):
            raise ValueError(f"{self.id}: grades must be 1-5")
        if self.occurrence_max is not None and self.occurrence_max < self.occurrence_min:
            raise ValueError(f"{self.id}: occurrence_max below occurrence_min")
        if self.action == "discontinue" and self.resume_dose != "none":
            raise ValueError(f"{self.id}: a discontinuation has no resumption dose")
        if self.action == "reduce" and self.resume_dose != "reduced":
            raise ValueError(f"{self.id}: a reduction resumes at the reduced dose")
        return self


class Caution(Cited):
    """A caution shown with every hold or discontinuation of the drug in advanced disease."""

    text: str = Field(min_length=1)


class DrugTable(Cited):
    drug: str = ref("drug", pattern=r"^[a-z][a-z0-9-]*$")
    start_dose: float = Field(gt=0, description="the label's GIST starting dose, mg/day")
    levels: list[float] = Field(min_length=1, description="label dose levels, highest first")
    below_lowest: Literal["discontinue", "flag"] = Field(
        description="a reduction below the lowest level: the label says stop, or no level "
        "is given (flagged for the treating team)"
    )
    below_lowest_text: str
    schedule: dict[str, str] = Field(
        default_factory=new_dict, description="dose (as text) -> schedule words"
    )
    interruption_caution: Caution | None = Field(
        default=None, description="shown when the drug is held or stopped in metastatic disease"
    )
    rules: list[Rule] = Field(min_length=1)

    @model_validator(mode="after")
    def _levels_ordered(self) -> "DrugTable":
        if self.levels != sorted(self.levels, reverse=True):
            raise ValueError(f"{self.drug}: levels must be highest first")
        if self.start_dose not in self.levels:
            raise ValueError(f"{self.drug}: start_dose must be one of the levels")
        ids = [r.id for r in self.rules]
        if len(ids) != len(set(ids)):
            raise ValueError(f"{self.drug}: duplicate rule id")
        return self


class Table(KBModel):
    drugs: list[DrugTable] = Field(min_length=1)

    def for_drug(self, drug: str) -> DrugTable | None:
        return next((d for d in self.drugs if d.drug == drug), None)
