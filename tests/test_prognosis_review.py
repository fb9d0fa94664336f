"""Clinical red-team review of the prognosis output (docs/review.md, "Prognosis review").

Each test is one finding P-xx: whole patients run through ``assess`` and the numbers a
clinician reads (``prognosis.pfs/os``, alternatives, sequence, notes) checked against the
published arms in ``knowledge/prognosis_arms.yaml`` and against the history.
"""

from __future__ import annotations

from typing import Any

import pytest

from gistcds.domain.assessment import Assessment
from gistcds.domain.results.prognosis import OptionPrognosis, SurvivalEstimate
from gistcds.knowledge import KnowledgeBase
from review_helpers import D842V, KIT9, KIT11, lesion, line, metastatic, mol, run


def text_of(model: Any, code: str) -> str:
    """The words of the note with this code (the test fails when there is none)."""
    found = [t for t, c in zip(model.notes, model.note_codes, strict=True) if c == code]
    assert found, (code, model.note_codes)
    return str(found[0])


def _options(a: Assessment) -> list[OptionPrognosis]:
    pr = a.prognosis
    assert pr is not None
    main = OptionPrognosis(
        rule_id="main",
        title="main",
        drugs=pr.drugs,
        dose_mg_per_day=pr.dose_mg_per_day,
        line=pr.line or 0,
        pfs=pr.pfs,
        os=pr.os,
        notes=pr.notes,
        note_codes=pr.note_codes,
    )
    return [main, *pr.alternatives]


def _estimates(a: Assessment) -> list[tuple[OptionPrognosis, SurvivalEstimate]]:
    return [(o, e) for o in _options(a) for e in (o.pfs, o.os) if e is not None]


# ---------------------------------------------------------------- P-01


@pytest.mark.parametrize(
    "history",
    [
        [line("imatinib", 400)],  # escalation to 800 mg after progression on 400 mg
        [line("imatinib", 400, setting="adjuvant")],  # relapse during adjuvant imatinib
        [
            line("imatinib", 400),
            line("sunitinib", 50),
            line("regorafenib", 160),
            line("ripretinib", 150),
        ],  # ripretinib escalation after progression on 150 mg
    ],
    ids=["imatinib400-PD", "adjuvant-relapse", "ripretinib150-PD"],
)
def test_p01_no_sequence_simulated_after_progression_on_the_recommended_drug(
    history: list[dict[str, Any]], kb: KnowledgeBase
) -> None:
    """P-01: the recommended drug was already progressed on (dose escalation): the
    sequence's first step would be drawn from that drug's first-exposure arm (e.g. median
    OS 55.9 months from first-line imatinib 400 for a patient who has progressed on it)."""
    a = run(metastatic(molecular=mol(KIT11), therapy_lines=history), kb)
    pr = a.prognosis
    assert pr is not None
    assert pr.pfs is None and pr.os is None  # the curves already refuse
    assert pr.sequence is None
    assert pr.sequence_reason and pr.sequence_reason_code == "progressed_on_drug"


def test_p01_sequence_still_runs_after_a_switch(kb: KnowledgeBase) -> None:
    """Control: after imatinib progression the sunitinib line starts a fresh sequence."""
    a = run(
        metastatic(
            molecular=mol(KIT11), therapy_lines=[line("imatinib", 400), line("imatinib", 800)]
        ),
        kb,
    )
    assert a.prognosis is not None and a.prognosis.sequence is not None
    assert a.prognosis.sequence.start_line == 2
    assert a.prognosis.sequence.drugs[0] == "sunitinib"


# ---------------------------------------------------------------- P-02


