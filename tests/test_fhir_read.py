"""FHIR in: the worked example Bundle -> Patient, the mapping report, and bad input."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from gistcds.errors import InputError
from gistcds.fhir import bundle_to_patient
from tests.fhir_helpers import entry, entry_index, input_bundle

TODAY = dt.date(2026, 11, 26)


def read(bundle: dict[str, Any]):  # type: ignore[no-untyped-def]
    return bundle_to_patient(bundle, today=TODAY)


def test_example_maps_every_field_the_reference_names() -> None:
    patient, _ = read(input_bundle())
    assert patient.id == "pt-0001" and patient.sex == "male"
    assert patient.age_years == 63  # born 1961-05-14, Bundle timestamp 2024-06-11
    assert patient.ecog == 1
    assert patient.primary is not None
    assert (patient.primary.site, patient.primary.size_cm) == ("stomach", 8.5)
    assert patient.primary.nodes == "N0"
    assert patient.primary.mitoses is not None and patient.primary.mitoses.count == 12
    assert patient.primary.mitoses.per == "5mm2" and patient.primary.rupture is False
    mol = patient.molecular
    assert mol is not None and mol.tested_genes == ["KIT", "PDGFRA"]
    assert [(v.gene, v.hgvs_p, v.source) for v in mol.variants] == [
        ("KIT", "NP_000213.1:p.(Trp557_Lys558del)", "tissue")
    ]
    assert patient.metastatic is not None and patient.metastatic.sites == ["liver"]
    assert patient.metastatic.diagnosed == dt.date(2024, 2, 20)
    assert patient.labs is not None
    assert (patient.labs.neutrophils_10e9_per_l, patient.labs.hemoglobin_g_per_dl) == (2.1, 11.4)
    assert patient.labs.albumin_g_per_l == 39
    (line,) = patient.therapy_lines
    assert (line.drug, line.dose_mg_per_day, line.setting) == ("imatinib", 400, "metastatic")
    assert line.start == dt.date(2024, 3, 12) and line.end is None and line.stop_reason is None
    assert patient.comedications == ["omeprazole"]
    assert [tp.date for tp in patient.imaging] == [dt.date(2024, 2, 18), dt.date(2024, 6, 10)]
    week12 = {les.id: les for les in patient.imaging[1].lesions}
    assert week12["L1-liver-seg7"].longest_diameter_mm == 36
    assert week12["L1-liver-seg7"].density_hu == 31 and week12["L1-liver-seg7"].organ == "liver"
    assert week12["T1-stomach"].longest_diameter_mm == 71


def test_done_when_assessment_of_the_example(kb) -> None:  # type: ignore[no-untyped-def]
    from gistcds.assess import assess

    patient, _ = read(input_bundle())
    a = assess(patient, kb)
    assert a.genotype is not None and a.genotype.genotype_class == "KIT_exon11"
    assert a.risk.ajcc8 is not None and a.risk.ajcc8.stage == "IV"
    (tp,) = a.response
    assert (tp.date, tp.recist, tp.choi) == (dt.date(2024, 6, 10), "SD", "PR")
    assert tp.change_from_baseline_pct == pytest.approx(-15.7, abs=0.05)
    first = a.recommendations[0]
    assert [(r.drug, r.dose_mg_per_day) for r in first.regimen] == [("imatinib", 400)]


def test_nothing_is_dropped_silently() -> None:
    bundle = input_bundle()
    _, report = read(bundle)
    assert report.resources() == {f"entry[{i}]" for i in range(len(bundle["entry"]))}
    assert report.by_status("unmapped") == []
    # every element present in every resource that was read at all has a line or was used
    lines = {
        (line.path.split(".")[0], line.path.split(".")[2].split("[")[0])
        for line in report.lines
        if line.path.count(".") >= 2
    }
    patient_lines = {p for e, p in lines if e == "entry[0]"}
    assert {"identifier", "name", "gender", "birthDate"} <= patient_lines


def test_assumptions_are_reported_with_their_reason() -> None:
    _, report = read(input_bundle())
    assumed = [str(line) for line in report.by_status("assumed")]
    assert any("primary.size_cm" in s and "earliest CT size" in s for s in assumed)
    assert sum("lesion kind not given" in s for s in assumed) == 4


def test_unknown_observation_is_reported_unmapped_with_its_path() -> None:
    bundle = input_bundle()
    entry(bundle, "lab-alb")["code"] = {"coding": [{"system": "http://loinc.org", "code": "0-0"}]}
    patient, report = read(bundle)
    i = entry_index(bundle, "lab-alb")
    (line,) = [x for x in report.by_status("unmapped") if x.path.startswith(f"entry[{i}]")]
    assert line.resource == "Observation/lab-alb" and "not known" in line.reason
    assert patient.labs is not None and patient.labs.albumin_g_per_l is None


def test_other_patients_and_entered_in_error_resources_are_not_read() -> None:
    bundle = input_bundle()
    entry(bundle, "obs-ecog")["subject"] = {"reference": "Patient/someone-else"}
    entry(bundle, "lab-hb")["status"] = "entered-in-error"
    patient, report = read(bundle)
    assert patient.ecog is None
    assert patient.labs is not None and patient.labs.hemoglobin_g_per_dl is None
    texts = [str(x) for x in report.lines]
    assert any("Observation/obs-ecog" in t and "not to the Bundle's patient" in t for t in texts)
    assert any("Observation/lab-hb" in t and "entered-in-error" in t for t in texts)


def test_latest_value_wins_and_the_older_is_listed_as_superseded() -> None:
    bundle = input_bundle()
    older = dict(entry(bundle, "obs-ecog"), id="obs-ecog-old", valueInteger=3)
    older["effectiveDateTime"] = "2024-01-01"
    bundle["entry"].append({"resource": older})
    patient, report = read(bundle)
    assert patient.ecog == 1
    assert any(
        x.resource == "Observation/obs-ecog-old" and "superseded" in x.reason
        for x in report.by_status("ignored")
    )


def test_units_are_converted_or_refused() -> None:
    bundle = input_bundle()
    entry(bundle, "lab-hb")["valueQuantity"] = {"value": 114, "unit": "g/L", "code": "g/L"}
    entry(bundle, "lab-alb")["valueQuantity"] = {"value": 5, "unit": "mmol/L", "code": "mmol/L"}
    patient, report = read(bundle)
    assert patient.labs is not None and patient.labs.hemoglobin_g_per_dl == pytest.approx(11.4)
    assert patient.labs.albumin_g_per_l is None
    assert any("mmol/L" in x.reason for x in report.by_status("unmapped"))


def test_stopped_line_reads_its_stop_reason_and_dose_per_day() -> None:
    bundle = input_bundle()
    rx = entry(bundle, "medrx-imatinib")
    rx["status"] = "stopped"
    rx["statusReason"] = {"coding": [{"system": "http://snomed.info/sct", "code": "266721009"}]}
    rx["dosageInstruction"][0]["timing"]["repeat"].update(
        {"frequency": 2, "boundsPeriod": {"start": "2024-03-12", "end": "2024-06-01"}}
    )
    patient, _ = read(bundle)
    (line,) = patient.therapy_lines
    assert (line.stop_reason, line.dose_mg_per_day) == ("progression", 800)
    assert line.end == dt.date(2024, 6, 1)


def test_invalid_value_names_the_bundle_element_and_the_patient_field() -> None:
    bundle = input_bundle()
    entry(bundle, "obs-ecog")["valueInteger"] = 7
    with pytest.raises(InputError) as err:
        read(bundle)
    i = entry_index(bundle, "obs-ecog")
    assert [str(p) for p in err.value.problems] == [
        f"entry[{i}].resource.valueInteger (ecog): must be <= 4, got 7"
    ]


def test_structural_faults_are_input_errors_with_paths() -> None:
    bundle = input_bundle()
    entry(bundle, "lab-hb")["foo"] = 1
    with pytest.raises(InputError) as err:
        read(bundle)
    i = entry_index(bundle, "lab-hb")
    assert f"entry[{i}].resource.foo: unknown field, got 1" in [str(p) for p in err.value.problems]
    with pytest.raises(InputError, match="expected a FHIR Bundle"):
        read({"resourceType": "Patient", "id": "x"})
    with pytest.raises(InputError, match="no Patient"):
        read({"resourceType": "Bundle", "type": "collection", "entry": []})


def test_missing_protein_change_passes_the_cdna_change_on_as_assumed() -> None:
    bundle = input_bundle()
    var = entry(bundle, "var-kit")
    var["component"] = [c for c in var["component"] if c["code"]["coding"][0]["code"] != "48005-3"]
    patient, report = read(bundle)
    assert patient.molecular is not None
    assert patient.molecular.variants[0].hgvs_p == "NM_000222.3:c.1669_1674del"
    assert any("cDNA change" in x.reason for x in report.by_status("assumed"))


def test_statements_and_administrations_make_lines() -> None:
    bundle = input_bundle()
    bundle["entry"] = [e for e in bundle["entry"] if e["resource"]["id"] != "medrx-imatinib"]
    sunitinib = {
        "coding": [{"system": "http://www.nlm.nih.gov/research/umls/rxnorm", "code": "357977"}]
    }
    bundle["entry"] += [
        {
            "resource": {
                "resourceType": "MedicationStatement",
                "id": "st-ima",
                "status": "stopped",
                "medicationCodeableConcept": {"text": "Gleevec"},
                "subject": {"reference": "Patient/pt-0001"},
                "statusReason": [
                    {"coding": [{"system": "http://snomed.info/sct", "code": "407563006"}]}
                ],
                "effectivePeriod": {"start": "2023-01-10", "end": "2023-06-01"},
            }
        },
        *(
            {
                "resource": {
                    "resourceType": "MedicationAdministration",
                    "id": f"adm-{d}",
                    "status": "completed",
                    "medicationCodeableConcept": sunitinib,
                    "subject": {"reference": "Patient/pt-0001"},
                    "effectiveDateTime": d,
                    "dosage": {"dose": {"value": 50, "unit": "mg", "code": "mg"}},
                }
            }
            for d in ("2023-07-01", "2023-07-02")
        ),
    ]
    patient, report = read(bundle)
    first, second = patient.therapy_lines
    assert (first.drug, first.stop_reason, first.end) == (
        "gleevec",
        "toxicity",
        dt.date(2023, 6, 1),
    )
    assert (second.drug, second.start, second.end) == ("sunitinib", dt.date(2023, 7, 1), None)
    assert second.dose_mg_per_day == 50
    assert any("merged into the sunitinib line" in x.reason for x in report.by_status("assumed"))


def test_organ_function_and_adverse_events_are_read() -> None:
    bundle = input_bundle()
    subject = {"reference": "Patient/pt-0001"}
    loinc = "http://loinc.org"
    bundle["entry"] += [
        {
            "resource": {
                "resourceType": "Observation",
                "id": "alt",
                "status": "final",
                "code": {"coding": [{"system": loinc, "code": "1742-6"}]},
                "subject": subject,
                "effectiveDateTime": "2024-06-08",
                "valueQuantity": {"value": 80, "unit": "U/L", "code": "U/L"},
                "referenceRange": [{"high": {"value": 40, "unit": "U/L", "code": "U/L"}}],
            }
        },
        {
            "resource": {
                "resourceType": "Observation",
                "id": "ef",
                "status": "final",
                "code": {"coding": [{"system": loinc, "code": "10230-1"}]},
                "subject": subject,
                "valueQuantity": {"value": 55, "unit": "%"},
            }
        },
        {
            "resource": {
                "resourceType": "AdverseEvent",
                "id": "ae",
                "actuality": "actual",
                "subject": subject,
                "event": {"text": "Neutrophil count decreased"},
                "date": "2024-05-01",
                "extension": [
                    {
                        "url": "http://example.org/gistcds/StructureDefinition/ctcae-grade",
                        "valueInteger": 3,
                    }
                ],
                "suspectEntity": [{"instance": {"display": "Imatinib"}}],
            }
        },
    ]
    patient, report = read(bundle)
    assert patient.labs is not None
    assert (patient.labs.alt_u_per_l, patient.labs.alt_uln_u_per_l) == (80, 40)
    assert patient.cardiac is not None and patient.cardiac.lvef_pct == 55
    (ae,) = patient.adverse_events
    assert (ae.term, ae.grade, ae.drug, ae.onset) == (
        "Neutrophil count decreased",
        3,
        "imatinib",
        dt.date(2024, 5, 1),
    )
    assert report.by_status("unmapped") == []
