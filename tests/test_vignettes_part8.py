"""Unusual patients, part 8 (docs/review.md "Unusual patients, part 8: side effects and
interactions"): a sarcoma oncologist's reading of the SIDE EFFECTS section (adverse events ->
label dose modifications) and the CYP3A4 DRUG INTERACTIONS of `gistcds assess`. Each finding
test failed before its change; its docstring says what the output said and the general rule.
The last block pins vignettes read and found right.

Sources: CTCAE v5.0 (ctcae5: grade 5 = death related to the adverse event); the label rows of
`toxicity_dose_modifications.yaml` (a "recurrence" row applies after resumption once the
resumption criteria were met; regorafenib: a third grade 3 hand-foot skin reaction stops the
drug); the CYP3A4 label rules of `therapy_interactions.yaml` (each for one agent alone).
"""

from __future__ import annotations

from typing import Any

import pytest

from gistcds.domain.assessment import Assessment
from gistcds.knowledge import KnowledgeBase
from review_helpers import KIT11, codes, line, metastatic, mol, run

_IM_OPEN = {**line("imatinib", 400, None), "start": "2024-02-01"}
_AFTER_TWO = [
    {**line("imatinib", 400), "start": "2024-02-01", "end": "2024-12-01"},
    {**line("sunitinib", 50), "start": "2024-12-10", "end": "2025-08-01"},
]


def _pt(kb: KnowledgeBase, lines: list[dict[str, Any]], **kw: Any) -> Assessment:
    return run(
        metastatic(
            molecular=mol(KIT11),
            therapy_lines=lines,
            metastatic={"diagnosed": "2024-01-10", "sites": ["liver"]},
            **kw,
        ),
        kb,
    )


def _event(term: str, grade: int, drug: str | None, onset: str, **kw: Any) -> dict[str, Any]:
    return {"term": term, "grade": grade, "drug": drug, "onset": onset, "resolved": None, **kw}


_ANC = "Neutrophil count decreased"
_HFS = "Palmar-plantar erythrodysesthesia syndrome"


# --- V5-01: one episode recorded twice (overlapping, both ongoing) --------------------------


def test_v5_01_overlapping_same_event_is_one_episode(kb: KnowledgeBase) -> None:
    """Before: two ongoing grade 3 neutropenias two days apart on imatinib 400 gave two rows,
    'hold, resume 400' (first episode) and 'hold, resume 300' (second occurrence): the second
    onset fell inside the unresolved first episode, so it is no recurrence. Rule: an earlier
    event counts as an occurrence only once resolved by the later onset; ongoing events of one
    kind on one drug are advised once and named in a warning."""
    a = _pt(
        kb,
        [_IM_OPEN],
        adverse_events=[
            _event(_ANC, 3, "imatinib", "2026-10-01"),
            _event(_ANC, 3, "imatinib", "2026-10-03"),
        ],
    )
    assert [(t.rule_id, t.occurrence, t.dose_mg_per_day) for t in a.toxicity] == [
        ("IM-01", 1, 400.0)
    ]
    assert any("more than once" in w for w in a.warnings)


def test_v5_01_control_resolved_episode_is_a_recurrence(kb: KnowledgeBase) -> None:
    """A first episode resolved before the second onset: the label's recurrence row (300 mg)."""
    first = {**_event(_ANC, 3, "imatinib", "2026-08-01"), "resolved": "2026-08-20"}
    a = _pt(kb, [_IM_OPEN], adverse_events=[first, _event(_ANC, 3, "imatinib", "2026-10-03")])
    assert [(t.rule_id, t.occurrence, t.dose_mg_per_day) for t in a.toxicity] == [
        ("IM-02", 2, 300.0)
    ]
    assert not any("more than once" in w for w in a.warnings)


# --- V5-02 / V5-03 / V5-04: events the record does not tie to a drug being taken ------------


def test_v5_02_event_on_a_drug_no_longer_taken_is_named(kb: KnowledgeBase) -> None:
    """Before: an ongoing grade 4 hypertension recorded on sunitinib (stopped 2025) while the
    patient is on regorafenib: 'hold sunitinib, resume 37.5' with no word that sunitinib is
    not taken and that the event, if it persists, belongs to the current drug. Rule: the
    advice is kept (it applies to a restart) and a warning names the mismatch."""
    lines = [*_AFTER_TWO, {**line("regorafenib", 160, None), "start": "2025-08-10"}]
    a = _pt(kb, lines, adverse_events=[_event("Hypertension", 4, "sunitinib", "2025-06-01")])
    assert any(
        "no longer taken" in w and "current: regorafenib" in w and "sunitinib" in w
        for w in a.warnings
    )


