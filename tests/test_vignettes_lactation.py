"""Breastfeeding (docs/review.md part 6, V3-O2) and ripretinib in pregnancy (V3-O1).

A breastfeeding patient gets, for every TKI proposed (or continued), a critical caution with
its label's advice: stop breast-feeding during treatment and for the interval after the last
dose the label names. The options keep their place (the patient decides whether to stop
breast-feeding). Each test failed before its change (the field did not exist, or ripretinib
was unmarked in pregnancy).

Sources (therapy_label_limits.yaml notes): the EU package leaflets of Glivec, Sutent,
Stivarga, Qinlock, Ayvakyt and Vitrakvi (Gravitate Health ePI test bundles, each with its EU
number), LactMed (sunitinib; the manufacturer's 4 weeks), drug-information restatements of
the US labels (imatinib 1 month, larotrectinib 1 week); FHIR: LOINC 63895-7 "Breastfeeding
status" with answers LA29252-6 / LA29253-4 (fhir/terminology.yaml evidence).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from gistcds.domain.assessment import Assessment
from gistcds.domain.patient import Patient
from gistcds.knowledge import KnowledgeBase
from review_helpers import D842V, KIT11, codes, line, metastatic, mol, patient, run
from tests.conftest import example
from tests.test_fhir_roundtrip import roundtrip

GISTCDS = str(Path(sys.executable).parent / "gistcds")
BASE = example("progression-after-imatinib.json")

FOURTH_LINE = [line("imatinib", 400), line("sunitinib", 50), line("regorafenib", 160)]

# drug proposed -> (history that proposes it, phrases its caution must contain)
CASES: dict[str, tuple[dict[str, Any], tuple[str, ...]]] = {
    "imatinib": ({"molecular": mol(KIT11)}, ("15 days after ending treatment", "1 month")),
    "sunitinib": (
        {"molecular": mol(KIT11), "therapy_lines": [line("imatinib", 400)]},
        ("at least 4 weeks after the last dose",),
    ),
    "regorafenib": (
        {"molecular": mol(KIT11), "therapy_lines": FOURTH_LINE[:2]},
        ("must be discontinued during treatment", "was not read", "check the current label"),
    ),
    "ripretinib": (
        {"molecular": mol(KIT11), "therapy_lines": FOURTH_LINE},
        ("at least 1 week after completing treatment",),
    ),
    "avapritinib": ({"molecular": mol(D842V)}, ("at least 2 weeks following the last dose",)),
    "larotrectinib": (
        {"molecular": mol(sdhb="retained", fusions=[["ETV6", "NTRK3"]])},
        ("3 days after the last dose", "1 week after the final dose"),
    ),
}


def _woman(fields: dict[str, Any], **extra: Any) -> Patient:
    return metastatic(sex="female", age_years=33, **fields, **extra)


def _order(a: Assessment) -> list[tuple[str, list[str]]]:
    return [(r.rule_id, [i.drug for i in r.regimen]) for r in a.recommendations]


def _bf_cautions(a: Assessment) -> dict[str, Any]:
    return {c.code: c for c in a.cautions if c.code.startswith("breastfeeding_")}


@pytest.mark.parametrize("drug", list(CASES))
def test_breastfeeding_caution_per_drug_with_its_interval(kb: KnowledgeBase, drug: str) -> None:
    """The proposed drug's caution is critical and names the label's interval (or says it
    was not read); every option with the drug is marked with the advice; none is removed
    or moved, and no 'restricted option' block is added."""
    fields, phrases = CASES[drug]
    plain = run(_woman(fields), kb)
    a = run(_woman(fields, breastfeeding=True), kb)
    caution = _bf_cautions(a)[f"breastfeeding_{drug}"]
    assert caution.severity == "critical"
    assert caution.rule_id == f"LBL-{drug}-breastfeeding"
    for phrase in phrases:
        assert phrase in caution.message, phrase
    assert _order(a) == _order(plain)
    assert "LBL-NONE" not in [r.rule_id for r in a.recommendations]
    with_drug = [r for r in a.recommendations if any(i.drug == drug for i in r.regimen)]
    assert with_drug
    for rec in with_drug:
        notes = [n for n in rec.label_restrictions if n.drug == drug]
        assert [(n.rule_id, n.level) for n in notes] == [(f"LBL-{drug}-breastfeeding", "advice")]
        assert "breast-feed" in rec.title


def test_every_tki_in_play_gets_its_own_caution(kb: KnowledgeBase) -> None:
    """Progression on imatinib: imatinib escalation and sunitinib are both proposed, so both
    labels' advice is given (NTRK fusion: larotrectinib and entrectinib likewise)."""
    a = run(_woman(CASES["sunitinib"][0], breastfeeding=True), kb)
    assert set(_bf_cautions(a)) == {"breastfeeding_imatinib", "breastfeeding_sunitinib"}
    b = run(_woman(CASES["larotrectinib"][0], breastfeeding=True), kb)
    assert set(_bf_cautions(b)) == {"breastfeeding_larotrectinib", "breastfeeding_entrectinib"}
    assert "7 days after the last dose" in _bf_cautions(b)["breastfeeding_entrectinib"].message


