"""Schema of ``therapy_hepatic.yaml``: each TKI label's dosing statement for hepatic impairment."""

from typing import Literal

from pydantic import Field, model_validator

from gistcds.knowledge import Cited, KBModel
from gistcds.knowledge.references import ref

Category = Literal["mild", "moderate", "severe"]


class LabelRule(Cited):
    """What one drug's label says for one or more hepatic-impairment categories."""

    id: str = Field(pattern=r"^HEP-[a-z0-9-]+$", description="rule id shown in the caution")
    drug: str = ref("drug", description="INN, lower case")
    categories: list[Category] = Field(min_length=1)
    classification: str = Field(
        min_length=1, description="how the label grades impairment (Child-Pugh, NCI-ODWG)"
    )
    grading: Literal["child_pugh", "bilirubin_ast"] = Field(
        default="bilirubin_ast",
        description="child_pugh: the rule reads only a recorded grade (Child-Pugh needs more "
        "than laboratory values); bilirubin_ast: it also reads the grade derived from the "
        "recorded bilirubin (history.yaml hepatic_class) when no grade is recorded",
    )
    message: str = Field(
        description="the label's statement; {category} is replaced by the patient's category "
        "and {dose} by the dose(s) the recommended options propose for the drug"
    )
    severity: Literal["info", "warning", "critical"] = "warning"
    note: str | None = Field(default=None, description="where the label wording was read")


class Table(KBModel):
    rules: list[LabelRule]

    @model_validator(mode="after")
    def _one_rule_per_cell(self) -> "Table":
        ids = [r.id for r in self.rules]
        if len(ids) != len(set(ids)):
            raise ValueError("duplicate hepatic rule id")
        cells = [(r.drug, c) for r in self.rules for c in r.categories]
        dup = sorted({c for c in cells if cells.count(c) > 1})
        if dup:
            raise ValueError(f"more than one hepatic rule for {dup}")
        return self
