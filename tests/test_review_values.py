"""Clinical review: boundary values and missing data through the whole pipeline.
Expected answers: reference/guidelines.md LD-03, LD-04, LD-09 (rupture), MF-01, FP-03,
primary-risk.md (AJCC 8th: N1 is stage IV; 5 mm2 and 50 HPF treated as equal)."""

from __future__ import annotations

import pytest

from gistcds.knowledge import KnowledgeBase
from review_helpers import (
    HIGH_RISK_GASTRIC,
    all_drugs,
    doses,
    metastatic,
    mol,
    patient,
    rule_ids,
    run,
    top_drugs,
)

K11 = mol(("KIT", "p.W557_K558del"))


def _primary(**kw: object) -> dict[str, object]:
    d: dict[str, object] = {
        "site": "stomach",
        "size_cm": 3,
        "mitoses": {"count": 2, "per": "5mm2"},
        "rupture": False,
        "resection": "R0",
    }
    d.update(kw)
    return d


@pytest.mark.parametrize("size", [2, 5, 10, 2.1, 10.5])
@pytest.mark.parametrize("count", [3, 5, 6, 11])
def test_mitoses_units_are_equivalent(size: float, count: int, kb: KnowledgeBase) -> None:
    a = run(
        patient(
            primary=_primary(size_cm=size, mitoses={"count": count, "per": "5mm2"}), molecular=K11
        ),
        kb,
    )
    b = run(
        patient(
            primary=_primary(size_cm=size, mitoses={"count": count, "per": "50hpf"}), molecular=K11
        ),
        kb,
    )
    assert a.risk.model_dump() == b.risk.model_dump()
    assert rule_ids(a) == rule_ids(b)


def test_rupture_on_small_low_mitosis_tumour_counts_as_high_risk(kb: KnowledgeBase) -> None:
    a = run(patient(primary=_primary(rupture=True), molecular=K11), kb)
    assert a.risk.modified_nih is not None and a.risk.modified_nih.category == "high"
    assert ("imatinib", 400) in doses(a, 1)


def test_r1_high_risk_gets_adjuvant_and_a_margin_note(kb: KnowledgeBase) -> None:
    a = run(patient(primary={**HIGH_RISK_GASTRIC, "resection": "R1"}, molecular=K11), kb)
    assert ("imatinib", 400) in doses(a, 1)
    assert any("R1" in n for n in a.risk.notes)


def test_age_16_paediatric_note(kb: KnowledgeBase) -> None:
    a = run(patient(age_years=16, primary=HIGH_RISK_GASTRIC, molecular=K11), kb)
    assert any("paediatric" in n for n in a.risk.notes)


@pytest.mark.parametrize("ecog", [3, 4])
def test_poor_performance_status_offers_supportive_care(ecog: int, kb: KnowledgeBase) -> None:
    a = run(metastatic(ecog=ecog, molecular=K11), kb)
    assert "supportive" in {r.kind for r in a.recommendations}
    assert "imatinib" in all_drugs(a)


def test_missing_ecog(kb: KnowledgeBase) -> None:
    a = run(metastatic(ecog=None, molecular=K11), kb)
    assert top_drugs(a) == {"imatinib"}


def test_metastatic_without_primary_record_or_date(kb: KnowledgeBase) -> None:
    a = run(patient(metastatic={"sites": ["liver"]}, molecular=K11), kb)
    assert top_drugs(a) == {"imatinib"}
    assert a.risk.ajcc8 is not None and a.risk.ajcc8.m == "M1"


def test_metastatic_date_without_sites(kb: KnowledgeBase) -> None:
    a = run(patient(metastatic={"diagnosed": "2025-01-01"}, molecular=K11), kb)
    assert top_drugs(a) == {"imatinib"}


def test_localized_not_resected_gets_surgery(kb: KnowledgeBase) -> None:
    a = run(patient(primary=_primary(size_cm=7, resection="none"), molecular=K11), kb)
    assert a.recommendations[0].kind == "local"
    assert a.risk.nih is None  # risk systems need a resection specimen


