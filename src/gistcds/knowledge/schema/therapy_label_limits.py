"""Schema of ``therapy_label_limits.yaml``: what each drug label restricts for the patient's
organ function or pregnancy, as data the ranking applies (no per-drug code).

A restriction is a condition over ClinicalFacts (``hepatic_class``, ``creatinine_clearance_ml_min``,
``pregnant``...) and a level:

- ``not_recommended`` / ``contraindicated``: an option with the drug is never ranked first
  and never the only treatment option; it stays listed, after the unrestricted options,
  marked with the label's statement;
- ``not_established``: the label has no dose or data for this group ("not studied"): the
  option keeps its place and is marked so;
- ``dose_ceiling``: options above ``max_dose_mg_per_day`` are not offered (the label does
  not recommend higher doses for this group);
- ``advice``: the label advises the patient, not against the drug (breast-feeding: stop it
  during treatment and for an interval after the last dose): the option keeps its place, is
  marked, and its caution is given; it does not count as a restricted option (the patient,
  not the label, decides).

When the restrictions leave no unrestricted treatment option, the ``no_suitable_option``
options (supportive care, clinical-trial referral) come first and say why.
"""

from typing import Literal

from pydantic import Field, model_validator

from gistcds.domain.empty import new_dict
from gistcds.knowledge import Cited, KBModel
from gistcds.knowledge.conditions import Condition, check_condition
from gistcds.knowledge.references import ref
from gistcds.knowledge.schema.therapy_rules import THERAPY_FACTS, OptionSpec

Level = Literal["contraindicated", "not_recommended", "not_established", "dose_ceiling", "advice"]
DEMOTING: frozenset[str] = frozenset({"contraindicated", "not_recommended"})
"""Levels that keep an option from the first place and from standing alone."""
UNRESTRICTING: frozenset[str] = frozenset({"dose_ceiling", "advice"})
"""Levels that leave an offered option unrestricted (no supportive-care block for them)."""


class Restriction(Cited):
    """One label statement for one drug and one patient group."""

    id: str = Field(pattern=r"^LBL-[a-z0-9-]+$")
    drug: str = ref("drug", description="INN, lower case")
    when: Condition
    level: Level
    max_dose_mg_per_day: float | None = Field(default=None, gt=0)
    label: str = Field(min_length=1, description="short statement shown on the option")
    message: str = Field(min_length=1, description="the caution: what the label says, and why")
    severity: Literal["info", "warning", "critical"] = "warning"
    code: str | None = Field(
        default=None,
        pattern=r"^[a-z0-9_]+$",
        description="caution code; default label_<level>_<drug>",
    )
    note: str | None = Field(default=None, description="where the label wording was read")

    @model_validator(mode="after")
    def _ceiling(self) -> "Restriction":
        if (self.level == "dose_ceiling") != (self.max_dose_mg_per_day is not None):
            raise ValueError(f"{self.id}: max_dose_mg_per_day goes with level dose_ceiling only")
        check_condition(self.when, THERAPY_FACTS, f"restriction {self.id}")
        return self


class BlockOption(OptionSpec):
    """An option of the no-suitable-option block, for the patients its ``when`` matches."""

    when: Condition = Field(default_factory=new_dict)

    @model_validator(mode="after")
    def _when(self) -> "BlockOption":
        check_condition(self.when, THERAPY_FACTS, f"no_suitable_option {self.title!r}")
        return self


class Table(KBModel):
    restrictions: list[Restriction]
    no_suitable_option: list[BlockOption] = Field(
        min_length=1,
        description="options put first when the restrictions leave no unrestricted "
        "treatment option; {reasons} in a rationale becomes the labels' statements",
    )

    @model_validator(mode="after")
    def _unique(self) -> "Table":
        ids = [r.id for r in self.restrictions]
        if len(ids) != len(set(ids)):
            raise ValueError("duplicate label restriction id")
        return self