def test_p02_median_band_is_the_published_ci_for_every_arm(kb: KnowledgeBase) -> None:
    """P-02: the band came from a symmetric log-normal through an asymmetric published CI.
    Cassier 2012 PDGFRA non-D842V PFS 28.5 (5.4-51.6) was shown as 9.0-77.6; INVICTUS OS
    15.1 (12.3-15.1) as 13.7-16.7, i.e. a lower limit above the trial's own. Without an
    applied hazard ratio the median band must reproduce the published CI (to 0.1 month);
    where the published upper limit equals the median (immature), the band may only be
    wider above it, never narrower below (sources: each arm's own, prognosis_arms.yaml)."""
    from gistcds.prognosis.estimate import survival_estimate
    from gistcds.prognosis.evidence import evidence

    checked = 0
    for fa in evidence(kb).arms.values():
        arm = fa.arm
        if arm.median_ci is None or arm.median_months is None:
            continue
        est = survival_estimate(fa, [], key=arm.id, fallback=False, adjustments=[], notes=[])
        lo, hi = arm.median_ci
        assert est.median_lower == pytest.approx(lo, abs=0.11), arm.id
        if hi > arm.median_months:
            assert est.median_upper == pytest.approx(hi, abs=0.11), arm.id
        else:
            assert est.median_upper is not None and est.median_upper >= hi, arm.id
        checked += 1
    assert checked >= 10


def test_p02_pdgfra_exon12_patient_sees_cassier_ci(kb: KnowledgeBase) -> None:
    """P-02 in a patient: PDGFRA V561D, untreated → Cassier 2012 28.5 (5.4-51.6) months."""
    a = run(metastatic(molecular=mol(("PDGFRA", "p.V561D"))), kb)
    pfs = a.prognosis.pfs if a.prognosis else None
    assert pfs is not None and pfs.evidence is not None
    assert pfs.evidence.arm_id == "cassier2012_pdgfra_other_imatinib_pfs"
    assert (pfs.median_lower, pfs.median_upper) == pytest.approx((5.4, 51.6), abs=0.11)


# ---------------------------------------------------------------- P-03


def test_p03_second_line_ripretinib_gets_no_fourth_line_os(kb: KnowledgeBase) -> None:
    """P-03: second-line ripretinib (sunitinib intolerance, PR-02-RIP) was shown the INVICTUS
    fourth-line OS (median 15.1 months) because no second-line OS arm is held (INTRIGUE OS
    not verifiable). OS counts every later line, so an OS arm from another line is not the
    patient's OS: null with a reason. PFS from an adjacent line stays, with its note."""
    a = run(
        metastatic(
            molecular=mol(KIT11),
            therapy_lines=[
                line("imatinib", 400),
                line("sunitinib", 50, "toxicity", end="2025-01-01"),
            ],
        ),
        kb,
    )
    rip = [o for o in _options(a) if o.drugs == ["ripretinib"]]
    assert rip and rip[0].line == 2
    assert rip[0].os is None
    assert "no_arm_at_line" in rip[0].note_codes
    assert rip[0].pfs is not None and rip[0].pfs.evidence is not None
    assert 2 in rip[0].pfs.evidence.lines  # INTRIGUE, its own line


def test_p03_sdh_first_line_sunitinib_os_not_from_second_line_trial(kb: KnowledgeBase) -> None:
    """P-03: SDH-deficient GIST, first-line sunitinib, was given the OS of imatinib-resistant
    patients in the second-line sunitinib trial (Demetri 2012)."""
    a = run(metastatic(molecular=mol(sdhb="lost")), kb)
    for o, e in _estimates(a):
        if e.evidence is not None and e.evidence.endpoint == "OS":
            assert o.line in e.evidence.lines, (o.drugs, o.line, e.evidence.arm_id)
    pr = a.prognosis
    assert pr is not None and pr.drugs == ["sunitinib"] and pr.os is None
    assert pr.pfs is not None  # PFS borrowed from line 2, said in its notes
    assert "other_line" in pr.pfs.note_codes and "line 1" in text_of(pr.pfs, "other_line")


