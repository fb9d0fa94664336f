"""Unusual patients read as a sarcoma oncologist would (review of 2026-11-29, part 4:
docs/review.md "Unusual patients"). Each test is one finding, written failing first; its
docstring names what the output said, what it should say and the source of the rule.

Sources: imatinib label dose-modification table (US PI 2 / EU SmPC 4.2, reference
toxicity.md §1.2 [V]: withhold at ANC < 1.0 and/or platelets < 50 x 10^9/L, resume at
ANC >= 1.5 and platelets >= 75; withhold at bilirubin > 3 x IULN or transaminases > 5 x
IULN); hepatic-impairment grading of the imatinib EU SmPC (bilirubin bands, toxicity.md
§1.3 [V]), ripretinib and avapritinib labels (bilirubin/AST bands, §4.3, §5.3 [S]) against
the Child-Pugh grading of the sunitinib and regorafenib labels (§2.3, §3.3 [V]).
"""

from __future__ import annotations

from typing import Any

import pytest

from gistcds.domain.assessment import Assessment
from gistcds.knowledge import KnowledgeBase
from review_helpers import (
    D842V,
    HIGH_RISK_GASTRIC,
    KIT11,
    codes,
    lesion,
    line,
    metastatic,
    mol,
    run,
)


def _guideline(a: Assessment) -> list[str]:
    return [r.rule_id for r in a.recommendations if not r.rule_id.startswith("trial:")]


def _regimens(a: Assessment) -> list[tuple[str, float | None]]:
    return [(i.drug, i.dose_mg_per_day) for r in a.recommendations for i in r.regimen]


def _ongoing(drug: str, dose: float, **kw: Any) -> dict[str, Any]:
    return {**line(drug, dose, None), "start": "2023-01-10", **kw}


def _caution(a: Assessment, code: str) -> str:
    return next(c.message for c in a.cautions if c.code == code)


BILI_4X = {"bilirubin_umol_per_l": 84, "bilirubin_uln_umol_per_l": 21}


# --- U-01: progression recorded on a line still marked ongoing ------------------------


def test_u01_generalized_progression_on_an_open_line_is_progression(kb: KnowledgeBase) -> None:
    """Imatinib 400 with `progression: generalized` but no stop reason and no end date.
    Before: 'Continue imatinib at the current dose' and 'do not interrupt' -- the record's
    own statement of progression was ignored. Now: the progression options (escalation or
    switch, PR-01/PR-02) with a caution that the line is still recorded as open."""
    a = run(
        metastatic(
            molecular=mol(KIT11),
            therapy_lines=[_ongoing("imatinib", 400, progression="generalized")],
        ),
        kb,
    )
    assert "MF-10" not in _guideline(a)
    assert {"PR-01", "PR-02"} <= set(_guideline(a))
    assert "do_not_interrupt" not in codes(a)
    assert "progression_on_open_line" in codes(a)


def test_u01_focal_progression_on_an_open_line_goes_to_local_treatment(
    kb: KnowledgeBase,
) -> None:
    """Same with `progression: focal`: the focal-progression rule (FP-01: local treatment,
    keep the TKI) applies, not plain continuation."""
    a = run(
        metastatic(
            molecular=mol(KIT11), therapy_lines=[_ongoing("imatinib", 400, progression="focal")]
        ),
        kb,
    )
    assert _guideline(a)[0] == "FP-01"


def test_u01_open_line_without_progression_still_continues(kb: KnowledgeBase) -> None:
    """Control: an open line with no progression recorded keeps MF-10 (continue)."""
    a = run(metastatic(molecular=mol(KIT11), therapy_lines=[_ongoing("imatinib", 400)]), kb)
    assert _guideline(a)[0] == "MF-10"
    assert "progression_on_open_line" not in codes(a)


# --- U-02: bilirubin > 3 x ULN recorded, hepatic impairment not graded ----------------


