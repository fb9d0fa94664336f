"""Label dose-modification rows of ponatinib and pazopanib, cell by cell, and one vignette each.

Sources (all read in re-hosts or monographs, so ``secondary``): Iclusig (ponatinib) current US
PI 2.2 Table 1, row 'AOE: cardiovascular or cerebrovascular' (prescriberpoint re-host):
Grade 1 -> interrupt until resolved, resume at the same dose; Grade 2 -> interrupt until
Grade 0-1, resume at the next lower dose, discontinue if it recurs; Grade 3-4 -> discontinue.
Older Iclusig PI myelosuppression table (drugs.com/recallguide verbatim): ANC < 1.0 or
platelets < 50 -> interrupt, resume 45 mg, then 30 mg, then 15 mg. Votrient (pazopanib)
current US PI 2.2 Table 1 soft-tissue-sarcoma column (medlibrary/prescriberpoint re-hosts of
the DailyMed text): 600 then 400 mg, discontinue if 400 mg is not tolerated; hepatotoxicity
rows (older PI wording in a dosing monograph): isolated ALT 3-8 x ULN -> continue with weekly
tests; > 8 x ULN -> withhold, resume at no more than 400 mg if benefit outweighs risk;
ALT > 3 x ULN with bilirubin > 2 x ULN -> discontinue; recurrence after reduction -> discontinue.
"""

from __future__ import annotations

import pytest

from conftest import TODAY
from gistcds.assess import assess
from gistcds.io.patient_json import patient_from_obj
from toxicity_helpers import lookup, patient

MI = "Myocardial infarction"
ALT = "Alanine aminotransferase increased"
HY = {"alt_x_uln": 4.0, "bilirubin_x_uln": 2.5}

CELLS = [
    # (drug, term, grade, dose, occurrence, labs, action, new dose, rule)
    ("ponatinib", MI, 1, 30, 1, None, "hold", 30, "PO-01"),
    ("ponatinib", "Stroke", 1, 45, 1, None, "hold", 45, "PO-01"),
    ("ponatinib", MI, 2, 45, 1, None, "hold", 30, "PO-02"),
    ("ponatinib", MI, 2, 30, 1, None, "hold", 15, "PO-02"),
    ("ponatinib", "Stroke", 2, 15, 2, None, "discontinue", None, "PO-03"),
    ("ponatinib", MI, 3, 30, 1, None, "discontinue", None, "PO-04"),
    ("ponatinib", "Stroke", 4, 45, 1, None, "discontinue", None, "PO-04"),
    ("ponatinib", "Neutrophil count decreased", 3, 45, 1, None, "hold", 45, "PO-05"),
    ("ponatinib", "Platelet count decreased", 4, 45, 2, None, "hold", 30, "PO-06"),
    ("ponatinib", "Neutrophil count decreased", 4, 30, 3, None, "hold", 15, "PO-06"),
    ("ponatinib", MI, 5, 30, 1, None, "discontinue", None, "PO-99"),
    ("pazopanib", ALT, 2, 800, 1, HY, "discontinue", None, "PZ-01"),
    ("pazopanib", ALT, 2, 400, 2, None, "discontinue", None, "PZ-02"),
    ("pazopanib", ALT, 3, 800, 1, {"alt_x_uln": 10.0}, "hold", None, "PZ-03"),
    ("pazopanib", ALT, 4, 800, 1, None, "hold", None, "PZ-04"),
    ("pazopanib", ALT, 2, 800, 1, None, "continue", 800, "PZ-05"),
    ("pazopanib", ALT, 3, 600, 1, {"alt_x_uln": 6.0}, "continue", 600, "PZ-05b"),
    ("pazopanib", ALT, 3, 800, 1, None, "hold", None, "PZ-06"),
    ("pazopanib", "Fatigue", 5, 800, 1, None, "discontinue", None, "PZ-99"),
]


