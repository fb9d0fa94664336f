"""The FHIR commands through a subprocess: assess-fhir, export-fhir, assess --format fhir."""

from __future__ import annotations

import json
from pathlib import Path

from gistcds.fhir.validate import check_bundle
from tests.conftest import EXAMPLES
from tests.fhir_helpers import INPUT_BUNDLE
from tests.test_cli import run


def test_done_when_assess_fhir_example_json() -> None:
    p = run("assess-fhir", str(INPUT_BUNDLE), "--format", "json")
    assert p.returncode == 0, p.stderr
    a = json.loads(p.stdout)
    assert a["genotype"]["class"] == "KIT_exon11"
    assert a["risk"]["ajcc8"]["stage"] == "IV"
    assert [(r["date"], r["recist"], r["choi"]) for r in a["response"]] == [
        ("2024-06-10", "SD", "PR")
    ]
    assert a["recommendations"][0]["regimen"][0]["drug"] == "imatinib"
    assert a["recommendations"][0]["regimen"][0]["dose_mg_per_day"] == 400
    assert p.stderr.strip().splitlines()[-1].startswith("FHIR mapping: ")
    assert "0 unmapped" in p.stderr


def test_assess_fhir_writes_the_mapping_report_and_fhir_output(tmp_path: Path) -> None:
    mapping = tmp_path / "mapping.json"
    p = run("assess-fhir", str(INPUT_BUNDLE), "--format", "fhir", "--mapping", str(mapping))
    assert p.returncode == 0, p.stderr
    bundle = json.loads(p.stdout)
    assert bundle["resourceType"] == "Bundle" and check_bundle(bundle) == []
    report = json.loads(mapping.read_text())
    assert report["refs"]["patient"] == "Patient/pt-0001"
    assert any(line["status"] == "ignored" for line in report["lines"])


def test_export_then_assess_fhir_equals_assess(tmp_path: Path) -> None:
    src = EXAMPLES / "progression-after-imatinib.json"
    exported = run("export-fhir", str(src))
    assert exported.returncode == 0, exported.stderr
    path = tmp_path / "bundle.json"
    path.write_text(exported.stdout)
    via_fhir = run("assess-fhir", str(path), "--format", "json")
    direct = run("assess", str(src), "--format", "json")
    assert via_fhir.returncode == direct.returncode == 0
    assert json.loads(via_fhir.stdout) == json.loads(direct.stdout)


def test_assess_format_fhir_is_a_self_contained_valid_bundle() -> None:
    p = run("assess", str(EXAMPLES / "metastatic-kit9.json"), "--format", "fhir")
    assert p.returncode == 0, p.stderr
    bundle = json.loads(p.stdout)
    types = {e["resource"]["resourceType"] for e in bundle["entry"]}
    assert {"Patient", "Condition", "RequestGroup", "RiskAssessment"} <= types
    assert check_bundle(bundle) == []


def test_bad_bundle_exits_2_with_paths() -> None:
    bad = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"resource": {"resourceType": "Observation", "status": "final", "foo": 1}}],
    }
    p = run("assess-fhir", "-", stdin=json.dumps(bad).encode())
    assert p.returncode == 2
    assert "entry[0].resource.foo: unknown field, got 1" in p.stderr.splitlines()
    assert "Traceback" not in p.stderr
    p = run("assess-fhir", str(EXAMPLES / "sdh-deficient.json"))
    assert p.returncode == 2 and "expected a FHIR Bundle" in p.stderr