def test_u02_bilirubin_over_3x_uln_caps_imatinib_like_a_recorded_severe_grade(
    kb: KnowledgeBase,
) -> None:
    """Progression on imatinib 400, bilirubin 4 x ULN, `hepatic_impairment` not given.
    Before: imatinib 800 mg offered first with no hepatic word (the label rules read only
    the recorded grade). The imatinib EU SmPC grades liver dysfunction by bilirubin alone
    (severe > 3-10 x ULN): the 400 mg/day ceiling applies as for a recorded severe grade,
    and the output says the grade was read from bilirubin."""
    a = run(
        metastatic(molecular=mol(KIT11), labs=BILI_4X, therapy_lines=[line("imatinib", 400)]),
        kb,
    )
    assert ("imatinib", 800.0) not in _regimens(a)
    assert "label_dose_ceiling_imatinib" in codes(a)
    assert "bilirubin" in _caution(a, "hepatic_grade_from_bilirubin")


def test_u02_bilirubin_grade_marks_avapritinib_and_ripretinib(kb: KnowledgeBase) -> None:
    """D842V, bilirubin 4 x ULN: the avapritinib label (bilirubin > 3 x ULN: dose not
    established) applies as for a recorded severe grade."""
    a = run(metastatic(molecular=mol(D842V), labs=BILI_4X), kb)
    ava = next(r for r in a.recommendations if r.regimen and r.regimen[0].drug == "avapritinib")
    assert [x.rule_id for x in ava.label_restrictions] == ["LBL-avapritinib-hepatic-severe"]


def test_u02_child_pugh_labels_are_not_read_from_bilirubin(kb: KnowledgeBase) -> None:
    """After imatinib and sunitinib, bilirubin 4 x ULN, grade not recorded. The regorafenib
    label's restriction is for Child-Pugh C, which bilirubin alone does not establish:
    regorafenib is not demoted on bilirubin alone, but the output asks for the Child-Pugh
    class before starting it (before: nothing at all)."""
    a = run(
        metastatic(
            molecular=mol(KIT11),
            labs=BILI_4X,
            therapy_lines=[line("imatinib", 400), line("sunitinib", 50)],
        ),
        kb,
    )
    assert _regimens(a)[0] == ("regorafenib", 160.0)
    assert "label_not_recommended_regorafenib" not in codes(a)
    assert "Child-Pugh" in _caution(a, "hepatic_grade_child_pugh_needed")


def test_u02_recorded_grade_wins_over_bilirubin(kb: KnowledgeBase) -> None:
    """A recorded grade is the clinician's: 'none' with a high bilirubin (e.g. Gilbert's)
    gives no hepatic restriction and no bilirubin-derived grade."""
    a = run(
        metastatic(
            molecular=mol(KIT11),
            labs=BILI_4X,
            hepatic_impairment="none",
            therapy_lines=[line("imatinib", 400)],
        ),
        kb,
    )
    assert ("imatinib", 800.0) in _regimens(a)
    assert "hepatic_grade_from_bilirubin" not in codes(a)


# --- U-O4: AST with a normal bilirubin, hepatic impairment not graded -----------------

NORMAL_BILI = {"bilirubin_umol_per_l": 10, "bilirubin_uln_umol_per_l": 21}


@pytest.mark.parametrize("ast", [(80, 40), (41, 40), (1000, 35)])
def test_uo4_normal_bilirubin_with_raised_ast_is_mild(
    kb: KnowledgeBase, ast: tuple[float, float]
) -> None:
    """Untreated KIT exon 11, bilirubin normal, AST above its upper limit, no grade recorded.
    Before: no hepatic word (AST could not be entered). The NCI-ODWG grading of the imatinib
    EU SmPC and the ripretinib label calls this mild: the imatinib label's mild-impairment
    statement is shown, with the caution that the grade was read from the labs."""
    labs = {**NORMAL_BILI, "ast_u_per_l": ast[0], "ast_uln_u_per_l": ast[1]}
    a = run(metastatic(molecular=mol(KIT11), labs=labs), kb)
    assert "mild hepatic impairment" in _caution(a, "hepatic_impairment_dose_imatinib")
    assert "AST above ULN is mild" in _caution(a, "hepatic_grade_from_bilirubin")


