"""Which systems apply, what each result carries, and the shared clinical cases."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

from gistcds.domain.patient import Patient
from gistcds.errors import KnowledgeBaseError
from gistcds.knowledge import build_kb, load_kb
from gistcds.risk import RiskInput, assess_risk, score_input
from gistcds.risk.bands import field_area_mm2, mitoses_per_5mm2
from gistcds.risk.tables import compile_tables

CASES = Path(__file__).resolve().parents[2] / "shared" / "examples" / "cases"
RECURRENCE = ("nih", "modified_nih", "afip", "mskcc")


def _patient(**primary: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "site": "stomach",
        "size_cm": 11,
        "mitoses": {"count": 12, "per": "5mm2"},
        "rupture": False,
        "resection": "R0",
    }
    base.update(primary)
    return {"schema_version": "1", "id": "t", "primary": base}


def _assess(data: dict[str, Any]) -> Any:
    return assess_risk(Patient.model_validate(data), load_kb())


def test_high_risk_gastric_shared_case() -> None:
    """Shared case localized-high-risk-gastric: 11 cm, 12 mitoses/5 mm2, R0."""
    r = _assess(_patient())
    assert (r.nih.category, r.modified_nih.category) == ("high", "high")
    assert (r.afip.category, r.afip.progression_pct) == ("high", 86)
    assert (r.ajcc8.t, r.ajcc8.n, r.ajcc8.m, r.ajcc8.stage) == ("T4", "N0", "M0", "IIIB")
    assert r.mskcc is None and "mskcc" in r.not_reported


def test_every_result_carries_inputs_rationale_and_sources() -> None:
    r = _assess(_patient())
    kb = load_kb()
    for res in (r.nih, r.modified_nih, r.afip, r.ajcc8):
        assert res.inputs and res.rationale and res.source_ids
        assert all(s in kb.sources for s in res.source_ids)
    assert "-> high" in r.nih.rationale


def test_50hpf_and_5mm2_are_equivalent() -> None:
    a = _assess(_patient(mitoses={"count": 8, "per": "50hpf"}, size_cm=9))
    b = _assess(_patient(mitoses={"count": 8, "per": "5mm2"}, size_cm=9))
    assert a.model_dump() == b.model_dump()
    assert (a.afip.category, a.afip.progression_pct) == ("high", 55)


def test_metastatic_reports_only_ajcc_stage_iv() -> None:
    data = _patient(site="jejunum_ileum", size_cm=4, mitoses={"count": 3, "per": "5mm2"})
    data["metastatic"] = {"sites": ["liver"]}
    r = _assess(data)
    for system in RECURRENCE:
        assert getattr(r, system) is None and "metastatic" in r.not_reported[system]
    assert (r.ajcc8.m, r.ajcc8.stage, r.ajcc8.t) == ("M1", "IV", "T2")


def test_metastatic_without_primary_details_is_still_stage_iv() -> None:
    r = _assess({"schema_version": "1", "id": "m", "metastatic": {"sites": ["liver"]}})
    assert (r.ajcc8.m, r.ajcc8.stage, r.ajcc8.t) == ("M1", "IV", None)


def test_no_primary_no_metastases_reports_nothing_with_reasons() -> None:
    r = _assess({"schema_version": "1", "id": "x"})
    assert r.ajcc8 is None and r.nih is None
    assert set(r.not_reported) == {"nih", "modified_nih", "afip", "mskcc", "ajcc8"}


def test_unresected_primary_withholds_recurrence_systems_and_gives_clinical_stage() -> None:
    r = _assess(_patient(resection="none", size_cm=4, mitoses={"count": 3, "per": "5mm2"}))
    for system in RECURRENCE:
        assert getattr(r, system) is None and "not resected" in r.not_reported[system]
    assert (r.ajcc8.classification, r.ajcc8.stage) == ("c", "IA")
    assert any("biopsy" in n for n in r.ajcc8.notes)


def test_r2_and_neoadjuvant_withhold_recurrence_systems() -> None:
    r2 = _assess(_patient(resection="R2"))
    assert r2.nih is None and "R2" in r2.not_reported["nih"]
    data = _patient()
    data["therapy_lines"] = [{"drug": "imatinib", "setting": "neoadjuvant"}]
    neo = _assess(data)
    assert neo.nih is None and "neoadjuvant" in neo.not_reported["nih"]
    assert neo.ajcc8.classification == "yp"


def test_resection_unknown_and_r1_are_noted() -> None:
    assert any("resection status" in n for n in _assess(_patient(resection=None)).notes)
    assert any("R1" in n for n in _assess(_patient(resection="R1")).notes)


def test_missing_inputs_give_reasons_not_guesses() -> None:
    r = score_input(RiskInput(site="stomach", size_cm=4, resection="R0"), load_kb())
    assert r.nih is None and "mitotic count" in r.not_reported["nih"]
    assert (
        r.ajcc8 is not None and r.ajcc8.stage is None and "mitotic rate" in (r.ajcc8.reason or "")
    )
    r = score_input(RiskInput(size_cm=4, mitoses=3, resection="R0"), load_kb())
    assert r.nih is not None and r.nih.category == "low"
    assert r.modified_nih is None and "site" in r.not_reported["modified_nih"]
    assert r.ajcc8 is not None and r.ajcc8.stage is None


def test_rupture_unknown_reports_modified_nih_only_when_high_anyway() -> None:
    low = score_input(RiskInput(site="stomach", size_cm=4, mitoses=3), load_kb())
    assert low.modified_nih is None and "rupture" in low.not_reported["modified_nih"]
    high = score_input(RiskInput(site="stomach", size_cm=12, mitoses=3), load_kb())
    assert high.modified_nih is not None and high.modified_nih.category == "high"
    assert any("rupture not recorded" in n for n in high.modified_nih.notes)


def test_nodes_not_assessed_recorded_n0_with_note() -> None:
    r = _assess(_patient(nodes="NX"))
    assert r.ajcc8.n == "N0" and any("N0" in n for n in r.ajcc8.notes)
    assert not _assess(_patient(nodes="N0")).ajcc8.notes


def test_other_site_has_no_ajcc_stage_group() -> None:
    r = _assess(_patient(site="other"))
    assert r.ajcc8.t == "T4" and r.ajcc8.stage is None and r.ajcc8.reason


def test_paediatric_and_sdh_deficient_are_flagged() -> None:
    data = _patient()
    data["age_years"] = 12
    data["molecular"] = {"sdhb_ihc": "lost"}
    notes = " ".join(_assess(data).notes)
    assert "paediatric" in notes and "SDH" in notes


@pytest.mark.parametrize(
    "vid,count,fields,area,expected",
    [("C1", 10, 50, 0.1, 10.0), ("C2", 10, 50, 0.2376, 4.2088), ("C3", 6, 21, 0.2376, 6.0125)],
)
def test_mitotic_count_normalisation_reference_vectors(
    vid: str, count: float, fields: int, area: float, expected: float
) -> None:
    """Source: primary-risk.md §9.6 (derived arithmetic, AJCC 5 mm2 = 50 HPF)."""
    assert mitoses_per_5mm2(count, fields, area) == pytest.approx(expected, abs=1e-3), vid


def test_field_area_from_field_number() -> None:
    """FN 22 with a 40x objective: 0.55 mm field, 0.2376 mm2 (primary-risk.md §7.1)."""
    assert field_area_mm2(22, 40) == pytest.approx(math.pi * 0.275**2)
    assert field_area_mm2(22, 40) == pytest.approx(0.2376, abs=1e-4)
    with pytest.raises(ValueError):
        mitoses_per_5mm2(3, 0, 0.2)


def test_normalised_count_changes_the_ajcc_rate() -> None:
    c2 = mitoses_per_5mm2(10, 50, 0.2376)
    c3 = mitoses_per_5mm2(6, 21, 0.2376)
    kb = load_kb()
    assert (
        score_input(RiskInput(site="stomach", size_cm=4, mitoses=c2), kb).ajcc8.mitotic_rate
        == "low"
    )  # type: ignore[union-attr]
    assert (
        score_input(RiskInput(site="stomach", size_cm=4, mitoses=c3), kb).ajcc8.mitotic_rate
        == "high"
    )  # type: ignore[union-attr]


def _copy_kb(tmp_path: Path) -> Path:
    import shutil

    dst = tmp_path / "kb"
    shutil.copytree(
        load_kb().directory, dst, ignore=shutil.ignore_patterns("schema", "*.py", "__pycache__")
    )
    return dst


def test_incomplete_kb_grid_is_refused(tmp_path: Path) -> None:
    kb_dir = _copy_kb(tmp_path)
    text = (kb_dir / "risk_nih.yaml").read_text()
    (kb_dir / "risk_nih.yaml").write_text(
        text.replace("[low, intermediate, high]", "[low, high]", 1)
    )
    with pytest.raises(KnowledgeBaseError, match="needs 3 cells"):
        compile_tables(build_kb(kb_dir))


def test_unmapped_site_is_refused(tmp_path: Path) -> None:
    kb_dir = _copy_kb(tmp_path)
    text = (kb_dir / "risk_ajcc8.yaml").read_text()
    (kb_dir / "risk_ajcc8.yaml").write_text(text.replace("    peritoneum: non_gastric\n", ""))
    with pytest.raises(KnowledgeBaseError, match="peritoneum"):
        compile_tables(build_kb(kb_dir))


@pytest.mark.parametrize(
    "name", ["localized-high-risk-gastric", "localized-d842v", "kit11-first-line"]
)
def test_shared_case_risk_expectations(name: str) -> None:
    """The risk.* expectations of the shared cases (other engines' checks are theirs)."""
    path = CASES / f"{name}.json"
    if not path.exists():
        pytest.skip("shared cases not available")
    case = json.loads(path.read_text())
    risk = _assess(case["patient"]).model_dump(mode="json")
    checked = 0
    for exp in case["expect"]:
        if not str(exp.get("path", "")).startswith("risk."):
            continue
        value: Any = {"risk": risk}
        for part in exp["path"].split("."):
            value = value[part]
        if exp["op"] == "eq":
            assert value == exp["value"], exp
        elif exp["op"] == "approx":
            assert abs(value - exp["value"]) <= exp["tol"], exp
        checked += 1
    assert checked


@pytest.mark.parametrize(
    "vid,findings,expected",
    [
        ("R1", ["fracture_or_spillage"], True),
        ("R2", ["blood_stained_ascites"], True),
        ("R3", ["piecemeal_resection"], True),
        ("R4", ["incisional_biopsy"], True),
        ("R5", ["adjacent_organ_infiltration"], True),
        ("R6", ["core_needle_biopsy"], False),
        ("R7", ["intraluminal_defect"], False),
        ("R8", ["r1_margin"], False),
        ("mixed", ["r1_margin", "perforation_at_tumour_site"], True),
    ],
)
def test_rupture_definition_reference_vectors_nishida2019(
    vid: str, findings: list[str], expected: bool
) -> None:
    """Source: primary-risk.md §9.5 (Nishida 2019 rupture definition)."""
    from gistcds.risk.rupture import classify_rupture

    call = classify_rupture(findings, load_kb())
    assert call.rupture is expected, vid
    assert call.source_ids == ("nishida2019",)


def test_rupture_unknown_finding_is_refused() -> None:
    from gistcds.risk.rupture import classify_rupture

    with pytest.raises(ValueError, match="unknown rupture finding"):
        classify_rupture(["bleeding"], load_kb())
