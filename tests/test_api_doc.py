"""docs/api.md: every example of the Python API runs as written (doctest)."""

from __future__ import annotations

import doctest

import pytest

from tests.conftest import ROOT


def test_api_page_examples_run(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)  # the examples use paths from the repository root
    result = doctest.testfile(
        str(ROOT / "docs" / "api.md"),
        module_relative=False,
        optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE,
        verbose=False,
    )
    assert result.attempted >= 20
    assert result.failed == 0


def test_importing_gistcds_stays_cheap() -> None:
    """The API is imported on first use: ``import gistcds`` loads no engine."""
    import subprocess
    import sys

    code = "import sys, gistcds; print(sorted(m for m in sys.modules if m.startswith('gistcds')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "['gistcds']"


def test_assess_patient_accepts_a_patient_and_keeps_the_contract() -> None:
    from gistcds import Assessment, assess_patient
    from gistcds.domain.assessment import Assessment as Contract
    from gistcds.io.patient_json import load_patient

    patient = load_patient(str(ROOT / "examples" / "patients" / "sdh-deficient.json"))
    result = assess_patient(patient)
    assert isinstance(result, Assessment) and isinstance(result, Contract)
    again = Contract.model_validate_json(result.to_json())
    assert again.model_dump() == result.model_dump()
