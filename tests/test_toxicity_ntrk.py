"""Label dose-modification tables of the NTRK inhibitors, cell by cell, and one vignette each.

Sources: Vitrakvi (larotrectinib) US PI 2.3 and Table 1 (verbatim copy, drugs.com 2023-11;
2019 revision): Grade 3-4 -> withhold until resolved or Grade 1/baseline, resume at the next
reduction (75 mg twice daily, 50 mg twice daily, 100 mg once daily) within 4 weeks; the
hepatotoxicity table (2.4) was not read. Rozlytrek (entrectinib) US PI dosage modifications
(read in Medscape reference): reductions 400 then 200 mg once daily, discontinue if 200 mg is
not tolerated; CHF Grade 2-3 withhold/reduce, Grade 4 stop; CNS Grade 3 withhold/reduce,
Grade 4 stop; hepatotoxicity Grade 3 same dose (reduced on recurrence), Grade 4 reduced (stop
on recurrence), ALT > 3 x ULN with bilirubin > 1.5 x ULN stop.
"""

from __future__ import annotations

from typing import Any

import pytest

from conftest import TODAY
from gistcds.assess import assess
from gistcds.io.patient_json import patient_from_obj
from toxicity_helpers import lookup, patient

ALT = "Alanine aminotransferase increased"
BILI = "Blood bilirubin increased"
FATIGUE = "Fatigue"
CHF = "Heart failure"
COG = "Cognitive disturbance"

CELLS = [
    # larotrectinib: 200 -> 150 -> 100 mg/day
    ("larotrectinib", FATIGUE, 3, 1, 200, "hold", 150, "LA-03"),
    ("larotrectinib", FATIGUE, 4, 1, 150, "hold", 100, "LA-03"),
    ("larotrectinib", "Diarrhea", 3, 2, 150, "hold", 100, "LA-03"),
    ("larotrectinib", FATIGUE, 3, 1, 100, "hold", None, "LA-03"),
    ("larotrectinib", FATIGUE, 2, 1, 200, "continue", 200, "LA-04"),
    ("larotrectinib", ALT, 3, 1, 200, "hold", 150, "LA-01"),
    ("larotrectinib", ALT, 2, 1, 200, "hold", None, "LA-02"),
    ("larotrectinib", FATIGUE, 5, 1, 200, "discontinue", None, "LA-99"),
    # entrectinib: 600 -> 400 -> 200 mg/day
    ("entrectinib", CHF, 2, 1, 600, "hold", 400, "EN-01"),
    ("entrectinib", CHF, 3, 1, 400, "hold", 200, "EN-01"),
    ("entrectinib", CHF, 3, 1, 200, "discontinue", None, "EN-01"),
    ("entrectinib", CHF, 4, 1, 600, "discontinue", None, "EN-02"),
    ("entrectinib", COG, 2, 1, 600, "continue", 600, "EN-03"),
    ("entrectinib", COG, 3, 1, 600, "hold", 400, "EN-04"),
    ("entrectinib", "Dizziness", 4, 1, 600, "discontinue", None, "EN-05"),
    ("entrectinib", ALT, 3, 1, 600, "hold", 600, "EN-07"),
    ("entrectinib", ALT, 3, 2, 600, "hold", 400, "EN-08"),
    ("entrectinib", BILI, 4, 1, 600, "hold", 400, "EN-09"),
    ("entrectinib", ALT, 4, 2, 400, "discontinue", None, "EN-10"),
    ("entrectinib", FATIGUE, 5, 1, 600, "discontinue", None, "EN-99"),
]


@pytest.mark.parametrize(
    ("drug", "term", "grade", "occurrence", "dose", "action", "new_dose", "rule"), CELLS
)
def test_label_cell(kb, drug, term, grade, occurrence, dose, action, new_dose, rule):  # type: ignore[no-untyped-def]
    advice = lookup(kb, drug, term, grade, dose, occurrence)
    assert (advice.action, advice.dose_mg_per_day, advice.rule_id) == (action, new_dose, rule)


def test_larotrectinib_lowest_level_is_flagged(kb):  # type: ignore[no-untyped-def]
    advice = lookup(kb, "larotrectinib", FATIGUE, 3, 100)
    assert any("100 mg once daily" in f for f in advice.flags)


def test_larotrectinib_schedule_is_twice_daily(kb):  # type: ignore[no-untyped-def]
    assert lookup(kb, "larotrectinib", FATIGUE, 3, 200).schedule == "75 mg twice daily"


def test_entrectinib_hys_law_pattern_stops(kb):  # type: ignore[no-untyped-def]
    labs = {"transaminases_x_uln": 4.0, "bilirubin_x_uln": 2.0}
    advice = lookup(kb, "entrectinib", ALT, 2, 600, labs=labs)
    assert (advice.action, advice.rule_id) == ("discontinue", "EN-06")


def _run(kb: Any, drug: str, dose: float, term: str, grade: int) -> Any:
    record = patient(
        metastatic={"diagnosed": "2025-01-10", "sites": ["liver"]},
        therapy_lines=[
            {"drug": drug, "dose_mg_per_day": dose, "setting": "metastatic", "start": "2025-02-01"}
        ],
        adverse_events=[{"term": term, "grade": grade, "onset": "2026-10-01", "resolved": None}],
    )
    return assess(patient_from_obj(record, today=TODAY), kb)


def test_vignette_larotrectinib_grade3_fatigue(kb):  # type: ignore[no-untyped-def]
    """Grade 3 fatigue on larotrectinib 100 mg twice daily: withhold, resume at 75 mg twice
    daily (Vitrakvi US PI 2.3, Table 1)."""
    out = _run(kb, "larotrectinib", 200, FATIGUE, 3)
    (t,) = out.toxicity
    assert (t.action, t.dose_mg_per_day, t.schedule) == ("hold", 150, "75 mg twice daily")
    assert "label-vitrakvi-us" in t.source_ids
    rates = {c.effect: c.any_grade_pct for c in out.counselling if c.drug == "larotrectinib"}
    assert rates == {"ALT increased": 28}
    assert any("liver" in m.test for m in out.monitoring if m.drug == "larotrectinib")


def test_vignette_entrectinib_grade3_cognitive(kb):  # type: ignore[no-untyped-def]
    """Grade 3 cognitive disturbance on entrectinib 600 mg: withhold until Grade <= 1, resume
    at 400 mg once daily (Rozlytrek US PI dosage modifications, read in Medscape); the LVEF,
    uric acid and QTc checks are listed."""
    out = _run(kb, "entrectinib", 600, COG, 3)
    (t,) = out.toxicity
    assert (t.action, t.dose_mg_per_day, t.confidence) == ("hold", 400, "secondary")
    tests = " ".join(m.test for m in out.monitoring if m.drug == "entrectinib")
    assert "LVEF" in tests and "uric acid" in tests and "QTc" in tests
    rates = {c.effect: (c.any_grade_pct, c.grade3plus_pct) for c in out.counselling}
    assert rates["Cognitive impairment"] == (27, 4.5)


def test_entrectinib_unread_rows_warn(kb):  # type: ignore[no-untyped-def]
    out = _run(kb, "entrectinib", 600, "Electrocardiogram QT corrected interval prolonged", 3)
    assert out.toxicity == []
    assert any("no label row found" in w for w in out.warnings)
