"""The 25 clinical vignettes of reference/guidelines.md sec. 11, run through the therapy
engine. Where the vignette marks a disagreement, both positions must be present."""

from __future__ import annotations

import pytest

from gistcds.knowledge import KnowledgeBase
from gistcds.therapy import TherapyAdvice
from therapy_helpers import all_drugs, drugs, recommend_for
from therapy_scenarios import SCENARIOS


def run(name: str, kb: KnowledgeBase) -> TherapyAdvice:
    s = SCENARIOS[name]
    return recommend_for(s.patient, s.genotype, s.risk, s.response, kb)


def dose(advice: TherapyAdvice, i: int, drug: str) -> float | None:
    return next(r.dose_mg_per_day for r in advice.recommendations[i].regimen if r.drug == drug)


def guidelines(advice: TherapyAdvice, i: int) -> set[str]:
    return {p.guideline.split()[0] for p in advice.recommendations[i].positions}


def codes(advice: TherapyAdvice) -> set[str]:
    return {c.code for c in advice.cautions}


def test_v01_kit11_first_line(kb: KnowledgeBase) -> None:
    a = run("V01", kb)
    assert drugs(a.recommendations[0]) == {"imatinib"} and dose(a, 0, "imatinib") == 400
    assert a.recommendations[0].evidence.level.startswith("[I, A]")
    assert "indefinitely" in a.recommendations[0].rationale


def test_v02_kit9_800_with_positions(kb: KnowledgeBase) -> None:
    a = run("V02", kb)
    assert dose(a, 0, "imatinib") == 800
    assert a.recommendations[0].regimen[0].schedule == "400 mg twice daily"
    assert {"ESMO", "NCCN"} <= guidelines(a, 0)  # disagreement: both present
    assert any("Japan" in p.guideline for p in a.recommendations[0].positions)


def test_v03_d842v_avapritinib_no_imatinib(kb: KnowledgeBase) -> None:
    a = run("V03", kb)
    assert drugs(a.recommendations[0]) == {"avapritinib"} and dose(a, 0, "avapritinib") == 300
    assert "imatinib" not in all_drugs(a.recommendations)
    assert "genotype_drug_inactive" in codes(a)


def test_v04_pdgfra_exon12_imatinib_400(kb: KnowledgeBase) -> None:
    a = run("V04", kb)
    assert drugs(a.recommendations[0]) == {"imatinib"} and dose(a, 0, "imatinib") == 400


def test_v05_sdh_deficient(kb: KnowledgeBase) -> None:
    a = run("V05", kb)
    recs = a.recommendations
    assert "imatinib" not in all_drugs(recs)
    assert recs[0].kind == "trial"
    assert any(r.kind == "diagnostic" and "germline" in r.title.lower() for r in recs)
    assert {"sunitinib", "regorafenib"} <= all_drugs(recs)
    suni = next(r for r in recs if drugs(r) == {"sunitinib"})
    assert {p.guideline.split()[0] for p in suni.positions} == {"NCCN", "ESMO"}
    assert any(r.kind == "local" for r in recs)


def test_v06_braf_two_regimen_items(kb: KnowledgeBase) -> None:
    a = run("V06", kb)
    top = a.recommendations[0]
    assert [r.drug for r in top.regimen] == ["dabrafenib", "trametinib"]
    assert [r.dose_mg_per_day for r in top.regimen] == [300, 2]
    assert {"ESMO", "NCCN"} <= guidelines(a, 0)
    assert "imatinib" not in all_drugs(a.recommendations)


def test_v07_ntrk(kb: KnowledgeBase) -> None:
    a = run("V07", kb)
    assert a.recommendations[0].regimen[0].drug in {"larotrectinib", "entrectinib"}
    assert {"larotrectinib", "entrectinib"} <= all_drugs(a.recommendations)
    assert "imatinib" not in all_drugs(a.recommendations)


