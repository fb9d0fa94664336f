"""Issue 12 item 6 (prognosis part) and the survival caveat of item 1: one set of numbers
per question. Each test is a clinical vignette from the issue (source in its docstring)
plus the general rule behind it, run through the whole pipeline (``assess``).
"""

from __future__ import annotations

from typing import Any

import pytest

from gistcds.domain.assessment import Assessment
from gistcds.domain.results.prognosis import Prognosis, SurvivalEstimate
from gistcds.knowledge import KnowledgeBase
from gistcds.prognosis.evidence import evidence
from gistcds.prognosis.options import sources_differ
from review_helpers import D842V, KIT9, KIT11, line, metastatic, mol, run


def prognosis(a: Assessment) -> Prognosis:
    assert a.prognosis is not None
    return a.prognosis


def text_of(model: Any, code: str) -> str:
    assert code in model.note_codes, (code, model.note_codes)
    return str(model.notes[model.note_codes.index(code)])


def test_first_line_os_two_figures_are_labelled_and_one_is_quoted(kb: KnowledgeBase) -> None:
    """Issue 12 item 6, first bullet: a report showed two first-line OS figures for an
    untreated metastatic KIT exon 11 patient on imatinib 400 (prognosis 87 % at 1 year,
    median 60 months; sequence simulation 97 %, 55.9 months) with nothing saying which to
    quote. Source of the figures: CALGB 150105 (Heinrich, JCO 2008) KIT exon 11 OS median
    60 months, published as a median only; the simulation chains INTRIGUE, GRID and
    INVICTUS. Rule: the published arm is quoted (os_to_quote), each figure carries its
    basis, and a note names both figures and why they differ."""
    p = prognosis(run(metastatic(molecular=mol(KIT11)), kb))
    assert p.os is not None and p.sequence is not None
    assert p.os.median_months == pytest.approx(60.0)
    assert p.os_to_quote == "os"
    note = text_of(p, "os_two_figures")
    assert "Quote the published arm" in note and "CALGB 150105" in note
    assert f"{p.sequence.os_median_months:g} months" in note
    # the arm's 1-year figure rests on an exponential through the median: said, not quoted
    one_year = next(lm for lm in p.os.landmarks if lm.months == 12.0)
    assert one_year.basis == "assumed_shape"
    assert "shape assumed" in note
    assert "exponential through that single point" in p.os.basis
    assert p.sequence.basis.startswith("Model, not a trial result")
    # the 5-year figure at the published median is the published point itself
    assert next(lm for lm in p.os.landmarks if lm.months == 60.0).basis == "published"


def test_all_comers_os_arm_is_said_when_quoted(kb: KnowledgeBase) -> None:
    """General rule, second line: KIT exon 11 after imatinib 400 and 800 gets sunitinib;
    its OS arm is the all-comers sunitinib phase III (Demetri 2012, 16.7 months), while the
    sequence from line 2 gives more. The note quotes the arm and says it is all-comers
    evidence, not the genotype's own."""
    p = prognosis(
        run(
            metastatic(
                molecular=mol(KIT11),
                therapy_lines=[line("imatinib", 400), line("imatinib", 800)],
            ),
            kb,
        )
    )
    assert p.drugs == ["sunitinib"] and p.os is not None and p.os.fallback
    if p.sequence is None:
        pytest.skip("no sequence simulated for this history")
    note = text_of(p, "os_two_figures")
    assert "all-comers or proxy evidence" in note and "16.7" in note


def test_only_one_os_figure_needs_no_reconciliation(kb: KnowledgeBase) -> None:
    """General rule: without a sequence (PDGFRA D842V: none held) the one OS figure is
    quoted and no 'two figures' note appears (NAVIGATOR / von Mehren 2021)."""
    p = prognosis(run(metastatic(molecular=mol(D842V)), kb))
    assert p.sequence is None and p.os is not None
    assert p.os_to_quote == "os"
    assert "os_two_figures" not in p.note_codes


