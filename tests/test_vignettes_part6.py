"""Unusual patients, part 6 (docs/review.md "Unusual patients, part 6"): a sarcoma
oncologist's reading of `gistcds assess` for records earlier rounds did not cover. Each
finding test failed before its change; its docstring says what the output said, what it
says now and the source of the rule. The last block pins vignettes read and found right.

Sources: NCI PDQ GIST (adjuvant imatinib for high risk; EORTC 62024 intermediate/high risk:
RFS, not OS), SSG XVIII (joensuu2012); imatinib, sunitinib, regorafenib, ripretinib and
avapritinib labels (highest daily doses, therapy_drugs.yaml `label_max_mg_per_day`); EU SmPC
4.6 of Sutent and Stivarga (read in label re-hosts, therapy_label_limits.yaml notes); RECIST
1.1 best overall response (eisenhauer2009, read in secondary summaries).
"""

from __future__ import annotations

from typing import Any

import pytest

from gistcds.domain.assessment import Assessment
from gistcds.domain.patient import Patient
from gistcds.knowledge import KnowledgeBase
from review_helpers import D842V, KIT11, codes, line, metastatic, mol, patient, run


def _guideline(a: Assessment) -> list[str]:
    return [r.rule_id for r in a.recommendations if not r.rule_id.startswith("trial:")]


def _regimens(a: Assessment) -> list[tuple[str, float | None]]:
    return [(i.drug, i.dose_mg_per_day) for r in a.recommendations for i in r.regimen]


def _caution(a: Assessment, code: str) -> str:
    return next(c.message for c in a.cautions if c.code == code)


def _resected(size: float, count: float, per: str = "5mm2", **kw: Any) -> dict[str, Any]:
    return {
        "site": "stomach",
        "size_cm": size,
        "mitoses": {"count": count, "per": per},
        "rupture": kw.pop("rupture", False),
        "resection": "R0",
        "resection_date": "2025-06-01",
        **kw,
    }


def _adjuvant_ongoing(dose: float = 400) -> dict[str, Any]:
    return {**line("imatinib", dose, None, setting="adjuvant"), "start": "2025-07-01"}


# --- V3-02: adjuvant imatinib recorded as ongoing below high risk --------------------------


@pytest.mark.parametrize(
    ("size", "count", "per"),
    [
        (1.8, 2, "5mm2"),  # very low (modified NIH)
        (4, 3, "5mm2"),  # low
        (4, 3, "50hpf"),  # low, the other count unit
        (8, 3, "5mm2"),  # intermediate
    ],
)
def test_v3_02_adjuvant_ongoing_below_high_risk_is_not_completed(
    kb: KnowledgeBase, size: float, count: float, per: str
) -> None:
    """Resected gastric KIT exon 11 GIST below high risk with adjuvant imatinib recorded as
    ongoing. Before: 'Complete 3 years of adjuvant imatinib' first and 'No adjuvant therapy'
    second, contradicting each other. The survival benefit of adjuvant imatinib was shown in
    high risk only (SSG XVIII; EORTC 62024 intermediate/high: RFS, not OS, NCI PDQ). Now:
    check the risk data and review the line at a tumour board first; no 'complete 3 years'
    and no imatinib regimen; the caution says intermediate risk is not settled."""
    a = run(
        patient(
            primary=_resected(size, count, per),
            molecular=mol(KIT11),
            therapy_lines=[_adjuvant_ongoing()],
        ),
        kb,
    )
    assert _guideline(a)[0] == "LD-ADJ-NOT-HIGH"
    assert "LD-04-ONGOING" not in _guideline(a)
    assert "LD-LOW" in _guideline(a)
    assert not _regimens(a)
    assert "not settled" in _caution(a, "adjuvant_below_high_risk")