def test_p03_no_os_curve_from_another_line_anywhere(kb: KnowledgeBase) -> None:
    """P-03 over histories: any option's OS arm covers the option's line."""
    histories = [
        [],
        [line("imatinib", 400)],
        [line("imatinib", 400), line("imatinib", 800)],
        [line("imatinib", 400), line("sunitinib", 50)],
        [line("imatinib", 400), line("sunitinib", 50), line("regorafenib", 160)],
        [line("imatinib", 400), line("sunitinib", 50, "toxicity", end="2025-01-01")],
    ]
    genos = [mol(KIT11), mol(KIT9), mol(D842V), mol(sdhb="lost"), mol(("KIT", "p.K642E")), None]
    for h in histories:
        for g in genos:
            fields: dict[str, Any] = {"therapy_lines": h}
            if g is not None:
                fields["molecular"] = g
            a = run(metastatic(**fields), kb)
            if a.prognosis is None:
                continue
            for o, e in _estimates(a):
                if e.evidence is not None and e.evidence.endpoint == "OS":
                    assert o.line in e.evidence.lines, (h, g, o.drugs, e.evidence.arm_id)


# ---------------------------------------------------------------- P-04


def test_p04_kit_pdgfra_negative_uses_the_wild_type_arm(kb: KnowledgeBase) -> None:
    """P-04: KIT and PDGFRA tested negative, subtype work-up pending (class 'unclassified',
    kit_pdgfra_status 'wild_type'), on imatinib: the curves came from all comers (S0033,
    median PFS 18 months, mostly KIT exon 11) under the note 'Genotype unknown'. CALGB
    150105's wild-type group is defined exactly as 'no KIT/PDGFRA mutation' (Heinrich 2008:
    TTP 12.8, OS 49.0 months), so that arm applies, not all comers."""
    a = run(
        metastatic(
            molecular=mol(), therapy_lines=[line("imatinib", 400, None, start="2024-01-01")]
        ),
        kb,
    )
    assert a.genotype is not None and a.genotype.kit_pdgfra_status == "wild_type"
    pr = a.prognosis
    assert pr is not None and pr.pfs is not None and pr.os is not None
    assert pr.pfs.evidence is not None and pr.os.evidence is not None
    assert pr.pfs.evidence.arm_id == "calgb150105_wt_ttp"
    assert pr.os.evidence.arm_id == "calgb150105_wt_os"
    assert "genotype_unknown" not in pr.note_codes


def test_p04_unreadable_genotype_stays_all_comers(kb: KnowledgeBase) -> None:
    """Control: an unreadable KIT result is not 'wild type'; all comers, said as unknown."""
    a = run(
        metastatic(
            molecular=mol(("KIT", "garbage")),
            therapy_lines=[line("imatinib", 400, None, start="2024-01-01")],
        ),
        kb,
    )
    pr = a.prognosis
    assert pr is not None and pr.pfs is not None and pr.pfs.evidence is not None
    assert pr.pfs.evidence.genotype_group == "all"
    assert "genotype_unknown" in pr.note_codes


# ---------------------------------------------------------------- P-05


def test_p05_proxy_note_only_when_the_proxy_arm_is_used(kb: KnowledgeBase) -> None:
    """P-05: SDH-deficient GIST on sunitinib got the all-comers sunitinib arm, and beside it
    the note that 'the wild-type arm of CALGB 150105 is only a loose proxy' — an arm that
    was not used. The genotype route's note belongs to the curve only when the proxy group
    was chosen; the all-comers fallback has its own sentence."""
    a = run(metastatic(molecular=mol(sdhb="lost")), kb)
    pr = a.prognosis
    assert pr is not None and pr.pfs is not None and pr.pfs.evidence is not None
    assert pr.pfs.evidence.genotype_group == "all"
    assert "proxy_route" not in pr.pfs.note_codes
    assert "all_comers_arm" in pr.pfs.note_codes


def test_p05_proxy_note_kept_when_the_proxy_is_used(kb: KnowledgeBase) -> None:
    """Control: BRAF V600E on imatinib does use the CALGB wild-type arm: the note stays."""
    a = run(
        metastatic(
            molecular=mol(("BRAF", "V600E"), genes=("KIT", "PDGFRA", "BRAF")),
            therapy_lines=[line("imatinib", 400, None, start="2025-01-01")],
        ),
        kb,
    )
    from gistcds.prognosis.evidence import evidence
    from gistcds.prognosis.selection import Selection, select_arm

    sel = select_arm(
        evidence(kb), drug="imatinib", dose=400, line=1, genotype_class="BRAF_V600E", endpoint="PFS"
    )
    assert isinstance(sel, Selection)
    assert sel.fitted.arm.group == "KIT_PDGFRA_wild_type"
    assert any(n.code == "proxy_route" and "wild-type arm of CALGB" in n.text for n in sel.notes)
    assert a.genotype is not None


