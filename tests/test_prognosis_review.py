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
from gistcds.knowledge.schema.prognosis_arms import Table as ArmsTable
from review_helpers import D842V, KIT9, KIT11, line, metastatic, mol, run


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
    assert pr.sequence_reason and "progress" in pr.sequence_reason


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
