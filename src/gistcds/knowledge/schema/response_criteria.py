"""Schema of ``response_criteria.yaml``: RECIST 1.1 and Choi thresholds and rules.

Every number the response engine compares against lives here with its citation:
lesion selection limits, measurability, the RECIST and Choi cut-offs, the RECIST
overall time-point table (as rows), the Choi size reference chosen for progression,
and the plain-word messages shown when the two criteria disagree.
"""

from typing import Literal

from pydantic import Field, model_validator

from gistcds.domain.empty import new_dict, new_list
from gistcds.knowledge import Cited, KBModel

TargetState = Literal["CR", "PR", "SD", "PD", "NE", "none"]
"""Target-lesion response; ``none`` = no target lesion at baseline."""

NonTargetState = Literal["CR", "non_CR_non_PD", "PD", "NE", "none"]
"""Non-target response; ``none`` = no non-target lesion at baseline."""

Overall = Literal["CR", "PR", "SD", "PD", "NE"]


class Threshold(Cited):
    """One number with its unit and what it means."""

    value: float
    unit: Literal["pct", "mm", "count", "days"]
    meaning: str = Field(min_length=1)
    note: str | None = None


class Rule(Cited):
    """A yes/no rule (switch) with its wording."""

    applies: bool
    meaning: str = Field(min_length=1)
    note: str | None = None


class RecistRules(KBModel):
    max_targets_total: Threshold
    max_targets_per_organ: Threshold
    measurable_min_longest_diameter_mm: Threshold
    node_target_min_short_axis_mm: Threshold
    node_normal_below_short_axis_mm: Threshold
    pr_decrease_from_baseline_pct: Threshold
    pd_increase_from_nadir_pct: Threshold
    pd_increase_absolute_mm: Threshold
    sd_min_interval_days: Threshold
    partial_measurement_pd: Rule
    reappearance_after_cr_is_pd: Rule


class PdReference(Cited):
    """Which sum the Choi +10 % size rule is measured from (the open point)."""

    reference: Literal["nadir", "baseline"]
    meaning: str = Field(min_length=1)
    note: str | None = None


class ChoiRules(KBModel):
    pr_size_decrease_pct: Threshold
    pr_density_decrease_pct: Threshold
    pd_size_increase_pct: Threshold
    pd_size_reference: PdReference
    nodule_in_mass_is_pd: Rule
    non_target_progression_blocks_pr: Rule


class OverallRow(Cited):
    """One row of the RECIST 1.1 overall time-point table; first matching row wins."""

    target: list[TargetState] = Field(min_length=1)
    non_target: list[NonTargetState] = Field(min_length=1)
    new_lesions: list[bool] = Field(min_length=1, description="true: new lesions seen")
    overall: Overall
    label: str | None = Field(
        default=None, description="the table's own wording when it differs (non-CR/non-PD)"
    )


DiscordanceKind = Literal[
    "density_response_size_increase",
    "choi_response_small_shrinkage",
    "intratumoral_nodule",
    "choi_size_progression",
    "recist_non_target_progression",
    "one_not_evaluable",
    "other",
]


NoteKind = Literal["spurious_new_lesion", "density_not_recorded"]


class Message(Cited):
    """A plain-word message; ``{placeholders}`` are filled by the engine."""

    kind: str = Field(min_length=1)
    text: str = Field(min_length=1)


class ProgressionPattern(Cited):
    """How a progression is called focal (limited) or generalized."""

    focal_max_progressing_lesions: int = Field(ge=1)
    lesion_growth_pct: float = Field(gt=0)
    lesion_growth_mm: float = Field(ge=0)
    meaning: str = Field(min_length=1)
    note: str | None = None


ReadingCode = Literal[
    "response", "stable", "progression", "pseudo_progression", "review", "not_evaluable"
]


class ReadingMessage(Cited):
    """The sentence of one reading; ``{recist}``, ``{choi}``, ``{pattern}``, ``{lesions}``
    and ``{reason}`` are filled in."""

    severity: Literal["info", "warning"]
    text: str = Field(min_length=1)


class Readings(Cited):
    """One reading per time point for treatment decisions, from the two criteria.

    Agreeing criteria give ``agreement[category]``; a disagreement gives
    ``discordance[kind]`` (``evaluable`` = the category of the criterion that could be
    evaluated, except a Choi PD alone, which gives ``choi_alone_pd``); a note kind in
    ``note_overrides`` replaces a progression reading when the targets themselves are not PD
    and no nodule was seen. Only a ``progression`` reading carries a progression pattern."""

    agreement: dict[Overall, ReadingCode]
    discordance: dict[DiscordanceKind, ReadingCode | Literal["evaluable"]]
    choi_alone_pd: ReadingCode
    note_overrides: dict[NoteKind, ReadingCode] = Field(default_factory=new_dict)
    messages: dict[ReadingCode, ReadingMessage]

    @model_validator(mode="after")
    def _complete(self) -> "Readings":
        for name, keys, allowed in (
            ("agreement", set(self.agreement), Overall.__args__),  # type: ignore[attr-defined]
            ("discordance", set(self.discordance), DiscordanceKind.__args__),  # type: ignore[attr-defined]
            ("messages", set(self.messages), ReadingCode.__args__),  # type: ignore[attr-defined]
        ):
            missing = set(allowed) - keys
            if missing:
                raise ValueError(f"readings.{name} missing {sorted(missing)}")
        return self


class Table(KBModel):
    recist: RecistRules
    choi: ChoiRules
    overall: list[OverallRow] = Field(min_length=1)
    discordance: list[Message] = Field(min_length=1)
    notes: list[Message] = Field(default_factory=new_list)
    progression_pattern: ProgressionPattern
    readings: Readings

    @model_validator(mode="after")
    def _complete(self) -> "Table":
        kinds = {m.kind for m in self.discordance}
        missing = set(DiscordanceKind.__args__) - kinds  # type: ignore[attr-defined]
        if missing:
            raise ValueError(f"discordance messages missing for: {sorted(missing)}")
        missing_notes = set(NoteKind.__args__) - {m.kind for m in self.notes}  # type: ignore[attr-defined]
        if missing_notes:
            raise ValueError(f"notes missing for: {sorted(missing_notes)}")
        return self

    def message(self, kind: str) -> Message:
        for m in (*self.discordance, *self.notes):
            if m.kind == kind:
                return m
        raise KeyError(kind)
