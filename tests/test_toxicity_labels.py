"""Each drug's label dose-modification table, cell by cell: (event, grade, occurrence,
current dose) -> (action, dose to resume at or continue with, rule)."""

from __future__ import annotations

import pytest

from toxicity_helpers import lookup

NEUT = "Neutrophil count decreased"
PLT = "Platelet count decreased"
ALT = "Alanine aminotransferase increased"
BILI = "Blood bilirubin increased"
HFSR = "Palmar-plantar erythrodysesthesia syndrome"
HTN = "Hypertension"
OEDEMA = "Edema limbs"
FATIGUE = "Fatigue"

# drug, term, grade, occurrence, current dose -> action, dose, rule id
CELLS = [
    # imatinib: haematological (GIST start 400 mg), hepatic, severe other, below threshold
    ("imatinib", NEUT, 3, 1, 400, "hold", 400, "IM-01"),
    ("imatinib", NEUT, 4, 1, 400, "hold", 400, "IM-01"),
    ("imatinib", PLT, 3, 1, 400, "hold", 400, "IM-01"),
    ("imatinib", NEUT, 3, 2, 400, "hold", 300, "IM-02"),
    ("imatinib", PLT, 4, 3, 400, "hold", 300, "IM-02"),
    ("imatinib", NEUT, 3, 1, 800, "hold", None, "IM-03"),
    ("imatinib", NEUT, 2, 1, 400, "continue", 400, "IM-06"),
    ("imatinib", NEUT, 1, 1, 400, "continue", 400, "IM-06"),
    ("imatinib", ALT, 3, 1, 400, "hold", 300, "IM-04"),
    ("imatinib", ALT, 4, 1, 600, "hold", 400, "IM-04"),
    ("imatinib", BILI, 3, 1, 800, "hold", 600, "IM-04"),
    ("imatinib", ALT, 2, 1, 400, "continue", 400, "IM-06"),
    ("imatinib", OEDEMA, 3, 1, 400, "hold", 400, "IM-05"),
    ("imatinib", OEDEMA, 2, 1, 400, "continue", 400, "IM-06"),
    ("imatinib", FATIGUE, 5, 1, 400, "discontinue", None, "IM-99"),
    # sunitinib
    ("sunitinib", ALT, 3, 1, 50, "hold", 37.5, "SU-01"),
    ("sunitinib", ALT, 3, 1, 37.5, "hold", 25, "SU-01"),
    ("sunitinib", BILI, 3, 2, 50, "discontinue", None, "SU-02"),
    ("sunitinib", ALT, 4, 1, 50, "discontinue", None, "SU-03"),
    ("sunitinib", "Heart failure", 3, 1, 50, "discontinue", None, "SU-04"),
    ("sunitinib", "Ejection fraction decreased", 2, 1, 50, "hold", 37.5, "SU-05"),
    ("sunitinib", HTN, 3, 1, 50, "hold", 50, "SU-06"),
    ("sunitinib", "Hypothyroidism", 2, 1, 50, "continue", 50, "SU-07"),
    ("sunitinib", HFSR, 3, 1, 50, "hold", 37.5, "SU-08"),
    ("sunitinib", "Diarrhea", 2, 1, 37.5, "continue", 37.5, "SU-09"),
    # regorafenib
    ("regorafenib", HFSR, 1, 1, 160, "continue", 160, "RE-01"),
    ("regorafenib", HFSR, 2, 1, 160, "reduce", 120, "RE-02"),
    ("regorafenib", HFSR, 2, 1, 120, "reduce", 80, "RE-02"),
    ("regorafenib", HFSR, 2, 2, 120, "hold", 80, "RE-03"),
    ("regorafenib", HFSR, 3, 1, 160, "hold", 120, "RE-04"),
    ("regorafenib", HFSR, 3, 2, 120, "hold", 80, "RE-04"),
    ("regorafenib", HFSR, 3, 1, 80, "discontinue", None, "RE-04"),
    ("regorafenib", ALT, 4, 1, 160, "discontinue", None, "RE-07"),
    ("regorafenib", ALT, 3, 2, 120, "discontinue", None, "RE-08"),
    ("regorafenib", ALT, 3, 1, 160, "hold", 120, "RE-09"),
    ("regorafenib", HTN, 2, 1, 160, "hold", 160, "RE-10"),
    ("regorafenib", "Diarrhea", 3, 1, 160, "hold", 120, "RE-11"),
    ("regorafenib", "Diarrhea", 3, 1, 120, "hold", 80, "RE-11"),
    ("regorafenib", FATIGUE, 4, 1, 160, "discontinue", None, "RE-12"),
    ("regorafenib", FATIGUE, 2, 1, 160, "continue", 160, "RE-13"),
    # ripretinib
    ("ripretinib", HFSR, 2, 1, 150, "hold", 150, "RI-01"),
    ("ripretinib", HFSR, 2, 2, 150, "hold", 100, "RI-02"),
    ("ripretinib", HFSR, 3, 1, 150, "hold", 100, "RI-03"),
    ("ripretinib", HFSR, 3, 1, 100, "discontinue", None, "RI-03"),
    ("ripretinib", HTN, 3, 1, 150, "hold", 150, "RI-04"),
    ("ripretinib", HTN, 3, 2, 150, "hold", 100, "RI-05"),
    ("ripretinib", HTN, 4, 1, 150, "discontinue", None, "RI-06"),
    (
        "ripretinib",
        "Left ventricular systolic dysfunction",
        3,
        1,
        150,
        "discontinue",
        None,
        "RI-07",
    ),
    ("ripretinib", "Arthralgia", 2, 1, 150, "hold", 150, "RI-08"),
    ("ripretinib", "Arthralgia", 3, 1, 150, "hold", 100, "RI-09"),
    ("ripretinib", "Nausea", 1, 1, 150, "continue", 150, "RI-10"),
    # avapritinib
    ("avapritinib", "Intracranial hemorrhage", 3, 1, 300, "discontinue", None, "AV-01"),
    ("avapritinib", "Intracranial hemorrhage", 1, 2, 300, "discontinue", None, "AV-02"),
    ("avapritinib", "Intracranial hemorrhage", 2, 1, 300, "discontinue", None, "AV-03"),
    ("avapritinib", "Cognitive disturbance", 1, 1, 300, "continue", 300, "AV-04"),
    ("avapritinib", "Memory impairment", 2, 1, 300, "hold", 300, "AV-05"),
    ("avapritinib", "Confusion", 3, 1, 200, "hold", 200, "AV-05"),
    ("avapritinib", "Cognitive disturbance", 4, 1, 300, "discontinue", None, "AV-06"),
    ("avapritinib", "Periorbital edema", 3, 1, 300, "hold", 300, "AV-07"),
    ("avapritinib", "Periorbital edema", 1, 1, 300, "continue", 300, "AV-08"),
]


