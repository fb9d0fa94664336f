"""Issue 12 item 1: organ function and pregnancy change the plan, not only the text.

General rule (``therapy_label_limits.yaml``, applied by ``therapy/limits.py`` to every
option whatever rule proposed it): an option whose label does not recommend the drug for
the patient's organ function or pregnancy is never ranked first and never the only
treatment option; when nothing unrestricted remains, supportive care and clinical-trial
referral come first with the reason; doses above the label's ceiling for the patient's
organ function are not offered.

Sources (label wording as read, ../shared/reference/toxicity.md §1.3, §2.3, §3.3, §6.2):
regorafenib US PI 8.6 (Child-Pugh C: not recommended, not studied); sunitinib EU SmPC
(Child-Pugh C: not studied); imatinib US PI (CrCL 40-59 mL/min: > 600 mg not recommended;
20-39: start at 50 %, > 400 mg not recommended), EU SmPC (hepatic impairment: 400 mg/day),
Ramanathan 2008 (NCI-ODWG: at most 300 mg/day evaluated in severe hepatic dysfunction).
"""

from __future__ import annotations

from typing import Any

import pytest

from gistcds.domain.assessment import Assessment
from gistcds.knowledge import KnowledgeBase
from review_helpers import D842V, KIT9, KIT11, codes, line, metastatic, mol, run


def _prog(drug: str, dose: float) -> dict[str, Any]:
    return {**line(drug, dose), "progression": "generalized"}


def _first(a: Assessment) -> Any:
    return a.recommendations[0]


def _systemic(a: Assessment) -> list[tuple[str, float | None]]:
    return [
        (i.drug, i.dose_mg_per_day)
        for r in a.recommendations
        if r.kind == "systemic"
        for i in r.regimen
    ]


def test_child_pugh_c_after_imatinib_and_sunitinib_regorafenib_never_first_nor_alone(
    kb: KnowledgeBase,
) -> None:
    """Child-Pugh C after imatinib and sunitinib: regorafenib (label: not recommended in
    Child-Pugh C, US PI 8.6) is listed last and marked; supportive care and trial referral
    come first and say why (issue 12 item 1, first vignette)."""
    a = run(
        metastatic(
            molecular=mol(KIT11),
            hepatic_impairment="severe",
            therapy_lines=[_prog("imatinib", 400), _prog("sunitinib", 50)],
        ),
        kb,
    )
    kinds = [r.kind for r in a.recommendations]
    assert kinds[:2] == ["supportive", "trial"]
    assert "regorafenib" in _first(a).rationale
    rego = next(r for r in a.recommendations if r.regimen)
    assert rego.regimen[0].drug == "regorafenib"
    guideline = [r for r in a.recommendations if not r.rule_id.startswith("trial:")]
    assert rego is guideline[-1]  # matched trials (issue 20) come after every guideline option
    assert [n.level for n in rego.label_restrictions] == ["not_recommended"]
    assert "not recommended" in rego.title
    assert "label_not_recommended_regorafenib" in codes(a)


def test_child_pugh_c_progression_on_imatinib_400_no_escalation(kb: KnowledgeBase) -> None:
    """Child-Pugh C with generalized progression on imatinib 400: no label supports 800 mg
    (EU: 400 mg/day; NCI-ODWG: <= 300 mg/day studied): escalation is not offered; sunitinib
    is marked 'not studied' and supportive care and trial referral are listed."""
    a = run(
        metastatic(
            molecular=mol(KIT11),
            hepatic_impairment="severe",
            therapy_lines=[_prog("imatinib", 400)],
        ),
        kb,
    )
    assert ("imatinib", 800.0) not in _systemic(a)
    assert _first(a).regimen[0].drug == "sunitinib"
    assert "not studied" in _first(a).title
    assert {"supportive", "trial"} <= {r.kind for r in a.recommendations}
    ceiling = next(c for c in a.cautions if c.code == "label_dose_ceiling_imatinib")
    assert "800" in ceiling.message


@pytest.mark.parametrize("crcl", [20, 30, 39.9])
def test_crcl_20_39_imatinib_ceiling_400(crcl: float, kb: KnowledgeBase) -> None:
    """CrCL 20-39 mL/min on imatinib 400 with progression: the US label does not recommend
    more than 400 mg/day, so escalation to 800 is not offered; the caution gives the 50 %
    starting-dose rule."""
    a = run(
        metastatic(
            molecular=mol(KIT11),
            renal={"creatinine_clearance_ml_min": crcl},
            therapy_lines=[_prog("imatinib", 400)],
        ),
        kb,
    )
    assert all(d <= 400 for drug, d in _systemic(a) if drug == "imatinib" and d)
    assert ("imatinib", 800.0) not in _systemic(a)
    c = next(c for c in a.cautions if c.code == "label_dose_ceiling_imatinib")
    assert c.rule_id == "LBL-imatinib-renal-20-39" and "50%" in c.message


def test_crcl_40_59_exon9_first_line_not_800(kb: KnowledgeBase) -> None:
    """KIT exon 9, CrCL 50 mL/min: 800 mg exceeds the label's 600 mg ceiling; 400 mg first."""
    a = run(metastatic(molecular=mol(KIT9), renal={"creatinine_clearance_ml_min": 50}), kb)
    assert _systemic(a)[0] == ("imatinib", 400.0)
    assert ("imatinib", 800.0) not in _systemic(a)


def test_normal_renal_function_keeps_escalation(kb: KnowledgeBase) -> None:
    """Control: CrCL 90 mL/min and no hepatic impairment: PR-01 escalation to 800 stays."""
    a = run(
        metastatic(
            molecular=mol(KIT11),
            renal={"creatinine_clearance_ml_min": 90},
            therapy_lines=[_prog("imatinib", 400)],
        ),
        kb,
    )
    assert ("imatinib", 800.0) in _systemic(a)
    assert not any(c.code.startswith("label_") for c in a.cautions)


def test_pregnant_d842v_avapritinib_not_first(kb: KnowledgeBase) -> None:
    """Pregnant, PDGFRA D842V, untreated: avapritinib is teratogenic (avoid in pregnancy,
    FDA approval summary; NCI PDQ): observation comes first, avapritinib is listed after it
    and marked."""
    a = run(metastatic(molecular=mol(D842V), sex="female", pregnant=True, age_years=33), kb)
    assert _first(a).kind == "surveillance"
    ava = next(r for r in a.recommendations if r.regimen)
    assert ava.regimen[0].drug == "avapritinib"
    assert ava.label_restrictions[0].level == "not_recommended"
    assert "pregnancy" in codes(a)


def test_restrictions_are_kb_data(kb: KnowledgeBase) -> None:
    """Every restriction names a known drug, cites a source and has a level; no per-drug
    code: the table is the only place a label rule lives."""
    from gistcds.knowledge.schema import therapy_drugs, therapy_label_limits

    table = kb.get(therapy_label_limits.Table)
    known = {d for d, _ in kb.get(therapy_drugs.Table).names()}
    assert table.restrictions
    for r in table.restrictions:
        assert r.drug in known and r.source_ids
