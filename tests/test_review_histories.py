"""Clinical review: treatment histories (docs/review.md). Expected answers from
reference/guidelines.md: MF-09/MF-10 (restart / continue imatinib), PR-01..PR-06 (later lines),
PR-05 (D842V after avapritinib), LD-04..LD-06 (adjuvant), MT-06 (wild-type work-up)."""

from __future__ import annotations

from gistcds.knowledge import KnowledgeBase
from review_helpers import (
    HIGH_RISK_GASTRIC,
    all_drugs,
    codes,
    doses,
    line,
    metastatic,
    mol,
    patient,
    rule_ids,
    run,
    top_drugs,
)

K11 = mol(("KIT", "p.W557_K558del"))
K9 = mol(("KIT", "p.A502_Y503dup"))
D842 = mol(("PDGFRA", "D842V"))


def test_progression_on_imatinib_800_first_line_goes_to_sunitinib(kb: KnowledgeBase) -> None:
    a = run(metastatic(molecular=K11, therapy_lines=[line("imatinib", 800)]), kb)
    assert top_drugs(a) == {"sunitinib"}
    assert ("imatinib", 800) not in doses(a)


def test_imatinib_toxicity_reduces_before_switching(kb: KnowledgeBase) -> None:
    a = run(metastatic(molecular=K11, therapy_lines=[line("imatinib", 400, "toxicity")]), kb)
    assert doses(a, 1) == {("imatinib", 300)}
    assert "sunitinib" in all_drugs(a)


def test_imatinib_stopped_other_reason_is_restarted(kb: KnowledgeBase) -> None:
    a = run(
        metastatic(molecular=K11, therapy_lines=[line("imatinib", 400, "other", end="2025-01-01")]),
        kb,
    )
    assert doses(a, 1) == {("imatinib", 400)}


def test_ongoing_imatinib_with_pr_continues(kb: KnowledgeBase) -> None:
    lines = [line("imatinib", 400, None, best_response="PR")]
    a = run(metastatic(molecular=K11, therapy_lines=lines), kb)
    assert doses(a, 1) == {("imatinib", 400)} and "do_not_interrupt" in codes(a)


def test_sunitinib_progression_gives_regorafenib(kb: KnowledgeBase) -> None:
    lines = [line("imatinib", 400), line("sunitinib", 50)]
    a = run(metastatic(molecular=K11, therapy_lines=lines), kb)
    assert doses(a, 1) == {("regorafenib", 160)}


def test_ripretinib_progression_gives_trial_then_150_twice_daily(kb: KnowledgeBase) -> None:
    lines = [line(d, x) for d, x in [("imatinib", 400), ("sunitinib", 50), ("regorafenib", 160)]]
    a = run(metastatic(molecular=K11, therapy_lines=[*lines, line("ripretinib", 150)]), kb)
    assert a.recommendations[0].kind == "trial"
    assert ("ripretinib", 300) in doses(a, 3)


def test_d842v_progression_on_avapritinib(kb: KnowledgeBase) -> None:
    a = run(metastatic(molecular=D842, therapy_lines=[line("avapritinib", 300)]), kb)
    assert a.recommendations[0].kind == "trial"
    assert not {"imatinib", "sunitinib", "regorafenib"} & all_drugs(a)


def test_kit9_progressing_on_400_escalates_to_800(kb: KnowledgeBase) -> None:
    a = run(metastatic(molecular=K9, therapy_lines=[line("imatinib", 400)]), kb)
    assert ("imatinib", 800) in doses(a, 2)


def test_metastatic_relapse_after_completed_adjuvant_restarts_400(kb: KnowledgeBase) -> None:
    """MF-09: relapse after adjuvant imatinib was completed is first-line imatinib again."""
    lines = [
        line("imatinib", 400, "completed", setting="adjuvant", start="2019-01-01", end="2022-01-01")
    ]
    a = run(
        metastatic(
            primary=HIGH_RISK_GASTRIC,
            molecular=K11,
            therapy_lines=lines,
            metastatic={"diagnosed": "2024-05-01", "sites": ["liver"]},
        ),
        kb,
    )
    assert doses(a, 1) == {("imatinib", 400)}
    assert ("imatinib", 800) not in doses(a)