# ---------------------------------------------------------------- P-06


def test_p06_landmarks_beyond_the_data_are_flagged(kb: KnowledgeBase) -> None:
    """P-06: PDGFRA D842V on avapritinib showed a 5-year PFS of 35 % (and 2-year 66 %) from
    an exponential through the one published point (81 % at 12 months, follow-up 15.9
    months; Heinrich 2020) with nothing at the landmark saying it is not a trial figure.
    Each landmark beyond the published data is flagged, and a note names them."""
    a = run(metastatic(molecular=mol(D842V)), kb)
    pfs = a.prognosis.pfs if a.prognosis else None
    assert pfs is not None and pfs.evidence is not None
    assert pfs.evidence.arm_id == "navigator_d842v_avapritinib_pfs"
    flags = {lm.months: lm.extrapolated for lm in pfs.landmarks}
    assert flags == {12.0: False, 24.0: True, 60.0: True}
    flagged = text_of(pfs, "landmarks_extrapolated")
    assert "2-year" in flagged and "5-year" in flagged


def test_p06_landmark_flags_follow_each_arms_data(kb: KnowledgeBase) -> None:
    """Every landmark of every shown curve is flagged iff it lies beyond the arm's latest
    published point (median, landmark or follow-up), for a spread of patients."""
    from gistcds.prognosis.evidence import evidence

    ev = evidence(kb)
    patients = [
        metastatic(molecular=mol(KIT11)),
        metastatic(molecular=mol(KIT9)),
        metastatic(molecular=mol(D842V)),
        metastatic(
            molecular=mol(KIT11), therapy_lines=[line("imatinib", 400), line("imatinib", 800)]
        ),
        metastatic(therapy_lines=[line("imatinib", 400, None, start="2025-01-01")]),
    ]
    seen = 0
    for p in patients:
        for _, e in _estimates(run(p, kb)):
            assert e.evidence is not None
            limit = ev.arms[e.evidence.arm_id].observed_until
            assert limit is not None
            for lm in e.landmarks:
                assert lm.extrapolated == (lm.months > limit * 1.05), (e.evidence.arm_id, lm)
                seen += 1
    assert seen >= 20


# ---------------------------------------------------------------- P-07


def test_p07_reduced_dose_outside_the_pooled_arm_is_said(kb: KnowledgeBase) -> None:
    """P-07: after imatinib intolerance the recommendation is 300 mg/day (TOX-REDUCE); the
    CALGB 150105 KIT exon 11 arm (400 or 800 mg, Heinrich 2008) was shown with 'the arm pools
    several doses; the 300 mg/day dose is not isolated', as if 300 mg had been in the pool.
    The note must say the dose was not studied in that arm."""
    a = run(
        metastatic(
            molecular=mol(KIT11),
            therapy_lines=[line("imatinib", 400, "toxicity", start="2025-01-01")],
        ),
        kb,
    )
    pr = a.prognosis
    assert pr is not None and pr.dose_mg_per_day == 300 and pr.pfs is not None
    assert pr.pfs.evidence is not None and pr.pfs.evidence.arm_id == "calgb150105_kit11_ttp"
    assert "300 mg/day" in text_of(pr.pfs, "dose_outside_pool")
    assert "dose_pooled" not in pr.pfs.note_codes


def test_p07_pooled_dose_inside_the_pool_keeps_its_note(kb: KnowledgeBase) -> None:
    """Control: 400 mg/day is one of the pooled doses."""
    a = run(metastatic(molecular=mol(KIT11)), kb)
    pfs = a.prognosis.pfs if a.prognosis else None
    assert pfs is not None
    assert "400 mg/day" in text_of(pfs, "dose_pooled")


