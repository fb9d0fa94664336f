"""CDS Hooks library (no HTTP yet): discovery, prefetch -> Patient, cards, order checks."""

from __future__ import annotations

import json
from typing import Any

import pytest

from gistcds.cdshooks import (
    ORDER_SELECT,
    ORDER_SIGN,
    PATIENT_VIEW,
    deterministic_uuid,
    discovery,
    missing_prefetch,
    order_sign_cards,
    patient_view_cards,
    prefetch_bundle,
)
from gistcds.fhir import bundle_to_patient
from gistcds.io.patient_json import patient_from_obj
from tests.conftest import SHARED_CASES
from tests.fhir_helpers import FHIR_EXAMPLES, input_bundle
from tests.fhir_helpers import prefetch as _prefetch


def _case(name: str) -> Any:
    return patient_from_obj(json.loads((SHARED_CASES / f"{name}.json").read_text())["patient"])


def test_discovery_lists_both_services() -> None:
    services = discovery()["services"]
    assert [(s["id"], s["hook"]) for s in services] == [
        (PATIENT_VIEW, "patient-view"),
        (ORDER_SIGN, "order-sign"),
        (ORDER_SELECT, "order-select"),
    ]
    for s in services:
        assert s["description"] and s["title"]
        assert s["prefetch"]["patient"] == "Patient/{{context.patientId}}"


def test_missing_prefetch_keys_decide_the_412() -> None:
    assert missing_prefetch(_prefetch()) == []
    assert missing_prefetch(None) == ["patient", "conditions", "observations"]
    assert missing_prefetch({"patient": {}, "conditions": None, "observations": None}) == []
    assert missing_prefetch(
        {"patient": {}, "conditions": None, "observations": None}, ORDER_SIGN
    ) == ["medicationRequests", "medicationStatements"]


def test_prefetch_reads_like_the_bundle(kb: Any) -> None:
    merged = prefetch_bundle(_prefetch())
    assert all(e["resource"]["resourceType"] != "OperationOutcome" for e in merged["entry"])
    assert len(merged["entry"]) == len(input_bundle()["entry"])
    patient, _ = bundle_to_patient(merged, kb)
    direct, _ = bundle_to_patient(input_bundle(), kb)
    assert patient.model_copy(update={"age_years": None}) == direct.model_copy(
        update={"age_years": None}
    )  # age counts to today, not to the Bundle timestamp


@pytest.fixture(scope="module")
def example_cards(kb: Any) -> list[dict[str, Any]]:
    from gistcds.assess import assess

    patient, report = bundle_to_patient(input_bundle(), kb)
    return patient_view_cards(
        assess(patient, kb),
        report.refs.patient,
        deterministic_uuid("hook-1"),
        report_url="https://h.example/r/1",
    )


def test_patient_view_first_card_matches_the_worked_example(example_cards: Any) -> None:
    expected = json.loads((FHIR_EXAMPLES / "kit11-metastatic.cds-hooks-response.json").read_text())
    want, got = expected["cards"][0], example_cards[0]
    assert got["indicator"] == want["indicator"] == "info"
    assert got["summary"].startswith(
        "KIT exon 11 GIST on imatinib: Choi partial response (RECIST stable); "
    )
    assert "imatinib 400 mg once daily" in got["summary"] and len(got["summary"]) < 140
    assert "-15.7% (RECIST 1.1 SD)" in got["detail"] and "-54.4% (Choi PR)" in got["detail"]
    assert got["selectionBehavior"] and all(s["label"] and s["uuid"] for s in got["suggestions"])
    assert got["suggestions"][0]["actions"][0]["resource"]["intent"] == "proposal"
    assert got["links"][0]["url"] == "https://h.example/r/1"
    assert {o["code"] for o in got["overrideReasons"]} == {
        o["code"] for o in want["overrideReasons"]
    }


def test_card_uuids_are_stable_per_call_and_unique(example_cards: Any, kb: Any) -> None:
    uuids = [c["uuid"] for c in example_cards]
    assert len(set(uuids)) == len(uuids)
    assert uuids[0] == deterministic_uuid("hook-1")("option-1")
    assert deterministic_uuid("hook-2")("option-1") != uuids[0]


def test_critical_caution_stays_critical(kb: Any) -> None:
    from gistcds.assess import assess

    patient = _case("pdgfra-d842v-first-line")
    a = assess(patient, kb)
    cards = patient_view_cards(a, "Patient/x", deterministic_uuid("h"))
    critical = [c for c in cards if c["indicator"] == "critical"]
    assert [c["detail"] for c in critical] == [
        x.message for x in a.cautions if x.severity == "critical"
    ]
    assert all(len(c["summary"]) < 140 for c in cards)


