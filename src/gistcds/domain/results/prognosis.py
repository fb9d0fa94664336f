"""Individual PFS/OS estimates (prognosis/ engine fills these).

Contract fields (CONTRACT.md): ``prognosis.pfs`` / ``prognosis.os`` with ``median_months``
(number or null), ``curve`` ``[[months, survival], ...]`` and ``lower`` / ``upper`` bands.
Everything else here explains where the numbers come from.
"""

from typing import TYPE_CHECKING, Literal

from pydantic import Field, model_validator

from gistcds.domain.confidence import Confidence
from gistcds.domain.empty import new_list
from gistcds.domain.results.base import Out
from gistcds.domain.results.genotype import GenotypeClass

if TYPE_CHECKING:
    import pandas as pd

Endpoint = Literal["PFS", "OS"]
"""What a survival estimate answers: progression-free or overall survival."""
ArmEndpoint = Literal["PFS", "TTP", "OS"]
"""What a published arm reports (TTP stands in for PFS, said where used)."""
LandmarkBasis = Literal["published", "fitted", "assumed_shape", "extrapolated"]
"""Where a landmark figure comes from (see ``LandmarkEstimate.basis``)."""
FactorUse = Literal["applied", "absent", "supplied_not_used", "not_supplied"]
"""What was done with a prognostic factor for this patient (see ``FactorEffect.use``)."""


class Noted(Out):
    """Notes in words, each with a stable code (same order): programs and tests read the
    codes, clinicians the words."""

    notes: list[str] = Field(default_factory=new_list)
    note_codes: list[str] = Field(
        default_factory=new_list, description="a stable code per note, in the order of notes"
    )

    @model_validator(mode="after")
    def _one_code_per_note(self) -> "Noted":
        if self.note_codes and len(self.note_codes) != len(self.notes):
            raise ValueError("note_codes must give one code per note")
        return self


class LandmarkEstimate(Out):
    months: float
    survival: float
    lower: float
    upper: float
    extrapolated: bool = Field(
        default=False,
        description="beyond the arm's latest published point: the fitted model's assumption",
    )
    basis: LandmarkBasis = Field(
        default="fitted",
        description="published = a published landmark of the arm (model value shown); "
        "fitted = within the data, a curve fitted to two or more published points; "
        "assumed_shape = within the data, but only one point was published, so the value is "
        "the exponential's assumed shape; extrapolated = beyond the published data",
    )


class FactorEffect(Out):
    """One published prognostic factor, whether this patient has it, and what was done."""

    id: str
    label: str
    endpoint: Endpoint
    direction: Literal["adverse", "favourable"]
    hazard_ratio: float | None
    hr_ci: tuple[float, float] | None = None
    present: bool | None = Field(
        description="null when the patient's value or the cut-off is unknown"
    )
    applied: bool
    reason: str
    source_ids: list[str]
    confidence: Confidence = "secondary"
    supplied_value: str | None = Field(
        default=None,
        description="the patient's own value(s) the factor reads, as supplied (e.g. "
        "'age 84 years'); null when none was supplied",
    )
    use: FactorUse = Field(
        default="not_supplied",
        description="applied (published HR applied); absent (the patient does not have it); "
        "supplied_not_used (a value was supplied but no published effect size or cut-off "
        "lets it change the curve: reason says which); not_supplied (no value given)",
    )


class EvidenceArm(Out):
    """The published arm a curve was fitted to."""

    arm_id: str
    trial: str
    population: str
    drug: str
    dose_mg_per_day: float | None
    lines: list[int]
    genotype_group: str
    endpoint: ArmEndpoint
    n: int | None
    published_median_months: float | None
    published_median_ci: tuple[float, float] | None = None
    published_landmarks: list[tuple[float, float]] = Field(default_factory=new_list)
    model: str = Field(description="fitted family and why it was chosen")
    uncertainty_basis: str
    source_ids: list[str]
    confidence: Confidence
    follow_up_months: float | None = Field(
        default=None, description="published (median) follow-up of the arm, where given"
    )


