"""adverse_events[] and cardiac input: CTCAE terms checked against the KB, unknown ones
refused with the nearest valid terms; dates in order; ranges."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import TODAY
from gistcds.errors import InputError
from gistcds.io.patient_json import patient_from_obj
from toxicity_helpers import patient


def problems(record: dict[str, Any]) -> list[str]:
    with pytest.raises(InputError) as err:
        patient_from_obj(record, today=TODAY)
    return [f"{p.path}: {p.message}" for p in err.value.problems]


def test_unknown_term_suggests_nearest() -> None:
    (msg,) = problems(patient(adverse_events=[{"term": "Edema limb", "grade": 2}]))
    assert msg.startswith("adverse_events[0].term: not a CTCAE v5.0 term")
    assert "'Edema limbs'" in msg


def test_misspelt_neutropenia_suggests_the_ctcae_term() -> None:
    (msg,) = problems(patient(adverse_events=[{"term": "Neutrophil count decrease", "grade": 3}]))
    assert "'Neutrophil count decreased'" in msg


def test_case_and_synonym_are_canonicalised() -> None:
    p = patient_from_obj(
        patient(
            adverse_events=[
                {"term": "hand-foot SKIN reaction", "grade": 2},
                {"term": "diarrhoea", "grade": 1, "drug": " Sutent "},
            ]
        ),
        today=TODAY,
    )
    assert [e.term for e in p.adverse_events] == [
        "Palmar-plantar erythrodysesthesia syndrome",
        "Diarrhea",
    ]
    assert p.adverse_events[1].drug == "sutent"


@pytest.mark.parametrize(
    ("event", "fragment"),
    [
        ({"term": "Fatigue", "grade": 6}, "adverse_events[0].grade: must be <= 5"),
        ({"term": "Fatigue", "grade": 0}, "adverse_events[0].grade: must be >= 1"),
        ({"term": "Fatigue", "grade": 2, "recurrence": 0}, "recurrence: must be >= 1"),
        (
            {"term": "Fatigue", "grade": 2, "onset": "2026-05-02", "resolved": "2026-05-01"},
            "resolved must not be before onset",
        ),
        ({"term": "Fatigue", "grade": 2, "onset": "2030-01-01"}, "onset must not be after today"),
        ({"term": "Fatigue", "grade": 2, "severity": "bad"}, "severity: unknown field"),
    ],
)
def test_bad_events_name_the_field(event: dict[str, Any], fragment: str) -> None:
    assert any(fragment in m for m in problems(patient(adverse_events=[event])))


def test_cardiac_and_labs_ranges() -> None:
    msgs = problems(
        patient(
            cardiac={"lvef_pct": 120, "qtc_ms": 100},
            labs={"platelets_10e9_per_l": -1, "alt_uln_u_per_l": 0},
        )
    )
    assert {m.split(":")[0] for m in msgs} == {
        "cardiac.lvef_pct",
        "cardiac.qtc_ms",
        "labs.platelets_10e9_per_l",
        "labs.alt_uln_u_per_l",
    }


@settings(max_examples=60, deadline=None)
@given(st.text(min_size=1, max_size=40))
def test_any_term_is_accepted_canonically_or_refused_with_a_path(text: str) -> None:
    from gistcds.knowledge import load_kb
    from gistcds.knowledge.schema.ctcae_terms import Table

    terms = load_kb().table("ctcae_terms", Table)
    record = patient(adverse_events=[{"term": text, "grade": 2}])
    try:
        p = patient_from_obj(record, today=TODAY)
    except InputError as err:
        assert all(pr.path.startswith("adverse_events[0].term") for pr in err.problems)
    else:
        assert p.adverse_events[0].term in {t.term for t in terms.terms}


def test_without_a_vocabulary_the_term_is_refused_not_accepted_unchecked() -> None:
    """The domain does not read the KB: validated without the CTCAE vocabulary in the
    context, a record with adverse events is refused at the term, not let through."""
    from pydantic import ValidationError

    from gistcds.domain.patient import Patient

    with pytest.raises(ValidationError) as err:
        Patient.model_validate(
            patient(adverse_events=[{"term": "Fatigue", "grade": 2}]), context={"today": TODAY}
        )
    (e,) = err.value.errors()
    assert e["loc"] == ("adverse_events", 0, "term")
    assert "no CTCAE vocabulary" in e["msg"]


def test_the_vocabulary_comes_from_the_kb_given() -> None:
    """A KB whose vocabulary lacks a term refuses it; the reader uses the KB it is given."""
    from gistcds.knowledge import load_kb
    from gistcds.knowledge.schema.ctcae_terms import Table

    kb = load_kb()
    table = kb.get(Table)
    narrowed = table.model_copy(update={"terms": [t for t in table.terms if t.term != "Fatigue"]})

    class _KB:
        def get(self, model: type[Table]) -> Table:
            assert model is Table
            return narrowed

    record = patient(adverse_events=[{"term": "Fatigue", "grade": 2}])
    assert patient_from_obj(record, today=TODAY).adverse_events[0].term == "Fatigue"
    with pytest.raises(InputError) as err:
        patient_from_obj(record, today=TODAY, kb=_KB())  # type: ignore[arg-type]
    (p,) = err.value.problems
    assert p.path == "adverse_events[0].term" and "not a CTCAE v5.0 term" in p.message