@pytest.mark.parametrize(
    "labs",
    [
        {"ast_u_per_l": 80, "ast_uln_u_per_l": 40},  # no bilirubin: the class is unknown
        {**NORMAL_BILI, "ast_u_per_l": 40, "ast_uln_u_per_l": 40},  # AST at ULN is not above
        {**NORMAL_BILI, "ast_u_per_l": 80},  # no upper limit: no ratio
    ],
)
def test_uo4_no_grade_without_bilirubin_or_a_raised_ast(
    kb: KnowledgeBase, labs: dict[str, float]
) -> None:
    a = run(metastatic(molecular=mol(KIT11), labs=labs), kb)
    assert not {"hepatic_grade_from_bilirubin", "hepatic_impairment_dose_imatinib"} & codes(a)


def test_uo4_recorded_grade_wins_over_ast(kb: KnowledgeBase) -> None:
    labs = {**NORMAL_BILI, "ast_u_per_l": 200, "ast_uln_u_per_l": 40}
    a = run(metastatic(molecular=mol(KIT11), labs=labs, hepatic_impairment="none"), kb)
    assert not {"hepatic_grade_from_bilirubin", "hepatic_impairment_dose_imatinib"} & codes(a)


# --- U-03: labs beyond the imatinib label's withhold thresholds, no event recorded -----


def test_u03_ongoing_imatinib_with_counts_below_the_label_threshold(kb: KnowledgeBase) -> None:
    """On imatinib 400, ANC 0.7 and platelets 40 x 10^9/L, no adverse event recorded.
    Before: 'Continue imatinib at the current dose', nothing about the counts. The label
    withholds imatinib at ANC < 1.0 and/or platelets < 50 until ANC >= 1.5 and platelets
    >= 75: the output says so (critical)."""
    a = run(
        metastatic(
            molecular=mol(KIT11),
            labs={"neutrophils_10e9_per_l": 0.7, "platelets_10e9_per_l": 40},
            therapy_lines=[_ongoing("imatinib", 400)],
        ),
        kb,
    )
    msg = _caution(a, "imatinib_label_withhold_labs")
    assert "1.5" in msg and "75" in msg
    assert next(c for c in a.cautions if c.code == "imatinib_label_withhold_labs").severity == (
        "critical"
    )


@pytest.mark.parametrize(
    "labs",
    [
        {"ast_u_per_l": 240, "ast_uln_u_per_l": 40, "alt_u_per_l": 30, "alt_uln_u_per_l": 40},
        {"alt_u_per_l": 240, "alt_uln_u_per_l": 40},
    ],
)
def test_u03_transaminases_over_5x_on_imatinib_either_enzyme(
    kb: KnowledgeBase, labs: dict[str, float]
) -> None:
    """The label withholds imatinib at transaminases > 5 x ULN: AST 6 x ULN with a normal
    ALT meets it as ALT 6 x ULN does (review U-O4 follow-up)."""
    a = run(
        metastatic(molecular=mol(KIT11), labs=labs, therapy_lines=[_ongoing("imatinib", 400)]),
        kb,
    )
    assert "transaminases > 5" in _caution(a, "imatinib_label_withhold_labs")


def test_u03_transaminases_at_4x_do_not_meet_the_withhold(kb: KnowledgeBase) -> None:
    """Control: AST 4 x ULN (ALT normal) is below the label's > 5 x ULN."""
    labs = {"ast_u_per_l": 160, "ast_uln_u_per_l": 40, "alt_u_per_l": 30, "alt_uln_u_per_l": 40}
    a = run(
        metastatic(molecular=mol(KIT11), labs=labs, therapy_lines=[_ongoing("imatinib", 400)]),
        kb,
    )
    assert "imatinib_label_withhold_labs" not in codes(a)


def test_u03_counts_below_the_threshold_before_starting_imatinib(kb: KnowledgeBase) -> None:
    """Untreated, ANC 0.7 and platelets 40: imatinib 400 stays the option, with a caution
    that the counts are below the level at which the label withholds imatinib (the label
    gives no rule for starting with such counts: find the cause, discuss)."""
    a = run(
        metastatic(
            molecular=mol(KIT11), labs={"neutrophils_10e9_per_l": 0.7, "platelets_10e9_per_l": 40}
        ),
        kb,
    )
    assert _regimens(a)[0] == ("imatinib", 400.0)
    assert "imatinib_start_below_label_thresholds" in codes(a)