class SurvivalEstimate(Noted):
    median_months: float | None
    median_lower: float | None = None
    median_upper: float | None = None
    median_note: str | None = None
    survival_1y: float | None = None
    survival_2y: float | None = None
    survival_5y: float | None = None
    landmarks: list[LandmarkEstimate] = Field(default_factory=new_list)
    curve: list[tuple[float, float]] = Field(default_factory=new_list)
    lower: list[tuple[float, float]] = Field(default_factory=new_list)
    upper: list[tuple[float, float]] = Field(default_factory=new_list)
    evidence: EvidenceArm | None = None
    fallback: bool = Field(default=False, description="all-comers or proxy data used")
    adjustments: list[FactorEffect] = Field(default_factory=new_list)
    basis: str = Field(
        default="",
        description="where this curve's numbers come from, in one sentence (trial, group, "
        "what is published and what is model)",
    )
    data_until_months: float | None = Field(
        default=None,
        description="the latest time the published data describe (latest landmark, median "
        "or follow-up): the curve after it is extrapolation; survival_1y/2y/5y beyond it are "
        "null (cut at the data) and flagged in landmarks[]",
    )
    data_until_basis: str | None = Field(
        default=None, description="which published figure sets data_until_months"
    )

    def to_frame(self) -> "pd.DataFrame":
        """The curve as a pandas DataFrame: ``months``, ``survival`` and the ``lower`` /
        ``upper`` band at the same months (NaN where the band has no point). pandas is
        imported only here."""
        import pandas as pd

        lower, upper = dict(self.lower), dict(self.upper)
        nan = float("nan")
        return pd.DataFrame(
            {
                "months": [m for m, _ in self.curve],
                "survival": [s for _, s in self.curve],
                "lower": [lower.get(m, nan) for m, _ in self.curve],
                "upper": [upper.get(m, nan) for m, _ in self.curve],
            }
        )


class OptionPrognosis(Noted):
    """PFS/OS for one recommended systemic option."""

    rule_id: str
    title: str
    drugs: list[str]
    dose_mg_per_day: float | None
    line: int
    pfs: SurvivalEstimate | None = None
    os: SurvivalEstimate | None = None


class SequenceLine(Out):
    """One line of the simulated sequence: the arm its PFS is drawn from, time on it."""

    line: int = Field(description="the patient's line number (1 = first advanced line)")
    drug: str
    dose_mg_per_day: float | None
    arm_id: str
    trial: str
    endpoint: ArmEndpoint
    fallback: bool = Field(description="all-comers or proxy evidence stands in for the genotype")
    confidence: Confidence
    reached_fraction: float = Field(description="share of simulated patients who start this line")
    median_months_on_line: float | None
    quartiles_months_on_line: tuple[float, float] | None = None
    proceed_probability: float | None = Field(
        default=None, description="P(starting the next line | progression on this one)"
    )
    proceed_basis: str | None = None
    proceed_confidence: Confidence | None = None
    hazard_ratio: float = Field(
        default=1.0,
        description="product of the published hazard ratios applied to this line's arm",
    )
    adjusted_by: list[str] = Field(
        default_factory=new_list, description="ids of the prognostic factors applied (HR source)"
    )
    source_ids: list[str] = Field(default_factory=new_list)


class SequenceSimulation(Noted):
    """Monte Carlo over the genotype's treatment sequence from the patient's next line."""

    sequence_id: str
    label: str = Field(description="the whole published sequence, first line to last")
    start_line: int
    drugs: list[str] = Field(description="the simulated lines, from start_line on")
    patients: int
    seed: int
    os_median_months: float
    os_quartiles_months: tuple[float, float]
    os_p10_p90_months: tuple[float, float]
    os_survival_1y: float
    os_survival_2y: float
    os_survival_5y: float
    lines: list[SequenceLine]
    post_last_line_arm: str
    post_last_line_trial: str
    post_last_line_note: str
    post_last_line_confidence: Confidence
    compare_os_arm: str | None = Field(
        default=None, description="published first-line OS arm (only when starting at line 1)"
    )
    compare_os_median_months: float | None = None
    basis: str = Field(
        default="",
        description="what kind of figure this is (a model chaining trials, not a trial "
        "result) and which overall-survival figure to quote",
    )
    caveat: str
    method: str
    source_ids: list[str] = Field(default_factory=new_list)


class Prognosis(Noted):
    pfs: SurvivalEstimate | None = None
    os: SurvivalEstimate | None = None
    status: Literal["estimated", "no_systemic_recommendation", "no_evidence"] = "estimated"
    line: int | None = None
    drugs: list[str] = Field(default_factory=new_list)
    dose_mg_per_day: float | None = None
    genotype_class: GenotypeClass | None = None
    alternatives: list[OptionPrognosis] = Field(default_factory=new_list)
    sequence: SequenceSimulation | None = Field(
        default=None, description="simulated sequence from the next line; null: sequence_reason"
    )
    sequence_reason: str | None = Field(default=None, description="why sequence is null")
    sequence_reason_code: str | None = Field(default=None, description="its stable code")
    os_to_quote: Literal["os", "sequence"] | None = Field(
        default=None,
        description="which overall-survival figure to quote when both are shown: os (the "
        "published arm for this drug, line and genotype) before sequence (a model); the "
        "os_two_figures note says why they differ",
    )
    caveat: str = ""
    method: str = ""
    source_ids: list[str] = Field(default_factory=new_list)
