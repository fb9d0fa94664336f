"""The per-patient prognosis: arm selection, factor handling, bands, contract shape.

Expected medians are the published ones (knowledge/prognosis_arms.yaml): CALGB 150105
(Heinrich 2008) for KIT exon 11/9 on first-line imatinib, Cassier 2012 for PDGFRA D842V,
INVICTUS (Blay 2020) for fourth-line ripretinib, NAVIGATOR/von Mehren 2021 for avapritinib.
"""

from __future__ import annotations

import itertools
import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gistcds.domain.patient import Patient
from gistcds.domain.results.genotype import GenotypeResult
from gistcds.domain.results.prognosis import Prognosis, SurvivalEstimate
from gistcds.domain.results.therapy import Evidence, Recommendation, RegimenItem
from gistcds.knowledge.schema.prognosis_factors import Condition, Factor
from gistcds.prognosis.estimate import survival_estimate
from gistcds.prognosis.evidence import evidence
from gistcds.prognosis.factors import AppliedHR, _decide
from gistcds.prognosis.notes import Note
from gistcds.prognosis.selection import Selection, select_arm
from therapy_helpers import prognosis_for


def rec(drug: str, dose: float | None, line: int | None = None, rid: str = "r1") -> Recommendation:
    return Recommendation(
        rule_id=rid,
        kind="systemic",
        title=f"{drug} {dose}",
        regimen=[RegimenItem(drug=drug, dose_mg_per_day=dose, schedule="daily")],
        line=line,
        evidence=Evidence(source_ids=["blanke2008"], level="test"),
        rationale="test",
    )


def patient(**extra: Any) -> Patient:
    data: dict[str, Any] = {"id": "p", "metastatic": {"sites": ["liver"]}}
    data.update(extra)
    return Patient.model_validate(
        data, context={"today": __import__("datetime").date(2026, 11, 26)}
    )


def geno(cls: str) -> GenotypeResult:
    return GenotypeResult.model_validate({"class": cls})


def run(kb: Any, cls: str | None, recs: list[Recommendation], **extra: Any) -> Prognosis:
    out = prognosis_for(patient(**extra), geno(cls) if cls else None, recs, kb)
    assert out is not None
    return out


def check_contract(est: SurvivalEstimate) -> None:
    assert est.curve[0] == (0.0, 1.0)
    ps = [p for _, p in est.curve]
    assert all(a >= b for a, b in itertools.pairwise(ps)), "curve must not increase"
    assert len(est.curve) == len(est.lower) == len(est.upper)
    for (t, p), (tl, lo), (tu, hi) in zip(est.curve, est.lower, est.upper, strict=True):
        assert t == tl == tu
        assert lo - 1e-4 <= p <= hi + 1e-4
    assert {lm.months for lm in est.landmarks} == {12.0, 24.0, 60.0}
    # the 1/2/5-year figures are the landmarks, cut at the published data (issue 12)
    by_month = {lm.months: lm for lm in est.landmarks}
    for months, value in (
        (12.0, est.survival_1y),
        (24.0, est.survival_2y),
        (60.0, est.survival_5y),
    ):
        lm = by_month[months]
        assert value == (None if lm.extrapolated else lm.survival)
        assert lm.extrapolated == (lm.basis == "extrapolated")
    survs = [lm.survival for lm in est.landmarks]
    assert survs == sorted(survs, reverse=True)
    assert est.evidence is not None and est.evidence.source_ids


def test_kit11_first_line_imatinib_uses_calgb_exon11_arms(kb: Any) -> None:
    out = run(kb, "KIT_exon11", [rec("imatinib", 400, 1), rec("imatinib", 800, 1, "alt")])
    assert out.status == "estimated" and out.line == 1
    assert out.pfs is not None and out.os is not None
    assert out.pfs.evidence is not None and out.pfs.evidence.arm_id == "calgb150105_kit11_ttp"
    assert out.pfs.median_months == pytest.approx(24.7, abs=0.05)
    assert out.os.median_months == pytest.approx(60.0, abs=0.05)
    assert out.os.median_lower is not None and out.os.median_upper is not None
    assert out.os.median_lower < 60.0 < out.os.median_upper
    assert not out.pfs.fallback
    check_contract(out.pfs)
    check_contract(out.os)
    assert len(out.alternatives) == 1 and out.alternatives[0].os is not None
    assert "Population estimate" in out.caveat
    dumped = out.model_dump(mode="json")
    assert isinstance(dumped["pfs"]["curve"][3], list) and len(dumped["pfs"]["curve"][3]) == 2