def test_relapse_during_adjuvant_is_progression_on_imatinib(kb: KnowledgeBase) -> None:
    """R-05: relapse while on adjuvant imatinib 400 is not 'untreated': escalate or switch."""
    lines = [
        line(
            "imatinib", 400, "progression", setting="adjuvant", start="2021-01-01", end="2022-06-01"
        )
    ]
    a = run(
        metastatic(
            primary=HIGH_RISK_GASTRIC,
            molecular=K11,
            therapy_lines=lines,
            metastatic={"diagnosed": "2022-06-01", "sites": ["liver"]},
        ),
        kb,
    )
    assert "MF-01" not in rule_ids(a)
    assert ("imatinib", 800) in doses(a, 2) and "sunitinib" in {d for d, _ in doses(a, 2)}


def test_adjuvant_ongoing_continues(kb: KnowledgeBase) -> None:
    lines = [line("imatinib", 400, None, setting="adjuvant", start="2025-01-01")]
    a = run(patient(primary=HIGH_RISK_GASTRIC, molecular=K11, therapy_lines=lines), kb)
    assert doses(a, 1) == {("imatinib", 400)}


def test_adjuvant_completed_localized_is_surveillance_not_fallback(kb: KnowledgeBase) -> None:
    """R-09: completed 3 years of adjuvant imatinib, no relapse: surveillance (FU-04)."""
    lines = [
        line("imatinib", 400, "completed", setting="adjuvant", start="2021-01-01", end="2024-01-01")
    ]
    a = run(patient(primary=HIGH_RISK_GASTRIC, molecular=K11, therapy_lines=lines), kb)
    assert a.recommendations[0].kind == "surveillance"
    assert "fallback" not in rule_ids(a)
    assert a.followup and a.followup[0].month == 3
    assert all("during adjuvant" not in v.exam for v in a.followup)


def test_end_null_with_stop_progression_is_progression(kb: KnowledgeBase) -> None:
    a = run(metastatic(molecular=K11, therapy_lines=[line("imatinib", 400, "progression")]), kb)
    assert {"imatinib", "sunitinib"} <= {d for d, _ in doses(a, 3)}


def test_ctdna_activation_loop_after_imatinib(kb: KnowledgeBase) -> None:
    """V14/PR-09: sunitinib stays standard; ripretinib is listed for the subgroup."""
    variants = mol(
        ("KIT", "p.W557_K558del"),
        {"gene": "KIT", "hgvs_p": "N822K", "source": "ctdna", "date": "2025-01-01"},
    )
    lines = [line("imatinib", 400, start="2023-01-01", end="2024-12-01")]
    a = run(metastatic(molecular=variants, therapy_lines=lines), kb)
    assert top_drugs(a) == {"sunitinib"} and "ripretinib" in all_drugs(a)


def test_ctdna_atp_pocket_after_imatinib(kb: KnowledgeBase) -> None:
    variants = mol(
        ("KIT", "p.W557_K558del"),
        {"gene": "KIT", "hgvs_p": "V654A", "source": "ctdna", "date": "2025-01-01"},
    )
    lines = [line("imatinib", 400, start="2023-01-01", end="2024-12-01")]
    a = run(metastatic(molecular=variants, therapy_lines=lines), kb)
    assert top_drugs(a) == {"sunitinib"} and "ripretinib" not in all_drugs(a)
    assert "ctdna_secondary_atp_pocket" in codes(a)


def test_d842v_with_old_imatinib_sunitinib_history(kb: KnowledgeBase) -> None:
    """R-06: D842V never gets imatinib, sunitinib or regorafenib, whatever was given before."""
    lines = [line("imatinib", 400), line("sunitinib", 50)]
    a = run(metastatic(molecular=D842, therapy_lines=lines), kb)
    assert top_drugs(a) == {"avapritinib"}
    assert not {"imatinib", "sunitinib", "regorafenib"} & all_drugs(a)


def test_d842v_on_imatinib_switch_has_no_do_not_interrupt(kb: KnowledgeBase) -> None:
    """R-07: the switch to avapritinib must not sit beside 'do not interrupt the TKI'."""
    lines = [line("imatinib", 400, None, start="2023-01-01")]
    a = run(metastatic(molecular=D842, therapy_lines=lines), kb)
    assert top_drugs(a) == {"avapritinib"}
    assert "do_not_interrupt" not in codes(a)


