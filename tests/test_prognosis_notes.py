"""Every prognosis note carries a stable code (issue 13, item 6): programs and tests read
``note_codes`` (and ``sequence_reason_code``), never the English of ``notes``."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from gistcds.assess import assess
from gistcds.domain.results.prognosis import Noted, Prognosis
from gistcds.io.patient_json import load_patient
from gistcds.knowledge import KnowledgeBase
from therapy_scenarios import SCENARIOS

EXAMPLES = sorted((Path(__file__).resolve().parent.parent / "examples" / "patients").glob("*.json"))
CODE = re.compile(r"^[a-z][a-z0-9_]*$")


def _noted(p: Prognosis) -> Iterator[Noted]:
    yield p
    for o in p.alternatives:
        yield o
        yield from (e for e in (o.pfs, o.os) if e is not None)
    yield from (e for e in (p.pfs, p.os) if e is not None)
    if p.sequence is not None:
        yield p.sequence


def _prognoses(kb: KnowledgeBase) -> Iterator[Prognosis]:
    for path in EXAMPLES:
        a = assess(load_patient(str(path)), kb)
        if a.prognosis is not None:
            yield a.prognosis
    for s in SCENARIOS.values():
        a = assess(s.patient, kb)
        if a.prognosis is not None:
            yield a.prognosis


def test_every_note_has_a_code(kb: KnowledgeBase) -> None:
    seen: set[str] = set()
    for p in _prognoses(kb):
        for m in _noted(p):
            assert len(m.note_codes) == len(m.notes), m.notes
            assert all(CODE.match(c) for c in m.note_codes), m.note_codes
            seen.update(m.note_codes)
        assert (p.sequence is None) == (p.sequence_reason_code is not None), p.sequence_reason
    # the examples and scenarios reach several kinds of note (the test is not vacuous)
    assert len(seen) >= 5, seen


def test_codes_must_match_the_notes() -> None:
    with pytest.raises(ValueError, match="one code per note"):
        Prognosis(notes=["a", "b"], note_codes=["only_one"])
