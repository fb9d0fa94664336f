"""The genotype expectations of the shared clinical cases (../shared/examples/cases), run
through the orchestrator; other engines' expectations are not checked here."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from conftest import SHARED_CASES, TODAY
from gistcds.assess import assess
from gistcds.domain.patient import Patient


def genotype_expectations() -> list[tuple[str, dict[str, Any], list[dict[str, Any]]]]:
    out = []
    paths = sorted(Path(SHARED_CASES).glob("*.json")) if SHARED_CASES.is_dir() else []
    for path in paths:
        case = json.loads(path.read_text())
        exp = [e for e in case.get("expect", []) if str(e.get("path", "")).startswith("genotype.")]
        if exp:
            out.append((path.stem, case["patient"], exp))
    return out


CASES = genotype_expectations()


@pytest.mark.skipif(not CASES, reason="shared cases not present")
@pytest.mark.parametrize(("name", "patient", "expect"), CASES, ids=[c[0] for c in CASES])
def test_shared_case_genotype(kb: Any, name: str, patient: dict[str, Any], expect: Any) -> None:
    result = assess(Patient.model_validate(patient, context={"today": TODAY}), kb)
    doc = result.model_dump(mode="json", by_alias=True)
    for e in expect:
        assert e["op"] == "eq"
        node: Any = doc
        for part in e["path"].split("."):
            node = node[part]
        assert node == e["value"], (name, e["path"])


def test_hgvs_is_not_imported_by_the_cli_or_orchestrator() -> None:
    code = "import sys, gistcds.cli, gistcds.assess; print('hgvs' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