def test_u03_normal_counts_no_lab_caution(kb: KnowledgeBase) -> None:
    a = run(
        metastatic(
            molecular=mol(KIT11),
            labs={"neutrophils_10e9_per_l": 1.6, "platelets_10e9_per_l": 80},
            therapy_lines=[_ongoing("imatinib", 400)],
        ),
        kb,
    )
    assert not {"imatinib_label_withhold_labs", "imatinib_start_below_label_thresholds"} & codes(a)


def test_u01_best_response_pd_on_an_open_line_is_progression(kb: KnowledgeBase) -> None:
    """Imatinib 400 with best response PD (primary progression) and no stop reason. Before:
    'Continue imatinib at the current dose' and 'do not interrupt'. Now read as progression
    (escalation or switch), with the open-line caution."""
    a = run(
        metastatic(
            molecular=mol(KIT11), therapy_lines=[_ongoing("imatinib", 400, best_response="PD")]
        ),
        kb,
    )
    assert "MF-10" not in _guideline(a)
    assert "PR-02" in _guideline(a)
    assert "progression_on_open_line" in codes(a)


# --- U-04: contradictory therapy records ----------------------------------------------


def test_u04_earlier_line_still_open_is_warned(kb: KnowledgeBase) -> None:
    """Imatinib recorded as ongoing (no end, no stop reason) and a later sunitinib line.
    Before: 'Continue sunitinib', nothing about the open imatinib line. Now a warning
    naming both paths (a combination is allowed; otherwise record how imatinib ended)."""
    a = run(
        metastatic(
            molecular=mol(KIT11),
            therapy_lines=[
                _ongoing("imatinib", 400),
                {**_ongoing("sunitinib", 50), "start": "2024-02-01"},
            ],
        ),
        kb,
    )
    assert any(
        w.startswith("therapy_lines[0]: imatinib is recorded as ongoing") for w in a.warnings
    )


def test_u04_metastatic_line_before_the_metastatic_diagnosis_is_warned(kb: KnowledgeBase) -> None:
    a = run(
        metastatic(
            molecular=mol(KIT11),
            metastatic={"diagnosed": "2024-01-01", "sites": ["liver"]},
            therapy_lines=[_ongoing("imatinib", 400)],
        ),
        kb,
    )
    assert any(w.startswith("therapy_lines[0].start: 2023-01-10 is before") for w in a.warnings)


def test_u04_consistent_history_has_no_record_warning(kb: KnowledgeBase) -> None:
    a = run(
        metastatic(
            molecular=mol(KIT11),
            therapy_lines=[
                {**line("imatinib", 400), "start": "2023-01-10", "end": "2024-01-20"},
                {**_ongoing("sunitinib", 50), "start": "2024-02-01"},
            ],
        ),
        kb,
    )
    assert not [w for w in a.warnings if w.startswith("therapy_lines")]


# --- U-05: reduced ejection fraction recorded ------------------------------------------


def test_u05_lvef_30_before_sunitinib_is_said(kb: KnowledgeBase) -> None:
    """Progression on imatinib 400, LVEF 30% recorded. Before: sunitinib offered with no word
    about the recorded LVEF (no rule read `cardiac`). The sunitinib label's cardiac row
    (interrupt/reduce at EF < 50% and > 20% below baseline; stop for heart failure) gives no
    starting rule: the output says so and asks for cardiology review."""
    a = run(
        metastatic(
            molecular=mol(KIT11), cardiac={"lvef_pct": 30}, therapy_lines=[line("imatinib", 400)]
        ),
        kb,
    )
    assert "cardiology" in _caution(a, "reduced_lvef_before_tki")