@pytest.mark.parametrize(
    "primary",
    [_resected(11, 12), _resected(1.5, 2, rupture=True)],
    ids=["high-by-size-and-count", "high-by-rupture-small"],
)
def test_v3_02_adjuvant_ongoing_at_high_risk_is_completed(
    kb: KnowledgeBase, primary: dict[str, Any]
) -> None:
    """Control: at high risk (by size and count, or a ruptured 1.5 cm tumour) the ongoing
    adjuvant line is completed to 3 years, without the below-high-risk caution."""
    a = run(patient(primary=primary, molecular=mol(KIT11), therapy_lines=[_adjuvant_ongoing()]), kb)
    assert _guideline(a)[0] == "LD-04-ONGOING"
    assert "adjuvant_below_high_risk" not in codes(a)


# --- V3-05: a recorded dose above the label's highest daily dose ---------------------------


def _ongoing(drug: str, dose: float, start: str = "2025-03-10") -> dict[str, Any]:
    return {**line(drug, dose, None), "start": start}


def _after_imatinib(drug: str, dose: float) -> list[dict[str, Any]]:
    return [
        {**line("imatinib", 400), "start": "2020-01-20", "end": "2023-01-20"},
        _ongoing(drug, dose, "2023-02-01"),
    ]


@pytest.mark.parametrize(
    ("history", "path"),
    [
        ([_ongoing("imatinib", 1000)], "therapy line 1"),
        ([_ongoing("Gleevec", 4000)], "therapy line 1"),
        (_after_imatinib("sunitinib", 100), "therapy line 2"),
        (_after_imatinib("ripretinib", 450), "therapy line 2"),
        (_after_imatinib("avapritinib", 400), "therapy line 2"),
        (_after_imatinib("regorafenib", 240), "therapy line 2"),
    ],
    ids=["imatinib-1000", "gleevec-4000", "sunitinib-100", "ripretinib-450", "ava-400", "rego-240"],
)
def test_v3_05_dose_above_label_is_not_continued(
    kb: KnowledgeBase, history: list[dict[str, Any]], path: str
) -> None:
    """Controlled disease on a recorded dose above every labelled GIST dose (imatinib 1000
    or 4000 mg/day, sunitinib 100, ripretinib 450, avapritinib 400, regorafenib 240).
    Before: 'Continue <drug> at the current dose' with that dose as the regimen, no word.
    Now: check the recorded dose first (MF-10-DOSE, no regimen above the label) and a
    critical caution naming the line and the label maximum."""
    a = run(metastatic(molecular=mol(KIT11), therapy_lines=history), kb)
    top_dose = history[-1]["dose_mg_per_day"]
    assert _guideline(a)[0] == "MF-10-DOSE"
    assert all(dose != top_dose for _, dose in _regimens(a))
    message = _caution(a, "dose_above_label_maximum")
    assert f"{path}: " in message and "label maximum" in message


@pytest.mark.parametrize(
    "history",
    [
        [_ongoing("imatinib", 800)],
        _after_imatinib("sunitinib", 87.5),
        _after_imatinib("ripretinib", 300),
    ],
    ids=["imatinib-800", "sunitinib-87.5-inducer-dose", "ripretinib-150-bid"],
)
def test_v3_05_labelled_top_doses_are_continued(
    kb: KnowledgeBase, history: list[dict[str, Any]]
) -> None:
    """Control: the labels' own top doses (imatinib 800, sunitinib 87.5 beside a strong
    inducer, ripretinib 150 mg twice daily) are continued without the dose caution."""
    a = run(metastatic(molecular=mol(KIT11), therapy_lines=history), kb)
    assert _guideline(a)[0] == "MF-10"
    assert "dose_above_label_maximum" not in codes(a)


def test_v3_05_adjuvant_dose_above_label_is_named(kb: KnowledgeBase) -> None:
    """Any setting: adjuvant imatinib recorded at 1200 mg/day gets the same caution; the
    adjuvant option itself is the trial dose (400 mg/day)."""
    a = run(
        patient(
            primary=_resected(11, 12), molecular=mol(KIT11), therapy_lines=[_adjuvant_ongoing(1200)]
        ),
        kb,
    )
    assert "therapy line 1: imatinib" in _caution(a, "dose_above_label_maximum")
    assert _regimens(a) == [("imatinib", 400.0)]