# ---------------------------------------------------------------- P-08


def _ongoing_imatinib_with_pd_on_imaging(kb: KnowledgeBase) -> Assessment:
    """Imatinib 400 since 2022, still recorded as ongoing; the 2025-08 CT shows RECIST and
    Choi PD (new liver lesion), so the therapy engine reads progression on the current line."""
    scans = [
        ("2025-02-10", [lesion("L1", 30, 40), lesion("L2", 22, 38)]),
        ("2025-05-12", [lesion("L1", 28, 39), lesion("L2", 20, 37)]),
        (
            "2025-08-11",
            [
                lesion("L1", 37, 55),
                lesion("L2", 26, 50),
                lesion("L3", 12, kind="new"),
            ],
        ),
    ]
    return run(
        metastatic(
            molecular=mol(KIT11),
            therapy_lines=[line("imatinib", 400, None, start="2022-02-15")],
            imaging=[{"date": d, "lesions": ls} for d, ls in scans],
        ),
        kb,
    )


def test_p08_escalation_after_imaging_progression_gets_no_first_line_curve(
    kb: KnowledgeBase,
) -> None:
    """P-08: progression seen on imaging while the imatinib line is still recorded as
    ongoing (the therapy engine's derived event 'progression', RA-R7/RA-C4): the escalation
    option imatinib 800 mg was shown the untreated first-line CALGB KIT exon 11 curves
    (median PFS 24.7, OS 60 months) with 'already on imatinib'. R-23 covered only a line
    closed with stop_reason 'progression'."""
    a = _ongoing_imatinib_with_pd_on_imaging(kb)
    imatinib = [o for o in _options(a) if o.drugs == ["imatinib"]]
    assert imatinib, "the escalation option is offered"
    for o in imatinib:
        assert o.pfs is None and o.os is None, o.rule_id
        assert "no_arm_after_progression" in o.note_codes
    assert a.prognosis is not None
    seq = a.prognosis.sequence
    assert seq is None or seq.drugs[0] != "imatinib"


def test_p08_check_reuses_the_risk_and_response_assess_computed(kb: KnowledgeBase) -> None:
    """The P-08 progression check needs the therapy engine's facts, which need risk and
    response; assess has both already and passes them, so the check does not run the two
    engines a second time (a failing stand-in proves they are not called again)."""
    from unittest import mock

    def not_again(*_: object) -> None:
        raise AssertionError("recomputed inside prognosis")

    with (
        mock.patch("gistcds.risk.assess_risk", not_again),
        mock.patch("gistcds.response.assess_response", not_again),
    ):
        a = _ongoing_imatinib_with_pd_on_imaging(kb)
    imatinib = [o for o in _options(a) if o.drugs == ["imatinib"]]
    assert imatinib and all(o.pfs is None for o in imatinib)


def test_p08_ongoing_line_without_progression_keeps_its_curve(kb: KnowledgeBase) -> None:
    """Control: the same patient without the progressing scan keeps the first-line curve."""
    a = run(
        metastatic(
            molecular=mol(KIT11), therapy_lines=[line("imatinib", 400, None, start="2022-02-15")]
        ),
        kb,
    )
    assert a.prognosis is not None and a.prognosis.pfs is not None


# ---------------------------------------------------------------- P-09


@pytest.mark.parametrize("stop", ["toxicity", "other", "completed"])
def test_p09_a_stopped_line_without_end_date_is_not_ongoing(stop: str, kb: KnowledgeBase) -> None:
    """P-09: a line with a stop reason but no end date was read as ongoing ('Already on
    imatinib since 2024-02-01: the curves start at the start of the line'), while the
    therapy engine (like the input model: stop_reason set = stopped) reads it as stopped
    and proposes to resume or reduce. The sequence said the same."""
    a = run(
        metastatic(
            molecular=mol(KIT11), therapy_lines=[line("imatinib", 400, stop, start="2024-02-01")]
        ),
        kb,
    )
    pr = a.prognosis
    assert pr is not None
    codes = [*pr.note_codes, *(pr.sequence.note_codes if pr.sequence else [])]
    codes += [c for o in pr.alternatives for c in o.note_codes]
    assert "already_on_drug" not in codes, codes