def test_same_input_same_bands(kb: Any) -> None:
    a = run(kb, "KIT_exon9", [rec("imatinib", 800, 1)]).model_dump_json()
    b = run(kb, "KIT_exon9", [rec("imatinib", 800, 1)]).model_dump_json()
    assert a == b


def test_band_width_follows_published_ci(kb: Any) -> None:
    # INVICTUS ripretinib PFS 6.3 (4.6-6.9): SE of log median from the CI.
    fa = evidence(kb).arms["invictus_ripretinib_pfs"]
    assert fa.log_median_se == pytest.approx(
        (math.log(6.9) - math.log(4.6)) / (2 * 1.959964), rel=1e-4
    )
    assert "CI" in fa.se_basis
    # CALGB exon 9 (n = 32, no CI) is far less certain than exon 11 (n = 283).
    ev = evidence(kb)
    assert (
        ev.arms["calgb150105_kit9_os"].log_median_se > ev.arms["calgb150105_kit11_os"].log_median_se
    )


def test_fourth_line_prefers_same_line_trial_over_genotype_subgroup(kb: Any) -> None:
    out = run(kb, "KIT_exon11", [rec("ripretinib", 150, 4)])
    assert out.pfs is not None and out.pfs.evidence is not None
    assert out.pfs.evidence.arm_id == "invictus_ripretinib_pfs"
    assert out.pfs.median_months == pytest.approx(6.3, abs=0.05)
    assert out.pfs.fallback and "all_comers_arm" in out.pfs.note_codes
    assert out.os is not None and out.os.median_months == pytest.approx(15.1, abs=0.05)


def test_line_inferred_from_metastatic_lines(kb: Any) -> None:
    lines = [
        {
            "drug": d,
            "dose_mg_per_day": dose,
            "setting": "metastatic",
            "start": s,
            "end": e,
            "stop_reason": "progression",
        }
        for d, dose, s, e in [
            ("imatinib", 400, "2022-01-01", "2023-01-01"),
            ("sunitinib", 50, "2023-02-01", "2023-09-01"),
            ("regorafenib", 160, "2023-10-01", "2024-03-01"),
        ]
    ]
    out = run(kb, "KIT_exon11", [rec("ripretinib", 150, None)], therapy_lines=lines)
    assert out.line == 4


def test_d842v_never_falls_back_to_all_comers(kb: Any) -> None:
    out = run(kb, "PDGFRA_D842V", [rec("avapritinib", 300, 1), rec("imatinib", 400, 1, "alt")])
    # NAVIGATOR (Heinrich 2020, via the NCI PDQ summary): 1-year PFS 81 %, median not reached.
    assert out.pfs is not None and out.pfs.evidence is not None
    assert out.pfs.evidence.arm_id == "navigator_d842v_avapritinib_pfs"
    assert not out.pfs.fallback
    assert out.pfs.median_months is None
    assert out.pfs.median_note and "not reached" in out.pfs.median_note
    assert out.pfs.survival_1y == pytest.approx(0.81, abs=0.005)
    assert out.os is not None and out.os.median_months is None  # not reached in NAVIGATOR
    assert out.os.median_note and "not reached" in out.os.median_note
    assert out.os.survival_1y is not None and out.os.survival_1y > 0.9
    imatinib = out.alternatives[0]
    assert imatinib.pfs is not None and imatinib.pfs.median_months == pytest.approx(2.8, abs=0.05)
    sunitinib = run(kb, "PDGFRA_D842V", [rec("sunitinib", 50, 2)])
    assert sunitinib.pfs is None and sunitinib.os is None and sunitinib.status == "no_evidence"
    assert "no_arm_for_genotype" in sunitinib.note_codes


def test_rare_kit_exon_uses_exon11_curve_with_published_hr(kb: Any) -> None:
    out = run(kb, "KIT_exon13", [rec("imatinib", 400, 1)])
    assert out.pfs is not None and out.pfs.evidence is not None
    assert out.pfs.evidence.arm_id == "calgb150105_kit11_ttp"
    applied = [a for a in out.pfs.adjustments if a.applied]
    assert [a.id for a in applied] == ["metagist_other_vs_exon11_pfs"]
    # exponential: median scales by 1/HR
    assert out.pfs.median_months == pytest.approx(24.7 / 2.56, abs=0.05)
    assert out.pfs.fallback
    # no OS hazard ratio for 'other' genotypes: all-comers OS, flagged
    assert out.os is not None and out.os.fallback
    assert out.os.evidence is not None and out.os.evidence.genotype_group == "all"