def test_v3_05_past_line_above_label_is_named(kb: KnowledgeBase) -> None:
    """A past line above the label (imatinib 1000 mg/day, stopped for progression) is named
    in the caution; the progression options are still given (no escalation: the recorded
    dose is already above 800 mg/day)."""
    a = run(
        metastatic(
            molecular=mol(KIT11),
            therapy_lines=[{**line("imatinib", 1000), "start": "2023-01-10", "end": "2025-01-10"}],
        ),
        kb,
    )
    assert "therapy line 1: imatinib" in _caution(a, "dose_above_label_maximum")
    assert ("imatinib", 800.0) not in _regimens(a)
    assert "PR-02" in _guideline(a)


# --- V3-07: pregnancy and the sunitinib / regorafenib labels -------------------------------


def test_v3_07_pregnant_after_imatinib_sunitinib_is_not_first(kb: KnowledgeBase) -> None:
    """Pregnant, progression on imatinib 400. Before: sunitinib 50 mg first, unmarked,
    while imatinib 800 was marked 'EU label: not during pregnancy unless clearly necessary'.
    The Sutent EU SmPC 4.6 says the same ('should not be used during pregnancy ... unless the
    potential benefit justifies the potential risk to the foetus'). Now: the tumour board with
    the obstetric team first; both sunitinib options carry LBL-sunitinib-pregnancy."""
    a = run(
        metastatic(
            sex="female",
            age_years=34,
            pregnant=True,
            molecular=mol(KIT11),
            therapy_lines=[line("imatinib", 400)],
        ),
        kb,
    )
    assert a.recommendations[0].rule_id == "LBL-NONE"
    suni = [r for r in a.recommendations if r.regimen and r.regimen[0].drug == "sunitinib"]
    assert suni and all(
        [x.rule_id for x in r.label_restrictions] == ["LBL-sunitinib-pregnancy"] for r in suni
    )
    assert "label_not_recommended_sunitinib" in codes(a)


def test_v3_07_pregnant_third_line_regorafenib_is_marked(kb: KnowledgeBase) -> None:
    """Pregnant, progression on imatinib then sunitinib: regorafenib (Stivarga EU SmPC 4.6:
    'should not be used during pregnancy unless clearly necessary') is marked and not first."""
    a = run(
        metastatic(
            sex="female",
            age_years=34,
            pregnant=True,
            molecular=mol(KIT11),
            therapy_lines=[line("imatinib", 400), line("sunitinib", 50)],
        ),
        kb,
    )
    rego = [r for r in a.recommendations if r.regimen and r.regimen[0].drug == "regorafenib"]
    assert rego and all(
        "LBL-regorafenib-pregnancy" in [x.rule_id for x in r.label_restrictions] for r in rego
    )
    assert (
        a.recommendations[0].regimen == [] or a.recommendations[0].regimen[0].drug != "regorafenib"
    )


def test_v3_07_not_pregnant_sunitinib_stays_first(kb: KnowledgeBase) -> None:
    """Control: the same history without pregnancy keeps the guideline order, unmarked."""
    a = run(metastatic(molecular=mol(KIT11), therapy_lines=[line("imatinib", 400)]), kb)
    assert not any(r.label_restrictions for r in a.recommendations)
    assert "label_not_recommended_sunitinib" not in codes(a)


# --- V3-08: best response PD contradicted by the line's own CT ----------------------------


def _tp(date: str, l1: float, l2: float, hu: float = 90) -> dict[str, Any]:
    return {
        "date": date,
        "lesions": [
            {
                "id": "L1",
                "organ": "liver",
                "kind": "target",
                "longest_diameter_mm": l1,
                "density_hu": hu,
            },
            {
                "id": "L2",
                "organ": "liver",
                "kind": "target",
                "longest_diameter_mm": l2,
                "density_hu": hu,
            },
        ],
    }