def test_sdh_deficient_localized_no_adjuvant(kb: KnowledgeBase) -> None:
    a = run(patient(primary=HIGH_RISK_GASTRIC, molecular=mol(sdhb="lost")), kb)
    assert "imatinib" not in all_drugs(a)
    assert {r.kind for r in a.recommendations} >= {"diagnostic", "surveillance"}


def test_nf1_braf_ntrk_quadruple_wt(kb: KnowledgeBase) -> None:
    nf1 = run(metastatic(molecular=mol(("NF1", "p.R1947*"), genes=("KIT", "PDGFRA", "NF1"))), kb)
    assert "imatinib" not in all_drugs(nf1)
    braf = run(metastatic(molecular=mol(("BRAF", "V600E"), genes=("KIT", "PDGFRA", "BRAF"))), kb)
    assert top_drugs(braf) == {"dabrafenib", "trametinib"}
    ntrk = run(metastatic(molecular=mol(fusions=[["LMNA", "NTRK1"]])), kb)
    assert top_drugs(ntrk) in ({"larotrectinib"}, {"entrectinib"})
    qwt = run(
        metastatic(molecular=mol(genes=("KIT", "PDGFRA", "BRAF", "NF1"), sdhb="retained")), kb
    )
    assert qwt.genotype is not None and qwt.genotype.genotype_class == "quadruple_wild_type"
    assert "imatinib" not in all_drugs(qwt)


def test_not_tested_asks_for_genotyping(kb: KnowledgeBase) -> None:
    a = run(metastatic(), kb)
    assert a.recommendations[0].kind == "diagnostic" and not all_drugs(a)


def test_kit_pdgfra_negative_asks_for_sdhb_and_no_adjuvant_imatinib(kb: KnowledgeBase) -> None:
    """R-08: once KIT and PDGFRA are tested negative, imatinib cannot become 'confirmed
    sensitive'; the wild-type work-up comes first and no adjuvant imatinib is offered."""
    a = run(patient(primary=HIGH_RISK_GASTRIC, molecular=mol()), kb)
    assert a.recommendations[0].kind == "diagnostic"
    assert "SDHB" in a.recommendations[0].title
    assert "imatinib" not in all_drugs(a)


def test_neoadjuvant_ongoing_is_not_called_adjuvant(kb: KnowledgeBase) -> None:
    """R-16: an ongoing neoadjuvant line is not 'complete 3 years of adjuvant imatinib'."""
    primary = {
        "site": "rectum",
        "size_cm": 9,
        "mitoses": {"count": 6, "per": "5mm2"},
        "resection": "none",
    }
    lines = [line("imatinib", 400, None, setting="neoadjuvant", start="2025-06-01")]
    a = run(patient(primary=primary, molecular=K11, therapy_lines=lines), kb)
    assert "LD-04-ONGOING" not in rule_ids(a)
    assert rule_ids(a)[0] == "LD-08-ONGOING"
    assert all("adjuvant imatinib for 3 years" not in r.title for r in a.recommendations)


def test_resected_after_neoadjuvant_is_a_tumour_board_question(kb: KnowledgeBase) -> None:
    """R-17: risk scores are withheld after neoadjuvant therapy; neither 'complete the risk
    assessment' nor 'surveillance after adjuvant imatinib' fits."""
    primary = {
        "site": "rectum",
        "size_cm": 9,
        "mitoses": {"count": 6, "per": "5mm2"},
        "resection": "R0",
    }
    lines = [
        line(
            "imatinib",
            400,
            "completed",
            setting="neoadjuvant",
            start="2025-01-01",
            end="2025-08-01",
        )
    ]
    a = run(patient(primary=primary, molecular=K11, therapy_lines=lines), kb)
    assert rule_ids(a) == ["LD-NEO-RESECTED"]


def test_pdgfra_exon18_non_d842v_lists_avapritinib_after_imatinib(kb: KnowledgeBase) -> None:
    """R-18: MF-03/MF-04: imatinib first for non-D842V PDGFRA; avapritinib (exon 18 label)
    listed as the alternative."""
    a = run(metastatic(molecular=mol(("PDGFRA", "D842Y"))), kb)
    assert top_drugs(a) == {"imatinib"}
    assert "avapritinib" in all_drugs(a)