def test_p09_a_really_ongoing_line_is_still_said(kb: KnowledgeBase) -> None:
    a = run(
        metastatic(
            molecular=mol(KIT11), therapy_lines=[line("imatinib", 400, None, start="2024-02-01")]
        ),
        kb,
    )
    assert a.prognosis is not None
    assert "since 2024-02-01" in text_of(a.prognosis, "already_on_drug")


# ---------------------------------------------------------------- P-10


def _kit11_with_secondary(variant: str, kb: KnowledgeBase) -> Assessment:
    return run(
        metastatic(
            molecular=mol(KIT11, {"gene": "KIT", "hgvs_p": variant, "source": "ctdna"}),
            therapy_lines=[line("imatinib", 400)],
        ),
        kb,
    )


def test_p10_no_unselected_curve_for_a_drug_the_secondary_mutation_defeats(
    kb: KnowledgeBase,
) -> None:
    """P-10: KIT exon 11 with a secondary activation-loop mutation (exon 17 N822K in ctDNA)
    after imatinib: the genotype engine rates sunitinib 'resistant' (Heinrich 2008b;
    INTRIGUE ctDNA: exon 17/18-only did poorly on sunitinib), yet the sunitinib options were
    shown the INTRIGUE KIT exon 11 curve (median PFS 7.0 months) of patients not selected
    by secondary mutation, and the sequence was simulated from it. No subgroup numbers are
    held: null with the reason, as for D842V."""
    a = _kit11_with_secondary("N822K", kb)
    assert a.genotype is not None and a.genotype.sensitivity.sunitinib == "resistant"
    suni = [o for o in _options(a) if o.drugs == ["sunitinib"]]
    assert suni
    for o in suni:
        assert o.pfs is None and o.os is None
        assert "secondary_resistant" in o.note_codes, o.notes
    assert a.prognosis is not None and a.prognosis.sequence is None
    assert a.prognosis.sequence_reason_code == "secondary_resistant"
    rip = [o for o in _options(a) if o.drugs == ["ripretinib"]]
    assert rip and rip[0].pfs is not None  # rated sensitive: curve kept, with a note
    assert "secondary_unselected" in rip[0].note_codes


def test_p10_sensitive_secondary_keeps_the_sunitinib_curve(kb: KnowledgeBase) -> None:
    """Control: an ATP-pocket secondary (V654A, exon 13) leaves sunitinib 'sensitive'."""
    a = _kit11_with_secondary("V654A", kb)
    assert a.prognosis is not None and a.prognosis.pfs is not None
    assert a.prognosis.drugs == ["sunitinib"]
    assert {"secondary_unselected", "secondary_resistant"} & set(a.prognosis.note_codes)


# ---------------------------------------------------------------- P-11


def test_p11_one_hazard_ratio_per_dimension(kb: KnowledgeBase) -> None:
    """P-11 (latent): KIT exon 9 at 800 mg on a 400 mg all-comers arm (the route a KIT exon 9
    patient takes for any endpoint without an exon 9 arm) matched two dose factors, the
    EORTC all-genotype HR 0.82 (Verweij 2004) and the exon 9 HR 0.39 (Debiec-Rychter 2006),
    and applied both (0.32): the same 800-vs-400 mg effect counted twice. Only the more
    specific factor of a dimension may be applied; the other is listed with the reason."""
    from gistcds.genomics import interpret_genotype
    from gistcds.history import clinical_facts
    from gistcds.prognosis.evidence import evidence
    from gistcds.prognosis.factors import factor_effects
    from gistcds.prognosis.selection import Selection
    from gistcds.risk import assess_risk

    ev = evidence(kb)
    sel = Selection(ev.arms["eortc62005_imatinib400_pfs"], False, (), ())
    p = metastatic(molecular=mol(KIT9))
    facts = clinical_facts(p, interpret_genotype(p, kb), assess_risk(p, kb), [], kb)
    assert facts.genotype == "KIT_exon9"
    effects, hrs = factor_effects(
        ev,
        sel,
        endpoint="PFS",
        facts=facts,
        drug="imatinib",
        dose=800,
        line=1,
    )
    applied = [e for e in effects if e.applied]
    assert [e.id for e in applied] == ["imatinib800_vs_400_kit9_pfs"]
    assert [h.hazard_ratio for h in hrs] == [0.39]
    other = next(e for e in effects if e.id == "imatinib800_vs_400_pfs")
    assert other.present and not other.applied and "twice" in other.reason


