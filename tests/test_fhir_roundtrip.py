"""Round trips: patient JSON -> export-fhir Bundle -> assess-fhir gives the same patient and
the same assessment as the JSON, over every shared case and example (and variations of
them drawn by hypothesis); and the worked example Bundle -> assess -> output Bundle."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gistcds.domain.patient import Patient
from gistcds.fhir import bundle_to_patient
from gistcds.fhir.validate import check_bundle
from gistcds.fhir.write_patient import patient_to_bundle
from gistcds.io.patient_json import patient_from_obj
from tests.fhir_helpers import input_bundle, patient_files, patient_obj

TODAY = dt.date(2026, 11, 26)
FILES = patient_files()


def roundtrip(patient: Patient, kb: Any) -> tuple[Patient, dict[str, Any]]:
    bundle = json.loads(json.dumps(patient_to_bundle(patient)))  # as written to a file
    back, report = bundle_to_patient(bundle, kb, today=TODAY)
    assert report.by_status("unmapped") == [], [str(x) for x in report.by_status("unmapped")]
    assert report.by_status("assumed") == [], [str(x) for x in report.by_status("assumed")]
    return back, bundle


def test_every_shared_case_and_example_is_covered() -> None:
    names = {f.name for f in FILES}
    assert len(FILES) >= 20 and "kit11-progression-on-imatinib-400.json" in names
    assert "invalid-size.json" not in names


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_export_then_import_gives_the_same_patient_and_assessment(path: Path, kb: Any) -> None:
    from gistcds.assess import assess

    patient = patient_from_obj(patient_obj(path), TODAY)
    back, bundle = roundtrip(patient, kb)
    assert back == patient
    assert assess(back, kb).model_dump_json() == assess(patient, kb).model_dump_json()
    assert check_bundle(bundle) == []


def _vary(obj: dict[str, Any], data: st.DataObject) -> dict[str, Any]:
    """Drop optional sections and redraw single values, staying valid input."""
    for key in (
        "age_years",
        "sex",
        "ecog",
        "labs",
        "comedications",
        "pregnant",
        "hepatic_impairment",
        "metastatic",
        "imaging",
        "therapy_lines",
    ):
        if key in obj and data.draw(st.booleans(), label=f"drop {key}"):
            del obj[key]
    obj["ecog"] = data.draw(st.none() | st.integers(0, 4), label="ecog")
    if data.draw(st.booleans(), label="labs"):
        obj["labs"] = {
            "neutrophils_10e9_per_l": data.draw(st.floats(0, 50, allow_nan=False), label="anc"),
            "hemoglobin_g_per_dl": data.draw(st.floats(3, 20, allow_nan=False), label="hb"),
        }
    if obj.get("sex") != "male":
        obj["pregnant"] = data.draw(st.none() | st.booleans(), label="pregnant")
        obj["breastfeeding"] = data.draw(st.none() | st.booleans(), label="breastfeeding")
    obj["hepatic_impairment"] = data.draw(
        st.none() | st.sampled_from(["none", "mild", "moderate", "severe"]), label="hepatic"
    )
    if data.draw(st.booleans(), label="organ function"):
        obj["labs"] = {
            **obj.get("labs", {}),
            "platelets_10e9_per_l": data.draw(st.floats(1, 900, allow_nan=False), label="plt"),
            "alt_u_per_l": data.draw(st.floats(1, 900, allow_nan=False), label="alt"),
            "alt_uln_u_per_l": data.draw(st.sampled_from([35, 40, 45]), label="alt uln"),
            "ast_u_per_l": data.draw(st.floats(1, 900, allow_nan=False), label="ast"),
            "ast_uln_u_per_l": data.draw(st.sampled_from([34, 40]), label="ast uln"),
            "bilirubin_uln_umol_per_l": data.draw(st.sampled_from([17, 21]), label="bili uln"),
            "tsh_mu_per_l": data.draw(st.floats(0.01, 50, allow_nan=False), label="tsh"),
        }
        obj["cardiac"] = {
            "lvef_pct": data.draw(st.floats(10, 80, allow_nan=False), label="ef"),
            "qtc_ms": data.draw(st.integers(300, 600), label="qtc"),
        }
        obj["adverse_events"] = [
            {
                "term": data.draw(
                    st.sampled_from(
                        [
                            "Hypertension",
                            "Neutrophil count decreased",
                            "Palmar-plantar erythrodysesthesia syndrome",
                        ]
                    )
                ),
                "grade": data.draw(st.integers(1, 4), label="grade"),
                "drug": "imatinib",
                "onset": "2025-01-05",
                "resolved": data.draw(st.none() | st.just("2025-02-01"), label="resolved"),
                "recurrence": data.draw(st.none() | st.integers(1, 3), label="recurrence"),
            }
        ]
    primary = obj.get("primary")
    if isinstance(primary, dict):
        primary["site"] = data.draw(
            st.sampled_from(
                [
                    "stomach",
                    "duodenum",
                    "jejunum_ileum",
                    "small_intestine",
                    "colon",
                    "rectum",
                    "esophagus",
                    "omentum",
                    "mesentery",
                    "peritoneum",
                    "other",
                ]
            ),
            label="site",
        )
        primary["resection"] = data.draw(
            st.none() | st.sampled_from(["none", "R0", "R1", "R2"]), label="resection"
        )
        if primary["resection"] == "none":  # a resection date needs a resection
            primary.pop("resection_date", None)
        primary["nodes"] = data.draw(st.none() | st.sampled_from(["N0", "N1", "NX"]), label="N")
    return {k: v for k, v in obj.items() if v is not None}


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_roundtrip_property_over_variations_of_the_cases(data: st.DataObject, kb: Any) -> None:
    path = data.draw(st.sampled_from(FILES), label="case")
    obj = _vary(patient_obj(path), data)
    patient = patient_from_obj(obj, TODAY)
    back, _ = roundtrip(patient, kb)
    assert back == patient


def test_every_patient_field_has_a_fhir_mapping() -> None:
    """A field added to the patient model must be mapped (or this test names it)."""
    from gistcds.domain.patient import Labs
    from gistcds.fhir.write_facts import LAB_FIELDS, ULN_FIELDS

    handled = {
        "schema_version",
        "id",
        "age_years",
        "sex",
        "ecog",
        "primary",
        "molecular",
        "metastatic",
        "labs",
        "cardiac",
        "renal",
        "adverse_events",
        "therapy_lines",
        "imaging",
        "comedications",
        "pregnant",
        "breastfeeding",
        "hepatic_impairment",
    }
    assert set(Patient.model_fields) - handled == set()
    assert set(Labs.model_fields) - set(LAB_FIELDS) - set(ULN_FIELDS) == set()


def test_example_bundle_to_output_bundle(kb: Any) -> None:
    from gistcds.assess import assess
    from gistcds.fhir.write_assessment import assessment_to_bundle

    patient, report = bundle_to_patient(input_bundle(), kb, today=TODAY)
    out = assessment_to_bundle(assess(patient, kb), patient, report.refs, kb)
    assert check_bundle(out) == []
    resources = [e["resource"] for e in out["entry"]]
    # the output points back at the input record, which it does not repeat
    assert {r["resourceType"] for r in resources}.isdisjoint({"Patient", "Condition"})
    assert all(
        r.get("subject", r.get("patient")) == {"reference": "Patient/pt-0001"} for r in resources
    )
    recist = next(r for r in resources if r["id"] == "recist-2024-06-10")
    assert recist["derivedFrom"] == [
        {"reference": f"Observation/{i}"}
        for i in (
            "size-prim-base",
            "size-liv-base",
            "hu-liv-base",
            "size-prim-w12",
            "size-liv-w12",
            "hu-liv-w12",
        )
    ]