def _first_line_pd(imaging: list[dict[str, Any]]) -> Patient:
    return patient(
        metastatic={"diagnosed": "2024-01-02", "sites": ["liver"]},
        molecular=mol(KIT11),
        therapy_lines=[
            {
                **line("imatinib", 400),
                "start": "2024-01-10",
                "end": "2025-06-01",
                "best_response": "PD",
            }
        ],
        imaging=imaging,
    )


def test_v3_08_best_response_pd_with_a_pr_on_ct_is_not_primary_resistance(
    kb: KnowledgeBase,
) -> None:
    """First-line imatinib recorded with best response PD, stopped for progression after
    17 months, while its own CT series read RECIST PR at 3 months (-44%). Before: the
    early-progression caution ('primary (early) resistance'). The best overall response is
    the best reading from the start until progression (RECIST 1.1), so the record is wrong:
    now no early-progression caution and a caution naming the contradiction."""
    a = run(_first_line_pd([_tp("2024-01-05", 60, 40), _tp("2024-04-20", 35, 20, 50)]), kb)
    assert "early_progression_on_imatinib" not in codes(a)
    assert "best_response_contradicted" in codes(a)
    assert {"PR-01", "PR-02"} <= set(_guideline(a))


@pytest.mark.parametrize(
    "imaging",
    [[], [_tp("2024-01-05", 60, 40), _tp("2024-04-20", 58, 40)]],
    ids=["no-imaging", "ct-reads-sd"],
)
def test_v3_08_best_response_pd_without_a_response_on_ct_stays_early(
    kb: KnowledgeBase, imaging: list[dict[str, Any]]
) -> None:
    """Control: without imaging, or with a CT that reads only stable disease, the recorded
    best response PD keeps the early-progression caution and no contradiction is claimed."""
    a = run(_first_line_pd(imaging), kb)
    assert "early_progression_on_imatinib" in codes(a)
    assert "best_response_contradicted" not in codes(a)


def test_v3_08_old_baseline_is_not_read_against_a_later_line(kb: KnowledgeBase) -> None:
    """Second line (sunitinib, best response PD) with a CT that is still 35% below the
    imatinib-era baseline: baselines do not reset per line (O-4), so that PR against the old
    baseline is not read as a response on sunitinib and no contradiction is claimed."""
    a = run(
        patient(
            metastatic={"diagnosed": "2024-01-02", "sites": ["liver"]},
            molecular=mol(KIT11),
            therapy_lines=[
                {**line("imatinib", 400), "start": "2024-01-10", "end": "2025-06-01"},
                {
                    **line("sunitinib", 50),
                    "start": "2025-06-10",
                    "end": "2025-09-01",
                    "best_response": "PD",
                },
            ],
            imaging=[
                _tp("2024-01-05", 60, 40),
                _tp("2024-04-20", 35, 20, 50),
                _tp("2025-08-01", 40, 25),
            ],
        ),
        kb,
    )
    assert "best_response_contradicted" not in codes(a)


# --- V3-10: ECOG 3 before first-line avapritinib (PDGFRA D842V) ---------------------------


@pytest.mark.parametrize("ecog", [3, 4])
def test_v3_10_ecog3_untreated_d842v_says_the_order_is_not_settled(
    kb: KnowledgeBase, ecog: int
) -> None:
    """Untreated metastatic PDGFRA D842V at ECOG 3 (or 4). Before: best supportive care
    first and avapritinib second with no word, while an imatinib-sensitive genotype at ECOG 3
    gets imatinib first (ECOG-34-IM). No text read decides; now the output says the order is
    not settled (both options kept)."""
    a = run(metastatic(ecog=ecog, molecular=mol(D842V)), kb)
    assert {"ECOG-34", "MF-03"} <= set(_guideline(a))
    assert "not settled" in _caution(a, "poor_performance_status_order_not_settled")


