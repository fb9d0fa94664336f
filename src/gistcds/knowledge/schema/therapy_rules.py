"""Schema of ``therapy_rules.yaml``: the therapy decision tables.

A rule is data: a condition (``when``) over the patient's ClinicalFacts (the language of
:mod:`gistcds.knowledge.conditions`), and the options and cautions it contributes. The
therapy engine only matches conditions, ranks the options it collected and renders them;
every clinical choice lives in the YAML. ``post_cautions`` may also test
``recommended_drugs`` (the drugs of the chosen options) and ``recommended_classes`` (their
classes in ``therapy_drugs.yaml``).
"""

from typing import Literal

from pydantic import Field, model_validator

from gistcds.domain.confidence import Confidence
from gistcds.domain.empty import new_dict, new_list
from gistcds.domain.facts import ClinicalFacts
from gistcds.knowledge import Cited, KBModel
from gistcds.knowledge.conditions import Condition, check_condition
from gistcds.knowledge.reading import Reading
from gistcds.knowledge.references import ref

THERAPY_FACTS = ClinicalFacts.names() | {"recommended_drugs", "recommended_classes"}
"""Fact names a therapy condition may test."""


class GuidelinePosition(KBModel):
    """One guideline's stance, attributed, where ESMO and NCCN (or others) differ."""

    guideline: str
    statement: str
    level: str | None = None
    source_ids: list[str] = Field(default_factory=new_list)
    confidence: Confidence = "secondary"


class EvidenceSpec(Cited):
    level: str = Field(description="as the source gives it: '[I, A]', 'category 2A', ...")


class RegimenSpec(KBModel):
    """One drug of a regimen. ``drug: "@last"`` is the drug of the latest line.

    The dose is a number, or taken from the patient: ``dose_from: last`` (the
    current dose) or ``reduced`` (the next lower step of the drug's label table).
    The schedule text comes from ``therapy_drugs.yaml`` unless given here.
    """

    drug: str = ref("regimen_drug")
    dose_mg_per_day: float | None = Field(default=None, gt=0)
    dose_from: Literal["last", "reduced"] | None = None
    schedule: str | None = None

    @model_validator(mode="after")
    def _one_dose(self) -> "RegimenSpec":
        if self.dose_mg_per_day is not None and self.dose_from is not None:
            raise ValueError("give dose_mg_per_day or dose_from, not both")
        return self


class OptionSpec(KBModel):
    kind: Literal["systemic", "local", "trial", "diagnostic", "supportive", "surveillance"]
    rank: int = Field(ge=0, description="lower is better; ties keep table order")
    title: str
    line: int | Literal["current", "next"] | None = None
    regimen: list[RegimenSpec] = Field(default_factory=new_list)
    evidence: EvidenceSpec
    rationale: str
    positions: list[GuidelinePosition] = Field(default_factory=new_list)


class CautionSpec(Cited):
    code: str
    message: str
    severity: Literal["info", "warning", "critical"] = "warning"


class Rule(Cited):
    id: str
    title: str
    when: Condition
    options: list[OptionSpec] = Field(default_factory=new_list)
    cautions: list[CautionSpec] = Field(default_factory=new_list)
    readings: list[Reading] = Field(
        default_factory=new_list, description="guideline/trial texts read to verify the rule"
    )
    adjunct: bool = Field(
        default=False,
        description="options added beside the answer (e.g. screening): they do not count "
        "as an answer, so the fallback still shows when no other rule applies",
    )


class Exclusion(Cited):
    """Drugs a genotype makes useless: removed from every option, with a caution."""

    id: str
    when: Condition
    drugs: list[str] = ref("drug", min_length=1)
    caution: CautionSpec
    readings: list[Reading] = Field(default_factory=new_list)


class Table(KBModel):
    unknown_drug_caution: CautionSpec | None = Field(
        default=None,
        description="emitted when a therapy line names a drug the knowledge base does not "
        "know; {paths} is replaced by the JSON paths",
    )
    dose_above_label_caution: CautionSpec | None = Field(
        default=None,
        description="emitted when a therapy line's recorded dose is above the drug's "
        "label_max_mg_per_day (therapy_drugs.yaml); {paths} is replaced by the lines",
    )
    groups: dict[str, list[str]] = Field(
        default_factory=new_dict, description="named lists, referenced with YAML anchors"
    )
    rules: list[Rule]
    exclusions: list[Exclusion] = Field(default_factory=new_list)
    post_cautions: list[Rule] = Field(
        default_factory=new_list,
        description="evaluated after the options are chosen (facts recommended_drugs and "
        "recommended_classes are set)",
    )
    fallback: OptionSpec
    resistant_drug_caution: CautionSpec | None = Field(
        default=None,
        description="emitted for each listed drug the genotype engine calls resistant; "
        "{drug} is replaced",
    )

    @model_validator(mode="after")
    def _check(self) -> "Table":
        known = THERAPY_FACTS
        ids: set[str] = set()
        for r in [*self.rules, *self.post_cautions]:
            if r.id in ids:
                raise ValueError(f"duplicate rule id {r.id!r}")
            ids.add(r.id)
            check_condition(r.when, known, f"rule {r.id}")
        for e in self.exclusions:
            check_condition(e.when, known, f"exclusion {e.id}")
        return self