def test_supplied_age_and_albumin_are_shown_as_supplied(kb: KnowledgeBase) -> None:
    """Issue 12 item 6, second bullet: an 84-year-old with albumin 28 g/L saw age and
    albumin listed as 'unknown' among the prognostic factors. MetaGIST (Van Glabbeke,
    JCO 2010, PMID 20124181) names older age and low albumin as adverse for OS without a
    cut-off or hazard ratio in any source read. Rule: a supplied value is shown as
    supplied, with whether it was used; no HR in the KB -> 'supplied, not used: no
    published effect size in the KB'; a factor without a value is 'not supplied'."""
    p = prognosis(
        run(metastatic(molecular=mol(KIT11), age_years=84, labs={"albumin_g_per_l": 28}), kb)
    )
    assert p.os is not None
    by_id = {f.id: f for f in p.os.adjustments}
    for fid, value in (("older_age", "age 84 years"), ("low_albumin", "albumin 28 g/L")):
        f = by_id[fid]
        assert f.supplied_value == value
        assert f.use == "supplied_not_used" and not f.applied
        assert f.reason.startswith(f"supplied ({value}), not used: no published effect size")
    assert by_id["prior_chemotherapy"].use == "not_supplied"
    assert by_id["male_sex"].use in ("absent", "not_supplied")
    # general: every listed factor says what was done with it, consistently
    for est in (p.pfs, p.os):
        assert est is not None
        for f in est.adjustments:
            assert (f.use == "applied") == f.applied
            assert (f.use == "not_supplied") == (f.supplied_value is None)
            if f.use == "absent":
                assert f.present is False


def test_exon13_pfs_and_os_sources_are_stated(kb: KnowledgeBase) -> None:
    """Issue 12 item 6, third bullet: KIT K642E (exon 13) first-line imatinib: PFS is the
    CALGB 150105 exon 11 arm x MetaGIST HR 2.56 (other mutations vs exon 11), OS the
    all-comers S0033 arm; the two came from unrelated populations without a word. Rule:
    each curve states its source (basis), and an option whose PFS and OS rest on different
    arms or adjustments carries the 'pfs_os_sources_differ' note naming both, with the
    unapplied adverse OS factor (MetaGIST, direction only)."""
    p = prognosis(run(metastatic(molecular=mol(("KIT", "p.K642E"))), kb))
    assert p.genotype_class == "KIT_exon13"
    assert p.pfs is not None and p.os is not None
    assert p.pfs.evidence is not None and p.os.evidence is not None
    assert p.pfs.evidence.genotype_group == "KIT_exon11"
    assert p.os.evidence.genotype_group == "all"
    assert "HR 2.56" in p.pfs.basis and "KIT_exon11" in p.pfs.basis
    assert "all" in p.os.basis and "HR" not in p.os.basis
    note = text_of(p, "pfs_os_sources_differ")
    assert "KIT_exon11 arm x HR 2.56" in note and "all arm" in note
    assert "may overstate" in note


def test_same_arm_pfs_and_os_carry_no_source_note(kb: KnowledgeBase) -> None:
    """General rule, the other side: KIT exon 11 and exon 9 first line take PFS and OS
    from the same CALGB 150105 genotype arm (Heinrich 2008): no 'sources differ' note."""
    for variant in (KIT11, KIT9):
        p = prognosis(run(metastatic(molecular=mol(variant)), kb))
        assert "pfs_os_sources_differ" not in p.note_codes
        assert sources_differ(p.pfs, p.os) is None


def test_avapritinib_curve_is_cut_at_the_follow_up(kb: KnowledgeBase) -> None:
    """Issue 12 item 6, fourth bullet: PDGFRA D842V on avapritinib showed 35 % PFS at 5
    years from one published point (1-year PFS 81 %, median follow-up 15.9 months; Heinrich,
    Lancet Oncol 2020, PMID 32615108). Rule: the estimate gives the limit of the published
    data (data_until_months, from the arm's cited follow-up), the 1/2/5-year figures beyond
    it are not given (null), and landmarks[] keeps them flagged 'extrapolated' for plots."""
    p = prognosis(run(metastatic(molecular=mol(D842V)), kb))
    pfs = p.pfs
    assert pfs is not None and pfs.evidence is not None
    assert pfs.data_until_months == pytest.approx(15.9)
    assert pfs.evidence.follow_up_months == pytest.approx(15.9)
    assert "follow-up" in (pfs.data_until_basis or "")
    assert pfs.survival_1y == pytest.approx(0.81, abs=0.005)
    assert pfs.survival_2y is None and pfs.survival_5y is None
    basis = {lm.months: lm.basis for lm in pfs.landmarks}
    assert basis == {12.0: "published", 24.0: "extrapolated", 60.0: "extrapolated"}