def test_v08_nf1_no_systemic_standard(kb: KnowledgeBase) -> None:
    """Evidence pass 3: NCI PDQ says wild-type (incl. NF1) GIST may respond modestly to
    sunitinib and regorafenib; they follow surgery, germline testing and a trial."""
    a = run("V08", kb)
    kinds = [r.kind for r in a.recommendations]
    assert kinds[0] == "local" and kinds.index("trial") < kinds.index("systemic")
    assert "diagnostic" in kinds  # germline testing (SDHx, NF1, KIT)
    assert all_drugs(a.recommendations) == {"sunitinib", "regorafenib"}
    assert all("limited evidence" in r.title for r in a.recommendations if r.kind == "systemic")


def test_v09_progression_on_400(kb: KnowledgeBase) -> None:
    a = run("V09", kb)
    first_two = a.recommendations[:2]
    assert {d for r in first_two for d in drugs(r)} == {"imatinib", "sunitinib"}
    assert dose(a, 0, "imatinib") == 800
    assert any(
        r.regimen and r.regimen[0].dose_mg_per_day == 37.5 for r in a.recommendations
    )  # sunitinib continuous alternative
    assert "check_adherence_interactions" in codes(a)


def test_v10_progression_on_800_sunitinib(kb: KnowledgeBase) -> None:
    a = run("V10", kb)
    assert drugs(a.recommendations[0]) == {"sunitinib"}
    assert a.recommendations[0].regimen[0].schedule.endswith("4 weeks on / 2 weeks off")
    assert not any(
        r.regimen and r.regimen[0].drug == "imatinib" and r.regimen[0].dose_mg_per_day == 800
        for r in a.recommendations
    )


def test_v11_regorafenib(kb: KnowledgeBase) -> None:
    a = run("V11", kb)
    assert drugs(a.recommendations[0]) == {"regorafenib"} and dose(a, 0, "regorafenib") == 160
    assert "days 1-21" in a.recommendations[0].regimen[0].schedule
    assert a.recommendations[0].line == 3


def test_v12_ripretinib(kb: KnowledgeBase) -> None:
    a = run("V12", kb)
    assert drugs(a.recommendations[0]) == {"ripretinib"} and dose(a, 0, "ripretinib") == 150
    assert a.recommendations[0].line == 4


def test_v13_after_ripretinib(kb: KnowledgeBase) -> None:
    a = run("V13", kb)
    kinds = [r.kind for r in a.recommendations]
    assert kinds[0] == "trial"
    assert any(
        drugs(r) == {"ripretinib"} and r.regimen[0].dose_mg_per_day == 300
        for r in a.recommendations
    )
    assert any(drugs(r) == {"imatinib"} for r in a.recommendations)  # re-challenge
    assert "supportive" in kinds
    bid = next(r for r in a.recommendations if drugs(r) == {"ripretinib"})
    assert {"NCCN", "ESMO"} <= {p.guideline.split()[0] for p in bid.positions}


def test_v14_ctdna_activation_loop_both_positions(kb: KnowledgeBase) -> None:
    a = run("V14", kb)
    recs = a.recommendations
    suni = next(i for i, r in enumerate(recs) if drugs(r) == {"sunitinib"})
    ripr = next(i for i, r in enumerate(recs) if drugs(r) == {"ripretinib"})
    assert suni < ripr  # ESMO standard stays ahead of the exploratory-subgroup option
    positions = recs[ripr].positions
    assert {p.guideline.split()[0] for p in positions} == {"NCCN", "ESMO"}
    assert recs[ripr].evidence.confidence == "secondary"  # INTRIGUE texts read (pass 3)
    assert "exploratory" in recs[ripr].evidence.level


def test_v15_focal_progression(kb: KnowledgeBase) -> None:
    a = run("V15", kb)
    assert a.recommendations[0].kind == "local"
    assert drugs(a.recommendations[1]) == {"imatinib"} and dose(a, 1, "imatinib") == 400
    later = {d for r in a.recommendations[2:] for d in drugs(r)}
    assert {"imatinib", "sunitinib"} <= later  # escalation / switch remain alternatives


