"""Therapy options and cautions (therapy/ engine fills these)."""

import datetime as dt
from typing import Literal

from pydantic import Field

from gistcds.domain.confidence import Confidence
from gistcds.domain.empty import new_list
from gistcds.domain.results.base import Out
from gistcds.domain.results.genotype import GenotypeClass

RecommendationKind = Literal[
    "systemic", "local", "trial", "diagnostic", "supportive", "surveillance"
]


class RegimenItem(Out):
    drug: str = Field(description="INN, lower case")
    dose_mg_per_day: float | None
    schedule: str


class Evidence(Out):
    """Sources and the grade as the source gives it. ``confidence: unverified`` means the
    statement was not re-read in the cited source; reports print it beside the option."""

    source_ids: list[str] = Field(min_length=1)
    level: str
    confidence: Confidence = "secondary"


class Position(Out):
    """One guideline's stance on an option, attributed (ESMO and NCCN may differ)."""

    guideline: str
    statement: str
    level: str | None = None
    source_ids: list[str] = Field(default_factory=new_list)
    confidence: Confidence = "secondary"


LevelSystem = Literal["esmo", "nccn", "variant_level"]


class OptionLevel(Out):
    """One level of evidence for one drug of an option (or for the option itself when it
    has no drug), as its system gives it: ESMO grade ('[I, A]'), NCCN category ('category
    2A'), OncoKB-style variant-drug level for the patient's genotype ('1', 'R2').
    ``value`` is "not captured" when no source read gives it (``source_ids`` empty)."""

    system: LevelSystem
    drug: str | None = Field(default=None, description="INN (combinations joined by +)")
    genotype: GenotypeClass | None = Field(
        default=None, description="genotype class the level is for"
    )
    value: str
    context: str | None = None
    note: str | None = None
    source_ids: list[str] = Field(default_factory=new_list)
    confidence: Confidence | None = None


class LabelNote(Out):
    """A label restriction that applies to an option for this patient (organ function,
    pregnancy): ``level`` as ``therapy_label_limits.yaml`` grades it."""

    rule_id: str
    drug: str
    level: Literal[
        "contraindicated", "not_recommended", "not_established", "dose_ceiling", "advice"
    ]
    statement: str
    source_ids: list[str] = Field(default_factory=new_list)


class Recommendation(Out):
    rule_id: str
    kind: RecommendationKind
    title: str
    regimen: list[RegimenItem] = Field(default_factory=new_list)
    line: int | None = None
    evidence: Evidence
    rationale: str
    positions: list[Position] = Field(default_factory=new_list)
    levels: list[OptionLevel] = Field(
        default_factory=new_list,
        description="levels of evidence per drug (ESMO, NCCN, variant-drug); trials have none",
    )
    trial_ids: list[str] = Field(
        default_factory=new_list, description="registry ids (e.g. NCT numbers) of a trial option"
    )
    label_restrictions: list[LabelNote] = Field(
        default_factory=new_list,
        description="label restrictions for this patient; a not_recommended or "
        "contraindicated option is never ranked first nor offered alone",
    )


class Caution(Out):
    code: str
    message: str
    source_ids: list[str] = Field(default_factory=new_list)
    severity: Literal["info", "warning", "critical"] = "warning"
    confidence: Confidence = "secondary"
    rule_id: str | None = None


class FollowupVisit(Out):
    """One planned examination, ``month`` months from the schedule's start
    (``FollowupAnchor``)."""

    month: float
    exam: str
    source_ids: list[str] = Field(default_factory=new_list)
    rule_id: str | None = None
    confidence: Confidence = "secondary"


class FollowupAnchor(Out):
    """What the months of the follow-up schedule count from: ``event`` as the schedule
    defines it, ``date`` that event's date when the record gives it. Without a date the
    months count from the date of the assessment."""

    event: Literal["surgery", "adjuvant_end", "now"] = Field(
        description="surgery (resection of the primary), the end of adjuvant therapy, or now"
    )
    date: dt.date | None = Field(
        default=None,
        description="the event's date (primary.resection_date, the last adjuvant line's "
        "end); null: not recorded, or the schedule starts now",
    )