def _shown(a: Assessment) -> list[SurvivalEstimate]:
    p = prognosis(a)
    out = [p.pfs, p.os] + [e for alt in p.alternatives for e in (alt.pfs, alt.os)]
    return [e for e in out if e is not None]


def test_every_curve_is_cut_where_its_data_end(kb: KnowledgeBase) -> None:
    """General rule for item 4 over a spread of patients: every shown curve gives
    data_until_months equal to the arm's latest published time, and a 1/2/5-year figure
    is given iff it lies within the data (5 % margin, as for the median)."""
    ev = evidence(kb)
    patients = [
        metastatic(molecular=mol(KIT11)),
        metastatic(molecular=mol(KIT9)),
        metastatic(molecular=mol(D842V)),
        metastatic(molecular=mol(KIT11), therapy_lines=[line("imatinib", 400)]),
        metastatic(
            molecular=mol(KIT11),
            therapy_lines=[line("imatinib", 400), line("sunitinib", 50), line("regorafenib", 160)],
        ),
    ]
    seen = 0
    for pt in patients:
        for est in _shown(run(pt, kb)):
            assert est.evidence is not None
            fa = ev.arms[est.evidence.arm_id]
            assert est.data_until_months == fa.observed_until
            limit = fa.observed_until or 0.0
            for months, value in (
                (12.0, est.survival_1y),
                (24.0, est.survival_2y),
                (60.0, est.survival_5y),
            ):
                assert (value is None) == (months > limit * 1.05), (fa.arm.id, months)
            seen += 1
    assert seen >= 8


@pytest.mark.parametrize(
    ("extra", "named"),
    [
        ({"ecog": 3}, "ECOG performance status 3 or 4"),
        ({"ecog": 4}, "ECOG performance status 3 or 4"),
        ({"hepatic_impairment": "severe"}, "Child-Pugh C"),
        ({"renal": {"creatinine_clearance_ml_min": 25}}, "below 30 mL/min"),
    ],
)
def test_survival_outside_trial_populations_is_said(
    kb: KnowledgeBase, extra: dict[str, Any], named: str
) -> None:
    """Issue 12 item 1, survival bullet: survival estimates for a patient with severe
    organ impairment or ECOG >= 3 must say that trial populations excluded such patients.
    Sources: INVICTUS enrolled ECOG 0-2 (Blay, Lancet Oncol 2020, PMID 32511981); sunitinib
    and regorafenib not studied in Child-Pugh C (labels); ripretinib/avapritinib below
    CrCl 30 mL/min not established (labels, unverified). Read from ClinicalFacts."""
    p = prognosis(run(metastatic(molecular=mol(KIT11), **extra), kb))
    if p.status != "estimated":
        pytest.skip("no systemic option recommended: no survival estimate to qualify")
    note = text_of(p, "outside_trial_population")
    assert "Trial populations excluded patients like this one" in note and named in note
    if p.sequence is not None:
        assert "outside_trial_population" in p.sequence.note_codes


@pytest.mark.parametrize(
    "extra",
    [
        {"ecog": 2},
        {"hepatic_impairment": "moderate"},
        {"renal": {"creatinine_clearance_ml_min": 30}},
        {},
    ],
)
def test_trial_like_patients_get_no_exclusion_caveat(
    kb: KnowledgeBase, extra: dict[str, Any]
) -> None:
    """The boundaries of the same rule: ECOG 2, moderate hepatic impairment and CrCl 30
    mL/min were within the trials' reach (INVICTUS ECOG 0-2; labels), so no caveat."""
    p = prognosis(run(metastatic(molecular=mol(KIT11), **extra), kb))
    assert "outside_trial_population" not in p.note_codes