def test_v5_03_event_on_a_drug_never_recorded_gets_no_dose(kb: KnowledgeBase) -> None:
    """Before: grade 3 hand-foot syndrome attributed to regorafenib, which no line records (the
    patient is on imatinib): 'hold regorafenib, resume at 120 mg', the label start dose
    assumed. Rule: a drug no line records gets no dose advice; a warning asks for the line or
    the right drug."""
    a = _pt(kb, [_IM_OPEN], adverse_events=[_event(_HFS, 3, "regorafenib", "2026-10-01")])
    assert not a.toxicity
    assert any("which no therapy line records" in w for w in a.warnings)


def test_v5_04_event_before_the_drug_was_started_gets_no_dose(kb: KnowledgeBase) -> None:
    """Before: grade 3 diarrhoea with onset a month before imatinib was first started, recorded
    on imatinib: 'withhold imatinib until resolved'. Rule: an event that began before the drug
    was first started is not advised on as that drug's reaction; a warning names the dates."""
    late = {**_IM_OPEN, "start": "2026-10-10"}
    a = _pt(kb, [late], adverse_events=[_event("Diarrhea", 3, "imatinib", "2026-09-01")])
    assert not a.toxicity
    assert any("before imatinib was first started" in w for w in a.warnings)


# --- V5-05: the label stops the current drug, the options continue it -----------------------


def test_v5_05_label_discontinue_beside_continue_is_named(kb: KnowledgeBase) -> None:
    """Before: third grade 3 hand-foot skin reaction on regorafenib 80 mg: the side-effects row
    said 'discontinue permanently' (label) while the first option read 'Continue regorafenib at
    the current dose', with no word on the conflict. Rule: a critical caution names the label's
    stop beside any option continuing the current drug and asks to record the stop."""
    lines = [*_AFTER_TWO, {**line("regorafenib", 80, None), "start": "2025-08-10"}]
    a = _pt(kb, lines, adverse_events=[_event(_HFS, 3, "regorafenib", "2026-10-01", recurrence=3)])
    assert [t.action for t in a.toxicity] == ["discontinue"]
    caution = next(c for c in a.cautions if c.code == "label_discontinue_current_event")
    assert caution.severity == "critical"
    assert "stop regorafenib permanently" in caution.message


def test_v5_05_control_hold_gives_no_stop_caution(kb: KnowledgeBase) -> None:
    """A first grade 3 hand-foot reaction at 160 mg: hold and resume lower, no stop caution."""
    lines = [*_AFTER_TWO, {**line("regorafenib", 160, None), "start": "2025-08-10"}]
    a = _pt(kb, lines, adverse_events=[_event(_HFS, 3, "regorafenib", "2026-10-01")])
    assert [(t.action, t.dose_mg_per_day) for t in a.toxicity] == [("hold", 120.0)]
    assert "label_discontinue_current_event" not in codes(a)


# --- V5-06: grade 5 --------------------------------------------------------------------------


def test_v5_06_grade5_is_death_not_an_interruption(kb: KnowledgeBase) -> None:
    """Before: a grade 5 neutropenia on imatinib read 'discontinue' with the BFR14 flag 'keep
    the interruption short and restart', and the interruption caution, beside 'Continue
    imatinib'. CTCAE v5.0: grade 5 is death related to the adverse event. Rule: no restart
    wording for a grade 5 event; a critical caution asks to check the record."""
    a = _pt(kb, [_IM_OPEN], adverse_events=[_event(_ANC, 5, "imatinib", "2026-10-01")])
    (row,) = a.toxicity
    assert not any("BFR14" in f for f in row.flags)
    assert any("death related to the adverse event" in f for f in row.flags)
    assert "interruption_advanced_disease" not in codes(a)
    assert a.cautions[0].code == "grade5_event_recorded"
    assert a.cautions[0].severity == "critical"


# --- V5-07 / V5-08: comedications ------------------------------------------------------------


def test_v5_07_inducer_and_inhibitor_together_say_the_net_is_unknown(kb: KnowledgeBase) -> None:
    """Before: carbamazepine (Tegretol) with itraconazole gave only the inducer's 'raise the
    imatinib dose' advice (and with the brand Sporanox not even the inhibitor's), as if the
    inhibitor were absent. Rule: each agent's label advice, and a caution that the labels give
    no rule for the combination, so the net effect is not predicted."""
    a = _pt(kb, [_IM_OPEN], comedications=["Tegretol", "Sporanox"])
    assert {"cyp3a4_inducer_imatinib", "cyp3a4_inhibitor_imatinib"} <= codes(a)
    opposing = next(c for c in a.cautions if c.code == "cyp3a4_opposing_effects")
    assert "cannot be predicted" in opposing.message and "imatinib" in opposing.message