def test_ongoing_imatinib_continued_still_gets_the_caution(kb: KnowledgeBase) -> None:
    """Controlled disease on imatinib: 'continue imatinib' is the plan, and the drug is in
    play, so the breastfeeding advice is given."""
    ongoing = {**line("imatinib", 400), "end": None, "stop_reason": None, "progression": None}
    a = run(_woman({"molecular": mol(KIT11), "therapy_lines": [ongoing]}, breastfeeding=True), kb)
    assert a.recommendations[0].rule_id == "MF-10"
    assert set(_bf_cautions(a)) == {"breastfeeding_imatinib"}


@pytest.mark.parametrize("value", [False, None])
def test_not_breastfeeding_or_unrecorded_gets_no_caution(
    kb: KnowledgeBase, value: bool | None
) -> None:
    """Control: breastfeeding false or not recorded: no caution, no mark, same options."""
    for drug, (fields, _) in CASES.items():
        extra = {} if value is None else {"breastfeeding": value}
        a = run(_woman(fields, **extra), kb)
        assert _bf_cautions(a) == {}, drug
        assert not any(
            n.level == "advice" for r in a.recommendations for n in r.label_restrictions
        ), drug


def test_male_patient_marked_breastfeeding_is_refused() -> None:
    """A male patient marked breastfeeding contradicts himself: invalid input, field named."""
    with pytest.raises(ValidationError) as err:
        patient(sex="male", breastfeeding=True)
    locs = [e["loc"] for e in err.value.errors()]
    assert locs == [("breastfeeding",)]
    assert "contradicts sex male" in err.value.errors()[0]["msg"]
    assert patient(sex="male", breastfeeding=False).breastfeeding is False