def test_metastatic_with_r0_primary_is_treated_as_metastatic(kb: KnowledgeBase) -> None:
    a = run(metastatic(primary=_primary(size_cm=7), molecular=K11), kb)
    assert top_drugs(a) == {"imatinib"}
    assert a.risk.nih is None and a.risk.ajcc8 is not None and a.risk.ajcc8.stage == "IV"


def test_nodal_metastasis_is_not_called_low_risk_surveillance(kb: KnowledgeBase) -> None:
    """R-14: N1 is AJCC stage IV; the risk systems ignore it, so a low category must not
    end in 'no adjuvant therapy' without a tumour-board flag."""
    a = run(patient(primary=_primary(size_cm=7, nodes="N1"), molecular=K11), kb)
    assert a.risk.ajcc8 is not None and a.risk.ajcc8.stage == "IV"
    assert "LD-N1" in rule_ids(a)
    assert "LD-LOW" not in rule_ids(a)


@pytest.mark.parametrize("variant", ["T670I", "N822K"])
def test_rare_primary_kit_mutation_flags_unestablished_sensitivity(
    variant: str, kb: KnowledgeBase
) -> None:
    """R-15: imatinib first line (MT-07: preclinically sensitive) but the rationale's
    'imatinib-sensitive' must not stand unqualified when genotype.sensitivity says unknown."""
    a = run(metastatic(molecular=mol(("KIT", variant))), kb)
    assert a.genotype is not None and a.genotype.sensitivity.imatinib != "sensitive"
    assert top_drugs(a) == {"imatinib"}
    assert "imatinib_sensitivity_not_established" in {c.code for c in a.cautions}
    # D816V is rated imatinib-resistant (S-03): trial first, see test_vignettes_open_findings


def test_equivalent_records_give_the_same_options(kb: KnowledgeBase) -> None:
    """Setting null vs 'metastatic' on a metastatic patient's line, an end date or none on a
    progressed line, metastases recorded by date or by site: same recommendations."""
    from review_helpers import line, rule_ids

    base = metastatic(molecular=K11, therapy_lines=[line("imatinib", 400)])
    variants = [
        metastatic(molecular=K11, therapy_lines=[line("imatinib", 400, setting=None)]),
        metastatic(molecular=K11, therapy_lines=[line("imatinib", 400, end="2025-01-01")]),
        patient(
            metastatic={"diagnosed": "2022-12-15"},
            molecular=K11,
            therapy_lines=[line("imatinib", 400)],
        ),
        metastatic(
            molecular=K11, therapy_lines=[line("imatinib", 400)], comedications=["paracetamol"]
        ),
    ]
    want = (rule_ids(run(base, kb)), doses(run(base, kb)))
    for p in variants:
        a = run(p, kb)
        assert (rule_ids(a), doses(a)) == want


@pytest.mark.parametrize(
    ("size", "count", "expected"),
    [(12, 2, "high"), (7, 12, "high"), (4, 3, "low"), (1.5, 2, "very_low"), (7, 3, None)],
)
def test_modified_nih_without_site_where_site_does_not_matter(
    size: float, count: int, expected: str | None, kb: KnowledgeBase
) -> None:
    """R-28 (Joensuu 2008): > 10 cm or > 10 mitoses is high risk at any site; without a
    site the modified NIH used to be withheld, so a 12 cm tumour got 'complete the risk
    assessment' instead of adjuvant imatinib. Site-dependent cells stay withheld."""
    primary = {
        "size_cm": size,
        "mitoses": {"count": count, "per": "5mm2"},
        "rupture": False,
        "resection": "R0",
    }
    a = run(patient(primary=primary, molecular=K11), kb)
    got = a.risk.modified_nih.category if a.risk.modified_nih else None
    assert got == expected
    if expected == "high":
        assert ("imatinib", 400) in doses(a, 1)