def test_metastatic_with_adjuvant_line_still_open_is_flagged(kb: KnowledgeBase) -> None:
    """R-21: relapse found while the adjuvant line is still recorded as ongoing."""
    lines = [line("imatinib", 400, None, setting="adjuvant", start="2023-01-01")]
    a = run(metastatic(molecular=K11, therapy_lines=lines), kb)
    assert "relapse_on_adjuvant_unrecorded" in codes(a)


LATE = [line("imatinib", 400), line("sunitinib", 50), line("regorafenib", 160)]


def test_ripretinib_intolerance_never_escalates(kb: KnowledgeBase) -> None:
    """R-22: intolerance of ripretinib 150 mg gave 'escalate to 150 mg twice daily'."""
    a = run(
        metastatic(molecular=K11, therapy_lines=[*LATE, line("ripretinib", 150, "toxicity")]), kb
    )
    assert ("ripretinib", 300) not in doses(a)
    assert doses(a, 1) == {("ripretinib", 100)}


def test_ripretinib_already_at_300_is_not_escalated_again(kb: KnowledgeBase) -> None:
    lines = [*LATE, line("ripretinib", 150), line("ripretinib", 300)]
    a = run(metastatic(molecular=K11, therapy_lines=lines), kb)
    assert ("ripretinib", 300) not in doses(a)
    assert "ripretinib_already_escalated" in codes(a)


def test_imatinib_intolerance_history_blocks_escalation_to_800(kb: KnowledgeBase) -> None:
    """Intolerant of 400 mg, reduced to 300 mg, then progressing: not 800 mg."""
    lines = [line("imatinib", 400, "toxicity"), line("imatinib", 300)]
    a = run(metastatic(molecular=K11, therapy_lines=lines), kb)
    assert ("imatinib", 800) not in doses(a)
    assert top_drugs(a) == {"sunitinib"}


def test_prognosis_after_relapse_on_adjuvant_matches_progression_on_imatinib(
    kb: KnowledgeBase,
) -> None:
    """R-23: the prognosis engine showed first-line imatinib curves (median PFS ~2 years)
    for a patient who relapsed on adjuvant imatinib."""
    adj = [line("imatinib", 400, "progression", setting="adjuvant")]
    met_line = [line("imatinib", 400, "progression")]
    a = run(metastatic(molecular=K11, therapy_lines=adj), kb)
    b = run(metastatic(molecular=K11, therapy_lines=met_line), kb)
    assert a.prognosis is not None and b.prognosis is not None
    assert rule_ids(a) == rule_ids(b)
    pa, pb = a.prognosis.pfs, b.prognosis.pfs
    assert (pa.median_months if pa else None) == (pb.median_months if pb else None)


def test_progression_on_imatinib_without_a_recorded_dose(kb: KnowledgeBase) -> None:
    """R-25: no dose recorded: sunitinib first, escalation offered conditionally after it."""
    a = run(metastatic(molecular=K11, therapy_lines=[line("imatinib", None)]), kb)
    assert top_drugs(a) == {"sunitinib"}
    assert ("imatinib", 800) in doses(a)
    assert "dose_not_recorded" in codes(a)


def test_sdhb_retained_work_up_does_not_ask_for_sdhb_again(kb: KnowledgeBase) -> None:
    a = run(metastatic(molecular=mol(sdhb="retained")), kb)
    assert a.recommendations[0].kind == "diagnostic"
    assert "SDHB immunohistochemistry" not in a.recommendations[0].title


def test_braf_without_kit_pdgfra_testing_asks_for_it_after_the_targeted_option(
    kb: KnowledgeBase,
) -> None:
    """R-27: the wild-type classes presuppose a negative KIT/PDGFRA test."""
    a = run(metastatic(molecular=mol(("BRAF", "V600E"), genes=("BRAF",))), kb)
    assert top_drugs(a) == {"dabrafenib", "trametinib"}
    assert "MT-01-OTHER-DRIVER" in rule_ids(a)
    b = run(metastatic(molecular=mol(("BRAF", "V600E"), genes=("KIT", "PDGFRA", "BRAF"))), kb)
    assert "MT-01-OTHER-DRIVER" not in rule_ids(b)
