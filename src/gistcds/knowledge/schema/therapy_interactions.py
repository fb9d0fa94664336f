"""Schema of ``therapy_interactions.yaml``: CYP3A4 perpetrators and each TKI label's advice."""

from typing import Literal

from pydantic import Field

from gistcds.domain.empty import new_list
from gistcds.knowledge import Cited, KBModel
from gistcds.knowledge.references import ref

Effect = Literal[
    "strong_cyp3a4_inducer",
    "moderate_cyp3a4_inducer",
    "strong_cyp3a4_inhibitor",
    "moderate_cyp3a4_inhibitor",
]


class Agent(Cited):
    """A comedication (or food/herb) that changes CYP3A4 activity; names match case-blind."""

    name: str
    synonyms: list[str] = Field(default_factory=new_list)
    effect: Effect
    note: str | None = Field(default=None, description="where the class was checked")


class LabelRule(Cited):
    """What a drug's label says to do with one class of CYP3A4 perpetrator."""

    drug: str = ref("drug")
    effect: Effect
    message: str = Field(description="must name CYP3A4; {agent} is replaced by the comedication")
    severity: Literal["info", "warning", "critical"] = "warning"
    note: str | None = Field(default=None, description="where the label wording was read")


class OpposingRule(Cited):
    """What is said when a drug in play meets a CYP3A4 inducer and an inhibitor together."""

    message: str = Field(
        description="{drug}, {inducers} and {inhibitors} are filled in; must say what is unknown"
    )
    note: str | None = None


class Table(KBModel):
    agents: list[Agent]
    label_rules: list[LabelRule]
    opposing_effects: OpposingRule | None = None
