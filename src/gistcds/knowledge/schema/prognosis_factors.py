"""Schema of ``prognosis_factors.yaml``: published prognostic factors and hazard ratios.

A factor with ``hazard_ratio: null`` is known only by its direction; it is listed for the
clinician and never applied. ``condition`` says when a patient has the factor;
``requires_arm_group`` / ``requires_arm_dose`` say against which baseline the HR was
estimated, so it is applied only on top of a matching arm (never double-counted).
"""

from typing import Literal

from pydantic import Field, model_validator

from gistcds.domain.empty import new_list
from gistcds.domain.results.prognosis import Endpoint
from gistcds.knowledge import Cited, KBModel
from gistcds.knowledge.references import ref

OPTION_FIELDS = ("dose_mg_per_day",)
"""Fields a condition may test besides the ClinicalFacts: the option's own daily dose."""


class Condition(KBModel):
    """``field op value``; ``op: unknown_threshold`` when the source gives no cut-off.

    ``field`` names a ClinicalFacts field (history engine: ``age_years``, ``site``,
    ``genotype``, ``albumin_g_per_l`` ...) or one of ``OPTION_FIELDS``; the knowledge
    base's reference pass checks the name and, for ``eq``/``in``, the values' type."""

    field: str = ref("fact", pattern=r"^[a-z0-9_]+$")
    op: Literal["eq", "in", "ge", "gt", "le", "lt", "unknown_threshold"]
    value: float | str | list[str] | None = None

    @model_validator(mode="after")
    def _value_present(self) -> "Condition":
        if self.op != "unknown_threshold" and self.value is None:
            raise ValueError(f"op {self.op!r} needs a value")
        return self


class Factor(Cited):
    id: str = Field(pattern=r"^[a-z0-9_]+$")
    label: str
    dimension: str = Field(description="what the factor is about: sex, ecog, dose, genotype ...")
    endpoints: list[Endpoint] = Field(min_length=1)
    direction: Literal["adverse", "favourable"]
    hazard_ratio: float | None = Field(default=None, gt=0)
    hr_ci: tuple[float, float] | None = None
    estimate: Literal["multivariable", "univariable", "derived", "randomised"] | None = None
    conditions: list[Condition] = Field(min_length=1, description="all must hold")
    drugs: list[str] = ref("drug", min_length=1, description="context in which it was measured")
    lines: list[int] = Field(min_length=1)
    requires_arm_group: str | None = ref("prognosis_group", default=None)
    requires_arm_dose: float | None = None
    note: str | None = None


class OutsideTrials(Cited):
    """A patient state the survival trials did not enrol (issue 12): estimates for such a
    patient carry a caveat. ``fact`` is a ClinicalFacts field (history engine); the
    reference pass checks the name and, for ``eq``, the value's type."""

    id: str = Field(pattern=r"^[a-z0-9_]+$")
    label: str
    fact: str = ref("clinical_fact", pattern=r"^[a-z0-9_]+$")
    op: Literal["eq", "ge", "lt"]
    value: float | str
    evidence: str = Field(description="what the sources say about the trials, in words")
    note: str | None = None


class Table(KBModel):
    factors: list[Factor]
    outside_trial_populations: list[OutsideTrials] = Field(default_factory=new_list)

    @model_validator(mode="after")
    def _unique(self) -> "Table":
        ids = [f.id for f in self.factors]
        dup = {i for i in ids if ids.count(i) > 1}
        if dup:
            raise ValueError(f"duplicate factor ids: {sorted(dup)}")
        return self