def test_missing_tests_card(kb: Any) -> None:
    from gistcds.assess import assess

    patient = patient_from_obj(
        {
            "id": "untested",
            "primary": {"site": "stomach", "size_cm": 6},
            "metastatic": {"sites": ["liver"]},
        }
    )
    a = assess(patient, kb)
    assert a.genotype is not None and a.genotype.missing_tests
    cards = patient_view_cards(a, "Patient/x", deterministic_uuid("h"))
    (missing,) = [c for c in cards if c["source"]["topic"]["code"] == "missing-test"]
    assert missing["indicator"] == "warning"
    assert all(t in missing["detail"] for t in a.genotype.missing_tests)


def _draft(drug: str, mg: float, per_day: int = 1) -> dict[str, Any]:
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {
                "resource": {
                    "resourceType": "MedicationRequest",
                    "id": "draft-1",
                    "status": "draft",
                    "intent": "order",
                    "subject": {"reference": "Patient/x"},
                    "medicationCodeableConcept": {"text": drug},
                    "dosageInstruction": [
                        {
                            "timing": {
                                "repeat": {"frequency": per_day, "period": 1, "periodUnit": "d"}
                            },
                            "doseAndRate": [{"doseQuantity": {"value": mg, "unit": "mg"}}],
                        }
                    ],
                }
            }
        ],
    }


def test_order_sign_warns_imatinib_for_d842v_and_suggests_the_option(kb: Any) -> None:
    patient = _case("pdgfra-d842v-first-line")
    cards = order_sign_cards(patient, _draft("imatinib", 400), kb, deterministic_uuid("o"))
    first = cards[0]
    assert first["indicator"] == "critical" and "resistant to imatinib" in first["summary"]
    action = first["suggestions"][0]["actions"][0]
    assert action["type"] == "update"
    assert action["resource"]["medicationCodeableConcept"]["text"] == "avapritinib"


def test_order_sign_renders_interaction_and_pregnancy_cautions(kb: Any) -> None:
    patient = _case("interaction-carbamazepine")
    cards = order_sign_cards(patient, _draft("imatinib", 400), kb, deterministic_uuid("o"))
    assert any("CYP3A4" in c["detail"] and "imatinib" in c["detail"] for c in cards)
    pregnant = patient.model_copy(update={"pregnant": True, "sex": "female"})
    cards = order_sign_cards(pregnant, _draft("imatinib", 400), kb, deterministic_uuid("o"))
    assert any(c["indicator"] == "critical" and "pregnan" in c["detail"].lower() for c in cards)


def test_order_sign_dose_differs_from_the_option(kb: Any) -> None:
    patient, _ = bundle_to_patient(input_bundle(), kb)
    cards = order_sign_cards(
        patient, _draft("imatinib", 400, per_day=2), kb, deterministic_uuid("o")
    )
    (dose,) = [c for c in cards if c["source"]["topic"]["code"] == "dose"]
    assert "ordered 800 mg/day" in dose["summary"]
    same = order_sign_cards(patient, _draft("imatinib", 400), kb, deterministic_uuid("o"))
    assert all(c["source"]["topic"]["code"] != "dose" for c in same)
    assert order_sign_cards(patient, _draft("omeprazole", 20), kb, deterministic_uuid("o")) == []


def test_prefetch_templates_are_rendered_for_a_fhir_server() -> None:
    from gistcds.cdshooks import render_prefetch

    queries = render_prefetch(PATIENT_VIEW, {"patientId": "pt-0001", "userId": "Practitioner/1"})
    assert queries["patient"] == "Patient/pt-0001"
    assert queries["observations"] == "Observation?patient=pt-0001&_count=500"
    assert render_prefetch(PATIENT_VIEW, {"userId": "Practitioner/1"}) == {}


def test_card_names_the_running_line_from_the_assessment(kb: Any) -> None:
    """ "on <drug>" comes from the assessment's record summary (the history engine's
    ``line_stop``), not from a second reading of the record: a stopped line is not "on"."""
    from gistcds.assess import assess

    stopped = assess(_case("third-line"), kb)
    assert [t.ongoing for t in stopped.record.therapy_lines] == [False, False]
    (first, *_) = patient_view_cards(stopped, "Patient/x", deterministic_uuid("h"))
    assert " on " not in first["summary"].split(":")[0]

    doc = json.loads((SHARED_CASES / "third-line.json").read_text())["patient"]
    doc["therapy_lines"][-1].update(end=None, stop_reason=None, progression=None)
    running = assess(patient_from_obj(doc), kb)
    assert [t.ongoing for t in running.record.therapy_lines] == [False, True]
    (first, *_) = patient_view_cards(running, "Patient/x", deterministic_uuid("h"))
    assert first["summary"].split(":")[0].endswith(" on sunitinib")
