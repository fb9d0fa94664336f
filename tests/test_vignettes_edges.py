"""Safety edges left open by issue 12 (docs/review.md "Safety review, phase 3").

- E-1: the label ordering holds for the final list. The tolerance ranking (issue 17,
  ``toxicity/ranking.py``) removes options after the label ranking, so a not-recommended
  option could be left first or alone. Rule: a label-restricted (not recommended /
  contraindicated) option is never first and never the only option; when nothing
  unrestricted remains, the supportive-care/trial (or, in pregnancy, tumour-board) block
  comes first with the reason (issue 12 item 1; US PI regorafenib 8.6: "not recommended in
  Child-Pugh C"; CTCAE v5.0 grade 4 = life-threatening).
"""

from __future__ import annotations

from itertools import product
from typing import Any

import pytest

from gistcds.domain.assessment import Assessment
from gistcds.domain.results.therapy import Recommendation
from gistcds.knowledge import KnowledgeBase
from review_helpers import (
    D842V,
    HIGH_RISK_GASTRIC,
    KIT9,
    KIT11,
    line,
    metastatic,
    mol,
    patient,
    run,
)

_DEMOTING = {"not_recommended", "contraindicated"}
_TREATMENT = {"systemic", "local", "surveillance"}


def _demoting(rec: Recommendation) -> bool:
    return any(n.level in _DEMOTING for n in rec.label_restrictions)


def _marked(rec: Recommendation) -> bool:
    return any(n.level != "dose_ceiling" for n in rec.label_restrictions)


def _ae(drug: str, grade: int = 4) -> dict[str, Any]:
    return {
        "term": "Alanine aminotransferase increased",
        "grade": grade,
        "drug": drug,
        "onset": "2024-05-20",
        "resolved": "2024-07-01",
    }


def assert_label_order(a: Assessment) -> None:
    """The invariant over the final list (registry trials appended last are options too)."""
    recs = a.recommendations
    assert recs, "no option at all"
    assert not _demoting(recs[0]), f"restricted option first: {recs[0].title}"
    restricted = [r for r in recs if _demoting(r)]
    if not restricted:
        return
    assert any(not _demoting(r) for r in recs), "a restricted option stands alone"
    free = [r for r in recs if r.kind in _TREATMENT and not _marked(r)]
    if not free:
        block = [r for r in recs if r.rule_id == "LBL-NONE"]
        assert block, "no supportive-care/trial block although nothing unrestricted remains"
        assert any(n.statement in block[0].rationale for n in restricted[0].label_restrictions)
        if not any(r.kind in _TREATMENT and not _demoting(r) for r in recs):
            assert recs[0].rule_id == "LBL-NONE"


LINES: dict[str, list[dict[str, Any]]] = {
    "untreated": [],
    "im_prog": [line("imatinib", 400, start="2023-01-01", end="2024-01-01")],
    "im_tox": [line("imatinib", 400, "toxicity", start="2023-01-01", end="2024-01-01")],
    "im_sun_prog": [
        line("imatinib", 400, start="2022-01-01", end="2023-01-01"),
        line("sunitinib", 50, start="2023-01-10", end="2024-01-01"),
    ],
    "im_prog_sun_tox": [
        line("imatinib", 400, start="2022-01-01", end="2023-01-01"),
        line("sunitinib", 37.5, "toxicity", start="2023-01-10", end="2024-01-01"),
    ],
    "three_lines": [
        line("imatinib", 400, start="2021-01-01", end="2022-01-01"),
        line("sunitinib", 50, start="2022-01-10", end="2023-01-01"),
        line("regorafenib", 160, start="2023-01-10", end="2024-01-01"),
    ],
}
AES: dict[str, list[dict[str, Any]]] = {
    "none": [],
    "g4_imatinib": [_ae("imatinib")],
    "g4_sunitinib": [_ae("sunitinib")],
    "g4_regorafenib": [_ae("regorafenib")],
    "g4_ripretinib": [_ae("ripretinib")],
}
GRID = list(
    product(
        ["KIT11", "KIT9", "D842V"],
        [None, "moderate", "severe"],
        [None, 25.0, 60.0],
        [False, True],
        sorted(LINES),
        sorted(AES),
    )
)
_MOL = {"KIT11": KIT11, "KIT9": KIT9, "D842V": D842V}


