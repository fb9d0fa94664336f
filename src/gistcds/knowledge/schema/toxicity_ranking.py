"""Schema of ``toxicity_ranking.yaml``: how the tolerance facts change the ranked options.

Each rule names one effect the ``toxicity.ranking`` module implements and the caution it
shows (``message`` placeholders: ``{drug}``, ``{grade}``, ``{dose}``, ``{reduced}``,
``{lowest}``, ``{text}``); the dose levels, the text below the lowest level and the
interruption caution come from the drug's label table (``toxicity_dose_modifications.yaml``).
"""

from typing import Literal

from pydantic import Field, model_validator

from gistcds.knowledge import Cited, KBModel

__all__ = ["Effect", "Rule", "Table"]

Effect = Literal[
    "severe_event_dose",
    "intolerance_without_progression",
    "below_lowest_level",
    "interruption",
    "current_event_discontinue",
    "grade5_recorded",
]


class Rule(Cited):
    id: str = Field(pattern=r"^TR-[0-9]{2}$")
    effect: Effect
    min_grade: int | None = Field(
        default=None, ge=1, le=5, description="severe_event_dose: the grade from which it applies"
    )
    code: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    severity: Literal["info", "warning", "critical"] = "warning"
    message: str = Field(min_length=1)
    note: str | None = None


class Table(KBModel):
    rules: list[Rule] = Field(min_length=1)

    @model_validator(mode="after")
    def _one_rule_per_effect(self) -> "Table":
        effects = [r.effect for r in self.rules]
        if len(effects) != len(set(effects)):
            raise ValueError("one rule per effect")
        return self

    def rule(self, effect: Effect) -> Rule | None:
        return next((r for r in self.rules if r.effect == effect), None)
