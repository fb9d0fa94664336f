"""Clinical review: imaging-driven decisions (docs/review.md R-10..R-13).

RA-06 [V] (growth with falling density is response), RA-07 [V] (a nodule inside a treated
lesion is progression), FP-01 (focal progression: local treatment, keep the TKI), and the
rule that a scan before the current line started says nothing about the current drug."""

from __future__ import annotations

from typing import Any

from gistcds.knowledge import KnowledgeBase
from review_helpers import all_drugs, codes, doses, lesion, line, metastatic, mol, rule_ids, run

K11 = mol(("KIT", "p.W557_K558del"))
BASE = {
    "date": "2025-01-28",
    "lesions": [lesion("L1", 50, 80), lesion("L2", 40, 80), lesion("L3", 30, 80)],
}
NADIR = {
    "date": "2025-05-01",
    "lesions": [lesion("L1", 30, 40), lesion("L2", 25, 40), lesion("L3", 20, 40)],
}
ON_IMATINIB = [line("imatinib", 400, None, start="2025-02-01")]


def _run(last: dict[str, Any], kb: KnowledgeBase, lines: list[dict[str, Any]] | None = None) -> Any:
    return run(
        metastatic(molecular=K11, therapy_lines=lines or ON_IMATINIB, imaging=[BASE, NADIR, last]),
        kb,
    )


def test_imaging_pd_on_ongoing_line_is_progression(kb: KnowledgeBase) -> None:
    last = {
        "date": "2025-09-01",
        "lesions": [
            lesion("L1", 45, 60),
            lesion("L2", 38, 60),
            lesion("L3", 30, 60),
            {"id": "N1", "organ": "liver", "kind": "new", "longest_diameter_mm": 15},
        ],
    }
    a = _run(last, kb)
    assert a.response[-1].recist == "PD"
    assert {"imatinib", "sunitinib"} <= {d for d, _ in doses(a, 3)}
    assert ("imatinib", 800) in doses(a)


def test_focal_progression_seen_only_on_imaging(kb: KnowledgeBase) -> None:
    """R-11/R-12: a new nodule in one lesion (Choi PD, RECIST SD): focal progression."""
    last = {
        "date": "2025-09-01",
        "lesions": [
            lesion("L1", 40, 60, new_nodule_in_mass=True),
            lesion("L2", 25, 40),
            lesion("L3", 20, 40),
        ],
    }
    a = _run(last, kb)
    assert a.response[-1].progression_pattern == "focal"
    assert a.recommendations[0].kind == "local"
    assert ("imatinib", 400) in doses(a, 2)


def test_focal_pattern_from_imaging_when_line_has_none(kb: KnowledgeBase) -> None:
    last = {
        "date": "2025-09-01",
        "lesions": [
            lesion("L1", 40, 60, new_nodule_in_mass=True),
            lesion("L2", 25, 40),
            lesion("L3", 20, 40),
        ],
    }
    lines = [
        {
            "drug": "imatinib",
            "dose_mg_per_day": 400,
            "setting": "metastatic",
            "start": "2025-02-01",
            "end": "2025-09-05",
            "stop_reason": "progression",
        }
    ]
    a = _run(last, kb, lines)
    assert "FP-01" in rule_ids(a)[:2]


def test_pseudo_progression_20_percent_with_density_drop_continues(kb: KnowledgeBase) -> None:
    """R-13: +20 % size (RECIST PD) with density -44 % (Choi PR) at week 8: continue imatinib."""
    base = {"date": "2025-01-28", "lesions": [lesion("L1", 50, 90), lesion("L2", 50, 90)]}
    week8 = {"date": "2025-03-28", "lesions": [lesion("L1", 60, 50), lesion("L2", 60, 50)]}
    a = run(metastatic(molecular=K11, therapy_lines=ON_IMATINIB, imaging=[base, week8]), kb)
    assert (a.response[0].recist, a.response[0].choi) == ("PD", "PR")
    assert doses(a, 1) == {("imatinib", 400)}
    assert "sunitinib" not in all_drugs(a)
    assert "pseudo_progression" in codes(a)
    msg = next(c.message for c in a.cautions if c.code == "pseudo_progression")
    assert "RECIST stable disease" not in msg  # must not contradict the RECIST PD shown


def test_scan_before_the_current_line_is_not_progression_on_it(kb: KnowledgeBase) -> None:
    """R-10: PD on imatinib, sunitinib just started, no new scan: continue sunitinib."""
    base = {"date": "2023-01-01", "lesions": [lesion("L1", 50, 80), lesion("L2", 40, 80)]}
    pd = {"date": "2024-09-01", "lesions": [lesion("L1", 70, 80), lesion("L2", 60, 80)]}
    lines = [
        line("imatinib", 400, start="2023-01-05", end="2024-09-02"),
        line("sunitinib", 50, None, start="2024-09-10"),
    ]
    a = run(metastatic(molecular=K11, therapy_lines=lines, imaging=[base, pd]), kb)
    assert a.response[-1].recist == "PD"
    assert doses(a, 1) == {("sunitinib", 50)}
    assert "regorafenib" not in all_drugs(a)


def test_spurious_new_lesion_while_lesions_turn_hypodense_is_reviewed_first(
    kb: KnowledgeBase,
) -> None:
    """R-24 (RA-08 [V]): a 'new' liver lesion at week 8 while the known lesions fell from
    90 to 50 HU may be an old lesion made visible by hypodensity: review before switching."""
    base = {"date": "2025-01-28", "lesions": [lesion("L1", 50, 90), lesion("L2", 40, 90)]}
    week8 = {
        "date": "2025-03-28",
        "lesions": [
            lesion("L1", 48, 50),
            lesion("L2", 38, 50),
            {"id": "N1", "organ": "liver", "kind": "new", "longest_diameter_mm": 12},
        ],
    }
    a = run(metastatic(molecular=K11, therapy_lines=ON_IMATINIB, imaging=[base, week8]), kb)
    assert a.response[0].recist == "PD" and "spurious_new_lesion" in a.response[0].note_kinds
    assert a.recommendations[0].kind == "diagnostic"
    assert ("imatinib", 400) in doses(a, 2)
    assert "sunitinib" not in all_drugs(a)


def test_true_new_lesion_with_growing_targets_is_progression(kb: KnowledgeBase) -> None:
    base = {"date": "2025-01-28", "lesions": [lesion("L1", 50, 90), lesion("L2", 40, 90)]}
    later = {
        "date": "2025-09-28",
        "lesions": [
            lesion("L1", 70, 90),
            lesion("L2", 55, 90),
            {"id": "N1", "organ": "liver", "kind": "new", "longest_diameter_mm": 12},
        ],
    }
    a = run(metastatic(molecular=K11, therapy_lines=ON_IMATINIB, imaging=[base, later]), kb)
    assert "sunitinib" in all_drugs(a)