@pytest.mark.parametrize(
    ("drug", "term", "grade", "occurrence", "dose", "action", "resume", "rule"), CELLS
)
def test_label_cell(kb, drug, term, grade, occurrence, dose, action, resume, rule):  # type: ignore[no-untyped-def]
    advice = lookup(kb, drug, term, grade, dose, occurrence)
    assert (advice.action, advice.dose_mg_per_day, advice.rule_id) == (action, resume, rule)
    assert advice.source_ids and advice.evidence


@pytest.mark.parametrize(
    ("labs", "action", "rule"),
    [
        ({"transaminases_x_uln": 25.0}, "discontinue", "RE-05"),
        ({"transaminases_x_uln": 4.0, "bilirubin_x_uln": 2.5}, "discontinue", "RE-06"),
        ({"transaminases_x_uln": 4.0, "bilirubin_x_uln": 1.5}, "hold", "RE-09"),
        ({"alt_x_uln": 25.0}, "hold", "RE-09"),  # the rows read the higher of ALT and AST
        ({}, "hold", "RE-09"),
    ],
)
def test_regorafenib_liver_rules_use_labs(kb, labs, action, rule):  # type: ignore[no-untyped-def]
    advice = lookup(kb, "regorafenib", ALT, 3, 160, labs=labs)
    assert (advice.action, advice.rule_id) == (action, rule)


def test_hold_says_when_to_resume_and_continue_does_not(kb):  # type: ignore[no-untyped-def]
    held = lookup(kb, "imatinib", NEUT, 3, 400)
    assert held.resume_when == "ANC ≥ 1.5 × 10⁹/L and platelets ≥ 75 × 10⁹/L"
    assert lookup(kb, "imatinib", NEUT, 2, 400).resume_when is None


def test_imatinib_below_300_is_flagged(kb):  # type: ignore[no-untyped-def]
    advice = lookup(kb, "imatinib", ALT, 3, 300)
    assert advice.action == "hold" and advice.dose_mg_per_day is None
    assert any("below 300 mg" in f for f in advice.flags)
    assert any("below 300 mg" in f for f in lookup(kb, "imatinib", FATIGUE, 1, 200).flags)


def test_schedule_follows_the_dose(kb):  # type: ignore[no-untyped-def]
    assert lookup(kb, "regorafenib", HFSR, 3, 160).schedule == (
        "120 mg once daily, days 1-21 of each 28-day cycle"
    )
    assert lookup(kb, "imatinib", NEUT, 3, 800).schedule is None


def test_levels_agree_with_therapy_reduction_steps(kb):  # type: ignore[no-untyped-def]
    from gistcds.knowledge.schema.therapy_drugs import Table as Drugs
    from gistcds.knowledge.schema.toxicity_dose_modifications import Table as DoseMods

    steps = {d.inn: d.reduction_steps for d in kb.table("therapy_drugs", Drugs).drugs}
    for table in kb.table("toxicity_dose_modifications", DoseMods).drugs:
        assert table.levels == steps[table.drug], table.drug
