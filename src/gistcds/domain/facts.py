"""ClinicalFacts: the clinical state of one patient, derived once per assessment.

The ``history`` engine computes it from the patient, the genotype, the risk panel and the
response list; therapy, follow-up, prognosis (and every later engine) read it instead of
rebuilding their own view of the record. Field names are the names the knowledge base's
rule conditions use (``when: {last_stop: progression}``).

Two kinds of field:

- *read* facts report what the record says (drugs received, how each line ended, the
  latest RECIST/Choi call...) without clinical interpretation;
- *derived* facts (marked ``derived``) are interpretations, each set by the first rule of
  that name in ``knowledge/history.yaml`` whose condition holds (``event``, ``high_risk``,
  ``adjuvant_candidate``, ``frail``, ``hepatic_class`` ...). A derived fact no rule sets
  is None.
"""

import datetime as dt
from functools import cached_property
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, JsonValue

from gistcds.domain.empty import new_dict
from gistcds.domain.patient import Setting, Sex, Site
from gistcds.domain.results.genotype import (
    GenotypeClass,
    SecondaryRegion,
    SensitivityLevel,
    VariantLevelResistance,
)
from gistcds.domain.results.response import ResponseCategory, TargetCategory
from gistcds.domain.results.risk import AfipCategory, NihCategory

__all__ = [
    "AdverseEventFact",
    "ClinicalFacts",
    "ComedicationMatch",
    "Event",
    "HepaticClass",
    "LineFact",
    "LineStop",
    "ToleranceFact",
]

LineStop = Literal["progression", "toxicity", "completed", "other", "ongoing"]
"""How a line ended: its stop reason; ``ongoing`` without one and without an end date;
``other`` with an end date but no reason."""
Event = Literal["untreated", "progression", "discordant", "on_treatment", "intolerance", "stopped"]
HepaticClass = Literal["none", "mild", "moderate", "severe", "unknown"]
Unknown = Literal["unknown"]
NoneYet = Literal["none"]

_DERIVED: dict[str, JsonValue] = {"derived": True}
_DRUGS: dict[str, JsonValue] = {"ref": "drug"}
"""Values (or mapping keys) are drug INNs: the knowledge base's reference pass checks every
condition on them names a known drug."""


def _derived(description: str) -> Any:
    """A derived fact: set by the rules of ``history.yaml``, None when none applies."""
    return Field(default=None, description=description, json_schema_extra=_DERIVED)


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LineFact(_Frozen):
    """One therapy line as the rules read it (drug named by its INN)."""

    drug: str
    dose_mg_per_day: float | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    stop: LineStop
    setting: Setting | None = Field(default=None, description="as recorded")

    @property
    def ongoing(self) -> bool:
        return self.stop == "ongoing"


class ToleranceFact(_Frozen):
    """How one drug was tolerated (adverse events and line outcomes), for the ranking."""

    drug: str
    worst_grade: int | None = Field(default=None, description="worst CTCAE grade recorded")
    life_threatening: bool = Field(default=False, description="a grade >= 4 event on it")
    severe_event_dose_mg_per_day: float | None = Field(
        default=None, description="the dose it was given at when a grade >= 4 event occurred"
    )
    stopped_for_toxicity: bool = False
    progressed: bool = False
    lowest_dose_mg_per_day: float | None = None

    @property
    def intolerant_without_progression(self) -> bool:
        return self.stopped_for_toxicity and not self.progressed


class AdverseEventFact(_Frozen):
    """One recorded adverse event (CTCAE v5.0), in record order."""

    term: str = Field(description="the CTCAE v5.0 term as the knowledge base spells it")
    grade: int = Field(description="CTCAE grade 1-5")
    drug: str | None = Field(
        default=None, description="INN of the drug the record attributes it to; None if none"
    )
    onset: dt.date | None = None
    resolved: dt.date | None = Field(default=None, description="None while ongoing")
    recurrence: int | None = Field(
        default=None, description="as recorded: 1 = first occurrence on this drug, 2 = ..."
    )

    @property
    def ongoing(self) -> bool:
        return self.resolved is None


class ComedicationMatch(_Frozen):
    """A comedication that names a CYP3A4 agent of ``therapy_interactions.yaml``."""

    comedication: str = Field(description="as the record gives it")
    agent: str = Field(description="the agent's name in the knowledge base")
    effect: str = Field(description="its effect class, e.g. strong_cyp3a4_inducer")