def test_direction_only_factors_listed_not_applied(kb: Any) -> None:
    out = run(
        kb,
        "KIT_exon11",
        [rec("imatinib", 400, 1)],
        sex="male",
        ecog=2,
        labs={"neutrophils_10e9_per_l": 7.0},
    )
    assert out.pfs is not None
    by_id = {a.id: a for a in out.pfs.adjustments}
    for fid in ("male_sex", "poor_performance_status", "high_neutrophils"):
        assert by_id[fid].present is True
        assert not by_id[fid].applied
        assert by_id[fid].use == "supplied_not_used"
        assert "no published effect size" in by_id[fid].reason
        assert by_id[fid].source_ids
    assert by_id["low_hemoglobin"].present is None
    assert out.pfs.median_months == pytest.approx(24.7, abs=0.05)


def test_exon9_dose_hr_not_applied_to_pooled_arm(kb: Any) -> None:
    out = run(kb, "KIT_exon9", [rec("imatinib", 800, 1)])
    assert out.pfs is not None
    f = {a.id: a for a in out.pfs.adjustments}["imatinib800_vs_400_kit9_pfs"]
    assert f.present is True and not f.applied and "pools" in f.reason
    assert out.pfs.median_months == pytest.approx(16.7, abs=0.05)


def test_dose_specific_arm_is_not_adjusted_for_dose_again(kb: Any) -> None:
    out = run(kb, "not_tested", [rec("imatinib", 800, 1)])
    assert out.pfs is not None and out.pfs.evidence is not None
    assert out.pfs.evidence.arm_id == "s0033_imatinib800_pfs"
    f = {a.id: a for a in out.pfs.adjustments}["imatinib800_vs_400_pfs"]
    assert f.present is True and not f.applied


def test_stratified_factor_is_never_counted_twice(kb: Any) -> None:
    ev = evidence(kb)
    fa = ev.arms["s0033_imatinib800_pfs"]
    factor = Factor(
        id="dose_test",
        label="dose",
        dimension="dose",
        endpoints=["PFS"],
        direction="favourable",
        hazard_ratio=0.8,
        conditions=[Condition(field="dose_mg_per_day", op="eq", value=800)],
        drugs=["imatinib"],
        lines=[1],
        source_ids=["verweij2004"],
    )
    ok, reason = _decide(factor, True, Selection(fa, False, (), ()))
    assert not ok and "not counted twice" in reason


def test_applied_hr_with_ci_shifts_median_and_widens_band(kb: Any) -> None:
    fa = evidence(kb).arms["calgb150105_kit11_ttp"]
    base = survival_estimate(fa, [], key="t", fallback=False, adjustments=[], notes=[])
    adj = survival_estimate(
        fa,
        [AppliedHR(0.82, (math.log(0.98) - math.log(0.69)) / 3.92)],
        key="t",
        fallback=False,
        adjustments=[],
        notes=[],
    )
    assert base.median_months is not None and adj.median_months is not None
    assert adj.median_months == pytest.approx(24.7 / 0.82, abs=0.1)
    assert base.median_upper is not None and adj.median_upper is not None


def test_no_systemic_recommendation_is_explained(kb: Any) -> None:
    local = Recommendation(
        rule_id="s",
        kind="local",
        title="surgery",
        evidence=Evidence(source_ids=["blanke2008"], level="x"),
        rationale="x",
    )
    out = run(kb, "KIT_exon11", [local])
    assert out.status == "no_systemic_recommendation" and out.pfs is None and out.notes


def test_localised_disease_has_no_advanced_disease_prognosis(kb: Any) -> None:
    p = Patient.model_validate({"id": "loc", "primary": {"site": "stomach", "size_cm": 6}})
    assert prognosis_for(p, geno("KIT_exon11"), [rec("imatinib", 400, None)], kb) is None


def test_selection_reports_why_nothing_matches(kb: Any) -> None:
    ev = evidence(kb)
    why = select_arm(
        ev, drug="larotrectinib", dose=200, line=2, genotype_class="NTRK_fusion", endpoint="PFS"
    )
    assert isinstance(why, Note) and why.code == "no_arm" and "larotrectinib" in why.text


