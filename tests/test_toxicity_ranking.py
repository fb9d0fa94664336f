"""Tolerance into the ranking (issue 17, "the therapy ranking uses them"): vignettes through
the whole assessment.

Sources: CTCAE v5.0 (``ctcae5``: grade 4 = life-threatening consequences); the imatinib
and sunitinib labels (``label-gleevec-us``, ``label-glivec-eu``, ``label-sutent-us``: dose
levels 400 -> 300 mg, 50 -> 37.5 -> 25 mg; no imatinib GIST level below 300 mg); NCI PDQ
(``ncipdq2024``: dose reduction, interruption or cessation for excessive toxicity); BFR14
(``lecesne2010``: interrupting imatinib in advanced GIST, 2-year PFS 16% vs 80%).
"""

from __future__ import annotations

from typing import Any

from gistcds.assess import assess
from gistcds.domain.assessment import Assessment
from gistcds.knowledge import KnowledgeBase
from therapy_helpers import line, metastatic, patient

KIT11 = {
    "tested_genes": ["KIT", "PDGFRA"],
    "variants": [{"gene": "KIT", "hgvs_p": "p.W557_K558del", "source": "tissue"}],
}


def _ae(term: str, grade: int, drug: str, onset: str, resolved: str | None = None) -> Any:
    return {"term": term, "grade": grade, "drug": drug, "onset": onset, "resolved": resolved}


def _run(kb: KnowledgeBase, **kw: Any) -> Assessment:
    return assess(metastatic(molecular=KIT11, **kw), kb)


def _offered(a: Assessment, drug: str) -> list[float | None]:
    return [i.dose_mg_per_day for r in a.recommendations for i in r.regimen if i.drug == drug]


def _codes(a: Assessment) -> dict[str, Any]:
    return {c.code: c for c in a.cautions}


IMATINIB_STOPPED = [line("imatinib", 400, "toxicity", start="2024-01-01", end="2024-06-01")]


def test_grade4_event_imatinib_not_reoffered_at_400(kb: KnowledgeBase) -> None:
    a = _run(
        kb,
        therapy_lines=IMATINIB_STOPPED,
        adverse_events=[
            _ae("Alanine aminotransferase increased", 4, "imatinib", "2024-05-20", "2024-07-01")
        ],
    )
    assert _offered(a, "imatinib") == [300]  # the label's next lower level only
    assert "sunitinib" in {i.drug for r in a.recommendations for i in r.regimen}
    c = _codes(a)["severe_toxicity_no_same_dose"]
    assert c.severity == "critical" and "grade 4" in c.message and "300 mg/day" in c.message
    assert {"ctcae5", "label-gleevec-us"} <= set(c.source_ids)


def test_grade4_neutropenia_says_the_label_allows_the_same_dose(kb: KnowledgeBase) -> None:
    """Review V5-O2: after a first grade 4 neutropenia the imatinib label resumes 400 mg once
    counts recover (the side-effects row), while the ranking offers 300 mg first. The TR-01
    caution says the label allows the same dose and that the choice is the team's, so the
    two statements do not read as a contradiction."""
    a = _run(
        kb,
        therapy_lines=IMATINIB_STOPPED,
        adverse_events=[_ae("Neutrophil count decreased", 4, "imatinib", "2024-05-20")],
    )
    (row,) = [t for t in a.toxicity if t.drug == "imatinib"]
    assert row.dose_mg_per_day == 400  # the label's first-occurrence row
    assert _offered(a, "imatinib") == [300]
    message = _codes(a)["severe_toxicity_no_same_dose"].message
    assert "the label allows it" in message and "the team's decision" in message