class ClinicalFacts(_Frozen):
    """Every fact the rule tables may test, for one patient (see the module docstring)."""

    # --- genotype (genomics engine) ------------------------------------------------------
    genotype: GenotypeClass | NoneYet = Field(description='genotype class; "none" if not run')
    alterations: tuple[str, ...] = Field(
        default=(), description='primary driver protein changes, short form ("D842V")'
    )
    secondary_regions: tuple[SecondaryRegion, ...] = ()
    sensitivity: dict[str, SensitivityLevel] = Field(
        default_factory=new_dict, json_schema_extra=_DRUGS
    )
    sensitivity_source_ids: dict[str, tuple[str, ...]] = Field(default_factory=new_dict)
    variant_level_resistance: tuple[VariantLevelResistance, ...] = Field(
        default=(),
        description="drugs the genotype rated resistant from a variant-level resistance level "
        "(OncoKB R1/R2) for the exact primary variant",
    )
    kit_pdgfra_tested: bool = Field(
        default=False, description="KIT and PDGFRA listed as tested (or carrying a variant)"
    )
    kit_pdgfra_tested_negative: bool = Field(
        default=False, description="KIT and PDGFRA tested, no variant in either"
    )
    discordant_drivers: bool = Field(
        default=False,
        description="more than one candidate primary KIT/PDGFRA driver of different classes "
        "reported (e.g. KIT exon 11 with PDGFRA D842V): the genotype is contradictory, not "
        "untested",
    )
    sdhb_ihc: Literal["retained", "lost", "unknown"] = "unknown"
    # --- disease and primary tumour ------------------------------------------------------
    setting: Literal["metastatic", "localized", "unknown"] = "unknown"
    advanced_disease: bool = Field(
        default=False,
        description="metastases recorded, or a line given in the metastatic setting",
    )
    resection: Literal["none", "R0", "R1", "R2"] | Unknown = "unknown"
    rupture: bool | None = None
    nodes: Literal["N0", "N1", "NX"] | Unknown = "unknown"
    site: Site | None = None
    size_cm: float | None = Field(default=None, description="primary tumour size")
    mitotic_count: float | None = Field(
        default=None,
        description="mitoses in the recorded area (per 5 mm2 or 50 HPF, read as equivalent)",
    )
    resection_date: dt.date | None = Field(
        default=None, description="date of the primary's resection, as recorded"
    )
    # --- risk (risk engine) ----------------------------------------------------------------
    risk_nih: NihCategory | Unknown = "unknown"
    risk_modified_nih: NihCategory | Unknown = "unknown"
    risk_afip: AfipCategory | Unknown = "unknown"
    # --- the person ----------------------------------------------------------------------
    age_years: float | None = None
    sex: Sex | None = None
    ecog: int | None = None
    pregnant: bool | None = None
    breastfeeding: bool | None = None
    hepatic_impairment: HepaticClass = Field(
        default="unknown", description="as recorded (Child-Pugh / NCI-ODWG grade)"
    )
    creatinine_clearance_ml_min: float | None = None
    neutrophils_10e9_per_l: float | None = Field(default=None, description="lab, as recorded")
    hemoglobin_g_per_dl: float | None = Field(default=None, description="lab, as recorded")
    albumin_g_per_l: float | None = Field(default=None, description="lab, as recorded")
    platelets_10e9_per_l: float | None = Field(default=None, description="lab, as recorded")
    alt_x_uln: float | None = Field(
        default=None, description="ALT / its upper limit of normal; None without either"
    )
    bilirubin_x_uln: float | None = Field(
        default=None, description="bilirubin / its upper limit of normal; None without either"
    )
    ast_x_uln: float | None = Field(
        default=None, description="AST / its upper limit of normal; None without either"
    )
    transaminases_x_uln: float | None = Field(
        default=None,
        description="the higher of alt_x_uln and ast_x_uln (label rows on 'AST or ALT'); "
        "None without either",
    )
    lvef_pct: float | None = Field(default=None, description="cardiac, as recorded")
    qtc_ms: float | None = Field(default=None, description="cardiac, as recorded")
    adverse_events: tuple[AdverseEventFact, ...] = Field(
        default=(), description="every recorded adverse event, in record order"
    )
    comedications: tuple[ComedicationMatch, ...] = ()
    comedication_effects: tuple[str, ...] = Field(
        default=(), description="CYP3A4 effect classes among the comedications"
    )
    # --- treatment history ---------------------------------------------------------------
    lines: tuple[LineFact, ...] = Field(
        default=(), description="advanced-disease lines, oldest first (history.yaml policy)"
    )
    n_lines: int = Field(default=0, description="advanced lines; a dose change is one line")
    drugs_received: tuple[str, ...] = Field(default=(), json_schema_extra=_DRUGS)
    drugs_progressed: tuple[str, ...] = Field(default=(), json_schema_extra=_DRUGS)
    drugs_intolerant: tuple[str, ...] = Field(default=(), json_schema_extra=_DRUGS)
    max_dose: dict[str, float] = Field(default_factory=new_dict, json_schema_extra=_DRUGS)
    last_drug: str = Field(
        default="none",
        description='latest advanced line; "none" if none',
        json_schema_extra=_DRUGS,
    )
    last_dose: float | None = None
    last_stop: LineStop | NoneYet = "none"
    last_pattern: Literal["focal", "generalized", "unknown", "none"] = Field(
        default="none",
        description="the line's own progression pattern, else the one the response engine "
        "found at a PD on the current line",
    )
    last_recorded_progression: Literal["focal", "generalized", "none"] = Field(
        default="none",
        description="the progression pattern recorded on the latest advanced line itself "
        "(its `progression` field, whatever its stop reason); none if not recorded",
    )
    last_best_response: Literal["CR", "PR", "SD", "PD", "NE"] | None = None
    last_line_months: float | None = Field(
        default=None,
        description="months from the start to the end date of the latest advanced line, when "
        "both are recorded (time on the line; with stop reason progression, time to progression)",
    )
    last_dose_reducible: bool = Field(
        default=False, description="a lower label dose step exists for the last drug and dose"
    )
    adjuvant_drugs: tuple[str, ...] = Field(
        default=(), description="adjuvant or neoadjuvant", json_schema_extra=_DRUGS
    )
    adjuvant_ongoing: bool = False
    adjuvant_end: dt.date | None = Field(
        default=None, description="the latest end date of an adjuvant line"
    )
    adjuvant_last_stop: LineStop | NoneYet = "none"
    neoadjuvant_given: bool = False
    neoadjuvant_ongoing: bool = False
    therapy_lines: tuple[LineFact, ...] = Field(
        default=(),
        description="every recorded line in record order, any setting (``lines`` holds the "
        "advanced-disease ones)",
    )
    prior_non_tki_chemotherapy: bool | None = Field(
        default=None,
        description="not read: the record has no field for it (always None, so a factor "
        "testing it is 'not supplied')",
    )
    tolerance: tuple[ToleranceFact, ...] = Field(
        default=(), description="per drug: worst grade, life-threatening events, stops"
    )
    doses_above_label: tuple[str, ...] = Field(
        default=(),
        description="lines (any setting) whose recorded dose exceeds the label's highest "
        "daily dose of the drug: the line's number in the record (from 1), drug, dose and "
        "the label maximum, in words (cautions quote them)",
    )
    last_dose_above_label: bool = Field(
        default=False,
        description="the latest advanced line's dose exceeds the label's highest daily dose",
    )
    unknown_drugs: tuple[str, ...] = Field(
        default=(),
        description="the lines (numbered from 1, in words) whose drug name the knowledge "
        "base does not know, with the name as recorded",
    )
    # --- imaging on the current line (response engine) -----------------------------------
    latest_recist: ResponseCategory | NoneYet = Field(
        default="none",
        description='latest time point on the current line; "none" without one (a scan '
        "dated before the latest line started says nothing about the current drug)",
    )
    latest_choi: ResponseCategory | NoneYet = "none"
    latest_discordance: str = "none"
    latest_target: TargetCategory = "none"
    latest_note_kinds: tuple[str, ...] = ()
    latest_reading: str = Field(
        default="none",
        description="the response engine's one reading of the latest time point on the "
        "current line (response, stable, progression, pseudo_progression, review, "
        'not_evaluable); "none" without one',
    )
    line_best_recist: ResponseCategory | None = Field(
        default=None,
        description="best RECIST reading on the latest line, when the imaging baseline is "
        "that line's own (none otherwise: baselines do not reset per line)",
    )
    months_on_line: float | None = Field(
        default=None,
        description="months from the current line's start to its latest time point",
    )
    # --- derived (history.yaml) ----------------------------------------------------------
    event: Event | None = _derived("what happened on the latest advanced line")
    high_risk: bool | Unknown | None = _derived("high risk of relapse after resection")
    adjuvant_candidate: bool | None = _derived("high risk and an imatinib-sensitive genotype")
    frail: bool | None = _derived("poor performance status")
    hepatic_class: HepaticClass | None = _derived("hepatic impairment as the labels grade it")
    morbid_resection_site: bool | None = _derived(
        "a primary whose upfront resection may be mutilating (rectum, oesophagus, duodenum, "
        "large gastric): pre-operative imatinib considered first"
    )
    small_gist: bool | None = _derived("non-rectal primary smaller than 2 cm")

    @classmethod
    def derived_names(cls) -> frozenset[str]:
        """Names of the facts the history rules set."""
        return frozenset(
            name for name, f in cls.model_fields.items() if f.json_schema_extra == _DERIVED
        )

    @classmethod
    def names(cls) -> frozenset[str]:
        """Every fact name a rule condition may test."""
        return frozenset(cls.model_fields)

    @cached_property
    def view(self) -> dict[str, Any]:
        """The facts as plain JSON values, the form rule conditions are matched against."""
        return self.model_dump(mode="json")

    def tolerance_of(self, drug: str) -> ToleranceFact | None:
        """The tolerance record of ``drug``, if the record names it."""
        return next((t for t in self.tolerance if t.drug == drug), None)

    def ongoing_line(self, drug: str) -> LineFact | None:
        """The ongoing advanced line of ``drug``, if any."""
        return next((x for x in self.lines if x.drug == drug and x.ongoing), None)