@pytest.mark.parametrize(
    ("drug", "term", "grade", "dose", "occ", "labs", "action", "new_dose", "rule"), CELLS
)
def test_label_cell(kb, drug, term, grade, dose, occ, labs, action, new_dose, rule):  # type: ignore[no-untyped-def]
    advice = lookup(kb, drug, term, grade, dose, occurrence=occ, labs=labs)
    assert (advice.action, advice.dose_mg_per_day, advice.rule_id) == (action, new_dose, rule)


def test_levels_and_steps_match_the_labels(kb):  # type: ignore[no-untyped-def]
    from gistcds.knowledge.schema.toxicity_dose_modifications import Table as DoseMods

    table = kb.table("toxicity_dose_modifications", DoseMods)
    pona, pazo = table.for_drug("ponatinib"), table.for_drug("pazopanib")
    assert pona is not None and pazo is not None
    assert (pona.levels, pona.below_lowest) == ([45, 30, 15], "flag")
    assert (pazo.levels, pazo.below_lowest) == ([800, 600, 400], "discontinue")


def _on(drug: str, dose: float, event: dict[str, object], **extra: object) -> dict[str, object]:
    return patient(
        metastatic={"diagnosed": "2023-01-10", "sites": ["liver"]},
        therapy_lines=[
            {"drug": drug, "dose_mg_per_day": dose, "setting": "metastatic", "start": "2026-06-01"}
        ],
        adverse_events=[event],
        **extra,
    )


def test_vignette_ponatinib_grade2_myocardial_infarction(kb):  # type: ignore[no-untyped-def]
    """Fifth-line KIT exon 11 GIST on ponatinib 30 mg once daily: Grade 2 myocardial
    infarction -> interrupt until Grade 0-1, resume at the next lower dose, 15 mg once daily
    (Iclusig US PI 2.2 Table 1, AOE cardiovascular row; steps from the older PI); liver tests
    and lipase listed among the checks."""
    event = {"term": MI, "grade": 2, "drug": "ponatinib", "onset": "2026-10-01", "resolved": None}
    out = assess(patient_from_obj(_on("ponatinib", 30, event), today=TODAY), kb)
    (t,) = out.toxicity
    assert (t.drug, t.action, t.dose_mg_per_day, t.schedule) == (
        "ponatinib",
        "hold",
        15,
        "15 mg once daily",
    )
    assert "label-iclusig-us" in t.source_ids and t.confidence == "secondary"
    tests = [m.test for m in out.monitoring if m.drug == "ponatinib"]
    assert any("lipase" in x for x in tests) and any("liver" in x for x in tests)


def test_vignette_pazopanib_alt_above_8_uln(kb):  # type: ignore[no-untyped-def]
    """GIST on pazopanib 800 mg (PAZOGIST dose): isolated ALT 400 U/L with ULN 40 (10 x ULN,
    CTCAE Grade 3), bilirubin normal -> withhold until Grade 1 or baseline, then resume at no
    more than 400 mg with weekly liver tests for 8 weeks (Votrient US PI 2.2 hepatotoxicity
    recommendations); no resumption dose is given because the label caps it, not steps it."""
    event = {"term": ALT, "grade": 3, "drug": "pazopanib", "onset": "2026-10-01", "resolved": None}
    labs = {
        "alt_u_per_l": 400,
        "alt_uln_u_per_l": 40,
        "bilirubin_umol_per_l": 10,
        "bilirubin_uln_umol_per_l": 20,
    }
    out = assess(patient_from_obj(_on("pazopanib", 800, event, labs=labs), today=TODAY), kb)
    (t,) = out.toxicity
    assert (t.drug, t.action, t.dose_mg_per_day, t.rule_id) == ("pazopanib", "hold", None, "PZ-03")
    assert t.resume_when is not None and "400 mg" in t.resume_when
    tests = [m.test for m in out.monitoring if m.drug == "pazopanib"]
    assert any("liver" in x for x in tests)
