"""The patient's own sequence simulation in ``prognosis.sequence``: starts at the next line,
is seeded, and is null with a reason where no sequence evidence starts there.

Line arms and transition probabilities: knowledge/prognosis_arms.yaml and
prognosis_sequences.yaml (Demetri 2012 crossover 103/118; GRID, Demetri 2013, 56/66).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from conftest import example
from gistcds.assess import assess
from gistcds.domain.patient import Patient
from gistcds.domain.results.prognosis import Prognosis
from gistcds.prognosis.evidence import evidence
from gistcds.prognosis.sequence import PATIENTS, patient_sequence


def _prognosis(kb: Any, name: str, **changes: Any) -> Prognosis | None:
    data = example(name) | changes
    return assess(Patient.model_validate(data), kb).prognosis


def test_untreated_kit11_runs_the_whole_sequence_from_line_1(kb: Any) -> None:
    p = _prognosis(kb, "metastatic-kit11-untreated.json")
    assert p is not None and p.sequence is not None and p.sequence_reason is None
    s = p.sequence
    assert s.start_line == 1 and s.patients == PATIENTS
    assert s.drugs == ["imatinib", "sunitinib", "regorafenib", "ripretinib"]
    assert [ln.line for ln in s.lines] == [1, 2, 3, 4]
    # reach = product of the published transition probabilities (binomial noise only)
    table = evidence(kb).sequences
    proceed = [t.proceed_probability for t in sorted(table.transitions, key=lambda t: t.after_line)]
    want = np.cumprod([1.0, *proceed[:3]])
    for ln, w in zip(s.lines, want, strict=True):
        assert ln.reached_fraction == pytest.approx(w, abs=0.012)
    assert [ln.proceed_probability for ln in s.lines] == [*proceed[:3], None]
    lo, hi = s.os_quartiles_months
    assert s.os_p10_p90_months[0] < lo < s.os_median_months < hi < s.os_p10_p90_months[1]
    assert 1 >= s.os_survival_1y >= s.os_survival_2y >= s.os_survival_5y >= 0
    # first line: the published first-line OS (CALGB 150105 KIT exon 11) is named for comparison
    assert s.compare_os_arm == "calgb150105_kit11_os"
    assert "population" in s.caveat.lower()
    assert set(s.source_ids) >= {sid for ln in s.lines for sid in ln.source_ids}


def test_time_on_each_line_follows_its_arm(kb: Any) -> None:
    p = _prognosis(kb, "metastatic-kit11-untreated.json")
    assert p is not None and p.sequence is not None
    ev = evidence(kb)
    for ln in p.sequence.lines:
        fitted = ev.arms[ln.arm_id].curve.median()
        assert ln.median_months_on_line == pytest.approx(fitted, rel=0.06), ln.arm_id
        assert ln.quartiles_months_on_line is not None
        assert ln.quartiles_months_on_line[0] < ln.median_months_on_line
        assert ln.median_months_on_line < ln.quartiles_months_on_line[1]


def test_after_imatinib_progression_starts_at_sunitinib(kb: Any) -> None:
    p = _prognosis(kb, "progression-after-imatinib.json")
    assert p is not None and p.sequence is not None
    s = p.sequence
    assert s.start_line == 2
    assert s.drugs == ["sunitinib", "regorafenib", "ripretinib"]
    assert [ln.line for ln in s.lines] == [2, 3, 4]
    assert s.lines[0].reached_fraction == 1.0
    assert s.compare_os_arm is None  # first-line OS does not describe a line-2 start
    first = _prognosis(kb, "metastatic-kit11-untreated.json")
    assert first is not None and first.sequence is not None
    assert s.os_median_months < first.sequence.os_median_months
    assert "imatinib" not in s.drugs


def test_seeded_same_answer_every_time(kb: Any) -> None:
    a = _prognosis(kb, "progression-after-imatinib.json")
    b = _prognosis(kb, "progression-after-imatinib.json")
    assert a is not None and b is not None and a.sequence is not None
    assert a.sequence == b.sequence


def test_no_sequence_for_the_genotype_is_null_with_a_reason(kb: Any) -> None:
    p = _prognosis(kb, "metastatic-pdgfra-d842v.json")
    assert p is not None and p.sequence is None
    assert p.sequence_reason_code == "no_sequence" and "PDGFRA_D842V" in str(p.sequence_reason)


def test_next_drug_not_in_the_sequence_is_null_with_a_reason(kb: Any) -> None:
    # SDH-deficient: sunitinib first; the sequence's line 1 is imatinib
    p = _prognosis(kb, "sdh-deficient.json")
    assert p is not None and p.sequence is None
    assert p.sequence_reason_code == "sequence_drug_differs"
    seq, why = patient_sequence(
        kb, genotype_class="KIT_exon11", line=5, drug="ripretinib", dose=150
    )
    assert seq is None and why is not None and why.code == "beyond_sequence"


def test_dose_difference_and_ongoing_line_are_said(kb: Any) -> None:
    import datetime as dt

    seq, why = patient_sequence(
        kb,
        genotype_class="KIT_exon11",
        line=2,
        drug="sunitinib",
        dose=37.5,
        ongoing_since=dt.date(2026, 1, 5),
    )
    assert why is None and seq is not None
    assert "sequence_dose_differs" in seq.note_codes and "already_on_drug" in seq.note_codes
    assert any("37.5 mg/day" in n and "50 mg/day" in n for n in seq.notes)


def test_localised_disease_has_no_prognosis(kb: Any) -> None:
    assert _prognosis(kb, "localized-high-risk-resected.json") is None