def _grid_patient(case: tuple[Any, ...]) -> Any:
    geno, hepatic, crcl, pregnant, lines, aes = case
    kw: dict[str, Any] = {
        "molecular": mol(_MOL[geno]),
        "therapy_lines": LINES[lines],
        "adverse_events": [
            ae for ae in AES[aes] if any(x["drug"] == ae["drug"] for x in LINES[lines])
        ],
        "sex": "female",
        "age_years": 35,
    }
    if hepatic:
        kw["hepatic_impairment"] = hepatic
    if crcl is not None:
        kw["renal"] = {"creatinine_clearance_ml_min": crcl}
    if pregnant:
        kw["pregnant"] = True
    return metastatic(**kw)


# Every 7th cell of the 1080-cell grid: all factors vary, the run stays short.
@pytest.mark.parametrize("case", GRID[::7], ids=lambda c: "-".join(str(x) for x in c))
def test_label_order_invariant_over_generated_patients(
    case: tuple[Any, ...], kb: KnowledgeBase
) -> None:
    """E-1 invariant over generated patients: Child-Pugh A-C, CrCL, pregnancy, grade-4
    events and treatment histories combined."""
    assert_label_order(run(_grid_patient(case), kb))


def test_e1_severe_event_on_sunitinib_child_pugh_c_block_first(kb: KnowledgeBase) -> None:
    """Child-Pugh C after imatinib progression and a grade 4 hepatic event on sunitinib
    37.5 mg: tolerance removes sunitinib at >= 37.5 mg; what is left must not put a
    not-recommended option first (US PI regorafenib 8.6; CTCAE v5.0 grade 4)."""
    a = run(
        metastatic(
            molecular=mol(KIT11),
            hepatic_impairment="severe",
            therapy_lines=LINES["im_prog_sun_tox"],
            adverse_events=[_ae("sunitinib")],
        ),
        kb,
    )
    assert_label_order(a)