def test_v16_pseudo_progression_continue(kb: KnowledgeBase) -> None:
    a = run("V16", kb)
    assert drugs(a.recommendations[0]) == {"imatinib"} and dose(a, 0, "imatinib") == 400
    assert "pseudo_progression" in codes(a)
    assert "sunitinib" not in all_drugs(a.recommendations)


def test_v17_discordant_review_before_switch(kb: KnowledgeBase) -> None:
    a = run("V17", kb)
    assert a.recommendations[0].kind == "diagnostic"
    assert "radiology" in a.recommendations[0].title.lower()
    assert drugs(a.recommendations[1]) == {"imatinib"}
    assert "sunitinib" not in all_drugs(a.recommendations)


def test_v18_recist_sd_continue(kb: KnowledgeBase) -> None:
    a = run("V18", kb)
    assert drugs(a.recommendations[0]) == {"imatinib"}
    assert "sunitinib" not in all_drugs(a.recommendations)


def test_v19_never_stop_imatinib(kb: KnowledgeBase) -> None:
    a = run("V19", kb)
    assert drugs(a.recommendations[0]) == {"imatinib"}
    assert "do_not_interrupt" in codes(a)


def test_v20_residual_disease_surgery_option(kb: KnowledgeBase) -> None:
    a = run("V20", kb)
    assert drugs(a.recommendations[0]) == {"imatinib"}
    surgery = [r for r in a.recommendations if r.kind == "local"]
    assert surgery and "may be considered" in surgery[0].title
    assert "continues after surgery" in surgery[0].rationale


def test_v21_adjuvant_three_years(kb: KnowledgeBase) -> None:
    a = run("V21", kb)
    top = a.recommendations[0]
    assert drugs(top) == {"imatinib"} and top.regimen[0].dose_mg_per_day == 400
    assert "3 years" in top.regimen[0].schedule


def test_v22_d842v_localized_no_imatinib(kb: KnowledgeBase) -> None:
    a = run("V22", kb)
    assert a.recommendations[0].kind == "surveillance"
    assert "imatinib" not in all_drugs(a.recommendations)


def test_v23_kit9_adjuvant_400_with_positions(kb: KnowledgeBase) -> None:
    a = run("V23", kb)
    top = a.recommendations[0]
    assert drugs(top) == {"imatinib"} and top.regimen[0].dose_mg_per_day == 400
    assert len(top.positions) >= 2  # disagreement: both positions present


def test_v24_test_before_neoadjuvant(kb: KnowledgeBase) -> None:
    a = run("V24", kb)
    assert a.recommendations[0].kind == "diagnostic"
    assert "imatinib" not in all_drugs(a.recommendations)  # no neoadjuvant TKI before genotype


def test_v25_avapritinib_safety(kb: KnowledgeBase) -> None:
    """V25: pregnancy *planned* (not pregnant): avapritinib first, with the contraception
    caution (avoid pregnancy); a pregnant patient is covered by
    test_vignettes_organ_function (avapritinib not first during pregnancy)."""
    a = run("V25", kb)
    assert drugs(a.recommendations[0]) == {"avapritinib"}
    by_code = {c.code: c for c in a.cautions}
    assert "pregnancy" not in by_code and "contraception" in by_code
    cyp = [c for c in a.cautions if "CYP3A4" in c.message]
    assert cyp and "carbamazepine" in cyp[0].message
    assert "avapritinib_cns_haemorrhage" in by_code


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_every_scenario_gives_an_answer(name: str, kb: KnowledgeBase) -> None:
    """Never empty: at worst the tumour-board fallback; evidence always cited."""
    a = run(name, kb)
    assert a.recommendations
    for rec in a.recommendations:
        assert rec.evidence.source_ids and rec.rationale
        for item in rec.regimen:
            assert item.drug == item.drug.lower() and item.dose_mg_per_day and item.schedule
