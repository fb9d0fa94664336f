"""FHIR out: what the output Bundle says, and that it is only a rendering of the Assessment."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from gistcds.fhir import bundle_to_patient
from gistcds.fhir.validate import check_bundle
from gistcds.fhir.write_assessment import assessment_to_bundle
from tests.fhir_helpers import input_bundle, patient_files, patient_obj

TODAY = dt.date(2026, 11, 26)
NCIT = "http://ncicb.nci.nih.gov/xml/owl/EVS/Thesaurus.owl"


@pytest.fixture(scope="module")
def example(kb: Any) -> tuple[Any, dict[str, dict[str, Any]]]:
    from gistcds.assess import assess

    patient, report = bundle_to_patient(input_bundle(), kb, today=TODAY)
    a = assess(patient, kb)
    out = assessment_to_bundle(a, patient, report.refs, kb)
    return a, {e["resource"]["id"]: e["resource"] for e in out["entry"]}


def test_response_observations_per_time_point(example: Any) -> None:
    _, res = example
    recist, choi = res["recist-2024-06-10"], res["choi-2024-06-10"]
    assert recist["valueCodeableConcept"]["coding"][0] == {
        "system": NCIT,
        "code": "C18213",
        "display": "Stable Disease",
    }
    assert choi["valueCodeableConcept"]["coding"][0]["code"] == "C18058"  # partial response
    assert recist["method"]["coding"][0]["code"] == "126081"  # DICOM RECIST 1.1
    change = recist["component"][0]
    assert change["valueQuantity"]["value"] == -15.7 and change["valueQuantity"]["code"] == "%"
    assert choi["component"][0]["valueQuantity"]["value"] == -54.4


def test_staging_observations_follow_mcode(example: Any) -> None:
    a, res = example
    group = res["tnm-stage-group"]
    assert group["valueCodeableConcept"]["text"] == "Stage IV"
    # stage-group SNOMED codes are unconfirmed: written as gistcds local codes
    assert group["valueCodeableConcept"]["coding"][0]["system"].endswith("/CodeSystem/local")
    assert group["method"]["coding"][0]["code"] == "897275008"
    assert [m["reference"] for m in group["hasMember"]] == [
        "Observation/tnm-t",
        "Observation/tnm-n",
        "Observation/tnm-m",
    ]
    assert all(
        res[k]["focus"] == [{"reference": "Condition/cond-primary"}]
        for k in ("tnm-t", "tnm-n", "tnm-m", "tnm-stage-group")
    )
    assert res["tnm-t"]["valueCodeableConcept"]["text"] == f"{a.risk.ajcc8.classification}T3"


def test_genotype_as_genomics_reporting_implications(example: Any) -> None:
    a, res = example
    dx = res["genotype-class"]
    phenotype = dx["component"][0]["valueCodeableConcept"]
    assert phenotype["coding"][0]["code"] == "KIT_exon11"  # the contract's id as the code
    assert phenotype["text"] == phenotype["coding"][0]["display"] == "KIT exon 11"
    assert dx["derivedFrom"][0] == {"reference": "Observation/var-kit"}
    assert "value" not in str(list(dx))  # GR: value[x] 0..0
    imatinib = res["implication-imatinib"]
    med, effect = imatinib["component"]
    assert med["valueCodeableConcept"]["coding"][0]["code"] == "282388"
    expected = {"sensitive": "LA6677-4", "resistant": "LA6676-6"}[a.genotype.sensitivity.imatinib]
    assert effect["valueCodeableConcept"]["coding"][0]["code"] == expected


def test_options_are_ranked_proposals_with_citations(example: Any, kb: Any) -> None:
    a, res = example
    group = res["options"]
    assert (group["status"], group["intent"]) == ("draft", "proposal")
    assert [x["prefix"] for x in group["action"]] == [
        str(n) for n in range(1, len(a.recommendations) + 1)
    ]
    first = group["action"][0]
    assert first["title"] == a.recommendations[0].title
    proposal = res[first["resource"]["reference"].split("/")[1]]
    assert (proposal["intent"], proposal["status"]) == ("proposal", "draft")
    assert proposal["medicationCodeableConcept"]["text"] == "imatinib"
    dose = proposal["dosageInstruction"][0]["extension"][0]["valueQuantity"]
    assert (dose["value"], dose["code"]) == (400, "mg/d")
    labels = [d["label"] for d in first["documentation"]]
    cited = [s for s in a.recommendations[0].evidence.source_ids if s in kb.sources]
    # the option's own sources first, then those of its levels of evidence (OncoKB)
    assert labels == [*cited, "oncokb2026"]
    levels = {
        (part["url"], part.get("valueCode") or part.get("valueString"))
        for e in first["extension"]
        for part in e["extension"]
    }
    assert {("system", "variant_level"), ("value", "1"), ("drug", "imatinib")} <= levels
    assert ("value", "not captured") in levels
    assert all(
        d["type"] == "citation" and d["url"].startswith("https://") for d in first["documentation"]
    )


def test_cautions_and_followup(example: Any) -> None:
    a, res = example
    issues = [r for r in res.values() if r["resourceType"] == "DetectedIssue"]
    assert [i["code"]["text"] for i in issues] == [c.code for c in a.cautions]
    severity = {"critical": "high", "warning": "moderate", "info": "low"}
    assert [i["severity"] for i in issues] == [severity[c.severity] for c in a.cautions]
    plan = res["followup"]
    assert [x["detail"]["description"] for x in plan["activity"]] == [v.exam for v in a.followup]


def test_prognosis_curves_as_risk_assessments(example: Any) -> None:
    a, res = example
    pfs = res["prognosis-pfs"]
    points = [(p["whenRange"]["high"]["value"], p["probabilityDecimal"]) for p in pfs["prediction"]]
    assert points == [(lm.months, round(1 - lm.survival, 4)) for lm in a.prognosis.pfs.landmarks]


@pytest.mark.parametrize("path", patient_files(), ids=lambda p: p.stem)
def test_every_case_output_bundle_is_valid_and_self_contained(path: Any, kb: Any) -> None:
    from gistcds.assess import assess
    from gistcds.io.patient_json import patient_from_obj

    patient = patient_from_obj(patient_obj(path), TODAY)
    out = assessment_to_bundle(assess(patient, kb), patient, kb=kb)
    assert check_bundle(out) == []
    ids = {f"{e['resource']['resourceType']}/{e['resource']['id']}" for e in out["entry"]}
    refs = [v for e in out["entry"] for v in _references(e["resource"])]
    assert refs and set(refs) <= ids


def _references(node: Any) -> list[str]:
    if isinstance(node, dict):
        value = node.get("reference")
        # Reference.reference; DetectedIssue.reference is a plain uri (the authority)
        own = [value] if isinstance(value, str) and "://" not in value else []
        return own + [r for v in node.values() for r in _references(v)]
    if isinstance(node, list):
        return [r for v in node for r in _references(v)]
    return []


def test_side_effect_advice_is_rendered(kb: Any) -> None:
    from gistcds.assess import assess
    from gistcds.io.patient_json import load_patient
    from tests.conftest import EXAMPLES

    patient = load_patient(str(EXAMPLES / "regorafenib-hand-foot.json"))
    a = assess(patient, kb)
    out = assessment_to_bundle(a, patient, kb=kb)
    assert check_bundle(out) == []
    res = {e["resource"]["id"]: e["resource"] for e in out["entry"]}
    tox = res["toxicity-management"]
    assert [x["code"][0]["text"] for x in tox["action"]] == [t.action for t in a.toxicity]
    assert len(res["monitoring"]["activity"]) == len(a.monitoring)
    assert len(res["counselling"]["activity"]) == len(a.counselling)
    events = [r for r in res.values() if r["resourceType"] == "AdverseEvent"]
    assert [e["event"]["text"] for e in events] == [x.term for x in patient.adverse_events]
