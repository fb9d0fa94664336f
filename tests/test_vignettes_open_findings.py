"""Issue 12, review open findings S-O1, S-O2, S-O3, S-O4, S-O6 (docs/review.md).

- S-O1: a primary mutation the genotype engine rates imatinib-resistant (KIT D816V, Nishida
  2016 table) no longer gets imatinib 400 first by its exon class: trial/tumour board first
  (MF-PRIMARY-RES), no adjuvant imatinib (LD-05-06), no neoadjuvant imatinib.
- S-O2: a KIT truncation alone is not a driver (genotype kit_pdgfra_status wild_type); the
  facts read that status, so the wild-type work-up (MT-06) follows, not "test KIT/PDGFRA".
- S-O3: FP-03 (surgery of residual disease) is for stable or shrinking disease after 6-12
  months (NCI PDQ); not at week 8, not at a pseudo-progression reading (RA-06).
- S-O4: nodal metastasis (AJCC 8th stage IV) gets the high-risk intervals, not the low-risk
  follow-up (FU-N1; Joensuu 2015 by extrapolation).
- S-O6: MF-04-AVA no longer says D842Y responds poorly to imatinib (Corless 2005: in vitro
  sensitive).
"""

from __future__ import annotations

from typing import Any

from gistcds.domain.assessment import Assessment
from gistcds.knowledge import KnowledgeBase
from review_helpers import KIT11, lesion, line, metastatic, mol, patient, run


def _ids(a: Assessment) -> list[str]:
    return [r.rule_id for r in a.recommendations]


def test_s_o1_primary_kit_d816v_imatinib_not_first(kb: KnowledgeBase) -> None:
    a = run(metastatic(molecular=mol(("KIT", "p.D816V"))), kb)
    assert a.genotype is not None and a.genotype.sensitivity.imatinib == "resistant"
    assert a.recommendations[0].kind == "trial"
    assert "MF-01" not in _ids(a)


def test_s_o1_primary_kit_d816v_no_adjuvant_imatinib(kb: KnowledgeBase) -> None:
    a = run(
        patient(
            primary={
                "site": "stomach",
                "size_cm": 11,
                "mitoses": {"count": 12, "per": "5mm2"},
                "rupture": False,
                "resection": "R0",
            },
            molecular=mol(("KIT", "p.D816V")),
        ),
        kb,
    )
    assert "imatinib" not in {i.drug for r in a.recommendations for i in r.regimen}
    assert _ids(a)[0] == "LD-05-06"


def test_s_o2_kit_truncation_alone_gets_wild_type_workup(kb: KnowledgeBase) -> None:
    a = run(metastatic(molecular=mol(("KIT", "p.W557*"))), kb)
    assert a.genotype is not None and a.genotype.kit_pdgfra_status == "wild_type"
    assert _ids(a)[0] == "MT-06"
    assert "MT-02" not in _ids(a)


def _on_imatinib(scans: list[dict[str, Any]], start: str) -> Any:
    return metastatic(
        molecular=mol(KIT11),
        therapy_lines=[{**line("imatinib", 400, None), "start": start}],
        imaging=scans,
    )


def test_s_o3_no_residual_surgery_at_week_8_pseudo_progression(kb: KnowledgeBase) -> None:
    """V16-like: +20 % size, density -44 % at week 8: continue imatinib, no surgery."""
    scans = [
        {"date": "2025-01-05", "lesions": [lesion("L1", 50, 80), lesion("L2", 50, 80)]},
        {"date": "2025-03-05", "lesions": [lesion("L1", 60, 45), lesion("L2", 60, 45)]},
    ]
    a = run(_on_imatinib(scans, "2025-01-10"), kb)
    assert "FP-03" not in _ids(a)
    assert _ids(a)[0] == "MF-10"


def test_s_o3_residual_surgery_after_9_months_of_response(kb: KnowledgeBase) -> None:
    """V20: PR after 9 months on imatinib: surgery of residual disease may be considered."""
    scans = [
        {"date": "2025-01-05", "lesions": [lesion("L1", 50, 80), lesion("L2", 50, 80)]},
        {"date": "2025-10-05", "lesions": [lesion("L1", 25, 40), lesion("L2", 25, 40)]},
    ]
    a = run(_on_imatinib(scans, "2025-01-10"), kb)
    assert "FP-03" in _ids(a)


def test_s_o4_nodal_metastasis_not_low_risk_schedule(kb: KnowledgeBase) -> None:
    a = run(
        patient(
            primary={
                "site": "stomach",
                "size_cm": 3,
                "mitoses": {"count": 2, "per": "5mm2"},
                "rupture": False,
                "resection": "R0",
                "nodes": "N1",
            },
            molecular=mol(KIT11),
        ),
        kb,
    )
    assert {v.rule_id for v in a.followup} == {"FU-N1"}
    assert a.followup[0].month == 3


def test_s_o6_d842y_text(kb: KnowledgeBase) -> None:
    a = run(metastatic(molecular=mol(("PDGFRA", "p.D842Y"))), kb)
    ava = next(r for r in a.recommendations if r.rule_id == "MF-04-AVA")
    assert "respond poorly" not in ava.rationale and "D842Y" in ava.rationale
    assert "corless2005" in ava.evidence.source_ids