def test_u05_normal_lvef_no_caution(kb: KnowledgeBase) -> None:
    a = run(
        metastatic(
            molecular=mol(KIT11), cardiac={"lvef_pct": 60}, therapy_lines=[line("imatinib", 400)]
        ),
        kb,
    )
    assert "reduced_lvef_before_tki" not in codes(a)


# --- U-06: pre-operative imatinib dose in KIT exon 9 ---------------------------------


def test_u06_rectal_kit9_preoperative_dose_not_settled(kb: KnowledgeBase) -> None:
    """Unresected rectal 6 cm KIT exon 9 GIST. Before: 'Pre-operative imatinib 400 mg/day'
    with nothing on the dose question that the adjuvant (LD-07) and advanced (MF-02) rules
    raise for exon 9. Now: 400 mg stays (dose of the pre-operative trial, Kurokawa 2017) with
    a caution that the dose is not established (MetaGIST: 800 mg longer PFS in advanced
    exon 9; NCI PDQ: 'may benefit', extrapolated)."""
    a = run(
        metastatic(
            metastatic=None,
            molecular=mol(("KIT", "p.A502_Y503dup")),
            primary={"site": "rectum", "size_cm": 6, "resection": "none"},
        ),
        kb,
    )
    assert _regimens(a)[0] == ("imatinib", 400.0)
    assert "800" in _caution(a, "neoadjuvant_dose_kit_exon9")


def test_u06_kit11_preoperative_no_dose_caution(kb: KnowledgeBase) -> None:
    a = run(
        metastatic(
            metastatic=None,
            molecular=mol(KIT11),
            primary={"site": "rectum", "size_cm": 6, "resection": "none"},
        ),
        kb,
    )
    assert "neoadjuvant_dose_kit_exon9" not in codes(a)


def test_u01_open_line_with_a_later_stable_ct_stays_on_treatment(kb: KnowledgeBase) -> None:
    """Focal progression recorded on the open imatinib line, then a CT on the line read as
    stable disease (e.g. after ablation of the progressing lesion): the disease is read as
    controlled (MF-10), and the open-line caution still asks to tidy the record."""
    a = run(
        metastatic(
            molecular=mol(KIT11),
            therapy_lines=[_ongoing("imatinib", 400, progression="focal")],
            imaging=[
                {"date": "2024-01-10", "lesions": [lesion("L1", 40)]},
                {"date": "2024-04-10", "lesions": [lesion("L1", 39)]},
            ],
        ),
        kb,
    )
    assert _guideline(a)[0] == "MF-10"
    assert "progression_on_open_line" in codes(a)


def test_u03_ongoing_adjuvant_imatinib_with_neutropenia(kb: KnowledgeBase) -> None:
    """Adjuvant imatinib under way, ANC 0.8: the label's withhold threshold applies in the
    adjuvant setting too (the caution used to read only advanced-disease lines)."""
    a = run(
        metastatic(
            metastatic=None,
            molecular=mol(KIT11),
            primary=HIGH_RISK_GASTRIC,
            labs={"neutrophils_10e9_per_l": 0.8},
            therapy_lines=[_ongoing("imatinib", 400, setting="adjuvant")],
        ),
        kb,
    )
    assert "imatinib_label_withhold_labs" in codes(a)
    assert "imatinib_start_below_label_thresholds" not in codes(a)


# --- part 5 (V2-01): early (primary) progression on imatinib 400 ----------------------


def _early(**kw: Any) -> dict[str, Any]:
    return {**line("imatinib", 400), "start": "2023-01-10", **kw}


def test_v2_01_early_progression_says_the_order_is_not_settled(kb: KnowledgeBase) -> None:
    """Imatinib 400 with primary progression, stated three ways (best response PD; stopped
    for progression 2.5 months after the start; best response PD on a line still open).
    Before: 'Imatinib 800 mg' first with no word that this is primary resistance. Now the
    order stays (NCI PDQ: escalation or sunitinib, no order; no text read splits the
    escalation figures by time to progression) and the caution says the choice is open and
    asks for complete genotyping (Gounder & Maki 2011: early resistance = progression
    within 3 months)."""
    records = [
        _early(end="2023-05-10", best_response="PD"),
        _early(end="2023-03-25"),
        _ongoing("imatinib", 400, best_response="PD"),
    ]
    for rec in records:
        a = run(metastatic(molecular=mol(KIT11), therapy_lines=[rec]), kb)
        assert {"PR-01", "PR-02"} <= set(_guideline(a)), rec
        assert "early_progression_on_imatinib" in codes(a), rec
        msg = _caution(a, "early_progression_on_imatinib")
        assert "not a judgement" in msg and "genotyping" in msg


