"""The report's view model: what every renderer (terminal, HTML, PDF) reads, in order.

Plain dataclasses of text: the builders (``build_*`` modules) fill them from the
Assessment, the renderers only lay them out.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from gistcds.domain.assessment import Assessment
from gistcds.domain.results.prognosis import SurvivalEstimate
from gistcds.report.citations import Reference

__all__ = [
    "SECTIONS",
    "CautionView",
    "CurveSet",
    "FollowupView",
    "GenotypeView",
    "PrognosisView",
    "RecommendationView",
    "ReportData",
    "ResponseView",
    "RiskView",
    "Row",
    "SensitivityRow",
    "SequenceView",
    "SideEffectsView",
    "SummaryLine",
    "Threshold",
    "TimelineLine",
]

# Section ids and headings, in the order the report shows them (issue 8; issue 19: the
# summary first, side effects after the cautions).
SECTIONS: list[tuple[str, str]] = [
    ("summary", "Summary"),
    ("patient", "Patient"),
    ("genotype", "Genotype and drug sensitivity"),
    ("risk", "Primary-tumour risk"),
    ("response", "Response to treatment"),
    ("therapy", "Therapy options"),
    ("cautions", "Cautions"),
    ("side_effects", "Side effects"),
    ("prognosis", "Prognosis"),
    ("sequence", "Sequence simulation"),
    ("followup", "Follow-up schedule"),
    ("timeline", "Treatment timeline"),
    ("references", "References"),
]


@dataclass
class Row:
    """One table row: cells as text, citation numbers, optional emphasis."""

    cells: list[str]
    refs: list[int] = field(default_factory=list)
    flag: str = ""  # "" | "warn" | "alert": styling hint only
    unverified: bool = False  # the statement was not re-read in its source: say so beside it


@dataclass
class SummaryLine:
    """One line of the summary: a heading word and the answer, cited."""

    topic: str
    text: str
    refs: list[int] = field(default_factory=list)
    flag: str = ""


@dataclass
class SensitivityRow:
    drug: str
    level: str
    refs: list[int]
    confidence: str
    note: str


@dataclass
class GenotypeView:
    genotype_class: str  # as printed ("KIT exon 11")
    rationale: str
    refs: list[int]  # sources of the class call
    facts: list[tuple[str, str]]  # driver, KIT/PDGFRA status, tests needed/advised, germline
    variants: list[Row]
    secondary: list[Row]
    sensitivity: list[SensitivityRow]
    remarks: list[Row]
    warnings: list[str]


@dataclass
class RiskView:
    rows: list[Row]  # system, result, detail, basis
    not_reported: list[tuple[str, str]]
    disagreement: str | None  # the risk engine's concordance message, when they differ
    notes: list[str]
    disagreement_flag: str = "warn"
    disagreement_refs: list[int] = field(default_factory=list)


@dataclass
class Threshold:
    """A response-criteria threshold line for the plots (from the KB)."""

    label: str
    value_pct: float
    kind: str  # "size" | "density"


@dataclass
class ResponseView:
    rows: list[Row]  # date, RECIST, Choi, sum, from baseline, from nadir, density, note
    summary: list[tuple[str, str]]  # best overall response, first progression, ...
    problems: list[str]  # baseline target-selection problems and series warnings
    notes: list[str]
    refs: list[int]  # the criteria the engine cites
    thresholds: list[Threshold] = field(default_factory=list)


@dataclass
class RecommendationView:
    rank: int
    title: str
    kind: str
    line: str
    regimen: list[str]
    level: str
    confidence: str
    rationale: str
    refs: list[int]
    positions: list[Row]

    @property
    def unverified(self) -> bool:
        return self.confidence == "unverified"


@dataclass
class CautionView:
    severity: str
    message: str
    refs: list[int]
    flag: str
    unverified: bool


@dataclass
class SideEffectsView:
    """The toxicity engine's advice: label actions for current adverse events, what to
    discuss (with rates), and what to monitor."""

    actions: list[Row]  # event (grade), drug, action, how to resume, measures
    counselling: list[Row]  # drug, effect, any grade, grade >= 3, population, advice
    monitoring: list[Row]  # drug, test, when


@dataclass
class CurveSet:
    """One option's survival estimates, for the plot and the table."""

    name: str
    recommended: bool
    pfs: SurvivalEstimate | None
    os: SurvivalEstimate | None


@dataclass
class PrognosisView:
    medians: list[Row]  # option, endpoint, median (band), landmarks, evidence
    curves: list[CurveSet]
    factors: list[Row]  # factor, endpoint, HR, present, applied / why not
    caveat: str
    notes: list[str]
    details: list[tuple[str, str]]
    refs: list[int]


@dataclass
class SequenceView:
    label: str
    summary: list[tuple[str, str]]  # sequence, start, OS median and spread, landmarks
    lines: list[Row]  # line, drug, evidence arm, reached, time on line, next line
    caveat: str
    notes: list[str]
    method: str
    refs: list[int]


@dataclass
class FollowupView:
    """Visits as dates from the reference date, identical visits collapsed into series."""

    anchor: str  # what the dates count from, in words
    rows: list[Row]  # when, examination
    next_visit: str  # the first date and examination, for the summary


@dataclass
class TimelineLine:
    number: int
    drug: str
    dose: str
    setting: str
    start: dt.date | None
    end: dt.date | None
    best_response: str
    stop_reason: str
    progression: str


@dataclass
class ReportData:
    patient_id: str
    generated: dt.datetime
    kb_version: str
    gistcds_version: str
    disclaimer: str
    summary: list[SummaryLine]
    patient_rows: list[tuple[str, str]]
    genotype: GenotypeView | None
    genotype_missing: str
    risk: RiskView | None
    risk_missing: str
    response: ResponseView | None
    response_missing: str
    recommendations: list[RecommendationView]
    cautions: list[CautionView]
    cautions_missing: str
    side_effects: SideEffectsView | None
    side_effects_missing: str
    prognosis: PrognosisView | None
    prognosis_missing: str
    sequence: SequenceView | None
    sequence_missing: str
    followup: FollowupView | None
    followup_missing: str
    timeline: list[TimelineLine]
    warnings: list[str]
    references: list[Reference]
    assessment: Assessment  # the engines' figures the plots draw (curves, trajectories)

    @property
    def sections(self) -> list[tuple[str, str]]:
        return SECTIONS
