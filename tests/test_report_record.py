"""The report renders the assessment only (issue 13 item 3): what it shows of the patient's
record travels on the assessment (``Assessment.record``, built by the history engine), so
the report of a stored or re-read assessment is the report of the assessment made."""

from __future__ import annotations

import copy
import datetime as dt
import io
import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console

from conftest import EXAMPLES, TODAY
from gistcds.assess import assess
from gistcds.domain.assessment import Assessment
from gistcds.domain.results.record import RecordSummary
from gistcds.history import record_summary
from gistcds.io.patient_json import patient_from_obj
from gistcds.knowledge import KnowledgeBase
from gistcds.report.html import render_html
from gistcds.report.model import NOT_APPLICABLE, ReportData, build_report
from gistcds.report.text import render_text
from gistcds.store import StoredAssessment

GENERATED = dt.datetime(2026, 11, 26, 9, 30, tzinfo=dt.UTC)
DOCS = {p.stem: json.loads(p.read_text()) for p in sorted(EXAMPLES.glob("*.json"))}


def _text(data: ReportData) -> str:
    console = Console(width=100, file=io.StringIO(), color_system=None, record=True)
    render_text(data, console)
    return console.export_text()


def test_the_assessment_carries_the_record_as_given(kb: KnowledgeBase) -> None:
    """A brand name stays as written in the record summary (the engines read the INN), and
    the summary is the history engine's reading of the record, nothing else."""
    doc = copy.deepcopy(DOCS["progression-after-imatinib"])
    doc["therapy_lines"][0]["drug"] = "Gleevec"
    patient = patient_from_obj(doc, today=TODAY)
    a = assess(patient, kb)
    assert a.record == record_summary(patient)
    assert a.record is not None and a.record.therapy_lines[0].drug == "gleevec"
    assert a.record.metastatic and a.record.imaging_timepoints == len(doc["imaging"])
    data = build_report(a, kb, GENERATED)
    assert data.timeline[0].drug == "gleevec"
    assert dict(data.patient_rows)["Previous therapy lines"] == str(len(doc["therapy_lines"]))


def test_without_a_record_the_report_shows_an_empty_one(kb: KnowledgeBase) -> None:
    """An assessment stored before ``record`` existed renders as a record with only the id:
    the patient section lists nothing recorded, the parts say why they do not apply."""
    a = Assessment(patient_id="stored-early", knowledge_base_version="kb", gistcds_version="0")
    bare = build_report(a, kb, GENERATED)
    empty = build_report(a.model_copy(update={"record": RecordSummary()}), kb, GENERATED)
    assert _text(bare) == _text(empty)
    assert dict(bare.patient_rows)["Primary tumour"] == "not recorded"
    assert bare.risk_missing == f"{NOT_APPLICABLE}: no primary-tumour data"
    assert bare.response_missing.startswith(f"{NOT_APPLICABLE}: fewer than two CT")
    assert bare.timeline == []


def _stored(doc: dict[str, Any], output: dict[str, Any]) -> StoredAssessment:
    return StoredAssessment(
        seq=1,
        id="rec-1",
        created=dt.datetime(2026, 11, 26, 9, 30, tzinfo=dt.UTC),
        patient_id=doc["id"],
        input_sha256="0" * 64,
        knowledge_base_version="kb",
        gistcds_version="v",
        account_id=1,
        input_json=json.dumps(doc),
        output_json=json.dumps(output),
    )


def test_a_stored_assessment_without_record_renders_as_it_did(kb: KnowledgeBase) -> None:
    """The service fills ``record`` of an assessment stored before the field from the stored
    input, so its report (web page, REST, PDF) still shows the patient and the timeline."""
    from gistcds.api.service import render_report, stored_inputs

    doc = DOCS["progression-after-imatinib"]
    output = json.loads(assess(patient_from_obj(doc, today=TODAY), kb).to_json())
    old = {k: v for k, v in output.items() if k != "record"}
    patient, filled = stored_inputs(_stored(doc, old))
    assert filled.record == record_summary(patient)
    now, before = (
        render_report(_stored(doc, output), kb, False),
        render_report(_stored(doc, old), kb, False),
    )
    assert now == before and b"Previous therapy lines" in now


_PARTS = ["age_years", "sex", "ecog", "primary", "molecular", "metastatic", "labs"]
_PARTS += ["therapy_lines", "imaging", "comedications"]


@settings(max_examples=25)
@given(
    name=st.sampled_from(sorted(DOCS)),
    dropped=st.sets(st.sampled_from(_PARTS), max_size=len(_PARTS)),
)
def test_the_report_of_the_json_is_the_report_of_the_assessment(
    kb: KnowledgeBase, name: str, dropped: set[str]
) -> None:
    """Whatever parts the record lacks, the assessment read back from its JSON (as the store
    keeps it) gives the same text and HTML report, and the patient section says what the
    record gives."""
    doc = {k: v for k, v in DOCS[name].items() if k not in dropped}
    a = assess(patient_from_obj(doc, today=TODAY), kb)
    data = build_report(a, kb, GENERATED)
    back = build_report(Assessment.model_validate_json(a.to_json()), kb, GENERATED)
    assert _text(back) == _text(data) and render_html(back) == render_html(data)
    rows = dict(data.patient_rows)
    assert rows["Patient id"] == doc["id"]
    assert (rows["Age"] == "not recorded") == ("age_years" not in doc)
    assert (rows["Primary tumour"] == "not recorded") == ("primary" not in doc)
    assert rows["Previous therapy lines"] == str(len(doc.get("therapy_lines", [])))
    assert ("Comedications" in rows) == bool(doc.get("comedications"))
