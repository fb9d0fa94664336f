"""Label dose-modification tables of dabrafenib and trametinib, cell by cell, and one vignette.

Sources: Tafinlar (dabrafenib) US PI dose-modification table, older single-agent revision
(verbatim copy): intolerable Grade 2 or any Grade 3 -> withhold until Grade <= 1, resume one
level lower; first Grade 4 -> discontinue, or withhold and resume lower; reductions 100, 75,
50 mg twice daily (label-derived monograph). Mekinist (trametinib) US PI Table 1, 2013
revision (verbatim re-host): Grade 3-4 rash and other Grade 3 -> withhold up to 3 weeks,
resume 0.5 mg lower (stop if on 1 mg); Grade 4 -> discontinue; LVEF fall >= 10% below LLN ->
withhold up to 4 weeks; symptomatic cardiomyopathy -> discontinue.
"""

from __future__ import annotations

import pytest

from conftest import TODAY
from gistcds.assess import assess
from gistcds.io.patient_json import patient_from_obj
from toxicity_helpers import lookup, patient

FATIGUE = "Fatigue"
RASH = "Rash acneiform"
EF = "Ejection fraction decreased"

CELLS = [
    # dabrafenib: 300 -> 200 -> 150 -> 100 mg/day
    ("dabrafenib", FATIGUE, 2, 300, "continue", 300, "DA-01"),
    ("dabrafenib", FATIGUE, 3, 300, "hold", 200, "DA-02"),
    ("dabrafenib", "Diarrhea", 3, 200, "hold", 150, "DA-02"),
    ("dabrafenib", FATIGUE, 3, 150, "hold", 100, "DA-02"),
    ("dabrafenib", FATIGUE, 3, 100, "discontinue", None, "DA-02"),
    ("dabrafenib", FATIGUE, 4, 300, "discontinue", None, "DA-03"),
    ("dabrafenib", FATIGUE, 5, 300, "discontinue", None, "DA-99"),
    # trametinib: 2 -> 1.5 -> 1 mg/day
    ("trametinib", RASH, 2, 2, "continue", 2, "TM-01"),
    ("trametinib", RASH, 3, 2, "hold", 1.5, "TM-02"),
    ("trametinib", RASH, 4, 1.5, "hold", 1, "TM-02"),
    ("trametinib", RASH, 3, 1, "discontinue", None, "TM-02"),
    ("trametinib", EF, 2, 2, "hold", None, "TM-03"),
    ("trametinib", "Heart failure", 3, 2, "discontinue", None, "TM-04"),
    ("trametinib", "Upper gastrointestinal hemorrhage", 3, 2, "hold", 1.5, "TM-05"),
    ("trametinib", FATIGUE, 3, 2, "hold", 1.5, "TM-06"),
    ("trametinib", "Diarrhea", 4, 2, "discontinue", None, "TM-07"),
    ("trametinib", FATIGUE, 2, 2, "continue", 2, "TM-08"),
]


@pytest.mark.parametrize(("drug", "term", "grade", "dose", "action", "new_dose", "rule"), CELLS)
def test_label_cell(kb, drug, term, grade, dose, action, new_dose, rule):  # type: ignore[no-untyped-def]
    advice = lookup(kb, drug, term, grade, dose)
    assert (advice.action, advice.dose_mg_per_day, advice.rule_id) == (action, new_dose, rule)


def test_vignette_braf_gist_grade3_rash_on_trametinib(kb):  # type: ignore[no-untyped-def]
    """BRAF V600E GIST on dabrafenib 150 mg twice daily + trametinib 2 mg: grade 3 acneiform
    rash attributed to trametinib -> withhold up to 3 weeks, resume at 1.5 mg once daily
    (Mekinist US PI Table 1); dabrafenib gets no advice for this event; LVEF checks listed."""
    record = patient(
        metastatic={"diagnosed": "2025-01-10", "sites": ["liver"]},
        therapy_lines=[
            {
                "drug": "dabrafenib",
                "dose_mg_per_day": 300,
                "setting": "metastatic",
                "start": "2025-02-01",
            },
            {
                "drug": "trametinib",
                "dose_mg_per_day": 2,
                "setting": "metastatic",
                "start": "2025-02-01",
            },
        ],
        adverse_events=[
            {
                "term": RASH,
                "grade": 3,
                "drug": "trametinib",
                "onset": "2026-10-01",
                "resolved": None,
            }
        ],
    )
    out = assess(patient_from_obj(record, today=TODAY), kb)
    (t,) = out.toxicity
    assert (t.drug, t.action, t.dose_mg_per_day, t.schedule) == (
        "trametinib",
        "hold",
        1.5,
        "1.5 mg once daily",
    )
    assert "label-mekinist-us" in t.source_ids
    tests = [m.test for m in out.monitoring if m.drug == "trametinib"]
    assert any("LVEF" in x for x in tests)
