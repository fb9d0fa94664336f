"""Clinical vignettes through the whole assessment: one patient record in, the side-effect
advice out (issue 17's three vignettes, then one per drug)."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import TODAY
from gistcds.assess import assess
from gistcds.domain.assessment import Assessment
from gistcds.io.patient_json import patient_from_obj
from toxicity_helpers import patient


def run(kb: Any, drug: str, dose: float, *events: dict[str, Any], **extra: Any) -> Assessment:
    record = patient(
        metastatic={"diagnosed": "2025-01-10", "sites": ["liver"]},
        therapy_lines=[
            {"drug": drug, "dose_mg_per_day": dose, "setting": "metastatic", "start": "2025-02-01"}
        ],
        adverse_events=list(events),
        **extra,
    )
    return assess(patient_from_obj(record, today=TODAY), kb)


def ae(term: str, grade: int, **kw: Any) -> dict[str, Any]:
    return {"term": term, "grade": grade, "onset": "2026-10-01", "resolved": None, **kw}


def test_grade3_neutropenia_on_imatinib_400_holds_then_resumes_400(kb):  # type: ignore[no-untyped-def]
    out = run(kb, "imatinib", 400, ae("Neutrophil count decreased", 3, drug="imatinib"))
    (t,) = out.toxicity
    assert (t.action, t.dose_mg_per_day) == ("hold", 400)
    assert t.resume_when is not None and "ANC ≥ 1.5" in t.resume_when
    assert any(f.startswith("BFR14") for f in t.flags) and "lecesne2010" in t.source_ids


def test_recurrent_grade3_neutropenia_on_imatinib_resumes_300(kb):  # type: ignore[no-untyped-def]
    first = ae("Neutrophil count decreased", 3, drug="imatinib")
    first.update(onset="2026-05-01", resolved="2026-05-20")
    out = run(kb, "imatinib", 400, first, ae("Neutrophil count decreased", 3, drug="imatinib"))
    (t,) = out.toxicity  # the resolved episode gives no advice of its own
    assert (t.action, t.dose_mg_per_day, t.occurrence) == ("hold", 300, 2)


def test_grade3_hfsr_on_regorafenib_interrupts_then_120(kb):  # type: ignore[no-untyped-def]
    out = run(kb, "regorafenib", 160, ae("Palmar-plantar erythrodysesthesia syndrome", 3))
    (t,) = out.toxicity
    assert (t.action, t.dose_mg_per_day, t.drug) == ("hold", 120, "regorafenib")
    assert any("urea" in m.lower() for m in t.management)


def test_grade1_periorbital_oedema_on_imatinib_continues_with_measures(kb):  # type: ignore[no-untyped-def]
    out = run(kb, "imatinib", 400, ae("Periorbital edema", 1))
    (t,) = out.toxicity
    assert (t.action, t.dose_mg_per_day) == ("continue", 400)
    assert any("salt" in m for m in t.management)
    assert not any(f.startswith("BFR14") for f in t.flags)


def test_sunitinib_grade3_hepatotoxicity_withholds_then_37_5(kb):  # type: ignore[no-untyped-def]
    out = run(kb, "sunitinib", 50, ae("Alanine aminotransferase increased", 3))
    (t,) = out.toxicity
    assert (t.action, t.dose_mg_per_day) == ("hold", 37.5)
    assert t.schedule == "37.5 mg once daily"


def test_ripretinib_grade2_ppes_withholds_same_dose(kb):  # type: ignore[no-untyped-def]
    out = run(kb, "ripretinib", 150, ae("Hand-foot skin reaction", 2))
    (t,) = out.toxicity
    assert (t.event, t.action, t.dose_mg_per_day) == (
        "Palmar-plantar erythrodysesthesia syndrome",
        "hold",
        150,
    )


def test_avapritinib_intracranial_haemorrhage_discontinues(kb):  # type: ignore[no-untyped-def]
    out = run(kb, "avapritinib", 300, ae("Intracranial hemorrhage", 1))
    (t,) = out.toxicity
    assert (t.action, t.dose_mg_per_day) == ("discontinue", None)
    assert any("imaging" in m for m in t.management)


def test_regorafenib_hy_law_labs_discontinue(kb):  # type: ignore[no-untyped-def]
    labs = {
        "alt_u_per_l": 160,
        "alt_uln_u_per_l": 40,
        "bilirubin_umol_per_l": 50,
        "bilirubin_uln_umol_per_l": 20,
    }
    out = run(kb, "regorafenib", 160, ae("Alanine aminotransferase increased", 2), labs=labs)
    (t,) = out.toxicity
    assert (t.action, t.rule_id) == ("discontinue", "RE-06")


@pytest.mark.parametrize(
    ("alt", "ast", "rule"),
    [((50, 40), (160, 40), "RE-06"), ((160, 40), (30, 40), "RE-06"), ((50, 40), (50, 40), "RE-09")],
)
def test_regorafenib_ast_or_alt_rows_read_the_higher_of_the_two(kb, alt, ast, rule):  # type: ignore[no-untyped-def]
    """The label's "AST/ALT > 3 x ULN with bilirubin > 2 x ULN" holds on either enzyme: an
    AST of 4 x ULN with a near-normal ALT stops regorafenib as an ALT of 4 x ULN does."""
    labs = {
        "alt_u_per_l": alt[0],
        "alt_uln_u_per_l": alt[1],
        "ast_u_per_l": ast[0],
        "ast_uln_u_per_l": ast[1],
        "bilirubin_umol_per_l": 50,
        "bilirubin_uln_umol_per_l": 20,
    }
    out = run(kb, "regorafenib", 160, ae("Aspartate aminotransferase increased", 3), labs=labs)
    (t,) = out.toxicity
    assert t.rule_id == rule


@pytest.mark.parametrize("named", ["imatinib 400 mg", "Gleevec", "imatinib"])
def test_event_drug_is_read_as_its_inn_like_the_lines(kb, named):  # type: ignore[no-untyped-def]
    """An event's drug goes through the same name matcher as the therapy lines: "imatinib
    400 mg" used to miss the imatinib label table (no advice, a warning) while the
    tolerance facts read the same event as imatinib."""
    out = run(kb, "imatinib", 400, ae("Neutrophil count decreased", 3, drug=named))
    (t,) = out.toxicity
    assert (t.drug, t.action, t.dose_mg_per_day) == ("imatinib", "hold", 400)
    assert not any("no label dose-modification table" in w for w in out.warnings)


def test_event_without_drug_on_two_current_drugs_warns(kb):  # type: ignore[no-untyped-def]
    record = patient(
        therapy_lines=[
            {"drug": "dabrafenib", "dose_mg_per_day": 300, "start": "2025-02-01"},
            {"drug": "trametinib", "dose_mg_per_day": 2, "start": "2025-02-01"},
        ],
        adverse_events=[ae("Fatigue", 2)],
    )
    out = assess(patient_from_obj(record, today=TODAY), kb)
    assert out.toxicity == []
    assert any("no drug recorded" in w for w in out.warnings)


@pytest.mark.parametrize(
    "drug", ["imatinib", "sunitinib", "regorafenib", "ripretinib", "avapritinib"]
)
def test_counselling_and_monitoring_for_the_current_drug(kb, drug):  # type: ignore[no-untyped-def]
    dose = {
        "imatinib": 400,
        "sunitinib": 50,
        "regorafenib": 160,
        "ripretinib": 150,
        "avapritinib": 300,
    }[drug]
    out = run(kb, drug, dose)
    mine = [c for c in out.counselling if c.drug == drug]
    assert mine and all(c.source_ids for c in mine)
    assert [m for m in out.monitoring if m.drug == drug]
    assert out.patient_guides[0].drug == drug and out.patient_guides[0].current


def test_counselling_rates_are_the_cited_ones(kb):  # type: ignore[no-untyped-def]
    out = run(kb, "sunitinib", 50)
    diarrhoea = next(c for c in out.counselling if c.effect == "Diarrhoea")
    assert (diarrhoea.any_grade_pct, diarrhoea.grade3plus_pct) == (40, 4)
    assert "demetri2006" in diarrhoea.source_ids


def test_tolerance_facts_for_the_ranking(kb):  # type: ignore[no-untyped-def]
    """The per-drug tolerance the ranking reads: the ClinicalFacts' (history engine), the one
    definition since issue 13 (toxicity's own copy went), and the label's next lower dose."""
    from gistcds.history import canonical_drug_names, clinical_facts
    from gistcds.knowledge.schema.toxicity_dose_modifications import Table as DoseMods
    from gistcds.toxicity import next_level

    record = patient(
        metastatic={"sites": ["liver"]},
        therapy_lines=[
            {
                "drug": "Glivec",
                "dose_mg_per_day": 400,
                "start": "2024-01-01",
                "end": "2024-06-01",
                "stop_reason": "toxicity",
            },
            {"drug": "sunitinib", "dose_mg_per_day": 25, "start": "2024-07-01"},
        ],
        adverse_events=[
            {
                "term": "Neutrophil count decreased",
                "grade": 4,
                "drug": "imatinib",
                "onset": "2024-05-20",
                "resolved": "2024-06-10",
            },
        ],
    )
    p = canonical_drug_names(patient_from_obj(record, today=TODAY), kb)
    facts = clinical_facts(p, None, assess(p, kb).risk, [], kb)
    im, su = facts.tolerance_of("imatinib"), facts.tolerance_of("sunitinib")
    assert im is not None and su is not None
    assert (im.worst_grade, im.life_threatening) == (4, True)
    assert im.intolerant_without_progression
    assert (su.worst_grade, su.life_threatening, su.stopped_for_toxicity) == (None, False, False)
    mods = kb.get(DoseMods)
    assert next_level(mods.for_drug("imatinib").levels, 400) == 300
    assert su.lowest_dose_mg_per_day == 25 and mods.for_drug("sunitinib").levels[-1] <= 25