def test_intolerance_without_progression_reduce_or_next_line(kb: KnowledgeBase) -> None:
    a = _run(
        kb,
        therapy_lines=IMATINIB_STOPPED,
        adverse_events=[_ae("Diarrhea", 3, "imatinib", "2024-05-20", "2024-07-01")],
    )
    first, second = a.recommendations[0], a.recommendations[1]
    assert [(i.drug, i.dose_mg_per_day) for i in first.regimen] == [("imatinib", 300)]
    assert [i.drug for i in second.regimen] == ["sunitinib"]
    assert all(d is not None and d < 400 for d in _offered(a, "imatinib"))
    codes = _codes(a)
    assert "severe_toxicity_no_same_dose" not in codes
    assert "ncipdq2024" in codes["intolerance_reduce_or_next_line"].source_ids
    # stopping imatinib in advanced disease: the BFR14 caution
    assert codes["interruption_advanced_disease"].source_ids == ["lecesne2010"]


def test_sunitinib_grade4_not_reoffered_at_37_5(kb: KnowledgeBase) -> None:
    a = _run(
        kb,
        therapy_lines=[
            line("imatinib", 400, start="2023-01-01", end="2024-01-01"),
            line("sunitinib", 37.5, "toxicity", start="2024-01-10", end="2024-05-01"),
        ],
        adverse_events=[_ae("Hypertension", 4, "sunitinib", "2024-04-20", "2024-05-10")],
    )
    assert all(d is not None and d < 37.5 for d in _offered(a, "sunitinib"))
    assert "label-sutent-us" in _codes(a)["severe_toxicity_no_same_dose"].source_ids
    # the option ranked first after the reduced dose: ripretinib for sunitinib intolerance
    assert "ripretinib" in {i.drug for r in a.recommendations[:3] for i in r.regimen}


def test_imatinib_below_300_is_flagged(kb: KnowledgeBase) -> None:
    a = _run(kb, therapy_lines=[line("imatinib", 200, None, start="2024-01-01")])
    c = _codes(a)["dose_below_label_levels"]
    assert "200 mg/day" in c.message and "300 mg/day" in c.message
    assert {"label-gleevec-us", "label-glivec-eu"} <= set(c.source_ids)
    at_400 = _run(kb, therapy_lines=[line("imatinib", 400, None, start="2024-01-01")])
    assert "dose_below_label_levels" not in _codes(at_400)


def test_hold_of_imatinib_in_advanced_disease_carries_bfr14(kb: KnowledgeBase) -> None:
    a = _run(
        kb,
        therapy_lines=[line("imatinib", 400, None, start="2024-01-01")],
        adverse_events=[_ae("Neutrophil count decreased", 3, "imatinib", "2026-11-01")],
    )
    assert [t.action for t in a.toxicity if t.drug == "imatinib"] == ["hold"]
    c = _codes(a)["interruption_advanced_disease"]
    assert "BFR14" in c.message and c.source_ids == ["lecesne2010"]


def test_no_bfr14_caution_for_adjuvant_imatinib(kb: KnowledgeBase) -> None:
    p = patient(
        primary={
            "site": "stomach",
            "size_cm": 8,
            "mitoses": {"count": 12, "per": "5mm2"},
            "resection": "R0",
            "rupture": False,
        },
        molecular=KIT11,
        therapy_lines=[line("imatinib", 400, None, setting="adjuvant", start="2026-01-01")],
        adverse_events=[_ae("Neutrophil count decreased", 3, "imatinib", "2026-11-01")],
    )
    a = assess(p, kb)
    assert "interruption_advanced_disease" not in _codes(a)


def test_grade4_on_a_drug_stopped_for_progression_does_not_bar_it(kb: KnowledgeBase) -> None:
    """The rule is about a drug stopped for the event, not any event on record."""
    a = _run(
        kb,
        therapy_lines=[line("imatinib", 400, "progression", start="2023-01-01", end="2024-01-01")],
        adverse_events=[_ae("Anemia", 4, "imatinib", "2023-06-01", "2023-07-01")],
    )
    assert "severe_toxicity_no_same_dose" not in _codes(a)
