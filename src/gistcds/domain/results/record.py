"""The record as the report shows it (history/ engine fills these): ``RecordSummary``.

The report renders the assessment only, never the patient record (issue 13 item 3). What
it echoes of the record (the Patient section, the treatment timeline) and what decides its
"not applicable" lines (no primary tumour, no molecular result, fewer than two CTs, not
metastatic) travel here, built once from the validated record. Values are the record's as
given (drug names as written, lower case); nothing is interpreted beyond ``metastatic``,
the record's own definition of metastatic disease.
"""

from __future__ import annotations

import datetime as dt

from pydantic import ConfigDict, Field

from gistcds.domain.empty import new_list
from gistcds.domain.patient import (
    BestResponse,
    MitosesUnit,
    NodalStatus,
    ProgressionPattern,
    Resection,
    SdhbIhc,
    Setting,
    Sex,
    Site,
    StopReason,
)
from gistcds.domain.results.base import Out

__all__ = [
    "LabsSummary",
    "LineSummary",
    "MolecularSummary",
    "PrimarySummary",
    "RecordSummary",
]


class _Frozen(Out):
    model_config = ConfigDict(frozen=True)


class PrimarySummary(_Frozen):
    """The primary tumour as recorded (``primary``; the resection date is in
    ``followup_from``)."""

    site: Site | None = None
    size_cm: float | None = None
    mitoses_count: float | None = Field(default=None, description="primary.mitoses.count")
    mitoses_per: MitosesUnit | None = Field(default=None, description="primary.mitoses.per")
    rupture: bool | None = None
    resection: Resection | None = None
    nodes: NodalStatus | None = None


class MolecularSummary(_Frozen):
    """What was tested (``molecular``); the variants and their reading are in ``genotype``."""

    tested_genes: list[str] = Field(default_factory=new_list)
    sdhb_ihc: SdhbIhc | None = None


class LabsSummary(_Frozen):
    """The laboratory values the report lists (``labs``; the organ-function values the
    drug labels use are read by the engines, not listed here)."""

    neutrophils_10e9_per_l: float | None = None
    platelets_10e9_per_l: float | None = None
    hemoglobin_g_per_dl: float | None = None
    albumin_g_per_l: float | None = None


class LineSummary(_Frozen):
    """One therapy line as recorded (``therapy_lines[]``), oldest first."""

    drug: str = Field(description="as recorded, lower case")
    dose_mg_per_day: float | None = None
    setting: Setting | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    best_response: BestResponse | None = None
    stop_reason: StopReason | None = None
    progression: ProgressionPattern | None = None
    ongoing: bool = Field(
        default=False, description="still running: no end date and no stop reason recorded"
    )


class RecordSummary(_Frozen):
    """The patient's record as the report shows it. A part the record does not give is
    null (``primary``, ``molecular``, ``labs``) or empty."""

    age_years: float | None = None
    sex: Sex | None = None
    ecog: int | None = None
    primary: PrimarySummary | None = Field(
        default=None, description="null: the record has no primary-tumour data"
    )
    metastatic: bool = Field(
        default=False,
        description="metastatic disease recorded (a diagnosis date or a site of metastasis)",
    )
    metastatic_sites: list[str] = Field(default_factory=new_list)
    metastatic_diagnosed: dt.date | None = None
    molecular: MolecularSummary | None = Field(
        default=None, description="null: no molecular result recorded"
    )
    labs: LabsSummary | None = None
    comedications: list[str] = Field(default_factory=new_list)
    therapy_lines: list[LineSummary] = Field(default_factory=new_list)
    imaging_timepoints: int = Field(default=0, description="CT time points in the record")
