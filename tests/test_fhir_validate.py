"""The checks every produced Bundle passes, shown to fail on what they are meant to catch."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gistcds.fhir.terminology import LOCAL, codeable, coding, concept, concepts, drug_coding
from gistcds.fhir.validate import REQUIRED_BINDINGS, check_bundle, check_resource
from gistcds.fhir.write_patient import patient_to_bundle
from gistcds.io.patient_json import load_patient
from tests.conftest import EXAMPLES


@pytest.fixture(scope="module")
def record() -> dict[str, Any]:
    return patient_to_bundle(load_patient(str(EXAMPLES / "progression-after-imatinib.json")))


def _first(bundle: dict[str, Any], rtype: str, profile: str = "") -> dict[str, Any]:
    for e in bundle["entry"]:
        r = e["resource"]
        if r["resourceType"] == rtype and profile in str(r.get("meta", "")):
            res: dict[str, Any] = r
            return res
    raise KeyError(rtype)


def test_clean_record_passes(record: dict[str, Any]) -> None:
    assert check_bundle(record) == []


def test_structure_is_checked_by_fhir_resources(record: dict[str, Any]) -> None:
    bad = copy.deepcopy(record)
    _first(bad, "Observation")["valueFoo"] = 1
    assert any("valueFoo: unknown field" in p for p in check_bundle(bad))


@settings(max_examples=25, deadline=None)
@given(st.sampled_from(REQUIRED_BINDINGS), st.text(min_size=1, max_size=8))
def test_required_binding_codes_outside_the_value_set_are_refused(rule: Any, code: str) -> None:
    rtype, path, allowed = rule
    if code in allowed or "." in path:
        return
    assert check_resource({"resourceType": rtype, path: code})  # fhir.resources accepts it


def test_status_banana_is_refused(record: dict[str, Any]) -> None:
    bad = copy.deepcopy(record)
    _first(bad, "MedicationRequest")["status"] = "banana"
    assert any("status: 'banana' not in the required value set" in p for p in check_bundle(bad))


def test_tumour_size_must_have_focus_xor_specimen(record: dict[str, Any]) -> None:
    bad = copy.deepcopy(record)
    size = _first(bad, "Observation", "mcode-tumor-size")
    size["specimen"] = {"reference": "Specimen/specimen-tissue"}
    assert any("must-have-focus-or-specimen" in p for p in check_bundle(bad))
    del size["focus"], size["specimen"]
    assert any("must-have-focus-or-specimen" in p for p in check_bundle(bad))


def test_reason_required_on_cancer_medication_requests(record: dict[str, Any]) -> None:
    bad = copy.deepcopy(record)
    del _first(bad, "MedicationRequest")["reasonReference"]
    assert any("mcode-reason-required" in p for p in check_bundle(bad))


def test_an_unconfirmed_code_under_its_standard_system_is_refused(record: dict[str, Any]) -> None:
    bad = copy.deepcopy(record)
    obs = _first(bad, "Observation")
    obs["code"] = {"coding": [{"system": "http://snomed.info/sct", "code": "1222837003"}]}
    assert any("1222837003 is not confirmed (stage_IV)" in p for p in check_bundle(bad))


def test_writers_never_emit_an_unconfirmed_standard_code() -> None:
    for c in concepts():
        written = coding(c.key)
        if c.confirmed:
            assert (written["system"], written["code"]) == (c.system, c.code)
        else:
            assert written["system"] == LOCAL and written["code"] == c.local_code
        assert codeable(c.key)["text"]
    assert drug_coding("regorafenib") == [] and drug_coding("imatinib")[0]["code"] == "282388"


def test_terminology_table_local_system_matches_the_constant() -> None:
    from gistcds.fhir import terminology

    assert terminology._table().local_system == LOCAL
    statuses = {c.status for c in concepts()}
    assert statuses <= {"verified", "corroborated", "local"}
    assert all(c.evidence for c in concepts() if c.status != "local")
    assert concept("stage_IIIB").candidate_code == "1222805004"
