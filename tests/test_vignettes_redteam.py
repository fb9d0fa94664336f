"""Safety review phase 2 (docs/review.md, "Safety review, phase 2"): unusual patients
written independently of issue 12's vignettes, read as a sarcoma oncologist would, each
pinned with the general rule that answers it.

Sources as in the rules they exercise: label restrictions (``therapy_label_limits.yaml``:
US/EU imatinib, regorafenib, sunitinib, ripretinib, avapritinib labels as read in
../shared/reference/toxicity.md; EU Glivec SmPC 4.6 on pregnancy); ECOG-34/-IM/-ADJ
(INVICTUS eligibility, Rutkowski 2007); MF-PRIMARY-RES (Nishida 2016); LD-08-SITE (NCI PDQ,
NCCN v1.2025); SDH-PGL (Amar 2021); CYP3A4 rules (therapy_interactions.yaml).
"""

from __future__ import annotations

from typing import Any

from gistcds.domain.assessment import Assessment
from gistcds.knowledge import KnowledgeBase
from review_helpers import D842V, KIT9, KIT11, codes, line, metastatic, mol, patient, run


def _ids(a: Assessment) -> list[str]:
    """Guideline options only: matched registry trials (issue 20) follow them."""
    return [r.rule_id for r in a.recommendations if not r.rule_id.startswith("trial:")]


def _regimens(a: Assessment) -> list[tuple[str, float | None]]:
    return [(i.drug, i.dose_mg_per_day) for r in a.recommendations for i in r.regimen]


def _prog(drug: str, dose: float) -> dict[str, Any]:
    return {**line(drug, dose), "progression": "generalized"}


HIGH_RESECTED = {
    "site": "stomach",
    "size_cm": 11,
    "mitoses": {"count": 12, "per": "5mm2"},
    "rupture": False,
    "resection": "R0",
}


def test_rt01_frail_88_ecog3_crcl25_untreated(kb: KnowledgeBase) -> None:
    """88 years, ECOG 3, CrCL 25, untreated KIT exon 11: imatinib 400 first (not above the
    renal ceiling), ECOG caution, the 50 % starting-dose rule of the US label stated."""
    a = run(
        metastatic(
            molecular=mol(KIT11), age_years=88, ecog=3, renal={"creatinine_clearance_ml_min": 25}
        ),
        kb,
    )
    assert _regimens(a)[0] == ("imatinib", 400.0)
    assert {"poor_performance_status_first_line", "label_dose_ceiling_imatinib"} <= codes(a)


def test_rt02_pregnant_metastatic_kit11_tumour_board_with_obstetrics_first(
    kb: KnowledgeBase,
) -> None:
    """Pregnant, untreated KIT exon 11: the EU label says imatinib should not be used in
    pregnancy unless clearly necessary: tumour board with obstetrics first, imatinib after
    it (marked); no 'clinical trial' or 'supportive care' block (trials exclude pregnancy)."""
    a = run(metastatic(molecular=mol(KIT11), sex="female", age_years=30, pregnant=True), kb)
    first = a.recommendations[0]
    assert first.rule_id == "LBL-NONE" and "obstetric" in first.title
    guideline = [r for r in a.recommendations if not r.rule_id.startswith("trial:")]
    assert {r.kind for r in guideline} == {"diagnostic", "systemic"}
    assert a.recommendations[1].label_restrictions[0].rule_id == "LBL-imatinib-pregnancy"


def test_rt03_pregnant_after_resection_adjuvant_not_first(kb: KnowledgeBase) -> None:
    a = run(patient(primary=HIGH_RESECTED, molecular=mol(KIT11), sex="female", pregnant=True), kb)
    assert a.recommendations[0].kind == "diagnostic"
    assert _regimens(a) == [("imatinib", 400.0)]


def test_rt04_inducer_and_renal_impairment_no_escalation(kb: KnowledgeBase) -> None:
    """Carbamazepine + CrCL 35, progression on imatinib 400: no escalation to 800 (renal
    ceiling 400, which also caps the inducer dose increase), sunitinib with its CYP3A4
    caution."""
    a = run(
        metastatic(
            molecular=mol(KIT11),
            renal={"creatinine_clearance_ml_min": 35},
            comedications=["carbamazepine"],
            therapy_lines=[_prog("imatinib", 400)],
        ),
        kb,
    )
    assert ("imatinib", 800.0) not in _regimens(a)
    assert _regimens(a)[0][0] == "sunitinib"
    ceiling = next(c for c in a.cautions if c.code == "label_dose_ceiling_imatinib")
    assert "inducer" in ceiling.message
    assert "cyp3a4_inducer_sunitinib" in codes(a)


def test_rt05_child_pugh_b_d842v_avapritinib_first(kb: KnowledgeBase) -> None:
    """Control: Child-Pugh B does not restrict avapritinib (label: bilirubin <= 3 x ULN no
    adjustment)."""
    a = run(metastatic(molecular=mol(D842V), hepatic_impairment="moderate"), kb)
    assert _regimens(a)[0] == ("avapritinib", 300.0)
    assert not a.recommendations[0].label_restrictions


def test_rt06_severe_hepatic_d842v_avapritinib_marked_not_demoted(kb: KnowledgeBase) -> None:
    """Severe hepatic impairment, D842V: the label has no dose (not established): kept first
    but marked; observation remains (no supportive-care block while an unrestricted
    surveillance option exists)."""
    a = run(metastatic(molecular=mol(D842V), hepatic_impairment="severe"), kb)
    first = a.recommendations[0]
    assert first.regimen[0].drug == "avapritinib"
    assert [n.level for n in first.label_restrictions] == ["not_established"]
    assert "label_not_established_avapritinib" in codes(a)


