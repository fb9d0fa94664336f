"""A second, independent check of the Bundles gistcds writes: the npm ``fhir`` package
(FHIR.js, validation against the base R4 spec) run through Node.

Runs when ``node`` is on the PATH; the package comes from ``tests/node/package-lock.json``
(``npm ci`` into ``tests/node/node_modules``, never a global install). Skipped, with the
reason printed, when Node or the package cannot be had.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.fhir_helpers import FHIR_EXAMPLES, input_bundle, patient_files, patient_obj

NODE_DIR = Path(__file__).parent / "node"


def _skip(reason: str) -> None:
    print(f"test_fhir_node skipped: {reason}", file=sys.stderr)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def validator() -> Path:
    if shutil.which("node") is None:
        _skip("node is not installed")
    if not (NODE_DIR / "node_modules" / "fhir").is_dir():
        npm = shutil.which("npm")
        if npm is None:
            _skip("npm is not installed, and tests/node/node_modules is missing")
        assert npm is not None
        done = subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund", "--prefix", str(NODE_DIR)],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        if done.returncode != 0:
            _skip(f"npm ci failed: {done.stderr.strip()[-300:]}")
    return NODE_DIR / "validate.js"


def node_check(validator: Path, bundles: dict[str, dict[str, Any]], tmp: Path) -> dict[str, Any]:
    files = []
    for name, bundle in bundles.items():
        f = tmp / f"{name}.json"
        f.write_text(json.dumps(bundle))
        files.append(str(f))
    done = subprocess.run(
        ["node", str(validator), *files], capture_output=True, text=True, timeout=300, check=True
    )
    return {Path(r["file"]).stem: r for r in map(json.loads, done.stdout.splitlines())}


def test_fhir_js_accepts_every_bundle_gistcds_writes(
    validator: Path, tmp_path: Path, kb: Any
) -> None:
    from gistcds.assess import assess
    from gistcds.fhir import bundle_to_patient
    from gistcds.fhir.write_assessment import assessment_to_bundle
    from gistcds.fhir.write_patient import patient_to_bundle
    from gistcds.io.patient_json import patient_from_obj

    bundles: dict[str, dict[str, Any]] = {}
    for path in patient_files():
        patient = patient_from_obj(patient_obj(path))
        bundles[f"record-{path.stem}"] = patient_to_bundle(patient)
        bundles[f"assessment-{path.stem}"] = assessment_to_bundle(
            assess(patient, kb), patient, kb=kb
        )
    patient, report = bundle_to_patient(input_bundle(), kb)
    bundles["example-output"] = assessment_to_bundle(assess(patient, kb), patient, report.refs, kb)
    results = node_check(validator, bundles, tmp_path)
    assert set(results) == set(bundles)
    failed = {k: r["errors"][:3] for k, r in results.items() if not r["valid"]}
    assert failed == {}


def test_fhir_js_catches_what_it_should(validator: Path, tmp_path: Path) -> None:
    bad = json.loads((FHIR_EXAMPLES / "kit11-metastatic.output-bundle.json").read_text())
    bad["entry"][0]["resource"]["status"] = "banana"
    bad["entry"][1]["resource"]["foo"] = 1
    result = node_check(validator, {"bad": bad}, tmp_path)["bad"]
    assert not result["valid"]
    assert any("banana" in e for e in result["errors"])
    assert any("Unexpected property" in e for e in result["errors"])