def test_v3_10_same_caution_for_another_first_line_targeted_drug(kb: KnowledgeBase) -> None:
    """The rule is general: untreated BRAF V600E (KIT/PDGFRA negative) at ECOG 4, with
    dabrafenib + trametinib proposed, gets the same not-settled caution."""
    molecular = mol(("BRAF", "p.V600E"), genes=("KIT", "PDGFRA", "BRAF"))
    a = run(metastatic(ecog=4, molecular=molecular), kb)
    assert "poor_performance_status_order_not_settled" in codes(a)


@pytest.mark.parametrize(
    ("genotype", "history"),
    [(KIT11, []), (D842V, [line("avapritinib", 300)])],
    ids=["kit11-untreated", "d842v-after-avapritinib"],
)
def test_v3_10_control_first_line_imatinib_and_later_lines(
    kb: KnowledgeBase, genotype: tuple[str, str], history: list[dict[str, Any]]
) -> None:
    """Control: first-line imatinib in KIT exon 11 (ECOG-34-IM) and a later line in D842V
    (ECOG-34, supportive care first as decided) do not get the not-settled caution."""
    a = run(metastatic(ecog=3, molecular=mol(genotype), therapy_lines=history), kb)
    assert "poor_performance_status_order_not_settled" not in codes(a)


# --- V3-06: PDGFRA D842V with a second PDGFRA change -------------------------------------


@pytest.mark.parametrize("second", ["p.V561D", "p.D846Y"])
def test_v3_06_d842v_with_a_second_pdgfra_change(kb: KnowledgeBase, second: str) -> None:
    """PDGFRA D842V with a second primary PDGFRA change (exon 12 V561D, exon 18 D846Y).
    Before: the double-driver rule explained only KIT-vs-PDGFRA exclusivity. Now the
    rationale says a same-gene compound is not settled; no TKI is proposed by one class."""
    a = run(metastatic(molecular=mol(D842V, ("PDGFRA", second))), kb)
    assert _guideline(a)[0] == "MT-DISCORDANT"
    assert not _regimens(a)
    assert "not settled" in a.recommendations[0].rationale


# --- read and found right (pinned) --------------------------------------------------------


def test_v3_fine_pdgfra_exon14_n659k_gets_imatinib(kb: KnowledgeBase) -> None:
    """PDGFRA exon 14 N659K, untreated metastatic: imatinib 400 first (rated sensitive)."""
    a = run(metastatic(molecular=mol(("PDGFRA", "p.N659K"))), kb)
    assert a.genotype is not None and a.genotype.genotype_class == "PDGFRA_exon14"
    assert _regimens(a)[0] == ("imatinib", 400.0)


def test_v3_fine_relapse_after_completed_five_year_adjuvant(kb: KnowledgeBase) -> None:
    """Relapse 2.5 years after 5 years of adjuvant imatinib (completed): imatinib 400 again
    (MF-01), not an escalation."""
    a = run(
        metastatic(
            molecular=mol(KIT11),
            therapy_lines=[
                {
                    **line("imatinib", 400, "completed", setting="adjuvant"),
                    "start": "2017-07-01",
                    "end": "2022-07-01",
                }
            ],
        ),
        kb,
    )
    assert _guideline(a)[0] == "MF-01" and _regimens(a)[0] == ("imatinib", 400.0)


def test_v3_fine_interruption_after_cr_resumes_imatinib(kb: KnowledgeBase) -> None:
    """Imatinib stopped after a CR (stop 'other', BFR14-like interruption), no line open:
    resume imatinib at the previous dose (MF-09)."""
    a = run(
        metastatic(
            molecular=mol(KIT11),
            therapy_lines=[
                {
                    **line("imatinib", 400, "other"),
                    "start": "2020-01-20",
                    "end": "2023-01-20",
                    "best_response": "CR",
                }
            ],
        ),
        kb,
    )
    assert _guideline(a)[0] == "MF-09"