def test_male_patient_marked_breastfeeding_is_refused_on_the_command_line(
    tmp_path: Path,
) -> None:
    doc = {**BASE, "sex": "male", "breastfeeding": True}
    path = tmp_path / "p.json"
    path.write_text(json.dumps(doc))
    done = subprocess.run(
        [GISTCDS, "assess", str(path)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "breastfeeding: contradicts sex male; correct one of the two, got true"
    ]


@pytest.mark.parametrize(("value", "answer"), [(True, "LA29252-6"), (False, "LA29253-4")])
def test_fhir_round_trip_of_breastfeeding(kb: KnowledgeBase, value: bool, answer: str) -> None:
    """Written as an Observation LOINC 63895-7 with the LOINC answer, read back the same,
    and the assessment from the Bundle carries the same cautions."""
    p = _woman(CASES["ripretinib"][0], breastfeeding=value)
    back, bundle = roundtrip(p, kb)
    assert back.breastfeeding is value
    obs = [
        e["resource"]
        for e in bundle["entry"]
        if e["resource"]["resourceType"] == "Observation"
        and e["resource"]["code"]["coding"][0]["code"] == "63895-7"
    ]
    assert len(obs) == 1
    coding = obs[0]["valueCodeableConcept"]["coding"][0]
    assert (coding["system"], coding["code"]) == ("http://loinc.org", answer)
    assert codes(run(back, kb)) == codes(run(p, kb))


def test_unrecorded_breastfeeding_writes_no_observation(kb: KnowledgeBase) -> None:
    _, bundle = roundtrip(_woman(CASES["imatinib"][0]), kb)
    assert "63895-7" not in json.dumps(bundle)


# --- V3-O1: ripretinib in pregnancy -------------------------------------------------------


def test_v3_o1_pregnant_fourth_line_ripretinib_is_marked_and_not_first(
    kb: KnowledgeBase,
) -> None:
    """Pregnant after imatinib, sunitinib and regorafenib. Before: ripretinib first with only
    the general pregnancy caution. The Qinlock EU package leaflet: 'you should not take this
    medicine, unless your doctor has decided that treatment with QINLOCK is clearly
    necessary'. Now: the tumour board with the obstetric team first, ripretinib marked."""
    a = run(_woman(CASES["ripretinib"][0], pregnant=True), kb)
    assert a.recommendations[0].rule_id == "LBL-NONE"
    ripr = [r for r in a.recommendations if r.regimen and r.regimen[0].drug == "ripretinib"]
    assert ripr and all(
        [n.rule_id for n in r.label_restrictions] == ["LBL-ripretinib-pregnancy"] for r in ripr
    )
    assert {"label_not_recommended_ripretinib", "pregnancy"} <= codes(a)


def test_v3_o1_not_pregnant_ripretinib_stays_first(kb: KnowledgeBase) -> None:
    a = run(_woman(CASES["ripretinib"][0]), kb)
    assert a.recommendations[0].regimen[0].drug == "ripretinib"
    assert not a.recommendations[0].label_restrictions
    assert "label_not_recommended_ripretinib" not in codes(a)


def test_every_recommendable_targeted_drug_has_breastfeeding_advice(kb: KnowledgeBase) -> None:
    """A targeted drug a rule can propose without a breast-feeding entry would leave a
    breastfeeding patient without its caution: the knowledge base covers them all."""
    from gistcds.knowledge.schema import therapy_drugs, therapy_label_limits

    drugs = kb.get(therapy_drugs.Table)
    limits = kb.get(therapy_label_limits.Table)
    targeted = {d.inn for d in drugs.drugs if "targeted" in d.classes}
    advised = {r.drug for r in limits.restrictions if r.when == {"breastfeeding": True}}
    assert targeted and targeted <= advised
    assert all(
        r.level == "advice" and r.severity == "critical"
        for r in limits.restrictions
        if r.when == {"breastfeeding": True}
    )


def test_order_sign_card_for_a_breastfeeding_patient(kb: KnowledgeBase) -> None:
    """CDS Hooks order-sign: signing sunitinib for a breastfeeding patient shows its label's
    advice as a critical card; the same order for a patient not breastfeeding does not."""
    from gistcds.cdshooks import deterministic_uuid, order_sign_cards
    from tests.test_fhir_cdshooks import _draft

    fields = CASES["sunitinib"][0]
    for value, expected in ((True, True), (None, False)):
        extra = {} if value is None else {"breastfeeding": value}
        cards = order_sign_cards(
            _woman(fields, **extra), _draft("sunitinib", 50), kb, deterministic_uuid("o")
        )
        advice = "at least 4 weeks after the last dose"
        hits = [c for c in cards if c["indicator"] == "critical" and advice in c["detail"]]
        assert bool(hits) is expected, value