def test_rt07_dialysis_stable_on_imatinib_400_continues(kb: KnowledgeBase) -> None:
    a = run(
        metastatic(
            molecular=mol(KIT11),
            renal={"creatinine_clearance_ml_min": 8},
            therapy_lines=[line("imatinib", 400, None)],
        ),
        kb,
    )
    assert _regimens(a)[0] == ("imatinib", 400.0)
    assert any(c.rule_id == "LBL-imatinib-renal-lt20" for c in a.cautions)


def test_rt08_exon9_on_800_crcl55_capped_not_dropped(kb: KnowledgeBase) -> None:
    """Stable on imatinib 800 (KIT exon 9) with CrCL 55: continuing stays the plan, at the
    label ceiling of 600 mg/day; it is not replaced by 'no rule covers this'."""
    a = run(
        metastatic(
            molecular=mol(KIT9),
            renal={"creatinine_clearance_ml_min": 55},
            therapy_lines=[line("imatinib", 800, None)],
        ),
        kb,
    )
    assert _ids(a)[0] == "MF-10"
    assert _regimens(a)[0] == ("imatinib", 600.0)
    assert "600" in a.recommendations[0].title


def test_rt09_exon9_progression_crcl45_no_escalation(kb: KnowledgeBase) -> None:
    a = run(
        metastatic(
            molecular=mol(KIT9),
            renal={"creatinine_clearance_ml_min": 45},
            therapy_lines=[_prog("imatinib", 400)],
        ),
        kb,
    )
    assert all(d is None or d <= 600 for drug, d in _regimens(a) if drug == "imatinib")


def test_rt10_teenager_sdh_deficient_metastatic(kb: KnowledgeBase) -> None:
    """16 years, SDH-deficient metastatic: trial first, germline testing and paraganglioma
    screening listed, no imatinib."""
    a = run(metastatic(molecular=mol(genes=("KIT", "PDGFRA"), sdhb="lost"), age_years=16), kb)
    assert a.recommendations[0].kind == "trial"
    assert "SDH-PGL" in _ids(a)
    assert "imatinib" not in {d for d, _ in _regimens(a)}


def test_rt11_ecog4_after_ripretinib_supportive_first(kb: KnowledgeBase) -> None:
    lines = [_prog(d, x) for d, x in [("imatinib", 400), ("sunitinib", 50), ("regorafenib", 160)]]
    a = run(
        metastatic(molecular=mol(KIT11), ecog=4, therapy_lines=[*lines, _prog("ripretinib", 150)]),
        kb,
    )
    assert a.recommendations[0].kind == "supportive"


def test_rt12_ripretinib_moderate_hepatic_marked_with_alternatives(kb: KnowledgeBase) -> None:
    """Fourth line with moderate hepatic impairment: ripretinib's dose is not established:
    it stays (marked), and supportive care and trial referral are listed after it."""
    lines = [_prog(d, x) for d, x in [("imatinib", 400), ("sunitinib", 50), ("regorafenib", 160)]]
    a = run(
        metastatic(molecular=mol(KIT11), hepatic_impairment="moderate", therapy_lines=lines), kb
    )
    assert a.recommendations[0].regimen[0].drug == "ripretinib"
    assert {"supportive", "trial"} <= {r.kind for r in a.recommendations[1:]}


def test_rt13_stable_on_sunitinib_child_pugh_c_no_supportive_block(kb: KnowledgeBase) -> None:
    """Stable on sunitinib with Child-Pugh C: continue (marked 'not studied'); no
    'every option is restricted' block beside a line that is working."""
    a = run(
        metastatic(
            molecular=mol(KIT11),
            hepatic_impairment="severe",
            therapy_lines=[_prog("imatinib", 400), line("sunitinib", 37.5, None)],
        ),
        kb,
    )
    assert _ids(a) == ["MF-10"]


def test_rt14_ecog4_elderly_adjuvant_caution(kb: KnowledgeBase) -> None:
    """84 years, ECOG 4, resected high-risk KIT exon 11: adjuvant imatinib with a frailty
    caution (review O-12)."""
    a = run(patient(primary=HIGH_RESECTED, molecular=mol(KIT11), ecog=4, age_years=84), kb)
    assert "poor_performance_status_adjuvant" in codes(a)


def test_rt15_primary_d816v_localized_duodenal_no_preoperative_imatinib(
    kb: KnowledgeBase,
) -> None:
    """Duodenal 5 cm GIST with primary KIT D816V (rated imatinib-resistant): no
    pre-operative imatinib; surgery first."""
    a = run(
        patient(
            primary={**HIGH_RESECTED, "site": "duodenum", "size_cm": 5, "resection": "none"},
            molecular=mol(("KIT", "p.D816V")),
        ),
        kb,
    )
    assert "imatinib" not in {d for d, _ in _regimens(a)}
    assert a.recommendations[0].kind == "local"


def test_rt16_relapse_on_adjuvant_with_renal_impairment(kb: KnowledgeBase) -> None:
    """Relapse during adjuvant imatinib (progression on imatinib) with CrCL 30: switch to
    sunitinib; escalation to 800 is not offered."""
    adj = {**_prog("imatinib", 400), "setting": "adjuvant"}
    a = run(
        metastatic(
            molecular=mol(KIT11), renal={"creatinine_clearance_ml_min": 30}, therapy_lines=[adj]
        ),
        kb,
    )
    assert _regimens(a)[0][0] == "sunitinib"
    assert ("imatinib", 800.0) not in _regimens(a)
