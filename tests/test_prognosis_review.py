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
