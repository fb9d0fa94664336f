"""The report's content, built once from (Assessment, KB) for every renderer.

Terminal, HTML and PDF read the same ``ReportData`` so they say the same thing in the
same order. Nothing here computes clinical content: it arranges what the engines
returned (read through their typed result models), numbers the citations, and labels
parts that are absent ("not assessed") or do not apply ("not applicable"). A statement
whose ``confidence`` is ``unverified`` carries that word beside it in every format.
Every text goes through one plain-language pass (``format.plain``) at the end.

The patient's record is read only as the assessment carries it (``Assessment.record``,
the history engine's ``RecordSummary``), never as a ``Patient``: the report renders the
assessment and nothing else. An assessment without one (stored before the field existed)
shows only the patient id, as an empty record would.

Layout: ``views`` (the dataclasses), ``citations``, ``format``, the builders
``build_findings`` (patient, genotype, risk, response), ``build_options`` (options,
cautions, side effects, follow-up, timeline), ``build_outlook`` (prognosis, sequence)
and ``summary``; this module puts them together.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from gistcds.domain.assessment import DISCLAIMER, Assessment
from gistcds.domain.results.record import RecordSummary
from gistcds.knowledge import KnowledgeBase
from gistcds.report import build_findings as findings
from gistcds.report import build_followup
from gistcds.report import build_options as options
from gistcds.report import build_outlook as outlook
from gistcds.report.citations import Citations, Reference, cite_text, iter_source_ids
from gistcds.report.format import NOT_APPLICABLE, NOT_ASSESSED, label, pct, plain, prob
from gistcds.report.summary import summary
from gistcds.report.views import SECTIONS, ReportData, Row

__all__ = [
    "NOT_APPLICABLE",
    "NOT_ASSESSED",
    "SECTIONS",
    "Citations",
    "Reference",
    "ReportData",
    "Row",
    "build_report",
    "cite_text",
    "iter_source_ids",
    "label",
    "pct",
    "prob",
]

# Fields that are not clinical prose: identifiers, dates and the engines' raw figures.
_KEEP = {
    "patient_id",
    "assessment",
    "generated",
    "source_id",
    "source",
    "number",
    "references",
}


def _plain(value: Any, cites: Citations) -> Any:
    """``format.plain`` over every text of the view model (in place for dataclasses), source
    ids quoted in engine prose turned into citation numbers first."""
    if isinstance(value, str):
        return plain(cites.mark(value))
    if isinstance(value, list):
        return [_plain(v, cites) for v in value]
    if isinstance(value, tuple):
        return tuple(_plain(v, cites) for v in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            if f.name not in _KEEP:
                setattr(value, f.name, _plain(getattr(value, f.name), cites))
    return value


def _missing(record: RecordSummary, a: Assessment, recs: bool) -> dict[str, str]:
    metastatic = record.metastatic
    return {
        "genotype_missing": NOT_ASSESSED + ": no molecular result recorded"
        if record.molecular is None
        else NOT_ASSESSED,
        "risk_missing": NOT_APPLICABLE + ": no primary-tumour data"
        if record.primary is None
        else NOT_ASSESSED,
        "response_missing": findings.response_missing(a, record),
        "cautions_missing": "none found: no interaction or contraindication in the record"
        if recs
        else NOT_ASSESSED,
        "side_effects_missing": "no current adverse event, counselling or monitoring item",
        "prognosis_missing": outlook.prognosis_missing(a, metastatic),
        "sequence_missing": outlook.sequence_missing(a, metastatic),
        "followup_missing": NOT_ASSESSED,
    }


def build_report(
    assessment: Assessment,
    kb: KnowledgeBase,
    generated: dt.datetime | None = None,
) -> ReportData:
    """Arrange one assessment for the renderers; citations numbered in reading order, and
    only what a section cites is listed."""
    a = assessment
    record = a.record or RecordSummary()
    generated = generated or dt.datetime.now(dt.UTC).replace(microsecond=0)
    cites = Citations(kb)
    missing = _missing(record, a, bool(a.recommendations))
    genotype = findings.genotype(a, cites)
    risk = findings.risk(a, cites)
    response = findings.response(a, cites, kb)
    recs = options.recommendations(a, cites)
    cautions = [options.caution(c, cites) for c in a.cautions]
    side_effects = options.side_effects(a, cites)
    prognosis = outlook.prognosis(a, cites)
    sequence = outlook.sequence(a, cites)
    followup = build_followup.followup(a, cites, generated.date())
    lines = summary(
        a,
        risk=risk,
        risk_missing=missing["risk_missing"],
        genotype=genotype,
        genotype_missing=missing["genotype_missing"],
        recommendations=recs,
        cautions=cautions,
        response_missing=missing["response_missing"],
        followup=followup,
    )
    data = ReportData(
        patient_id=a.patient_id,
        generated=generated,
        kb_version=a.knowledge_base_version,
        gistcds_version=a.gistcds_version,
        disclaimer=a.disclaimer or DISCLAIMER,
        summary=lines,
        patient_rows=findings.patient_rows(a.patient_id, record),
        genotype=genotype,
        risk=risk,
        response=response,
        recommendations=recs,
        cautions=cautions,
        side_effects=side_effects,
        prognosis=prognosis,
        sequence=sequence,
        followup=followup,
        timeline=options.timeline(record),
        warnings=list(a.warnings),
        references=[],
        assessment=a,
        **missing,
    )
    _plain(data, cites)
    data.references = cites.references  # after the pass: quoted ids may add sources
    return data