# ---------------------------------------------------------------- P-12


@pytest.mark.parametrize(
    "fields",
    [
        {"molecular": mol(("KIT", "p.K642E"))},  # KIT exon 13: exon 11 arm x MetaGIST HR 2.56
        {
            "molecular": mol(),  # KIT/PDGFRA negative: CALGB wild-type arm (P-04)
            "therapy_lines": [line("imatinib", 400, None, start="2024-01-01")],
        },
    ],
    ids=["kit-exon13", "kit-pdgfra-negative"],
)
def test_p12_sequence_never_contradicts_the_first_line_curve_shown(
    fields: dict[str, Any], kb: KnowledgeBase
) -> None:
    """P-12: KIT exon 13 first line: the PFS curve applies MetaGIST's HR 2.56 to the KIT
    exon 11 arm (median 9.6 months), but the sequence simulation drew line 1 from the same
    arm unadjusted (median time on line 24.1 months) while its note said the HR is used.
    Likewise the KIT/PDGFRA-negative curve (CALGB wild type) beside a sequence drawn from
    all comers. The simulation now chooses each line by the same route and applies the same
    hazard ratios, so the sequence is shown and its first line is the curve shown."""
    a = run(metastatic(**fields), kb)
    pr = a.prognosis
    assert pr is not None and pr.pfs is not None and pr.pfs.evidence is not None
    seq = pr.sequence
    assert seq is not None, pr.sequence_reason
    first = seq.lines[0]
    assert first.arm_id == pr.pfs.evidence.arm_id
    applied = [e for e in pr.pfs.adjustments if e.applied]
    assert sorted(first.adjusted_by) == sorted(e.id for e in applied)
    expected_hr = 1.0
    for e in applied:
        assert e.hazard_ratio is not None
        expected_hr *= e.hazard_ratio
    assert first.hazard_ratio == pytest.approx(expected_hr, rel=1e-4)
    # time on line 1 in the simulation has the median of the curve shown (Monte Carlo error
    # of the median with 20 000 simulated patients is about 1 %)
    assert pr.pfs.median_months is not None and first.median_months_on_line is not None
    assert first.median_months_on_line == pytest.approx(pr.pfs.median_months, rel=0.04)


def test_p12_sequence_kept_when_it_matches_the_curve(kb: KnowledgeBase) -> None:
    a = run(metastatic(molecular=mol(KIT11)), kb)
    assert a.prognosis is not None and a.prognosis.sequence is not None
    assert a.prognosis.pfs is not None and a.prognosis.pfs.evidence is not None
    assert a.prognosis.sequence.lines[0].arm_id == a.prognosis.pfs.evidence.arm_id


# ---------------------------------------------------------------- P-13


def test_p13_no_arm_for_this_genotype_is_not_no_arm_at_all(kb: KnowledgeBase) -> None:
    """P-13: PDGFRA exon 18 other than D842V (D842Y), avapritinib option (MF-04-AVA): the
    output said 'No published PFS arm for avapritinib in the knowledge base', although
    NAVIGATOR arms are held, for D842V only. The reason must say which genotype they are
    for, so the reader does not conclude there are no data at all."""
    a = run(metastatic(molecular=mol(("PDGFRA", "p.D842Y"))), kb)
    ava = [o for o in _options(a) if o.drugs == ["avapritinib"]]
    assert ava and ava[0].pfs is None
    assert "PDGFRA_D842V" in text_of(ava[0], "arms_for_other_genotypes"), ava[0].notes
    assert "no_arm" not in ava[0].note_codes


