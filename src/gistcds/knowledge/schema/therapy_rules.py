"""Schema of ``therapy_rules.yaml``: the therapy decision tables.

A rule is data: a condition (``when``) over named facts, and the options and
cautions it contributes. The therapy engine only matches conditions, ranks the
options it collected and renders them; every clinical choice lives in the YAML.

Condition language (also used by ``followup.yaml``)::

    when:
      genotype: {in: [KIT_exon11, KIT_exon13]}   # fact -> matcher
      setting: metastatic                         # a bare value means {eq: value}
      max_dose.imatinib: {lt: 800}                # dotted paths index mappings
      any_of: [{...}, {...}]                      # at least one sub-condition holds
      all_of: [{...}, {...}]                      # every sub-condition holds
      not: {...}                                  # the sub-condition does not hold

Matcher operators: eq, ne, in, not_in, lt, le, gt, ge (numbers; a missing value
never satisfies them), contains, not_contains, contains_any, contains_all,
contains_none (list facts), is_null (true/false).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, model_validator

from gistcds.domain.confidence import Confidence
from gistcds.knowledge import Cited, KBModel
from gistcds.knowledge.reading import Reading

OPERATORS = frozenset(
    {
        "eq",
        "ne",
        "in",
        "not_in",
        "lt",
        "le",
        "gt",
        "ge",
        "contains",
        "not_contains",
        "contains_any",
        "contains_all",
        "contains_none",
        "is_null",
    }
)
COMBINATORS = frozenset({"any_of", "all_of", "not"})

# Facts the engine computes from the inputs (gistcds.therapy.facts documents each).
ENGINE_FACTS = frozenset(
    {
        "genotype",
        "secondary_regions",
        "sensitivity",
        "setting",
        "resection",
        "rupture",
        "site",
        "risk_nih",
        "risk_modified_nih",
        "risk_afip",
        "ecog",
        "kit_pdgfra_tested_negative",
        "kit_pdgfra_tested",
        "sdhb_ihc",
        "n_lines",
        "drugs_received",
        "drugs_progressed",
        "drugs_intolerant",
        "adjuvant_drugs",
        "adjuvant_ongoing",
        "last_drug",
        "last_dose",
        "last_stop",
        "last_pattern",
        "last_best_response",
        "last_dose_reducible",
        "max_dose",
        "latest_recist",
        "latest_choi",
        "latest_discordance",
        "latest_target",
        "latest_note_kinds",
        "adjuvant_last_stop",
        "neoadjuvant_given",
        "neoadjuvant_ongoing",
        "nodes",
        "unknown_drugs",
        "comedication_effects",
        "pregnant",
        "recommended_drugs",
    }
)

Condition = dict[str, Any]


def check_condition(cond: Any, known: frozenset[str], where: str = "when") -> None:
    """Raise ValueError naming the first unknown fact or operator in a condition."""
    if not isinstance(cond, dict):
        raise ValueError(f"{where}: a condition must be a mapping, got {cond!r}")
    for key, spec in cond.items():
        if key in ("any_of", "all_of"):
            if not isinstance(spec, list) or not spec:
                raise ValueError(f"{where}.{key}: must be a non-empty list of conditions")
            for i, sub in enumerate(spec):
                check_condition(sub, known, f"{where}.{key}[{i}]")
            continue
        if key == "not":
            check_condition(spec, known, f"{where}.not")
            continue
        if key.split(".")[0] not in known:
            raise ValueError(f"{where}: unknown fact {key!r}")
        if isinstance(spec, dict):
            bad = set(spec) - OPERATORS
            if bad:
                raise ValueError(f"{where}.{key}: unknown operator(s) {sorted(bad)}")


class GuidelinePosition(KBModel):
    """One guideline's stance, attributed, where ESMO and NCCN (or others) differ."""

    guideline: str
    statement: str
    level: str | None = None
    source_ids: list[str] = Field(default_factory=list)
    confidence: Confidence = "secondary"