def test_v2_01_late_progression_has_no_early_caution(kb: KnowledgeBase) -> None:
    """Control: progression after 26 months with a partial response (secondary
    resistance): escalation first, no early-progression caution."""
    a = run(
        metastatic(
            molecular=mol(KIT11),
            therapy_lines=[_early(end="2025-03-20", best_response="PR")],
        ),
        kb,
    )
    assert _guideline(a)[0] == "PR-01"
    assert "early_progression_on_imatinib" not in codes(a)


# --- part 5 (V2-02, was U-O3): KIT exon 11 + activation-loop secondary -----------------


def test_v2_02_activation_loop_secondary_says_the_order_is_not_settled(
    kb: KnowledgeBase,
) -> None:
    """KIT exon 11 with a ctDNA KIT N822K (exon 17) after progression on imatinib 400.
    Before: sunitinib and imatinib 800 (both rated resistant) ranked before ripretinib
    (rated sensitive) with no word on why. The sources read do not settle the order
    (INTRIGUE ctDNA exploratory, Joensuu 2024; NCI PDQ: ripretinib not indicated before
    later lines; no NCCN subgroup listing seen), so the order stays and the output says so."""
    n822k = {"gene": "KIT", "hgvs_p": "N822K", "source": "ctdna", "date": "2025-03-01"}
    a = run(
        metastatic(
            molecular=mol(KIT11, n822k),
            therapy_lines=[_early(end="2025-03-20", best_response="PR")],
        ),
        kb,
    )
    assert "PR-09" in _guideline(a)
    msg = _caution(a, "activation_loop_order_not_settled")
    assert "do not settle the order" in msg and "imatinib 800 mg" in msg


def test_v2_02_primary_exon11_only_has_no_activation_loop_caution(kb: KnowledgeBase) -> None:
    """Control: no secondary mutation: no activation-loop caution."""
    a = run(
        metastatic(
            molecular=mol(KIT11), therapy_lines=[_early(end="2025-03-20", best_response="PR")]
        ),
        kb,
    )
    assert "activation_loop_order_not_settled" not in codes(a)


def test_v2_01_imatinib_rechallenge_is_not_primary_resistance(kb: KnowledgeBase) -> None:
    """Control: imatinib re-challenge after sunitinib stopped for progression within 3
    months is not primary resistance of first-line imatinib: no early caution."""
    lines = [
        line("imatinib", 400, start="2021-01-10", end="2023-01-01"),
        line("sunitinib", 50, start="2023-01-15", end="2024-01-01"),
        _early(start="2024-01-10", end="2024-03-01"),
    ]
    a = run(metastatic(molecular=mol(KIT11), therapy_lines=lines), kb)
    assert "early_progression_on_imatinib" not in codes(a)


def test_v2_01_early_progression_read_from_imaging(kb: KnowledgeBase) -> None:
    """The fourth way a record states it: an open imatinib 400 line with no stop reason, and
    a CT 10 weeks after the start with RECIST progression (40 -> 60 mm): early progression.
    Control: the same CT 8 months after the start is not early."""
    for ct_date, early in (("2023-03-20", True), ("2023-09-20", False)):
        a = run(
            metastatic(
                molecular=mol(KIT11),
                therapy_lines=[{**line("imatinib", 400, None), "start": "2023-01-10"}],
                imaging=[
                    {"date": "2023-01-05", "lesions": [lesion("L1", 40)]},
                    {"date": ct_date, "lesions": [lesion("L1", 60)]},
                ],
            ),
            kb,
        )
        assert "PR-01" in _guideline(a)
        assert ("early_progression_on_imatinib" in codes(a)) is early, ct_date
