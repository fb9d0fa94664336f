"""Follow-up dates count from what the schedule counts from (issue 19 item 3): surgery on
``primary.resection_date`` or the end of adjuvant therapy when the record dates them, else
the date of the report, saying so; the resection date is checked against the other dates."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from conftest import EXAMPLES, TODAY
from gistcds.assess import assess
from gistcds.domain.assessment import Assessment
from gistcds.domain.patient import Patient
from gistcds.domain.results.therapy import FollowupAnchor, FollowupVisit
from gistcds.errors import InputError
from gistcds.io.patient_json import patient_from_obj
from gistcds.knowledge import KnowledgeBase
from gistcds.report.build_followup import followup
from gistcds.report.citations import Citations
from gistcds.report.model import build_report

GENERATED = dt.datetime(2026, 11, 26, 9, 30, tzinfo=dt.UTC)


def _doc() -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(
        (EXAMPLES / "localized-high-risk-resected.json").read_text(encoding="utf-8")
    )
    return doc


def _plan(visits: list[float], anchor: FollowupAnchor | None) -> Assessment:
    return Assessment(
        patient_id="x",
        knowledge_base_version="t",
        gistcds_version="t",
        followup=[FollowupVisit(month=m, exam="CT abdomen/pelvis") for m in visits],
        followup_from=anchor,
    )


def test_resected_example_counts_from_its_surgery_date(kb: KnowledgeBase) -> None:
    patient = Patient.model_validate(_doc(), context={"today": TODAY})
    a = assess(patient, kb)
    assert a.followup_from == FollowupAnchor(event="surgery", date=dt.date(2026, 9, 1))
    assert json.loads(a.to_json())["followup_from"] == {"event": "surgery", "date": "2026-09-01"}
    data = build_report(a, kb, GENERATED)
    assert data.followup is not None
    assert data.followup.anchor == "Dates count from surgery on 2026-09-01."
    # FU-03-04: first CT 6 months after surgery
    assert data.followup.next_visit.startswith("2027-03-01 (from surgery on 2026-09-01): CT")
    assert data.followup.rows[0].cells[0] == "every 6 months from 2027-03-01 until 2029-09"


def test_without_the_date_the_report_says_the_dates_count_from_today(
    kb: KnowledgeBase,
) -> None:
    doc = _doc()
    del doc["primary"]["resection_date"]
    patient = Patient.model_validate(doc, context={"today": TODAY})
    a = assess(patient, kb)
    assert a.followup_from == FollowupAnchor(event="surgery", date=None)
    view = build_report(a, kb, GENERATED).followup
    assert view is not None
    assert view.anchor.startswith("Dates count from 2026-11-26, the date of this report")
    assert "counts from surgery, whose date is not recorded" in view.anchor
    assert view.next_visit.startswith("2027-05-26: CT")


def test_metastatic_schedule_starts_now(kb: KnowledgeBase) -> None:
    doc = json.loads((EXAMPLES / "metastatic-kit11-untreated.json").read_text("utf-8"))
    a = assess(Patient.model_validate(doc, context={"today": TODAY}), kb)
    assert a.followup_from == FollowupAnchor(event="now", date=None)


def test_past_visits_are_left_out_and_counted() -> None:
    a = _plan([3, 6, 9, 12, 18], FollowupAnchor(event="surgery", date=dt.date(2025, 3, 2)))
    view = followup(a, Citations.__new__(Citations), dt.date(2025, 10, 1))
    assert view is not None
    assert [r.cells[0] for r in view.rows] == ["2025-12-02, 2026-03-02, 2026-09-02"]
    assert "2 earlier visits of the schedule are past and not listed" in view.anchor
    assert view.next_visit == "2025-12-02 (from surgery on 2025-03-02): CT abdomen/pelvis"


def test_a_schedule_that_is_over_says_so() -> None:
    a = _plan([12, 24], FollowupAnchor(event="adjuvant_end", date=dt.date(2015, 1, 10)))
    view = followup(a, Citations.__new__(Citations), dt.date(2025, 10, 1))
    assert view is not None
    assert "Every visit of the schedule is past (the last on 2017-01-10)" in view.anchor
    assert view.next_visit == "none left: the schedule ended on 2017-01-10"


def test_after_adjuvant_imatinib_counts_from_its_end(kb: KnowledgeBase) -> None:
    doc = _doc()
    doc["therapy_lines"] = [
        {
            "drug": "imatinib",
            "dose_mg_per_day": 400,
            "setting": "adjuvant",
            "start": "2023-01-10",
            "end": "2026-01-10",
            "stop_reason": "completed",
        }
    ]
    doc["primary"]["resection_date"] = "2022-12-01"
    a = assess(Patient.model_validate(doc, context={"today": TODAY}), kb)
    assert {v.rule_id for v in a.followup} == {"FU-04"}
    assert a.followup_from == FollowupAnchor(event="adjuvant_end", date=dt.date(2026, 1, 10))


@pytest.mark.parametrize(
    "change,path,message",
    [
        ({"resection_date": "2027-01-01"}, "primary.resection_date", "must not be after today"),
        (
            {"resection": "none", "resection_date": "2026-01-01"},
            "primary.resection_date",
            'contradicts resection "none"',
        ),
        ({"resection_date": "1900-01-01"}, "primary.resection_date", "before the patient was"),
        ({"resection_date": "2026-13-01"}, "primary.resection_date", "date"),
    ],
)
def test_a_bad_resection_date_is_invalid_input(
    change: dict[str, Any], path: str, message: str
) -> None:
    doc = _doc()
    doc["primary"].update(change)
    with pytest.raises(InputError) as err:
        patient_from_obj(doc, TODAY)
    assert [p.path for p in err.value.problems] == [path]
    assert message in err.value.problems[0].message


def test_adjuvant_therapy_before_the_resection_is_invalid_input() -> None:
    doc = _doc()
    doc["therapy_lines"] = [{"drug": "imatinib", "setting": "adjuvant", "start": "2026-08-01"}]
    with pytest.raises(InputError) as err:
        patient_from_obj(doc, TODAY)
    assert [p.path for p in err.value.problems] == ["therapy_lines[0].start"]
    assert "before the resection (2026-09-01)" in err.value.problems[0].message


def test_fhir_reads_the_resection_of_the_primary_only(kb: KnowledgeBase) -> None:
    """An mCODE surgical procedure for the primary gives the date (round trip); one for
    another condition, or a procedure without the profile, is reported and not read."""
    from gistcds.fhir import bundle_to_patient
    from gistcds.fhir.write_patient import patient_to_bundle

    patient = patient_from_obj(_doc(), TODAY)
    bundle = json.loads(json.dumps(patient_to_bundle(patient)))
    back, _ = bundle_to_patient(bundle, kb, today=TODAY)
    assert back.primary is not None and back.primary.resection_date == dt.date(2026, 9, 1)
    proc = next(e for e in bundle["entry"] if e["resource"]["resourceType"] == "Procedure")
    proc["resource"]["reasonReference"] = [{"reference": "Condition/elsewhere"}]
    back, report = bundle_to_patient(bundle, kb, today=TODAY)
    assert back.primary is not None and back.primary.resection_date is None
    assert any("another condition" in str(x) for x in report.by_status("ignored"))
    del proc["resource"]["meta"]
    back, report = bundle_to_patient(bundle, kb, today=TODAY)
    assert back.primary is not None and back.primary.resection_date is None
    assert any("not a cancer-related surgical" in str(x) for x in report.by_status("ignored"))


def _careplan_when(a: Assessment, patient: Patient, kb: KnowledgeBase) -> list[str]:
    from gistcds.fhir.write_assessment import assessment_to_bundle

    bundle = assessment_to_bundle(a, patient, kb=kb)
    (plan,) = [
        e["resource"]
        for e in bundle["entry"]
        if e["resource"]["resourceType"] == "CarePlan" and e["resource"]["id"] == "followup"
    ]
    return [act["detail"]["scheduledString"] for act in plan["activity"]]


def test_fhir_careplan_and_cds_card_say_what_the_months_count_from(kb: KnowledgeBase) -> None:
    """The CarePlan and the CDS Hooks card once said "month 6" with no anchor; they now give
    the date and the event as the report does (``followup.dates``, one wording)."""
    from gistcds.cdshooks import deterministic_uuid, patient_view_cards

    patient = Patient.model_validate(_doc(), context={"today": TODAY})
    a = assess(patient, kb)
    when = _careplan_when(a, patient, kb)
    assert when[0] == "2027-03-01 (month 6 from surgery on 2026-09-01)"
    assert all("from surgery on 2026-09-01" in w for w in when)
    (card, *_) = patient_view_cards(a, "Patient/x", deterministic_uuid("h"), today=TODAY)
    assert "**Follow-up, 2027-03-01 (month 6 from surgery on 2026-09-01):** CT" in card["detail"]
    (order,) = [
        s for s in card["suggestions"] if s["uuid"] == deterministic_uuid("h")("order-followup")
    ]
    assert order["label"].endswith("(2027-03-01)")
    assert order["actions"][0]["description"].endswith(
        "; due 2027-03-01 (month 6 from surgery on 2026-09-01)"
    )
    # a year later the card proposes the first visit not yet past, as the report does
    (later, *_) = patient_view_cards(
        a, "Patient/x", deterministic_uuid("h"), today=dt.date(2027, 11, 26)
    )
    assert "**Follow-up, 2028-03-01 (month 18 from surgery on 2026-09-01):**" in later["detail"]


def test_careplan_without_a_recorded_date_says_so(kb: KnowledgeBase) -> None:
    doc = _doc()
    del doc["primary"]["resection_date"]
    patient = Patient.model_validate(doc, context={"today": TODAY})
    a = assess(patient, kb)
    assert _careplan_when(a, patient, kb)[0] == "month 6 from surgery (its date is not recorded)"
    metastatic = json.loads((EXAMPLES / "metastatic-kit11-untreated.json").read_text("utf-8"))
    patient = Patient.model_validate(metastatic, context={"today": TODAY})
    a = assess(patient, kb)
    assert _careplan_when(a, patient, kb)[0] == "month 3 from the date of the assessment"