def test_simulate_command_says_what_to_quote(kb: KnowledgeBase) -> None:
    """Item 6, first bullet, for `gistcds simulate`: the simulated KIT exon 11 sequence
    (imatinib 400 -> sunitinib -> regorafenib -> ripretinib) is labelled a model and names
    the published first-line OS to quote (CALGB 150105 KIT exon 11, 60 months, Heinrich
    2008)."""
    from gistcds.prognosis.simulate import simulate

    summary = simulate(kb, genotype_class="KIT_exon11", n=2000, seed=1)
    assert summary.basis.startswith("Model, not a trial result")
    assert "(CALGB 150105 (S0033 correlative), OS, median 60 months)" in summary.basis
    assert "calgb150105" not in summary.basis  # the arm by its trial, not its id
    assert summary.as_dict()["basis"] == summary.basis


def _sweep_cases() -> list[dict[str, Any]]:
    import random

    from test_review_invariants import _case

    cases = []
    for seed in range(400):
        f = _case(random.Random(seed))
        rng = random.Random(10_000 + seed)
        f["hepatic_impairment"] = rng.choice([None, "none", "moderate", "severe"])
        f["renal"] = rng.choice(
            [None, {"creatinine_clearance_ml_min": rng.choice([20, 29, 30, 80])}]
        )
        f["labs"] = rng.choice([None, {"albumin_g_per_l": 28}, {"neutrophils_10e9_per_l": 7.0}])
        f["metastatic"] = f.get("metastatic") or {"sites": ["liver"]}
        cases.append(f)
    return cases


def _check_estimate(est: SurvivalEstimate, kb: KnowledgeBase) -> None:
    assert est.evidence is not None and est.basis
    fa = evidence(kb).arms[est.evidence.arm_id]
    assert est.data_until_months == fa.observed_until
    at = dict(
        zip((12.0, 24.0, 60.0), (est.survival_1y, est.survival_2y, est.survival_5y), strict=True)
    )
    for lm in est.landmarks:
        assert (lm.basis == "extrapolated") == lm.extrapolated
        assert at[lm.months] == (None if lm.extrapolated else lm.survival)
    for f in est.adjustments:
        assert (f.use == "applied") == f.applied
        assert (f.use == "not_supplied") == (f.supplied_value is None)
        assert "unknown" not in f.reason or f.use != "supplied_not_used"


def test_numbers_sweep(kb: KnowledgeBase) -> None:
    """Second pass over 400 seeded random patients (the review grid plus organ function
    and labs): every shown curve is cut at its data and labelled, every factor says what
    was done with it, the OS to quote is set whenever an OS is shown, the two-figures note
    appears iff both OS figures do, PFS/OS source notes iff the sources differ, and the
    trial-population caveat iff ECOG >= 3, severe hepatic impairment or CrCl < 30."""
    from review_helpers import patient

    estimated = caveats = 0
    for fields in _sweep_cases():
        pt = patient(**fields)
        p = run(pt, kb).prognosis
        if p is None or p.status != "estimated":
            continue
        estimated += 1
        options = [(p.pfs, p.os, p.note_codes)] + [
            (alt.pfs, alt.os, alt.note_codes) for alt in p.alternatives
        ]
        for pfs, os_, codes in options:
            for est in (pfs, os_):
                if est is not None:
                    _check_estimate(est, kb)
            assert ("pfs_os_sources_differ" in codes) == (sources_differ(pfs, os_) is not None)
        shown_os = p.os is not None and p.os.evidence is not None
        assert p.os_to_quote == ("os" if shown_os else "sequence" if p.sequence else None)
        assert ("os_two_figures" in p.note_codes) == (shown_os and p.sequence is not None)
        crcl = (fields.get("renal") or {}).get("creatinine_clearance_ml_min")
        outside = (
            (fields.get("ecog") or 0) >= 3
            or fields.get("hepatic_impairment") == "severe"
            or (crcl is not None and crcl < 30)
        )
        assert ("outside_trial_population" in p.note_codes) == outside, fields
        caveats += outside
    assert estimated >= 100 and caveats >= 30, (estimated, caveats)
