"""Response over serial CT (response/ engine fills these).

``TimepointResponse`` is the CONTRACT.md ``response[]`` item (one per imaging time point
after baseline); its first six fields are contract fields. ``ResponseSummary`` adds what a
report or the therapy engine needs across time points: best overall response, first
progression, baseline problems, and plot data (spider and waterfall).
"""

import datetime as dt
from typing import Literal

from pydantic import Field

from gistcds.domain.empty import new_list
from gistcds.domain.results.base import Out

ResponseCategory = Literal["CR", "PR", "SD", "PD", "NE"]
TargetCategory = Literal["CR", "PR", "SD", "PD", "NE", "none"]
NonTargetCategory = Literal["CR", "non_CR_non_PD", "PD", "NE", "none"]
ProgressionPatternName = Literal["focal", "generalized"]
ReadingCode = Literal[
    "response", "stable", "progression", "pseudo_progression", "review", "not_evaluable"
]


class TimepointReading(Out):
    """The one reading of a time point for treatment decisions (response_criteria.yaml
    ``readings``): ``pseudo_progression`` = growth with falling density, read as response;
    ``review`` = the criteria disagree on progression, not confirmed. Only ``progression``
    carries a progression pattern."""

    code: ReadingCode
    severity: Literal["info", "warning"]
    message: str
    source_ids: list[str] = Field(default_factory=new_list)


class TimepointResponse(Out):
    """RECIST 1.1 and Choi at one follow-up CT, with the figures behind them."""

    date: dt.date
    recist: ResponseCategory
    choi: ResponseCategory
    sum_mm: float | None
    change_from_baseline_pct: float | None
    change_from_nadir_pct: float | None
    density_mean_hu: float | None = None
    density_change_pct: float | None = None
    discordance: str | None = None
    discordance_kind: str | None = Field(
        default=None,
        description="which RECIST/Choi disagreement (a key of response_criteria.yaml "
        "discordance), for engines that act on it; null when the criteria agree",
    )
    notes: list[str] = Field(default_factory=new_list)
    note_kinds: list[str] = Field(
        default_factory=new_list,
        description="keys (response_criteria.yaml notes) of the notes, for engines that act "
        "on them, e.g. spurious_new_lesion",
    )
    # Beyond the contract -----------------------------------------------------
    baseline_sum_mm: float | None = None
    nadir_sum_mm: float | None = Field(
        default=None, description="smallest sum before this time point, baseline included"
    )
    change_from_nadir_mm: float | None = None
    recist_target: TargetCategory = "NE"
    recist_non_target: NonTargetCategory = "NE"
    recist_label: str | None = Field(
        default=None, description="RECIST's own wording when it differs, e.g. non-CR/non-PD"
    )
    new_lesions: list[str] = Field(default_factory=new_list, description="ids of new lesions")
    intratumoral_nodules: list[str] = Field(
        default_factory=new_list, description="ids of lesions with a new or growing nodule"
    )
    choi_pd_size_reference: Literal["nadir", "baseline"] = "nadir"
    recist_reasons: list[str] = Field(default_factory=new_list)
    choi_reasons: list[str] = Field(default_factory=new_list)
    progression_pattern: ProgressionPatternName | None = Field(
        default=None, description="at a PD (either criterion): focal or generalized"
    )
    progressing_lesions: list[str] = Field(default_factory=new_list)
    reading: TimepointReading | None = None
    source_ids: list[str] = Field(default_factory=new_list)


class TrajectoryPoint(Out):
    date: dt.date
    value_mm: float | None
    change_from_baseline_pct: float | None


class LesionTrajectory(Out):
    """One line of the spider plot: a target lesion's size over time."""

    lesion_id: str
    organ: str
    measure: Literal["longest_diameter", "short_axis"]
    points: list[TrajectoryPoint]


class LesionPoint(Out):
    date: dt.date
    value_mm: float | None = Field(description="as the engine measures: null = not recorded")
    density_hu: float | None = None
    status: str | None = Field(default=None, description="non-target status as recorded")
    change_from_baseline_pct: float | None = None


class LesionSeries(Out):
    """Every recorded lesion over the series, measured as the response engine measures it
    (longest diameter; short axis for a lymph node), for plots that must not re-measure."""

    lesion_id: str
    organ: str
    kind: Literal["target", "non_target", "new"] = Field(
        description="kind at baseline; 'new' for a lesion first seen later as new"
    )
    measure: Literal["longest_diameter", "short_axis"]
    counted: bool = Field(
        description="used by the criteria (baseline lesion, or recorded as new); a lesion first "
        "seen later under another kind is ignored by RECIST and Choi"
    )
    points: list[LesionPoint]


class DensityPoint(Out):
    date: dt.date
    density_mean_hu: float | None
    density_change_pct: float | None


class ResponseSummary(Out):
    """Across the imaging series: best response, first progression, plot data, warnings."""

    baseline_date: dt.date
    baseline_sum_mm: float | None
    baseline_problems: list[str] = Field(
        default_factory=new_list,
        description="target selection/measurability problems at baseline, in plain words",
    )
    timepoints_assessed: int
    best_overall_recist: ResponseCategory | None
    best_overall_choi: ResponseCategory | None
    best_overall_notes: list[str] = Field(default_factory=new_list)
    first_progression_recist: dt.date | None
    first_progression_choi: dt.date | None
    latest_recist: ResponseCategory | None
    latest_choi: ResponseCategory | None
    latest_progression_pattern: ProgressionPatternName | None
    latest_discordance: str | None
    latest_reading: TimepointReading | None = None
    choi_pd_size_reference: Literal["nadir", "baseline"]
    spider_lesions: list[LesionTrajectory] = Field(default_factory=new_list)
    spider_sum: list[TrajectoryPoint] = Field(default_factory=new_list)
    lesion_trajectories: list[LesionSeries] = Field(
        default_factory=new_list, description="every lesion, every time point (baseline included)"
    )
    density: list[DensityPoint] = Field(default_factory=new_list)
    waterfall_best_change_pct: float | None = Field(
        default=None,
        description="largest decrease (or smallest increase) of the target sum from baseline",
    )
    waterfall_best_change_date: dt.date | None = None
    warnings: list[str] = Field(default_factory=new_list)
    source_ids: list[str] = Field(default_factory=new_list)