def test_v5_07_one_opposing_caution_names_every_drug_in_play(kb: KnowledgeBase) -> None:
    """Progression on imatinib with clarithromycin and St John's wort: imatinib 800 and
    sunitinib are in play; one opposing-effects caution names both drugs."""
    stopped = {**_IM_OPEN, "end": "2026-10-01", "stop_reason": "progression"}
    stopped["progression"] = "generalized"
    a = _pt(kb, [stopped], comedications=["clarithromycin", "St John's Wort"])
    (opposing,) = [c for c in a.cautions if c.code == "cyp3a4_opposing_effects"]
    assert "imatinib and sunitinib" in opposing.message


def test_v5_07_control_one_direction_only(kb: KnowledgeBase) -> None:
    a = _pt(kb, [_IM_OPEN], comedications=["carbamazepine"])
    assert "cyp3a4_opposing_effects" not in codes(a)


def test_v5_08_unknown_comedication_is_said_unchecked(kb: KnowledgeBase) -> None:
    """Before: 'Nizoral 200 mg' (a ketoconazole brand the table does not list) and 'Biaxin'
    (clarithromycin) gave no interaction caution and no word: silence read as 'checked, no
    interaction'. Rule: Biaxin and Sporanox are synonyms in the table; any comedication the
    table does not know is named in a warning as not checked."""
    a = _pt(kb, [_IM_OPEN], comedications=["Nizoral 200 mg", "Biaxin", "metformin"])
    assert "cyp3a4_inhibitor_imatinib" in codes(a)
    unchecked = [w for w in a.warnings if "not checked for interactions" in w]
    assert len(unchecked) == 2
    assert any("nizoral" in w.lower() for w in unchecked)
    assert not any("biaxin" in w.lower() for w in unchecked)


# --- read and found right --------------------------------------------------------------------


def test_v5_fine_resolved_before_onset_is_refused() -> None:
    """An event resolved before it began is refused at input (contract)."""
    bad = {**_event("Fatigue", 2, "imatinib", "2026-10-05"), "resolved": "2026-10-01"}
    with pytest.raises(ValueError, match="resolved must not be before onset"):
        metastatic(molecular=mol(KIT11), therapy_lines=[_IM_OPEN], adverse_events=[bad])


def test_v5_fine_unlabelled_dose_gives_no_invented_dose(kb: KnowledgeBase) -> None:
    """Grade 3 neutropenia on imatinib 500 mg: the label has no GIST row above 400 mg; no
    resumption dose is invented (IM-03: the team's decision)."""
    a = _pt(
        kb,
        [{**_IM_OPEN, "dose_mg_per_day": 500}],
        adverse_events=[_event(_ANC, 3, "imatinib", "2026-10-01")],
    )
    assert [(t.rule_id, t.dose_mg_per_day) for t in a.toxicity] == [("IM-03", None)]


def test_v5_fine_hepatotoxicity_beside_hepatic_impairment(kb: KnowledgeBase) -> None:
    """Grade 3 ALT rise (ALT 6 x ULN) with moderate hepatic impairment on imatinib 400: the
    label's hold and 300 mg resumption, the lab withhold caution and the hepatic caution."""
    a = _pt(
        kb,
        [_IM_OPEN],
        hepatic_impairment="moderate",
        labs={"alt_u_per_l": 250, "alt_uln_u_per_l": 40},
        adverse_events=[_event("Alanine aminotransferase increased", 3, "imatinib", "2026-10-01")],
    )
    assert [(t.rule_id, t.action, t.dose_mg_per_day) for t in a.toxicity] == [
        ("IM-04", "hold", 300.0)
    ]
    assert {"imatinib_label_withhold_labs", "hepatic_impairment_dose_imatinib"} <= codes(a)


def test_v5_09_record_paths_read_as_words_in_the_report() -> None:
    """Before: the plain-language test skipped every record with adverse events (validated
    without the CTCAE vocabulary: 'invalid input by design'), so the side-effect warnings were
    never scanned; they printed 'adverse_events[1]'. Rule: the report's plain() writes a record
    path as words (adverse event 2, therapy line 1)."""
    from gistcds.report.format import plain

    assert plain("adverse_events[1] (Diarrhea); therapy_lines[0]: x") == (
        "adverse event 2 (Diarrhea); therapy line 1: x"
    )