def test_assess_fills_prognosis_for_metastatic_example(kb: Any) -> None:
    from pathlib import Path

    from gistcds.assess import assess
    from gistcds.io.patient_json import load_patient

    example = Path(__file__).resolve().parent.parent / "examples" / "patients"
    a = assess(load_patient(str(example / "metastatic-kit11-untreated.json")), kb)
    # Whatever the therapy engine recommends, prognosis is an object (or an explanation).
    assert a.prognosis is not None


def test_escalation_after_progression_is_not_given_first_line_curves(kb: Any) -> None:
    # Progressed on imatinib 400; the therapy engine may call escalation to 800 mg "line 1".
    lines = [
        {
            "drug": "imatinib",
            "dose_mg_per_day": 400,
            "setting": "metastatic",
            "start": "2023-01-05",
            "end": "2024-09-01",
            "stop_reason": "progression",
        }
    ]
    out = run(
        kb,
        "KIT_exon11",
        [rec("imatinib", 800, 1), rec("sunitinib", 50, 2, "alt")],
        therapy_lines=lines,
    )
    assert out.pfs is None and out.os is None and out.status == "no_evidence"
    assert "no_arm_after_progression" in out.note_codes
    sunitinib = out.alternatives[0]
    assert sunitinib.pfs is not None and sunitinib.pfs.median_months == pytest.approx(7.0, abs=0.05)


def test_ongoing_line_and_unknown_genotype_are_said(kb: Any) -> None:
    lines = [
        {"drug": "imatinib", "dose_mg_per_day": 400, "setting": "metastatic", "start": "2025-01-05"}
    ]
    out = run(kb, None, [rec("imatinib", 400, None)], therapy_lines=lines)
    assert out.line == 1
    assert out.pfs is not None and out.pfs.evidence is not None
    assert out.pfs.evidence.arm_id == "s0033_imatinib400_pfs"
    assert "already_on_drug" in out.note_codes and "2025-01-05" in " ".join(out.notes)
    assert "genotype_unknown" in out.note_codes


def test_every_genotype_class_is_mapped(kb: Any) -> None:
    from typing import get_args

    from gistcds.domain.results.genotype import GenotypeClass

    assert set(get_args(GenotypeClass)) <= set(evidence(kb).genotype_map)


def test_every_sequence_builds_for_its_genotypes(kb: Any) -> None:
    from gistcds.prognosis.simulate import build_sequence

    for seq in evidence(kb).sequences.sequences:
        for cls in seq.genotype_classes:
            spec = build_sequence(kb, genotype_class=cls, sequence_id=seq.id)
            assert len(spec.lines) == len(seq.steps)


_DRUGS = ["imatinib", "sunitinib", "regorafenib", "ripretinib", "avapritinib", "larotrectinib"]


@settings(max_examples=80, deadline=None)
@given(
    cls=st.sampled_from(
        [
            "KIT_exon11",
            "KIT_exon9",
            "KIT_exon13",
            "KIT_exon17",
            "KIT_other",
            "PDGFRA_D842V",
            "PDGFRA_exon18_other",
            "PDGFRA_exon12",
            "SDH_deficient",
            "NTRK_fusion",
            "not_tested",
            "unclassified",
        ]
    ),
    drug=st.sampled_from(_DRUGS),
    dose=st.sampled_from([None, 37.5, 50.0, 150.0, 160.0, 300.0, 400.0, 800.0]),
    line=st.one_of(st.none(), st.integers(1, 6)),
    sex=st.sampled_from(["female", "male", "unknown"]),
    ecog=st.one_of(st.none(), st.integers(0, 4)),
)
def test_any_option_gives_a_valid_estimate_or_a_reason(
    kb: Any, cls: str, drug: str, dose: float | None, line: int | None, sex: str, ecog: int | None
) -> None:
    extra: dict[str, Any] = {"sex": sex}
    if ecog is not None:
        extra["ecog"] = ecog
    out = run(kb, cls, [rec(drug, dose, line)], **extra)
    assert out.status in ("estimated", "no_evidence")
    for est in (out.pfs, out.os):
        if est is not None:
            check_contract(est)
    if out.pfs is None or out.os is None:
        assert out.notes, "a missing curve must be explained"
