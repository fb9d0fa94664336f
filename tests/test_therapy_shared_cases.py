"""The shared clinical cases (../shared/examples/cases), therapy expectations only.

The genotype, risk and response engines are built elsewhere; here their results are
constructed directly, as those engines should produce them for each case, and the
case's recommendation/caution expectations are checked with the shared checker.
"""

from __future__ import annotations

import importlib.util
from types import ModuleType
from typing import Any

import pytest

from conftest import SHARED_CASES
from gistcds.domain.patient import Patient
from gistcds.domain.results.genotype import GenotypeResult
from gistcds.domain.results.response import TimepointResponse
from gistcds.domain.results.risk import RiskPanel
from gistcds.knowledge import KnowledgeBase
from therapy_helpers import genotype, recommend_for, response, risk, shared_case

CHECKER = SHARED_CASES.parent.parent / "tools" / "check_cases.py"

# What the other engines should report for each case (from the case's own expectations).
INPUTS: dict[str, tuple[GenotypeResult, RiskPanel, list[TimepointResponse]]] = {
    "kit11-first-line": (genotype("KIT_exon11"), RiskPanel(), []),
    "kit9-first-line": (genotype("KIT_exon9"), RiskPanel(), []),
    "pdgfra-d842v-first-line": (genotype("PDGFRA_D842V"), RiskPanel(), []),
    "pdgfra-exon12-first-line": (genotype("PDGFRA_exon12"), RiskPanel(), []),
    "sdh-deficient": (genotype("SDH_deficient"), RiskPanel(), []),
    "ntrk-fusion": (genotype("NTRK_fusion"), RiskPanel(), []),
    "kit11-progression-on-imatinib-400": (genotype("KIT_exon11"), RiskPanel(), []),
    "third-line": (genotype("KIT_exon11"), RiskPanel(), []),
    "fourth-line": (genotype("KIT_exon11"), RiskPanel(), []),
    "focal-progression": (genotype("KIT_exon11"), RiskPanel(), []),
    "localized-high-risk-gastric": (genotype("KIT_exon11"), risk("high", "high", "high"), []),
    "localized-d842v": (genotype("PDGFRA_D842V"), risk("high", "high", "high"), []),
    "interaction-carbamazepine": (genotype("PDGFRA_D842V"), RiskPanel(), []),
    "pseudo-progression": (genotype("KIT_exon11"), RiskPanel(), response("SD", "PR")),
}
THERAPY_OPS = {
    "top_drugs",
    "top_dose",
    "top_kind",
    "among_first",
    "dose_among_first",
    "kind_among_first",
    "not_recommended",
}


def _checker() -> ModuleType:
    spec = importlib.util.spec_from_file_location("check_cases", CHECKER)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _ours(e: dict[str, Any]) -> bool:
    path = str(e.get("path", ""))
    return e["op"] in THERAPY_OPS or path.startswith(("recommendations", "cautions"))


@pytest.mark.skipif(not CHECKER.exists(), reason="shared checker not available")
@pytest.mark.parametrize("name", sorted(INPUTS))
def test_shared_case_therapy_expectations(name: str, kb: KnowledgeBase) -> None:
    case = shared_case(SHARED_CASES / f"{name}.json")
    patient = Patient.model_validate(case["patient"])
    g, r, resp = INPUTS[name]
    advice = recommend_for(patient, g, r, resp, kb)
    doc = {
        "recommendations": [x.model_dump(mode="json") for x in advice.recommendations],
        "cautions": [x.model_dump(mode="json") for x in advice.cautions],
    }
    check = _checker().check
    expectations = [e for e in case["expect"] if _ours(e)]
    assert expectations, "case has no therapy expectation"
    failures = [(e, check(doc, 0, e)) for e in expectations]
    assert [f for f in failures if f[1] is not None] == []


def test_every_shared_therapy_case_is_covered() -> None:
    if not SHARED_CASES.exists():
        pytest.skip("shared cases not available")
    names = set()
    for path in SHARED_CASES.glob("*.json"):
        case = shared_case(path)
        if any(_ours(e) for e in case.get("expect", [])):
            names.add(path.stem)
    assert names <= set(INPUTS)