# ---------------------------------------------------------------- P-14, P-15


def test_p14_band_says_when_an_applied_hr_has_no_ci(kb: KnowledgeBase) -> None:
    """P-14: KIT exon 13 first line: MetaGIST's univariable HR 2.56 is applied without a
    published CI, so the band (8.2-11.5 months around 9.6) carries the arm's uncertainty
    only and looks far more precise than the evidence is. Say so."""
    a = run(metastatic(molecular=mol(("KIT", "p.K642E"))), kb)
    pfs = a.prognosis.pfs if a.prognosis else None
    assert pfs is not None and any(e.applied and e.hr_ci is None for e in pfs.adjustments)
    assert "hazard_ratio_without_ci" in pfs.note_codes


def test_p15_ttp_used_as_pfs_is_said(kb: KnowledgeBase) -> None:
    """P-15: first-line KIT exon 11: prognosis.pfs is the CALGB 150105 time to progression
    (median 24.7 months) without a word that it is TTP, which does not count deaths
    without progression and so runs above PFS."""
    a = run(metastatic(molecular=mol(KIT11)), kb)
    pfs = a.prognosis.pfs if a.prognosis else None
    assert pfs is not None and pfs.evidence is not None and pfs.evidence.endpoint == "TTP"
    assert "ttp_as_pfs" in pfs.note_codes
    os_ = a.prognosis.os if a.prognosis else None
    assert os_ is not None and "ttp_as_pfs" not in os_.note_codes


def test_published_first_line_os_compared_only_on_its_own_genotype(kb: KnowledgeBase) -> None:
    """The standard sequence's yardstick is the CALGB 150105 KIT exon 11 OS (60 months). A
    KIT exon 13 patient's simulation (exon 11 arm x HR 2.56) and a KIT/PDGFRA-negative
    patient's (CALGB wild-type arm) were set against it ("differs by -21.4 months"), which
    compares different populations. Only a KIT exon 11 first line is compared."""
    kit11 = run(metastatic(molecular=mol(KIT11)), kb).prognosis
    assert kit11 is not None and kit11.sequence is not None
    assert kit11.sequence.compare_os_arm == "calgb150105_kit11_os"
    others: list[dict[str, Any]] = [
        {"molecular": mol(("KIT", "p.K642E"))},
        {
            "molecular": mol(),
            "therapy_lines": [line("imatinib", 400, None, start="2024-01-01")],
        },
    ]
    for fields in others:
        pr = run(metastatic(**fields), kb).prognosis
        assert pr is not None and pr.sequence is not None, pr.sequence_reason if pr else None
        assert pr.sequence.compare_os_arm is None
        assert pr.sequence.compare_os_median_months is None
        assert "first_line_os_not_compared" in pr.sequence.note_codes


def test_pooled_dose_arm_keeps_the_exon9_dose_effect_in_view(kb: KnowledgeBase) -> None:
    """O-P1: KIT exon 9 first line: 400 and 800 mg both get the CALGB 150105 exon 9 arm,
    which pools the doses, so the two curves are identical; EORTC 62005 (Debiec-Rychter
    2006) found a 61 % lower progression risk on 800 mg in exon 9 (HR 0.39 against 400 mg,
    which cannot be applied to a pooled arm). Both options must say so; a KIT exon 11 option
    (only the all-genotype dose HR exists) gets no such note."""
    a = run(metastatic(molecular=mol(KIT9)), kb)
    imatinib = [o for o in _options(a) if o.drugs == ["imatinib"] and o.pfs is not None]
    assert {o.dose_mg_per_day for o in imatinib} >= {400.0, 800.0}
    for o in imatinib:
        assert o.pfs is not None
        note = text_of(o.pfs, "dose_effect_not_shown")
        assert "0.39" in note and "debiecrychter2006" in note, o.pfs.notes
    k11 = run(metastatic(molecular=mol(KIT11)), kb)
    for o in _options(k11):
        if o.pfs is not None:
            assert "dose_effect_not_shown" not in o.pfs.note_codes