class EvidenceSpec(Cited):
    level: str = Field(description="as the source gives it: '[I, A]', 'category 2A', ...")


class RegimenSpec(KBModel):
    """One drug of a regimen. ``drug: "@last"`` is the drug of the latest line.

    The dose is a number, or taken from the patient: ``dose_from: last`` (the
    current dose) or ``reduced`` (the next lower step of the drug's label table).
    The schedule text comes from ``therapy_drugs.yaml`` unless given here.
    """

    drug: str
    dose_mg_per_day: float | None = Field(default=None, gt=0)
    dose_from: Literal["last", "reduced"] | None = None
    schedule: str | None = None

    @model_validator(mode="after")
    def _one_dose(self) -> RegimenSpec:
        if self.dose_mg_per_day is not None and self.dose_from is not None:
            raise ValueError("give dose_mg_per_day or dose_from, not both")
        return self


class OptionSpec(KBModel):
    kind: Literal["systemic", "local", "trial", "diagnostic", "supportive", "surveillance"]
    rank: int = Field(ge=0, description="lower is better; ties keep table order")
    title: str
    line: int | Literal["current", "next"] | None = None
    regimen: list[RegimenSpec] = Field(default_factory=list)
    evidence: EvidenceSpec
    rationale: str
    positions: list[GuidelinePosition] = Field(default_factory=list)


class CautionSpec(Cited):
    code: str
    message: str
    severity: Literal["info", "warning", "critical"] = "warning"


class Derived(Cited):
    """A computed fact: the first entry of a name whose condition holds sets it."""

    name: str
    value: Any
    when: Condition = Field(default_factory=dict)
    note: str | None = None


class Rule(Cited):
    id: str
    title: str
    when: Condition
    options: list[OptionSpec] = Field(default_factory=list)
    cautions: list[CautionSpec] = Field(default_factory=list)
    readings: list[Reading] = Field(
        default_factory=list, description="guideline/trial texts read to verify the rule"
    )


class Exclusion(Cited):
    """Drugs a genotype makes useless: removed from every option, with a caution."""

    id: str
    when: Condition
    drugs: list[str] = Field(min_length=1)
    caution: CautionSpec
    readings: list[Reading] = Field(default_factory=list)


class HistoryPolicy(Cited):
    """How the recorded lines become the advanced-disease history the rules read."""

    progression_on_perioperative_counts: bool = Field(
        description="an adjuvant/neoadjuvant line that ended in progression (relapse on the "
        "drug) is part of the advanced-disease history: the relapse happened on that drug"
    )
    note: str | None = None


class Table(KBModel):
    history: HistoryPolicy | None = None
    unknown_drug_caution: CautionSpec | None = Field(
        default=None,
        description="emitted when a therapy line names a drug the knowledge base does not "
        "know; {paths} is replaced by the JSON paths",
    )
    groups: dict[str, list[str]] = Field(
        default_factory=dict, description="named lists, referenced with YAML anchors"
    )
    derived: list[Derived] = Field(default_factory=list)
    rules: list[Rule]
    exclusions: list[Exclusion] = Field(default_factory=list)
    post_cautions: list[Rule] = Field(
        default_factory=list,
        description="evaluated after the options are chosen (fact recommended_drugs is set)",
    )
    fallback: OptionSpec
    resistant_drug_caution: CautionSpec | None = Field(
        default=None,
        description="emitted for each listed drug the genotype engine calls resistant; "
        "{drug} is replaced",
    )

    @model_validator(mode="after")
    def _check(self) -> Table:
        known = ENGINE_FACTS | {d.name for d in self.derived}
        ids: set[str] = set()
        for d in self.derived:
            check_condition(d.when, known, f"derived {d.name}")
        for r in [*self.rules, *self.post_cautions]:
            if r.id in ids:
                raise ValueError(f"duplicate rule id {r.id!r}")
            ids.add(r.id)
            check_condition(r.when, known, f"rule {r.id}")
        for e in self.exclusions:
            check_condition(e.when, known, f"exclusion {e.id}")
        return self