def test_e1_removal_after_label_ranking_cannot_leave_restricted_option_alone(
    kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pregnant, KIT exon 11, generalized progression on imatinib 400: sunitinib is the
    unrestricted option, imatinib 800 is marked (EU SmPC 4.6: not during pregnancy unless
    clearly necessary) and last. If a removal after the label ranking (tolerance, e.g. a
    grade 4 event on sunitinib) takes sunitinib away, imatinib must not be left as the only
    treatment: the tumour-board block with the obstetric team comes first and names why."""
    import gistcds.assess as orchestrator

    real = orchestrator.apply_tolerance

    def bar_sunitinib(recs: list[Recommendation], facts: Any, kb_: Any) -> Any:
        kept, cautions = real(recs, facts, kb_)
        return [r for r in kept if "sunitinib" not in {i.drug for i in r.regimen}], cautions

    monkeypatch.setattr(orchestrator, "apply_tolerance", bar_sunitinib)
    a = run(
        metastatic(
            molecular=mol(KIT11),
            sex="female",
            age_years=35,
            pregnant=True,
            therapy_lines=LINES["im_prog"],
        ),
        kb,
    )
    assert_label_order(a)
    first = a.recommendations[0]
    assert first.rule_id == "LBL-NONE" and "obstetric" in first.title
    assert "not to be used during pregnancy" in first.rationale


def test_e2_pregnant_patient_is_not_offered_trials(kb: KnowledgeBase) -> None:
    """E-2: pregnant, KIT exon 11, progression on imatinib 400: no registry or guideline
    trial option (pregnant women are as a rule excluded from trials of drugs not intended
    for use in pregnancy, ICH M3(R2), read in the EUPATI summary: unverified; no trial in
    trials.yaml records a pregnancy criterion); the output says so instead."""
    preg = run(
        metastatic(
            molecular=mol(KIT11),
            sex="female",
            age_years=35,
            pregnant=True,
            therapy_lines=LINES["im_prog"],
        ),
        kb,
    )
    assert "trial" not in {r.kind for r in preg.recommendations}
    assert not any(r.trial_ids for r in preg.recommendations)
    c = next(c for c in preg.cautions if c.code == "trials_not_offered_in_pregnancy")
    assert c.source_ids == ["ichm3r2"] and c.confidence == "unverified"
    assert "pregnan" in c.message and "after delivery" in c.message
    control = run(
        metastatic(
            molecular=mol(KIT11), sex="female", age_years=35, therapy_lines=LINES["im_prog"]
        ),
        kb,
    )
    assert "trial" in {r.kind for r in control.recommendations}
    assert "trials_not_offered_in_pregnancy" not in {c.code for c in control.cautions}


def test_e2_pregnant_primary_d816v_tumour_board_not_trial(kb: KnowledgeBase) -> None:
    """Pregnant with untreated metastatic primary KIT D816V (imatinib-resistant, Nishida
    2016): the guideline's own "clinical trial" option (MF-PRIMARY-RES) is not offered in
    pregnancy either; the tumour board with the obstetric team comes first."""
    a = run(
        metastatic(molecular=mol(("KIT", "p.D816V")), sex="female", age_years=30, pregnant=True),
        kb,
    )
    assert "trial" not in {r.kind for r in a.recommendations}
    assert a.recommendations[0].rule_id == "LBL-NONE"
    assert_label_order(a)


def test_e3_primary_kit_a829p_variant_level_r2_imatinib_not_first(kb: KnowledgeBase) -> None:
    """E-3: untreated metastatic GIST with primary KIT A829P (exon 18 activation loop). The
    exon-level class calls imatinib 'unknown', but OncoKB rates KIT A829P + imatinib level R2
    (resistance; release of 2020-02-12): imatinib must not be first. The one rule for a
    resistant primary (MF-PRIMARY-RES, as for D816V, S-O1) puts trial/tumour board first."""
    a = run(metastatic(molecular=mol(("KIT", "p.A829P"))), kb)
    assert a.recommendations[0].kind == "trial"
    assert a.recommendations[0].rule_id == "MF-PRIMARY-RES"
    assert "MF-01" not in [r.rule_id for r in a.recommendations]
    imatinib = next(r for r in a.recommendations if r.regimen)
    assert "response not expected" in imatinib.title
    c = next(c for c in a.cautions if c.code == "variant_level_resistance_imatinib")
    assert "R2" in c.message and c.source_ids == ["oncokb2026"]
    # The genotype call carries the rating (genomics engine), the caution is read from it.
    assert a.genotype is not None and a.genotype.sensitivity.imatinib == "resistant"
    assert [r.drug for r in a.genotype.variant_level_resistance] == ["imatinib", "sunitinib"]


def test_e3_primary_kit_a829p_resected_high_risk_no_adjuvant_imatinib(
    kb: KnowledgeBase,
) -> None:
    """E-3, localized: resected high-risk gastric GIST with primary KIT A829P (OncoKB R2 for
    imatinib): no adjuvant imatinib, as for D816V (LD-05-06)."""
    a = run(
        metastatic(
            metastatic=None,
            primary={
                "site": "stomach",
                "size_cm": 11,
                "mitoses": {"count": 12, "per": "5mm2"},
                "rupture": False,
                "resection": "R0",
            },
            molecular=mol(("KIT", "p.A829P")),
        ),
        kb,
    )
    assert "imatinib" not in {i.drug for r in a.recommendations for i in r.regimen}


def test_e3_control_kit_exon11_keeps_imatinib_first(kb: KnowledgeBase) -> None:
    """Control: KIT exon 11 deletion (OncoKB level 1 with imatinib): imatinib 400 first, no
    variant-level resistance caution."""
    a = run(metastatic(molecular=mol(KIT11)), kb)
    assert a.recommendations[0].rule_id == "MF-01"
    assert not any(c.code.startswith("variant_level_resistance") for c in a.cautions)


def test_e4_kit_exon11_with_pdgfra_d842v_contradictory_not_retested(kb: KnowledgeBase) -> None:
    """E-4 (review O-16): untreated metastatic GIST whose report gives KIT exon 11
    p.W557_K558del and PDGFRA D842V together. KIT and PDGFRA mutations are mutually exclusive
    in the original series (Heinrich, Science 2003): the report is contradictory. The tool
    does not ask to test again, says why, and proposes no TKI by one exon class."""
    a = run(metastatic(molecular=mol(KIT11, D842V)), kb)
    ids = [r.rule_id for r in a.recommendations]
    assert ids[0] == "MT-DISCORDANT" and "MT-02" not in ids
    first = a.recommendations[0]
    assert "Contradictory" in first.title and "tumour board" in first.title
    assert "heinrich2003pdgfra" in first.evidence.source_ids
    assert not any(r.regimen for r in a.recommendations)


def test_e4_double_driver_after_resection_no_pending_adjuvant(kb: KnowledgeBase) -> None:
    """E-4, localized: resected high-risk gastric GIST with the same double-driver report:
    no "adjuvant imatinib once the genotype is confirmed" (the genotype is not pending but
    contradictory), no request to test again; the contradictory-report step first."""
    a = run(patient(primary=HIGH_RISK_GASTRIC, molecular=mol(KIT11, D842V)), kb)
    ids = [r.rule_id for r in a.recommendations]
    assert ids[0] == "MT-DISCORDANT"
    assert "MT-02" not in ids and "LD-04-PENDING" not in ids
    assert "imatinib" not in {i.drug for r in a.recommendations[:1] for i in r.regimen}


def test_e4_control_untested_still_asks_for_testing(kb: KnowledgeBase) -> None:
    """Control: untested metastatic GIST: mutation testing first (MT-02)."""
    a = run(metastatic(), kb)
    assert a.recommendations[0].rule_id == "MT-02"


@pytest.mark.parametrize("ecog", [3, 4])
def test_e5_frail_untreated_metastatic_genotype_awaited(ecog: int, kb: KnowledgeBase) -> None:
    """E-5 (review S2-O6): untreated metastatic GIST, ECOG 3-4, genotype not yet known. NCI
    PDQ (2024, first-line imatinib): "Most patients can initiate imatinib empirically while
    awaiting confirmation of their tumor's molecular profile." Testing stays first, imatinib
    400 mg started while the result is awaited comes next, supportive care after it (no
    longer supportive care first)."""
    a = run(metastatic(ecog=ecog), kb)
    ids = [r.rule_id for r in a.recommendations]
    assert ids[0] == "MT-02"
    second = a.recommendations[1]
    assert second.rule_id == "ECOG-34-UNTESTED"
    assert [(i.drug, i.dose_mg_per_day) for i in second.regimen] == [("imatinib", 400)]
    assert "ECOG-34" not in ids
    kinds = [r.kind for r in a.recommendations]
    assert kinds.index("supportive") > 1
    c = next(c for c in a.cautions if c.code == "poor_performance_status_genotype_awaited")
    assert "avapritinib" in c.message and c.source_ids == ["ncipdq2024"]


def test_e5_control_frail_after_imatinib_supportive_first(kb: KnowledgeBase) -> None:
    """Control: ECOG 3 with progression on imatinib (later line): supportive care first
    (ECOG-34, INVICTUS enrolled ECOG 0-2 only)."""
    a = run(metastatic(ecog=3, molecular=mol(KIT11), therapy_lines=LINES["im_sun_prog"]), kb)
    assert a.recommendations[0].rule_id == "ECOG-34"
